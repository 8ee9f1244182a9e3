"""Descent as an animation
=======================

Descent as an animation for slides: gradient descent and Adam moving over Himmelblau's
contours from two starts, written as a GIF (Pillow; an .mp4 needs ffmpeg).

Run: ``python examples/descent_animation.py [OUT_DIR]``.
"""

import os
import sys

from gradscape import Function, field
from gradscape.plot.animate import animate_descent, save_animation
from gradscape.plot.paths import run_paths

out = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("GRADSCAPE_OUT", "out")
os.makedirs(out, exist_ok=True)

f = Function("himmelblau")
runs = run_paths(f, [(-4.0, 0.5), (0.5, -4.5)], methods=("gd", "adam"), lr=None, steps=300)
anim = animate_descent(field(f, x=(-5, 5), y=(-5, 5), n=120), runs, frames=40)
path = save_animation(anim, os.path.join(out, "descent.gif"), fps=10, dpi=80)
print(f"wrote {path}")
