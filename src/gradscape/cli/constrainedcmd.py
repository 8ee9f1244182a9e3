"""``critical F --subject-to "G = c"``: extrema under equality constraints, as text or JSON.

``critical`` hands over here when ``--subject-to`` is given; the maths is in
:mod:`gradscape.optim.lagrange`.
"""

from __future__ import annotations

import argparse
from typing import Any

from gradscape.cli.common import emit

__all__ = ["run_constrained"]

_SHOWN = 30  # rows printed; longer lists are summarised (JSON has them all)


def run_constrained(args: argparse.Namespace, f: Any) -> int:
    """Print the constrained critical points that ``args`` (of ``critical``) ask for."""
    from gradscape.cli.common import held_lines, held_payload
    from gradscape.cli.criticalcmd import search_box
    from gradscape.optim.lagrange import DEFAULT_RANGE, constrained_function, constrained_points

    f, _ = constrained_function(f, args.subject_to)
    box = search_box(args, f, (DEFAULT_RANGE,) * len(f.variables))
    points = constrained_points(f, args.subject_to, box, symbolic_budget=args.budget)
    payload = {"function": f.text, "variables": list(f.variables), **held_payload(f),
               "constraints": list(points.constraints),
               "box": {v: [float(a), float(b)]
                       for v, (a, b) in zip(f.variables, points.box, strict=True)}
               if points.box else None,
               "points": [p.to_dict() for p in points],
               "complete": points.complete, "truncated": False, "notes": list(points.notes)}
    if args.json:
        return emit(args, payload, [])
    from gradscape.cli.console import console, coords, number, table

    out = console()
    out.print(f"critical points of {f.signature()} = {f.text} subject to "
              f"{'; '.join(points.constraints)}", soft_wrap=True)
    proof = "all of them (proven)" if points.complete else "those found (not proven complete)"
    where = ("solved exactly" if not points.box else "box searched: " + ", ".join(
        f"{v} in [{number(a)}, {number(b)}]" for v, (a, b) in zip(f.variables, points.box)))
    out.print(f"{where}; listed: {proof}", soft_wrap=True)
    for line in held_lines(f):
        out.print(line, soft_wrap=True)
    m = len(points.constraints)
    lam = "λ" if m == 1 else ", ".join(f"λ{i + 1}" for i in range(m))
    # the eigenvalues of the Lagrangian's Hessian along the constraints (bordered Hessian test)
    headers = [(name, "left") for name in ("kind", "point", f.name, lam, "curvatures")]
    rows = [[p.kind, coords(p.point, 6), number(p.value, 6),
             ", ".join(number(v, 6) for v in p.multipliers) or "none",
             ", ".join(f"{e:.4g}" for e in p.eigenvalues) or "(undefined)"]
            for p in points[:_SHOWN]]
    out.print(table(out, headers, rows) if rows else "no constrained critical points found")
    if len(points) > _SHOWN:
        out.print(f"… {len(points) - _SHOWN} more; --json lists every one", soft_wrap=True)
    for note in points.notes:
        out.print(f"note: {note}", soft_wrap=True)
    out.print("curvatures: eigenvalues of the Lagrangian's Hessian along the constraints "
              "(the bordered Hessian test)", soft_wrap=True)
    return 0
