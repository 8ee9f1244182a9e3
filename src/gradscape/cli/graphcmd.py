"""``gradscape graph``: the computation graph of a formula at a point, and how reverse mode
(or forward mode) gets the gradient on it — as a table, JSON, or a picture (``plot graph``).

No maths here: the graph is :func:`gradscape.calculus.graph.graph`, its picture the plot
table's ``graph`` kind.
"""

from __future__ import annotations

import argparse
import os

from gradscape.cli.common import STILL_FORMATS, CommandSpec, add_formula, add_json, emit, point

__all__ = ["SPECS"]


def _add(p: argparse.ArgumentParser) -> None:
    add_formula(p)
    p.add_argument("--at", metavar="1,2", required=True,
                   help="the point: one number per variable, comma-separated")
    p.add_argument("--mode", choices=("reverse", "forward"), default="reverse",
                   help="reverse: each node's adjoint ∂f/∂node, from f down "
                   "(backpropagation); forward: each node's tangent per input (default reverse)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="also draw the graph to FILE: .png, .svg or .pdf")
    p.add_argument("--dpi", type=int, default=100, metavar="N",
                   help="resolution of the written picture (default 100)")
    p.add_argument("--show-steps", action="store_true",
                   help="add each local derivative's rule to the table (∂v3/∂v0 = cos(v0))")
    add_json(p)


def _run(args: argparse.Namespace) -> int:
    from gradscape.calculus.graph import graph
    from gradscape.cli.common import load_function
    from gradscape.errors import DomainError

    if args.output:
        from gradscape.cli.outputs import check_output

        check_output(args.output)
        ext = os.path.splitext(args.output)[1].lower().lstrip(".")
        if ext not in STILL_FORMATS:
            raise DomainError(f"cannot write '.{ext}' pictures of a graph; use .png, .svg or "
                              ".pdf")
    if args.dpi < 1:
        raise DomainError(f"--dpi must be a positive integer, got {args.dpi}")
    f = load_function(args)
    at = point(args.at, f) or ()
    g = graph(f, at)
    payload = g.to_json(args.mode)
    lines = g.to_text(args.mode, steps=args.show_steps).split("\n")
    if args.output:
        import matplotlib

        matplotlib.use("Agg")
        from gradscape.cli.common import save_or_show
        from gradscape.plot.figures import make_figure

        pic = make_figure("graph", f, at=at, mode=args.mode)
        save_or_show(pic.figure, args.output, False, args.dpi)
        payload["output"] = args.output
        lines.append(f"wrote {args.output}")
    return emit(args, payload, lines)


# This module's command by name, as cli.main.COMMANDS finds it.
SPECS = {
    "graph": CommandSpec(
        help="the computation graph at a point: values forward, adjoints ∂f/∂node backward "
        "(how backpropagation gets the gradient)",
        examples=(
            'gradscape graph "x*y + sin(x)" --at 1,2',
            'gradscape graph "sin(x*y) + x^2" --at 1,2 -o graph.png',
            'gradscape graph "x*y + sin(x)" --at 1,2 --mode forward',
            'gradscape graph "x*y + sin(x)" --at 1,2 --show-steps',
            'gradscape graph "sigmoid(w x + b)" --at 0.5,2,1 --json',
        ),
        add_arguments=_add,
        run=_run,
    ),
}
