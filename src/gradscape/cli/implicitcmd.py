"""``diff EQUATION --implicit``: dy/dx (or d²y/dx²) on a curve, with the working.

``diff`` hands over here when ``--implicit`` is given; the maths is in
:mod:`gradscape.calculus.implicit`.
"""

from __future__ import annotations

import argparse
from typing import Any

from gradscape.cli.common import emit

__all__ = ["run_implicit"]


def run_implicit(args: argparse.Namespace) -> int:
    """Print the implicit derivative that ``args`` (of ``diff``) ask for."""
    from gradscape.calculus import display
    from gradscape.calculus.implicit import implicit_derivative
    from gradscape.errors import DomainError

    if args.at is not None:
        raise DomainError("--at is not available with --implicit; drop one of them")
    d = implicit_derivative(args.formula, args.wrt, order=args.order)
    payload: dict[str, Any] = {
        "equation": args.formula,
        "wrt": d.x.name,
        "dependent": d.y.name,
        "order": d.order,
        "derivative": display.json_str(d.result),
        "latex": display.latex(d.result),
        "F": display.json_str(d.F),
        "F_x": display.json_str(d.Fx),
        "F_y": display.json_str(d.Fy),
    }
    if args.show_steps:
        payload["steps"] = d.lines()
        lines = d.lines()
    else:
        lines = [f"{d.label()} = {display.text(d.result)}"]
    return emit(args, payload, lines)
