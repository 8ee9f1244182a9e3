"""Functions of one variable: f and f′ together, the tangent line at a point, and secant lines
whose slopes (f(a+h) − f(a))/h approach f′(a) as h shrinks — the derivative as a limit.

Values come from :func:`gradscape.fields.field.field` on a 1-D grid: undefined points are
NaN, which matplotlib draws as gaps in the curve.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from matplotlib.figure import Figure
>>> from gradscape import Function
>>> ax = Figure().subplots()
>>> drawn = tangent_line(ax, Function("x^2"), 1.0, x=(-2, 2))
>>> round(drawn.value, 12)
2.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from gradscape.errors import DomainError
from gradscape.fields.field import Field, field
from gradscape.plot.drawn import Drawn
from gradscape.plot.scales import LINE_COLORS, robust_range
from gradscape.plot.text import field_notes, math_title, set_title

__all__ = ["curve", "function_and_derivative", "tangent_line", "one_sided_tangents", "secants",
           "secant_slopes", "DEFAULT_STEPS"]

DEFAULT_STEPS = (2.0, 1.0, 0.5, 0.25, 0.1, 0.01)  # h for the secants, shrinking to the limit
_N = 400  # points on a curve: smooth at any figure size


def _one_var(f: Any) -> None:
    if len(f.variables) != 1:
        raise DomainError(f"this picture is for one variable; {f.signature()} has "
                          f"{len(f.variables)} (give --vars x for a constant)")


def curve(f: Any, x: tuple[float, float] = (-3.0, 3.0), n: int = _N) -> Field:
    """f and f′ sampled on n points of the interval x (a one-variable Field)."""
    _one_var(f)
    return field(f, x=x, n=n)


def _ylim(*arrays: np.ndarray) -> tuple[float, float] | None:
    """Limits from the bulk of the values, so a pole (1/x at 0) does not flatten the curve."""
    data = np.concatenate([np.ravel(a) for a in arrays])
    rng = robust_range(data, 98.0)
    if rng is None:
        return None
    lo, hi = rng
    finite = data[np.isfinite(data)]
    lo, hi = max(lo - (hi - lo), finite.min()), min(hi + (hi - lo), finite.max())
    pad = 0.08 * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad


def _broken(y: np.ndarray, limits: tuple[float, float] | None) -> np.ndarray:
    """NaN between neighbours that jump by more than half the visible height: a pole, where
    a line joining −∞ to +∞ would draw a vertical stroke that is not part of the graph."""
    if limits is None:
        return y
    out = np.array(y, dtype=float)
    with np.errstate(invalid="ignore"):
        jump = np.abs(np.diff(out)) > 0.5 * (limits[1] - limits[0])
    out[1:][jump] = np.nan
    return out


def _frame(ax: Axes, x: tuple[float, float], ylim: tuple[float, float] | None, var: str, *,
           legend_size: float | None = None) -> None:
    """Limits, label, legend and grid shared by every one-variable picture."""
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlim(*x)
    ax.set_xlabel(var)
    ax.legend(loc="best", fontsize=legend_size)
    ax.grid(True, alpha=0.3)


def _signed(value: float) -> str:
    return f"{'−' if value < 0 else '+'} {abs(value):.4g}"


def _minus(var: str, a: float) -> str:
    """``x − 1``, ``x + 2`` (not ``x − -2``), ``x``."""
    return var if a == 0 else f"{var} {_signed(-a)}"


def function_and_derivative(ax: Axes, f: Any, x: tuple[float, float] = (-3.0, 3.0), *,
                            n: int = _N, title: str | None = None) -> Drawn:
    """f and f′ on one pair of axes, with the zero line for reading signs."""
    fld = curve(f, x, n)
    drawn = Drawn(notes=field_notes(fld))
    t = fld.axes[0]
    y, dy = np.where(fld.mask, np.nan, fld.values), np.where(fld.mask, np.nan, fld.gradient[0])
    name, var = f.name, f.variables[0]
    drawn.artists["f"] = ax.plot(t, y, color=LINE_COLORS[5], linewidth=2,
                                 label=f"${name}({var})$")[0]
    drawn.artists["df"] = ax.plot(t, dy, color=LINE_COLORS[3], linewidth=2, linestyle="--",
                                  label=f"${name}'({var})$")[0]
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    lim = _ylim(y, dy)
    drawn.artists["f"].set_ydata(_broken(y, _ylim(y)))  # each curve's own scale finds its poles
    drawn.artists["df"].set_ydata(_broken(dy, _ylim(dy)))
    _frame(ax, x, lim, var)
    set_title(ax, title if title is not None else math_title("f and f′ for", f))
    return drawn


def _point(f: Any, at: float | Sequence[float]) -> tuple[float, float, float]:
    a = float(np.asarray(at, dtype=float).reshape(-1)[0])
    fa = float(np.asarray(f(a), dtype=float))
    slope = float(np.asarray(f.grad(a), dtype=float).reshape(-1)[0])
    if not (np.isfinite(fa) and np.isfinite(slope)):
        raise DomainError(f"f or f′ is undefined at {f.variables[0]} = {a:g}; pick another point")
    return a, fa, slope


def tangent_line(ax: Axes, f: Any, at: float | Sequence[float],
                 x: tuple[float, float] = (-3.0, 3.0), *, n: int = _N,
                 title: str | None = None) -> Drawn:
    """f with its tangent line y = f(a) + f′(a)(x − a) at a; ``drawn.value`` is f′(a)."""
    _one_var(f)
    a, fa, slope = _point(f, at)
    fld = curve(f, x, n)
    drawn = Drawn(notes=field_notes(fld), value=slope)
    t = fld.axes[0]
    y = np.where(fld.mask, np.nan, fld.values)
    var = f.variables[0]
    drawn.artists["f"] = ax.plot(t, y, color=LINE_COLORS[5], linewidth=2,
                                 label=f"${f.name}({var})$")[0]
    line = fa + slope * (t - a)
    drawn.artists["tangent"] = ax.plot(t, line, color=LINE_COLORS[3], linewidth=1.6,
                                       linestyle="--", label=f"tangent, slope {slope:.4g}")[0]
    drawn.artists["point"] = ax.plot(a, fa, "o", color="k", markersize=6, zorder=5)[0]
    lim = _ylim(y)
    drawn.artists["f"].set_ydata(_broken(y, lim))
    _frame(ax, x, lim, var)
    set_title(ax, title if title is not None else
              f"Tangent at {var} = {a:g}: y = {fa:.4g} {_signed(slope)}·({_minus(var, a)})")
    return drawn


def one_sided_tangents(ax: Axes, f: Any, at: float, left: float | None, right: float | None,
                       x: tuple[float, float] = (-3.0, 3.0), *, n: int = _N) -> Drawn:
    """f at a kink: no tangent, but a half-line on each side with that side's slope (None:
    that side has no finite slope, and no half-line). ``drawn.value`` is None.
    """
    _one_var(f)
    a = float(at)
    fa = float(np.asarray(f(a), dtype=float))
    fld = curve(f, x, n)
    drawn = Drawn(notes=field_notes(fld), value=None)
    t = fld.axes[0]
    y = np.where(fld.mask, np.nan, fld.values)
    var = f.variables[0]
    drawn.artists["f"] = ax.plot(t, y, color=LINE_COLORS[5], linewidth=2,
                                 label=f"${f.name}({var})$")[0]
    # Each side's tangent is drawn on its side, and faded past the point, so the two lines
    # are seen to cross at the kink instead of hiding under the curve.
    for k, (side, slope, keep) in enumerate((("left", left, t <= a), ("right", right, t >= a))):
        if slope is None:
            if left is not None or right is not None:
                drawn.notes.append(f"no {side} slope at {var} = {a:g}: a jump or an infinite "
                                   "slope")
            continue
        line = fa + slope * (t - a)
        color = LINE_COLORS[3 + k]
        drawn.artists[side] = ax.plot(t[keep], line[keep], color=color, linewidth=1.6,
                                      linestyle="--", label=f"{side} slope {slope:.4g}")[0]
        ax.plot(t[~keep], line[~keep], color=color, linewidth=1.0, linestyle="--", alpha=0.35)
    drawn.artists["point"] = ax.plot(a, fa, "o", color="k", markersize=6, zorder=5)[0]
    lim = _ylim(y)
    drawn.artists["f"].set_ydata(_broken(y, lim))
    _frame(ax, x, lim, var)
    set_title(ax, f"No tangent at {var} = {a:g}: {f.name} is not differentiable there")
    return drawn


def secant_slopes(f: Any, at: float, steps: Sequence[float] = DEFAULT_STEPS) -> np.ndarray:
    """(f(a+h) − f(a))/h for each h (NaN where f(a+h) is undefined).

    >>> from gradscape import Function
    >>> secant_slopes(Function("x^2"), 1.0, [1.0, 0.5]).tolist()
    [3.0, 2.5]
    """
    h = np.asarray(steps, dtype=float)
    if not (np.isfinite(h).all() and (h != 0).all()):
        raise DomainError("secant steps h must be finite and non-zero")
    with np.errstate(all="ignore"):
        return (np.asarray(f(at + h), dtype=float) - np.asarray(f(at), dtype=float)) / h


def secants(ax: Axes, f: Any, at: float | Sequence[float], h: float,
            x: tuple[float, float] = (-3.0, 3.0), *, n: int = _N, fld: Field | None = None,
            title: str | None = None) -> Drawn:
    """One panel of the limit: f, the secant through a and a+h, and the tangent it approaches.

    Draw one panel per h (small multiples) or one per animation frame; ``drawn.value`` is the
    secant's slope.
    """
    _one_var(f)
    a, fa, slope = _point(f, at)
    fld = fld if fld is not None else curve(f, x, n)
    t = fld.axes[0]
    y = np.where(fld.mask, np.nan, fld.values)
    fb = float(np.asarray(f(a + h), dtype=float))
    sec = (fb - fa) / h
    drawn = Drawn(notes=field_notes(fld), value=sec)
    drawn.artists["f"] = ax.plot(t, y, color=LINE_COLORS[5], linewidth=2)[0]
    drawn.artists["tangent"] = ax.plot(t, fa + slope * (t - a), color="0.45", linewidth=1,
                                       linestyle=":", label=f"tangent, slope {slope:.6g}")[0]
    if np.isfinite(sec):
        drawn.artists["secant"] = ax.plot(t, fa + sec * (t - a), color=LINE_COLORS[3],
                                          linewidth=1.6, label=f"secant, slope {sec:.6g}")[0]
        drawn.artists["points"] = ax.plot([a, a + h], [fa, fb], "o", color="k", markersize=5,
                                          zorder=5)[0]
    else:
        drawn.notes.append(f"f is undefined at {a + h:g}: no secant for h = {h:g}")
    lim = _ylim(y)
    drawn.artists["f"].set_ydata(_broken(y, lim))
    _frame(ax, x, lim, f.variables[0], legend_size=7)
    set_title(ax, title if title is not None else f"h = {h:g}", size=10)
    return drawn
