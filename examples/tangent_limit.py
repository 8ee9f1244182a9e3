"""The derivative as a limit
=========================

The derivative as a limit: secant lines through (a, f(a)) and (a+h, f(a+h)) turn into the
tangent as h shrinks, and their slopes approach f′(a).

f(x) = sin(x) at a = 1, where f′(1) = cos(1) ≈ 0.5403. The last panel plots the error of the
secant slope against h on log–log axes: a straight line of slope 1, since the error is about
``h·|f″(a)|/2`` for a forward difference. Run: ``python examples/tangent_limit.py [OUT_DIR]``.
"""

import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from gradscape import Function
from gradscape.plot.oned import curve, secant_slopes, secants

out = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("GRADSCAPE_OUT", "out")
os.makedirs(out, exist_ok=True)

f = Function("sin(x)")
a, window = 1.0, (-1.0, 4.0)
exact = float(np.cos(a))
fig, axes = plt.subplots(2, 3, figsize=(12, 7), layout="constrained")
fld = curve(f, window)
for ax, h in zip(axes.flat, (2.0, 1.0, 0.5, 0.2, 0.05)):
    drawn = secants(ax, f, a, h, window, fld=fld)
    print(f"h = {h:<5g} secant slope {drawn.value:.6f}   error {drawn.value - exact:+.2e}")

hs = np.geomspace(1.0, 1e-6, 25)
err = np.abs(secant_slopes(f, a, hs) - exact)
ax = axes.flat[5]
ax.loglog(hs, err, "o-", color="#D55E00", markersize=3, label="|secant slope − f′(1)|")
ax.loglog(hs, hs * abs(np.sin(a)) / 2, ":", color="0.4", label="h·|f″(1)|/2")
ax.set_xlabel("h")
ax.set_title("error of the secant slope", fontsize=10)
ax.legend(fontsize=7)
ax.grid(True, which="major", alpha=0.3)
fig.suptitle(f"Secants of f(x) = sin(x) at a = 1 approach the tangent, slope cos(1) = {exact:.6f}")
path = os.path.join(out, "tangent-limit.png")
fig.savefig(path, dpi=100)
print(f"wrote {path}")
