"""Where a formula, as typed, is defined: the parts SymPy's automatic simplification dropped.

SymPy folds ``sqrt(x)^2`` into ``x``, ``x/x`` into 1 and ``exp(log(x))`` into ``x``, and so
extends the function past its domain. The parser keeps each part of the text that is
undefined somewhere (a root, a logarithm, asin..., a division) and that no longer appears in
the simplified result: a *guard*. The kernels evaluate ``defined(guard)`` beside f (0 where the
guard is a number, NaN where not), so values, gradients, fields and descent are undefined
wherever the formula as typed is; the symbolic result stays simplified, with a note.

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> lost_guards([sp.sqrt(x), x], x)
(sqrt(x),)
>>> condition(sp.sqrt(x)), condition(1 / (x - 1)), condition(sp.asin(2 * x))
('x ≥ 0', 'x - 1 ≠ 0', '-1 ≤ 2*x ≤ 1')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import sympy as sp

from gradscape.formula.registry import BY_HEAD

__all__ = ["restricted", "lost_guards", "absorbed", "condition", "domain_note"]

# Heads whose domain ends are themselves undefined (log(0) = -∞, atanh(±1) = ±∞).
_OPEN_ENDS = {sp.log: "open", sp.atanh: "open"}


def _pole_at_zero(head: type[sp.Basic]) -> bool:
    try:
        return head(sp.S.Zero) in (sp.zoo, sp.nan, sp.oo, sp.S.NegativeInfinity)
    except (TypeError, ValueError, ArithmeticError):  # two arguments (atan2)
        return False


# csc, cot, csch, coth: real everywhere but at their poles, of which 0 is the one an argument
# hits exactly (relu(u) or sign(u) is exactly 0; π is not a float).
_POLES = frozenset(head for head, row in BY_HEAD.items()
                   if row.typeable and row.domain.everywhere and _pole_at_zero(head))


def restricted(node: sp.Basic) -> bool:
    """Whether ``node`` (not a number) is undefined at some finite real arguments.

    >>> x = sp.Symbol("x", real=True)
    >>> restricted(1 / x), restricted(x**2), restricted(sp.log(x)), restricted(sp.sin(x))
    (True, False, True, False)
    >>> restricted(sp.csc(x)), restricted(sp.tanh(x)), restricted(sp.sqrt(x**2 + 1))
    (True, False, False)
    """
    if not isinstance(node, sp.Expr) or node.is_number:
        return False
    if node.is_Pow:  # 2^x and sqrt(x² + y²) are real everywhere, 0^x and (-2)^x are not
        if (node.exp.is_Integer and node.exp >= 0) or node.base.is_positive:
            return False
        return not (node.exp.is_positive and node.base.is_nonnegative)
    row = BY_HEAD.get(type(node))
    return row is not None and row.typeable and (
        not row.domain.everywhere or row.head in _POLES)


def lost_guards(parts: Iterable[sp.Expr], expr: sp.Expr) -> tuple[sp.Expr, ...]:
    """The restricted ``parts`` (and restricted factors of products among them) that do not
    occur in ``expr``: the conditions simplification dropped, each once, in order."""
    present = set(sp.preorder_traversal(expr))
    found: dict[sp.Expr, None] = {}
    for part in parts:
        for node in (part, *(part.args if part.is_Mul else ())):
            if restricted(node) and node not in present:
                found.setdefault(node)
    return tuple(found)


def absorbed(expr: sp.Expr) -> tuple[sp.Expr, ...]:
    """The restricted parts of ``expr`` whose undefined values a function or a power above
    them could hide: tanh(0^y) is tanh(∞) = 1 for y < 0, x/log(y) is x/-∞ = 0 at y = 0, and
    tanh(x·(1 + 1/y)) is 1 at y = 0. (A part reached from the top through sums and products
    alone shows its NaN or ±∞ in the result, so those are left out.)

    >>> x, y = sp.symbols("x y", real=True)
    >>> absorbed(sp.tanh(0**y)), absorbed(x / sp.log(y)), absorbed(sp.log(x) + 1)
    ((0**y,), (log(y),), ())
    >>> absorbed(sp.tanh(x * (1 + 1 / y)))
    (1/y,)
    """
    found: dict[sp.Expr, None] = {}
    stack: list[tuple[sp.Basic, bool]] = [(expr, True)]  # (node, reached by + and · only)
    seen: set[tuple[sp.Basic, bool]] = set()
    while stack:  # explicit stack: deep formulas stay within the recursion limit
        node, top = stack.pop()
        if (node, top) in seen or not isinstance(node, sp.Expr) or node.is_Atom:
            continue
        seen.add((node, top))
        below_top = top and (node.is_Add or node.is_Mul)
        for child in node.args:
            if not below_top and restricted(child):
                found.setdefault(child)
            stack.append((child, below_top))
    return tuple(found)


def _show(u: sp.Expr) -> str:
    return sp.sstr(u).replace("**", "^")


def condition(guard: sp.Expr) -> str:
    """Where ``guard`` is defined, as people write it (``x ≥ 0``)."""
    if guard.is_Pow:
        base, exp = _show(guard.base), guard.exp
        if guard.base.is_zero:  # 0^y: 1 at y = 0, 0 beyond, a pole below
            return f"{_show(exp)} ≥ 0"
        if exp.is_Integer:
            return f"{base} ≠ 0"
        # a symbolic exponent (y^y) has no sign to compare: a real power of a variable
        # exponent needs a positive base
        return f"{base} ≥ 0" if exp.is_positive else f"{base} > 0"
    u = _show(guard.args[0])
    row = BY_HEAD[type(guard)]
    if row.domain.everywhere:  # a pole: csc(u) is infinite where sin(u) = 0
        return f"{_show(guard)} finite"
    lo, hi = row.domain.intervals[0]
    strict = "<" if type(guard) in _OPEN_ENDS else "≤"
    left = f"{_number(lo)} {strict} " if math.isfinite(lo) else ""
    right = f" {strict} {_number(hi)}" if math.isfinite(hi) else ""
    if not left:
        return f"{u}{right}"
    if not right:
        return f"{u} {'>' if strict == '<' else '≥'} {_number(lo)}"
    return f"{left}{u}{right}"


def _number(v: float) -> str:
    return str(int(v)) if v == int(v) else str(v)


def domain_note(typed: str, expr: sp.Expr, guards: Sequence[sp.Expr]) -> str:
    """The note saying where a simplified formula is defined as typed.

    >>> x = sp.Symbol("x", real=True)
    >>> domain_note("sqrt(x)^2", x, [sp.sqrt(x)])
    "read 'sqrt(x)^2' as x, defined for x ≥ 0 as typed; elsewhere its values are undefined"
    """
    shown = typed.strip() if len(typed.strip()) <= 40 else "the formula"
    where = " and ".join(dict.fromkeys(condition(g) for g in guards))
    return (
        f"read '{shown}' as {_show(expr)}, defined for {where} as typed; elsewhere its "
        "values are undefined"
    )
