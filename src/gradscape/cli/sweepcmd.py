"""``gradscape sweep``: every method × learning rate from the same starts — which converge,
how fast, how low. Parses options, calls :func:`gradscape.scale.sweep`, prints a table."""

from __future__ import annotations

import argparse
from typing import Any

from gradscape.cli import options
from gradscape.cli.common import CommandSpec, add_formula, add_json, emit

__all__ = ["SPECS"]


def _add(p: argparse.ArgumentParser) -> None:
    add_formula(p)
    p.add_argument("--methods", default="gd,momentum,adam", metavar="a,b,...",
                   help=f"methods to sweep, from {options.method_names()} "
                   "(default gd,momentum,adam)")
    p.add_argument("--lr", default="0.001,0.01,0.1", metavar="a,b,...",
                   help="learning rates to sweep (default 0.001,0.01,0.1)")
    options.add_grid(p, n=64)
    p.add_argument("--start", action="append", metavar="x,y",
                   help="start points instead of a grid; repeat, or separate with ';'")
    p.add_argument("--steps", type=int, default=500, metavar="S",
                   help="most steps from each start (default 500)")
    p.add_argument("--tol", default="1e-8", metavar="TOL", help="a start has converged when "
                   "|∇f| < TOL (default 1e-8)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a hyper-parameter, given to the methods that take it")
    options.add_cluster_options(p)
    add_json(p)


def _run(args: argparse.Namespace) -> int:
    import sys

    from gradscape.cli.common import load_function
    from gradscape.cli.console import progress_bar
    from gradscape.cli.plotcmd import parse_starts
    from gradscape.errors import DomainError
    from gradscape.formula.parser import parse_number_list
    from gradscape.scale.sweep import sweep

    f = load_function(args)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    if not methods:
        raise DomainError("--methods needs at least one name, like --methods gd,adam")
    lrs = list(parse_number_list(args.lr))
    starts = parse_starts(args.start, len(f.variables)) if args.start else args.n
    hyper = options.hyper(args.set, methods)

    def announce(link: str) -> None:
        sys.stderr.write(f"gradscape: Dask dashboard: {link}\n")

    with progress_bar(True, "runs") as tick:
        x, y = options.grid_box(args)
        result = sweep(f, methods, lrs, starts, x=x, y=y, steps=args.steps,
                       tol=options.tol(args.tol),
                       scheduler=args.scheduler, workers=args.workers, progress=tick,
                       announce=announce, **hyper)
    payload = result.to_dict()
    if args.json:
        return emit(args, payload, [])
    from gradscape.cli.console import console, number, table

    out = console()
    out.print(f"{len(methods)} methods × {len(lrs)} rates from {result.starts:,} starts on "
              f"{f.signature()} = {f.text}, at most {result.steps} steps", soft_wrap=True)
    headers = [("method", "left"), ("lr", "right"), ("converged", "right"),
               ("diverged", "right"), ("median steps", "right"), (f"median {f.name}", "right")]
    rows: list[list[Any]] = [
        [r["method"], f"{r['lr']:g}", f"{100 * r['converged']:.1f}%",
         f"{100 * r['diverged']:.1f}%", f"{r['median_steps']:g}",
         "undefined" if r["median_value"] is None else number(r["median_value"], 4)]
        for r in payload["runs"]]
    out.print(table(out, headers, rows))
    out.print("best rate: " + ", ".join(f"{m} {lr:g}" for m, lr in result.best().items()),
              soft_wrap=True)
    return 0


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "sweep": CommandSpec(
        help="every method × learning rate from the same starts: converged share, median "
        "steps and f",
        examples=(
            "gradscape sweep himmelblau --methods gd,momentum,adam --lr 0.001,0.01,0.1",
            "gradscape sweep rosenbrock -n 100 --steps 2000 --lr 1e-4,1e-3,1e-2 --json",
            "gradscape sweep himmelblau -n 2048 --lr 0.001,0.01 --scheduler tcp://10.0.0.5:8786",
        ),
        add_arguments=_add,
        run=_run,
    ),
}
