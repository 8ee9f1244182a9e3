"""The tutorial's gradient field
=============================

The tutorial's picture: the gradient field of f(x, y) = x² + y² as blue arrows.

The gradient (2x, 2y) comes from the formula, exactly; the grid is the tutorial's 20×20 over
[−3, 3]². Every arrow points away from the minimum at the origin: uphill, the direction of
steepest ascent. Run: ``python examples/tutorial_field.py [OUT_DIR]`` (default ``out/``, or
$GRADSCAPE_OUT).
"""

import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from gradscape import Function, field
from gradscape.plot.quiver import quiver

out = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("GRADSCAPE_OUT", "out")
os.makedirs(out, exist_ok=True)

f = Function("x^2 + y^2")
print(f.gradient_text())  # ∇f(x, y) = (2x, 2y)

fig, ax = plt.subplots(figsize=(6, 6))
quiver(ax, field(f, x=(-3, 3), y=(-3, 3), n=20), color="blue")
path = os.path.join(out, "gradient-field.png")
fig.savefig(path, dpi=100)
print(f"wrote {path}")
