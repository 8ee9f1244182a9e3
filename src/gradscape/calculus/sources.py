"""Turning what users hand over into exact inputs: names, callables, points, numbers.

Function's constructor and its point evaluations use these; they hold the rules for
variable names, for tracing a Python function into a formula, and for reading coordinates
as the exact decimals the user typed.

>>> variable_names("x, y"), variable_names("w b")
(('x', 'y'), ('w', 'b'))
>>> exact(0.1)
1/10
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import sympy as sp

from gradscape.errors import DomainError, FormulaError

__all__ = ["variable_names", "check_variables", "signature_names", "trace", "callable_label",
           "realify", "exact", "evalf", "Number"]

Number = float | int | sp.Expr


def variable_names(variables: Sequence[str] | str | None) -> tuple[str, ...] | None:
    """Names from ``("x", "y")``, ``"x,y"`` or ``"x y"``; None stays None (infer them)."""
    if variables is None:
        return None
    names = variables.replace(",", " ").split() if isinstance(variables, str) else list(variables)
    for v in names:
        if not isinstance(v, str) or not v.isidentifier():
            raise DomainError(f"variable names must be identifiers like x or theta, got {v!r}")
    if len(set(names)) != len(names):
        raise DomainError(f"variable names repeat: {', '.join(names)}")
    return tuple(names)


def check_variables(
    wanted: tuple[str, ...] | None, found: tuple[str, ...], text: str
) -> tuple[str, ...]:
    if wanted is None:
        return found
    extra = [v for v in found if v not in wanted]
    if extra:
        raise FormulaError(
            f"the formula uses {', '.join(map(repr, extra))}, which is not among the variables "
            f"({', '.join(wanted)})",
            hint="add it to the variables, or write a product with * (x*y)",
        )
    return wanted


def signature_names(fn: Callable[..., Any]) -> tuple[str, ...]:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError) as err:
        raise DomainError("cannot read the function's parameters; pass variables=...") from err
    names = tuple(
        p.name
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    )
    if not names:
        raise DomainError("the function takes no positional arguments; it needs one per variable")
    return names


def trace(fn: Callable[..., Any], names: tuple[str, ...]) -> sp.Expr | None:
    """Run ``fn`` on SymPy symbols: code built from arithmetic alone gives an exact formula.

    NumPy calls, branches on values and anything else SymPy cannot follow raise; then the
    function stays numeric (complex-step / Richardson differentiation).
    """
    from gradscape.formula.registry import BY_HEAD

    allowed = {head for head, row in BY_HEAD.items() if row.typeable} | {sp.Add, sp.Mul, sp.Pow}
    try:
        result = fn(*(sp.Symbol(n, real=True) for n in names))
    except Exception:
        return None
    if not isinstance(result, sp.Expr) or result.has(sp.I):
        return None
    ok = all(node.is_Atom or node.func in allowed for node in sp.preorder_traversal(result))
    return (
        result if ok and result.free_symbols <= {sp.Symbol(n, real=True) for n in names} else None
    )


def callable_label(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__name__", "f").replace("<lambda>", "λ")


def realify(expr: sp.Expr) -> sp.Expr:
    # Symbols made elsewhere without real=True would make |x|' and sqrt complex-valued.
    swap = {s: sp.Symbol(s.name, real=True) for s in expr.free_symbols if not s.is_real}
    return expr.xreplace(swap) if swap else expr


def exact(value: Number) -> sp.Expr:
    if isinstance(value, sp.Expr):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError) as err:
            raise DomainError(f"expected a number, got {value!r}") from err
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise DomainError(f"coordinates must be finite numbers, got {value}")
        return sp.Rational(repr(value))  # the decimal the user typed, exactly
    return sp.Integer(value)


def evalf(expr: sp.Expr, subs: dict[sp.Symbol, sp.Expr]) -> float:
    value = expr.xreplace(subs).evalf(17)
    if value.is_real and value.is_finite:
        return float(value)
    if value in (sp.oo, -sp.oo):
        return float(value)
    return float("nan")
