"""Models people learn with, as formulas over data: THE table of example losses.

Each row is a per-row loss formula, the parameters it trains, the data columns it reads, and
the example dataset (made by ``examples/data/make_datasets.py``, no downloads) it is shown on.
``Function(row.formula, row.parameters, data=...)`` is its loss over the rows.

>>> MODELS["linear"].formula
'(w*x + b - y)^2'
>>> [m.name for m in MODELS.values()]
['linear', 'logistic', 'logistic01', 'unit']
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Model", "MODELS"]


@dataclass(frozen=True)
class Model:
    """One row: name, title, per-row loss, parameters in order, data columns, dataset file
    name (in ``examples/data/``) and a start point."""

    name: str
    title: str
    formula: str
    parameters: tuple[str, ...]
    columns: tuple[str, ...]
    dataset: str
    start: tuple[float, ...]


_ROWS = (
    Model("linear", "Linear regression (squared error)", "(w*x + b - y)^2", ("w", "b"),
          ("x", "y"), "linear.csv", (0.0, 0.0)),
    Model("logistic", "Logistic regression (log-loss, labels ±1)",
          "softplus(-t*(w1*x1 + w2*x2 + b))", ("w1", "w2", "b"), ("x1", "x2", "t"),
          "logistic.csv", (0.0, 0.0, 0.0)),
    Model("logistic01", "Logistic regression (log-loss, labels 0/1)",
          "softplus(w1*x1 + w2*x2 + b) - label*(w1*x1 + w2*x2 + b)", ("w1", "w2", "b"),
          ("x1", "x2", "label"), "logistic.csv", (0.0, 0.0, 0.0)),
    Model("unit", "A sigmoid unit (squared error)", "(sigmoid(w*x + b) - y)^2", ("w", "b"),
          ("x", "y"), "unit.csv", (0.5, 0.0)),
)

MODELS: dict[str, Model] = {row.name: row for row in _ROWS}
"""The example models by name."""
