"""``potential``: is a vector field a gradient, and of which function? Text or JSON.

The maths is in :mod:`gradscape.calculus.potential`; this module reads arguments and prints.
"""

from __future__ import annotations

import argparse
from typing import Any

from gradscape.cli.common import CommandSpec, add_json, emit

__all__ = ["SPECS"]


def _add(p: argparse.ArgumentParser) -> None:
    p.add_argument("formula", help='components separated by commas (quote them), e.g. '
                   '"2x y, x^2 + 3y^2"')
    p.add_argument("--vars", metavar="x,y", help="variables in component order "
                   "(default: alphabetical)")
    p.add_argument("--budget", type=float, default=5.0, metavar="SECONDS",
                   help="most seconds of symbolic work (default 5)")
    add_json(p)


def _shown(curl: Any, convert: Any) -> Any:
    if curl is None:
        return None
    return [convert(c) for c in curl] if isinstance(curl, tuple) else convert(curl)


def _run(args: argparse.Namespace) -> int:
    from gradscape.calculus import display
    from gradscape.calculus.potential import potential
    from gradscape.calculus.vector import VectorFunction

    F = VectorFunction(args.formula, args.vars)
    r = potential(F, budget=args.budget)
    payload: dict[str, Any] = {
        "function": [display.json_str(c) for c in F.components],
        "variables": list(F.variables),
        "conservative": r.conservative,
        "potential": None if r.potential is None else display.json_str(r.potential),
        "curl": _shown(r.curl, display.json_str),
        "check": None if r.gradient is None else {
            "gradient_of_potential": [display.json_str(g) for g in r.gradient],
            "equals_field": r.equals_field},
        "reason": r.reason,
        "domain": r.domain,
    }
    lines = [*(f"note: {n}" for n in F.notes), str(F)]
    if r.curl is not None:
        curl = _shown(r.curl, display.text)
        lines.append(f"∇×{F.name} = " + (f"({', '.join(curl)})" if isinstance(curl, list)
                                         else curl))
    if r.potential is not None and r.gradient is not None:
        lines += [f"{F.name} = ∇φ with φ({', '.join(F.variables)}) = {display.text(r.potential)}",
                  f"check: ∇φ = {display.vector_text(r.gradient)}"
                  + (f" = {F.name}" if r.equals_field else f" ≠ {F.name}")]
        if r.domain:
            lines.append(f"domain: φ is defined where {r.domain} (∫du/u = log|u|)")
    else:
        lines.append(("conservative: " if r.conservative else "not conservative: ") + r.reason)
    return emit(args, payload, lines)


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "potential": CommandSpec(
        help="is a vector field a gradient? its potential φ (F = ∇φ), or the curl that says no",
        examples=('gradscape potential "2x y, x^2 + 3y^2"',
                  'gradscape potential "y z, x z, x y" --json',
                  'gradscape potential "-y, x"'),
        add_arguments=_add,
        run=_run,
    ),
}
