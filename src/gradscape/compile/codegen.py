"""Print validated SymPy expressions as straight-line NumPy, Numba or CUDA code.

Common subexpressions are shared across all components (one ``sympy.cse`` over every
expression). The printer walks each tree with an explicit stack, so deep trees cannot hit
Python's recursion limit, and spills deep or repeated-use operands into temporaries.

>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> prog = lower([x**2 + y, 2*x], [x, y])
>>> out = render(prog, "numba")
>>> out.lines, out.outputs
([], ['(a1 + (a0*a0))', '(2.0*a0)'])

The "cuda" flavour is Numba's scalar code for numba-cuda device functions: each head's
``code.cuda`` template (``math.*``, no NumPy), ``math.sqrt`` and ``math.nan``/``math.inf``:

>>> render(lower([sp.sqrt(x) + sp.sin(y) / 0], [x, y]), "cuda").outputs
['(math.sqrt(a0) + (math.nan*math.sin(a1)))']
>>> render(lower([2 * x], [x]), "cuda", "float32").outputs  # float32 literals stay float32
['(F(2.0)*a0)']
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import sympy as sp

from gradscape.compile.nodes import (
    abs_term,
    add_terms,
    coefficient,
    is_arithmetic,
    is_constant,
    number,
    pow_kind,
    pow_operands,
    refusal,
    split_mul,
)
from gradscape.errors import DomainError
from gradscape.formula.registry import BY_HEAD
from gradscape.formula.rows import Code

__all__ = ["Program", "Rendered", "lower", "render"]

_MAX_DEPTH = 40  # Python's parser refuses ~200 nested brackets; spill well before that
_SIMPLE = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_.]*|\d[\d.e+-]*)$")


@dataclass
class Program:
    """Backend-independent form of a kernel: CSE'd assignments and outputs."""

    symbols: tuple[sp.Symbol, ...]
    assignments: list[tuple[sp.Symbol, sp.Basic]]
    outputs: list[sp.Basic]
    names: dict[sp.Basic, str] = field(default_factory=dict)


def lower(exprs: list[sp.Basic], symbols: list[sp.Symbol]) -> Program:
    """Run common-subexpression elimination over all components at once."""
    temps = sp.numbered_symbols(cls=sp.Dummy, real=True)
    # Functions of constants go through CSE whole, as one symbol each, so each prints as one
    # literal of its exact value: CSE would otherwise share pieces of them (log(2), or the
    # I*pi of a log of a negative constant, which alone is a complex constant).
    masked = _functions_of_constants(exprs)
    assignments, outputs = sp.cse([e.xreplace(masked) for e in exprs], symbols=temps,
                                  order="none", list=True)
    if masked:
        back = {d: c for c, d in masked.items()}
        assignments = [(lhs, rhs.xreplace(back)) for lhs, rhs in assignments]
        outputs = [out.xreplace(back) for out in outputs]
    names: dict[sp.Basic, str] = {s: f"a{i}" for i, s in enumerate(symbols)}
    names.update({lhs: f"t{i}" for i, (lhs, _) in enumerate(assignments)})
    return Program(tuple(symbols), list(assignments), list(outputs), names)


def _functions_of_constants(exprs: list[sp.Basic]) -> dict[sp.Basic, sp.Basic]:
    """Each largest subtree that is a function of constants (log(erf(8))/log(2)) and folds to
    one literal (see nodes.is_constant), mapped to a new real symbol."""
    found: dict[sp.Basic, sp.Basic] = {}
    stack = list(exprs)
    while stack:  # explicit stack: deep formulas stay within the recursion limit
        node = stack.pop()
        if node.is_Atom or node in found:
            continue
        if isinstance(node, sp.Expr) and node.is_number and is_constant(node):
            if not is_arithmetic(node):
                found[node] = sp.Dummy(real=True)
            continue
        stack.extend(node.args)
    return found


@dataclass
class Rendered:
    """Code for one backend: assignment lines, one code string per output, helpers used."""

    lines: list[str]
    outputs: list[str | tuple[str, ...]]  # NumPy may give (ufunc, operands...), see render
    helpers: set[str]


def render(program: Program, backend: str, dtype: str = "float64",
           modes: str | None = None) -> Rendered:
    """Print a program for ``backend`` ("numpy", "numba" or "cuda") and ``dtype``.

    NumPy outputs may be ``("np.add", left, right)`` triples: the caller writes the last
    operation straight into the output array instead of copying a temporary into it.
    With input ``modes`` for a grid loop (see numba_backend), every largest subexpression
    of row inputs only, or of column inputs only, inside one that mixes them gets its own
    name, so the loop can compute it once per column or once per row.
    """
    varies = None
    if modes and ("r" in modes or "c" in modes):
        varies = {s: frozenset(m) - {"s"} for s, m in zip(program.symbols, modes)}
    printer = _Printer(program.names, backend, dtype, varies)
    for lhs, rhs in program.assignments:
        text = printer.code(rhs)
        printer.lines.append(f"{program.names[lhs]} = {text}")
        if varies is not None:
            varies[lhs] = printer.deps[rhs]
    outs = [printer.out_call(expr) or printer.code(expr) for expr in program.outputs]
    return Rendered(printer.lines, outs, printer.helpers)


class _Printer:
    def __init__(self, names: dict[sp.Basic, str], backend: str, dtype: str,
                 varies: dict[sp.Basic, frozenset[str]] | None = None) -> None:
        self.names = names
        self.varies = varies  # which loop axes each input varies along ("r", "c", "f")
        self.deps: dict[sp.Basic, frozenset[str]] = {}
        self.numba = backend in ("numba", "cuda")  # scalar code: both print alike but calls
        self.cuda = backend == "cuda"
        self.dtype = dtype
        self.wrap = self.numba and dtype == "float32"  # Numba literals are float64 otherwise
        self.lines: list[str] = []
        self.helpers: set[str] = set()
        self._done: dict[sp.Basic, tuple[str, int]] = {}
        self._spill = 0

    # --- traversal -----------------------------------------------------------------
    def code(self, root: sp.Basic) -> str:
        stack, ops_of = [root], {}
        while stack:
            node = stack[-1]
            if node in self._done:
                stack.pop()
                continue
            if node not in ops_of:
                ops_of[node] = self._operands(node)
            pending = [op for op in ops_of[node][0] if op not in self._done]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            ops, simple = ops_of[node]
            if self.varies is not None:
                self.deps[node] = self._varies(node, ops)
            codes = [self._use(op, simple or self._hoist(op, node)) for op in ops]
            text = self._render(node, codes)
            depth = 1 + max((self._done[op][1] for op in ops), default=0)
            self._done[node] = (text, depth)
        return self._use(root, False)

    def _varies(self, node: sp.Basic, ops: list[sp.Basic]) -> frozenset[str]:
        if self.varies is not None and node in self.varies:
            return self.varies[node]
        return frozenset().union(*(self.deps[op] for op in ops))

    def _hoist(self, op: sp.Basic, parent: sp.Basic) -> bool:
        # A row-only or column-only operand of a node that varies some other way.
        if self.varies is None:
            return False
        mine = self.deps[op]
        return mine in ({"r"}, {"c"}) and mine != self.deps[parent]

    def out_call(self, expr: sp.Basic) -> tuple[str, ...] | None:
        """The last NumPy operation of an output as (ufunc, operands...), when there is one."""
        if self.numba or expr in self.names or is_constant(expr):
            return None
        if expr.is_Add:
            *rest, last = expr.args
            term, negative = abs_term(last)
            left = self.code(sp.Add(*rest, evaluate=False))
            return ("np.subtract" if negative else "np.add", left, self.code(term))
        if expr.is_Mul and not split_mul(expr)[2]:
            *rest, last = expr.args
            return ("np.multiply", self.code(sp.Mul(*rest, evaluate=False)), self.code(last))
        row = BY_HEAD.get(type(expr))
        if row is not None and row.code.ufunc and len(expr.args) == 1:
            return (row.code.ufunc, self.code(expr.args[0]))
        return None

    def _use(self, node: sp.Basic, simple: bool) -> str:
        text, depth = self._done[node]
        if (simple and not _SIMPLE.match(text)) or depth > _MAX_DEPTH:
            name = f"s{self._spill}"
            self._spill += 1
            self.lines.append(f"{name} = {text}")
            self._done[node] = (name, 0)
            return name
        return text

    # --- which sub-nodes a node prints from, and whether they must be plain names ---
    def _operands(self, node: sp.Basic) -> tuple[list[sp.Basic], bool]:
        if node in self.names or node.is_Atom or is_constant(node):
            return [], False
        if node.is_Add:
            return [abs_term(t)[0] for t in add_terms(node)], False
        if node.is_Mul:
            _, num, den = split_mul(node)
            return num + den, False
        if node.is_Pow:
            return pow_operands(node)
        if isinstance(node, sp.Piecewise):
            return [part for pair in node.args for part in pair], False
        row = BY_HEAD.get(type(node))
        if row is None:
            raise refusal(node)
        return list(node.args) + list(row.code.defaults[len(node.args) - 1 :]), False

    # --- printing one node from its operands' code --------------------------------
    def _render(self, node: sp.Basic, codes: list[str]) -> str:
        if node in self.names:
            return self.names[node]
        if node is sp.true or node is sp.false:
            return ("True" if node is sp.true else "False") if self.numba else (
                "np.True_" if node is sp.true else "np.False_"
            )
        if node.is_Atom or is_constant(node):
            if isinstance(node, sp.Symbol):
                raise DomainError(
                    f"symbol {node} is not one of the kernel's inputs; pass it in symbols"
                )
            return self.literal(number(node, self.dtype))
        if node.is_Add:
            terms = add_terms(node)
            parts = [("- " if abs_term(t)[1] else "+ ") + c for t, c in zip(terms, codes)]
            text = " ".join(parts)
            return "(" + (text[2:] if text.startswith("+") else "-" + text[2:]) + ")"
        if node.is_Mul:
            return self._mul(node, codes)
        if node.is_Pow:
            return self._pow(node, codes)
        if isinstance(node, sp.Piecewise):
            return self._piecewise(codes)
        return self._call(BY_HEAD[type(node)].code, codes)

    def literal(self, value: float) -> str:
        lib = "math" if self.cuda else "np"  # device code has no NumPy namespace
        if math.isnan(value):
            text = f"{lib}.nan"
        elif math.isinf(value):
            text = f"{lib}.inf" if value > 0 else f"(-{lib}.inf)"
        else:
            text = repr(value) if value >= 0 else f"({value!r})"
        return f"F({text})" if self.wrap else text

    def _call(self, code: Code, codes: list[str]) -> str:
        template = code.cuda if self.cuda else code.numba if self.numba else code.numpy
        self.helpers.update(re.findall(r"\b(_[a-z][a-z0-9_]*)\(", template))
        consts = {"one": self.literal(1.0), "zero": self.literal(0.0)}
        if code.fold:
            text = codes[0]
            for arg in codes[1:]:
                text = template.format(text, arg, **consts)
            return text
        return template.format(*codes, **consts)

    def _mul(self, node: sp.Basic, codes: list[str]) -> str:
        # The rational coefficient is one correctly rounded literal: printing p and q apart
        # made 2^1000/3^700 (~1e-33) into 1e301/inf = 0.
        coeff, num, _ = split_mul(node)
        negative = coeff < 0
        value, scale = coefficient(abs(int(coeff.p)), int(coeff.q), self.dtype)
        lead = value != 1.0 or not num or scale is not None
        top = ([self.literal(value)] if lead else []) + codes[: len(num)]
        bottom = ([self.literal(scale)] if scale is not None else []) + codes[len(num) :]
        text = "*".join(top)
        if bottom:
            below = bottom[0] if len(bottom) == 1 else "(" + "*".join(bottom) + ")"
            text = f"{text}/{below}"
        return f"(-{text})" if negative else f"({text})"

    def _pow(self, node: sp.Basic, codes: list[str]) -> str:
        kind, n = pow_kind(node.exp)
        if kind == "int":
            return "(" + "*".join([codes[0]] * n) + ")"
        if kind == "recip":
            return f"({self.literal(1.0)}/{codes[0]})"
        if kind == "sqrt":
            return f"{'math' if self.cuda else 'np'}.sqrt({codes[0]})"
        if kind == "halfint":
            return f"({codes[0]}*{codes[1]})"
        return f"({codes[0]} ** {codes[1]})"

    def _piecewise(self, codes: list[str]) -> str:
        pairs = list(zip(codes[::2], codes[1::2]))
        text = self.literal(math.nan)  # SymPy's Piecewise is undefined where no piece holds
        for value, cond in reversed(pairs):
            if self.numba:
                text = value if cond == "True" else f"({value} if {cond} else {text})"
            else:
                text = value if cond == "np.True_" else f"np.where({cond}, {value}, {text})"
        return text
