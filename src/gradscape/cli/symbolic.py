"""``diff``, ``grad``, ``hessian`` and ``eval``: exact results, printed as text or JSON.

These commands import SymPy and the formula layer only — never Numba — so they start in about
the time ``import sympy`` takes; ``--at`` adds NumPy, whose kernels compute every number.
"""

from __future__ import annotations

import argparse
from typing import Any, cast

from gradscape.cli.common import (
    CommandSpec,
    add_formula,
    add_json,
    add_point,
    emit,
    held_lines,
    held_payload,
    load_function,
    point,
)
from gradscape.cli.console import coords, number

__all__ = ["SPECS"]

DEPRECATED_STEPS = "--steps is deprecated here; use --show-steps"


class _DeprecatedSteps(argparse.Action):
    """``--steps`` as it was before it meant an iteration count: --show-steps, with a note."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: Any, namespace: Any, values: Any, option: Any = None) -> None:
        namespace.show_steps = True
        namespace._notes = [*getattr(namespace, "_notes", []), DEPRECATED_STEPS]


def _steps_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--show-steps", action="store_true", help="show the working: each rule used, step by step"
    )
    # Until the next release: --steps N is the iteration count of descend, compare and plot.
    p.add_argument("--steps", dest="deprecated_steps", action=_DeprecatedSteps)


def _add_diff(p: argparse.ArgumentParser) -> None:
    add_formula(p, wrt=False)
    p.add_argument(
        "--wrt",
        metavar="VAR",
        help="differentiate with respect to VAR (needed when there are several variables)",
    )
    p.add_argument("--order", type=int, default=1, metavar="K", help="K-th derivative (default 1)")
    p.add_argument("--implicit", action="store_true",
                   help="the formula is a curve 'left = right': give dy/dx on it (with --wrt x)")
    p.add_argument("--definition", action="store_true",
                   help="work f′ from the definition, the limit of (f(x + h) − f(x))/h as "
                   "h → 0, step by step")
    add_point(p)
    _steps_flag(p)
    add_json(p)


def _run_diff(args: argparse.Namespace) -> int:
    from gradscape.calculus import display

    if args.implicit:
        from gradscape.cli.implicitcmd import run_implicit

        return run_implicit(args)
    if args.definition:
        from gradscape.cli.definitioncmd import run_definition

        return run_definition(args)
    if args.formula.count("=") == 1 and not any(op in args.formula for op in "<>!:"):
        from gradscape.errors import DomainError

        raise DomainError("an equation is a curve: add --implicit for dy/dx on it "
                          "(e.g. --implicit --wrt x)")
    f = load_function(args)
    var = f.symbol(args.wrt)
    d = f.derivative(var.name, args.order)
    partial = len(f.variables) > 1
    mark = "∂" if partial else "d"
    power = "" if args.order == 1 else f"^{args.order}"
    label = f"{mark}{power}{f.name}/{mark}{var.name}{power}"
    payload = {
        "function": f.text,
        "variables": list(f.variables),
        **held_payload(f),
        "wrt": var.name,
        "order": args.order,
        "derivative": display.json_str(d),
        "latex": display.latex(d),
    }
    lines = [*_notes(f), f"{label} = {display.text(d)}"]
    if args.show_steps:
        from gradscape.calculus.steps import derive

        if args.order != 1:
            from gradscape.errors import DomainError

            raise DomainError("--show-steps shows first derivatives; drop --order or "
                              "--show-steps")
        derivation = derive(f.expr, var, variables=f.symbols)
        payload["steps"] = derivation.to_dict()
        lines = [*_notes(f), derivation.to_text()]
    at = point(args.at, f)
    if at is not None:
        value = float(f.evaluate(d, *at, backend="numpy"))
        smooth = _kinks(f, at, var.name, args.order)
        payload["at"] = list(at)
        payload["value"] = None if smooth.at_kink else value
        if smooth.at_kink:
            payload["differentiable"] = smooth.to_dict()
        if not smooth.at_kink:
            lines.append(f"at {coords(at)}: {number(value)}")
        else:  # a kink or a jump: no number, and the one-sided slopes where they exist
            lines.append(f"at {coords(at)}: {_derivative_name(f, var.name, args.order - 1)} "
                         f"is {smooth}")
    return emit(args, payload, lines)


def _add_grad(p: argparse.ArgumentParser) -> None:
    add_formula(p)
    add_point(p)
    _steps_flag(p)
    add_json(p)


def _run_grad(args: argparse.Namespace) -> int:
    from gradscape.calculus import display

    f = load_function(args)
    payload = {
        "function": f.text,
        "variables": list(f.variables),
        **held_payload(f),
        "gradient": [display.json_str(g) for g in f.gradient],
        "latex": [display.latex(g) for g in f.gradient],
    }
    lines = [*_notes(f), f.gradient_text()]
    if args.show_steps:
        from gradscape.calculus.steps import derive

        derivations = [derive(f.expr, s, variables=f.symbols) for s in f.symbols]
        payload["steps"] = {s.name: d.to_dict() for s, d in zip(f.symbols, derivations)}
        lines += ["", *("\n".join([d.to_text(), ""]) for d in derivations)]
    at = point(args.at, f)
    if at is not None:
        values = f.grad(*at, backend="numpy").tolist()
        smooth = [_kinks(f, at, v) for v in f.variables]
        values = [None if s.at_kink else v for v, s in zip(values, smooth)]
        payload["at"] = list(at)
        payload["value"] = list(values)
        shown = ", ".join(number(v) if v is not None else "undefined" for v in values)
        lines.append(f"∇{f.name}{coords(at)} = ({shown})")
        if any(s.at_kink for s in smooth):
            payload["differentiable"] = [s.to_dict() for s in smooth]
            lines += [f"  {f.name} is {s}" for s in smooth if s.at_kink]
    return emit(args, payload, lines)


def _add_hessian(p: argparse.ArgumentParser) -> None:
    add_formula(p)
    add_point(p)
    add_json(p)


def _run_hessian(args: argparse.Namespace) -> int:
    from gradscape.calculus import display

    f = load_function(args)
    rows = f.hessian.tolist()
    payload = {
        "function": f.text,
        "variables": list(f.variables),
        **held_payload(f),
        "hessian": [[display.json_str(h) for h in row] for row in rows],
        "latex": display.latex(f.hessian),
    }
    lines = [
        *_notes(f),
        f"Hessian of {f.signature()}" + (" per row (at a point: the "
                                         f"{getattr(f, 'reduce', '')} over the rows):"
                                         if hasattr(f, "reduction") else ":"),
        *_matrix_lines([[display.text(h) for h in r] for r in rows]),
    ]
    at = point(args.at, f)
    if at is not None:
        values = f.hess(*at, backend="numpy").tolist()
        # Not twice differentiable where f or a first derivative has a kink or a jump
        # (the diagonal second derivatives are checked).
        rough = [(k, v, s) for v in f.variables for k in (1, 2)
                 if (s := _kinks(f, at, v, k)).at_kink]
        if rough:
            k, v, smooth = rough[0]
            values = [[None for _ in row] for row in values]
            payload["differentiable"] = smooth.to_dict()
            lines.append(f"note: no Hessian at {coords(at)}: {_derivative_name(f, v, k - 1)} "
                         f"is {smooth}")
        payload["at"] = list(at)
        payload["value"] = [list(row) for row in values]
        lines += [
            f"at {coords(at)}:",
            *_matrix_lines([[number(v) if v is not None else "undefined" for v in r]
                            for r in values]),
        ]
    return emit(args, payload, lines)


def _add_eval(p: argparse.ArgumentParser) -> None:
    add_formula(p)
    p.add_argument(
        "--at",
        metavar="1,2",
        required=True,
        help="the point: one number per variable, comma-separated",
    )
    add_json(p)


def _run_eval(args: argparse.Namespace) -> int:
    f = load_function(args)
    at = cast(tuple[float, ...], point(args.at, f))  # eval's --at is required: never None
    value = float(f(*at, backend="numpy"))
    payload = {
        "function": f.text,
        "variables": list(f.variables),
        **held_payload(f),
        "at": list(at),
        "value": value,
    }
    return emit(args, payload, [*_notes(f), f"{f.name}{coords(at)} = {number(value)}"])


def _derivative_name(f: Any, var: str, order: int) -> str:
    """f, df/dx, ∂²f/∂x²: how the output names the order-th derivative."""
    if order == 0:
        return str(f.name)
    mark = "∂" if len(f.variables) > 1 else "d"
    power = "" if order == 1 else f"^{order}"
    return f"{mark}{power}{f.name}/{mark}{var}{power}"


def _notes(f: object) -> list[str]:
    return [*(f"note: {n}" for n in getattr(f, "notes", ())), *held_lines(f)]


def _matrix_lines(cells: list[list[str]]) -> list[str]:
    widths = [max(len(row[j]) for row in cells) for j in range(len(cells[0]))] if cells else []
    return ["  [ " + "  ".join(c.rjust(w) for c, w in zip(row, widths)) + " ]" for row in cells]


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "diff": CommandSpec(
        help="derivative of a formula (any order, any variable)",
        examples=(
            'gradscape diff "sin(x^2)"',
            'gradscape diff "x^3 y^2" --wrt y --order 2',
            'gradscape diff "exp(-x) cos(x)" --at 0',
            'gradscape diff "sin(x^2)" --show-steps',
            'gradscape diff "log(x, 2)" --json',
            'gradscape diff "x^2 + y^2 = 25" --implicit --wrt x',
            'gradscape diff "sqrt(x)" --definition',
        ),
        add_arguments=_add_diff,
        run=_run_diff,
    ),
    "grad": CommandSpec(
        help="gradient: all partial derivatives, optionally at a point",
        examples=(
            'gradscape grad "x^2 + y^2"',
            'gradscape grad "x^2 + y^2" --at 1,2 --json',
            "gradscape grad himmelblau --at -1.5,2",
            'gradscape grad "x^2 y" --show-steps',
        ),
        add_arguments=_add_grad,
        run=_run_grad,
    ),
    "hessian": CommandSpec(
        help="matrix of second partial derivatives, optionally at a point",
        examples=(
            'gradscape hessian "x^3 + x y^2"',
            "gradscape hessian rosenbrock --at 1,1 --json",
        ),
        add_arguments=_add_hessian,
        run=_run_hessian,
    ),
    "eval": CommandSpec(
        help="value of a formula at a point",
        examples=('gradscape eval "x^2 + y^2" --at 1,2', 'gradscape eval "sin(x)" --at pi/2'),
        add_arguments=_add_eval,
        run=_run_eval,
    ),
}


class _NoKinks:
    """What a function without kink analysis (a loss over data) answers: no kink known."""

    at_kink = False


def _kinks(f: Any, at: Any, var: str, order: int = 1) -> Any:
    """``f.differentiable_at``, where f has it; a loss over data is a mean of per-row terms
    whose kinks this does not analyse (its numbers are still exact where it is smooth)."""
    check = getattr(f, "differentiable_at", None)
    return _NoKinks() if check is None else check(at, var, order)
