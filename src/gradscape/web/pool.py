"""Worker processes for the server: a time budget per request, a memory cap, a bounded queue.

SymPy can run for minutes on an unlucky formula and NumPy can ask for gigabytes, so no maths
runs in the server's process. A :class:`Lane` is a few worker processes fed by one bounded
queue: a full queue refuses at once (:class:`BusyError`, a 503); a request that runs past its
budget has its worker's whole process group killed (it may have forked an exact solver) and
the worker replaced (:class:`TimeLimitError`); a worker that dies is replaced too
(:class:`WorkerCrashError`). Each worker caps its address space with ``RLIMIT_AS``, keeps its
BLAS to one thread, and warms up (imports, first kernels) before it takes work.

Pebble's pool was the first choice; it was not used because its workers are daemonic (so the
exact critical-point solver, which forks a child it can kill, would be skipped) and it kills
a stuck worker but not what that worker forked.

Workers are fresh interpreters (``python -m gradscape.web.worker``) joined by a socket pair,
each in its own session. Waiting on a worker happens in a thread per worker slot, never on
the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["Lane", "BusyError", "TimeLimitError", "WorkerCrashError", "TaskError", "LaneConfig"]

_READY_TIMEOUT = 180.0  # seconds a new worker may take to import and warm up (a busy machine)


class BusyError(Exception):
    """The queue is full: the server sheds this request instead of letting it wait."""


class TimeLimitError(Exception):
    """The request ran past its time budget; its worker was killed and replaced."""


class WorkerCrashError(Exception):
    """The worker died while computing (out of memory, a crash in native code)."""


class TaskError(Exception):
    """The task refused its input: an HTTP status and a structured error body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body


@dataclass(frozen=True)
class LaneConfig:
    """How many workers, how long the queue, the time budget (s), the memory cap (MiB), and
    how much lower the workers' CPU priority is than the server's."""

    workers: int = 2
    queue: int = 32
    budget: float = 10.0
    memory_mb: int = 2048
    warm: bool = True
    nice: int = 0  # added to the workers' niceness: slow symbolic work yields the CPU to clicks


@dataclass
class _Job:
    name: str
    payload: dict[str, Any]
    future: asyncio.Future[bytes]
    budget: float


@dataclass
class _Slot:
    """One worker process and the parent's end of its pipe."""

    process: subprocess.Popen[bytes] | None = None
    starting: subprocess.Popen[bytes] | None = None  # a worker still warming up
    conn: Connection | None = None
    served: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Lane:
    """Worker processes behind one bounded queue (see the module docstring)."""

    def __init__(self, name: str, config: LaneConfig) -> None:
        self.name = name
        self.config = config
        self._slots = [_Slot() for _ in range(max(1, config.workers))]
        self._queue: asyncio.Queue[_Job] | None = None
        self._threads = ThreadPoolExecutor(max_workers=len(self._slots) * 2,
                                           thread_name_prefix=f"gradscape-{name}")
        self._runners: list[asyncio.Task[None]] = []
        self._closing = threading.Event()
        self.stats = {"done": 0, "shed": 0, "timeouts": 0, "crashes": 0, "restarts": 0}

    # ---- life cycle -------------------------------------------------------------------------
    async def start(self) -> None:
        """Start the workers (each warms up in the background) and their dispatchers."""
        self._queue = asyncio.Queue(maxsize=self.config.queue)
        loop = asyncio.get_running_loop()
        for slot in self._slots:
            self._runners.append(loop.create_task(self._serve(slot)))

    async def close(self) -> None:
        """Stop the dispatchers and every worker, those still warming up included."""
        self._closing.set()
        for task in self._runners:
            task.cancel()
        for task in self._runners:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for slot in self._slots:
            self._stop(slot, polite=True)
            if slot.starting is not None:  # its own session: nothing else would stop it
                _kill(slot.starting)
        self._threads.shutdown(wait=False, cancel_futures=True)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for memory figures and tests)."""
        return [s.process.pid for s in self._slots if s.process is not None
                and s.process.poll() is None]

    @property
    def pending(self) -> int:
        return self._queue.qsize() if self._queue is not None else 0

    # ---- work -------------------------------------------------------------------------------
    async def submit(self, name: str, payload: dict[str, Any],
                     budget: float | None = None) -> bytes:
        """Queue a task; its JSON reply, or one of this module's exceptions."""
        if self._queue is None:
            raise RuntimeError("the lane is not started")
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        job = _Job(name, payload, future, budget or self.config.budget)
        try:
            self._queue.put_nowait(job)
        except asyncio.QueueFull:
            self.stats["shed"] += 1
            raise BusyError(f"the {self.name} queue is full ({self.config.queue} waiting)") \
                from None
        return await future

    async def _serve(self, slot: _Slot) -> None:
        loop = asyncio.get_running_loop()
        assert self._queue is not None
        while True:
            if slot.process is None:
                try:
                    await loop.run_in_executor(self._threads, self._spawn, slot)
                except Exception:
                    await asyncio.sleep(1.0)  # could not start one: try again, do not spin
                    continue
            job = await self._queue.get()
            if job.future.done():  # the client went away while it waited
                continue
            try:
                reply = await loop.run_in_executor(self._threads, self._call, slot, job)
            except (TimeLimitError, WorkerCrashError) as err:
                self.stats["timeouts" if isinstance(err, TimeLimitError) else "crashes"] += 1
                await loop.run_in_executor(self._threads, self._stop, slot, False)
                if not job.future.done():
                    job.future.set_exception(err)
                continue
            except asyncio.CancelledError:
                self._stop(slot, polite=False)
                raise
            self.stats["done"] += 1
            if job.future.done():
                continue
            if reply[0] == "ok":
                job.future.set_result(reply[1])
            else:
                job.future.set_exception(TaskError(reply[1], reply[2]))

    def _spawn(self, slot: _Slot) -> None:
        # A fresh interpreter (not multiprocessing): nothing of the server's process, its
        # threads or its __main__ comes along, and its own session is its process group.
        ours, theirs = socket.socketpair()
        proc = subprocess.Popen(
            [sys.executable, "-m", "gradscape.web.worker", str(theirs.fileno()),
             str(self.config.memory_mb), "1" if self.config.warm else "0",
             str(self.config.nice)],
            pass_fds=(theirs.fileno(),), start_new_session=True, stdin=subprocess.DEVNULL)
        theirs.close()
        parent = Connection(ours.detach())
        slot.starting = proc
        try:
            # wait in short polls, so that a server shutting down is not held up by a worker
            # that is still importing
            waited = 0.0
            while not parent.poll(0.25):
                waited += 0.25
                if self._closing.is_set() or waited >= _READY_TIMEOUT or proc.poll() is not None:
                    _kill(proc)
                    parent.close()
                    raise WorkerCrashError("a worker did not start in time")
        finally:
            slot.starting = None
        try:
            parent.recv()
        except (EOFError, OSError) as err:
            _kill(proc)
            parent.close()
            raise WorkerCrashError("a worker stopped while starting") from err
        slot.process, slot.conn, slot.served = proc, parent, 0
        if self.stats["done"] or self.stats["timeouts"] or self.stats["crashes"]:
            self.stats["restarts"] += 1

    def _call(self, slot: _Slot, job: _Job) -> tuple[Any, ...]:
        conn = slot.conn
        assert conn is not None
        try:
            conn.send((job.name, job.payload))
            if not conn.poll(job.budget):
                raise TimeLimitError(f"over the time budget of {job.budget:g} s")
            reply: tuple[Any, ...] = conn.recv()
        except (EOFError, OSError, BrokenPipeError) as err:
            raise WorkerCrashError("the worker stopped while computing") from err
        slot.served += 1
        return reply

    def _stop(self, slot: _Slot, polite: bool) -> None:
        proc, conn = slot.process, slot.conn
        slot.process, slot.conn = None, None
        if proc is None:
            return
        if polite and conn is not None:
            with contextlib.suppress(OSError, ValueError):
                conn.send(None)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(2.0)
        _kill(proc)
        if conn is not None:
            conn.close()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker's process group (the worker and any child it forked), then reap."""
    if proc.pid is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5.0)


# The type of a function that sends work to a lane (the app's seam for tests).
Submit = Callable[[str, dict[str, Any]], Any]
