"""The graph z = f(x, y) in 3-D, optionally with a descent path on it or the tangent plane
at a point.

The ``Axes`` must be a 3-D one (``fig.add_subplot(projection="3d")``). Undefined points are
gaps in the surface; a singular point (1/(x²+y²) at 0) would stretch the z axis to
infinity, so z is clipped to the range that holds 99% of the values, with a note.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from matplotlib.figure import Figure
>>> from gradscape.fields.field import field
>>> ax = Figure().add_subplot(projection="3d")
>>> drawn = surface(ax, field("x^2 - y^2", n=15))
>>> sorted(drawn.artists)
['surface']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.colors import to_rgba
from mpl_toolkits.mplot3d.art3d import Poly3DCollection  # type: ignore[import-untyped]

from gradscape.errors import DomainError
from gradscape.fields.field import Field
from gradscape.plot.drawn import Drawn
from gradscape.plot.oned import _minus, _signed
from gradscape.plot.scales import VALUE_CMAP, robust_range
from gradscape.plot.text import field_notes, math_title, set_title

__all__ = ["surface", "tangent_plane"]

_CLIP_QUANTILE = 99.0


def _clipped(fld: Field) -> tuple[np.ndarray, tuple[float, float] | None, bool]:
    """Z with undefined points as NaN and extremes clipped to the central range."""
    z = np.where(fld.mask, np.nan, fld.values)
    rng = robust_range(z, _CLIP_QUANTILE)
    if rng is None:
        return z, None, False
    finite = z[np.isfinite(z)]
    lo, hi = float(finite.min()), float(finite.max())
    spread = rng[1] - rng[0]
    # clip only when the extremes are far outside the bulk: a true singularity, not a bowl
    if spread > 0 and (hi - rng[1] > 10 * spread or rng[0] - lo > 10 * spread):
        with np.errstate(invalid="ignore"):
            return np.clip(z, rng[0], rng[1]), rng, True
    return z, (lo, hi), False


def surface(ax: Any, fld: Field, *, path: Any = None, paths: Sequence[Any] = (),
            above: Any = None, title: str | None = None, cmap: str = VALUE_CMAP,
            alpha: float = 0.85) -> Drawn:
    """The surface of f over the field's grid; ``path`` and ``paths`` (points (k+1, 2),
    values optional, or Trajectories) are drawn on it, one colour and dash per label, with
    start and end markers, and on the 2-D Axes ``above`` (when given) from above, zoomed.
    """
    if fld.ndim != 2:
        raise DomainError(f"a surface is drawn for two variables; {fld.function.signature()} "
                          f"has {fld.ndim}")
    if not hasattr(ax, "plot_surface"):
        raise DomainError("a surface needs a 3-D Axes: fig.add_subplot(projection='3d')")
    drawn = Drawn(notes=field_notes(fld))
    z, zr, clipped = _clipped(fld)
    if clipped:
        drawn.notes.append("z is clipped to the range of 98% of the values (a singular point)")
    if zr is not None:
        lo, hi = zr
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        drawn.artists["surface"] = ax.plot_surface(
            fld.X, fld.Y, z, cmap=cmap, vmin=lo, vmax=hi, alpha=alpha, linewidth=0,
            antialiased=False, rcount=min(60, fld.shape[0]), ccount=min(60, fld.shape[1]))
        ax.set_zlim(lo, hi)
    runs = [path] if path is not None else []
    runs += list(paths)
    if runs:
        from gradscape.plot.paths import as_path, draw_runs, legend_handles

        # depth sorting would bury a path under its own surface, or behind a hill: paths are
        # drawn after the surface, and lifted a little off it so they are not cut into it
        ax.computed_zorder = False
        data = [as_path(r, fld.function) for r in runs]
        lo, hi = zr or (-np.inf, np.inf)
        lift = 0.01 * (hi - lo) if np.isfinite(hi - lo) else 0.0
        zs = [np.clip(p.values, lo, hi) + lift for p in data]
        order = list(dict.fromkeys(p.label for p in data))
        lines, ends = draw_runs(ax, data, order, z=zs)
        drawn.artists["path"], drawn.artists["paths"], drawn.artists["ends"] = lines[0], lines, \
            ends
        ax.legend(handles=legend_handles(ax, data, order), loc="upper left", fontsize=8,
                  framealpha=0.85)
        drawn.notes.append("paths are drawn over the surface so no hill hides them; ○ start, "
                           "★ end of each")
        if above is not None:
            drawn.artists["above"] = _top_view(above, fld, data, order)
    f = fld.function
    ax.set_xlabel(f.variables[0])
    ax.set_ylabel(f.variables[1])
    ax.set_zlabel(f.name)
    ax.set_xlim(fld.axes[0][0], fld.axes[0][-1])
    ax.set_ylim(fld.axes[1][0], fld.axes[1][-1])
    set_title(ax, title if title is not None else math_title("Surface of", f))
    return drawn


def _top_view(inset: Any, fld: Field, data: Sequence[Any], order: Sequence[str]) -> Any:
    """A small contour map from above, zoomed on the paths: on the surface, paths that share
    a start and a minimum can lie too close to tell apart."""
    from gradscape.fields.field import field
    from gradscape.plot.paths import draw_runs
    from gradscape.plot.planar import filled_contours

    pts = np.concatenate([p.points[np.isfinite(p.points).all(axis=1)] for p in data])
    if not len(pts):
        return None
    lo = np.maximum(pts.min(axis=0), [fld.axes[0][0], fld.axes[1][0]])
    hi = np.minimum(pts.max(axis=0), [fld.axes[0][-1], fld.axes[1][-1]])
    half = np.maximum((hi - lo).max() * 0.6, 0.04 * (fld.axes[0][-1] - fld.axes[0][0]))
    mid = (lo + hi) / 2
    zoom = field(fld.function, x=(mid[0] - half, mid[0] + half),
                 y=(mid[1] - half, mid[1] + half), n=60)
    filled_contours(inset, zoom, colorbar=False, alpha=0.85)
    draw_runs(inset, data, order)
    inset.tick_params(labelsize=7)
    inset.set_title("the paths from above, zoomed", fontsize=9)
    return inset


def tangent_plane(ax: Any, fld: Field, at: Sequence[float], *, title: str | None = None,
                  size: float = 0.2) -> Drawn:
    """The surface with its tangent plane z = f(a) + ∇f(a)·(p − a) over a patch around a.

    ``size`` is the patch's half-width as a fraction of the window; ``drawn.value`` is f(a).
    """
    f = fld.function
    a = np.asarray(at, dtype=float).reshape(-1)
    if a.shape != (2,):
        raise DomainError("the tangent plane needs a point of two numbers "
                          f"({', '.join(f.variables)}), like --at 1,1")
    za = float(np.asarray(f(*a), dtype=float))
    g = np.asarray(f.grad(*a), dtype=float).reshape(2)
    if not (np.isfinite(za) and np.isfinite(g).all()):
        raise DomainError(f"f or ∇f is undefined at ({a[0]:g}, {a[1]:g}); pick another point")
    x, y = f.variables
    drawn = surface(ax, fld, title=title if title is not None else
                    f"Tangent plane at ({a[0]:g}, {a[1]:g}): {f.name} ≈ {za:.4g} "
                    f"{_signed(g[0])}·({_minus(x, a[0])}) {_signed(g[1])}·({_minus(y, a[1])})",
                    alpha=0.55)
    # mplot3d sorts whole collections by depth, so a plane drawn as its own collection sits
    # wholly in front of the surface or wholly behind it: it seems to float. The surface's
    # facets and the plane's go into ONE collection instead, sorted facet by facet, so the
    # plane disappears into the surface where it passes under it and visibly touches it at a.
    drawn.artists.pop("surface").remove()
    ax.computed_zorder = False
    drawn.value = za
    z, zr, _ = _clipped(fld)
    lo, hi = zr if zr is not None and zr[1] > zr[0] else (za - 0.5, za + 0.5)
    step = max(1, max(fld.shape) // 45)
    quads = _facets(fld.X[::step, ::step], fld.Y[::step, ::step], z[::step, ::step])
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    shade = colormaps[VALUE_CMAP](Normalize(lo, hi)(quads[:, :, 2].mean(axis=1)))
    shade[:, 3] = 0.8
    hx = size * (fld.axes[0][-1] - fld.axes[0][0])
    hy = size * (fld.axes[1][-1] - fld.axes[1][0])
    # plane facets as small as the surface's: the facet-by-facet sort errs with big ones
    cells = max(2, round(2 * size * (fld.shape[0] - 1) / step))
    px, py = np.meshgrid(np.linspace(a[0] - hx, a[0] + hx, cells + 1),
                         np.linspace(a[1] - hy, a[1] + hy, cells + 1))
    pz = za + g[0] * (px - a[0]) + g[1] * (py - a[1])
    patch = _facets(px, py, pz)
    orange = np.tile(to_rgba("#E69F00", 0.85), (len(patch), 1))
    coll = Poly3DCollection(np.concatenate([quads, patch]),
                            facecolors=np.concatenate([shade, orange]),
                            edgecolors=np.concatenate([shade, np.tile(to_rgba("#8A3B00", 0.9),
                                                                      (len(patch), 1))]),
                            linewidths=np.concatenate([np.full(len(quads), 0.2),
                                                       np.full(len(patch), 0.6)]), zorder=1)
    drawn.artists["surface"] = drawn.artists["plane"] = ax.add_collection3d(coll)
    # where they touch: the surface's two cross-sections through a, and the plane's lines
    t = np.linspace(-1.0, 1.0, 41)
    for dx, dy in ((hx, 0.0), (0.0, hy)):
        cx, cy = a[0] + t * dx, a[1] + t * dy
        cz = np.asarray(f(cx, cy), dtype=float) * np.ones_like(t)
        ax.plot(cx, cy, cz, color="k", linewidth=1.6, zorder=8)
        ax.plot(cx, cy, za + g[0] * (cx - a[0]) + g[1] * (cy - a[1]), color="#8A3B00",
                linewidth=1.2, linestyle="--", zorder=9)
    drawn.artists["point"] = ax.scatter(*a, za, color="k", s=36, depthshade=False, zorder=12)
    ax.set_zlim(min(lo, float(pz.min())), max(hi, float(pz.max())))
    if np.hypot(*g) > 0:  # look at the plane's face, from the side its normal points to
        box = [fld.axes[0][-1] - fld.axes[0][0], fld.axes[1][-1] - fld.axes[1][0]]
        ax.view_init(elev=30, azim=float(np.degrees(np.arctan2(-g[1] * box[1], -g[0] * box[0]))))
    drawn.notes.append("the plane (orange) touches the surface at the black point: solid black "
                       "curves are the surface's cross-sections through it, dashed the plane's")
    return drawn


def _facets(X: np.ndarray, Y: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """The quadrilaterals (k, 4, 3) of a grid surface, those with an undefined corner left out."""
    P = np.stack([X, Y, Z], axis=-1)
    q = np.stack([P[:-1, :-1], P[:-1, 1:], P[1:, 1:], P[1:, :-1]], axis=2).reshape(-1, 4, 3)
    return q[np.isfinite(q).all(axis=(1, 2))]
