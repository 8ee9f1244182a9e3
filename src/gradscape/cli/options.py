"""Options that commands share: for ``descend`` and ``compare`` the start point, the
tolerance, the schedule and hyper-parameters; for ``basins`` and ``sweep`` the grid of starts
(``--x``, ``--y``, ``-n``) and where a Dask run goes (``--scheduler``, ``--workers``). Lists
of names come from the tables they name (``gradscape.optim.optimizers.OPTIMIZERS``,
``gradscape.optim.schedules.SCHEDULES``), so help texts cannot fall behind them.

>>> p = argparse.ArgumentParser()
>>> add_grid(p, n=64)
>>> args = p.parse_args(["--x=-5,5", "-n", "8"])
>>> grid_box(args), args.n
(((-5.0, 5.0), None), 8)
"""

from __future__ import annotations

import argparse
from typing import Any

from gradscape.cli.common import add_formula, add_json

__all__ = ["add_run_options", "add_backend", "add_grid", "add_cluster_options", "grid_box",
           "number_range", "method_names", "start", "tol", "hyper"]


def method_names() -> str:
    """``gd, momentum, ... or armijo``: every optimizer in the table, in its order."""
    from gradscape.optim.optimizers import OPTIMIZERS

    names = list(OPTIMIZERS)
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


def add_run_options(p: argparse.ArgumentParser, *, several: bool) -> None:
    """The formula and every option of one optimizer run; ``several`` for ``compare``."""
    from gradscape.optim.optimizers import OPTIMIZERS
    from gradscape.optim.schedules import SCHEDULES

    add_formula(p)
    p.add_argument("--start", metavar="x,y", help="start point, one number per variable "
                   "(default: the origin; -1.5,2 and pi/2 work)")
    if several:
        p.add_argument("--methods", default="gd,momentum,adam", metavar="a,b,...",
                       help=f"methods to compare, from auto, {method_names()} "
                       "(default gd,momentum,adam)")
        p.add_argument("--lr", type=float, help="one learning rate for all methods "
                       "(default: each method's tuned rate)")
    else:
        p.add_argument("--method", default="auto", metavar="NAME",
                       help=f"auto (the default: BFGS, or L-BFGS for many variables; no "
                       f"learning rate to tune), {method_names()}")
        p.add_argument("--lr", type=float, help="learning rate (default: the method's own)")
        p.add_argument("--batch", type=int, metavar="B",
                       help="with --data: minibatch descent, B shuffled rows per step "
                       "(sgd, momentum, adam, ...)")
        p.add_argument("--epochs", type=int, metavar="E",
                       help="with --batch: passes over the data (default 10); --steps is "
                       "then not used")
        p.add_argument("--seed", type=int, metavar="S",
                       help="with --batch: the shuffling seed (default 0): the same seed "
                       "gives the same run")
    p.add_argument("--steps", type=int, default=1000, metavar="N",
                   help="most steps to take (default 1000)")
    p.add_argument("--tol", default="1e-8", metavar="TOL", help="stop when |∇f| < TOL "
                   "(default 1e-8; 'none' runs every step)")
    p.add_argument("--schedule", choices=tuple(SCHEDULES),
                   help="learning-rate schedule (default constant)")
    names = sorted({h.name for opt in OPTIMIZERS.values() for h in opt.hyper})
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a hyper-parameter, e.g. --set beta=0.5 --set nesterov=true (names: "
                   f"{', '.join(names)})")
    add_json(p)


def add_backend(p: argparse.ArgumentParser) -> None:
    """``--backend``: where the descent loops run (the choices are descend's)."""
    from gradscape.optim.descend import BACKENDS

    p.add_argument("--backend", choices=BACKENDS, default="auto",
                   help="where the loops run: numba (compiled, on the CPU), numpy, cuda (an "
                   "NVIDIA GPU: pip install 'gradscape[cuda]') or auto (the GPU for big runs "
                   "when there is one, else numba; default auto)")


def add_grid(p: argparse.ArgumentParser, *, n: int) -> None:
    """``--x``, ``--y`` and ``-n``: the box and the N×N grid of starts (default N ``n``)."""
    p.add_argument("--x", metavar="LO,HI", help="range of the first variable of the grid of "
                   "starts (default: the function's window)")
    p.add_argument("--y", metavar="LO,HI", help="range of the second variable")
    p.add_argument("-n", "--n", type=int, default=n, metavar="N",
                   help=f"starts per axis: an N×N grid of starts (default {n})")


def grid_box(args: argparse.Namespace) -> tuple[tuple[float, float] | None,
                                                tuple[float, float] | None]:
    """``--x`` and ``--y`` as ranges (None where not given: the function's window)."""
    return number_range(args.x, "x"), number_range(args.y, "y")


def add_cluster_options(p: argparse.ArgumentParser) -> None:
    """``--scheduler`` or ``--workers``: where a Dask run goes (default: decided by size)."""
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="run on the Dask cluster whose scheduler listens there")
    where.add_argument("--workers", type=int, metavar="K",
                       help="run on a new local Dask cluster of K worker processes")


def number_range(text: str | None, name: str) -> tuple[float, float] | None:
    """``--x -5,5`` (or ``-5:5``) → (-5.0, 5.0)."""
    if text is None:
        return None
    from gradscape.cli.common import axis_range
    from gradscape.errors import DomainError
    from gradscape.formula.parser import parse_number_list

    if ":" in text:
        return axis_range(text, (0.0, 1.0), name)
    values = parse_number_list(text)
    if len(values) != 2 or not values[0] < values[1]:
        raise DomainError(f"--{name} takes LO,HI with LO < HI, like --{name} -5,5; got '{text}'")
    return values[0], values[1]


def start(text: str | None, f: Any) -> list[float]:
    """``--start`` as one float per variable of ``f``; the origin when not given."""
    from gradscape.errors import DomainError
    from gradscape.formula.parser import parse_number_list

    if text is None:
        return [0.0] * len(f.variables)
    values = parse_number_list(text)
    if len(values) != len(f.variables):
        raise DomainError(f"--start needs {len(f.variables)} number(s), one per variable "
                          f"({', '.join(f.variables)}); got {len(values)} from '{text}'")
    return list(values)


def tol(text: str) -> float | None:
    """``--tol``: a number, or None for 'none' / 'off' (run every step)."""
    from gradscape.errors import DomainError
    from gradscape.formula.parser import parse_number_list

    if text.strip().lower() in ("none", "off"):
        return None
    values = parse_number_list(text)
    if len(values) != 1:
        raise DomainError(f"--tol takes one number (or 'none'), got '{text}'")
    return values[0]


def hyper(items: list[str], methods: list[str]) -> dict[str, Any]:
    """``["beta=0.5", "nesterov=true"]`` → typed values, by the rule of each hyper-parameter."""
    from gradscape.errors import DomainError
    from gradscape.formula.parser import parse_number_list
    from gradscape.optim.optimizers import lookup

    rules = {h.name: h.rule for m in methods if m.strip().lower() != "auto"
             for h in lookup(m).hyper}
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
