"""``gradscape plot KIND FORMULA`` and ``gradscape field``: every picture, from ONE table.

Each kind gets its own parser built from its row of ``gradscape.plot.figures.FIGURES``: only
the options that kind uses, with that kind's defaults, and its example — so
``gradscape plot basins --help`` shows what basins take. ``field`` is the tutorial's preset of
``plot quiver`` (``PRESETS["field"]``): the same options and the same code, other defaults.

Parses options, asks the plot layer for the picture, writes it (png, svg, pdf; gif or mp4 for
animations) or shows it, and prints what it wrote and the notes. No maths here. The plot layer
(matplotlib) is imported only when a picture or a kind's help is asked for.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from typing import Any

from gradscape.cli import bounds
from gradscape.cli.common import (
    STILL_FORMATS,
    CommandSpec,
    add_formula,
    add_json,
    axis_range,
    emit,
)
from gradscape.cli.outputs import check_output, writing

__all__ = ["SPECS", "parse_starts"]

# Request field -> (option strings, argparse keywords, help); "{default}" is filled in with
# the kind's (or the preset's) default, so each kind's help shows its own.
_OPTIONS: dict[str, tuple[tuple[str, ...], dict[str, Any], str]] = {
    "x": (("--x",), {"metavar": "a:b"}, "range of the first variable ({default})"),
    "y": (("--y",), {"metavar": "c:d"}, "range of the second variable ({default})"),
    "n": (("-n", "--n"), {"type": int, "metavar": "N"}, "{grid} ({default})"),
    "at": (("--at",), {"metavar": "1,2"},
           "the point, one number per variable ({default})"),
    "direction": (("--direction",), {"metavar": "1,2"},
                  "direction of the directional derivative ({default})"),
    "starts": (("--start",), {"action": "append", "metavar": "x,y"},
               "descent start point; repeat --start, or separate points with ';' "
               "({default})"),
    "methods": (("--methods",), {"metavar": "a,b"},
                "optimizers, comma-separated: {methods} ({default})"),
    "lr": (("--lr",), {"type": float}, "learning rate ({default})"),
    "steps": (("--steps",), {"type": int, "metavar": "N"}, "descent steps ({default})"),
    "descent": (("--descent",), {"action": "store_true"},
                "draw −∇f, the direction of descent, instead of ∇f"),
    "frames": (("--frames",), {"type": int, "metavar": "N"},
               "animation frames ({default})"),
    "color": (("--color",), {}, "arrow colour ({default})"),
    "backend": (("--backend",), {"choices": ("auto", "numba", "numpy", "cuda")},
                "where descent runs: numba (the CPU), numpy, cuda (an NVIDIA GPU, else the "
                "CPU with a note) or auto ({default})"),
    "batch": (("--batch",), {"type": int, "metavar": "B"},
              "rows per minibatch step ({default})"),
    "epochs": (("--epochs",), {"type": int, "metavar": "E"},
               "passes over the data ({default})"),
    "seed": (("--seed",), {"type": int, "metavar": "S"},
             "the shuffling seed: the same seed, the same runs ({default})"),
    "three_d": (("--3d",), {"action": "store_true"}, "draw a 3-D surface instead of contours"),
    "lrs": (("--lr",), {"metavar": "a,b"}, "learning rates, comma-separated ({default})"),
    "mode": (("--mode",), {"choices": ("reverse", "forward")},
             "reverse: each node's adjoint ∂f/∂node (backpropagation); forward: its tangent "
             "per input ({default})"),
    "source": (("--from",), {"metavar": "FILE"},
               "draw what FILE holds instead of computing it, with no formula ({default})"),
    "subject_to": (("--subject-to",), {"action": "append", "metavar": '"G = c"'},
                   "the constraint, an equation in the formula's variables ({default})"),
}
# What the formula argument is, for kinds that do not read a function.
_SOURCES = {
    "field": 'the field\'s components separated by commas (quote them), e.g. "2x y, x^2 + 3y^2"',
    "equation": 'the curve\'s equation (quote it), e.g. "x^2 + y^2 = 25"',
}
# Words for defaults the plot layer computes when the option is not given.
_COMPUTED = {
    "x": "the library function's domain, a box around the critical points, or -3:3",
    "y": "as for --x",
    "lr": "each method's own; cut 10× where it leaves starts unsettled",
    "starts": "one start in the upper left of the window",
    "source": "none, computed here",
}
# integer options that must be >= 1
_POSITIVE = ("n", "steps", "frames", "fps", "dpi", "batch", "epochs")
_COMPUTING = ("basins", "sweep")  # kinds that descend from many starts: a progress bar


def _kind_examples() -> list[str]:
    from gradscape.plot.figures import FIGURES

    return [kind.example for kind in FIGURES.values()]


def _add_plot(p: argparse.ArgumentParser) -> None:
    from gradscape.plot.figures import FIGURES

    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True,
                             title="kinds (gradscape plot KIND --help: its options)")
    for name, kind in FIGURES.items():
        k = kinds.add_parser(name, help=kind.help, description=f"{kind.help}",
                             epilog=f"example:\n  {kind.example}",
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        _add_kind(k, name, kind, {})


def _add_field(p: argparse.ArgumentParser) -> None:
    from gradscape.plot.figures import FIGURES, PRESETS

    preset = PRESETS["field"]
    _add_kind(p, "field", FIGURES[preset.kind], preset.options)


def _add_kind(p: argparse.ArgumentParser, name: str, kind: Any,
              preset: Mapping[str, Any]) -> None:
    """The options of one kind, named ``name`` in messages, with ``preset`` defaults."""
    if kind.reads != "function":
        p.add_argument("formula", help=_SOURCES[kind.reads])
        if kind.reads == "field":
            p.add_argument("--vars", metavar="x,y", help="variables in component order "
                           "(default: alphabetical)")
    elif "source" in kind.uses:  # the formula may come from the file instead
        p.add_argument("formula", nargs="?", help="formula text (quote it), or a library name "
                       "like himmelblau; none with --from")
        p.add_argument("--vars", metavar="x,y",
                       help="variables in gradient order (default: alphabetical)")
    else:
        add_formula(p)
    files = ".png, .svg, .pdf" + ("; .gif or .mp4 for an animation" if kind.animated else "")
    p.add_argument("-o", "--output", metavar="FILE", help=f"write to FILE: {files}")
    p.add_argument("--show", action="store_true", help="open a window instead of writing a file")
    for field in kind.uses:
        flags, keywords, text = _OPTIONS[field]
        hint = f"; {kind.hints[field]}" if field in kind.hints else ""
        p.add_argument(*flags, dest=field, default=None, **keywords,
                       help=text.format(default=_default_text(kind, field, preset) + hint,
                                        grid=kind.grid, methods=_method_names()))
    if kind.animated:
        p.add_argument("--fps", type=int, default=12, metavar="N",
                       help="animation frames per second (default 12)")
    p.add_argument("--dpi", type=int, default=100, metavar="N",
                   help="resolution of the written picture (default 100)")
    add_json(p)
    p.set_defaults(picture=name)


def _default_text(kind: Any, field: str, preset: Mapping[str, Any]) -> str:
    """``default 160`` for a value, ``default: the middle of the window`` for words."""
    if field in preset:
        return f"default {_shown(field, preset[field])}"
    if field in kind.computed:
        return f"default: {kind.computed[field]}"
    if field in kind.required:
        return "required"
    if field == "n" and not isinstance(kind.n, int):
        return "default " + ", ".join(f"{n} for {d} variable{'s' * (d > 1)}"
                                      for d, n in kind.n.items())
    value = kind.default(field)
    return f"default: {_COMPUTED[field]}" if value is None else f"default {_shown(field, value)}"


def _shown(field: str, value: Any) -> str:
    """A default as it would be typed: the range (-3, 3) as -3:3, ("gd", "adam") as gd,adam."""
    if field in ("x", "y"):
        return f"{value[0]:g}:{value[1]:g}"
    if isinstance(value, tuple):
        return ",".join(v if isinstance(v, str) else f"{v:g}" for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _method_names() -> str:
    from gradscape.optim.optimizers import OPTIMIZERS

    return ", ".join(OPTIMIZERS)


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


def _methods(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    methods = tuple(m.strip() for m in text.split(",") if m.strip())
    if not methods:
        from gradscape.errors import DomainError

        raise DomainError("--methods needs at least one name, like --methods gd,adam")
    return methods


def _options(args: argparse.Namespace, kind: Any, dims: int) -> dict[str, Any]:
    """The Request fields the kind uses, read from the command line (None: its default)."""
    read: dict[str, Callable[[Any], Any]] = {
        "x": lambda v: None if v is None else axis_range(v, (0.0, 1.0), "x"),
        "y": lambda v: None if v is None else axis_range(v, (0.0, 1.0), "y"),
        "at": lambda v: _numbers(v, "at"),
        "direction": lambda v: _numbers(v, "direction"),
        "starts": lambda v: parse_starts(v, dims),
        "methods": _methods,
        "lrs": lambda v: _numbers(v, "lr"),
        "subject_to": lambda v: None if v is None else tuple(v),
    }
    return {field: read.get(field, lambda v: v)(getattr(args, field)) for field in kind.uses}


def _function(args: argparse.Namespace, kind: Any) -> tuple[Any, Any]:
    """The Function to draw and, for a stored result, its window."""
    from gradscape.cli.common import load_function
    from gradscape.errors import DomainError

    source = getattr(args, "source", None)
    if kind.reads != "function":
        from gradscape.plot.figures import read_source

        return read_source(args.picture, args.formula, getattr(args, "vars", None)), None
    if source is None:
        if args.formula is None:
            raise DomainError(f"give a formula to draw, or --from FILE (plot {args.picture} "
                              "--help)")
        return load_function(args), None
    if args.formula is not None:
        raise DomainError("--from draws the function its file records: drop the formula "
                          f"'{args.formula}'")
    from gradscape.plot.figures import source_function

    return source_function(args.picture, source)


def _target(args: argparse.Namespace, kind: Any) -> bool:
    """Check where the picture goes; True when it is an animation."""
    from gradscape.errors import DomainError
    from gradscape.plot.animate import ANIMATION_FORMATS

    name = args.picture
    if args.output:
        check_output(args.output)
    if not args.output and not args.show:
        raise DomainError("say where the picture goes: -o FILE ("
                          + ("png, svg, pdf; gif or mp4 for animations" if kind.animated
                             else "png, svg or pdf") + ") or --show")
    ext = os.path.splitext(args.output or "")[1].lower().lstrip(".")
    if args.output and ext not in (*STILL_FORMATS, *ANIMATION_FORMATS):
        raise DomainError(f"cannot write '.{ext}' pictures; use .png, .svg, .pdf, or .gif/.mp4 "
                          "for animations")
    moving = ext in ANIMATION_FORMATS or (name == "animate" and not args.output)
    if moving and not kind.animated:
        raise DomainError(f"'{name}' is a still picture: write .png, .svg or .pdf "
                          "(plot animate and plot secant make .gif/.mp4)")
    if name == "animate" and args.output and not moving:
        raise DomainError("animate writes .gif (or .mp4 with ffmpeg); for a still picture of "
                          "the paths use: gradscape plot paths ...")
    return moving


def _run(args: argparse.Namespace) -> int:
    from gradscape.errors import DomainError
    from gradscape.plot.figures import FIGURES, PRESETS, make_figure

    preset = PRESETS.get(args.picture)
    kind = FIGURES[preset.kind if preset else args.picture]
    moving = _target(args, kind)
    for name in _POSITIVE:
        value = getattr(args, name, None)
        if value is not None and value < 1:
            raise DomainError(f"-{'-' * (len(name) > 1)}{name} must be a positive integer, "
                              f"got {value}")
    f, window = _function(args, kind)
    dims = max(len(f.variables), min(kind.dims))
    options = _options(args, kind, dims)
    bounds.check_picture(kind, preset.size if preset else kind.size, dims,
                         {**(preset.options if preset else {}),
                          **{k: v for k, v in options.items() if v is not None}},
                         args.dpi, (args.output or "").lower().endswith(".gif"), moving)
    if window is not None:  # a stored map's own window, unless --x/--y say otherwise
        options["box"] = window
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    else:
        from gradscape.cli.common import require_display

        require_display()
    fig = None
    if args.show:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=preset.size if preset else kind.size)
    from gradscape.cli.console import progress_bar

    with progress_bar(args.picture in _COMPUTING, "descending from every start") as tick:
        if preset:
            pic = preset.make(f, fig=fig, moving=moving, **options)
        else:
            pic = make_figure(args.picture, f, fig=fig, moving=moving, progress=tick, **options)
    if pic.animation is not None and args.output:
        from gradscape.plot.animate import save_animation

        frames = getattr(args, "frames", None) or kind.default("frames")
        with progress_bar(True, f"writing {frames} frames") as tick, writing(args.output):
            save_animation(pic.animation, args.output, fps=args.fps, dpi=args.dpi, progress=tick)
        if args.show:
            import matplotlib.pyplot as plt

            plt.show()
    else:
        from gradscape.cli.common import save_or_show

        save_or_show(pic.figure, args.output, args.show, args.dpi)
    payload = {"output": args.output, **pic.summary}
    return emit(args, payload, _lines(args.output, pic))


def _lines(output: str | None, pic: Any) -> list[str]:
    from gradscape.cli.console import coords, number

    lines = [f"wrote {output}"] if output else []
    for run in pic.summary.get("paths", []):
        value = "undefined" if run["value"] is None else number(run["value"])
        name = run.get("label", run["method"])
        lines.append(f"{name}: {run['status']} after {run['steps']} steps at "
                     f"{coords(run['final'])}, f = {value}")
    for m in pic.summary.get("minima", []):
        lines.append(f"{coords(m['point'])}: {100 * m['share']:.1f}% of starts")
    for key in ("slope", "directional_derivative", "value"):
        if key in pic.summary and pic.summary[key] is not None:
            lines.append(f"{key.replace('_', ' ')}: {number(pic.summary[key])}")
    lines += [f"note: {n}" for n in pic.notes]
    return lines


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "field": CommandSpec(
        help="the tutorial's gradient-field figure for any formula (plot quiver, with its "
        "defaults)",
        examples=(
            'gradscape field "x^2 + y^2" -o out/field.png',
            'gradscape field "sin(x) cos(y)" --x -3.2:3.2 --y -3.2:3.2 -n 25 -o field.svg',
            'gradscape field "1/(x^2 + y^2)" --descent --color black -o singular.pdf',
            "gradscape field himmelblau --x -5:5 --y -5:5 --show",
        ),
        add_arguments=_add_field,
        run=_run,
    ),
    "plot": CommandSpec(
        help="pictures: fields, contours, surfaces, tangents, descent paths, basins, animations",
        examples=_kind_examples,
        add_arguments=_add_plot,
        run=_run,
    ),
}
