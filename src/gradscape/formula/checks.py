"""Checks on a built SymPy expression, and the notes on how ambiguous names were read.

The parser builds the tree; these functions say whether the result is acceptable (real,
finite, not too big) and which multi-letter names might have been meant as products.

>>> import sympy as sp
>>> value_problem(sp.sqrt(-1) * sp.Symbol("x", real=True))[0]
'complex value'
>>> name_notes(["x", "y", "xy"])
["read 'xy' as one variable named xy; for the product of x and y write x*y or x y"]
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import sympy as sp

from gradscape.formula.functions import ALIASES, FUNCTIONS
from gradscape.formula.limits import big_number_problem, power_problem
from gradscape.formula.registry import BY_HEAD

__all__ = ["value_problem", "size_problem", "name_notes"]

_UNDEFINED = (sp.zoo, sp.nan, sp.oo, sp.S.NegativeInfinity)
_REALS_HINT = (
    "gradscape works over the reals; keep arguments of sqrt, log, asin, ... in their domain"
)
_MAX_SPLIT_NAME = 30  # longer names are not searched for hidden products (quadratic cost)


def value_problem(expr: sp.Expr, thorough: bool = True) -> tuple[str, str] | None:
    """(problem, hint) when ``expr`` holds a complex, infinite or undefined value, else None.

    ``thorough=False`` looks for I and infinities and, when ``expr`` is a number, evaluates
    the arguments of its own head (cheap, for every part as it is built: atanh(cbrt(e)) is
    refused at once, before SymPy spends minutes on complex constants built on it); the
    thorough check evaluates the arguments of every function that is real only on part of
    the line (asin(2), sqrt(1 - pi), (-8)^(1/3)), where SymPy leaves no I to find.

    >>> value_problem(sp.log(0))[0]
    'undefined or infinite value'
    >>> value_problem(sp.asin(2), thorough=False)[0]
    'complex value'
    >>> value_problem(sp.asin(2) + 1, thorough=False) is None, value_problem(sp.asin(2) + 1)[0]
    (True, 'complex value')
    """
    if expr.has(*_UNDEFINED):
        return "undefined or infinite value", "check for a division by zero or log(0)"
    if expr.has(sp.I):
        return "complex value", _REALS_HINT
    if thorough and any(_outside_domain(node) for node in sp.preorder_traversal(expr)):
        return "complex value", _REALS_HINT
    if not thorough and expr.is_number and _outside_domain(expr):
        return "complex value", _REALS_HINT
    return None


def size_problem(expr: sp.Expr) -> str | None:
    """Why ``expr`` is too big to hand on (a huge exact number or power), else None.

    >>> x = sp.Symbol("x", real=True)
    >>> size_problem(x**600 * x**600)
    'the exponent 1200 of a variable expression is larger than 1000'
    """
    found = big_number_problem(expr)
    if found:
        return found
    for node in sp.preorder_traversal(expr):
        if node.is_Pow and node.exp.is_Rational and not node.base.is_number:
            problem = power_problem(node.base, node.exp)
            if problem:
                return problem
    return None


# A small tolerance absorbs rounding in the 15-digit evaluation of an argument.
_TOLERANCE = 1e-12


def _outside_domain(node: sp.Basic) -> bool:
    if node.is_Pow:  # a negative number to a fractional power, e.g. sqrt(1 - pi)
        if not node.base.is_number or node.exp.is_integer:
            return False
        value = _numeric(node.base)
        return value is not None and not value >= -_TOLERANCE
    row = BY_HEAD.get(type(node))
    if row is None or row.domain.everywhere:
        return False
    for arg in node.args:
        value = _numeric(arg) if arg.is_number else None
        if value is not None and not row.domain.contains(value, _TOLERANCE):
            return True
    return False


def _numeric(expr: sp.Expr) -> float | None:
    # A float for a real number, nan for a complex one, None when SymPy cannot evaluate it.
    try:
        value = expr.evalf(15, chop=True)
        return float(value) if value.is_Number else math.nan
    except (ValueError, TypeError, ArithmeticError, NotImplementedError):
        return None


def name_notes(variables: Iterable[str]) -> list[str]:
    """Notes for multi-letter variable names that read like a product or a missed call.

    A name is flagged when it splits into parts that are other variables of the formula,
    ``pi`` or single letters, at least one part being a variable or ``pi`` (``xy`` beside
    ``x``; ``pix``); or when it is a function name glued to a letter or variable (``sinx``).

    Two- and three-letter names (``xy``, ``ex``: e times x?) are always flagged, except a
    few words such as ``mu`` and ``eta``.

    >>> name_notes(["sinx"])
    ["read 'sinx' as one variable named sinx; for sin of x write sin(x)"]
    >>> name_notes(["ex"])
    ["read 'ex' as one variable named ex; for the product of e and x write e*x or e x"]
    """
    names = set(variables)
    notes = []
    for name in sorted(names):
        if len(name) < 2 or len(name) > _MAX_SPLIT_NAME:
            continue
        call = _glued_call(name, names)
        parts = None if call else _split(name, names - {name})
        if not call and not parts and _letters_only(name):
            parts = list(name)
        if call:
            notes.append(
                f"read '{name}' as one variable named {name}; "
                f"for {call[0]} of {call[1]} write {call[0]}({call[1]})"
            )
        elif parts:
            listed = ", ".join(parts[:-1]) + " and " + parts[-1]
            notes.append(
                f"read '{name}' as one variable named {name}; for the product of {listed} "
                f"write {'*'.join(parts)} or {' '.join(parts)}"
            )
    return notes


# Short names that are words, not products; longer names (beta, theta) are never split alone.
_WORDS = frozenset({"mu", "nu", "xi", "eta", "phi", "psi", "chi", "rho", "tau"})


def _letters_only(name: str) -> bool:
    # xy, xyz, ex: two or three letters read as one name may well have been a product.
    return 2 <= len(name) <= 3 and name.isascii() and name.isalpha() and name not in _WORDS


def _glued_call(name: str, names: set[str]) -> tuple[str, str] | None:
    for fn in sorted([*FUNCTIONS, *ALIASES], key=len, reverse=True):
        rest = name[len(fn) :]
        if name.startswith(fn) and rest and (len(rest) == 1 or rest in names):
            return fn, rest
    return None


def _split(name: str, others: set[str]) -> list[str] | None:
    # best[i]: the split of name[:i] with the fewest parts, and whether it has an anchor part
    # (another variable or pi); single letters fill the gaps.
    best: list[tuple[int, bool, list[str]] | None] = [None] * (len(name) + 1)
    best[0] = (0, False, [])
    for i in range(len(name)):
        entry = best[i]
        if entry is None:
            continue
        count, anchored, parts = entry
        for j in range(i + 1, len(name) + 1):
            part = name[i:j]
            anchor = part in others or part == "pi"
            if not (anchor or (len(part) == 1 and part.isalpha())):
                continue
            candidate = (count + 1, anchored or anchor, [*parts, part])
            old = best[j]
            if old is None or (candidate[1], -candidate[0]) > (old[1], -old[0]):
                best[j] = candidate
    final = best[len(name)]
    return final[2] if final and final[1] and len(final[2]) > 1 else None
