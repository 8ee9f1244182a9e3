"""Pictures of losses over data: the loss landscape, loss against epoch, the data with the fit.

Each helper draws on a given ``Axes`` and returns a :class:`~gradscape.plot.text.Drawn`-like
list of notes; ``plot/figures.py`` holds the table rows (``landscape``, ``epochs``, ``fit``).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from matplotlib.figure import Figure
>>> from gradscape import Function
>>> f = Function("(w*x + b - y)^2", "w,b", data={"x": [0.0, 1.0, 2.0], "y": [1.0, 3.0, 5.0]})
>>> theta = fitted(f).final
>>> [round(float(v), 6) for v in theta]
[2.0, 1.0]
>>> fit(Figure().add_subplot(), f, theta)
['the fit: y = 2.0x + 1.0 (y from ∂ℓ/∂y = 0 at the fitted parameters)']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy as sp

from gradscape.errors import DomainError

__all__ = ["fitted", "landscape_of", "epochs", "fit", "TARGET_NAMES"]

TARGET_NAMES = ("y", "t", "label", "target")
"""Column names read as the target (what the model predicts); else the last column."""


def fitted(f: Any, method: str = "newton", start: Sequence[float] | None = None,
           steps: int = 200) -> Any:
    """The descent to f's minimum used by the pictures (Newton from the origin by default)."""
    from gradscape.optim.descend import descend

    x0 = list(start) if start is not None else [0.0] * len(f.variables)
    return descend(f, x0, method, steps=steps, tol=1e-10)


def landscape_of(f: Any, at: Sequence[float] | None) -> tuple[Any, list[str]]:
    """f over its first two parameters, the others held at ``at`` (default: the fit)."""
    if len(f.variables) <= 2:
        return f, []
    if not hasattr(f, "restrict"):
        raise DomainError("a landscape of more than two variables needs a loss over data")
    values = list(at) if at is not None else [float(v) for v in fitted(f).final]
    if len(values) != len(f.variables):
        raise DomainError(f"--at needs {len(f.variables)} numbers, one per parameter "
                          f"({', '.join(f.variables)})")
    g = f.restrict(f.variables[:2], values)
    return g, [f"over {', '.join(g.variables)}; {g.held_text()}"]


def epochs(ax: Any, runs: Sequence[Any], f: Any) -> list[str]:
    """Loss against epoch for minibatch runs: each step's batch loss (thin, noisy) and the
    full loss at each epoch's end (markers)."""
    from gradscape.plot.scales import LINE_COLORS as PALETTE
    from gradscape.plot.scales import MARKERS

    positive = all((np.asarray(r.epoch_values) > 0).all() and (r.values[:-1] > 0).all()
                   for r in runs)
    for k, r in enumerate(runs):
        colour = PALETTE[k % len(PALETTE)]
        per_epoch = max(int(r.epoch_steps[1]) if len(r.epoch_steps) > 1 else 1, 1)
        step_x = np.arange(r.steps) / per_epoch
        ax.plot(step_x, r.values[:-1], color=colour, lw=0.7, alpha=0.35)
        ax.plot(np.arange(len(r.epoch_values)), r.epoch_values, color=colour,
                marker=MARKERS[k % len(MARKERS)], ms=4, lw=1.6,
                label=f"{r.method} (lr {r.lr:g}, batch {r.batch})")
    if positive:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"{f.name}: {f.reduce} over rows")
    ax.set_title(f"Minibatch descent on {f.n_rows} rows (seed {runs[0].seed})")
    ax.legend(fontsize=8)
    return ["thin lines: the loss on each step's batch; markers: the loss on all rows "
            "after each epoch"]


def _target(f: Any) -> tuple[str, list[str]]:
    names = list(f.columns)
    target = next((n for n in TARGET_NAMES if n in names), names[-1])
    return target, [n for n in names if n != target]


def fit(ax: Any, f: Any, theta: Sequence[float]) -> list[str]:
    """The data with the fitted model over them: a curve for one feature (regression), the
    decision boundary for two features and a two-valued target (classification)."""
    from gradscape.compile import build_kernel

    target, features = _target(f)
    y = f.columns[target]
    swap = {s: sp.Float(float(v)) for s, v in zip(f.symbols, theta)}
    row = f.expr.xreplace(swap)
    t = sp.Symbol(target, real=True)
    classes = np.unique(y)
    if len(features) == 2 and len(classes) == 2:
        a, b = (f.columns[n] for n in features)
        for c, colour, mark in zip(classes, ("#d95f02", "#1b9e77"), ("o", "^")):
            sel = y == c
            ax.scatter(a[sel], b[sel], s=14, c=colour, marker=mark, alpha=0.8,
                       label=f"{target} = {c:g}")
        pad = 0.1
        ga = np.linspace(a.min() - pad, a.max() + pad, 200)
        gb = np.linspace(b.min() - pad, b.max() + pad, 200)
        A, B = np.meshgrid(ga, gb)
        gap = row.xreplace({t: sp.Float(float(classes[1]))}) - \
            row.xreplace({t: sp.Float(float(classes[0]))})
        s1, s2 = (sp.Symbol(n, real=True) for n in features)
        gap_grid = build_kernel([gap], [s1, s2], backend="numpy")(A, B)[0]
        ax.contour(A, B, gap_grid, levels=[0.0], colors="k", linewidths=1.5)
        ax.set_xlabel(features[0])
        ax.set_ylabel(features[1])
        ax.legend(fontsize=8)
        ax.set_title("Data and the decision boundary")
        return ["black line: where the fitted model's loss is the same for both classes "
                "(the decision boundary)"]
    if len(features) != 1:
        raise DomainError(f"'fit' draws one feature against a target, or two features with a "
                          f"two-valued target; the columns here are {', '.join(f.columns)}")
    x = f.columns[features[0]]
    try:
        poly = sp.Poly(sp.expand(row), t)
    except sp.PolynomialError:
        poly = None
    if poly is None or poly.degree() != 2:
        raise DomainError(f"'fit' draws regressions whose loss is quadratic in {target} "
                          "(squared error)")
    a2, a1 = poly.coeff_monomial(t**2), poly.coeff_monomial(t)
    pred = sp.simplify(-a1 / (2 * a2))
    xs = np.linspace(x.min(), x.max(), 300)
    xsym = sp.Symbol(features[0], real=True)
    ys = build_kernel([pred], [xsym], backend="numpy")(xs)[0]
    ax.scatter(x, y, s=12, alpha=0.7, label="data")
    from gradscape.calculus import display

    shown = display.text(pred.xreplace({n: sp.Float(float(n), 4) for n in pred.atoms(sp.Number)
                                        if not n.is_Integer}))
    ax.plot(xs, np.broadcast_to(ys, xs.shape), color="k", lw=1.8, label=f"{target} = {shown}")
    ax.set_xlabel(features[0])
    ax.set_ylabel(target)
    ax.legend(fontsize=8)
    ax.set_title("Data and the fitted model")
    return [f"the fit: {target} = {shown} ({target} from ∂ℓ/∂{target} = 0 at the fitted "
            "parameters)"]
