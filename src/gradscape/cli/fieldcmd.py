"""``gradscape field``: the tutorial's gradient-field figure for any formula."""

from __future__ import annotations

import argparse

from gradscape.cli.common import (
    CommandSpec,
    add_formula,
    add_json,
    axis_range,
    emit,
    require_display,
)

__all__ = ["SPECS", "save_or_show"]


def _add(p: argparse.ArgumentParser) -> None:
    add_formula(p)
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write the figure to FILE (.png, .svg or .pdf)"
    )
    p.add_argument("--show", action="store_true", help="open a window instead of writing a file")
    p.add_argument("--x", metavar="a:b", help="x range (default -3:3)")
    p.add_argument("--y", metavar="c:d", help="y range (default -3:3)")
    p.add_argument("-n", type=int, default=20, help="arrows per axis (default 20, as the tutorial)")
    p.add_argument("--color", default="blue", help="arrow colour (default blue)")
    p.add_argument("--descent", action="store_true", help="draw -∇f, the direction of descent")
    p.add_argument("--dpi", type=int, default=100, help="resolution of PNG output (default 100)")
    add_json(p)


def _run(args: argparse.Namespace) -> int:
    from gradscape.cli.common import load_function
    from gradscape.errors import DomainError

    if not args.output and not args.show:
        raise DomainError("say where the figure goes: -o FILE (png, svg, pdf) or --show")
    if args.show:
        require_display()
    f = load_function(args)
    if len(f.variables) != 2:
        raise DomainError(
            f"a gradient field is drawn for two variables; {f.signature()} has {len(f.variables)}"
            + (" (give --vars x,y to add one)" if len(f.variables) < 2 else "")
        )
    from gradscape.fields.field import field

    fld = field(
        f, x=axis_range(args.x, (-3.0, 3.0), "x"), y=axis_range(args.y, (-3.0, 3.0), "y"), n=args.n
    )
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from gradscape.plot.quiver import arrow_components, quiver

    fig, ax = plt.subplots(figsize=(6, 6))
    quiver(ax, fld, color=args.color, descent=args.descent)
    n_capped = arrow_components(fld)[2]
    notes = []
    if fld.invalid_count:
        notes.append(f"{fld.invalid_count} point(s) where f or ∇f is undefined are left out")
    if n_capped:
        notes.append(f"{n_capped} very long arrow(s) shortened so the rest stay visible")
    if notes:
        fig.text(0.5, 0.01, "; ".join(notes), ha="center", fontsize=8, color="0.3")
    save_or_show(fig, args.output, args.show, args.dpi)
    payload = {"output": args.output, **fld.summary(), "capped_arrows": n_capped}
    lines = [f"wrote {args.output}"] if args.output else []
    lines += [f"note: {n}" for n in notes]
    return emit(args, payload, lines)


def save_or_show(fig: object, output: str | None, show: bool, dpi: int = 100) -> None:
    """Write the figure (format from the file's extension) and/or open a window."""
    import os

    import matplotlib.pyplot as plt

    from gradscape.errors import DomainError

    if output:
        ext = os.path.splitext(output)[1].lower().lstrip(".")
        if ext not in {"png", "svg", "pdf"}:
            raise DomainError(f"cannot write '.{ext}' figures; use .png, .svg or .pdf")
        folder = os.path.dirname(output)
        if folder:
            os.makedirs(folder, exist_ok=True)
        fig.savefig(output, dpi=dpi)  # type: ignore[attr-defined]
    if show:
        plt.show()
    plt.close(fig)  # type: ignore[arg-type]


SPECS = {
    "field": CommandSpec(
        help="the gradient field as arrows (the tutorial's quiver plot) for any formula",
        examples=(
            'gradscape field "x^2 + y^2" -o out/field.png',
            'gradscape field "sin(x) cos(y)" --x -3.2:3.2 --y -3.2:3.2 -n 25 -o field.svg',
            'gradscape field "1/(x^2 + y^2)" --descent --color black -o singular.pdf',
            "gradscape field himmelblau --x -5:5 --y -5:5 --show",
        ),
        add_arguments=_add,
        run=_run,
    )
}
