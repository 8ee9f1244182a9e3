"""A sweep drawn: methods (rows) × learning rates (columns), coloured by the share of starts
that converged, each cell annotated with that share and the median steps.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import numpy as np
>>> from matplotlib.figure import Figure
>>> from gradscape.optim.sweep import sweep_local
>>> r = sweep_local("x^2 + y^2", ["gd", "adam"], [0.01, 0.1], np.array([[1.0, 1.0]]), steps=50)
>>> drawn = sweep_heatmap(Figure().subplots(), r)
>>> drawn.artists["image"].get_array().shape
(2, 2)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from gradscape.plot.drawn import Drawn
from gradscape.plot.scales import VALUE_CMAP
from gradscape.plot.text import set_title

__all__ = ["sweep_heatmap"]


def sweep_heatmap(ax: Axes, result: Any, *, title: str | None = None) -> Drawn:
    """Draw a SweepResult as a heat map of converged shares (0 to 100%) with a colour bar;
    each cell reads "share / median steps", and the best rate per method is outlined."""
    drawn = Drawn()
    share = 100 * np.asarray(result.converged, dtype=float)
    image = ax.imshow(share, cmap=VALUE_CMAP, vmin=0, vmax=100, aspect="auto",
                      origin="upper")
    drawn.artists["image"] = image
    best = result.best()
    for i, m in enumerate(result.methods):
        for j, lr in enumerate(result.lrs):
            dark = share[i, j] < 55  # viridis is dark below the middle: write in white
            lost = 100 * float(result.diverged[i, j])
            text = f"{share[i, j]:.0f}%\n{result.median_steps[i, j]:g} steps" + \
                (f"\n{lost:.0f}% diverged" if lost > 0 else "")
            ax.text(j, i, text,
                    ha="center", va="center", fontsize=8, color="white" if dark else "black")
            if best[m] == lr:
                ax.add_patch(_outline(ax, i, j))
    ax.set_xticks(range(len(result.lrs)), [f"{v:g}" for v in result.lrs])
    ax.set_yticks(range(len(result.methods)), list(result.methods))
    ax.set_xlabel("learning rate")
    ax.set_ylabel("method")
    cb = ax.figure.colorbar(image, ax=ax, shrink=0.85)
    cb.ax.set_title("converged", fontsize=8)
    drawn.artists["colorbar"] = cb
    set_title(ax, title if title is not None else
              f"Which rate suits each method ({result.starts:,} starts, {result.steps} steps)")
    tol = f" (|∇f| < {result.tol:g})" if result.tol is not None else ""
    drawn.notes.append(f"each cell: the share of starts converged{tol} and the median steps; "
                       "outlined: each method's best rate")
    return drawn


def _outline(ax: Axes, i: int, j: int) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#D55E00", linewidth=2.5)
