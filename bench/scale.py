"""Scale-out: a Himmelblau basin map on a two-process Dask LocalCluster against this process.

Himmelblau over [-5, 5]², GD with lr 0.01, ``tol=None`` (every start takes every step, so the
work is known: n² starts × steps point-steps), n = 512 and 100 steps (256 with --quick),
tiles of 256² (128² with --quick). Sized to finish in about a minute on a shared 2-core
machine, most of it the one-off costs. Two ways to the same map:

- in process (the peer): :func:`gradscape.optim.basins.basin_map`, the fused loop over all
  starts on this machine's threads, labels in memory;
- Dask: :func:`gradscape.basins` with ``scheduler=`` a LocalCluster of 2 worker processes
  (1 thread each), one task per tile, each tile written to a Zarr store as it finishes.

The cluster is started once and its workers load the compiled loop before timing (both paid
once per run, reported apart). Rounds are interleaved (each way once per round) and medians
reported, with the ratio Dask / in process (the issue's target: ≥ 0.8 at 8,192²; this 2-core
machine is shared, so the figure here is for a smaller map), each worker's peak memory, and a
check that the two maps are equal label for label.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import tempfile
import time

import numpy as np
from rich.console import Console
from rich.table import Table

FORMULA = "himmelblau"
BOX = ((-5.0, 5.0), (-5.0, 5.0))
LR, ROUNDS = 0.01, 3


def _peak_rss() -> int:
    """This process's peak resident memory in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run(quick: bool = False) -> None:
    """Time both ways, interleaved, and print one table."""
    try:
        import distributed
    except ImportError:
        print("[skip] suite 'scale': needs the dask extra (pip install 'gradscape[dask]')")
        return
    from gradscape.optim.basins import basin_map
    from gradscape.scale.run import basins

    n, steps, chunk = (256, 100, 128) if quick else (512, 100, 256)
    kw = {"lr": LR, "steps": steps, "tol": None}
    work = n * n * steps
    console = Console()
    began = time.perf_counter()
    basin_map(FORMULA, BOX, 8, **kw)  # compiles (or loads) the loop here and on disk
    cold = {"compile or load here": time.perf_counter() - began}
    began = time.perf_counter()
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=40)
    client = distributed.Client(cluster)
    cold["start cluster"] = time.perf_counter() - began
    scratch = tempfile.mkdtemp(prefix="gradscape-bench-")
    try:
        began = time.perf_counter()
        basins(FORMULA, *BOX, 2 * chunk, chunks=chunk, scheduler=client,
               store=os.path.join(scratch, "warm.zarr"), lr=LR, steps=2, tol=None)
        cold["workers load the loop"] = time.perf_counter() - began
        times: dict[str, list[float]] = {"in process": [], "dask, 2 processes": []}
        here = there = None
        for r in range(ROUNDS):
            began = time.perf_counter()
            here = basin_map(FORMULA, BOX, n, **kw)
            times["in process"].append(time.perf_counter() - began)
            began = time.perf_counter()
            stored = basins(FORMULA, *BOX, n, chunks=chunk, scheduler=client,
                            store=os.path.join(scratch, f"r{r}.zarr"), **kw)
            times["dask, 2 processes"].append(time.perf_counter() - began)
            there = stored.load()
        peaks = sorted(client.run(_peak_rss).values())
    finally:
        client.close()
        cluster.close()
        shutil.rmtree(scratch, ignore_errors=True)
    assert here is not None and there is not None
    same = bool(np.array_equal(here.labels, there.labels)
                and np.array_equal(here.values, there.values)
                and np.array_equal(here.taken, there.taken))

    peer = statistics.median(times["in process"])
    table = Table(title=f"Himmelblau basin map, {n:,}² starts × {steps} steps (GD, every step), "
                        f"tiles of {chunk}², median of {ROUNDS} interleaved rounds")
    for col in ("way", "median s", "M point-steps/s", "× in process"):
        table.add_column(col, justify="right" if col != "way" else "left")
    for name, ts in times.items():
        t = statistics.median(ts)
        table.add_row(name, f"{t:.2f}", f"{work / t / 1e6:.0f}", f"{peer / t:.2f}")
    console.print(table)
    console.print("paid once: " + ", ".join(f"{k} {v:.1f} s" for k, v in cold.items()))
    console.print("peak memory per worker: " + ", ".join(f"{p / 2**20:.0f} MiB" for p in peaks)
                  + f" (tile of {chunk}²: ~{chunk * chunk * 100 / 2**20:.0f} MiB working set)")
    console.print(f"maps equal label for label, value for value: {same}")
