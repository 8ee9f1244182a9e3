"""``jacobian``, ``div``, ``curl`` and ``laplacian``: vector calculus, as text or JSON.

A vector function is typed as a comma-separated list of formulas, optionally in brackets:
``"x^2 y, 5x + sin(y)"`` or ``"[y z, x z, x y]"``. The maths is in
:mod:`gradscape.calculus.vector`; this module reads arguments and prints.
"""

from __future__ import annotations

import argparse
from typing import Any

from gradscape.cli.common import CommandSpec, add_json, add_point, emit, point
from gradscape.cli.console import coords, number

__all__ = ["SPECS"]


def _add_vector(p: argparse.ArgumentParser) -> None:
    p.add_argument("formula", help='components separated by commas (quote them), e.g. '
                   '"x^2 y, 5x + sin(y)"')
    p.add_argument("--vars", metavar="x,y", help="variables in column order "
                   "(default: alphabetical)")
    add_point(p)
    add_json(p)


def _add_scalar(p: argparse.ArgumentParser) -> None:
    p.add_argument("formula", help="formula text (quote it), or a library name like himmelblau")
    p.add_argument("--vars", metavar="x,y", help="variables (default: alphabetical)")
    add_point(p)
    add_json(p)


def _load(args: argparse.Namespace) -> Any:
    from gradscape.calculus.vector import VectorFunction

    return VectorFunction(args.formula, args.vars)


def _head(F: Any) -> dict[str, Any]:
    from gradscape.calculus import display

    return {"function": [display.json_str(c) for c in F.components],
            "variables": list(F.variables)}


def _notes(F: Any) -> list[str]:
    return [f"note: {n}" for n in getattr(F, "notes", ())]


def _matrix_lines(cells: list[list[str]]) -> list[str]:
    widths = [max(len(row[j]) for row in cells) for j in range(len(cells[0]))] if cells else []
    return ["  [ " + "  ".join(c.rjust(w) for c, w in zip(row, widths)) + " ]" for row in cells]


def _run_jacobian(args: argparse.Namespace) -> int:
    from gradscape.calculus import display

    F = _load(args)
    J = F.jacobian
    rows = [[J[i, j] for j in range(J.shape[1])] for i in range(J.shape[0])]
    payload = {**_head(F), "jacobian": [[display.json_str(e) for e in r] for r in rows],
               "latex": display.latex(J)}
    lines = [*_notes(F), f"Jacobian of {F}:",
             *_matrix_lines([[display.text(e) for e in r] for r in rows])]
    at = point(args.at, F)
    if at is not None:
        values = F.at(J, *at)
        payload.update(at=list(at), value=values)
        lines += [f"at {coords(at)}:", *_matrix_lines([[number(v) for v in r] for r in values])]
    return emit(args, payload, lines)


def _run_div(args: argparse.Namespace) -> int:
    from gradscape.calculus import display

    F = _load(args)
    d = F.divergence
    payload = {**_head(F), "divergence": display.json_str(d), "latex": display.latex(d)}
    lines = [*_notes(F), f"∇·{F.name} = {display.text(d)}"]
    at = point(args.at, F)
    if at is not None:
        value = F.at(d, *at)
        payload.update(at=list(at), value=value)
        lines.append(f"at {coords(at)}: {number(value)}")
    return emit(args, payload, lines)


def _run_curl(args: argparse.Namespace) -> int:
    from gradscape.calculus import display

    F = _load(args)
    c = F.curl
    payload: dict[str, Any] = _head(F)
    if isinstance(c, tuple):
        payload.update(curl=[display.json_str(e) for e in c], latex=[display.latex(e) for e in c])
        lines = [*_notes(F), f"∇×{F.name} = {display.vector_text(c)}"]
    else:
        payload.update(curl=display.json_str(c), latex=display.latex(c))
        lines = [*_notes(F), f"∇×{F.name} = {display.text(c)}  (scalar curl ∂Q/∂x − ∂P/∂y)"]
    at = point(args.at, F)
    if at is not None:
        value = F.at(c, *at)
        payload.update(at=list(at), value=value)
        shown = coords(value) if isinstance(value, list) else number(value)
        lines.append(f"at {coords(at)}: {shown}")
    return emit(args, payload, lines)


def _run_laplacian(args: argparse.Namespace) -> int:
    from gradscape.calculus import display
    from gradscape.cli.common import load_function

    f = load_function(args)
    lap = f.laplacian
    payload = {"function": f.text, "variables": list(f.variables),
               "laplacian": display.json_str(lap), "latex": display.latex(lap)}
    lines = [*(f"note: {n}" for n in getattr(f, "notes", ())),
             f"∇²{f.name} = {display.text(lap)}"]
    at = point(args.at, f)
    if at is not None:
        value = float(f.evaluate(lap, *at, backend="numpy"))
        payload.update(at=list(at), value=value)
        lines.append(f"at {coords(at)}: {number(value)}")
    return emit(args, payload, lines)


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "jacobian": CommandSpec(
        help="Jacobian matrix of a vector function (components separated by commas)",
        examples=('gradscape jacobian "x^2 y, 5x + sin(y)"',
                  'gradscape jacobian "[x y z, x + y + z]" --at 1,2,3 --json'),
        add_arguments=_add_vector,
        run=_run_jacobian,
    ),
    "div": CommandSpec(
        help="divergence ∇·F of a vector field",
        examples=('gradscape div "x^2 y, 5x + sin(y)"', 'gradscape div "x, y, z" --at 1,1,1'),
        add_arguments=_add_vector,
        run=_run_div,
    ),
    "curl": CommandSpec(
        help="curl ∇×F of a 3-D vector field (the scalar curl in 2-D)",
        examples=('gradscape curl "-y, x"', 'gradscape curl "y z, -x z, 0" --vars x,y,z --json'),
        add_arguments=_add_vector,
        run=_run_curl,
    ),
    "laplacian": CommandSpec(
        help="Laplacian ∇²f of a formula: the sum of its unmixed second derivatives",
        examples=('gradscape laplacian "x^2 + y^2 + z^2"',
                  'gradscape laplacian "log(x^2 + y^2)" --at 1,2 --json'),
        add_arguments=_add_scalar,
        run=_run_laplacian,
    ),
}
