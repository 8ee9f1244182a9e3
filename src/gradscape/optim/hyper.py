"""Hyper-parameters: one row each (name, default, rule, meaning) and the rules that check them.

Every optimizer piece declares its hyper-parameters as :class:`Hyper` rows; :func:`check_value`
is the one place that says what a valid value is, so the Python API, the command line and the
web page refuse the same values with the same words.

>>> check_value(Hyper("beta", 0.9, "unit", "momentum"), 0.5, "momentum")
0.5
>>> check_value(Hyper("beta", 0.9, "unit", "velocity kept"), 1.5, "momentum")
Traceback (most recent call last):
...
gradscape.errors.DomainError: momentum: beta must be a number in [0, 1), got 1.5 (velocity...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from gradscape.errors import DomainError

__all__ = ["Hyper", "RULES", "check_value", "is_real"]


class Hyper(NamedTuple):
    """One hyper-parameter: name, default, rule (a key of :data:`RULES`) and meaning."""

    name: str
    default: Any
    rule: str
    help: str


def is_real(v: Any) -> bool:
    """A finite real number (bools excluded)."""
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool) \
        and bool(np.isfinite(v))


# rule -> (test, what the value must be); a test of a NumPy number gives a NumPy bool
RULES: dict[str, tuple[Callable[[Any], bool | np.bool_], str]] = {
    "positive": (lambda v: is_real(v) and v > 0, "a number > 0"),
    "unit": (lambda v: is_real(v) and 0 <= v < 1, "a number in [0, 1)"),
    "open-unit": (lambda v: is_real(v) and 0 < v < 1, "a number in (0, 1)"),
    "nonneg": (lambda v: is_real(v) and v >= 0, "a number >= 0"),
    "flag": (lambda v: isinstance(v, bool | np.bool_), "True or False"),
    "count": (lambda v: isinstance(v, int | np.integer) and not isinstance(v, bool)
              and 1 <= v <= 1000, "a whole number from 1 to 1000"),
}


def check_value(h: Hyper, value: Any, owner: str) -> Any:
    """``value`` as the loops take it (float, bool or int), or a DomainError saying why not."""
    test, meaning = RULES[h.rule]
    if not test(value):
        raise DomainError(f"{owner}: {h.name} must be {meaning}, got {value!r} "
                          f"({h.help}; default {h.default!r})")
    if h.rule == "flag":
        return bool(value)
    if h.rule == "count":
        return int(value)
    return float(value)
