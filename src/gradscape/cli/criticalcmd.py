"""``gradscape critical``: minima, maxima and saddles of a formula in a box."""

from __future__ import annotations

import argparse
from typing import Any

from gradscape.cli.common import CommandSpec, add_formula, add_json, axis_range, emit

__all__ = ["SPECS", "search_box"]


def _add(p: argparse.ArgumentParser) -> None:
    add_formula(p)
    for axis, which in (("x", "first"), ("y", "second"), ("z", "third")):
        p.add_argument(f"--{axis}", metavar="a:b", help=f"range of the {which} variable "
                       "(default: the library domain, else -3:3)")
    p.add_argument("--box", metavar="v=a:b,...", help="ranges for any variables, like "
                   "--box x1=-5:5,x4=0:1 (the others keep their default)")
    p.add_argument("--budget", type=float, default=2.0, metavar="S",
                   help="seconds for exact solving before the numeric search (default 2)")
    p.add_argument("--subject-to", action="append", metavar='"G = c"',
                   help="an equality constraint: extrema of the formula on it, by Lagrange "
                   "multipliers; repeat it, or separate constraints with ';' (default range "
                   "of the numeric search -10:10)")
    add_json(p)


def _run(args: argparse.Namespace) -> int:
    from gradscape.cli import bounds
    from gradscape.cli.common import held_lines, held_payload, load_function
    from gradscape.optim.critical import critical_points

    f = load_function(args)
    bounds.check("--budget", args.budget, bounds.MAX_BUDGET, "seconds (the exact stage "
                 "rarely finishes later if it has not by then; the numeric search follows)")
    if args.subject_to:
        from gradscape.cli.constrainedcmd import run_constrained

        return run_constrained(args, f)
    n = len(f.variables)
    box = search_box(args, f, f.library.domain if f.library else ((-3.0, 3.0),) * n)
    points = critical_points(f, box, symbolic_budget=args.budget)
    searched = points.box or box or tuple(
        (f.library.domain if f.library else ((-3.0, 3.0),) * n)[i] for i in range(n))
    payload = {"function": f.text, "variables": list(f.variables), **held_payload(f),
               "box": {v: [float(a), float(b)]
                       for v, (a, b) in zip(f.variables, searched, strict=True)},
               "points": [p.to_dict() for p in points],
               "complete": points.complete, "truncated": points.truncated,
               "notes": list(points.notes)}
    if args.json:
        return emit(args, payload, [])
    from gradscape.cli.console import console, coords, number, table

    out = console()
    out.print(f"critical points of {f.signature()} = {f.text}", soft_wrap=True)
    ranges = ", ".join(f"{v} in [{number(a)}, {number(b)}]"
                       for v, (a, b) in zip(f.variables, searched, strict=True))
    proof = "all of them (proven)" if points.complete else "those found (not proven complete)"
    out.print(f"box searched: {ranges}; listed: {proof}", soft_wrap=True)
    for line in held_lines(f):
        out.print(line, soft_wrap=True)
    headers = [(name, "left") for name in ("kind", "point", f.name, "Hessian eigenvalues")]
    rows = [[p.kind, coords(p.point, 8), number(p.value, 8),
             ", ".join(f"{e:.4g}" for e in p.eigenvalues) or "(undefined)"]
            for p in points[:_SHOWN]]
    out.print(table(out, headers, rows) if rows else "no critical points found in the box")
    if len(points) > _SHOWN:
        kinds = ", ".join(f"{sum(p.kind == k for p in points)} {k}"
                          for k in ("minimum", "maximum", "saddle", "degenerate"))
        out.print(f"… {len(points) - _SHOWN} more; {len(points)} in all ({kinds}); --json "
                  "lists every one", soft_wrap=True)
    for note in points.notes:
        out.print(f"note: {note}", soft_wrap=True)
    return 0


_SHOWN = 30  # rows printed; longer lists are summarised (JSON has them all)


def search_box(args: argparse.Namespace, f: Any, domain: Any) -> Any:
    """The box that --x, --y, --z and --box give (``domain`` for the ranges they leave
    out), or None when none of them is given."""
    from gradscape.errors import DomainError

    given = [getattr(args, a) for a in ("x", "y", "z")]
    n = len(f.variables)
    if not (any(given) or args.box):
        return None
    if any(g is not None for g in given[n:]):
        raise DomainError(f"{f.signature()} has {n} variable(s); drop the extra range "
                          "option(s)")
    named = _named_ranges(args.box, list(f.variables))
    return tuple(named.get(f.variables[i]) or
                 axis_range(given[i] if i < 3 else None, tuple(domain[i]), "xyz"[min(i, 2)])
                 for i in range(n))


def _named_ranges(text: str | None, variables: list[str]) -> dict[str, tuple[float, float]]:
    """``--box x1=-5:5,x4=0:1`` → {"x1": (-5, 5), "x4": (0, 1)}."""
    from gradscape.errors import DomainError

    out: dict[str, tuple[float, float]] = {}
    if not text:
        return out
    for item in text.split(","):
        name, eq, span = item.partition("=")
        name = name.strip()
        if not eq or name not in variables:
            raise DomainError(f"--box takes NAME=lo:hi items separated by commas, NAME one of "
                              f"{', '.join(variables)}; got '{item.strip()}'")
        if name in out:
            raise DomainError(f"--box gives {name} twice")
        out[name] = axis_range(span, (0.0, 0.0), "box " + name)
    return out


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "critical": CommandSpec(
        help="critical points (minima, maxima, saddles) of a formula in a box",
        examples=(
            "gradscape critical himmelblau",
            'gradscape critical "x^3 - 3x + y^2" --x -2:2 --y -1:1',
            'gradscape critical "x^2 - y^2" --json',
            'gradscape critical "x1^2 + x2^2 - x3^2 + x4^4" --box x1=-5:5,x4=0:1',
            'gradscape critical "x y" --subject-to "x + y = 10"',
            'gradscape critical z --subject-to "x^2 + y^2 = z^2; x + y + z = 1" --json',
        ),
        add_arguments=_add,
        run=_run,
    ),
}
