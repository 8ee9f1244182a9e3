"""Print validated SymPy expressions as straight-line NumPy or Numba code.

Common subexpressions are shared across all components (one ``sympy.cse`` over every
expression). The printer walks each tree with an explicit stack, so deep trees cannot hit
Python's recursion limit, and spills deep or repeated-use operands into temporaries.

>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> prog = lower([x**2 + y, 2*x], [x, y])
>>> out = render(prog, "numba")
>>> out.lines, out.outputs
([], ['(a1 + (a0*a0))', '(2.0*a0)'])
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import sympy as sp

from gradscape.compile.table import CODE, LOGIC, Code, supported_heads
from gradscape.errors import DomainError

__all__ = ["Program", "Rendered", "lower", "render"]

_MAX_DEPTH = 40  # Python's parser refuses ~200 nested brackets; spill well before that
_SMALL_POWER = 4  # x**n for |n| <= 4 as repeated multiplication, larger n through pow
_SIMPLE = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_.]*|\d[\d.e+-]*)$")
_FOLDABLE = (sp.Add, sp.Mul, sp.Pow, sp.Number, sp.NumberSymbol, sp.core.numbers.ImaginaryUnit)
_RELATIONS = {
    sp.StrictGreaterThan: ">",
    sp.StrictLessThan: "<",
    sp.GreaterThan: ">=",
    sp.LessThan: "<=",
    sp.Equality: "==",
    sp.Unequality: "!=",
}


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
    assignments, outputs = sp.cse(list(exprs), symbols=temps, order="none", list=True)
    names: dict[sp.Basic, str] = {s: f"a{i}" for i, s in enumerate(symbols)}
    names.update({lhs: f"t{i}" for i, (lhs, _) in enumerate(assignments)})
    return Program(tuple(symbols), list(assignments), list(outputs), names)


@dataclass
class Rendered:
    """Code for one backend: assignment lines, one code string per output, helpers used."""

    lines: list[str]
    outputs: list[str]
    helpers: set[str]


def render(program: Program, backend: str, dtype: str = "float64") -> Rendered:
    """Print a program for ``backend`` ("numpy" or "numba") and ``dtype``.

    NumPy outputs may be ``("np.add", left, right)`` triples: the caller writes the last
    operation straight into the output array instead of copying a temporary into it.
    """
    printer = _Printer(program.names, backend, dtype)
    for lhs, rhs in program.assignments:
        text = printer.code(rhs)
        printer.lines.append(f"{program.names[lhs]} = {text}")
    outs = [printer.out_call(expr) or printer.code(expr) for expr in program.outputs]
    return Rendered(printer.lines, outs, printer.helpers)


class _Printer:
    def __init__(self, names: dict[sp.Basic, str], backend: str, dtype: str) -> None:
        self.names = names
        self.numba = backend == "numba"
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
            codes = [self._use(op, simple) for op in ops]
            text = self._render(node, codes)
            depth = 1 + max((self._done[op][1] for op in ops), default=0)
            self._done[node] = (text, depth)
        return self._use(root, False)

    def out_call(self, expr: sp.Basic) -> tuple[str, ...] | None:
        """The last NumPy operation of an output as (ufunc, operands...), when there is one."""
        if self.numba or expr in self.names or _is_constant(expr):
            return None
        if expr.is_Add:
            *rest, last = expr.args
            term, negative = _abs_term(last)
            left = self.code(sp.Add(*rest, evaluate=False))
            return ("np.subtract" if negative else "np.add", left, self.code(term))
        if expr.is_Mul and not _split_mul(expr)[2]:
            *rest, last = expr.args
            return ("np.multiply", self.code(sp.Mul(*rest, evaluate=False)), self.code(last))
        code = CODE.get(type(expr))
        if code is not None and code.ufunc and len(expr.args) == 1:
            return (code.ufunc, self.code(expr.args[0]))
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
        if node in self.names or node.is_Atom or _is_constant(node):
            return [], False
        if node.is_Add:
            return [_abs_term(t)[0] for t in _add_terms(node)], False
        if node.is_Mul:
            _, num, den = _split_mul(node)
            return num + den, False
        if node.is_Pow:
            return _pow_operands(node)
        if isinstance(node, sp.Piecewise):
            return [part for pair in node.args for part in pair], False
        if type(node) in CODE:
            code = CODE[type(node)]
            if "{0}" not in code.numpy:
                return [], False
            return list(node.args) + list(code.defaults[len(node.args) - 1 :]), False
        if type(node) in _RELATIONS or type(node) in LOGIC or isinstance(node, sp.Not):
            return list(node.args), False
        raise _refuse(node)

    # --- printing one node from its operands' code --------------------------------
    def _render(self, node: sp.Basic, codes: list[str]) -> str:
        if node in self.names:
            return self.names[node]
        if node is sp.true or node is sp.false:
            return ("True" if node is sp.true else "False") if self.numba else (
                "np.True_" if node is sp.true else "np.False_"
            )
        if node.is_Atom or _is_constant(node):
            if isinstance(node, sp.Symbol):
                raise DomainError(
                    f"symbol {node} is not one of the kernel's inputs; pass it in symbols"
                )
            return self.literal(_number(node))
        if node.is_Add:
            terms = _add_terms(node)
            parts = [("- " if _abs_term(t)[1] else "+ ") + c for t, c in zip(terms, codes)]
            text = " ".join(parts)
            return "(" + (text[2:] if text.startswith("+") else "-" + text[2:]) + ")"
        if node.is_Mul:
            return self._mul(node, codes)
        if node.is_Pow:
            return self._pow(node, codes)
        if isinstance(node, sp.Piecewise):
            return self._piecewise(codes)
        if type(node) in CODE:
            return self._call(CODE[type(node)], codes)
        if type(node) in _RELATIONS:
            return f"({codes[0]} {_RELATIONS[type(node)]} {codes[1]})"
        if type(node) in LOGIC:
            op = LOGIC[type(node)][1 if self.numba else 0]
            return "(" + f" {op} ".join(codes) + ")"
        return f"(not {codes[0]})" if self.numba else f"(~{codes[0]})"

    def literal(self, value: float) -> str:
        if math.isnan(value):
            text = "np.nan"
        elif math.isinf(value):
            text = "np.inf" if value > 0 else "(-np.inf)"
        else:
            text = repr(value) if value >= 0 else f"({value!r})"
        return f"F({text})" if self.wrap else text

    def _call(self, code: Code, codes: list[str]) -> str:
        template = code.numba if self.numba else code.numpy
        self.helpers.update(re.findall(r"\b(_[a-z]+)\(", template))
        consts = {"one": self.literal(1.0), "zero": self.literal(0.0)}
        if code.fold:
            text = codes[0]
            for arg in codes[1:]:
                text = template.format(text, arg, **consts)
            return text
        return template.format(*codes, **consts)

    def _mul(self, node: sp.Basic, codes: list[str]) -> str:
        coeff, num, _ = _split_mul(node)
        negative = coeff < 0
        p, q = abs(coeff).p, abs(coeff).q
        top = ([self.literal(_float(p))] if p != 1 or not num else []) + codes[: len(num)]
        bottom = ([self.literal(_float(q))] if q != 1 else []) + codes[len(num) :]
        text = "*".join(top)
        if bottom:
            below = bottom[0] if len(bottom) == 1 else "(" + "*".join(bottom) + ")"
            text = f"{text}/{below}"
        return f"(-{text})" if negative else f"({text})"

    def _pow(self, node: sp.Basic, codes: list[str]) -> str:
        kind, n = _pow_kind(node.exp)
        if kind == "int":
            return "(" + "*".join([codes[0]] * n) + ")"
        if kind == "recip":
            return f"({self.literal(1.0)}/{codes[0]})"
        if kind == "sqrt":
            return f"np.sqrt({codes[0]})"
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


# --- node classification (pure functions of SymPy trees) -----------------------------
def _is_constant(node: sp.Basic) -> bool:
    # Only arithmetic on numbers is folded (2*pi, E + 20, sqrt(2)); a function of a constant,
    # such as asin(2), is left to run time, where it gets the real semantics (NaN) it would
    # get on a grid, rather than SymPy's complex value.
    if not isinstance(node, sp.Expr) or not node.is_number:
        return False
    return all(isinstance(sub, _FOLDABLE) for sub in sp.preorder_traversal(node))


def _number(node: sp.Basic) -> float:
    if node in (sp.zoo, sp.nan):  # undefined on the reals (e.g. 1/0 with no sign)
        return math.nan
    value = sp.N(node, 30)
    if not (value.is_Number and value.is_extended_real):
        raise DomainError(
            f"constant {node} is not a real number; kernels compute real values only "
            "(for a real cube root of a negative number use cbrt)"
        )
    return float(value)


def _add_terms(node: sp.Basic) -> list[sp.Basic]:
    # E + 20 stays symbolic in SymPy; one literal saves a runtime addition per point.
    consts = [t for t in node.args if _is_constant(t)]
    if len(consts) < 2:
        return list(node.args)
    return [sp.Add(*consts), *(t for t in node.args if not _is_constant(t))]


def _abs_term(term: sp.Basic) -> tuple[sp.Basic, bool]:
    coeff, _ = term.as_coeff_Mul()
    if coeff.is_Number and coeff.is_negative:
        return -term, True
    return term, False


def _split_mul(node: sp.Basic) -> tuple[sp.Rational, list[sp.Basic], list[sp.Basic]]:
    coeff, factors = node.as_coeff_mul()
    num: list[sp.Basic] = []
    den: list[sp.Basic] = []
    for factor in factors:
        exp = factor.exp if factor.is_Pow else None
        if exp is not None and exp.is_Number and exp.is_negative:
            den.append(sp.Pow(factor.base, -exp))
        else:
            num.append(factor)
    if not coeff.is_Rational:  # a Float coefficient prints as one literal factor
        num.insert(0, coeff)
        coeff = sp.S.One
    return coeff, num, den


def _float(n: int) -> float:
    try:
        return float(n)
    except OverflowError:
        return math.inf


def _int_value(exp: sp.Basic) -> int | None:
    if exp.is_Integer:
        return int(exp)
    if exp.is_Float and math.isfinite(float(exp)) and float(exp).is_integer():
        return int(float(exp))
    return None


def _pow_kind(exp: sp.Basic) -> tuple[str, int]:
    if exp.is_Number and exp.is_negative:
        return "recip", 0
    n = _int_value(exp)
    if n is not None and 1 <= n <= _SMALL_POWER:
        return "int", n
    if exp == sp.S.Half:
        return "sqrt", 0
    if exp.is_Rational and exp.q == 2 and exp.p <= 2 * _SMALL_POWER + 1:
        return "halfint", exp.p // 2
    return "pow", 0


def _pow_operands(node: sp.Basic) -> tuple[list[sp.Basic], bool]:
    base, exp = node.args
    kind, n = _pow_kind(exp)
    if kind == "recip":
        return [sp.Pow(base, -exp)], False
    if kind == "int":
        return [base], True
    if kind == "sqrt":
        return [base], False
    if kind == "halfint":
        return [sp.Pow(base, n), sp.sqrt(base)], False
    if _int_value(exp) is not None:  # large integer power: pow with a float exponent
        return [base, sp.Float(_int_value(exp))], False
    return [base, exp], False


def _refuse(node: sp.Basic) -> DomainError:
    head = type(node).__name__
    if node.has(sp.I):
        return DomainError(f"cannot compile {node}: complex numbers are not supported")
    return DomainError(
        f"cannot compile '{head}' (in {str(node)[:60]}): not in the kernel table; "
        f"supported functions are {', '.join(supported_heads())}, Piecewise, "
        "powers and arithmetic"
    )
