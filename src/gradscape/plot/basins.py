"""Basins of attraction: every start point of a grid coloured by the minimum descent takes it to.

:func:`basin_map` runs batch descent (one call per block of starts, so a progress callback can
report) and assigns each final point to the nearest known minimum — the published ones for a
library function, else those :func:`~gradscape.optim.critical.critical_points` finds — or to a
new attractor when a run converged somewhere else. :func:`basins` draws the map.

With ``backend="cuda"`` (or "auto" on a machine with a GPU, for big maps) the descent and the
labelling run on the GPU (:func:`gradscape.optim.cuda.basin_labels`): only labels, values,
steps and statuses come back, and grids up to 8,192² are allowed (4,000² on the CPU).

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
from gradscape.plot.planar import add_colorbar, frame
from gradscape.plot.scales import LINE_COLORS, VALUE_CMAP, contour_levels, default_box
from gradscape.plot.text import set_title, short_name

__all__ = ["BasinMap", "basin_map", "basins"]

MAX_N = {"cpu": 4000, "cuda": 8192}
"""The most starts per axis of a basin grid, on the CPU and on the GPU."""
_BLOCKS = 20  # descent runs in this many blocks of starts, one progress update each
_RADIUS = 0.02  # a final point within this fraction of the box diagonal belongs to a minimum
_MESH_CELLS = 1 << 20  # above this many starts the map is drawn as an image, not a mesh
_IMAGE_N = 2048  # big maps are drawn from at most this many starts a side
_CONTOUR_N = 400  # level curves are drawn from at most this many points per axis
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
              progress: Callable[[int, int], None] | None = None, backend: str = "auto",
              **hyper: Any) -> BasinMap:
    """Descend from an n×n grid of starts over ``box`` and label each start by its minimum.

    ``progress(done, total)`` is called after each block of starts. ``backend`` is
    descend's: "cuda" labels the starts on the GPU, "auto" does when a GPU is present and
    the map is big (n² × steps ≥ ``CUDA_AUTO_WORK``).
    """
    from gradscape.calculus.function import Function
    from gradscape.optim.descend import descend

    f = f if isinstance(f, Function) else Function(f)
    if len(f.variables) != 2:
        raise DomainError(f"basins are drawn for two variables; {f.signature()} has "
                          f"{len(f.variables)}")
    on_gpu = _on_gpu(f, backend, method, n, steps)
    most = MAX_N["cuda" if on_gpu else "cpu"]
    if not isinstance(n, (int, np.integer)) or not 2 <= n <= most:
        more = "" if on_gpu else f" ({MAX_N['cuda']} with backend 'cuda' on a GPU)"
        raise DomainError(f"the basin grid needs n from 2 to {most} starts per axis{more}, "
                          f"got {n!r}")
    box = tuple(box) if box is not None else default_box(f)
    x = np.linspace(*box[0], int(n))
    y = np.linspace(*box[1], int(n))
    known = _known_minima(f, box) if minima is None else np.asarray(minima, float).reshape(-1, 2)
    diag = float(np.hypot(box[0][1] - box[0][0], box[1][1] - box[1][0]))
    if on_gpu:
        bm = _on_device(f, x, y, known, _RADIUS * diag, method=method, lr=lr, steps=steps,
                        tol=tol, **hyper)
        if progress is not None:
            progress(bm.labels.size, bm.labels.size)
        return bm
    if backend != "auto":
        hyper["backend"] = backend
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
    labels, centres = _assign(finals, status, known, _RADIUS * diag)
    kinds, counts = np.unique(status.astype(str), return_counts=True)
    return BasinMap(f, x, y, labels.reshape(X.shape), centres, len(known),
                    dict(zip(kinds.tolist(), counts.tolist())), method, steps,
                    float(res.lr))  # the rate every block ran at


def _on_gpu(f: Any, backend: str, method: str, n: Any, steps: Any) -> bool:
    """Whether the map runs on the GPU: asked for, or "auto" with a GPU and enough work."""
    if backend == "cuda":
        return True
    if backend != "auto" or not f.is_symbolic or not isinstance(n, (int, np.integer)) \
            or not isinstance(steps, (int, np.integer)):
        return False
    from gradscape.optim.cuda import CUDA_AUTO_WORK, kernel_methods

    if int(n) ** 2 * int(steps) < CUDA_AUTO_WORK or method not in kernel_methods():
        return False
    from gradscape.compile.cuda import gpu_present

    return gpu_present()


def _on_device(f: Any, x: np.ndarray, y: np.ndarray, known: np.ndarray, radius: float, *,
               method: str, lr: float | None, steps: int, tol: float | None,
               **hyper: Any) -> BasinMap:
    """The map from the GPU's labels; starts that converged away from every known minimum
    (label -2) are descended again on the GPU for their final points, to find new centres."""
    from gradscape.optim.cuda import basin_labels
    from gradscape.optim.descend import descend
    from gradscape.optim.optimizers import lookup
    from gradscape.optim.result import STATUSES

    rate, _ = lookup(method).check(lr, {k: v for k, v in hyper.items() if k != "schedule"})
    got = basin_labels(f, x, y, method, lr=rate, steps=steps, tol=tol, minima=known,
                       radius=radius, **hyper)
    labels = got.labels.astype(int)
    centres = known
    away = np.flatnonzero(labels.ravel() == -2)
    if away.size:
        X, Y = np.meshgrid(x, y)
        starts = np.column_stack([X.ravel()[away], Y.ravel()[away]])
        res = descend(f, starts, method=method, lr=rate, steps=steps, tol=tol,
                      backend="cuda", **hyper)
        found, centres = _assign(res.final, np.asarray(res.status), known, radius)
        flat = labels.ravel()
        flat[away] = found
        labels = flat.reshape(labels.shape)
    counts = np.bincount(got.codes.ravel(), minlength=len(STATUSES))  # 67 M codes: no sort
    return BasinMap(f, x, y, labels, centres, len(known),
                    {STATUSES[c]: int(k) for c, k in enumerate(counts.tolist()) if k},
                    method, steps, float(rate))


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
    drawn.artists["image"] = _cells(ax, bm, image, cmap=cmap, norm=norm)
    if not few:
        # light borders: with a hundred basins, dark ones would be the picture
        border = np.ma.masked_where(~_edges(bm.labels), np.ones(bm.labels.shape))
        drawn.artists["borders"] = _cells(ax, bm, border, cmap=ListedColormap(["white"]),
                                          alpha=0.25)
        drawn.artists["colorbar"] = add_colorbar(ax, drawn.artists["image"], "f at the\nminimum")
    if contours:
        X, Y = np.meshgrid(_fewer(bm.x), _fewer(bm.y))
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
    drawn.notes += frame(ax, ((bm.x[0], bm.x[-1]), (bm.y[0], bm.y[-1])))
    ax.set_xlabel(bm.function.variables[0])
    ax.set_ylabel(bm.function.variables[1])
    set_title(ax, title if title is not None else
              f"Basins of attraction on {short_name(bm.function)} ({bm.method}, "
              f"{bm.labels.size:,} starts)")
    drawn.notes.append(f"each start point is coloured by the minimum {bm.method} "
                       f"(lr {bm.lr:g}) reaches within {bm.steps} steps")
    return drawn


def _cells(ax: Axes, bm: BasinMap, image: Any, **style: Any) -> Any:
    """One coloured cell per start: a mesh, or for big maps (a GPU's 8,192² would be 67
    million mesh cells) an image of every k-th start, at most ``_IMAGE_N`` a side: more
    than a saved figure has pixels."""
    if bm.labels.size <= _MESH_CELLS:
        return ax.pcolormesh(bm.x, bm.y, image, shading="nearest", **style)
    k = -(-max(bm.labels.shape) // _IMAGE_N)
    x, y = bm.x[::k], bm.y[::k]
    dx = k * (bm.x[-1] - bm.x[0]) / (len(bm.x) - 1)
    dy = k * (bm.y[-1] - bm.y[0]) / (len(bm.y) - 1)
    extent = (x[0] - dx / 2, x[-1] + dx / 2, y[0] - dy / 2, y[-1] + dy / 2)
    return ax.imshow(image[::k, ::k], origin="lower", extent=extent, interpolation="nearest",
                     aspect="auto", **style)


def _fewer(axis: np.ndarray) -> np.ndarray:
    """The axis, or ``_CONTOUR_N`` points over its span when it has more."""
    return axis if len(axis) <= _CONTOUR_N else np.linspace(axis[0], axis[-1], _CONTOUR_N)
