"""Scale-out: a Himmelblau basin map on a two-process Dask LocalCluster against this process.

Himmelblau over [-5, 5]², GD with lr 0.01, 100 steps, ``tol=None`` (every start takes every
step, so the work is known: n² starts × 100 point-steps). The size is n starts per axis:
512 by default (tiles of 256², about a minute on a shared 2-core machine), 256 with
--quick, and the issue's target with ``--size 8192`` (tiles of 1024²: 64 tasks). Three ways
to the same map, each way once per round, rounds interleaved, medians reported:

- "in process, into Zarr" (the peer the ratio is taken against):
  :func:`gradscape.optim.basins.basin_map`, the fused loop over all starts on this
  machine's threads and the labelling of every band, then the map's three arrays written to
  a Zarr group with the same chunks and codec as the Dask store;
- "in process, in memory": the same without the write (what ``basins`` without a store does);
- "dask, 2 processes": :func:`gradscape.basins` with ``scheduler=`` a LocalCluster of 2
  worker processes (1 thread each), one task per tile (its starts made on the worker, the
  loop run serially, its labelling, its three arrays and its flags written to the store),
  and the client's merge of the tiles' tables of minima at the end.

Same steps, tol, starts, labelling and table of minima everywhere; the maps are checked equal
label for label, value for value. Paid once and reported apart: compiling (or loading) the
loop here, starting the cluster, the workers loading the loop (``warm`` on each worker), and
one small map each way (first imports and calls).
From Dask's task stream: the median time of one task and the overhead per task (wall time ×
workers − the tasks' own time, over the task count). Peak memory per worker is each worker
process's peak resident size.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import tempfile
import time
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

FORMULA = "himmelblau"
BOX = ((-5.0, 5.0), (-5.0, 5.0))
LR, STEPS = 0.01, 100


def _peak_rss() -> int:
    """This process's peak resident memory in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _write(bm: Any, path: str, chunk: int) -> None:
    """The in-process map's arrays written as the Dask store writes them (same codec)."""
    import zarr

    group = zarr.open_group(path, mode="w")
    fast = zarr.codecs.ZstdCodec(level=1)  # as gradscape.scale.store
    for name, data in (("label", bm.labels), ("value", bm.values), ("steps", bm.taken)):
        arr = group.create_array(name, shape=data.shape, chunks=(chunk, chunk),
                                 dtype=data.dtype, compressors=fast)
        arr[...] = data


def _task_figures(stream: list[dict[str, Any]]) -> tuple[list[float], float, float]:
    """Compute time of each tile task, and the span from the first start to the last stop."""
    times, first, last = [], float("inf"), 0.0
    for rec in stream:
        if not str(rec.get("key", "")).startswith(("('tile_task", "tile_task")):
            continue
        for ss in rec.get("startstops", ()):
            if ss.get("action") == "compute":
                times.append(ss["stop"] - ss["start"])
                first, last = min(first, ss["start"]), max(last, ss["stop"])
    return times, first, last


def run(quick: bool = False, size: int | None = None, rounds: int | None = None) -> None:
    """Time the three ways, interleaved, and print one table and the one-off costs."""
    try:
        import distributed
    except ImportError:
        print("[skip] suite 'scale': needs the dask extra (pip install 'gradscape[dask]')")
        return
    from gradscape.optim.basins import basin_map
    from gradscape.scale.run import basins
    from gradscape.scale.tasks import warm

    n = size if size is not None else 256 if quick else 512
    chunk = min(1024, max(n // 2, 2))
    rounds = rounds if rounds is not None else (1 if n >= 4096 else 3)
    kw = {"lr": LR, "steps": STEPS, "tol": None}
    work = n * n * STEPS
    console = Console()
    console.print(f"load average before: {os.getloadavg()[0]:.2f} (1 min) on "
                  f"{os.cpu_count()} CPUs")
    began = time.perf_counter()
    basin_map(FORMULA, BOX, 8, backend="numba", **kw)  # compiles (or loads) the loop
    cold = {"compile or load here": time.perf_counter() - began}
    began = time.perf_counter()
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=40)
    client = distributed.Client(cluster)
    cold["start cluster"] = time.perf_counter() - began
    scratch = tempfile.mkdtemp(prefix="gradscape-bench-")
    ways = ("in process, into Zarr", "in process, in memory", "dask, 2 processes")
    times: dict[str, list[float]] = {w: [] for w in ways}
    tasks: list[float] = []
    overheads: list[float] = []
    same = True
    try:
        from gradscape.optim.basins import map_spec

        spec, _ = map_spec(FORMULA, BOX, n, method="gd", **kw)
        known = [list(p) for p in spec.minima]
        began = time.perf_counter()
        warm(spec.to_dict(), known, chunk)  # the fused step too, here, before the workers
        cold["load the tile pieces here"] = time.perf_counter() - began
        began = time.perf_counter()
        client.run(warm, spec.to_dict(), known, chunk)
        cold["workers load the loop"] = time.perf_counter() - began
        # One small untimed map each way first: imports on first use (zarr, dask.array) and
        # first calls are then paid before round 1, not inside it.
        small = basin_map(FORMULA, BOX, 64, backend="numba", **kw)
        _write(small, os.path.join(scratch, "small-here.zarr"), 32)
        basins(FORMULA, *BOX, 64, chunks=32, scheduler=client,
               store=os.path.join(scratch, "small.zarr"), **kw)
        for r in range(rounds):
            began = time.perf_counter()
            here = basin_map(FORMULA, BOX, n, backend="numba", **kw)
            _write(here, os.path.join(scratch, f"here{r}.zarr"), chunk)
            times[ways[0]].append(time.perf_counter() - began)
            shutil.rmtree(os.path.join(scratch, f"here{r}.zarr"), ignore_errors=True)
            del here
            began = time.perf_counter()
            here = basin_map(FORMULA, BOX, n, backend="numba", **kw)
            times[ways[1]].append(time.perf_counter() - began)
            with distributed.get_task_stream(client) as ts:
                began = time.perf_counter()
                stored = basins(FORMULA, *BOX, n, chunks=chunk, scheduler=client,
                                store=os.path.join(scratch, f"r{r}.zarr"), **kw)
                wall = time.perf_counter() - began
            times[ways[2]].append(wall)
            each, first, last = _task_figures(ts.data)
            tasks += each
            overheads.append(((last - first) * 2 - sum(each)) / max(len(each), 1))
            there = stored.load()
            same = same and bool(np.array_equal(here.labels, there.labels)
                                 and np.array_equal(here.values, there.values)
                                 and np.array_equal(here.taken, there.taken))
            del here, there, stored
            shutil.rmtree(os.path.join(scratch, f"r{r}.zarr"), ignore_errors=True)
        peaks = sorted(client.run(_peak_rss).values())
    finally:
        client.close()
        cluster.close()
        shutil.rmtree(scratch, ignore_errors=True)

    peer = statistics.median(times[ways[0]])
    table = Table(title=f"Himmelblau basin map, {n:,}² starts × {STEPS} steps (GD, every step), "
                        f"tiles of {chunk}², median of {rounds} interleaved round(s)")
    for col in ("way", "median s", "M point-steps/s", "× in process, into Zarr"):
        table.add_column(col, justify="right" if col != "way" else "left")
    for name, ts_ in times.items():
        t = statistics.median(ts_)
        table.add_row(name, f"{t:.2f}", f"{work / t / 1e6:.0f}", f"{peer / t:.2f}")
    console.print(table)
    console.print("paid once: " + ", ".join(f"{k} {v:.1f} s" for k, v in cold.items()))
    console.print(f"per task ({len(tasks)} tile tasks): median {statistics.median(tasks):.3f} s "
                  f"of compute ({chunk * chunk * STEPS / statistics.median(tasks) / 1e6:.0f} M "
                  f"point-steps/s on one thread); overhead per task "
                  f"{statistics.median(overheads) * 1e3:.0f} ms (2 × span − task time, "
                  "over tasks)")
    console.print("peak memory per worker: " + ", ".join(f"{p / 2**20:.0f} MiB" for p in peaks)
                  + f" (tile of {chunk}²: ~{chunk * chunk * 100 / 2**20:.0f} MiB working set)")
    console.print(f"maps equal label for label, value for value: {same}")
    console.print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")
