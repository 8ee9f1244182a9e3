"""Backpropagation on a formula
============================

How reverse mode gets the gradient of f(x, y) = sin(x·y) + x² at (1, 2): each box is one
node of the computation graph with its value (forward pass) and its adjoint ∂f/∂node
(backward pass); each arrow carries the local derivative ∂parent/∂child. An adjoint is the sum,
over the arrows leaving its node, of the parent's adjoint times the arrow's local derivative,
so the inputs' adjoints are the gradient: (2cos(2) + 2, cos(2)).
Run: ``python examples/computation_graph.py [OUT_DIR]``.
"""

import os
import sys

import matplotlib

matplotlib.use("Agg")

import gradscape as gs
from gradscape.plot.figures import make_figure

out = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("GRADSCAPE_OUT", "out")
os.makedirs(out, exist_ok=True)

g = gs.graph("sin(x*y) + x^2", (1.0, 2.0))
print(g.to_text())
pic = make_figure("graph", "sin(x*y) + x^2", at=(1.0, 2.0))
path = os.path.join(out, "computation-graph.png")
pic.figure.savefig(path, dpi=100)
print(f"wrote {path}")
