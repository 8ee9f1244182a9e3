"""``diff FORMULA --definition``: the derivative from the limit of the difference quotient,
step by step.

``diff`` hands over here when ``--definition`` is given; the maths is in
:mod:`gradscape.calculus.definition`.
"""

from __future__ import annotations

import argparse

from gradscape.cli.common import emit, load_function

__all__ = ["run_definition"]


def run_definition(args: argparse.Namespace) -> int:
    """Print the working of f′ from its definition that ``args`` (of ``diff``) ask for."""
    from gradscape.calculus.definition import definition
    from gradscape.errors import DomainError

    for flag, given in (("--at", args.at is not None), ("--order", args.order != 1),
                        ("--implicit", args.implicit)):
        if given:
            raise DomainError(f"--definition works the first derivative as a formula; drop "
                              f"{flag}")
    f = load_function(args)
    d = definition(f, args.wrt)
    payload = {"function": f.text, "variables": list(f.variables), **d.to_dict()}
    lines = d.to_text().split("\n")
    if not d.works:
        lines.append("note: this limit was not reached by algebra alone" + (
            "; it needs the standard limits named above" if d.standard_limits else ""))
    return emit(args, payload, lines)
