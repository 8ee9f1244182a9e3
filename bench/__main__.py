"""Run benchmark suites registered in ONE table.

    python -m bench fields            # one suite
    python -m bench all --quick       # every registered suite, smaller sizes
    python -m bench scale --size 8192 # a suite that takes a size, at that size

A suite is a module with ``run(quick: bool) -> None`` that prints its own tables. A
registered suite whose module is not written yet is skipped with a note.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys

SUITES: dict[str, str] = {
    "startup": "bench.startup",  # CLI cold start vs import sympy; formula text -> gradient
    "fields": "bench.fields",  # gradient fields: compiled kernels vs hand-written NumPy
    "descent": "bench.descent",  # optimizers on many start points
    "gpu": "bench.gpu",  # CUDA kernels vs JAX and CuPy on one GPU (says so without one)
    "optimizers": "bench.optimizers",  # classic problems vs SciPy; cold start of auto
    "data": "bench.data",  # loss over 10^6 rows: reduction kernel vs hand NumPy and JAX
    "scale": "bench.scale",  # a basin map on a 2-process Dask LocalCluster vs in process
    "web": "bench.web",  # the explorer's server: latency, throughput, shedding, memory
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("suite", choices=[*SUITES, "all"], help="which suite to run")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument("--size", type=int, help="problem size, for a suite that takes one "
                        "(scale: starts per axis)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds, for a suite that "
                        "takes them (scale)")
    args = parser.parse_args(argv)
    names = list(SUITES) if args.suite == "all" else [args.suite]
    given = {k: v for k, v in (("size", args.size), ("rounds", args.rounds)) if v is not None}
    if given and len(names) != 1:
        parser.error("--size and --rounds go with one suite, not 'all'")
    for name in names:
        try:
            module = importlib.import_module(SUITES[name])
        except ModuleNotFoundError as err:
            if err.name != SUITES[name]:
                raise
            print(f"[skip] suite {name!r}: {SUITES[name]} is not written yet")
            continue
        takes = inspect.signature(module.run).parameters
        unknown = [f"--{k}" for k in given if k not in takes]
        if unknown:
            parser.error(f"suite {name!r} does not take {' or '.join(unknown)}")
        module.run(quick=args.quick, **given)
    return 0


if __name__ == "__main__":
    sys.exit(main())
