"""Run cases in worker processes with per-case limits: 5 s of CPU time (a case over it is a
hang) and 1 GB of memory (peak resident size; each worker also has a 4 GB address-space
limit as a backstop). A worker that stops answering is killed and replaced."""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import time
from collections import Counter
from multiprocessing.connection import wait
from typing import Any

__all__ = ["run", "TIME_LIMIT", "MEMORY_LIMIT"]

TIME_LIMIT = 5.0  # seconds of CPU per case
MEMORY_LIMIT = 1 << 30  # bytes of peak resident memory
_HARD_WAIT = 60.0  # wall seconds before a silent worker is killed (the machine is shared)
_RECYCLE = 1000  # cases per worker where each case's own peak is measured (Linux ≥ 4.0)
_RECYCLE_UNMEASURED = 150  # elsewhere: a worker's peak so far stays attributable to few cases


class _HangError(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _HangError


def _worker(conn: Any, numba_every: int) -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    signal.signal(signal.SIGPROF, _alarm)
    from fuzz.case import run_case
    from fuzz.generate import case_text

    # Imports and first compilations (SymPy, NumPy, Numba, the CLI: about 2 s of CPU) happen
    # once per worker, before the clock of any case starts.
    run_case("x^2 + sin(y)", numba=numba_every > 0)
    while True:
        job = conn.recv()
        if job is None:
            return
        seed, index = job
        text = case_text(seed, index)
        _reset_peak()
        start = time.process_time()
        signal.setitimer(signal.ITIMER_PROF, TIME_LIMIT)
        try:
            report = run_case(text, numba=numba_every > 0 and index % numba_every == 0)
        except _HangError:
            report = {"text": text, "outcome": "hang", "problems": [("hang", "over 5 s")]}
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        report["cpu"] = time.process_time() - start
        report["rss"] = _peak_rss()
        if report["rss"] > MEMORY_LIMIT:
            report["problems"].append(("memory", f"peak {report['rss'] / 2**20:.0f} MB"))
        report["index"] = index
        conn.send(report)


def _reset_peak() -> bool:
    """Start this worker's peak resident size afresh at its current size, so that the peak
    read after a case is that case's own (Linux ≥ 4.0); False where that cannot be done."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak_rss() -> int:
    """This worker's peak resident memory in bytes. Linux's VmHWM belongs to the process
    image, so it starts afresh at exec; ru_maxrss survives exec, so a worker spawned by a big
    parent (a test runner at 1 GB) would report the parent's peak as its own."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run(cases: int, seed: int = 0, jobs: int = 2, numba_every: int = 25,
        first: int = 0, log: Any = None, seconds: float | None = None,
        progress: Any = None, every: int = 500,
        indices: list[int] | None = None) -> dict[str, Any]:
    """Run cases ``first`` … ``first + cases - 1`` of ``seed``; a summary with every problem.
    With ``seconds``, no case starts after that long (the summary counts those that ran).
    ``progress(summary)``, if given, is called after every ``every`` cases. ``indices``, if
    given, are the cases to run instead (a replay of those a fix may change)."""
    ctx = mp.get_context("spawn")
    pending = (list(range(first, first + cases)) if indices is None else list(indices))[::-1]
    workers: list[list[Any]] = []  # [process, connection, job, started, done]
    summary: dict[str, Any] = {"cases": 0, "outcomes": Counter(), "problems": [], "checked": 0,
                               "cpu": 0.0, "max_cpu": 0.0, "max_rss": 0, "seconds": 0.0}
    began = time.perf_counter()
    recycle = _RECYCLE if _reset_peak() else _RECYCLE_UNMEASURED

    def spawn() -> list[Any]:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, numba_every), daemon=True)
        proc.start()
        return [proc, parent, None, 0.0, 0]

    def give(w: list[Any]) -> None:
        if pending and (seconds is None or time.perf_counter() - began < seconds):
            w[2], w[3] = pending.pop(), time.perf_counter()
            w[1].send((seed, w[2]))
        else:
            w[2] = None

    for _ in range(max(1, jobs)):
        w = spawn()
        workers.append(w)
        give(w)
    while any(w[2] is not None for w in workers):
        # Wait for whichever worker answers first: polling them in turn left a finished
        # worker idle for the others' poll timeouts (cases take tens of milliseconds).
        ready = set(wait([w[1] for w in workers if w[2] is not None], timeout=1.0))
        for i, w in enumerate(workers):
            if w[2] is None:
                continue
            if w[1] in ready:
                try:
                    report = w[1].recv()
                except EOFError:  # the worker died (killed for memory, crashed)
                    report = {"index": w[2], "outcome": "crash",
                              "problems": [("crash", f"worker exit {w[0].exitcode}")]}
            elif time.perf_counter() - w[3] > _HARD_WAIT or not w[0].is_alive():
                report = {"index": w[2], "outcome": "hang",
                          "problems": [("hang", "no answer; worker killed")]}
                w[0].kill()
            else:
                continue
            _record(summary, report, seed, log)
            if progress is not None and summary["cases"] % every == 0:
                progress({**summary, "seconds": time.perf_counter() - began})
            w[4] += 1
            if not w[0].is_alive() or w[4] >= recycle or report["outcome"] in ("hang", "crash"):
                if w[0].is_alive():
                    w[1].send(None)
                    w[0].join(10)
                w = workers[i] = spawn()
            give(w)
    for w in workers:
        if w[0].is_alive():
            w[1].send(None)
            w[0].join(10)
    summary["seconds"] = time.perf_counter() - began
    summary["outcomes"] = dict(summary["outcomes"])
    return summary


def _record(summary: dict[str, Any], report: dict[str, Any], seed: int, log: Any) -> None:
    summary["cases"] += 1
    summary["checked"] += report.get("checked", 0)
    summary["outcomes"][report.get("outcome", "?")] += 1
    summary["cpu"] += report.get("cpu", 0.0)
    summary["max_cpu"] = max(summary["max_cpu"], report.get("cpu", 0.0))
    summary["max_rss"] = max(summary["max_rss"], report.get("rss", 0))
    for kind, detail in report.get("problems", []):
        from fuzz.generate import case_text

        found = {"seed": seed, "index": report["index"], "kind": kind, "detail": detail,
                 "text": case_text(seed, report["index"])}
        summary["problems"].append(found)
        if log is not None:
            log(found)
