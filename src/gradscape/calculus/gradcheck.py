"""Check a hand-written gradient against the exact one, point by point, and say where it is wrong.

>>> import numpy as np
>>> x, y = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-2, 2, 5))
>>> exact = lambda x, y: np.array([2 * x, 2 * y])
>>> print(gradient_check(lambda x, y: [2 * x, 3 * y], exact, [x, y]))  # doctest: +ELLIPSIS
Gradient check FAILED: 20 of 25 points are off. Worst: ∂f/∂y at (x=-2, y=-2): got -6, ...
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from gradscape.errors import DomainError

__all__ = ["GradCheckReport", "Location", "gradient_check"]

_MAX_POINTWISE = 2_000_000  # beyond this, calling grad_f once per point takes too long


class Location(NamedTuple):
    """Where an error sits: gradient component (0-based), grid index and coordinates."""

    component: int
    # The field shadows tuple.index, which typeshed types as a method: deliberate, and public.
    index: tuple[int, ...]  # type: ignore[assignment]
    point: tuple[float, ...]


@dataclass(frozen=True)
class GradCheckReport:
    """Outcome of :func:`gradient_check`.

    ``ok`` is True when every value satisfies ``|got - exact| <= atol + rtol·|exact|`` (NaN
    matches NaN). ``where`` locates the worst value, judged against that tolerance;
    ``got``/``expected`` are the two values there. ``max_rel_error`` is taken over values
    whose exact component is non-zero.
    """

    ok: bool
    max_abs_error: float
    max_rel_error: float
    where: Location
    got: float
    expected: float
    n_points: int
    n_failed_points: int
    failing_components: tuple[int, ...]
    rtol: float
    atol: float
    names: tuple[str, ...]
    pointwise: bool = False  # grad_f failed on whole arrays and was called point by point

    def __str__(self) -> str:
        pts = f"{self.n_points:,} point{'s' * (self.n_points != 1)}"
        stats = (
            f"max abs error {_num(self.max_abs_error)}, max rel error {_num(self.max_rel_error)}"
        )
        slow = (
            " Note: grad_f failed on whole arrays, so it was called point by point (slow); a "
            "constant inside np.array([...]) does that, return a list instead."
        ) * self.pointwise
        if self.ok:
            agree = f"all {len(self.names)} components agree" if len(self.names) > 1 else "agrees"
            return (
                f"Gradient check passed: {agree} at {pts} "
                f"({stats}; tolerance {_num(self.atol)} + {_num(self.rtol)}·|exact|).{slow}"
            )
        at = ", ".join(f"{n}={_num(v)}" for n, v in zip(self.names, self.where.point, strict=True))
        worst = self._component(self.where.component)
        bad = ", ".join(self._component(c) for c in self.failing_components)
        return (
            f"Gradient check FAILED: {self.n_failed_points:,} of {pts} are off. Worst: {worst} "
            f"at ({at}): got {_num(self.got)}, expected {_num(self.expected)}. Overall {stats} "
            f"(tolerance {_num(self.atol)} + {_num(self.rtol)}·|exact|). "
            f"Check the formula for {bad}.{slow}"
        )

    def _component(self, c: int) -> str:
        return f"∂f/∂{self.names[c]}"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (non-finite numbers become the strings "inf", "nan")."""
        return {
            "ok": self.ok,
            "max_abs_error": _json(self.max_abs_error),
            "max_rel_error": _json(self.max_rel_error),
            "where": {
                "component": self.where.component,
                "variable": self.names[self.where.component],
                "index": list(self.where.index),
                "point": [_json(v) for v in self.where.point],
            },
            "got": _json(self.got),
            "expected": _json(self.expected),
            "n_points": self.n_points,
            "n_failed_points": self.n_failed_points,
            "failing_components": [self.names[c] for c in self.failing_components],
            "rtol": self.rtol,
            "atol": self.atol,
            "pointwise": self.pointwise,
            "message": str(self),
        }


def gradient_check(
    grad_f: Callable[..., object],
    exact_grad: Callable[..., object],
    points: Sequence[ArrayLike],
    *,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    names: Sequence[str] | None = None,
) -> GradCheckReport:
    """Compare ``grad_f`` (hand-written) with ``exact_grad`` at ``points`` (n arrays, e.g. a
    meshgrid). Both take n arrays and return n components; a component may be a scalar
    (``[2 * x, 3.0]``) and is broadcast. ``names`` label the variables in the report.

    >>> import numpy as np
    >>> x, y = np.meshgrid(np.linspace(-2, 2, 41), np.linspace(-1, 1, 21))
    >>> report = gradient_check(lambda x, y: np.array([2 * x, 2 * y]),
    ...                         lambda x, y: [2 * x, 2 * y], [x, y])
    >>> report.ok, report.max_abs_error
    (True, 0.0)
    """
    xs = _prepare(points)
    shape = xs[0].shape
    n = len(xs)
    labels = tuple(names) if names is not None else _default_names(n)
    if len(labels) != n:
        raise DomainError(f"{len(labels)} names given for {n} variables; give one per variable")
    got, pointwise = _evaluate(grad_f, xs, "grad_f")
    expected, _ = _evaluate(exact_grad, xs, "exact_grad")
    with np.errstate(all="ignore"):
        same = (got == expected) | (np.isnan(got) & np.isnan(expected))
        finite = np.isfinite(got) & np.isfinite(expected)
        abs_err = np.where(same, 0.0, np.where(finite, np.abs(got - expected), np.inf))
        score = np.where(same, 0.0, abs_err / (atol + rtol * np.abs(expected)))
        score = np.where(np.isnan(score), np.inf, score)
        nonzero = (expected != 0) & np.isfinite(expected)
        rel = np.where(nonzero & ~same, abs_err / np.where(nonzero, np.abs(expected), 1.0), 0.0)
    failed = score > 1
    flat = int(np.argmax(score)) if score.size else 0
    component, *grid = np.unravel_index(flat, score.shape) if score.size else (0,)
    index = tuple(int(i) for i in grid)
    return GradCheckReport(
        ok=not failed.any(),
        max_abs_error=float(abs_err.max(initial=0.0)),
        max_rel_error=float(rel.max(initial=0.0)),
        where=Location(int(component), index, tuple(float(x[index]) for x in xs)),
        got=float(got[(component, *index)]) if got.size else math.nan,
        expected=float(expected[(component, *index)]) if expected.size else math.nan,
        n_points=int(np.prod(shape, dtype=int)),
        n_failed_points=int(failed.any(axis=0).sum()),
        failing_components=tuple(int(c) for c in np.flatnonzero(failed.reshape(n, -1).any(1))),
        rtol=rtol,
        atol=atol,
        names=labels,
        pointwise=pointwise,
    )


def _prepare(points: Sequence[ArrayLike]) -> list[np.ndarray]:
    try:
        raw = [np.asarray(p, dtype=float) for p in points]
    except (TypeError, ValueError) as err:
        raise DomainError(f"points must be n real arrays, one per variable ({err})") from None
    if not raw:
        raise DomainError("points must be a sequence of n arrays, one per variable: [x, y]")
    try:
        return [np.array(x) for x in np.broadcast_arrays(*raw)]
    except ValueError:
        shapes = ", ".join(str(p.shape) for p in raw)
        raise DomainError(f"points of shapes {shapes} do not broadcast together") from None


def _evaluate(g: Callable[..., object], xs: list[np.ndarray], who: str) -> tuple[np.ndarray, bool]:
    """``g(*xs)`` as an ``(n, *shape)`` float array, and whether it had to go point by point.

    ``np.array([2 * x, 3.0])`` raises on arrays (ragged), yet is right at each point, so a
    vectorised failure is retried one point at a time before it is reported."""
    try:
        with np.errstate(all="ignore"):
            return _components(g(*xs), len(xs), xs[0].shape, who), False
    except DomainError:
        raise
    except Exception as err:
        size = xs[0].size
        if size > _MAX_POINTWISE:
            raise DomainError(f"{who} failed on arrays: {type(err).__name__}: {err}") from err
        try:
            return _pointwise(g, xs, who), True
        except DomainError:
            raise
        except Exception:
            raise DomainError(
                f"{who} failed: {type(err).__name__}: {err}; it must take one NumPy array per "
                "variable and return one component per variable"
            ) from err


def _pointwise(g: Callable[..., object], xs: list[np.ndarray], who: str) -> np.ndarray:
    n, shape = len(xs), xs[0].shape
    out = np.empty((n, xs[0].size))
    flat = [x.ravel() for x in xs]
    with np.errstate(all="ignore"):
        for k in range(out.shape[1]):
            out[:, k] = _components(g(*(x[k] for x in flat)), n, (), who)
    return out.reshape(n, *shape)


def _components(value: Any, n: int, shape: tuple[int, ...], who: str) -> np.ndarray:
    """n components, each broadcast to ``shape`` (constant ones may come back as scalars)."""
    parts: Sequence[object]
    if n == 1 and not isinstance(value, Sequence) and np.shape(value) != (1, *shape):
        parts = [value]  # one variable: a bare derivative rather than a list of one
    elif isinstance(value, np.ndarray) and value.dtype != object:
        parts = list(value) if value.ndim else [value]
    elif isinstance(value, Sequence | np.ndarray):
        parts = list(value)
    else:
        parts = [value]
    if len(parts) != n:
        raise DomainError(
            f"{who} returned {len(parts)} component(s) for {n} variables; return one per "
            "variable, e.g. [df/dx, df/dy]"
        )
    out = np.empty((n, *shape))
    for i, part in enumerate(parts):
        comp = np.asarray(part)
        if np.iscomplexobj(comp):
            raise DomainError(f"{who} returned complex values in component {i + 1}")
        try:
            out[i] = np.broadcast_to(comp.astype(float), shape)
        except ValueError:
            raise DomainError(
                f"{who}'s component {i + 1} has shape {comp.shape}, expected {shape} or a scalar"
            ) from None
    return out


def _default_names(n: int) -> tuple[str, ...]:
    return ("x", "y", "z")[:n] if n <= 3 else tuple(f"x{i + 1}" for i in range(n))


def _num(v: float) -> str:
    return f"{v:.6g}"


def _json(v: float) -> float | str:
    return float(v) if math.isfinite(v) else str(v)
