"""A worker process of the explorer's server: ``python -m gradscape.web.worker FD MEMORY WARM
[NICE]``.

It caps its address space at MEMORY MiB, keeps BLAS to one thread, ignores Ctrl-C (the
server handles it), warms up, says "ready" on the socket FD, then answers ``(task, request)``
messages with ``("ok", json_bytes)`` or ``("error", status, body)`` until told to stop.
Both ends of the socket belong to the server: nothing else can write to it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["main"]


def main(argv: list[str]) -> None:
    """Answer tasks on the socket ``argv[0]`` until told to stop or the socket closes, with the
    address space capped at ``argv[1]`` MiB (0: no cap), warming up first if ``argv[2]`` is 1,
    and the niceness raised by ``argv[3]`` when given."""
    fd, memory_mb, warm = int(argv[0]), int(argv[1]), argv[2] == "1"
    if len(argv) > 3 and int(argv[3]) > 0:
        os.nice(int(argv[3]))  # a heavy lane's worker: the light lane's answers come first
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                "NUMBA_NUM_THREADS"):
        os.environ[var] = "1"
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_mb > 0:
        import resource

        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    conn = Connection(fd)
    from gradscape.web import tasks
    from gradscape.web.errors import error_body

    if warm:
        with contextlib.suppress(Exception):
            tasks.warm()
    try:
        conn.send(("ready", os.getpid()))
    except OSError:  # the server stopped while this worker warmed up
        return
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        name, payload = msg
        try:
            reply: tuple[Any, ...] = ("ok", tasks.run_task(name, payload))
        except Exception as err:  # every failure goes back as a structured 4xx
            status, body = error_body(err, payload.get("formula"))
            reply = ("error", status, body)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


if __name__ == "__main__":
    main(sys.argv[1:])
