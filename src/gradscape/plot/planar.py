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
from matplotlib import patheffects
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
           "filled_contours", "add_colorbar", "frame", "MAX_EQUAL_RATIO"]

_ARROWS = 20  # arrows per axis over contours: the tutorial's density
MAX_EQUAL_RATIO = 3.0  # a window wider (or taller) than 3:1 would be a strip on equal axes


def _check_2d(fld: Field, what: str) -> None:
    if fld.ndim != 2:
        raise DomainError(f"{what} is drawn for two variables; {fld.function.signature()} "
                          f"has {fld.ndim}")


def add_colorbar(ax: Axes, mappable: Any, title: str) -> Any:
    """A colour bar exactly as tall as the axes box, titled above.

    It lives in an inset of the axes (axes coordinates), so it follows the box wherever equal
    aspect puts it; constrained layout leaves room for its ticks as it does for the axes'.
    """
    cax = ax.inset_axes((1.03, 0.0, 0.04, 1.0))
    cb = ax.figure.colorbar(mappable, cax=cax)
    cb.set_label(title, fontsize=9)  # beside the bar: above it, it would meet a long title
    return cb


def frame(ax: Axes, box: Any) -> list[str]:
    """Equal aspect when the window's sides are within :data:`MAX_EQUAL_RATIO` of each other,
    so directions and right angles are true on screen; otherwise a readable box and a note
    that says the picture is not to scale."""
    (x0, x1), (y0, y1) = box[0], box[1]
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    w, h = abs(x1 - x0), abs(y1 - y0)
    ratio = w / h if h > 0 else np.inf
    if 1 / MAX_EQUAL_RATIO <= ratio <= MAX_EQUAL_RATIO:
        ax.set_aspect("equal")
        return []
    ax.set_box_aspect(1 / MAX_EQUAL_RATIO if ratio > 1 else MAX_EQUAL_RATIO)
    stretch = ratio / MAX_EQUAL_RATIO if ratio > 1 else MAX_EQUAL_RATIO * ratio
    return [f"not to scale ({w:g} × {h:g} window): a unit of y is drawn {stretch:.2g}× as "
            "long as a unit of x, so arrows of ∇f are not at right angles to the level "
            "curves on screen"]


def _labels(ax: Axes, fld: Field) -> list[str]:
    ax.set_xlabel(fld.function.variables[0])
    ax.set_ylabel(fld.function.variables[1])
    return frame(ax, ((fld.axes[0][0], fld.axes[0][-1]), (fld.axes[1][0], fld.axes[1][-1])))


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
            cb = add_colorbar(ax, drawn.artists["filled"], fld.function.name)
            if lv.log:
                cb.ax.tick_params(labelsize=7)
                cb.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.3g}"))
            drawn.artists["colorbar"] = cb
        if lv.log:
            drawn.notes.append("levels are log-spaced: the values span several decades")
    drawn.notes += _labels(ax, fld)
    return drawn


def _arrows(ax: Axes, fld: Field, per_axis: int, descent: bool) -> tuple[Any, int]:
    """Capped ∇f arrows on a coarse subgrid; the longest spans 90% of the subgrid's spacing, so
    arrows never overlap and their angles are true on equal axes."""
    rows, cols = subsample(fld, per_axis)
    u, v, capped = arrow_components(fld, descent)
    u, v = u[rows, cols], v[rows, cols]
    x, y = fld.X[rows, cols], fld.Y[rows, cols]
    sx = np.ptp(x[0]) / max(x.shape[1] - 1, 1)
    sy = np.ptp(y[:, 0]) / max(y.shape[0] - 1, 1)
    # one scale for all arrows, the largest that keeps each inside its own cell along x and
    # along y: in a window not to scale, arrows are then still long enough to read
    reach = [float(np.ma.abs(c).max() or 0.0) / s for c, s in ((u, sx), (v, sy)) if s > 0]
    longest = max(reach, default=0.0)
    scale = longest / 0.9 if longest > 0 else 1.0
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
            drawn.artists["colorbar"] = add_colorbar(ax, sp.lines,
                                                              f"|∇{fld.function.name}|")
    else:
        drawn.notes.append("∇f is zero or undefined everywhere: there are no streamlines")
    drawn.notes += _labels(ax, fld)
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
        drawn.artists["colorbar"] = add_colorbar(ax, image, f"|∇{fld.function.name}|")
    drawn.notes += _labels(ax, fld)
    set_title(ax, title if title is not None else math_title("|∇f| of", fld.function))
    return drawn


_EDGE = patheffects.withStroke(linewidth=6, foreground="k")


def _arrow_scale(length: float, span: float) -> float:
    """1 when an arrow of this length reads well in a window of this span; else a round
    factor (1, 2, 5 × 10^k) that draws it at most 0.3 of the span long."""
    if length <= 0 or 0.08 * span <= length <= 0.4 * span:
        return 1.0
    want = 0.3 * span / length
    k = np.floor(np.log10(want))
    return float(max(m * 10**k for m in (1, 2, 5) if m * 10**k <= want))


def _times(scale: float) -> str:
    return "" if scale == 1 else f", drawn ×{scale:g}"


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
    su, sg = _arrow_scale(1.0, span), _arrow_scale(gl, span)
    arrow: dict[str, Any] = {"angles": "xy", "scale_units": "xy", "scale": 1.0, "width": 0.011,
                             "zorder": 6}
    perp = np.array([-u[1], u[0]])
    # the line through a along u, for the projection to lie on
    reach = 2 * float(np.hypot(fld.axes[0][-1] - fld.axes[0][0], fld.axes[1][-1] - fld.axes[1][0]))
    drawn.artists["line"] = ax.plot(*np.array([a - reach * u, a + reach * u]).T, color="k",
                                    linewidth=0.7, linestyle=(0, (6, 4)), alpha=0.6,
                                    zorder=4)[0]
    drawn.artists["direction"] = ax.quiver(*a, *(u * su), color="white", edgecolor="k",
                                           linewidth=0.6,
                                           label=f"u, unit vector (length 1{_times(su)})",
                                           **arrow)
    if gl > 0:
        drawn.artists["gradient"] = ax.quiver(*a, *(g * sg), color="#D55E00", edgecolor="k",
                                              linewidth=0.4,
                                              label=f"∇f(a), |∇f| = {gl:.3g}{_times(sg)}", **arrow)
        # the projection (∇f·u)u: beside the u-line (on the side away from ∇f) so u cannot
        # hide it, with a dashed drop from the tip of ∇f meeting the line at a right angle
        side = -1.0 if perp @ g > 0 else 1.0
        off = side * 0.025 * span * perp
        foot = a + sg * value * u
        tip = a + sg * g
        drawn.artists["projection"] = ax.plot(*np.array([a + off, foot + off]).T,
                                              color="#CC79A7", linewidth=4.5,
                                              solid_capstyle="butt", zorder=5,
                                              path_effects=[_EDGE],
                                              label=f"(∇f·u) u = {value:.3g} u{_times(sg)}")[0]
        drawn.artists["drop"] = ax.plot(*np.array([tip, foot]).T, color="k", linewidth=1.0,
                                        linestyle=(0, (3, 2)), zorder=5)[0]
        c = 0.03 * span
        back = -np.sign(value) * u if value else u
        corner = np.array([foot, foot + c * back, foot + c * back + c * np.sign((tip - foot)
                                                                            @ perp) * perp,
                           foot + c * np.sign((tip - foot) @ perp) * perp])
        if np.hypot(*(tip - foot)) > 2 * c:
            drawn.artists["right_angle"] = ax.plot(*corner[1:].T, color="k", linewidth=0.8,
                                                   zorder=5)[0]
        theta = float(np.degrees(np.arccos(np.clip(value / gl, -1.0, 1.0))))
        t0, t1 = np.arctan2(u[1], u[0]), np.arctan2(g[1], g[0])
        t1 = t0 + (t1 - t0 + np.pi) % (2 * np.pi) - np.pi  # the short way round
        r = 0.12 * span
        t = np.linspace(t0, t1, 40)
        drawn.artists["angle"] = ax.plot(a[0] + r * np.cos(t), a[1] + r * np.sin(t), color="k",
                                         linewidth=1.2, zorder=6)[0]
        mid = (t0 + t1) / 2
        drawn.artists["angle_label"] = ax.text(
            a[0] + 1.5 * r * np.cos(mid), a[1] + 1.5 * r * np.sin(mid), f"θ = {theta:.0f}°",
            ha="center", va="center", fontsize=9, zorder=7,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})
        drawn.notes.append(f"D_u f = |∇f| cos θ = {gl:.4g} × cos {theta:.1f}° = {value:.4g}")
    else:
        drawn.notes.append("∇f(a) = 0: every directional derivative at a is 0")
    drawn.artists["point"] = ax.plot(*a, "o", color="k", markersize=5, zorder=7)[0]
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    drawn.notes += _labels(ax, fld)
    set_title(ax, title if title is not None else
              f"$D_u f(a) = \\nabla f(a) \\cdot u = {value:.4g}$ at a = ({a[0]:g}, {a[1]:g}),"
              f" u ∥ ({d[0]:g}, {d[1]:g})")
    return drawn
