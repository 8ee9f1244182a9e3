"""Basins of attraction, drawn: every start point of a grid coloured by the minimum it reaches.

The map itself is computed in the optimizer layer (:mod:`gradscape.optim.basins`, re-exported
here: ``BasinMap``, ``basin_map``); :func:`basins` draws one, whether computed here or read
from a store and reduced to screen resolution (:meth:`gradscape.scale.stored.StoredMap.overview`).

With ``backend="cuda"`` (or "auto" on a machine with a GPU, for big maps) the descent and the
labelling run on the GPU (:func:`gradscape.optim.cuda.basin_labels`): only labels, values,
steps and statuses come back, and grids up to 8,192² are allowed (4,000² on the CPU).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from matplotlib.figure import Figure
>>> bm = basin_map("x^2 + y^2", box=((-1, 1), (-1, 1)), n=4, lr=0.1, steps=200)
>>> drawn = basins(Figure().subplots(), bm)
>>> drawn.artists["image"].get_array().shape
(4, 4)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, Colormap, ListedColormap

from gradscape.optim.basins import BasinMap, basin_map
from gradscape.plot.drawn import Drawn
from gradscape.plot.planar import add_colorbar, frame
from gradscape.plot.scales import LINE_COLORS, VALUE_CMAP, contour_levels
from gradscape.plot.text import set_title, short_name

__all__ = ["BasinMap", "basin_map", "basins"]

_MESH_CELLS = 1 << 20  # above this many starts the map is drawn as an image, not a mesh
_IMAGE_N = 2048  # big maps are drawn from at most this many starts a side
_CONTOUR_N = 400  # level curves are drawn from at most this many points per axis
_NONE = "0.82"  # colour of starts that reached no minimum (diverged or still moving)


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
            tag = "reached" if i >= bm.published or (bm.kinds and bm.kinds[i] == "reached") \
                else "minimum"
            ax.plot(*p, marker="X", color=LINE_COLORS[i], markeredgecolor="k", markersize=10,
                    linestyle="none", label=f"({p[0]:.3g}, {p[1]:.3g}) {tag}: "
                    f"{100 * share[i]:.1f}%")
        none = max(0.0, 1.0 - float(np.nansum(share)))
        if none > 1e-9:  # (shares are ratios: a complete map may sum to 1 - 1e-16)
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
              f"{sum(bm.counts.values()) or bm.labels.size:,} starts)")
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
