"""The allow-list: the names a formula may type, read from the one function registry.

Functions, their aliases and the constants. The parser refuses every other name; to add a
function, add a row to :mod:`gradscape.formula.registry` (never here).

>>> FUNCTIONS["sigmoid"].arity
(1,)
>>> ALIASES["arcsin"]
'asin'
>>> sorted(CONSTANTS)
['e', 'pi', 'π']
"""

from __future__ import annotations

import sympy as sp

from gradscape.formula.registry import ALIASES, TYPED
from gradscape.formula.rows import Row, Spelling

__all__ = ["FunctionSpec", "FUNCTIONS", "CONSTANTS", "ALIASES"]

FunctionSpec = Row | Spelling
"""One typed name: ``name``, ``arity``, ``build``, ``summary`` and ``growth``."""

FUNCTIONS: dict[str, FunctionSpec] = TYPED
"""The functions a formula may call, by the name typed."""

CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "π": sp.pi, "e": sp.E}
"""The constants a formula may name."""
