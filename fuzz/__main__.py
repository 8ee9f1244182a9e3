"""``python -m fuzz --cases N --seed S --jobs J``: run the harness, print a summary and every
problem (as JSON lines with the case's seed, index and text, for replay)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from fuzz.runner import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first", type=int, default=0, help="index of the first case")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--numba-every", type=int, default=25,
                        help="also check the Numba kernels on every N-th case (0: never)")
    parser.add_argument("--minutes", type=float, help="start no case after this long")
    parser.add_argument("--replay", type=int, help="run one case in this process, verbosely")
    parser.add_argument("--indices", type=argparse.FileType("r"),
                        help="a file of case indices (one a line) to run instead of --cases")
    args = parser.parse_args(argv)
    if args.replay is not None:
        from fuzz.case import run_case
        from fuzz.generate import case_text

        print(json.dumps(run_case(case_text(args.seed, args.replay), numba=True), default=str))
        return 0

    def log(found: dict[str, object]) -> None:
        print(json.dumps(found, ensure_ascii=True), flush=True)

    def progress(summary: dict[str, Any]) -> None:
        # a running total, so that a run stopped early still says how far it got
        done = {k: v for k, v in summary.items() if k != "problems"}
        print(json.dumps({"progress": {**done, "outcomes": dict(done["outcomes"]),
                                       "problems": len(summary["problems"])}}), flush=True)

    indices = None if args.indices is None else [int(n) for n in args.indices.read().split()]
    summary = run(args.cases, args.seed, args.jobs, args.numba_every, args.first, log,
                  None if args.minutes is None else 60 * args.minutes, progress,
                  indices=indices)
    problems = summary.pop("problems")
    print(json.dumps({**summary, "problems": len(problems)}), flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
