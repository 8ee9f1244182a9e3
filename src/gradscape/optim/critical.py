"""Critical points of a Function in a box: exact where algebra can, numeric everywhere else.

Three stages, each with bounded work:

1. **Exact** (SymPy, in a forked child process killed when ``symbolic_budget`` seconds run
   out, since ``sympy.solve`` can hang). When the numerators of ∇f are polynomials, lex Gröbner
   bases give, for every variable, a univariate polynomial its real roots must satisfy; every
   combination of those real roots is checked at 50 digits. This finds *all* real critical
   points (sympy.solve itself silently drops the roots of quintics: it finds only 4 of
   Himmelblau's 9), so the numeric stage is skipped. For other formulas ``sympy.solve`` is
   tried and whatever it returns in time is kept, and the numeric stage runs as well.
2. **Numeric**: Newton on ∇f = 0, steps capped, from a shifted Halton set of starts, vectorised over
   all starts with ``f.grad`` / ``f.hess``; converged points are checked (|∇f| small against
   the function's typical gradient), de-duplicated, and classified.
3. **Corners**: where a polynomial denominator of ∇f has an isolated real zero (Ackley's
   sqrt(x² + y²) at 0), f may have a minimum or maximum with no gradient. Such a zero also
   zeroes the denominator's own gradient, so it is found exactly as in stage 1; it is kept
   when f there is below (or above) a small ring of nearby values. Its ``eigenvalues`` are ().

Classification uses the Hessian's eigenvalues against a tolerance relative to their scale:
all > 0 minimum, all < 0 maximum, mixed signs saddle, any ≈ 0 degenerate.

>>> from gradscape.calculus.function import Function
>>> [(p.kind, p.exact) for p in critical_points(Function("x^2 - y^2"))]
[('saddle', (0, 0))]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from gradscape.errors import DomainError
from gradscape.optim.exact import exact_stage

__all__ = ["CriticalPoint", "CriticalPoints", "critical_points", "MAX_POINTS"]

MAX_POINTS = 1000  # longer lists are cut (lowest values kept) and flagged ``truncated``
_MAX_STARTS = 100_000
_NEWTON_STEPS = 200  # enough for the linear convergence at degenerate points (x⁴: ×2/3 a step)
_CLUSTER = 1e-6  # points closer than this × box diagonal are one point
_EIG_ZERO = 1e-8  # |λ| below this × the Hessian scale counts as zero


@dataclass(frozen=True)
class CriticalPoint:
    """A point where ∇f = 0 (or, for a corner, where ∇f is undefined), and its kind."""

    point: tuple[float, ...]
    value: float
    kind: str  # "minimum" | "maximum" | "saddle" | "degenerate"
    eigenvalues: tuple[float, ...]  # of the Hessian, ascending; () where it is undefined
    exact: tuple[sp.Expr, ...] | None = None  # exact coordinates when solved symbolically

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; exact coordinates as SymPy strings."""
        return {
            "point": list(self.point),
            "value": self.value,
            "kind": self.kind,
            "eigenvalues": list(self.eigenvalues),
            "exact": None if self.exact is None else [str(c) for c in self.exact],
        }


class CriticalPoints(list[CriticalPoint]):
    """A list of CriticalPoint sorted by value, with how it was found.

    ``truncated``: more than MAX_POINTS were found; ``complete``: the exact stage proved the
    list holds every critical point in the box; ``notes``: plain-language remarks.
    """

    truncated: bool = False
    complete: bool = False
    notes: tuple[str, ...] = ()


def critical_points(
    f: Any,
    box: tuple[tuple[float, float], ...] | None = None,
    *,
    symbolic_budget: float = 2.0,
    starts: int = 400,
    seed: int = 0,
) -> CriticalPoints:
    """All critical points of ``f`` in ``box``, sorted by value.

    Args:
        f: a gradscape Function.
        box: ``(lo, hi)`` per variable; by default the library domain of a library function,
            else (-3, 3) for each variable.
        symbolic_budget: seconds allowed for exact solving (0 skips it).
        starts: number of Newton starts in the numeric stage.
        seed: seeds the shift of the start set; same seed, same result.

    >>> from gradscape.calculus.function import Function
    >>> [p.kind for p in critical_points(Function("himmelblau"))].count("saddle")
    4
    """
    lo, hi = _check(f, box, symbolic_budget, starts)
    diag = float(np.linalg.norm(hi - lo))
    notes: list[str] = []
    exact, corners, complete = exact_stage(f, symbolic_budget, notes)
    begin = _starts(starts, lo, hi, seed)
    scales = _scales(f, begin)
    points = [
        _classify(f, p, e, scales, np.array(h, dtype=float), v)
        for e, p, v, h in exact if _inside(np.array(p), lo, hi, diag)
    ]
    if not complete:
        points += _numeric_stage(f, begin, lo, hi, seed, scales, points, notes)
    for e, p in corners:
        far = all(np.linalg.norm(np.subtract(p, q.point)) > _CLUSTER * diag for q in points)
        inside = far and _inside(np.array(p), lo, hi, diag)
        kind = _ring_kind(f, np.array(p), diag, seed) if inside else None
        if kind is not None:
            points.append(CriticalPoint(p, _value(f, p), kind, (), e))
    points = sorted((p for p in points if math.isfinite(p.value)), key=lambda p: (p.value, p.point))
    result = CriticalPoints(points[:MAX_POINTS])
    result.truncated = len(points) > MAX_POINTS
    result.complete = complete and not result.truncated
    if result.truncated:
        notes.append(f"{len(points)} critical points found; the {MAX_POINTS} lowest are listed")
    result.notes = tuple(notes)
    return result


# ---- input checks --------------------------------------------------------------------------
def _check(f: Any, box: Any, budget: float, starts: int) -> tuple[np.ndarray, np.ndarray]:
    n = len(f.variables)
    if n == 0:
        raise DomainError("a constant has no critical points to list; give a formula in x, y, ...")
    if box is None:
        lib = getattr(f, "library", None)
        box = lib.domain if lib is not None else ((-3.0, 3.0),) * n
    try:
        arr = np.array(box, dtype=float).reshape(-1, 2)
    except (TypeError, ValueError) as err:
        raise DomainError(f"the box must be one (lo, hi) pair per variable, got {box!r}") from err
    if arr.shape != (n, 2) or not np.all(np.isfinite(arr)) or np.any(arr[:, 0] >= arr[:, 1]):
        raise DomainError(
            f"the box needs {n} finite (lo, hi) pairs with lo < hi, one per variable "
            f"({', '.join(f.variables)}); got {box!r}"
        )
    if not 1 <= starts <= _MAX_STARTS:
        raise DomainError(f"starts must be from 1 to {_MAX_STARTS}, got {starts}")
    if not 0 <= budget <= 600:
        raise DomainError(f"symbolic_budget must be from 0 to 600 seconds, got {budget}")
    return arr[:, 0], arr[:, 1]


def _inside(p: np.ndarray, lo: np.ndarray, hi: np.ndarray, diag: float) -> bool:
    pad = 1e-12 * diag
    return bool(np.all(np.isfinite(p)) and np.all(p >= lo - pad) and np.all(p <= hi + pad))


# ---- stage 2: numeric ------------------------------------------------------------------------
def _numeric_stage(
    f: Any, begin: np.ndarray, lo: np.ndarray, hi: np.ndarray, seed: int,
    scales: tuple[float, float], known: list[CriticalPoint], notes: list[str],
) -> list[CriticalPoint]:
    """Newton from rounds of starts; a round that keeps finding new points earns a bigger one.

    Landscapes like Rastrigin's have a critical point in every half-unit cell, more than the
    starts: each round quadruples the starts while over a tenth of them land on new points.
    """
    diag = float(np.linalg.norm(hi - lo))
    limit = min(64 * begin.shape[1], _MAX_STARTS)
    reps = [np.array(p.point) for p in known]
    x, used = begin.copy(), 0
    while True:
        fresh = _dedupe(_newton(f, x, lo, hi, diag, scales), diag, reps)
        used += x.shape[1]
        crowded = len(fresh) * 10 >= x.shape[1]
        if not crowded or len(reps) > MAX_POINTS or used + 4 * x.shape[1] > limit:
            break
        x = _starts(4 * x.shape[1], lo, hi, seed, offset=used)
    if crowded and len(reps) <= MAX_POINTS:
        notes.append(f"new critical points were still turning up after {used} starts; "
                     "the list may be incomplete (raise starts)")
    pad = 1e-14 * diag  # rounding dust: -6e-30 is 0
    out = [_classify(f, tuple(float(c) if abs(c) > pad else 0.0 for c in p), None, scales)
           for p in reps[len(known):]]
    if sum(p.kind == "degenerate" for p in out) > 20:
        notes.append("many degenerate critical points: they likely form a curve or surface, "
                     "of which the list shows samples")
    return out


_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53)


def _starts(m: int, lo: np.ndarray, hi: np.ndarray, seed: int, offset: int = 0) -> np.ndarray:
    """m points spread evenly over the box (a Halton set, shifted by the seed): (n, m)."""
    n = lo.size
    rng = np.random.default_rng(seed)
    if n > len(_PRIMES):
        unit = rng.random((n, offset + m))[:, offset:]
    else:
        index = np.arange(offset + 1, offset + m + 1)
        unit = np.empty((n, m))
        for d, base in enumerate(_PRIMES[:n]):
            k, frac, scale = index.copy(), np.zeros(m), 1.0 / base
            while np.any(k):
                frac += (k % base) * scale
                k //= base
                scale /= base
            unit[d] = frac
        unit = (unit + rng.random((n, 1))) % 1.0
    return lo[:, None] + unit * (hi - lo)[:, None]


def _scales(f: Any, x: np.ndarray) -> tuple[float, float]:
    """Typical |∇f| and typical Hessian size over the box, to judge "≈ 0" against."""
    with np.errstate(all="ignore"):
        g = np.linalg.norm(np.asarray(f.grad(*x), dtype=float), axis=0)
        h = np.abs(np.asarray(f.hess(*x), dtype=float)).max(axis=(0, 1))
    g, h = g[np.isfinite(g)], h[np.isfinite(h)]
    typical = [float(np.median(v)) if v.size else 0.0 for v in (g, h)]
    return typical[0] or 1.0, typical[1] or 1.0


def _newton(
    f: Any, x: np.ndarray, lo: np.ndarray, hi: np.ndarray, diag: float,
    scales: tuple[float, float],
) -> np.ndarray:
    """Converged Newton iterates (n, k) that are critical points inside the box."""
    margin = 0.1 * (hi - lo)[:, None]
    done = np.zeros(x.shape[1], dtype=bool)
    alive = np.ones(x.shape[1], dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(_NEWTON_STEPS):
            work = alive & ~done
            if not work.any():
                break
            xs = x[:, work]
            step = _newton_step(np.asarray(f.grad(*xs), dtype=float),
                                np.asarray(f.hess(*xs), dtype=float), diag)
            new = xs + step
            ok = np.all(np.isfinite(new), axis=0)
            ok &= np.all((new >= lo[:, None] - margin) & (new <= hi[:, None] + margin), axis=0)
            x[:, work] = new
            idx = np.flatnonzero(work)
            alive[idx[~ok]] = False
            done[idx] = np.linalg.norm(step, axis=0) <= 1e-13 * diag
        x = x[:, alive & done]
        g = np.linalg.norm(np.asarray(f.grad(*x), dtype=float), axis=0)
    keep = np.isfinite(g) & (g <= 1e-7 * scales[0])
    keep &= np.all((x >= lo[:, None] - 1e-12 * diag) & (x <= hi[:, None] + 1e-12 * diag), axis=0)
    return x[:, keep]


def _newton_step(g: np.ndarray, h: np.ndarray, diag: float) -> np.ndarray:
    # Plain Newton through the eigen-decomposition, capped at a quarter of the box diagonal.
    # Small curvatures are NOT floored: at a degenerate point like (x - √2)⁴'s they are the
    # true ones, and flooring them would stall the (linear) convergence there.
    w, v = np.linalg.eigh(np.moveaxis(h, -1, 0))
    w = np.where(w == 0, 1e-300, w)
    coef = np.einsum("mji,jm->mi", v, g) / w
    step = -np.einsum("mij,mj->im", v, coef)
    length = np.linalg.norm(step, axis=0)
    return step * np.minimum(1.0, 0.25 * diag / np.maximum(length, 1e-300))


def _dedupe(x: np.ndarray, diag: float, reps: list[np.ndarray]) -> list[np.ndarray]:
    """The columns of x not within the cluster radius of reps; appends them to reps."""
    fresh = []
    for p in x.T[np.lexsort(x[::-1])] if x.size else []:
        if not reps or np.min(np.linalg.norm(np.array(reps) - p, axis=1)) > _CLUSTER * diag:
            reps.append(p)
            fresh.append(p)
    return fresh


# ---- classification --------------------------------------------------------------------------
_KINDS = {(True, False): "minimum", (False, True): "maximum", (True, True): "saddle"}


def _kind(eig: np.ndarray, zero: float) -> str:
    if eig.size == 0 or np.any(np.abs(eig) <= zero):
        return "degenerate"
    return _KINDS[(bool(np.any(eig > 0)), bool(np.any(eig < 0)))]


def _classify(
    f: Any, point: tuple[float, ...], exact: tuple[sp.Expr, ...] | None,
    scales: tuple[float, float], hess: np.ndarray | None = None, value: float | None = None,
) -> CriticalPoint:
    if hess is None:
        with np.errstate(all="ignore"):
            hess = np.asarray(f.hess(*point), dtype=float)
    eig = np.linalg.eigvalsh(hess) if np.all(np.isfinite(hess)) else np.array([])
    own = float(np.abs(eig).max()) if eig.size else 0.0
    zero = max(1e-9 * own, _EIG_ZERO * scales[1]) if exact is None else 1e-9 * own
    value = _value(f, point) if value is None else value
    return CriticalPoint(point, value, _kind(eig, zero), tuple(map(float, eig)), exact)


def _value(f: Any, point: tuple[float, ...]) -> float:
    with np.errstate(all="ignore"):
        return float(np.asarray(f(*point), dtype=float))


def _ring_kind(f: Any, p: np.ndarray, diag: float, seed: int) -> str | None:
    """Minimum or maximum at a corner, judged from f on a small ring; None when neither."""
    n = p.size
    rng = np.random.default_rng(seed)
    dirs = np.concatenate([np.eye(n), -np.eye(n), rng.standard_normal((16, n))])
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    ring = p[:, None] + 1e-6 * diag * dirs.T
    with np.errstate(all="ignore"):
        centre = _value(f, tuple(p))
        around = np.asarray(f(*ring), dtype=float)
    if not (np.isfinite(centre) and np.all(np.isfinite(around))):
        return None
    if np.all(around > centre):
        return "minimum"
    return "maximum" if np.all(around < centre) else None
