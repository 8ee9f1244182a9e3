"""How far each command's options may go, derived from what the command must hold.

Every option that scales work or memory (``-n``, ``--dpi``, ``--frames``, ``--steps``, the
number of starts) is checked here before any work starts, so a default run stays within
about 1 GB: :data:`BUDGET` for what the options scale, on top of the ~200 MB that Python,
SymPy, NumPy and matplotlib take. The bytes each unit costs were measured (peak RSS of the
command at two sizes, the difference divided by the units added):

==================  ===========  ============================================================
unit                bytes        measured
==================  ===========  ============================================================
pixel               8            contour at --dpi 800 vs 100: 3.9 B/px (RGBA), ×2 for the
                                 PNG encoder's copy
grid point          170          contour -n 1500 vs 100: 380 MB for 2.24 M points
arrow               2,450        quiver -n 300 vs 20: 220 MB for 89,600 arrows
kept descent step   16 (d + 3)   descend --steps 2e6 (d = 2): 71 B/step (point, value,
                                 |∇f| and rate, and their copy for output)
tuned method        × 4          compare --steps 2e6, 3 tuned methods: 950 B/step
gif frame           4 per pixel  Pillow keeps every frame (RGBA) until the file is written
==================  ===========  ============================================================

Each cap is a :class:`~gradscape.errors.LimitError` naming the option and its limit:

>>> try:
...     check_dpi(100_000, (6.0, 6.0))
... except LimitError as err:
...     print(err.problem)
--dpi must be at most 1,672 for a 6×6-inch picture (8 bytes a pixel; about 1 GB in all)
>>> steps_cap(dims=2, paths=1), steps_cap(dims=2, paths=3, tuned=True)
(10000000, 838860)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from gradscape.errors import LimitError

__all__ = ["BUDGET", "MAX_BUDGET", "MAX_FRAMES", "MAX_START_STEPS", "check", "check_dpi",
           "grid_cap", "steps_cap", "frames_cap", "check_picture"]

BUDGET = 3 << 28  # 0.75 GiB for what options scale; the rest of 1 GB is the program itself
_PIXEL, _GRID_POINT, _ARROW, _TUNED = 8, 170, 2450, 4
MAX_STEPS = 10_000_000  # gradscape.optim.descend.MAX_STEPS: the library's own bound
MAX_FRAMES = 2000  # each frame redraws the picture (~0.1 s): a few minutes of drawing at most
MAX_START_STEPS = 10**9  # starts × steps of a picture of many descents: about a minute
MAX_BUDGET = 60  # critical --budget: seconds of exact solving
_MAX_SIDE = 1 << 16  # matplotlib's Agg canvas refuses larger sides
_FIX = "a smaller value"


def check(option: str, value: float, cap: float, why: str) -> None:
    """Raise a LimitError when ``value`` is over ``cap``: ``--option must be at most cap
    why``; options that must be positive are checked by the commands themselves."""
    if value > cap:
        raise LimitError(f"{option} must be at most {cap:,} {why}", hint=f"got {value:,}; "
                         f"use {_FIX}")


def check_dpi(dpi: int, size: Sequence[float], frames: int = 0) -> None:
    """``--dpi`` for a picture of ``size`` inches (and ``frames`` gif frames, kept whole)."""
    w, h = size
    per_pixel = _PIXEL + 4 * frames
    cap = int(math.sqrt(BUDGET / (per_pixel * w * h)))
    cap = min(cap, int(_MAX_SIDE / max(w, h)))
    shown = f"{w:g}×{h:g}-inch picture"
    what = f"{frames} frames of a {shown}" if frames else f"a {shown}"
    check("--dpi", dpi, cap, f"for {what} ({per_pixel} bytes a pixel; about 1 GB in all)")


def grid_cap(grid: str, dims: int = 2) -> tuple[int, str]:
    """The most ``-n`` for a kind whose n counts ``grid`` (its help words), and why."""
    if grid.startswith("arrows"):
        n = int(math.sqrt(BUDGET / _ARROW))
        return n, f"arrows per axis ({_ARROW:,} bytes an arrow; about 1 GB in all)"
    if grid.startswith("points on the curve") and ("grid" not in grid or dims == 1):
        return BUDGET // _GRID_POINT, f"points ({_GRID_POINT} bytes a point; about 1 GB in all)"
    n = int(math.sqrt(BUDGET / _GRID_POINT))
    return n, f"points per axis ({_GRID_POINT} bytes a grid point; about 1 GB in all)"


def steps_cap(dims: int, paths: int, tuned: bool = False) -> int:
    """The most steps when ``paths`` whole descent paths in ``dims`` variables are kept."""
    per_step = 16 * (dims + 3) * paths * (_TUNED if tuned else 1)
    return min(MAX_STEPS, BUDGET // per_step)


def frames_cap(dpi: int, size: Sequence[float], gif: bool) -> int:
    """The most ``--frames``: each is drawn (time), and a gif keeps them all (memory)."""
    if not gif:
        return MAX_FRAMES
    frame = 4 * dpi * dpi * size[0] * size[1]
    return max(1, min(MAX_FRAMES, int(BUDGET / frame)))


def check_picture(kind: Any, size: Sequence[float], dims: int, options: dict[str, Any],
                  dpi: int, gif: bool, animated: bool) -> None:
    """Every scaling option of one picture: -n, --steps (with the starts and methods it
    runs), --frames and --dpi; ``options`` are the kind's values as read (None: default)."""
    def value(name: str) -> Any:
        given = options.get(name)
        return kind.default(name) if given is None else given

    n = value("n") if "n" in kind.uses else None
    if isinstance(n, dict):
        n = n.get(dims, max(n.values()))
    steps = value("steps") if "steps" in kind.uses else None
    if kind.grid.startswith("starts") and n is not None:  # work grows as n² × steps
        cap = int(math.sqrt(MAX_START_STEPS / max(1, steps or 1)))
        check("-n", n, cap, f"with {steps:,} steps ({MAX_START_STEPS:.0e} start-steps, about "
              "a minute of descent)")
    elif n is not None:
        cap, why = grid_cap(kind.grid, dims)
        check("-n", n, cap, why)
    if steps is not None and not kind.grid.startswith("starts"):
        starts = options.get("starts")
        methods = value("methods") if "methods" in kind.uses else ("gd",)
        paths = (1 if starts is None else len(starts)) * max(1, len(methods or ("gd",)))
        check("--steps", steps, steps_cap(dims, paths), f"for {paths} descent path(s) in "
              f"{dims} variable(s) ({16 * (dims + 3)} bytes a kept step; about 1 GB in all)")
    frames = value("frames") if animated and "frames" in kind.uses else 0
    if frames:
        check("--frames", frames, frames_cap(dpi, size, gif),
              f"for {'a gif' if gif else 'an animation'} at --dpi {dpi} "
              f"({'every frame kept until written; ' if gif else ''}each frame is drawn anew)")
    check_dpi(dpi, size, frames if gif else 0)
