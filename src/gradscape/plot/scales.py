"""Defaults that need no tuning: the window, contour levels, colour scales and line styles.

Every picture asks these questions the same way, so they are answered once, here: which
box to draw (the library function's domain, a box around the critical points, or [-3, 3]);
which contour levels show the landscape (log-spaced when values span decades, so the
Rosenbrock valley stays visible); which colours read in grey scale and for colour-blind
readers (viridis / cividis, and the Okabe–Ito palette for lines).

>>> import numpy as np
>>> lv = contour_levels(np.array([[0.0, 1.0], [2.0, 3.0]]))
>>> lv.log, float(lv.levels[0]) <= 0.0, float(lv.levels[-1]) >= 3.0
(False, True, True)
>>> contour_levels(np.geomspace(1e-6, 1e4, 100)).log
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.colors import BoundaryNorm, Normalize
from matplotlib.ticker import MaxNLocator

from gradscape.optim.window import default_box  # the window is decided below the plots

__all__ = [
    "Levels", "contour_levels", "default_box", "robust_range", "magnitude_norm",
    "VALUE_CMAP", "MAGNITUDE_CMAP", "LINE_COLORS", "LINE_STYLES", "MARKERS", "line_style",
]

VALUE_CMAP = "viridis"  # perceptually uniform, monotone in lightness: reads in grey scale
MAGNITUDE_CMAP = "cividis"  # designed for colour-vision deficiency
# Okabe & Ito (2008), "Color Universal Design": distinguishable by colour-blind readers.
LINE_COLORS = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#0072B2", "#F0E442",
               "#000000")
LINE_STYLES = ("-", "--", "-.", ":")  # and dashes, so paths differ in grey scale too
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")  # shapes that stay apart in grey scale

# Log-spaced levels when half the points lie in the lowest (or highest) 7% of the range: even
# levels would paint half the picture in one or two bands (Rosenbrock's valley, Goldstein–Price).
_SKEW = 0.07
_DECADES_RATIO = 100.0  # |∇f| spanning more than this factor gets a log colour scale


def line_style(k: int) -> dict[str, Any]:
    """Colour, dash pattern and marker of the k-th line: distinct in colour and in grey scale."""
    return {"color": LINE_COLORS[k % len(LINE_COLORS)],
            "linestyle": LINE_STYLES[k % len(LINE_STYLES)],
            "marker": MARKERS[k % len(MARKERS)]}


@dataclass(frozen=True)
class Levels:
    """Contour levels and the norm that spreads the colour map evenly over them."""

    levels: np.ndarray
    norm: Normalize
    log: bool  # log-spaced (the values span decades)
    constant: bool  # every finite value is the same: fill, but draw no contour lines


def contour_levels(values: np.ndarray, n: int = 20) -> Levels | None:
    """Levels for ``values`` (NaN ignored); None when no value is finite.

    Values spanning decades above their minimum get log-spaced levels (and likewise below
    their maximum, for a function turned upside down); otherwise evenly spaced round ones.
    """
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return None
    lo, hi = float(finite.min()), float(finite.max())
    span = hi - lo
    if span <= 1e-12 * max(1.0, abs(hi)):
        pad = max(0.5, 1e-3 * abs(hi))
        levels = np.array([lo - pad, hi + pad])
        return Levels(levels, BoundaryNorm(levels, 256), log=False, constant=True)
    up = np.percentile(finite - lo, 50)
    down = np.percentile(hi - finite, 50)
    if min(up, down) < _SKEW * span:
        rise = np.geomspace(max(np.percentile(finite - lo if up <= down else hi - finite, 0.5),
                                span * 1e-9), span, n)
        levels = lo + np.concatenate([[0.0], rise]) if up <= down \
            else hi - np.concatenate([[0.0], rise])[::-1]
        levels[0], levels[-1] = lo, hi  # exactly: rounding must not leave the extremes unfilled
        levels = np.unique(levels)
        if levels.size >= 3:
            return Levels(levels, BoundaryNorm(levels, 256), log=True, constant=False)
    # matplotlib's stub says Sequence[float]; tick_values returns an ndarray
    levels = MaxNLocator(n).tick_values(lo, hi)  # type: ignore[assignment]
    return Levels(levels, BoundaryNorm(levels, 256), log=False, constant=False)


def robust_range(values: np.ndarray, q: float = 99.0) -> tuple[float, float] | None:
    """(low, high) covering the central values, so one singular point cannot set the scale."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return None
    lo, hi = np.percentile(finite, [100 - q, q])
    return (float(lo), float(hi)) if hi > lo else (float(finite.min()), float(finite.max()))


def magnitude_norm(mag: np.ndarray) -> Normalize:
    """A log norm for |∇f| when it spans decades (a singular point, Rosenbrock), else linear."""
    from matplotlib.colors import LogNorm

    finite = mag[np.isfinite(mag)]
    positive = finite[finite > 0]
    if positive.size and finite.size:
        lo, hi = np.percentile(positive, [1, 100])
        if hi > _DECADES_RATIO * lo:
            return LogNorm(vmin=lo, vmax=hi, clip=True)
    top = float(finite.max()) if finite.size else 1.0
    return Normalize(vmin=0.0, vmax=top if top > 0 else 1.0)
