"""Himmelblau's basins of attraction
=================================

Himmelblau's four basins of attraction: every start point of a grid coloured by the minimum
gradient descent reaches from it — and how momentum redraws the borders.

Each panel is one batch descent from 150 × 150 starts (the compiled loop runs them all at
once); a final point is matched to the nearest of the four published minima. Run:
``python examples/himmelblau_basins.py [OUT_DIR]``.
"""

import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from gradscape import Function
from gradscape.plot.basins import basin_map, basins

out = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("GRADSCAPE_OUT", "out")
os.makedirs(out, exist_ok=True)

f = Function("himmelblau")
fig, axes = plt.subplots(1, 2, figsize=(12, 5.6), layout="constrained")
for ax, method in zip(axes, ("gd", "momentum")):
    bm = basin_map(f, n=150, method=method, lr=0.01, steps=1000)
    basins(ax, bm)
    shares = ", ".join(f"{100 * s:.1f}%" for s in bm.share())
    print(f"{method}: {bm.counts}; shares of the four minima: {shares}")
path = os.path.join(out, "himmelblau-basins.png")
fig.savefig(path, dpi=100)
print(f"wrote {path}")
