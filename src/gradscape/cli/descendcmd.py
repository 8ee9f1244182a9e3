"""``gradscape descend``: one optimizer from one start — the path, the end and why it ended."""

from __future__ import annotations

import argparse

from gradscape.cli import options
from gradscape.cli.common import CommandSpec, emit

__all__ = ["SPECS"]


def _add(p: argparse.ArgumentParser) -> None:
    options.add_run_options(p, several=False)
    p.add_argument("--rows", type=int, default=8, metavar="K",
                   help="path rows shown (default 8)")


def _run(args: argparse.Namespace) -> int:
    from gradscape.cli.common import load_function
    from gradscape.optim.descend import descend

    f = load_function(args)
    t = descend(f, options.start(args.start, f), args.method, lr=args.lr, steps=args.steps,
                tol=options.tol(args.tol), schedule=args.schedule,
                **options.hyper(args.set, [args.method]))
    payload = {"function": f.text, **t.to_dict(max_points=args.rows)}
    if args.json:
        return emit(args, payload, [])
    from gradscape.cli.console import console, coords, number, table

    out = console()
    out.print(f"{t.method} on {f.signature()} = {f.text}, lr {t.lr:g}, {t.schedule}",
              soft_wrap=True)
    headers = [(name, "right") for name in ("step", *f.variables, f.name, "|∇f|")]
    rows = [[str(r), *(number(v, 8) for v in t.points[r]), number(t.values[r], 8),
             number(t.grad_norms[r], 3)] for r in t.rows(max(args.rows, 2))]
    out.print(table(out, headers, rows))
    ended = {"converged": f"converged (|∇f| < {args.tol}) after {t.steps} steps",
             "max-steps": f"stopped after the most steps, {t.steps}",
             "diverged": f"diverged at step {t.diverged_at}"}[t.status]
    out.print(f"{ended}: final {coords(t.final)}, {f.name} = {number(t.value)}, "
              f"|∇f| = {number(t.grad_norm, 3)}", soft_wrap=True)
    return 0


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "descend": CommandSpec(
        help="run an optimizer from a start point: the path, final point, value and status",
        examples=(
            "gradscape descend himmelblau --start 0,0",
            'gradscape descend "x^2 + 10y^2" --start 1,1 --method momentum --lr 0.05',
            "gradscape descend rosenbrock --start -1.2,1 --method adam --lr 0.1 --steps 3000",
            "gradscape descend himmelblau --start -1.5,2 --method rmsprop --schedule cosine --json",
        ),
        add_arguments=_add,
        run=_run,
    ),
}
