"""Basins of attraction: every start point of a grid coloured by the minimum descent takes it to.

:func:`basin_map` runs batch descent (one call per block of starts, so a progress callback can
report) and assigns each final point to the nearest known minimum — the published ones for a
library function, else those :func:`~gradscape.optim.critical.critical_points` finds — or to a
new attractor when a run converged somewhere else. :func:`basins` draws the map.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from matplotlib.figure import Figure
>>> bm = basin_map("x^2 + y^2", box=((-1, 1), (-1, 1)), n=4, lr=0.1, steps=200)
>>> bm.labels.tolist()
[[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
>>> drawn = basins(Figure().subplots(), bm)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, Colormap, ListedColormap

from gradscape.errors import DomainError
from gradscape.plot.drawn import Drawn
from gradscape.plot.scales import LINE_COLORS, VALUE_CMAP, contour_levels, default_box
from gradscape.plot.text import set_title, short_name

__all__ = ["BasinMap", "basin_map", "basins"]

_BLOCKS = 20  # descent runs in this many blocks of starts, one progress update each
_RADIUS = 0.02  # a final point within this fraction of the box diagonal belongs to a minimum
_NONE = "0.82"  # colour of starts that reached no minimum (diverged or still moving)


@dataclass(frozen=True)
class BasinMap:
    """Which minimum each grid start reached: ``labels[j, i]`` for start (x[i], y[j]), an index
    into ``minima`` (k, 2), or -1 for none (diverged, or not settled after ``steps``)."""

    function: Any
    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray
    minima: np.ndarray
    published: int  # the first ``published`` minima are known ones; the rest were found here
    counts: dict[str, int]
    method: str
    steps: int
    lr: float

    def share(self) -> np.ndarray:
        """Fraction of starts reaching each minimum (same order as ``minima``)."""
        return np.bincount(self.labels[self.labels >= 0].ravel(),
                           minlength=len(self.minima)) / self.labels.size


def _known_minima(f: Any, box: Sequence[tuple[float, float]]) -> np.ndarray:
    lib = getattr(f, "library", None)
    if lib is not None:
        pts = [m.point for m in (*lib.minima, *lib.local_minima)]
        return np.array(pts, dtype=float).reshape(-1, 2)
    try:
        from gradscape.errors import GradscapeError
        from gradscape.optim.critical import critical_points

        found = critical_points(f, tuple(box), symbolic_budget=0.5)
    except (ImportError, GradscapeError):
        return np.empty((0, 2))
    return np.array([p.point for p in found if p.kind == "minimum"], dtype=float).reshape(-1, 2)


def basin_map(f: Any, box: Sequence[tuple[float, float]] | None = None, n: int = 100, *,
              method: str = "gd", lr: float | None = None, steps: int = 500,
              tol: float | None = 1e-8, minima: np.ndarray | None = None,
              progress: Callable[[int, int], None] | None = None, **hyper: Any) -> BasinMap:
    """Descend from an n×n grid of starts over ``box`` and label each start by its minimum.

    ``progress(done, total)`` is called after each block of starts.
    """
    from gradscape.calculus.function import Function
    from gradscape.optim.descend import descend

    f = f if isinstance(f, Function) else Function(f)
    if len(f.variables) != 2:
        raise DomainError(f"basins are drawn for two variables; {f.signature()} has "
                          f"{len(f.variables)}")
    if not isinstance(n, (int, np.integer)) or not 2 <= n <= 4000:
        raise DomainError(f"the basin grid needs n from 2 to 4000 starts per axis, got {n!r}")
    box = tuple(box) if box is not None else default_box(f)
    x = np.linspace(*box[0], int(n))
    y = np.linspace(*box[1], int(n))
    X, Y = np.meshgrid(x, y)
    starts = np.column_stack([X.ravel(), Y.ravel()])
    finals = np.empty_like(starts)
    status = np.empty(len(starts), dtype=object)
    edges = np.linspace(0, len(starts), min(_BLOCKS, len(starts)) + 1).astype(int)
    for b0, b1 in itertools.pairwise(edges):
        res = descend(f, starts[b0:b1], method=method, lr=lr, steps=steps, tol=tol, **hyper)
        finals[b0:b1] = res.final
        status[b0:b1] = np.asarray(res.status)
        if progress is not None:
            progress(int(b1), len(starts))
    known = _known_minima(f, box) if minima is None else np.asarray(minima, float).reshape(-1, 2)
    diag = float(np.hypot(box[0][1] - box[0][0], box[1][1] - box[1][0]))
    labels, centres = _assign(finals, status, known, _RADIUS * diag)
    kinds, counts = np.unique(status.astype(str), return_counts=True)
    return BasinMap(f, x, y, labels.reshape(X.shape), centres, len(known),
                    dict(zip(kinds.tolist(), counts.tolist())), method, steps,
                    float(res.lr))  # the rate every block ran at


def _assign(finals: np.ndarray, status: np.ndarray, known: np.ndarray,
            radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Nearest known minimum within ``radius``; converged runs elsewhere found new centres."""
    centres = list(known)
    labels = np.full(len(finals), -1, dtype=int)
    ok = np.isfinite(finals).all(axis=1) & (status != "diverged")
    if len(known):
        d = np.linalg.norm(finals[:, None, :] - known[None, :, :], axis=2)
        near = np.argmin(np.where(np.isfinite(d), d, np.inf), axis=1)
        hit = ok & (d[np.arange(len(finals)), near] <= radius)
        labels[hit] = near[hit]
    rest = np.flatnonzero(ok & (labels < 0) & (status == "converged"))
    while rest.size:  # greedy clusters: one pass per new centre, vectorised over the points
        centre = finals[rest[0]].copy()
        close = np.linalg.norm(finals[rest] - centre, axis=1) <= radius
        centres.append(centre)
        labels[rest[close]] = len(centres) - 1
        rest = rest[~close]
    return labels, np.array(centres, dtype=float).reshape(-1, 2)


_FEW = len(LINE_COLORS) - 1  # up to this many minima: one Okabe–Ito colour each (no black)


def _edges(labels: np.ndarray) -> np.ndarray:
    """True on grid cells whose label differs from the next cell right or up: basin borders."""
    edge = np.zeros(labels.shape, dtype=bool)
    edge[:, 1:] |= labels[:, 1:] != labels[:, :-1]
    edge[1:, :] |= labels[1:, :] != labels[:-1, :]
    return edge


def basins(ax: Axes, bm: BasinMap, *, contours: bool = True, title: str | None = None) -> Drawn:
    """Draw a BasinMap: grey where no minimum was reached, minima marked (X), faint level
    curves of f over it. Up to 7 minima get one colour each and a legend with their shares;
    more (Rastrigin's lattice) are coloured by f at the minimum (viridis, with a colour bar)
    with the basin borders drawn, since no palette tells a hundred neighbours apart.
    """
    drawn = Drawn()
    k = len(bm.minima)
    few = k <= _FEW
    if few:
        colors = [_NONE, *LINE_COLORS[:k]]
        cmap: Colormap = ListedColormap(colors)
        norm: Any = BoundaryNorm(np.arange(-1.5, k + 0.5), cmap.N)
        image = bm.labels
    else:
        depth = np.asarray(bm.function(*bm.minima.T), dtype=float)
        image = np.ma.masked_invalid(np.where(bm.labels >= 0, depth[bm.labels], np.nan))
        cmap = colormaps[VALUE_CMAP].with_extremes(bad=_NONE)
        norm = None
    drawn.artists["image"] = ax.pcolormesh(bm.x, bm.y, image, cmap=cmap, norm=norm,
                                           shading="nearest")
    if not few:
        border = np.ma.masked_where(~_edges(bm.labels), np.ones(bm.labels.shape))
        drawn.artists["borders"] = ax.pcolormesh(bm.x, bm.y, border, cmap=ListedColormap(["k"]),
                                                 alpha=0.55, shading="nearest")
        cb = ax.figure.colorbar(drawn.artists["image"], ax=ax, shrink=0.85)
        cb.ax.set_title("f at the\nminimum", fontsize=8)
        drawn.artists["colorbar"] = cb
    if contours:
        X, Y = np.meshgrid(bm.x, bm.y)
        z = np.asarray(bm.function(X, Y), dtype=float)
        lv = contour_levels(z, 12)
        if lv is not None and not lv.constant:
            drawn.artists["lines"] = ax.contour(X, Y, np.ma.masked_invalid(z), levels=lv.levels,
                                                colors="k", linewidths=0.4, alpha=0.35)
    share = bm.share()
    if few:
        for i, p in enumerate(bm.minima):
            tag = "minimum" if i < bm.published else "reached"
            ax.plot(*p, marker="X", color=LINE_COLORS[i], markeredgecolor="k", markersize=10,
                    linestyle="none", label=f"({p[0]:.3g}, {p[1]:.3g}) {tag}: "
                    f"{100 * share[i]:.1f}%")
        none = float((bm.labels < 0).mean())
        if none > 0:
            ax.plot([], [], "s", color=_NONE, label=f"no minimum reached: {100 * none:.1f}%")
        if k:
            ax.legend(loc="upper right", fontsize=7, framealpha=0.85)
    else:
        ax.plot(bm.minima[:, 0], bm.minima[:, 1], ".", color="white", markeredgecolor="k",
                markersize=5)
        drawn.notes.append(f"{k} minima reached: each basin is coloured by f at its minimum, "
                           "grey where none was reached")
    ax.set_aspect("equal")
    ax.set_xlim(bm.x[0], bm.x[-1])
    ax.set_ylim(bm.y[0], bm.y[-1])
    ax.set_xlabel(bm.function.variables[0])
    ax.set_ylabel(bm.function.variables[1])
    set_title(ax, title if title is not None else
              f"Basins of attraction on {short_name(bm.function)} ({bm.method}, "
              f"{bm.labels.size:,} starts)")
    drawn.notes.append(f"each start point is coloured by the minimum {bm.method} "
                       f"(lr {bm.lr:g}) reaches within {bm.steps} steps")
    return drawn
