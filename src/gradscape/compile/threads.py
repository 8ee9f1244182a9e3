"""One shared pool of worker threads for the compiled loops, and how work is split over it.

Compiled kernels and descent loops are serial ``nogil`` Numba functions over a range of rows
or blocks; this module runs them on several ranges at once. Plain threads instead of Numba's
``prange`` for three reasons: the parallel-loop passes double the JIT time; Numba's default
threading layer refuses two parallel calls from two threads at once (a web server makes such
calls); and the number of threads is chosen per call, never by changing Numba's process-wide
setting around a call, which would race between threads.

The pool is created on first use, shared by every caller (tasks queue; results never depend
on how work was split, since every row is computed alone by the same code) and shut down at
exit or by :func:`shutdown`.

>>> import numpy as np
>>> out = np.zeros(10)
>>> def fill(lo, hi):
...     out[lo:hi] = np.arange(lo, hi)
>>> run_split(fill, 10, min_items=1)
>>> out.tolist() == list(range(10))
True
"""

from __future__ import annotations

import atexit
import itertools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

__all__ = ["workers", "run_split", "shutdown"]

_LOCK = threading.Lock()
_POOL: list[ThreadPoolExecutor] = []  # zero or one pool
_TASKS_PER_WORKER = 4  # uneven rows (starts that stop early) still balance across workers
_SMALL = 16  # jobs under 16 × their minimum split are short: waking workers may not pay


def workers() -> int:
    """Threads to use: ``$GRADSCAPE_THREADS`` if set, else the CPUs this process may use."""
    env = os.environ.get("GRADSCAPE_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _cpus_busy() -> bool:
    # Waking a worker costs microseconds on an idle machine but a scheduler tick (4-8 ms,
    # measured on a loaded 2-core machine) when every CPU is already busy; there one thread
    # is faster. The 1-minute load average counts our own threads too: only a load clearly
    # above the CPU count means other work competes for them.
    try:
        return os.getloadavg()[0] > workers() + 0.5
    except (AttributeError, OSError):
        return False


def _pool() -> ThreadPoolExecutor:
    with _LOCK:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(workers(), thread_name_prefix="gradscape"))
        return _POOL[0]


def shutdown() -> None:
    """Stop the shared pool (a later call starts a new one). Registered to run at exit."""
    with _LOCK:
        pools = list(_POOL)
        _POOL.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown)


def run_split(fn: Callable[[int, int], object], total: int, *, min_items: int) -> None:
    """Call ``fn(lo, hi)`` over consecutive ranges covering ``[0, total)``.

    One call on the calling thread when ``total < 2 * min_items``, when only one worker is
    available, or for small jobs (under ``_SMALL`` × ``min_items``) when the CPUs are busy;
    otherwise a few ranges per worker on the shared pool. Exceptions from any range are
    raised here.
    """
    threads = min(workers(), total // max(min_items, 1))
    small = total < _SMALL * max(min_items, 1)
    if threads <= 1 or threading.current_thread().name.startswith("gradscape") \
            or (small and _cpus_busy()):
        # (a task of the pool that splits again would wait on its own pool: run inline)
        fn(0, total)
        return
    pieces = min(total, _TASKS_PER_WORKER * threads)
    edges = np.linspace(0, total, pieces + 1).round().astype(int)
    futures = [_pool().submit(fn, int(lo), int(hi)) for lo, hi in itertools.pairwise(edges)
               if hi > lo]
    for future in futures:
        future.result()
