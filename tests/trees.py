"""Random SymPy expression trees for property tests (hypothesis strategies)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp
from hypothesis import strategies as st


def trees(
    depth: int,
    leaves: Sequence[sp.Expr],
    unary: Sequence[Callable[[sp.Expr], sp.Expr]],
    *,
    powers: tuple[int, int] = (2, 3),
    divisors: Sequence[sp.Expr] = (),
) -> st.SearchStrategy[sp.Expr]:
    """Trees of +, −, ×, integer powers, the ``unary`` functions and (optionally) division."""
    leaf = st.sampled_from(list(leaves))
    if depth == 0:
        return leaf
    sub = trees(depth - 1, leaves, unary, powers=powers, divisors=divisors)
    branches = [
        leaf,
        st.builds(lambda a, b: a + b, sub, sub),
        st.builds(lambda a, b: a - b, sub, sub),
        st.builds(lambda a, b: a * b, sub, sub),
        st.builds(lambda a, k: a**k, sub, st.integers(*powers)),
        st.builds(lambda fn, a: fn(a), st.sampled_from(list(unary)), sub),
    ]
    if divisors:
        branches.append(st.builds(lambda a, b: a / b, sub, st.sampled_from(list(divisors))))
    return st.one_of(*branches)
