"""The explorer's server under load: ``gradscape serve`` on loopback, driven by HTTP clients.

- single requests, one at a time (median): a field seen before (the reply cache), a new field,
  a point, and 4 methods × 500 steps from two starts;
- 16 concurrent clients for a fixed time, mixing point, field and descend requests over many
  formulas: throughput, p50 and p99 latency, shed requests (503, by design), other errors,
  and the memory of the server and its workers;
- the same with two of the clients hostile or slow (exact critical points that run to their
  budget, formulas the parser refuses, a grid over the limit): the light requests' p99.

- the page in Debian's Chromium (Playwright; skipped with a note when either is missing):
  editing a formula until its contours, arrows and maths are drawn, and the frame rate of the
  descent animation with 4 methods × 2,000 steps.

Beside each single request: the CPU time the server and its workers spent on it (on a shared
machine the wall time includes waiting for a core), and the load average at the start.

Run: ``python -m bench web`` (``--quick``: shorter phases). Loopback only; the server is a
real ``gradscape serve`` process, stopped at the end. Medians and percentiles; no assertions.
"""

from __future__ import annotations

import os
import random
import select
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

# Formulas the clients draw from; a coefficient varies per request, so some repeat (cache hits)
# and most do not.
SHAPES = [
    "x^2 + {c} y^2", "(1 - x)^2 + {c} (y - x^2)^2", "(x^2 + y - 11)^2 + (x + y^2 - {c})^2",
    "sin(x) cos(y) + {c} x^2 / 10", "exp(-(x^2 + y^2) / {c}) + x y / 10",
    "log(1 + x^2 + {c} y^2)", "x^4 - {c} x^2 + y^2", "sqrt(x^2 + y^2 + {c})",
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _formula(rng: random.Random) -> str:
    return rng.choice(SHAPES).format(c=rng.randint(1, 12))


def _request(rng: random.Random) -> tuple[str, dict[str, Any]]:
    f = _formula(rng)
    kind = rng.choice(("point", "field", "descend"))
    if kind == "point":
        return kind, {"formula": f, "at": [rng.uniform(-2, 2), rng.uniform(-2, 2)]}
    if kind == "field":
        w = rng.choice((2.0, 3.0, 4.0))
        return kind, {"formula": f, "x": [-w, w], "y": [-w, w], "n": 80}
    starts = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(2)]
    return kind, {"formula": f, "starts": starts, "steps": 500,
                  "methods": [{"name": "gd", "lr": 0.01}, {"name": "adam", "lr": 0.05}]}


def _hostile(rng: random.Random) -> tuple[str, dict[str, Any]]:
    return rng.choice([
        ("critical", {"formula": "sin(x y) + x^5 y^3 - exp(x) cos(y^2) + x^7 - y^6",
                      "budget": 5}),  # exact solving runs its whole budget
        ("analyze", {"formula": f"exp(sin(x y) cos(x^2 y)) log(1 + x^4 y^2) / (1 + sin(x)^2)"
                                f" + tanh(x^3 - y) sqrt(1 + y^{rng.randint(2, 9)})"}),  # slow
        ("analyze", {"formula": "x^2 + sinn(y)"}),  # refused with a caret: 422
        ("field", {"formula": "x", "x": [-1, 1], "y": [-1, 1], "n": 100_000}),  # over the limit
        ("point", {"formula": "(" * 300 + "x" + ")" * 300, "at": [1]}),  # deep nesting
    ])


class Server:
    """A real ``gradscape serve`` on a free loopback port."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gradscape", "serve", "--no-open", "--port", str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 180)
        if not ready:
            self.stop()
            raise RuntimeError("the server did not start")
        self.proc.stdout.readline()
        self.url = f"http://127.0.0.1:{self.port}"
        with httpx.Client(base_url=self.url, timeout=180) as c:  # until the workers are warm
            c.post("/api/point", json={"formula": "x + y", "at": [1, 2]})
            c.post("/api/critical", json={"formula": "x^2 + y^2"})

    def memory_mb(self) -> float:
        """Resident memory of the server and every worker, in MiB."""
        stats = httpx.get(f"{self.url}/api/stats", timeout=30).json()
        pids = [self.proc.pid] + [p for name, lane in stats.items() if name != "cache"
                                  for p in lane["pids"]]
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/status") as fh:
                    line = next(x for x in fh if x.startswith("VmRSS:"))
                total += int(line.split()[1])
            except (OSError, StopIteration):
                pass
        return total / 1024

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _cpu_ms(pids: list[int]) -> float:
    """CPU time the processes ``pids`` have used (every thread), in ms: the scheduler's own
    count in nanoseconds (/proc/PID/task/TID/schedstat), not the 10 ms ticks of /proc/stat."""
    total = 0
    for pid in pids:
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/schedstat") as fh:
                    total += int(fh.read().split()[0])
        except (OSError, IndexError, ValueError):
            pass
    return total / 1e6


def _single(server: Server, repeats: int) -> dict[str, tuple[float, float]]:
    """Median ms of one request at a time, and median CPU ms of the server and workers."""
    rng = random.Random(1)
    stats = httpx.get(f"{server.url}/api/stats", timeout=30).json()
    pids = [server.proc.pid] + [p for name, lane in stats.items() if name != "cache"
                                for p in lane["pids"]]
    out: dict[str, list[float]] = {k: [] for k in (
        "field, seen before (cache)", "field 80×80, new", "point, new",
        "parse + field 80×80 (a new formula's view)", "analyze (a new formula's maths)",
        "descend 4 methods × 500 steps, 2 starts")}
    cpu: dict[str, list[float]] = {k: [] for k in out}
    methods = [{"name": n, "lr": lr} for n, lr in
               (("gd", 0.01), ("momentum", 0.01), ("adam", 0.05), ("rmsprop", 0.01))]
    seen = {"formula": "x^2 + 3y^2", "x": [-3, 3], "y": [-3, 3], "n": 80}
    with httpx.Client(base_url=server.url, timeout=120) as c:
        c.post("/api/field", json=seen)
        for i in range(repeats):
            jobs = {
                "field, seen before (cache)": ("field", seen),
                "field 80×80, new": ("field", {**seen,
                                               "formula": f"x^2 + 3y^2 + {i + 1} x y / 100"}),
                "point, new": ("point", {"formula": f"x^2 + 3y^2 + {i + 1} x", "at": [0.5, 1]}),
                "parse + field 80×80 (a new formula's view)": ("parse", {
                    "formula": f"x^2 + {i + 2} y^2 + sin(x y) / 3", "view": {"n": 80}}),
                "analyze (a new formula's maths)": ("analyze", {
                    "formula": f"x^2 + {i + 2} y^2 + sin(x y) / 3"}),
                "descend 4 methods × 500 steps, 2 starts": ("descend", {
                    "formula": "x^2 + 3y^2", "steps": 500, "tol": None, "methods": methods,
                    "starts": [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(2)]}),
            }
            for name, (path, body) in jobs.items():
                c0 = _cpu_ms(pids)
                t = time.perf_counter()
                r = c.post(f"/api/{path}", json=body)
                out[name].append((time.perf_counter() - t) * 1e3)
                cpu[name].append(_cpu_ms(pids) - c0)
                assert r.status_code == 200, r.text
    return {k: (statistics.median(v), statistics.median(cpu[k])) for k, v in out.items()}


def _load(server: Server, clients: int, seconds: float, hostile: int) -> dict[str, Any]:
    """``clients`` threads for ``seconds``; the first ``hostile`` send hostile or slow work."""
    light: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        rng = random.Random(k)
        with httpx.Client(base_url=server.url, timeout=60) as c:
            while time.monotonic() < stop:
                bad = k < hostile
                path, body = _hostile(rng) if bad else _request(rng)
                t = time.perf_counter()
                try:
                    code = str(c.post(f"/api/{path}", json=body).status_code)
                except httpx.HTTPError as err:
                    code = type(err).__name__
                ms = (time.perf_counter() - t) * 1e3
                with lock:
                    statuses[("hostile " if bad else "") + code] += 1
                    if not bad and code == "200":
                        light.append(ms)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"throughput": len(light) / wall, "p50": _percentile(light, 0.5),
            "p99": _percentile(light, 0.99), "statuses": dict(statuses),
            "memory": server.memory_mb()}


def run(quick: bool = False) -> None:
    console = Console()
    seconds, repeats = (8.0, 5) if quick else (20.0, 15)
    console.print(f"load average at the start: {os.getloadavg()[0]:.2f} "
                  f"(1 min), cpus: {os.cpu_count()}")
    server = Server()
    try:
        single = _single(server, repeats)
        table = Table(title=f"One request at a time, loopback (median of {repeats}, ms)")
        table.add_column("request")
        table.add_column("ms", justify="right")
        table.add_column("CPU ms", justify="right")
        for name, (ms, cpu) in single.items():
            table.add_row(name, f"{ms:.1f}", f"{cpu:.0f}")
        console.print(table)
        from bench.webpage import page_figures

        page = page_figures(server.url, edits=5 if quick else 10)
        if isinstance(page, str):
            console.print(f"[skip] the page in Chromium: {page}")
        else:
            table = Table(title="The page in Chromium (Playwright; median, ms unless said)")
            table.add_column("measure")
            table.add_column("value", justify="right")
            for name, value in page.items():
                table.add_row(name, f"{value:.1f}")
            console.print(table)

        table = Table(title=f"16 clients for {seconds:g} s: point, field 80×80 and descend "
                            "(2 starts × 2 methods × 500 steps) over many formulas")
        for col in ("mix", "ok req/s", "p50 ms", "p99 ms", "statuses", "memory MiB"):
            table.add_column(col, justify="left" if col in ("mix", "statuses") else "right")
        for label, hostile in (("light only", 0), ("2 of 16 hostile or slow", 2)):
            r = _load(server, 16, seconds, hostile)
            shown = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
            table.add_row(label, f"{r['throughput']:.1f}", f"{r['p50']:.0f}", f"{r['p99']:.0f}",
                          shown, f"{r['memory']:.0f}")
        console.print(table)
        console.print(f"(cpus: {os.cpu_count()}; load average at the end "
                      f"{os.getloadavg()[0]:.2f}; 503 is the designed answer of a full queue; "
                      "hostile requests get 4xx by design)")
    finally:
        server.stop()


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
