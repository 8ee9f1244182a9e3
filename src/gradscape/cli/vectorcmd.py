"""``jacobian``, ``div``, ``curl`` and ``laplacian``: vector calculus, as text or JSON.

A vector function is typed as a comma-separated list of formulas, optionally in brackets:
``"x^2 y, 5x + sin(y)"`` or ``"[y z, x z, x y]"``. The maths is in
:mod:`gradscape.calculus.vector`; this module reads arguments and prints.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from gradscape.cli.common import CommandSpec, add_json, add_point, emit, point
from gradscape.cli.console import coords, number

__all__ = ["SPECS"]


def _add_vector(p: argparse.ArgumentParser) -> None:
    from gradscape.cli.symbolic import _steps_flag

    p.add_argument("formula", help='components separated by commas (quote them), e.g. '
                   '"x^2 y, 5x + sin(y)"')
    p.add_argument("--vars", metavar="x,y", help="variables in column order "
                   "(default: alphabetical)")
    add_point(p)
    _steps_flag(p)
    add_json(p)


def _add_scalar(p: argparse.ArgumentParser) -> None:
    from gradscape.cli.symbolic import _steps_flag

    p.add_argument("formula", help="formula text (quote it), or a library name like himmelblau")
    p.add_argument("--vars", metavar="x,y", help="variables (default: alphabetical)")
    add_point(p)
    _steps_flag(p)
    add_json(p)


def _steps(args: argparse.Namespace, payload: dict[str, Any], lines: list[str],
           parts: list[tuple[str, Any, Any, tuple[Any, ...]]]) -> None:
    """With --show-steps: the derivation of each partial derivative used, by the steps engine.

    ``parts`` holds (label, expression, variable, all variables) for each partial.
    """
    if not args.show_steps:
        return
    from gradscape.calculus.steps import derive

    done = [(label, derive(expr, var, variables=variables))
            for label, expr, var, variables in parts]
    payload["steps"] = {label: d.to_dict() for label, d in done}
    lines += ["", *("\n".join([d.to_text(), ""]) for _, d in done)]


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
    _steps(args, payload, lines, [(f"∂{f.name}/∂{s}", f.expr, s, F.symbols)
                                  for f in F.functions for s in F.symbols])
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
    _steps(args, payload, lines, [(f"∂{f.name}/∂{s}", f.expr, s, F.symbols)
                                  for f, s in zip(F.functions, F.symbols)])
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
    if args.show_steps:
        n = len(F.symbols)
        pairs = [(1, 0), (0, 1)] if n == 2 else [(2, 1), (1, 2), (0, 2), (2, 0), (1, 0), (0, 1)]
        _steps(args, payload, lines, [(f"∂{F.functions[i].name}/∂{F.symbols[j]}",
                                       F.functions[i].expr, F.symbols[j], F.symbols)
                                      for i, j in pairs])
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
    # ∂²f/∂x² is the derivative of ∂f/∂x: both derivations are shown, first then second
    _steps(args, payload, lines, [
        part for s, g in zip(f.symbols, f.gradient)
        for part in ((f"∂{f.name}/∂{s}", f.expr, s, f.symbols),
                     (f"∂²{f.name}/∂{s}²", g, s, f.symbols))])
    at = point(args.at, f)
    if at is not None:
        value = float(f.evaluate(lap, *at, backend="numpy"))
        if not (math.isfinite(value) and math.isfinite(float(f(*at)))):
            value = math.nan  # f or its second derivatives undefined there
        payload.update(at=list(at), value=value)
        lines.append(f"at {coords(at)}: {number(value)}")
    return emit(args, payload, lines)


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "jacobian": CommandSpec(
        help="Jacobian matrix of a vector function (components separated by commas)",
        examples=('gradscape jacobian "x^2 y, 5x + sin(y)"',
                  'gradscape jacobian "[x y z, x + y + z]" --at 1,2,3 --json',
                  'gradscape jacobian "x y, x + y" --show-steps'),
        add_arguments=_add_vector,
        run=_run_jacobian,
    ),
    "div": CommandSpec(
        help="divergence ∇·F of a vector field",
        examples=('gradscape div "x^2 y, 5x + sin(y)"', 'gradscape div "x, y, z" --at 1,1,1',
                  'gradscape div "x^2 y, 5x + sin(y)" --show-steps'),
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
