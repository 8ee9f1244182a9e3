"""``descend``, ``compare``, ``critical`` and ``functions``: optimizers and landscapes.

Thin: parse options, call gradscape.optim, print a rich table or one JSON object. NumPy,
Numba and rich are imported inside each command's ``run``.
"""

from __future__ import annotations

import argparse
from typing import Any

from gradscape.cli.common import CommandSpec, add_formula, add_json, axis_range, emit, fmt

__all__ = ["SPECS"]


# ---- shared options --------------------------------------------------------------------------
def _add_run_options(p: argparse.ArgumentParser, *, several: bool) -> None:
    add_formula(p)
    p.add_argument("--start", metavar="x,y", help="start point, one number per variable "
                   "(default: the origin; -1.5,2 and pi/2 work)")
    if several:
        p.add_argument("--methods", default="gd,momentum,adam", metavar="a,b,...",
                       help="methods to compare (default gd,momentum,adam)")
        p.add_argument("--lr", type=float, help="one learning rate for all methods "
                       "(default: each method's tuned rate)")
    else:
        p.add_argument("--method", default="gd", metavar="NAME",
                       help="gd, momentum, nesterov, adagrad, rmsprop, adam, adamw, newton or "
                       "armijo (default gd)")
        p.add_argument("--lr", type=float, help="learning rate (default: the method's own)")
    p.add_argument("--steps", type=int, default=1000, help="most steps to take (default 1000)")
    p.add_argument("--tol", default="1e-8", metavar="TOL", help="stop when |∇f| < TOL "
                   "(default 1e-8; 'none' runs every step)")
    p.add_argument("--schedule", choices=("constant", "step", "exponential", "cosine"),
                   help="learning-rate schedule (default constant)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a hyper-parameter, e.g. --set beta=0.5 --set nesterov=true")
    add_json(p)


def _start(text: str | None, f: Any) -> list[float]:
    from gradscape.errors import DomainError
    from gradscape.formula.parser import parse_number_list

    if text is None:
        return [0.0] * len(f.variables)
    values = parse_number_list(text)
    if len(values) != len(f.variables):
        raise DomainError(f"--start needs {len(f.variables)} number(s), one per variable "
                          f"({', '.join(f.variables)}); got {len(values)} from '{text}'")
    return list(values)


def _tol(text: str) -> float | None:
    from gradscape.errors import DomainError
    from gradscape.formula.parser import parse_number_list

    if text.strip().lower() in ("none", "off"):
        return None
    values = parse_number_list(text)
    if len(values) != 1:
        raise DomainError(f"--tol takes one number (or 'none'), got '{text}'")
    return values[0]


def _hyper(items: list[str], methods: list[str]) -> dict[str, Any]:
    """``["beta=0.5", "nesterov=true"]`` → typed values, by the rule of each hyper-parameter."""
    from gradscape.errors import DomainError
    from gradscape.formula.parser import parse_number_list
    from gradscape.optim.optimizers import lookup

    rules = {h.name: h.rule for m in methods for h in lookup(m).hyper}
    out: dict[str, Any] = {}
    for item in items:
        name, eq, text = item.partition("=")
        name = name.strip()
        if not eq or name not in rules:
            if not rules:
                raise DomainError(f"{', '.join(methods)} take(s) no hyper-parameters; drop "
                                  f"--set {item}")
            raise DomainError(f"--set takes NAME=VALUE with NAME one of "
                              f"{', '.join(sorted(rules))}; got '{item}'")
        if rules[name] == "flag":
            if text.strip().lower() not in ("true", "false"):
                raise DomainError(f"--set {name}= takes true or false, got '{text}'")
            out[name] = text.strip().lower() == "true"
        else:
            value = parse_number_list(text)[0] if text.strip() else None
            if value is None:
                raise DomainError(f"--set {name}= needs a value")
            out[name] = int(value) if rules[name] == "count" and value == int(value) else value
    return out


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _point(values: Any, digits: int = 12) -> str:
    return "(" + ", ".join(_g(v, digits) for v in values) + ")"


def _g(v: Any, digits: int = 6) -> str:
    """A float in ``digits`` significant digits, for table cells (JSON keeps them all)."""
    v = float(v)
    return "undefined" if v != v else f"{v:.{digits}g}"


# ---- descend ---------------------------------------------------------------------------------
def _add_descend(p: argparse.ArgumentParser) -> None:
    _add_run_options(p, several=False)
    p.add_argument("--rows", type=int, default=8, help="path rows shown (default 8)")


def _run_descend(args: argparse.Namespace) -> int:
    from gradscape.cli.common import load_function
    from gradscape.optim.descend import descend

    f = load_function(args)
    t = descend(f, _start(args.start, f), args.method, lr=args.lr, steps=args.steps,
                tol=_tol(args.tol), schedule=args.schedule, **_hyper(args.set, [args.method]))
    payload = {"function": f.text, **t.to_dict(max_points=args.rows)}
    if args.json:
        return emit(args, payload, [])
    from rich.table import Table

    out = _console()
    out.print(f"{t.method} on {f.signature()} = {f.text}, lr {t.lr:g}, {t.schedule}",
              soft_wrap=True)
    table = Table()
    for name in ("step", *f.variables, f.name, "|∇f|"):
        table.add_column(name, justify="right")
    for r in t.rows(max(args.rows, 2)):
        table.add_row(str(r), *(_g(v, 8) for v in t.points[r]), _g(t.values[r], 8),
                      _g(t.grad_norms[r], 3))
    out.print(table)
    ended = {"converged": f"converged (|∇f| < {args.tol}) after {t.steps} steps",
             "max-steps": f"stopped after the most steps, {t.steps}",
             "diverged": f"diverged at step {t.diverged_at}"}[t.status]
    out.print(f"{ended}: final {_point(t.final)}, {f.name} = {fmt(t.value)}, "
              f"|∇f| = {_g(t.grad_norm, 3)}", soft_wrap=True)
    return 0


# ---- compare ---------------------------------------------------------------------------------
def _add_compare(p: argparse.ArgumentParser) -> None:
    _add_run_options(p, several=True)
    p.add_argument("--tune", action=argparse.BooleanOptionalAction, default=None,
                   help="give each method its best learning rate from one grid (1e-5 … 1), "
                        "as a fair comparison needs; the default when --lr is not given")


def _run_compare(args: argparse.Namespace) -> int:
    from gradscape.cli.common import load_function
    from gradscape.errors import DomainError
    from gradscape.optim.descend import descend
    from gradscape.optim.optimizers import lookup

    f = load_function(args)
    methods = [lookup(m).name for m in args.methods.split(",") if m.strip()]
    if not methods:
        raise DomainError("--methods needs at least one method, like --methods gd,adam")
    start, tol = _start(args.start, f), _tol(args.tol)
    hyper = _hyper(args.set, methods)
    tune = args.tune if args.tune is not None else args.lr is None
    if tune and args.lr is not None:
        raise DomainError("--tune picks the learning rates itself; drop --lr or --tune")
    runs = []
    for m in methods:
        own = {k: v for k, v in hyper.items() if k in {h.name for h in lookup(m).hyper}}
        if lookup(m).fixed:
            own = {k: v for k, v in own.items() if k not in lookup(m).fixed}
        if tune:
            from gradscape.optim.tune import tune_lr

            runs.append(tune_lr(f, start, m, steps=args.steps, tol=tol,
                                schedule=args.schedule, **own).trajectory)
        else:
            runs.append(descend(f, start, m, lr=args.lr, steps=args.steps, tol=tol,
                                schedule=args.schedule, **own))
    payload = {"function": f.text, "variables": list(f.variables), "start": start,
               "tol": tol, "tuned": tune, "runs": [
                   {"method": t.method, "lr": t.lr, "status": t.status, "steps": t.steps,
                    "final": [float(v) for v in t.final], "value": t.value,
                    "grad_norm": t.grad_norm, "diverged_at": t.diverged_at}
                   for t in runs]}
    if args.json:
        return emit(args, payload, [])
    from rich.table import Table

    out = _console()
    out.print(f"{f.signature()} = {f.text} from {_point(start)}", soft_wrap=True)
    table = Table()
    for name, side in (("method", "left"), ("lr", "right"), ("status", "left"),
                       ("steps", "right"), ("final point", "left"), (f.name, "right"),
                       ("|∇f|", "right")):
        table.add_column(name, justify=side)
    for t in runs:
        table.add_row(t.method, f"{t.lr:g}", t.status, str(t.steps), _point(t.final, 6),
                      _g(t.value), _g(t.grad_norm, 3))
    out.print(table)
    if tune:
        out.print("learning rates: each method's best on a grid from 1e-5 to 1 (fewest steps "
                  "to tolerance, else lowest f); --lr sets one rate for all", soft_wrap=True)
    return 0


# ---- critical --------------------------------------------------------------------------------
def _add_critical(p: argparse.ArgumentParser) -> None:
    add_formula(p)
    for axis, which in (("x", "first"), ("y", "second"), ("z", "third")):
        p.add_argument(f"--{axis}", metavar="a:b", help=f"range of the {which} variable "
                       "(default: the library domain, else -3:3)")
    p.add_argument("--budget", type=float, default=2.0, metavar="S",
                   help="seconds for exact solving before the numeric search (default 2)")
    add_json(p)


def _run_critical(args: argparse.Namespace) -> int:
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
    from rich.table import Table

    out = _console()
    out.print(f"critical points of {f.signature()} = {f.text}", soft_wrap=True)
    table = Table()
    for name in ("kind", "point", f.name, "Hessian eigenvalues"):
        table.add_column(name)
    for p in points:
        table.add_row(p.kind, _point(p.point, 8), _g(p.value, 8),
                      ", ".join(f"{e:.4g}" for e in p.eigenvalues) or "(undefined)")
    out.print(table if len(points) else "no critical points found in the box")
    for note in points.notes:
        out.print(f"note: {note}", soft_wrap=True)
    return 0


# ---- functions -------------------------------------------------------------------------------
def _add_functions(p: argparse.ArgumentParser) -> None:
    add_json(p)


def _run_functions(args: argparse.Namespace) -> int:
    from gradscape.formula.library import LIBRARY

    rows = [{"name": t.name, "title": t.title or t.name, "aliases": list(t.aliases),
             "formula": t.formula, "variables": list(t.variables),
             "domain": [list(d) for d in t.domain],
             "minima": [{"point": list(m.point), "value": m.value} for m in t.minima],
             "summary": t.summary, "source": t.source} for t in LIBRARY.values()]
    if args.json:
        return emit(args, {"functions": rows}, [])
    from rich.table import Table

    out = _console()
    out.print("test functions: use the name in place of a formula (--json for full sources)",
              soft_wrap=True)
    table = Table(show_lines=True)
    for name in ("name", "formula", "domain", "global minima", "source"):
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(r["name"], r["formula"],
                      " × ".join(f"[{fmt(a)}, {fmt(b)}]" for a, b in r["domain"]),
                      "\n".join(f"{_point(m['point'], 6)} → {_g(m['value'])}"
                                 for m in r["minima"]),
                      r["source"].split(";")[0].split(",")[0])
    out.print(table)
    return 0


SPECS = {
    "descend": CommandSpec(
        help="run an optimizer from a start point: the path, final point, value and status",
        examples=(
            "gradscape descend himmelblau --start 0,0",
            'gradscape descend "x^2 + 10y^2" --start 1,1 --method momentum --lr 0.05',
            "gradscape descend rosenbrock --start -1.2,1 --method adam --lr 0.1 --steps 3000",
            "gradscape descend himmelblau --start -1.5,2 --method rmsprop --schedule cosine --json",
        ),
        add_arguments=_add_descend,
        run=_run_descend,
    ),
    "compare": CommandSpec(
        help="several optimizers from the same start: steps to tolerance, final point, status",
        examples=(
            "gradscape compare himmelblau --start -1.5,2",
            "gradscape compare rosenbrock --start -1.2,1 --methods gd,nesterov,adam,newton "
            "--steps 5000",
            'gradscape compare "x^2 + 10y^2" --start 1,1 --methods gd,momentum --lr 0.05 --json',
        ),
        add_arguments=_add_compare,
        run=_run_compare,
    ),
    "critical": CommandSpec(
        help="critical points (minima, maxima, saddles) of a formula in a box",
        examples=(
            "gradscape critical himmelblau",
            'gradscape critical "x^3 - 3x + y^2" --x -2:2 --y -1:1',
            'gradscape critical "x^2 - y^2" --json',
        ),
        add_arguments=_add_critical,
        run=_run_critical,
    ),
    "functions": CommandSpec(
        help="the library of standard test functions: formula, domain, minima, source",
        examples=("gradscape functions", "gradscape functions --json"),
        add_arguments=_add_functions,
        run=_run_functions,
    ),
}
