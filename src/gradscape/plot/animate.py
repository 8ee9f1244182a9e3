"""Animations for slides: descent moving over the contours, and secants turning into the tangent.

Both build on a ``matplotlib.figure.Figure`` (no pyplot state) unless given one, and return a
``FuncAnimation``; :func:`save_animation` writes it as a GIF (Pillow, always available) or an
MP4 (when ffmpeg is installed).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import numpy as np
>>> from gradscape.fields.field import field
>>> pts = np.array([[2.0, 2.0], [1.0, 0.5], [0.5, 0.1], [0.0, 0.0]])
>>> anim = animate_descent(field("x^2 + 3y^2", n=20), [pts], labels=["gd"], frames=4, hold=0)
>>> import os, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     print(os.path.basename(save_animation(anim, os.path.join(folder, "descent.gif"))))
descent.gif
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure

from gradscape.errors import DomainError
from gradscape.fields.field import Field
from gradscape.plot.oned import curve, secants
from gradscape.plot.paths import as_path, paths
from gradscape.plot.text import caption, set_title

__all__ = ["animate_descent", "animate_secant", "save_animation", "frame_steps",
           "ANIMATION_FORMATS"]

ANIMATION_FORMATS = ("gif", "mp4")
"""The file types an animation is saved as."""


def frame_steps(length: int, frames: int) -> np.ndarray:
    """Which iterate each frame shows: every one for short paths; for long ones, denser early,
    where descent moves most (the step number is always in the title, so time stays honest).

    >>> frame_steps(5, 10).tolist()
    [0, 1, 2, 3, 4]
    >>> frame_steps(1001, 5).tolist()
    [0, 125, 354, 650, 1000]
    """
    if length <= frames:
        return np.arange(length)
    t = np.linspace(0.0, 1.0, frames) ** 1.5
    return np.unique(np.round(t * (length - 1)).astype(int))


class _Descent:
    """Frame painter: grows each path up to the frame's step and moves its head.

    ``artists`` are the only things that change between frames, so a GIF can be written by
    drawing the static picture once and only these over it (see :func:`save_animation`).
    """

    def __init__(self, ax: Any, data: list[Any], steps: np.ndarray, drawn: Any,
                 title: str) -> None:
        self.ax, self.data, self.steps, self.title = ax, data, steps, title
        self.lines, self.ends = drawn["paths"], drawn["ends"]
        self.heads = [ax.plot([], [], "o", color=ln.get_color(), markeredgecolor="k",
                              markersize=7, zorder=8)[0] for ln in self.lines]
        self.artists = [*self.lines, *self.heads, *self.ends, ax.title]

    def __call__(self, frame: int) -> list[Any]:
        k = int(self.steps[min(frame, len(self.steps) - 1)])
        for p, line, head, end in zip(self.data, self.lines, self.heads, self.ends):
            shown = p.points[: k + 1]
            line.set_data(shown[:, 0], shown[:, 1])
            last = shown[np.isfinite(shown).all(axis=1)]
            head.set_data(last[-1:, 0], last[-1:, 1])
            end.set_visible(k >= p.steps)  # the end star appears when the path gets there
        set_title(self.ax, f"{self.title} — step {k}")
        return self.artists


class _Animation(FuncAnimation):
    """A FuncAnimation that remembers its figure, painter and length (for fast GIF writing)."""

    _draw_was_started: bool  # FuncAnimation's own flag, which its type stubs leave out

    def __init__(self, fig: Figure, painter: Any, frames: int, interval: int) -> None:
        self.figure, self.painter, self.length = fig, painter, frames
        super().__init__(fig, painter, frames=frames, interval=interval, blit=False,
                         repeat=True, cache_frame_data=False)


def animate_descent(fld: Field, trajectories: Sequence[Any], *, labels: Sequence[str] | None = None,
                    frames: int = 60, hold: int = 10, interval: int = 80,
                    fig: Figure | None = None) -> FuncAnimation:
    """Paths growing step by step over the contours of their function.

    ``frames`` frames at most (long paths are sampled, densest at the start), then the last
    frame is held ``hold`` more times so a looping GIF pauses at the end.
    """
    if frames < 1 or hold < 0:
        raise DomainError("an animation needs frames >= 1 and hold >= 0")
    fig = fig if fig is not None else Figure(figsize=(6.4, 5.6), layout="constrained")
    ax = fig.add_subplot()
    drawn = paths(ax, fld, trajectories, labels=labels)
    caption(fig, drawn.notes)
    data = [as_path(t, fld.function, labels[i] if labels else None)
            for i, t in enumerate(trajectories)]
    length = max(len(p.points) for p in data)
    steps = frame_steps(length, frames)
    painter = _Descent(ax, data, steps, drawn, ax.get_title())
    painter(0)
    return _Animation(fig, painter, len(steps) + hold, interval)


def animate_secant(f: Any, at: float, *, x: tuple[float, float] = (-3.0, 3.0), frames: int = 40,
                   h_min: float = 1e-3, hold: int = 10, interval: int = 100,
                   fig: Figure | None = None) -> FuncAnimation:
    """Secant lines through a and a+h for h shrinking geometrically from a third of the window
    to ``h_min``: their slope visibly becomes the tangent's, f′(a)."""
    if frames < 2 or not 0 < h_min:
        raise DomainError("a secant animation needs frames >= 2 and h_min > 0")
    h0 = (x[1] - x[0]) / 3
    if h_min >= h0:
        raise DomainError(f"h_min must be below a third of the window ({h0:g})")
    hs = np.geomspace(h0, h_min, frames)
    fig = fig if fig is not None else Figure(figsize=(6.4, 4.8), layout="constrained")
    ax = fig.add_subplot()
    fld = curve(f, x)
    a = float(np.asarray(at, dtype=float).reshape(-1)[0])
    slope = float(np.asarray(f.grad(a), dtype=float).reshape(-1)[0])

    def paint(frame: int) -> list[Any]:
        ax.clear()
        h = float(hs[min(frame, len(hs) - 1)])
        drawn = secants(ax, f, a, h, x, fld=fld)
        set_title(ax, f"h = {h:.3g}: secant slope {drawn.value:.6g} → f′({a:g}) = {slope:.6g}")
        return []

    paint(0)
    return _Animation(fig, paint, len(hs) + hold, interval)


def save_animation(anim: FuncAnimation, path: str, *, fps: int = 12, dpi: int = 100,
                   progress: Callable[[int, int], None] | None = None) -> str:
    """Write ``anim`` to ``path``: .gif with Pillow, .mp4 with ffmpeg. Returns the path."""
    from matplotlib import animation

    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext == "gif":
        writer: Any = animation.PillowWriter(fps=fps)
    elif ext == "mp4":
        if not animation.writers.is_available("ffmpeg"):
            raise DomainError("writing .mp4 needs ffmpeg on the PATH; install it, or write a "
                              ".gif instead (Pillow is always there)")
        writer = animation.FFMpegWriter(fps=fps, bitrate=1800)
    else:
        raise DomainError(f"cannot write an animation as '.{ext}'; use .gif or .mp4")
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    if ext == "gif" and isinstance(anim, _Animation) and hasattr(anim.painter, "artists"):
        _blit_gif(anim, path, fps, dpi, progress)
        return path
    callback = (lambda i, n: progress(i + 1, n)) if progress is not None else None
    anim.save(path, writer=writer, dpi=dpi, progress_callback=callback)
    return path


def _blit_gif(anim: _Animation, path: str, fps: int, dpi: int,
              progress: Callable[[int, int], None] | None) -> None:
    """Write a GIF drawing the static picture once and only the moving artists per frame:
    several times faster than a full redraw (contours, colour bar, text) for every frame."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig, painter = anim.figure, anim.painter
    old_canvas, old_dpi, old_engine = fig.canvas, fig.dpi, fig.get_layout_engine()
    canvas = FigureCanvasAgg(fig)
    try:
        fig.set_dpi(dpi)
        painter(0)
        canvas.draw()  # lays the figure out with every artist in place, then freezes it
        fig.set_layout_engine("none")
        for a in painter.artists:
            a.set_visible(False)
        canvas.draw()
        background = canvas.copy_from_bbox(fig.bbox)
        for a in painter.artists:
            a.set_visible(True)
        frames = []  # the painter sets each frame's visibility (end markers) itself
        for i in range(anim.length):
            painter(i)
            canvas.restore_region(background)
            for a in painter.artists:
                fig.draw_artist(a)
            frames.append(Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB"))
            if progress is not None:
                progress(i + 1, anim.length)
        # One palette for all frames, from the last (it holds every path): no colour flicker,
        # and far faster than Pillow choosing a palette per frame.
        palette = frames[-1].quantize(256, method=Image.Quantize.MEDIANCUT)
        indexed = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in frames]
        indexed[0].save(path, save_all=True, append_images=indexed[1:],
                        duration=int(1000 / fps), loop=0)
    finally:
        fig.set_canvas(old_canvas)
        fig.set_dpi(old_dpi)
        fig.set_layout_engine(old_engine)
    anim._draw_was_started = True  # drawn, by hand: FuncAnimation would warn it never was
