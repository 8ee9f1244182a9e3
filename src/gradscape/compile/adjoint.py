"""Gradient programs by reverse mode over the formula's expression graph.

The gradient kernels do not print ∇f as SymPy writes it: SymPy distributes numbers over sums
(2(x + y² − 7) becomes 2x + 2y² − 14) and repeats factors across components, so Himmelblau's
gradient printed from its symbolic form takes 22 operations where the formula's own structure
needs 14. Here each distinct subexpression of f becomes one assignment (the forward pass),
and the adjoints ∂f/∂node are accumulated from the root down (the backward pass), each local
derivative taken from SymPy on that node alone. The gradient costs a small multiple of f
(Baur–Strassen), whatever the size of its symbolic form, and the program shares every
subexpression that f shares.

Where a part of f is undefined (log of a negative number, a root of one, a division by 0),
f is, and so is its gradient: the values of such parts are summed and passed to the
registry's ``defined`` head (0 for a number, NaN for NaN or ±inf), which is added to every
component. Formulas with no such parts (polynomials, exp, sin...) pay nothing for it.

A part of f that is locally constant (sign(u), relu(u) left of 0, 0^y for y > 0) makes f
locally constant through it, however steep the function applied to it: d/du asin(sign(u))
is 0 away from u = 0, although asin'(±1) = ∞. The chain rule's product ∞·0 = NaN would say
"undefined", so where the zero comes from such a part (a step's derivative, the value of
relu or of 0^y) the contribution is exactly 0 (:func:`_flat_where`); a zero of any other
kind (2u at u = 0 under a square root) keeps the product, and its NaN. A step whose
argument is constant on a whole neighbourhood is flat too, although the argument's value is
that of a jump: sign(|x| - x) is 0 on all of x > 0. Where the argument is piecewise linear,
its slopes taken NaN at its kinks (:mod:`gradscape.compile.kinks`) tell the two apart.
The same backward pass written out as expressions of the variables
(:func:`gradient_expressions`) is what the Hessian kernels of such formulas differentiate
(:mod:`gradscape.compile.second`), so that their second derivatives keep these zeros.

The result is a :class:`~gradscape.compile.codegen.Program`, printed for NumPy and Numba like
any other; both backends run the same operations, so they agree bit for bit.

>>> import sympy as sp
>>> from gradscape.compile.codegen import render
>>> x, y = sp.symbols("x y", real=True)
>>> prog = gradient_program((x**2 + y - 11)**2 + (x + y**2 - 7)**2, [x, y])
>>> out = render(prog, "numba")
>>> len(out.lines), out.outputs
(6, ['((2.0*a0*t5) + t4)', '((2.0*a1*t4) + t5)'])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from gradscape.compile.codegen import Program

__all__ = ["gradient_expressions", "gradient_program", "partials"]


def _children(node: sp.Basic) -> tuple[sp.Basic, ...]:
    if isinstance(node, sp.Piecewise):  # a leaf: each piece is differentiated on its own
        return ()
    return tuple(node.args) if isinstance(node, sp.Expr) and not node.is_Atom else ()


def _order(root: sp.Expr, variables: frozenset[sp.Symbol]) -> list[sp.Basic]:
    """Nodes that depend on a variable, children before parents (explicit stack: no recursion
    limit on deep formulas)."""
    seen: set[sp.Basic] = set()
    order: list[sp.Basic] = []
    stack: list[tuple[sp.Basic, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if node in seen or node.is_Atom or not (node.free_symbols & variables):
            continue
        seen.add(node)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(_children(node)))
    return order


def _restricted(node: sp.Basic) -> bool:
    """Whether ``node`` can be undefined (NaN or infinite) at finite arguments."""
    if node.is_Pow:
        return not (node.exp.is_Integer and node.exp >= 0)
    if node.is_Add or node.is_Mul:
        return False
    from gradscape.formula.registry import BY_HEAD

    row = BY_HEAD.get(type(node))
    return row is None or not row.domain.everywhere


def partials(node: sp.Basic, args: Sequence[sp.Basic], value: sp.Expr,
             live: Sequence[bool]) -> list[sp.Expr | None]:
    """∂node/∂arg_k in terms of the arguments' symbols ``args`` and the node's own ``value``,
    for the arguments that depend on a variable (None for the others): the local derivatives
    of reverse mode, also shown edge by edge by :mod:`gradscape.calculus.graph`.

    >>> x, y, v = sp.symbols("x y v", real=True)
    >>> partials(sp.sin(x) * y, [sp.Symbol("a"), sp.Symbol("b")], v, [True, True])
    [b, a]
    >>> partials(x**y, [x, y], v, [True, False])
    [x**(y - 1)*y, None]
    """
    args = list(args)
    k = len(args)
    if node.is_Add:
        return [sp.S.One if live[i] else None for i in range(k)]
    if node.is_Mul:
        out: list[sp.Expr | None] = []
        for i in range(k):
            out.append(sp.Mul(*(args[:i] + args[i + 1:])) if live[i] else None)
        return out
    if node.is_Pow:
        base, exp = args
        d_base = exp * base ** (exp - 1) if live[0] else None
        # 0^y: 0 for y > 0 (slope 0, see _flat_where), 1 at y = 0 (a jump: no slope)
        d_exp = (sp.S.NaN if base == 0 else value * sp.log(base)) if live[1] else None
        return [d_base, d_exp]
    dummies = [sp.Dummy(real=True) for _ in range(k)]
    local = node.func(*dummies)
    swap = dict(zip(dummies, args))
    return [sp.diff(local, dummies[i]).xreplace(swap) if live[i] else None for i in range(k)]


def _flat(node: sp.Basic) -> bool:
    """Whether ``node`` is 0 only where it is 0 on a whole neighbourhood (relu(u) for u < 0,
    the Heaviside step, 0^y for y > 0); relu at exactly u = 0 is the one exception."""
    from gradscape.formula.special import relu

    if isinstance(node, (relu, sp.Heaviside)):
        return True
    return bool(node.is_Pow and (node.base == 0 or (_flat(node.base) and node.exp.is_positive)))


def _flat_where(node: sp.Basic, i: int, local: sp.Expr, args: list[sp.Basic],
                value: sp.Symbol, ref: dict[sp.Basic, sp.Expr],
                symbols: Sequence[sp.Symbol]) -> tuple[sp.Basic | None, bool]:
    """Where the chain-rule contribution of ``node`` to its argument ``i`` is exactly 0
    whatever the adjoint above it (even ∞): the zero comes from a locally constant part.
    None when there is no such place. Second: whether that condition is short enough for
    SymPy's Piecewise to tidy (a piecewise-linear part's slopes can be long sums)."""
    children = _children(node)
    if node.is_Mul:  # another factor is a flat part at 0: the product is 0 nearby
        zeros = [sp.Eq(args[j], 0) for j, c in enumerate(children) if j != i and _flat(c)]
        return (sp.Or(*zeros) if zeros else None), True
    if node.is_Add:
        return None, True
    # A function of a sum or product that is constant nearby is too, however steep:
    # sqrt(|x| - x). (A function part below, relu(u), zeroes its own argument's share.)
    child = children[i]
    where = _constant_where(child, ref, symbols) if child.is_Add or child.is_Mul else []
    short = sum(1 for c in where for _ in sp.preorder_traversal(c)) < 64
    if node.is_Pow:
        base = children[0]
        if i == 1 and (base == 0 or _flat(base)):
            where.append(sp.Eq(value, 0))
    step = local.as_coeff_Mul()[1]  # sign' = 2·DiracDelta(u), relu' = Heaviside(u)
    if isinstance(step, (sp.DiracDelta, sp.Heaviside)):
        where.append(sp.Eq(local, 0))
    return (sp.Or(*where[::-1]) if where else None), short


def _constant_where(child: sp.Basic, ref: dict[sp.Basic, sp.Expr],
                    symbols: Sequence[sp.Symbol]) -> list[sp.Basic]:
    """Where ``child`` is constant on a whole neighbourhood, when it is piecewise linear (a
    condition in a list; an empty list where that cannot be told or is never so): sign(|x| - x)
    has slope 0 on all of x > 0, where its argument is 0 on a neighbourhood, not only at a
    point. Its partials are taken NaN at every kink (:mod:`gradscape.compile.kinks`), since
    the slope 0 of |x| at 0 does not make sign(|x|) constant there."""
    from gradscape.compile.kinks import kink_partials, sloped

    try:
        if sloped(child, symbols):  # |x|, x - y: never constant nearby, and no cost
            return []
        slopes = kink_partials(child, symbols, ref)
    except RecursionError:  # a deeper tree than the walks allow: tell nothing
        return []
    if slopes is None or any(s.is_Number and s != 0 for s in slopes):
        return []  # not piecewise linear, or sloped wherever it is defined (x - y)
    # unevaluated: SymPy's test of whether a long sum is 0 takes seconds and can say nothing
    return [sp.And(*(sp.Eq(s, 0, evaluate=False) for s in slopes if s != 0))]


def _live(assignments: list[tuple[sp.Symbol, sp.Expr]], outputs: list[sp.Basic]
          ) -> list[tuple[sp.Symbol, sp.Expr]]:
    """The assignments the outputs need (f's own sums are dead without ``with_value``)."""
    needed: set[sp.Basic] = set().union(*(o.free_symbols for o in outputs)) if outputs else set()
    kept = []
    for lhs, rhs in reversed(assignments):
        if lhs in needed:
            kept.append((lhs, rhs))
            needed |= rhs.free_symbols
    return kept[::-1]


def _backward(expr: sp.Expr, symbols: Sequence[sp.Symbol], order: list[sp.Basic],
              ref: dict[sp.Basic, sp.Expr], bind: Callable[[sp.Expr], sp.Expr],
              tidy: bool = True) -> tuple[list[sp.Expr], bool]:
    """The backward pass: the gradient components, each node's value as ``ref`` names it and
    each adjoint as ``bind`` makes it (a temp, or the sum itself); second, whether a
    contribution was made exactly 0 where it comes from a locally constant part. Without
    ``tidy``, no condition is tidied by SymPy's Piecewise (see gradient_expressions)."""
    adjoint: dict[sp.Basic, list[sp.Expr]] = {expr: [sp.S.One]} if order else {}
    flat_seen = False
    for node in reversed(order):
        terms = adjoint.pop(node, [])
        if not terms:
            continue
        total = sp.Add(*terms)
        bar = total if total.is_Atom else bind(total)
        if isinstance(node, sp.Piecewise):
            _pieces(node, symbols, bar, adjoint)
            continue
        children = _children(node)
        live = [c in ref for c in children]  # depends on a variable
        args = [ref.get(c, c) for c in children]
        for i, (child, local) in enumerate(zip(children, partials(node, args, ref[node], live))):
            if local is None:
                continue
            term = bar * local
            flat, short = _flat_where(node, i, local, args, ref[node], ref, symbols)
            if flat is not None:
                term = sp.Piecewise((sp.S.Zero, flat), (term, True), evaluate=short and tidy)
                flat_seen = True
            adjoint.setdefault(child, []).append(term)
    grads = [sp.Add(*adjoint.get(s, [])) for s in symbols]
    if not order:  # f is a constant or a single variable
        grads = [sp.S.One if expr == s else sp.S.Zero for s in symbols]
    return grads, flat_seen


def _pieces(node: sp.Piecewise, symbols: Sequence[sp.Symbol], bar: sp.Expr,
            adjoint: dict[sp.Basic, list[sp.Expr]]) -> None:
    """A Piecewise's share of the variables' adjoints: each piece's own gradient, exactly 0
    where the piece is not chosen, whatever that gradient's value there (SymPy's rule, in
    reverse mode: through the piece's parts, a 0 adjoint met ∞ and gave NaN)."""
    for k, pair in enumerate(node.args):
        if not pair.expr.free_symbols & set(symbols):
            continue
        off = sp.Or(*(p.cond for p in node.args[:k]), sp.Not(pair.cond))
        inner, _ = gradient_expressions(pair.expr, symbols)
        for s, d in zip(symbols, inner):
            if d != 0:
                term = sp.Piecewise((sp.S.Zero, off), (bar * d, True), evaluate=False)
                adjoint.setdefault(s, []).append(term)


def gradient_program(expr: sp.Expr, symbols: Sequence[sp.Symbol], *,
                     with_value: bool = False) -> Program:
    """The program computing ∇expr (and first expr itself, with ``with_value``)."""
    variables = frozenset(symbols)
    order = _order(expr, variables)
    temps = sp.numbered_symbols(cls=sp.Dummy, real=True)
    ref: dict[sp.Basic, sp.Expr] = {s: s for s in symbols}  # node -> its value's symbol
    assignments: list[tuple[sp.Symbol, sp.Expr]] = []
    for node in order:  # forward pass: one assignment per distinct subexpression
        t = next(temps)
        assignments.append((t, node.func(*(ref.get(c, c) for c in _children(node)))
                            if _children(node) else node))
        ref[node] = t

    def bind(total: sp.Expr) -> sp.Expr:
        bar = next(temps)
        assignments.append((bar, total))
        return bar

    grads, _ = _backward(expr, symbols, order, ref, bind)
    parts = [ref[node] for node in order if _restricted(node)]
    if parts:
        from gradscape.formula.special import defined

        guard = next(temps)
        assignments.append((guard, defined(sp.Add(*parts))))
        grads = [sp.Add(g, guard) for g in grads]
    outputs: list[sp.Basic] = [ref.get(expr, expr)] if with_value else []
    outputs += grads
    assignments = _live(assignments, outputs)
    names: dict[sp.Basic, str] = {s: f"a{i}" for i, s in enumerate(symbols)}
    names.update({lhs: f"t{i}" for i, (lhs, _) in enumerate(assignments)})
    return Program(tuple(symbols), assignments, outputs, names)


def gradient_expressions(expr: sp.Expr, symbols: Sequence[sp.Symbol]
                         ) -> tuple[list[sp.Expr], bool]:
    """∇expr as the gradient kernels compute it, written out as expressions of the variables,
    without the ``defined`` guard of :func:`gradient_program` (the formulas as they are);
    second, whether some chain-rule contribution was made exactly 0 because it comes from a
    locally constant part (a ``Piecewise``, see :func:`_flat_where`). A Piecewise in
    ``expr`` passes the adjoint to the piece chosen, and 0 to the others.

    >>> x, y = sp.symbols("x y", real=True)
    >>> (gx, gy), flat = gradient_expressions(sp.asin(sp.sign(x)) + y**2, [x, y])
    >>> gx
    Piecewise((0, Eq(2*DiracDelta(x), 0)), (2*DiracDelta(x)/sqrt(1 - sign(x)**2), True))
    >>> gy, flat
    (2*y, True)
    """
    order = _order(expr, frozenset(symbols))
    # each node's value is the node itself and each adjoint its own sum: the kernels'
    # backward pass with nothing to substitute back (rebuilding a long condition would ask
    # SymPy about it again) and each shared part still one object
    ref: dict[sp.Basic, sp.Expr] = {s: s for s in symbols}
    ref.update({node: node for node in order})
    # conditions written with whole subexpressions are long, and SymPy's Piecewise asks
    # assumptions of each while tidying it: most of the time of a long formula's Hessian
    return _backward(expr, symbols, order, ref, lambda total: total, tidy=False)
