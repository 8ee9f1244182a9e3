"""Classic unconstrained test problems, from their standard starts, with published minima.

Moré, Garbow & Hillstrom, "Testing Unconstrained Optimization Software", ACM TOMS 7(1):17-41
(1981) — the numbers in brackets are theirs. Each problem is formula text, the standard start
and the published minimum value f*; a run "solves" a problem when it ends with
f ≤ f* + 1e-6·(1 + |f*|) (a local minimum with a higher value does not count).

>>> p = CLASSIC["rosenbrock"]
>>> p.start, p.minimum
((-1.2, 1.0), 0.0)
>>> [q.name for q in CLASSIC.values()][:3]
['rosenbrock', 'freudenstein-roth', 'powell-badly-scaled']
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Classic", "CLASSIC", "extended_rosenbrock", "solved"]


class Classic(NamedTuple):
    """One problem: name, formula, standard start, published minimum f* and its source."""

    name: str
    formula: str
    start: tuple[float, ...]
    minimum: float
    source: str


def _sum(terms: list[str]) -> str:
    return " + ".join(terms)


def extended_rosenbrock(n: int) -> str:
    """MGH [21]: Σ 100(x₂ᵢ − x₂ᵢ₋₁²)² + (1 − x₂ᵢ₋₁)² over n/2 pairs (n even), f* = 0.

    >>> extended_rosenbrock(2)
    '100*(x2 - x1^2)^2 + (1 - x1)^2'
    """
    return _sum([f"100*(x{2 * i + 2} - x{2 * i + 1}^2)^2 + (1 - x{2 * i + 1})^2"
                 for i in range(n // 2)])


_JENNRICH = _sum([f"(2 + {2 * i} - exp({i}*x1) - exp({i}*x2))^2" for i in range(1, 11)])
_BOX = _sum([f"(exp(-{i / 10}*x1) - exp(-{i / 10}*x2) - x3*(exp(-{i / 10}) - exp(-{i})))^2"
             for i in range(1, 11)])
_BROWN_DENNIS = _sum([
    f"((x1 + {i / 5}*x2 - exp({i / 5}))^2 + (x3 + x4*sin({i / 5}) - cos({i / 5}))^2)^2"
    for i in range(1, 21)])
_BARD_Y = (0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10,
           4.39)
_BARD = _sum([f"({y} - (x1 + {i}/({16 - i}*x2 + {min(i, 16 - i)}*x3)))^2"
              for i, y in enumerate(_BARD_Y, start=1)])
_EXT_POWELL = _sum([f"(x{4 * k + 1} + 10*x{4 * k + 2})^2 + 5*(x{4 * k + 3} - x{4 * k + 4})^2 + "
                    f"(x{4 * k + 2} - 2*x{4 * k + 3})^4 + 10*(x{4 * k + 1} - x{4 * k + 4})^4"
                    for k in range(3)])
_MGH = "Moré, Garbow & Hillstrom (1981)"

CLASSIC: dict[str, Classic] = {p.name: p for p in (
    Classic("rosenbrock", "100*(x2 - x1^2)^2 + (1 - x1)^2", (-1.2, 1.0), 0.0, f"{_MGH} [1]"),
    Classic("freudenstein-roth", "(-13 + x1 + ((5 - x2)*x2 - 2)*x2)^2 + "
            "(-29 + x1 + ((x2 + 1)*x2 - 14)*x2)^2", (0.5, -2.0), 0.0, f"{_MGH} [2]"),
    Classic("powell-badly-scaled", "(10000*x1*x2 - 1)^2 + (exp(-x1) + exp(-x2) - 1.0001)^2",
            (0.0, 1.0), 0.0, f"{_MGH} [3]"),
    Classic("brown-badly-scaled", "(x1 - 1000000)^2 + (x2 - 0.000002)^2 + (x1*x2 - 2)^2",
            (1.0, 1.0), 0.0, f"{_MGH} [4]"),
    Classic("beale", "(1.5 - x1*(1 - x2))^2 + (2.25 - x1*(1 - x2^2))^2 + "
            "(2.625 - x1*(1 - x2^3))^2", (1.0, 1.0), 0.0, f"{_MGH} [5]"),
    Classic("jennrich-sampson", _JENNRICH, (0.3, 0.4), 124.362182, f"{_MGH} [6], m = 10"),
    Classic("bard", _BARD, (1.0, 1.0, 1.0), 8.21487e-3, f"{_MGH} [8]"),
    Classic("box-3d", _BOX, (0.0, 10.0, 20.0), 0.0, f"{_MGH} [12], m = 10"),
    Classic("powell-singular", "(x1 + 10*x2)^2 + 5*(x3 - x4)^2 + (x2 - 2*x3)^4 + "
            "10*(x1 - x4)^4", (3.0, -1.0, 0.0, 1.0), 0.0, f"{_MGH} [13]"),
    Classic("wood", "100*(x2 - x1^2)^2 + (1 - x1)^2 + 90*(x4 - x3^2)^2 + (1 - x3)^2 + "
            "10*(x2 + x4 - 2)^2 + 0.1*(x2 - x4)^2", (-3.0, -1.0, -3.0, -1.0), 0.0,
            f"{_MGH} [14]"),
    Classic("brown-dennis", _BROWN_DENNIS, (25.0, 5.0, -5.0, -1.0), 85822.2016,
            f"{_MGH} [16], m = 20"),
    Classic("extended-powell-12", _EXT_POWELL, (3.0, -1.0, 0.0, 1.0) * 3, 0.0,
            f"{_MGH} [22], n = 12"),
    Classic("extended-rosenbrock-10", extended_rosenbrock(10), (-1.2, 1.0) * 5, 0.0,
            f"{_MGH} [21], n = 10"),
)}
"""The problems by name, in MGH's order."""


def solved(value: float, problem: Classic) -> bool:
    """True when ``value`` reaches the published minimum: f ≤ f* + 1e-6·(1 + |f*|).

    >>> solved(1e-9, CLASSIC["rosenbrock"]), solved(4.0, CLASSIC["rosenbrock"])
    (True, False)
    """
    return bool(value <= problem.minimum + 1e-6 * (1.0 + abs(problem.minimum)))
