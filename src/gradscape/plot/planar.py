"""Pictures of a function of two variables seen from above: level curves, streamlines of the
gradient, the size of the gradient, and the directional derivative at a point.

Each function draws on the ``Axes`` it is given and returns what it drew. Grids come from
:func:`gradscape.fields.field.field`, so undefined points are already masked: they are
left blank here, never interpolated over.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from matplotlib.figure import Figure
>>> from gradscape.fields.field import field
>>> ax = Figure().subplots()
>>> drawn = contour(ax, field("x^2 + 3y^2", n=40))
>>> drawn.levels.log, ax.get_aspect()
(False, 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from gradscape.errors import DomainError
from gradscape.fields.field import Field
from gradscape.plot.drawn import Drawn
from gradscape.plot.quiver import arrow_components
from gradscape.plot.scales import (
    MAGNITUDE_CMAP,
    VALUE_CMAP,
    contour_levels,
    magnitude_norm,
)
from gradscape.plot.text import field_notes, math_title, set_title

__all__ = ["contour", "stream", "magnitude", "directional", "subsample", "gaps",
           "filled_contours"]

_ARROWS = 20  # arrows per axis over contours: the tutorial's density


def _check_2d(fld: Field, what: str) -> None:
    if fld.ndim != 2:
        raise DomainError(f"{what} is drawn for two variables; {fld.function.signature()} "
                          f"has {fld.ndim}")


def _colorbar_title(cb: Any, text: str) -> None:
    # Above the bar, not beside it: a side label can overlap the next panel when the axes
    # has equal aspect (constrained layout places the bar against the shrunken axes).
    cb.ax.set_title(text, fontsize=9)


def _labels(ax: Axes, fld: Field) -> None:
    ax.set_xlabel(fld.function.variables[0])
    ax.set_ylabel(fld.function.variables[1])
    ax.set_xlim(fld.axes[0][0], fld.axes[0][-1])
    ax.set_ylim(fld.axes[1][0], fld.axes[1][-1])


def gaps(fld: Field, array: np.ndarray) -> np.ma.MaskedArray:
    """``array`` with the field's undefined points masked (a writable mask: contourf edits it)."""
    return np.ma.masked_invalid(np.where(fld.mask, np.nan, array))


def subsample(fld: Field, per_axis: int = _ARROWS) -> tuple[slice, slice]:
    """Row and column slices keeping about ``per_axis`` arrows per axis of a fine grid."""
    ny, nx = fld.shape
    return slice(None, None, max(1, ny // per_axis)), slice(None, None, max(1, nx // per_axis))


def filled_contours(ax: Axes, fld: Field, *, lines: bool = True, alpha: float = 1.0,
                    colorbar: bool = True, cmap: str = VALUE_CMAP) -> Drawn:
    """Filled level sets of f with thin level curves; the building block of contour and paths."""
    _check_2d(fld, "a contour plot")
    drawn = Drawn(notes=field_notes(fld))
    if fld.invalid_count:  # gaps read as "undefined", not as a colour of the map
        ax.patch.set_facecolor("0.94")
        ax.patch.set_hatch("//")
        ax.patch.set_edgecolor("0.78")
    lv = contour_levels(fld.values[~fld.mask]) if fld.invalid_count < fld.values.size else None
    drawn.levels = lv
    if lv is not None:
        z = gaps(fld, fld.values)
        drawn.artists["filled"] = ax.contourf(fld.X, fld.Y, z, levels=lv.levels, norm=lv.norm,
                                              cmap=cmap, alpha=alpha)
        if lines and not lv.constant:
            drawn.artists["lines"] = ax.contour(fld.X, fld.Y, z, levels=lv.levels, colors="k",
                                                linewidths=0.4, alpha=0.5)
        if colorbar:
            cb = ax.figure.colorbar(drawn.artists["filled"], ax=ax, shrink=0.85)
            _colorbar_title(cb, fld.function.name)
            if lv.log:
                cb.ax.tick_params(labelsize=7)
                cb.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.3g}"))
            drawn.artists["colorbar"] = cb
        if lv.log:
            drawn.notes.append("levels are log-spaced: the values span several decades")
    ax.set_aspect("equal")
    _labels(ax, fld)
    return drawn


def _arrows(ax: Axes, fld: Field, per_axis: int, descent: bool) -> tuple[Any, int]:
    """Capped ∇f arrows on a coarse subgrid; the longest spans 90% of the subgrid's spacing, so
    arrows never overlap and their angles are true on equal axes."""
    rows, cols = subsample(fld, per_axis)
    u, v, capped = arrow_components(fld, descent)
    u, v = u[rows, cols], v[rows, cols]
    x, y = fld.X[rows, cols], fld.Y[rows, cols]
    spacing = min(np.ptp(x[0]) / max(x.shape[1] - 1, 1), np.ptp(y[:, 0]) / max(y.shape[0] - 1, 1))
    longest = float(np.ma.sqrt(u**2 + v**2).max() or 0.0)
    scale = longest / (0.9 * spacing) if longest > 0 and spacing > 0 else 1.0
    q = ax.quiver(x, y, u, v, angles="xy", scale_units="xy", scale=scale, color="white",
                  edgecolor="0.1", linewidth=0.5, width=0.0045, headwidth=3.5, headlength=4,
                  headaxislength=3.6, pivot="mid", zorder=3)
    return q, capped


def contour(ax: Axes, fld: Field, *, arrows: int | None = _ARROWS, descent: bool = False,
            colorbar: bool = True, title: str | None = None) -> Drawn:
    """Filled contours of f with ∇f arrows (−∇f with ``descent=True``) on equal axes, so the
    arrows are visibly perpendicular to the level curves. ``arrows=None`` draws none.
    """
    drawn = filled_contours(ax, fld, colorbar=colorbar)
    if arrows:
        drawn.artists["arrows"], capped = _arrows(ax, fld, arrows, descent)
        if capped:
            drawn.notes.append("the longest arrows are shortened so the rest stay visible")
    sign = "−∇f" if descent else "∇f"
    set_title(ax, title if title is not None
              else math_title(f"Contours and {sign} of", fld.function))
    return drawn


def stream(ax: Axes, fld: Field, *, descent: bool = False, density: float = 1.3,
           colorbar: bool = True, title: str | None = None) -> Drawn:
    """Streamlines of ∇f (or −∇f), coloured by |∇f| on a log scale when it spans decades."""
    _check_2d(fld, "a streamline plot")
    drawn = Drawn(notes=field_notes(fld))
    sign = -1.0 if descent else 1.0
    mag = fld.magnitude
    moving = np.isfinite(mag) & (mag > 0)
    if moving.any():
        norm = magnitude_norm(mag)
        speed = np.where(moving, mag, np.nan)
        u = np.where(moving, sign * fld.u, np.nan)
        v = np.where(moving, sign * fld.v, np.nan)
        sp = ax.streamplot(fld.axes[0], fld.axes[1], u, v, color=np.ma.masked_invalid(speed),
                           cmap=MAGNITUDE_CMAP, norm=norm, density=density, linewidth=1.0,
                           arrowsize=1.1)
        drawn.artists["streamlines"] = sp
        if colorbar:
            cb = ax.figure.colorbar(sp.lines, ax=ax, shrink=0.85)
            _colorbar_title(cb, f"|∇{fld.function.name}|")
            drawn.artists["colorbar"] = cb
    else:
        drawn.notes.append("∇f is zero or undefined everywhere: there are no streamlines")
    ax.set_aspect("equal")
    _labels(ax, fld)
    what = "Streamlines of −∇f" if descent else "Streamlines of ∇f"
    set_title(ax, title if title is not None else math_title(f"{what},", fld.function))
    return drawn


def magnitude(ax: Axes, fld: Field, *, colorbar: bool = True, title: str | None = None) -> Drawn:
    """|∇f| as a heat map (log colour scale when it spans decades); undefined points blank."""
    _check_2d(fld, "a gradient-magnitude map")
    drawn = Drawn(notes=field_notes(fld))
    mag = fld.magnitude
    image = ax.pcolormesh(fld.X, fld.Y, np.ma.masked_invalid(mag), cmap=MAGNITUDE_CMAP,
                          norm=magnitude_norm(mag), shading="nearest")
    drawn.artists["image"] = image
    if colorbar:
        cb = ax.figure.colorbar(image, ax=ax, shrink=0.85)
        _colorbar_title(cb, f"|∇{fld.function.name}|")
        drawn.artists["colorbar"] = cb
    ax.set_aspect("equal")
    _labels(ax, fld)
    set_title(ax, title if title is not None else math_title("|∇f| of", fld.function))
    return drawn


def directional(ax: Axes, fld: Field, at: Sequence[float], direction: Sequence[float], *,
                title: str | None = None) -> Drawn:
    """The directional derivative D_u f(a) = ∇f(a)·u/|u| drawn at the point a: contours,
    the gradient there, the unit direction u and the projection of ∇f on u.

    ``drawn.value`` is the directional derivative.
    """
    f = fld.function
    a = np.asarray(at, dtype=float)
    d = np.asarray(direction, dtype=float)
    if a.shape != (2,) or d.shape != (2,):
        raise DomainError("the directional derivative needs a point and a direction of two "
                          "numbers each, like --at 1,1 --direction 1,2")
    norm = float(np.hypot(*d))
    if not norm > 0:
        raise DomainError("the direction must not be the zero vector; try --direction 1,0")
    u = d / norm
    g = np.asarray(f.grad(*a), dtype=float).reshape(2)
    if not (np.isfinite(g).all() and np.isfinite(np.asarray(f(*a), dtype=float))):
        raise DomainError(f"f or ∇f is undefined at ({a[0]:g}, {a[1]:g}); pick another point")
    value = float(g @ u)
    drawn = filled_contours(ax, fld)
    drawn.value = value
    span = min(fld.axes[0][-1] - fld.axes[0][0], fld.axes[1][-1] - fld.axes[1][0])
    gl = float(np.hypot(*g))
    scale = 0.3 * span / gl if gl > 0 else 0.0  # ∇f drawn to a readable length; u at the same
    arrow: dict[str, Any] = {"angles": "xy", "scale_units": "xy", "scale": 1.0, "width": 0.012,
                             "zorder": 5}
    drawn.artists["gradient"] = ax.quiver(*a, *(g * scale), color="#D55E00", label="∇f(a)",
                                          **arrow)
    unit = 0.3 * span
    drawn.artists["direction"] = ax.quiver(*a, *(u * unit), color="white", edgecolor="k",
                                           linewidth=0.5, label="u (unit direction)", **arrow)
    proj = value * u * scale
    drawn.artists["projection"] = ax.plot([a[0], a[0] + proj[0]], [a[1], a[1] + proj[1]],
                                          color="#E69F00", linewidth=3, solid_capstyle="butt",
                                          label="(∇f·u) u")[0]
    tip = a + g * scale
    foot = a + proj
    drawn.artists["drop"] = ax.plot([tip[0], foot[0]], [tip[1], foot[1]], ":", color="0.9")[0]
    drawn.artists["point"] = ax.plot(*a, "o", color="k", markersize=5)[0]
    ax.legend(loc="best", fontsize=8, framealpha=0.85)
    _labels(ax, fld)
    set_title(ax, title if title is not None else
              f"$D_u f(a) = \\nabla f(a) \\cdot u = {value:.4g}$ at a = ({a[0]:g}, {a[1]:g}),"
              f" u ∥ ({d[0]:g}, {d[1]:g})")
    return drawn
