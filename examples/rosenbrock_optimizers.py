"""Four optimizers on the Rosenbrock valley
========================================

Four optimizers on the Rosenbrock valley, from the same start: where each goes, and how fast
its loss falls.

Gradient descent crawls along the curved valley; momentum and Nesterov carry speed through
it; Adam's per-coordinate steps follow it to the minimum at (1, 1). The learning rates are
chosen per method (the largest round rate at which each is stable from this start), as a fair
comparison needs. Run: ``python examples/rosenbrock_optimizers.py [OUT_DIR]``.
"""

import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from gradscape import Function, field
from gradscape.optim.descend import descend
from gradscape.plot.paths import loss, paths
from gradscape.plot.text import caption

out = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("GRADSCAPE_OUT", "out")
os.makedirs(out, exist_ok=True)

f = Function("rosenbrock")
start = (-1.5, 2.0)
rates = {"gd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3, "adam": 0.05}
runs = [descend(f, start, method=m, lr=lr, steps=3000) for m, lr in rates.items()]
for r in runs:
    print(f"{r.method:9s} lr={r.lr:<6g} {r.status:9s} after {r.steps:4d} steps: "
          f"f = {r.value:.3g} at ({r.final[0]:.4f}, {r.final[1]:.4f})")

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5.2), layout="constrained")
drawn = paths(left, field(f, x=(-2, 2), y=(-1, 3), n=200), runs)
loss(right, runs, f=f)
caption(fig, drawn.notes)
path = os.path.join(out, "rosenbrock-optimizers.png")
fig.savefig(path, dpi=100)
print(f"wrote {path}")
