"""``gradscape plot KIND FORMULA``: every picture in one command (the table in plot/figures.py).

Parses options, asks the plot layer for the picture, writes it (png, svg, pdf; gif or mp4 for
animations) or shows it, and prints what it wrote and the notes. No maths here.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from gradscape.cli.common import CommandSpec, add_formula, add_json, axis_range, emit, fmt

__all__ = ["SPECS", "parse_starts"]

_STILL = {"png", "svg", "pdf"}
_MOVING = {"gif", "mp4"}
_KINDS = ("quiver", "stream", "contour", "directional", "magnitude", "surface", "tangent",
          "derivative", "secant", "paths", "loss", "basins", "animate")


def _add(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=_KINDS, metavar="KIND", help="one of: " + ", ".join(_KINDS))
    add_formula(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE: .png, .svg, .pdf; "
                   ".gif or .mp4 for animate and secant")
    p.add_argument("--show", action="store_true", help="open a window instead of writing a file")
    p.add_argument("--x", metavar="a:b", help="range of the first variable (default: the "
                   "library function's domain, a box around the critical points, or -3:3)")
    p.add_argument("--y", metavar="c:d", help="range of the second variable")
    p.add_argument("-n", type=int, metavar="N", help="grid points per axis (default depends on "
                   "KIND: 20 arrows, 160 for contours, 100×100 starts for basins)")
    p.add_argument("--at", metavar="1,2", help="the point for tangent, secant and directional")
    p.add_argument("--direction", metavar="1,2", help="direction for the directional "
                   "derivative (contour and directional)")
    p.add_argument("--start", action="append", metavar="x,y", help="descent start point; "
                   "repeat --start, or separate points with ';' (paths, loss, animate, surface)")
    p.add_argument("--methods", default="gd,momentum,adam", metavar="a,b",
                   help="optimizers to compare (default gd,momentum,adam; basins use the first)")
    p.add_argument("--lr", type=float, help="learning rate (default: each method's own)")
    p.add_argument("--steps", type=int, default=500, help="descent steps (default 500)")
    p.add_argument("--descent", action="store_true", help="draw −∇f instead of ∇f")
    p.add_argument("--frames", type=int, default=60, help="animation frames (default 60)")
    p.add_argument("--fps", type=int, default=12, help="animation frames per second (default 12)")
    p.add_argument("--dpi", type=int, default=100, help="resolution (default 100)")
    add_json(p)


def parse_starts(values: list[str] | None, dims: int) -> Any:
    """``["-1.5,2", "1,1;0,2"]`` → array of shape (3, dims); None when no --start was given."""
    if not values:
        return None
    import numpy as np

    from gradscape.errors import DomainError
    from gradscape.formula.parser import parse_number_list

    points = []
    for value in values:
        for part in filter(str.strip, value.split(";")):
            numbers = parse_number_list(part)
            if len(numbers) != dims:
                raise DomainError(f"--start needs {dims} number(s) per point; got "
                                  f"{len(numbers)} from '{part.strip()}'")
            points.append(numbers)
    if not points:
        raise DomainError("--start needs at least one point, like --start -1.5,2")
    return np.array(points, dtype=float)


def _numbers(text: str | None, name: str) -> tuple[float, ...] | None:
    if text is None:
        return None
    from gradscape.formula.parser import parse_number_list

    values = parse_number_list(text)
    if not values:
        from gradscape.errors import DomainError

        raise DomainError(f"--{name} needs numbers, like --{name} 1,2")
    return values


def _range(text: str | None, name: str) -> tuple[float, float] | None:
    return None if text is None else axis_range(text, (0.0, 1.0), name)


def _target(args: argparse.Namespace, kind: str) -> bool:
    from gradscape.errors import DomainError
    from gradscape.plot.figures import FIGURES

    if not args.output and not args.show:
        raise DomainError("say where the picture goes: -o FILE (png, svg, pdf; gif or mp4 for "
                          "animations) or --show")
    ext = os.path.splitext(args.output or "")[1].lower().lstrip(".")
    if args.output and ext not in _STILL | _MOVING:
        raise DomainError(f"cannot write '.{ext}' pictures; use .png, .svg, .pdf, or .gif/.mp4 "
                          "for animations")
    moving = ext in _MOVING or (kind == "animate" and not args.output)
    if moving and not FIGURES[kind].animated:
        raise DomainError(f"'{kind}' is a still picture: write .png, .svg or .pdf "
                          "(animate and secant make .gif/.mp4)")
    if kind == "animate" and args.output and not moving:
        raise DomainError("animate writes .gif (or .mp4 with ffmpeg); for a still picture of "
                          "the paths use: gradscape plot paths ...")
    return moving


def _run(args: argparse.Namespace) -> int:
    from gradscape.cli.common import load_function
    from gradscape.errors import DomainError

    kind = args.kind
    moving = _target(args, kind)
    f = load_function(args)
    for name in ("steps", "frames", "fps", "dpi"):
        if getattr(args, name) < 1:
            raise DomainError(f"--{name} must be a positive integer, got {getattr(args, name)}")
    methods = tuple(m.strip() for m in args.methods.split(",") if m.strip())
    if not methods:
        raise DomainError("--methods needs at least one name, like --methods gd,adam")
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    else:
        from gradscape.cli.common import require_display

        require_display()
    from gradscape.plot.figures import FIGURES, make_figure

    dims = max(len(f.variables), min(FIGURES[kind].dims))
    options: dict[str, Any] = {
        "x": _range(args.x, "x"), "y": _range(args.y, "y"), "n": args.n,
        "at": _numbers(args.at, "at"),
        "direction": _numbers(args.direction, "direction"),
        "starts": parse_starts(args.start, dims), "methods": methods, "lr": args.lr,
        "steps": args.steps, "descent": args.descent, "frames": args.frames,
    }
    fig = None
    if args.show:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=FIGURES[kind].size)
    with _progress(kind == "basins", "descending from every start") as tick:
        pic = make_figure(kind, f, fig=fig, moving=moving, progress=tick, **options)
    if pic.animation is not None and args.output:
        from gradscape.plot.animate import save_animation

        with _progress(True, f"writing {args.frames} frames") as tick:
            save_animation(pic.animation, args.output, fps=args.fps, dpi=args.dpi, progress=tick)
        if args.show:
            import matplotlib.pyplot as plt

            plt.show()
    else:
        from gradscape.cli.fieldcmd import save_or_show

        save_or_show(pic.figure, args.output, args.show, args.dpi)
    payload = {"output": args.output, **pic.summary}
    return emit(args, payload, _lines(args.output, pic))


def _lines(output: str | None, pic: Any) -> list[str]:
    lines = [f"wrote {output}"] if output else []
    for run in pic.summary.get("paths", []):
        final = ", ".join(fmt(v) for v in run["final"])
        value = "undefined" if run["value"] is None else fmt(run["value"])
        lines.append(f"{run['method']}: {run['status']} after {run['steps']} steps at ({final}), "
                     f"f = {value}")
    for m in pic.summary.get("minima", []):
        lines.append(f"({', '.join(fmt(v) for v in m['point'])}): {100 * m['share']:.1f}% of "
                     "starts")
    for key in ("slope", "directional_derivative", "value"):
        if key in pic.summary and pic.summary[key] is not None:
            lines.append(f"{key.replace('_', ' ')}: {fmt(pic.summary[key])}")
    lines += [f"note: {n}" for n in pic.notes]
    return lines


class _progress:  # noqa: N801 - used like a function: `with _progress(...) as tick`
    """A transient rich progress bar on stderr; ``tick(done, total)`` advances it."""

    def __init__(self, enabled: bool, what: str) -> None:
        self.enabled, self.what, self.bar, self.task = enabled, what, None, None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        console = Console(stderr=True)
        if not console.is_terminal:  # logs and pipes get no bar (nor a stray blank line)
            return None
        self.bar = Progress(TextColumn(self.what), BarColumn(), TextColumn("{task.completed}/"
                            "{task.total}"), TimeRemainingColumn(), console=console,
                            transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.what, total=None)
        return self._tick

    def _tick(self, done: int, total: int) -> None:
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


SPECS = {
    "plot": CommandSpec(
        help="pictures: fields, contours, surfaces, tangents, descent paths, basins, animations",
        examples=(
            'gradscape plot contour "x^2 + 3y^2" -o contour.png',
            'gradscape plot stream "x^2 - y^2" --descent -o saddle.svg',
            'gradscape plot paths rosenbrock --start -1.5,2 --methods gd,momentum,adam '
            '-o paths.png',
            "gradscape plot basins himmelblau -n 120 -o basins.png",
            "gradscape plot animate himmelblau --start '-4,4;1,-4' -o descent.gif",
            'gradscape plot tangent "sin(x)" --at 1 -o tangent.png',
            'gradscape plot secant "x^3 - 2x" --at 1 -o secant.gif',
            'gradscape plot directional "x^2 + 3y^2" --at 1,1 --direction 1,2 -o dd.png',
        ),
        add_arguments=_add,
        run=_run,
    ),
}
