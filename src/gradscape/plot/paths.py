"""Descent drawn: trajectories over the contours (one legend entry per method, start and end
markers, the published minima of library functions marked) and the loss against the step.

A trajectory is anything with ``points`` (k+1, 2) and ``values`` (k+1,) — the optimizer's
``Trajectory``, or plain arrays — so these pictures do not depend on how paths were made.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import numpy as np
>>> from matplotlib.figure import Figure
>>> from gradscape.fields.field import field
>>> pts = np.array([[2.0, 2.0], [1.0, 0.5], [0.5, 0.1], [0.0, 0.0]])
>>> ax = Figure().subplots()
>>> drawn = paths(ax, field("x^2 + 3y^2", n=30), [(pts, (pts ** 2 * [1, 3]).sum(1))], labels=["gd"])
>>> [t.get_text() for t in ax.get_legend().get_texts()]
['gd']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes

from gradscape.errors import DomainError
from gradscape.fields.field import Field
from gradscape.plot.drawn import Drawn
from gradscape.plot.planar import filled_contours
from gradscape.plot.scales import line_style
from gradscape.plot.text import math_title, set_title, short_name

if TYPE_CHECKING:
    from gradscape.optim.result import Trajectory

__all__ = ["PathData", "as_path", "run_label", "paths", "loss", "run_paths", "published_minima",
           "default_starts", "draw_runs", "legend_handles", "quiet_corner", "spaced"]



@dataclass(frozen=True)
class PathData:
    """One path as plotting needs it: points (k+1, n), values (k+1,), a label and a status."""

    points: np.ndarray
    values: np.ndarray
    label: str
    status: str = ""
    lr: float | None = None

    @property
    def steps(self) -> int:
        return len(self.points) - 1

    def legend(self) -> str:
        rate = f" (lr {self.lr:g})" if self.lr is not None else ""
        if not self.status:
            return self.label + rate
        return f"{self.label}{rate}: {self.status}, {self.steps} steps"


def as_path(obj: Any, f: Any = None, label: str | None = None) -> PathData:
    """A Trajectory, a PathData, a (points, values) pair or an array of points → PathData.

    Values are computed with ``f`` when only points are given; non-finite points (a diverged
    run) become NaN, which ends the drawn line instead of sending it to infinity.
    """
    if isinstance(obj, PathData):
        return obj if label is None else PathData(obj.points, obj.values, label, obj.status,
                                                  obj.lr)
    status, lr = "", None
    if hasattr(obj, "points"):
        points, values = obj.points, getattr(obj, "values", None)
        method = str(getattr(obj, "method", "") or "")
        label = label or run_label(obj)
        status = str(getattr(obj, "status", "") or "")
        lr = getattr(obj, "lr", None) if _uses_lr(method) else None
    elif isinstance(obj, tuple) and len(obj) == 2:
        points, values = obj
    else:
        points, values = obj, None
    pts = np.array(points, dtype=float, copy=True)
    if pts.ndim != 2 or len(pts) == 0:
        raise DomainError(f"a path needs points of shape (steps+1, n), got shape {pts.shape}")
    if values is None:
        if f is None:
            raise DomainError("a path given as points alone needs f to compute its values")
        values = np.asarray(f(*pts.T), dtype=float)
    vals = np.array(values, dtype=float, copy=True).reshape(-1)
    if len(vals) != len(pts):
        raise DomainError(f"a path has {len(pts)} points but {len(vals)} values")
    bad = ~np.isfinite(pts).all(axis=1)
    pts[bad] = np.nan
    vals[~np.isfinite(vals)] = np.nan
    return PathData(pts, vals, label or "path", status, None if lr is None else float(lr))


def run_label(run: Any) -> str:
    """A run's name in legends: its method, or "auto: bfgs" for a run of method="auto", so
    it reads apart from a run of the method it chose.

    >>> from gradscape.optim.descend import descend
    >>> run_label(descend("x^2 + y^2", [1.0, 1.0], backend="numpy"))
    'auto: bfgs'
    """
    method = str(getattr(run, "method", "") or "")
    auto = str(getattr(run, "note", "") or "").startswith("auto chose")
    return (f"auto: {method}" if auto else method) or "path"


def _uses_lr(method: str) -> bool:
    # a method whose steps come from a line search or trust region has no rate to show
    from gradscape.optim.optimizers import OPTIMIZERS

    row = OPTIMIZERS.get(method)
    return row is None or row.uses_lr


def published_minima(f: Any) -> tuple[np.ndarray, np.ndarray]:
    """(global minima, local minima) of a library function as (k, n) arrays; empty otherwise."""
    lib = getattr(f, "library", None)
    n = len(f.variables)
    if lib is None:
        return np.empty((0, n)), np.empty((0, n))
    return (np.array([m.point for m in lib.minima], dtype=float).reshape(-1, n),
            np.array([m.point for m in lib.local_minima], dtype=float).reshape(-1, n))


def default_starts(box: Sequence[tuple[float, float]]) -> np.ndarray:
    """One start in the upper-left part of the window: away from the middle, where minima of
    test functions usually sit, so a path has somewhere to go.

    >>> default_starts([(-3, 3), (-3, 3)]).round(6).tolist()
    [[-2.1, 2.1]]
    """
    frac = [0.15] + [0.85] * (len(box) - 1)
    return np.array([[lo + t * (hi - lo) for (lo, hi), t in zip(box, frac)]])


def run_paths(f: Any, starts: np.ndarray, methods: Sequence[str] = ("gd",),
              lr: float | None = None, steps: int = 500, tol: float | None = 1e-8,
              notes: list[str] | None = None) -> list[Any]:
    """One descent per (method, start), in that order: a list of Trajectory.

    With no ``lr`` given, a method whose default rate diverges from a start is run again at
    smaller rates (:func:`gradscape.optim.tune.settle_lr`), and ``notes`` says so: a picture
    should show the method working, and the legend shows the rate used.
    """
    from gradscape.optim.descend import descend
    from gradscape.optim.tune import settle_lr

    starts = np.atleast_2d(np.asarray(starts, dtype=float))
    runs = []
    for m in methods:
        for s in starts:
            def run(rate: float | None, m: str = m, s: np.ndarray = s) -> Trajectory:
                # One start (a row of starts): a Trajectory.
                return cast("Trajectory", descend(f, s, method=m, lr=rate, steps=steps, tol=tol))

            kept = settle_lr(run, lambda t: float(t.status != "diverged"), lr=lr, enough=1.0)
            if notes is not None and kept.cut:
                notes.append(f"{m}'s default lr {kept.first_lr:g} diverged from "
                             f"({', '.join(f'{v:g}' for v in s)}); drawn with lr "
                             f"{kept.result.lr:g}")
            runs.append(kept.result)
    return runs


def paths(ax: Axes, fld: Field, trajectories: Sequence[Any], *, labels: Sequence[str] | None = None,
          minima: Any = "published", contours: bool = True, title: str | None = None) -> Drawn:
    """Trajectories over the filled contours of their function.

    Paths with the same label share a colour and one legend entry; each starts at a white
    circle and ends at a star. ``minima="published"`` marks a library function's published
    minima; pass an (k, 2) array to mark others, or None for none.
    """
    f = fld.function
    data = [as_path(t, f, labels[i] if labels else None) for i, t in enumerate(trajectories)]
    if any(p.points.shape[1] != 2 for p in data):
        raise DomainError("paths are drawn over a function of two variables")
    drawn = filled_contours(ax, fld, alpha=0.85) if contours else Drawn()
    order = list(dict.fromkeys(p.label for p in data))
    lines, ends = draw_runs(ax, data, order)
    for p in data:
        finite = np.isfinite(p.points).all(axis=1)
        if not finite.all() or not _inside(p.points, fld):
            drawn.notes.append("some paths leave the window (or diverge): they are cut at its edge")
    drawn.artists["paths"] = lines
    drawn.artists["ends"] = ends
    _mark_minima(ax, f, minima, drawn)
    ax.set_xlim(fld.axes[0][0], fld.axes[0][-1])
    ax.set_ylim(fld.axes[1][0], fld.axes[1][-1])
    handles = legend_handles(ax, data, order)
    ax.legend(handles=handles, loc=quiet_corner(ax, data, handles), fontsize=8, framealpha=0.85)
    set_title(ax, title if title is not None else math_title("Descent on", f)
              if f.library is None else f"Descent on {short_name(f)}")
    drawn.notes.append("○ start, ★ end of each path; where paths overlap, the earlier method's "
                       "line is the wider one underneath")
    return drawn


def spaced(points: np.ndarray, box: Sequence[tuple[float, float]], gap: float,
           skip: float = 0.0) -> list[int]:
    """Indices of points at least ``gap`` apart (as a fraction of the window), the first
    one ``skip`` from the start: markers evenly spread over the picture, however the path
    zigzags or crawls.

    >>> spaced(np.array([[0, 0], [0.01, 0], [0.5, 0], [0.52, 0], [1.0, 0]]), [(0, 1), (0, 1)],
    ...        0.2)
    [0, 2, 4]
    """
    span = np.array([max(hi - lo, 1e-300) for lo, hi in box[:2]])
    pts = np.asarray(points, dtype=float)[:, :2] / span
    keep: list[int] = []
    last, need = (pts[0] if len(pts) else None), skip
    for i, q in enumerate(pts):
        if last is None or not np.isfinite(q).all():
            continue
        if np.hypot(*(q - last)) >= need:
            keep.append(i)
            last, need = q, gap
    return keep


def draw_runs(ax: Any, data: Sequence[PathData], order: Sequence[str],
              z: Sequence[np.ndarray] | None = None) -> tuple[list[Any], list[Any]]:
    """Each path in its method's colour, dash and marker, with a start ring and an end star.

    Every method stays visible where paths overlap: earlier methods are drawn wider and
    underneath, markers are spaced along the drawn line (not every step) and staggered per
    method, and start rings and end stars shrink method by method so shared ones nest.
    ``z`` (one array per path) draws on a 3-D axes.
    """
    lines, ends = [], []
    box = [ax.get_xlim(), ax.get_ylim()]
    gap = 0.09 * max(1.0, np.sqrt(len(order) / 2))  # more methods, sparser markers each
    for i, p in enumerate(data):
        k = order.index(p.label)
        style = line_style(k)
        width = max(1.4, 3.6 - 0.7 * k)
        xyz = [p.points[:, 0], p.points[:, 1], *([z[i]] if z is not None else [])]
        kw: dict[str, Any] = {"zorder": 4 + k} if z is None else {}
        lines.append(ax.plot(*xyz, color=style["color"], linestyle=style["linestyle"],
                             linewidth=width, marker=style["marker"], markersize=4.5,
                             markeredgecolor="k", markeredgewidth=0.5,
                             markevery=spaced(p.points, box, gap, 0.02 * k),
                             solid_capstyle="round",
                             path_effects=[patheffects.withStroke(linewidth=width + 1.4,
                                                                  foreground="k", alpha=0.55)],
                             **kw)[0])
        finite = np.flatnonzero(np.isfinite(p.points).all(axis=1))
        if not finite.size:  # nothing to mark, but one end per path all the same
            ends.append(ax.plot(*[[] for _ in xyz], linestyle="none")[0])
            continue
        first, last = finite[0], finite[-1]
        ring = max(5.0, 11.0 - 1.8 * k)
        ax.plot(*[[v[first]] for v in xyz], "o", color="white", markeredgecolor=style["color"],
                markeredgewidth=2.0, markersize=ring, linestyle="none",
                **({"zorder": 8 + k} if z is None else {}))
        ends.append(ax.plot(*[[v[last]] for v in xyz], marker="*", color=style["color"],
                            markeredgecolor="k", markersize=max(6.0, 19.0 - 4.5 * k),
                            linestyle="none",
                            **({"zorder": 12 + k} if z is None else {}))[0])
    return lines, ends


def quiet_corner(ax: Any, data: Sequence[PathData], handles: Sequence[Any]) -> Any:
    """The corner of the axes where the legend of ``handles`` covers the fewest path points
    (matplotlib's "best" is slow on long paths, and warns); each corner is tried by drawing
    the legend there and measuring its box.

    >>> from matplotlib.figure import Figure
    >>> from matplotlib.lines import Line2D
    >>> ax = Figure().subplots()
    >>> _ = ax.set_xlim(0, 1), ax.set_ylim(0, 1)
    >>> run = PathData(np.array([[0.95, 0.95], [0.05, 0.95]]), np.zeros(2), "gd")
    >>> quiet_corner(ax, [run], [Line2D([], [], label="gd")])
    'lower right'
    """
    pts = np.concatenate([_along(p.points) for p in data]) if data else np.empty((0, 2))
    ax.legend(handles=handles, loc="upper right", fontsize=8)
    ax.figure.draw_without_rendering()  # the layout (and equal aspect) fixes where axes lie
    screen = ax.transData.transform(pts) if len(pts) else np.empty((0, 2))
    best, fewest = "upper right", None
    for corner in ("upper right", "upper left", "lower right", "lower left"):
        box = ax.legend(handles=handles, loc=corner, fontsize=8).get_window_extent()
        box = box.expanded(1.3, 1.6)  # near the box counts too: a path needs room around it
        inside = int(np.count_nonzero((screen[:, 0] >= box.x0) & (screen[:, 0] <= box.x1)
                                      & (screen[:, 1] >= box.y0) & (screen[:, 1] <= box.y1)))
        if fewest is None or inside < fewest:
            best, fewest = corner, inside
    return best


def _along(points: np.ndarray, n: int = 600) -> np.ndarray:
    """n points evenly spaced along a path's line (a big step crosses what lies between)."""
    pts = points[np.isfinite(points).all(axis=1), :2]
    if len(pts) < 2:
        return pts
    s = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(pts, axis=0).T))])
    t = np.linspace(0.0, s[-1], n)
    return np.column_stack([np.interp(t, s, pts[:, 0]), np.interp(t, s, pts[:, 1])])


def legend_handles(ax: Any, data: Sequence[PathData], order: Sequence[str]) -> list[Any]:
    """One legend entry per method; a method run from several starts says how many of them
    converged ("2 of 3 converged") instead of the first run's status."""
    from matplotlib.lines import Line2D

    handles = []
    for k, label in enumerate(order):
        runs = [p for p in data if p.label == label]
        style = line_style(k)
        if len(runs) == 1 or not all(p.status for p in runs):  # one run, or plain arrays
            text = runs[0].legend()
        else:
            rate = f" (lr {runs[0].lr:g})" if runs[0].lr is not None else ""
            done = sum(p.status == "converged" for p in runs)
            text = f"{label}{rate}: {done} of {len(runs)} starts converged"
        handles.append(Line2D([], [], color=style["color"], linestyle=style["linestyle"],
                              linewidth=max(1.4, 3.6 - 0.7 * k), marker=style["marker"],
                              markeredgecolor="k", markeredgewidth=0.5, label=text))
    handles += ax.get_legend_handles_labels()[0]  # the minima marked
    return handles


def _inside(points: np.ndarray, fld: Field) -> bool:
    ok = np.isfinite(points).all(axis=1)
    x, y = points[ok, 0], points[ok, 1]
    return bool(((x >= fld.axes[0][0]) & (x <= fld.axes[0][-1]) & (y >= fld.axes[1][0])
                 & (y <= fld.axes[1][-1])).all())


def _mark_minima(ax: Axes, f: Any, minima: Any, drawn: Drawn) -> None:
    if minima is None:
        return
    if isinstance(minima, str):
        best, local = published_minima(f)
    else:
        best, local = np.asarray(minima, dtype=float).reshape(-1, 2), np.empty((0, 2))
    common: dict[str, Any] = {"linestyle": "none", "markeredgecolor": "k", "zorder": 5}
    if len(best):
        drawn.artists["minima"] = ax.plot(best[:, 0], best[:, 1], marker="X", color="#F0E442",
                                          markersize=11, label="published minimum"
                                          if isinstance(minima, str) else "minimum", **common)[0]
    if len(local):
        drawn.artists["local_minima"] = ax.plot(local[:, 0], local[:, 1], marker="X",
                                                color="0.85", markersize=8,
                                                label="published local minimum", **common)[0]


def loss(ax: Axes, trajectories: Sequence[Any], *, f: Any = None,
         labels: Sequence[str] | None = None, title: str | None = None) -> Drawn:
    """The loss against the step on a log scale: f(x_k) − f* when the minimum value f* is
    published (library functions), else f(x_k) when it stays positive, else f(x_k) minus the
    lowest value any path reached.
    """
    data = [as_path(t, f, labels[i] if labels else None) for i, t in enumerate(trajectories)]
    drawn = Drawn()
    lib = getattr(f, "library", None)
    allv = np.concatenate([p.values for p in data]) if data else np.empty(0)
    finite = allv[np.isfinite(allv)]
    if lib is not None and lib.minima:
        base, ylabel = float(min(m.value for m in lib.minima)), "f(x_k) − f*  (published minimum)"
    elif finite.size and finite.min() > 0:
        base, ylabel = 0.0, "f(x_k)"
    else:
        base = float(finite.min()) if finite.size else 0.0
        ylabel = "f(x_k) − (lowest value reached)"
    floor = 1e-16 * max(1.0, abs(base))  # rounding puts converged runs at or just below f*
    order = list(dict.fromkeys(p.label for p in data))
    seen: set[str] = set()
    lines = []
    for p in data:
        style = line_style(order.index(p.label))
        gap = np.maximum(p.values - base, floor)
        first = p.label not in seen
        seen.add(p.label)
        lines.append(ax.plot(np.arange(len(gap)), gap, color=style["color"],
                             linestyle=style["linestyle"], linewidth=1.6,
                             label=p.legend() if first else "_nolegend_")[0])
    drawn.artists["lines"] = lines
    ax.set_yscale("log")
    firsts = [p.values[0] - base for p in data if np.isfinite(p.values[0])]
    top = 30.0 * max(max(firsts), floor) if firsts else None
    if top is not None and (allv[np.isfinite(allv)] - base > top).any():
        ax.set_ylim(top=top)  # a diverging run would stretch the axis over hundreds of decades
        drawn.notes.append("runs that diverge leave the top of the plot")
    ax.set_xlabel("step k")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    if data:
        ax.legend(loc="upper right", fontsize=8)
    name = short_name(f) if f is not None else "f"
    set_title(ax, title if title is not None else f"Loss against step on {name}")
    if finite.size and (allv - base < floor).any():
        drawn.notes.append("values at machine precision of f* are drawn at that floor")
    return drawn
