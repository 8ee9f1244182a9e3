"""The tutorial's picture: the gradient field as arrows.

Like matplotlib's gallery, the function draws on an ``Axes`` it is given and returns what it
drew; the caller owns the figure.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> from gradscape.fields.field import field
>>> fig, ax = plt.subplots()
>>> q = quiver(ax, field("x^2 + y^2"))
>>> ax.get_title()
'Gradient Vector Field of $f(x, y) = x^{2} + y^{2}$'
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.quiver import Quiver

from gradscape.fields.field import Field
from gradscape.plot.text import math_title

__all__ = ["quiver", "arrow_components"]

_CAP_QUANTILE = 90  # arrows longer than 1.5x this quantile are shortened to it (singular points)
_CAP_FACTOR = 1.5


def arrow_components(fld: Field, descent: bool = False) -> tuple[np.ndarray, np.ndarray, int]:
    """U, V for drawing, with the longest arrows capped so one singular point (1/r² at 0)
    cannot flatten every other arrow; undefined points are masked. Returns (U, V, n_capped)."""
    sign = -1.0 if descent else 1.0
    u, v = sign * fld.u, sign * fld.v
    mag = fld.magnitude
    ok = np.isfinite(mag)
    n_capped = 0
    if ok.any():
        cap = _CAP_FACTOR * np.percentile(mag[ok], _CAP_QUANTILE)
        over = ok & (mag > cap) & (cap > 0)
        n_capped = int(over.sum())
        if n_capped:
            scale = np.ones_like(mag)
            scale[over] = cap / mag[over]
            u, v = u * scale, v * scale
    return fld.masked(u), fld.masked(v), n_capped


def quiver(
    ax: Axes,
    fld: Field,
    *,
    color: str = "blue",
    descent: bool = False,
    title: str | None = None,
    **kwargs: Any,
) -> Quiver:
    """Draw ∇f (or −∇f with ``descent=True``) as arrows, styled like the tutorial's figure."""
    u, v = arrow_components(fld, descent)[:2]
    if not np.ma.sqrt(u**2 + v**2).max():  # all zero or undefined: autoscale would divide by 0
        kwargs.setdefault("scale", 1.0)
    q = ax.quiver(fld.X, fld.Y, u, v, color=color, **kwargs)
    f = fld.function
    ax.set_title(title if title is not None else math_title("Gradient Vector Field of", f))
    ax.set_xlabel(f.variables[0])
    ax.set_ylabel(f.variables[1])
    ax.grid(True)
    return q
