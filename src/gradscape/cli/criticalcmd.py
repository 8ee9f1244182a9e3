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
    p.add_argument("--box", metavar="v=a:b,...", help="ranges for any variables, like "
                   "--box x1=-5:5,x4=0:1 (the others keep their default)")
    p.add_argument("--budget", type=float, default=2.0, metavar="S",
                   help="seconds for exact solving before the numeric search (default 2)")
    add_json(p)


def _run(args: argparse.Namespace) -> int:
    from gradscape.cli.common import held_lines, held_payload, load_function
    from gradscape.errors import DomainError
    from gradscape.optim.critical import critical_points

    f = load_function(args)
    given = [getattr(args, a) for a in ("x", "y", "z")]
    box = None
    n = len(f.variables)
    if any(given) or args.box:
        if any(g is not None for g in given[n:]):
            raise DomainError(f"{f.signature()} has {n} variable(s); drop the extra range "
                              "option(s)")
        domain = f.library.domain if f.library else ((-3.0, 3.0),) * n
        named = _named_ranges(args.box, list(f.variables))
        box = tuple(named.get(f.variables[i]) or
                    axis_range(given[i] if i < 3 else None, tuple(domain[i]), "xyz"[min(i, 2)])
                    for i in range(n))
    from gradscape.cli import bounds

    bounds.check("--budget", args.budget, bounds.MAX_BUDGET, "seconds (the exact stage "
                 "rarely finishes later if it has not by then; the numeric search follows)")
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
        ),
        add_arguments=_add,
        run=_run,
    ),
}
