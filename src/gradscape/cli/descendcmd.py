"""``gradscape descend``: one optimizer from one start — the path, the end and why it ended."""

from __future__ import annotations

import argparse

from gradscape.cli import bounds, options
from gradscape.cli.common import CommandSpec, emit

__all__ = ["SPECS"]


def _add(p: argparse.ArgumentParser) -> None:
    options.add_run_options(p, several=False)
    options.add_backend(p)
    p.add_argument("--rows", type=int, default=8, metavar="K",
                   help="path rows shown (default 8)")


def _run(args: argparse.Namespace) -> int:
    from gradscape.cli.common import held_lines, held_payload, load_function
    from gradscape.optim.descend import descend

    f = load_function(args)
    dims = len(f.variables)
    bounds.check("--steps", args.steps, bounds.steps_cap(dims, 1), f"for a descent in {dims} "
                 f"variable(s) ({16 * (dims + 3)} bytes a kept step; about 1 GB in all)")
    t = descend(f, options.start(args.start, f), args.method, lr=args.lr, steps=args.steps,
                tol=options.tol(args.tol), schedule=args.schedule, backend=args.backend,
                batch=args.batch, epochs=args.epochs, seed=args.seed,
                **options.hyper(args.set, [args.method]))
    payload = {"function": f.text, **held_payload(f), **t.to_dict(max_points=args.rows)}
    if args.json:
        return emit(args, payload, [])
    import numpy as np

    from gradscape.cli.console import console, coords, number, table

    out = console()
    from gradscape.optim.optimizers import lookup

    rate = f", lr {t.lr:g}, {t.schedule}" if lookup(t.method).uses_lr else ", line search"
    out.print(f"{t.method} on {f.signature()} = {f.text}{rate}", soft_wrap=True)
    if t.note:
        out.print(t.note, soft_wrap=True)
    for line in held_lines(f):
        out.print(line, soft_wrap=True)
    headers = [(name, "right") for name in ("step", *f.variables, f.name, "|∇f|")]
    rows = [[str(r), *(number(v, 8) for v in t.points[r]), number(t.values[r], 8),
             number(t.grad_norms[r], 3)] for r in t.rows(max(args.rows, 2))]
    out.print(table(out, headers, rows))
    from gradscape.optim.result import STATUS_TEXT

    epochs = getattr(t, "epoch_values", None)
    if epochs is not None:
        shown = sorted({int(v) for v in np.linspace(0, len(epochs) - 1, min(len(epochs), 6))})
        out.print(table(out, [("epoch", "right"), ("step", "right"), (f"{f.name} (all rows)",
                                                                        "right")],
                        [[str(e), str(t.epoch_steps[e]), number(epochs[e], 8)]
                         for e in shown]))
        out.print(f"{t.batch} rows per step, seed {t.seed}; the per-step {f.name} above is "
                  "the loss on that step's batch", soft_wrap=True)
    ended = {"converged": f"converged (|∇f| < {args.tol}) after {t.steps} steps",
             "max-steps": (f"ran {len(epochs) - 1} epochs, {t.steps} steps" if epochs is not None
                           else f"stopped after the most steps, {t.steps}"),
             "diverged": f"diverged at step {t.diverged_at}"}.get(
                 t.status, f"{STATUS_TEXT[t.status]} at step {t.steps}")
    out.print(f"{ended}: final {coords(t.final)}, {f.name} = {number(t.value)}, "
              f"|∇f| = {number(t.grad_norm, 3)}", soft_wrap=True)
    return 0


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "descend": CommandSpec(
        help="run an optimizer from a start point: the path, final point, value and status",
        examples=(
            "gradscape descend himmelblau --start 0,0",
            "gradscape descend rosenbrock --start -1.2,1 --method lbfgs",
            'gradscape descend "x^2 + 10y^2" --start 1,1 --method momentum --lr 0.05',
            "gradscape descend rosenbrock --start -1.2,1 --method adam --lr 0.1 --steps 3000",
            "gradscape descend himmelblau --start -1.5,2 --method rmsprop --schedule cosine --json",
            'gradscape descend "(w*x + b - y)^2" --wrt w,b --data examples/data/linear.csv '
            "--method sgd --batch 32 --epochs 40 --seed 3",
        ),
        add_arguments=_add,
        run=_run,
    ),
}
