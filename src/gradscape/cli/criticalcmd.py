"""``gradscape critical``: minima, maxima and saddles of a formula in a box."""

from __future__ import annotations

import argparse

from gradscape.cli.common import CommandSpec, add_formula, add_json, axis_range, emit

__all__ = ["SPECS"]


def _add(p: argparse.ArgumentParser) -> None:
    add_formula(p)
    for axis, which in (("x", "first"), ("y", "second"), ("z", "third")):
        p.add_argument(f"--{axis}", metavar="a:b", help=f"range of the {which} variable "
                       "(default: the library domain, else -3:3)")
    p.add_argument("--budget", type=float, default=2.0, metavar="S",
                   help="seconds for exact solving before the numeric search (default 2)")
    add_json(p)


def _run(args: argparse.Namespace) -> int:
    from gradscape.cli.common import load_function
    from gradscape.errors import DomainError
    from gradscape.optim.critical import critical_points

    f = load_function(args)
    given = [getattr(args, a) for a in ("x", "y", "z")]
    box = None
    if any(given):
        n = len(f.variables)
        if any(g is not None for g in given[n:]):
            raise DomainError(f"{f.signature()} has {n} variable(s); drop the extra range "
                              "option(s)")
        domain = f.library.domain if f.library else ((-3.0, 3.0),) * n
        box = tuple(axis_range(given[i] if i < 3 else None, tuple(domain[i]), "xyz"[min(i, 2)])
                    for i in range(n))
    points = critical_points(f, box, symbolic_budget=args.budget)
    payload = {"function": f.text, "variables": list(f.variables),
               "points": [p.to_dict() for p in points],
               "complete": points.complete, "truncated": points.truncated,
               "notes": list(points.notes)}
    if args.json:
        return emit(args, payload, [])
    from gradscape.cli.console import console, coords, number, table

    out = console()
    out.print(f"critical points of {f.signature()} = {f.text}", soft_wrap=True)
    headers = [(name, "left") for name in ("kind", "point", f.name, "Hessian eigenvalues")]
    rows = [[p.kind, coords(p.point, 8), number(p.value, 8),
             ", ".join(f"{e:.4g}" for e in p.eigenvalues) or "(undefined)"] for p in points]
    out.print(table(out, headers, rows) if rows else "no critical points found in the box")
    for note in points.notes:
        out.print(f"note: {note}", soft_wrap=True)
    return 0


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "critical": CommandSpec(
        help="critical points (minima, maxima, saddles) of a formula in a box",
        examples=(
            "gradscape critical himmelblau",
            'gradscape critical "x^3 - 3x + y^2" --x -2:2 --y -1:1',
            'gradscape critical "x^2 - y^2" --json',
        ),
        add_arguments=_add,
        run=_run,
    ),
}
