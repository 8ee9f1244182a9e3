"""Turning what users hand over into exact inputs: names, callables, points, numbers.

Function's constructors and its exact points (Taylor polynomials, directions) use these; they
hold the rules for variable names, for tracing a Python function into a formula, and for reading
coordinates as the exact decimals the user typed.

>>> variable_names("x, y"), variable_names("w b")
(('x', 'y'), ('w', 'b'))
>>> exact(0.1)
1/10
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias, overload

import sympy as sp

from gradscape.errors import DomainError, FormulaError

__all__ = ["variable_names", "check_variables", "read_callable", "signature_names",
           "callable_label", "realify", "exact", "constant_values", "Number"]

Number: TypeAlias = float | int | sp.Expr
"""A coordinate as users give it: a Python number or a SymPy one."""


@overload
def variable_names(variables: Sequence[str] | str) -> tuple[str, ...]: ...
@overload
def variable_names(variables: None) -> None: ...
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


def check_variables(wanted: tuple[str, ...] | None, found: tuple[str, ...]) -> tuple[str, ...]:
    """The variables asked for (every one the formula uses must be among them), else those
    found."""
    if wanted is None:
        return found
    extra = [v for v in found if v not in wanted]
    if extra:
        names = ", ".join(map(repr, extra))
        listed = ",".join((*wanted, *extra))
        held = ",".join(f"{v}=VALUE" for v in extra)
        it, verb = ("it", "is") if len(extra) == 1 else ("them", "are")
        raise FormulaError(
            f"the formula uses {names}, which {verb} not among the variables "
            f"({', '.join(wanted)})",
            hint=f"differentiate by {it} too (--wrt {listed}, or variables=...), or hold {it} "
            f"fixed (--const {held}, or constants={{...}}); or write a product with * (x*y)",
        )
    return wanted


def constant_values(constants: Any) -> dict[str, sp.Expr]:
    """``{"x": 2, "y": 0.1}`` (or ``"x=2,y=0.1"``) as exact values by name: the decimals
    typed, not their binary floats.

    >>> constant_values({"x": 2, "y": 0.1})
    {'x': 2, 'y': 1/10}
    >>> constant_values("a=1.5, b=-2")
    {'a': 3/2, 'b': -2}
    """
    if constants is None:
        return {}
    if isinstance(constants, str):
        pairs: list[tuple[str, Any]] = []
        for item in constants.split(","):
            name, eq, value = item.partition("=")
            if not eq or not value.strip():
                raise DomainError(f"constants take NAME=VALUE pairs like x=2,y=1; got {item!r}")
            pairs.append((name.strip(), _number_text(value.strip())))
    else:
        try:
            pairs = list(dict(constants).items())
        except (TypeError, ValueError) as err:
            raise DomainError("constants must be a mapping of name to number, like "
                              "{'x': 2}") from err
    names = variable_names([n for n, _ in pairs])
    return {n: exact(v) for n, (_, v) in zip(names, pairs)}


def _number_text(text: str) -> sp.Expr:
    from gradscape.formula.parser import parse_number_list

    values = parse_number_list(text)
    if len(values) != 1:
        raise DomainError(f"a constant takes one number, got {text!r}")
    return exact(values[0])


def read_callable(
    fn: Callable[..., Any], wanted: tuple[str, ...] | None, *, trace: bool = True
) -> tuple[tuple[str, ...], sp.Expr | None]:
    """A Python function's variable names (``wanted``, else its parameters) and, when SymPy
    can trace it (and ``trace`` is True), its formula.

    >>> read_callable(lambda a, b: a * b + 1, None)
    (('a', 'b'), a*b + 1)
    """
    found = signature_names(fn)
    if wanted is not None and len(wanted) != len(found):
        raise DomainError(
            f"the function takes {len(found)} arguments but {len(wanted)} variable names "
            "were given"
        )
    names = wanted or found
    return names, (_trace(fn, names) if trace else None)


def signature_names(fn: Callable[..., Any]) -> tuple[str, ...]:
    """The positional parameters without defaults: one per variable.

    >>> signature_names(lambda x, y, scale=2: scale * x * y)
    ('x', 'y')
    """
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


def _trace(fn: Callable[..., Any], names: tuple[str, ...]) -> sp.Expr | None:
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
    """How a Function made from code prints: the function's name, λ for a lambda.

    >>> callable_label(lambda x: x), callable_label(abs)
    ('λ', 'abs')
    """
    return getattr(fn, "__name__", "f").replace("<lambda>", "λ")


def realify(expr: sp.Expr) -> sp.Expr:
    """``expr`` with every symbol real: symbols made elsewhere without ``real=True`` would
    make |x|' and sqrt complex-valued.

    >>> realify(sp.Symbol("x") ** 2).free_symbols.pop().is_real
    True
    """
    swap = {s: sp.Symbol(s.name, real=True) for s in expr.free_symbols if not s.is_real}
    return expr.xreplace(swap) if swap else expr


def exact(value: Number) -> sp.Expr:
    """A coordinate as an exact SymPy number: the decimal the user typed, not its binary float.

    >>> exact(0.1), exact(3), exact(sp.pi)
    (1/10, 3, pi)
    """
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
