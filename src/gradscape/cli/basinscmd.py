"""``gradscape basins``: a basin map of any size into a Zarr store, here or on a Dask cluster.

Parses options and calls :func:`gradscape.scale.basins`; prints where the map went, how the
starts ended and each minimum's share. No maths here.
"""

from __future__ import annotations

import argparse
from typing import Any

from gradscape.cli import options
from gradscape.cli.common import CommandSpec, add_formula, add_json, emit

__all__ = ["SPECS"]


def _add(p: argparse.ArgumentParser) -> None:
    add_formula(p)
    options.add_grid(p, n=512)
    p.add_argument("--method", default="gd", metavar="NAME",
                   help=f"{options.method_names()} (default gd)")
    p.add_argument("--lr", type=float, help="learning rate (default: the method's own)")
    p.add_argument("--steps", type=int, default=500, metavar="S",
                   help="most steps from each start (default 500, at most 65,535)")
    p.add_argument("--tol", default="1e-8", metavar="TOL", help="a start has converged when "
                   "|∇f| < TOL (default 1e-8; 'none' runs every step)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a hyper-parameter of the method, e.g. --set b1=0.8")
    p.add_argument("--out", required=True, metavar="MAP.zarr",
                   help="the Zarr store to write (arrays label, value, steps)")
    options.add_cluster_options(p)
    p.add_argument("--chunk", type=int, metavar="C",
                   help="tile side: one task computes C×C starts (default 1024, or N if smaller)")
    p.add_argument("--resume", action="store_true",
                   help="finish an interrupted map in --out: only missing tiles are computed")
    add_json(p)


def _run(args: argparse.Namespace) -> int:
    import sys
    import time

    from gradscape.cli.common import load_function
    from gradscape.cli.console import progress_bar
    from gradscape.scale.run import basins

    f = load_function(args)
    hyper = options.hyper(args.set, [args.method])

    def announce(link: str) -> None:
        sys.stderr.write(f"gradscape: Dask dashboard: {link}\n")

    began = time.perf_counter()
    try:
        with progress_bar(True, "tiles") as tick:
            stored: Any = basins(f, *options.grid_box(args), args.n, method=args.method,
                                 lr=args.lr, steps=args.steps, tol=options.tol(args.tol),
                                 chunks=args.chunk,
                                 scheduler=args.scheduler, workers=args.workers,
                                 store=args.out, resume=args.resume, progress=tick,
                                 announce=announce, **hyper)
    except KeyboardInterrupt:  # finished tiles are in the store, flagged done: say how to go on
        sys.stderr.write(f"gradscape: interrupted; the finished tiles are kept in {args.out}: "
                         "run the same command with --resume to compute the rest\n")
        return 130
    seconds = time.perf_counter() - began
    spec = stored.spec
    payload = {"output": args.out, "function": f.text, "starts": spec.n ** 2, "n": spec.n,
               "chunk": stored.store.chunk, "method": spec.method, "lr": spec.lr,
               "steps": spec.steps, "seconds": seconds, "counts": stored.counts,
               "minima": [{"point": list(p), "kind": k, "share": float(s)}
                          for p, k, s in zip(stored.minima.tolist(), stored.kinds,
                                             stored.share())]}
    return emit(args, payload, _lines(args.out, payload))


def _lines(out: str, p: dict[str, Any]) -> list[str]:
    from gradscape.cli.console import coords

    tiles = (-(-p["n"] // p["chunk"])) ** 2
    lines = [f"wrote {out}: {p['starts']:,} starts ({p['n']:,}² in {tiles:,} tiles of "
             f"{p['chunk']:,}²), {p['method']} lr {p['lr']:g}, at most {p['steps']:,} steps, "
             f"{p['seconds']:.1f} s",
             ", ".join(f"{name} {count:,}" for name, count in p["counts"].items())]
    lines += [f"{coords(m['point'], 6)} {m['kind']}: {100 * m['share']:.1f}% of starts"
              for m in p["minima"]]
    lines.append(f"draw it: gradscape plot basins --from {out} -o map.png")
    return lines


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "basins": CommandSpec(
        help="a basin map of any size into a Zarr store: here, or on a Dask cluster",
        examples=(
            "gradscape basins himmelblau -n 512 --lr 0.01 --out map.zarr",
            "gradscape basins himmelblau --x -5,5 --y -5,5 -n 8192 --lr 0.01 --workers 2 "
            "--out big.zarr",
            "gradscape basins himmelblau -n 65536 --lr 0.01 --steps 1000 --scheduler "
            "tcp://10.0.0.5:8786 --out /shared/huge.zarr",
            "gradscape basins himmelblau -n 65536 --lr 0.01 --steps 1000 --scheduler "
            "tcp://10.0.0.5:8786 --out /shared/huge.zarr --resume",
        ),
        add_arguments=_add,
        run=_run,
    ),
}
