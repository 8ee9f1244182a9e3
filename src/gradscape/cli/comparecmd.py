"""``gradscape compare``: several optimizers from one start, each at its own best rate."""

from __future__ import annotations

import argparse

from gradscape.cli import bounds, options
from gradscape.cli.common import CommandSpec, emit

__all__ = ["SPECS"]


def _add(p: argparse.ArgumentParser) -> None:
    options.add_run_options(p, several=True)
    p.add_argument("--tune", action=argparse.BooleanOptionalAction, default=None,
                   help="give each method its best learning rate from one grid (1e-5 … 1), "
                        "as a fair comparison needs; the default when --lr is not given")


def _run(args: argparse.Namespace) -> int:
    from gradscape.cli.common import held_lines, held_payload, load_function
    from gradscape.errors import DomainError
    from gradscape.optim.auto import choose_method
    from gradscape.optim.descend import descend
    from gradscape.optim.optimizers import lookup

    f = load_function(args)
    asked = [m.strip() for m in args.methods.split(",") if m.strip()]
    methods = [choose_method(f)[0] if m.lower() == "auto" else lookup(m).name for m in asked]
    # "auto" is shown as what it chose, so a row for it and one for that method read apart
    labels = [f"auto: {m}" if a.lower() == "auto" else m
              for a, m in zip(asked, methods, strict=True)]
    if not methods:
        raise DomainError("--methods needs at least one method, like --methods gd,adam")
    start, tol = options.start(args.start, f), options.tol(args.tol)
    hyper = options.hyper(args.set, methods)
    tune = args.tune if args.tune is not None else args.lr is None
    if tune and args.lr is not None:
        raise DomainError("--tune picks the learning rates itself; drop --lr or --tune")
    dims, paths = len(f.variables), len(methods)
    per_step = 16 * (dims + 3) * (4 if tune else 1)
    bounds.check("--steps", args.steps, bounds.steps_cap(dims, paths, tune),
                 f"for {paths} {'tuned ' if tune else ''}method(s) in {dims} variable(s) "
                 f"({per_step} bytes a kept step each; about 1 GB in all)")
    runs = []
    for m in methods:
        own = {k: v for k, v in hyper.items() if k in {h.name for h in lookup(m).hyper}}
        if lookup(m).fixed:
            own = {k: v for k, v in own.items() if k not in lookup(m).fixed}
        if tune and lookup(m).uses_lr:
            from gradscape.optim.tune import tune_lr

            runs.append(tune_lr(f, start, m, steps=args.steps, tol=tol,
                                schedule=args.schedule, **own).trajectory)
        else:
            runs.append(descend(f, start, m, lr=args.lr, steps=args.steps, tol=tol,
                                schedule=args.schedule, **own))
    payload = {"function": f.text, "variables": list(f.variables), **held_payload(f),
               "start": start,
               "tol": tol, "tuned": tune, "runs": [
                   {"method": t.method, "asked": label,
                    "lr": t.lr if lookup(t.method).uses_lr else None,
                    "status": t.status, "steps": t.steps,
                    "final": [float(v) for v in t.final], "value": t.value,
                    "grad_norm": t.grad_norm, "diverged_at": t.diverged_at,
                    "evaluations": {"nfev": t.evaluations[0], "njev": t.evaluations[1],
                                    "nhev": t.evaluations[2]}}
                   for t, label in zip(runs, asked, strict=True)]}
    if args.json:
        return emit(args, payload, [])
    from gradscape.cli.console import console, coords, number, table

    out = console()
    out.print(f"{f.signature()} = {f.text} from {coords(start)}", soft_wrap=True)
    for line in held_lines(f):
        out.print(line, soft_wrap=True)
    headers = [("method", "left"), ("lr", "right"), ("status", "left"), ("steps", "right"),
               ("∇f evals", "right"), ("final point", "left"), (f.name, "right"),
               ("|∇f|", "right")]
    rows = [[label, f"{t.lr:g}" if lookup(t.method).uses_lr else "—", t.status,
             str(t.steps), str(t.evaluations[1]), coords(t.final, 6), number(t.value, 6),
             number(t.grad_norm, 3)] for t, label in zip(runs, labels, strict=True)]
    out.print(table(out, headers, rows))
    if tune:
        out.print("learning rates: each method's best on a grid from 1e-5 to 1 (fewest steps "
                  "to tolerance, else lowest f); --lr sets one rate for all", soft_wrap=True)
    return 0


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "compare": CommandSpec(
        help="several optimizers from the same start: steps to tolerance, final point, status",
        examples=(
            "gradscape compare himmelblau --start -1.5,2",
            "gradscape compare rosenbrock --start -1.2,1 --methods auto,cg,gd,adam,newton "
            "--steps 5000",
            'gradscape compare "x^2 + 10y^2" --start 1,1 --methods gd,momentum --lr 0.05 --json',
        ),
        add_arguments=_add,
        run=_run,
    ),
}
