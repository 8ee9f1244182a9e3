"""What a descent returns: ``Trajectory`` for one start point, ``BatchResult`` for many.

Both are plain containers of NumPy arrays, built from the same raw loop output (``Raw``), so a
start's trajectory is the same whether it ran alone or among a million others.

>>> import numpy as np
>>> t = Trajectory(points=np.array([[1.0], [0.5]]), values=np.array([1.0, 0.25]),
...                grad_norms=np.array([2.0, 1.0]), status="max-steps", method="gd", lr=0.25)
>>> t.steps, t.final.tolist(), t.value
(1, [0.5], 0.25)
>>> t.to_dict()["status"]
'max-steps'
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

import numpy as np

from gradscape.errors import DomainError

__all__ = ["Trajectory", "BatchResult", "Raw", "STATUSES", "empty_raw"]

# status code (int8 in the loops) -> name; the index is the code
STATUSES = ("max-steps", "converged", "diverged")


class Raw(NamedTuple):
    """The loops' output: per start, and per step for the starts whose paths are kept."""

    final: np.ndarray  # (M, n)
    value: np.ndarray  # (M,)
    steps: np.ndarray  # (M,) int64
    code: np.ndarray  # (M,) int8, an index into STATUSES
    grad_norm: np.ndarray  # (M,)
    paths: np.ndarray  # (K, steps+1, n), NaN after a start stopped
    path_values: np.ndarray  # (K, steps+1)
    path_grad_norms: np.ndarray  # (K, steps+1)
    evals: np.ndarray  # (M, 3) int64: evaluations of f, ∇f and the Hessian


def empty_raw(m: int, n: int, k: int, steps: int) -> Raw:
    """Output arrays: per start (every start stops once and fills its row, so left unset)
    and NaN-filled path storage for ``k`` kept starts."""
    return Raw(np.empty((m, n)), np.empty(m), np.empty(m, np.int64), np.empty(m, np.int8),
               np.empty(m), np.full((k, steps + 1, n), np.nan), np.full((k, steps + 1), np.nan),
               np.full((k, steps + 1), np.nan), np.empty((m, 3), np.int64))


def _evals(row: Sequence[int] | np.ndarray) -> dict[str, int]:
    return {"nfev": int(row[0]), "njev": int(row[1]), "nhev": int(row[2])}


def _num(v: float) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


@dataclass(frozen=True, eq=False)
class Trajectory:
    """One start point's path: every iterate (copied), f and |∇f| there, and how it ended.

    ``status`` is "converged" (|∇f| < tol at the last point), "max-steps" or "diverged" (a
    coordinate or |∇f| became non-finite or above 1e100; ``diverged_at`` is that step).
    """

    points: np.ndarray  # (k+1, n)
    values: np.ndarray  # (k+1,)
    grad_norms: np.ndarray  # (k+1,)
    status: str
    method: str
    lr: float
    variables: tuple[str, ...] = ()
    hyper: dict[str, Any] = field(default_factory=dict)
    schedule: str = "constant()"
    evaluations: tuple[int, int, int] = (0, 0, 0)  # of f, ∇f and the Hessian (nfev, njev, nhev)

    @property
    def steps(self) -> int:
        """The number of steps taken (points has steps + 1 rows)."""
        return len(self.points) - 1

    @property
    def final(self) -> np.ndarray:
        return self.points[-1]

    @property
    def value(self) -> float:
        return float(self.values[-1])

    @property
    def grad_norm(self) -> float:
        return float(self.grad_norms[-1])

    @property
    def diverged_at(self) -> int | None:
        """The step whose point left the finite world, or None."""
        return self.steps if self.status == "diverged" else None

    @property
    def start(self) -> np.ndarray:
        return self.points[0]

    def to_dict(self, max_points: int | None = None) -> dict[str, Any]:
        """JSON-ready: lists of floats, NaN and ±inf as None; ``max_points`` thins the path.

        >>> t = Trajectory(np.array([[1.0], [np.nan]]), np.array([1.0, np.nan]),
        ...                np.array([2.0, np.nan]), "diverged", "gd", 2.0)
        >>> t.to_dict()["points"], t.to_dict()["diverged_at"]
        ([[1.0], [None]], 1)
        """
        rows = np.arange(len(self.points))
        if max_points is not None and len(rows) > max_points:
            rows = np.unique(np.linspace(0, len(rows) - 1, max(max_points, 2)).round().astype(int))
        return {
            "method": self.method, "lr": self.lr, "hyper": dict(self.hyper),
            "schedule": self.schedule, "variables": list(self.variables),
            "status": self.status, "steps": self.steps, "diverged_at": self.diverged_at,
            "evaluations": _evals(self.evaluations),
            "start": [_num(v) for v in self.start], "final": [_num(v) for v in self.final],
            "value": _num(self.value), "grad_norm": _num(self.grad_norm),
            "step_index": rows.tolist(),
            "points": [[_num(v) for v in self.points[r]] for r in rows],
            "values": [_num(self.values[r]) for r in rows],
            "grad_norms": [_num(self.grad_norms[r]) for r in rows],
        }

    def rows(self, count: int = 6) -> list[int]:
        """Indices of up to ``count`` evenly spread path rows, first and last included."""
        if len(self.points) <= count:
            return list(range(len(self.points)))
        return sorted({int(v) for v in np.linspace(0, self.steps, count).round()})

    def _repr_html_(self) -> str:
        names = self.variables or tuple(f"x{i}" for i in range(self.points.shape[1]))
        head = "".join(f"<th>{html.escape(n)}</th>" for n in ("step", *names, "f", "|∇f|"))
        body = "".join(
            "<tr><td>{}</td>{}<td>{:.6g}</td><td>{:.3g}</td></tr>".format(
                r, "".join(f"<td>{v:.6g}</td>" for v in self.points[r]), self.values[r],
                self.grad_norms[r])
            for r in self.rows())
        caption = html.escape(f"{self.method} (lr={self.lr:g}): {self.status} after "
                              f"{self.steps} steps, f = {self.value:.6g}")
        return f"<table><caption>{caption}</caption><tr>{head}</tr>{body}</table>"

    def __repr__(self) -> str:
        final = ", ".join(f"{v:.6g}" for v in self.final)
        return (f"Trajectory(method={self.method!r}, status={self.status!r}, steps={self.steps}, "
                f"final=({final}), value={self.value:.6g})")


@dataclass(frozen=True, eq=False)
class BatchResult:
    """Many start points run together: O(M·n) arrays, plus whole paths only where asked for.

    ``paths`` has shape (K, steps+1, n) for the kept starts ``path_index`` (NaN after a start
    stopped); ``trajectory(i)`` rebuilds start i's Trajectory from it.
    """

    starts: np.ndarray  # (M, n)
    final: np.ndarray  # (M, n)
    values: np.ndarray  # (M,)
    steps: np.ndarray  # (M,) int64
    status_codes: np.ndarray  # (M,) int8, index into STATUSES
    grad_norms: np.ndarray  # (M,)
    method: str
    lr: float
    paths: np.ndarray  # (K, max_steps+1, n)
    path_values: np.ndarray
    path_grad_norms: np.ndarray
    path_index: np.ndarray  # (K,) start indices
    variables: tuple[str, ...] = ()
    hyper: dict[str, Any] = field(default_factory=dict)
    schedule: str = "constant()"
    evaluations: np.ndarray | None = None  # (M, 3): of f, ∇f and the Hessian per start

    @property
    def status(self) -> np.ndarray:
        """(M,) array of status strings (made on access: the loop keeps one byte per start)."""
        return np.asarray(STATUSES)[self.status_codes]

    def __len__(self) -> int:
        return len(self.final)

    def counts(self) -> dict[str, int]:
        """How many starts ended in each status.

        >>> r = BatchResult._empty(np.zeros((3, 1)))
        >>> r.counts()
        {'converged': 0, 'max-steps': 3, 'diverged': 0}
        """
        c = np.bincount(self.status_codes, minlength=len(STATUSES))
        return {name: int(c[STATUSES.index(name)]) for name in ("converged", "max-steps",
                                                                "diverged")}

    def trajectory(self, i: int) -> Trajectory:
        """Start ``i``'s whole path; it must be among the kept ones (``keep_paths``)."""
        where = np.flatnonzero(self.path_index == i)
        if not len(where):
            raise DomainError(
                f"the path of start {i} was not kept; pass keep_paths=True, a count, or an "
                f"index array containing {i} (kept: {_short(self.path_index)})")
        k, row = int(self.steps[i]), int(where[0])
        return Trajectory(
            points=self.paths[row, : k + 1].copy(), values=self.path_values[row, : k + 1].copy(),
            grad_norms=self.path_grad_norms[row, : k + 1].copy(),
            status=STATUSES[self.status_codes[i]], method=self.method, lr=self.lr,
            variables=self.variables, hyper=dict(self.hyper), schedule=self.schedule,
            evaluations=(0, 0, 0) if self.evaluations is None  # else a row of 3 counts
            else cast(tuple[int, int, int], tuple(int(v) for v in self.evaluations[i])))

    def to_dict(self, max_starts: int = 1000) -> dict[str, Any]:
        """JSON-ready summary and the first ``max_starts`` starts' final points."""
        m = min(len(self), max_starts)
        return {
            "method": self.method, "lr": self.lr, "hyper": dict(self.hyper),
            "schedule": self.schedule, "variables": list(self.variables),
            "starts": len(self), "counts": self.counts(), "shown": m,
            "final": [[_num(v) for v in row] for row in self.final[:m]],
            "values": [_num(v) for v in self.values[:m]],
            "steps": self.steps[:m].tolist(),
            "status": [STATUSES[c] for c in self.status_codes[:m]],
        }

    def _repr_html_(self) -> str:
        counts = ", ".join(f"{k}: {v}" for k, v in self.counts().items())
        return (f"<p>{html.escape(self.method)} (lr={self.lr:g}) from {len(self)} starts — "
                f"{html.escape(counts)}; median steps {float(np.median(self.steps)):g}</p>")

    def __repr__(self) -> str:
        return (f"BatchResult(method={self.method!r}, starts={len(self)}, counts={self.counts()}, "
                f"paths kept={len(self.path_index)})")

    @classmethod
    def _empty(cls, starts: np.ndarray) -> BatchResult:
        m, n = starts.shape
        return cls(starts, starts.copy(), np.full(m, np.nan), np.zeros(m, np.int64),
                   np.zeros(m, np.int8), np.full(m, np.nan), "gd", 0.01,
                   np.empty((0, 1, n)), np.empty((0, 1)), np.empty((0, 1)),
                   np.empty(0, np.int64))


def _short(index: Sequence[int] | np.ndarray) -> str:
    items = [str(int(v)) for v in list(index)[:8]]
    return (", ".join(items) + (", …" if len(index) > 8 else "")) or "none"
