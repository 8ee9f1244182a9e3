"""Make the example datasets of gradscape's machine-learning models (no downloads).

Run ``python examples/data/make_datasets.py [FOLDER]`` (default: this folder). Each dataset is
drawn from a fixed seed, so the files are the same on every machine:

- ``linear.csv`` (x, y; 200 rows): y = 1.7x − 0.4 plus Gaussian noise (σ = 0.5), x uniform on
  [−3, 3]. Linear regression: ``(w*x + b - y)^2``.
- ``logistic.csv`` (x1, x2, label, t; 300 rows): two overlapping Gaussian clouds, label 0/1
  and t = ±1 (the same classes). Logistic regression: ``softplus(-t*(w1*x1 + w2*x2 + b))``,
  or with 0/1 labels ``softplus(w1*x1 + w2*x2 + b) - label*(w1*x1 + w2*x2 + b)``.
- ``unit.csv`` (x, y; 120 rows): y = sigmoid(2x − 1) plus noise (σ = 0.05). A two-parameter
  neural unit: ``(sigmoid(w*x + b) - y)^2``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np


def linear(rng: np.random.Generator) -> dict[str, np.ndarray]:
    x = rng.uniform(-3, 3, 200)
    return {"x": x, "y": 1.7 * x - 0.4 + rng.normal(scale=0.5, size=200)}


def logistic(rng: np.random.Generator) -> dict[str, np.ndarray]:
    label = (rng.uniform(size=300) < 0.5).astype(float)
    centre = np.where(label[:, None] == 1, [1.0, 0.5], [-0.5, -1.0])
    x = centre + rng.normal(scale=1.0, size=(300, 2))
    return {"x1": x[:, 0], "x2": x[:, 1], "label": label, "t": 2 * label - 1}


def unit(rng: np.random.Generator) -> dict[str, np.ndarray]:
    x = rng.uniform(-3, 4, 120)
    return {"x": x, "y": 1 / (1 + np.exp(-(2 * x - 1))) + rng.normal(scale=0.05, size=120)}


DATASETS = {"linear": (linear, 1), "logistic": (logistic, 2), "unit": (unit, 3)}


def write(folder: Path) -> list[Path]:
    """Write every dataset as CSV (17 significant digits: the floats round-trip exactly)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (make, seed) in DATASETS.items():
        cols = make(np.random.default_rng(seed))
        path = folder / f"{name}.csv"
        rows = zip(*cols.values())
        text = ",".join(cols) + "\n" + "".join(
            ",".join(f"{v:.17g}" for v in row) + "\n" for row in rows)
        path.write_text(text)
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    for p in write(target):
        print(p)
