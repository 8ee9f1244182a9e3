"""Runs the CUDA kernels under Numba's CUDA simulator, in a process of its own.

``NUMBA_ENABLE_CUDASIM=1`` must be set before Numba is imported, so tests/test_cuda.py starts
``python tests/cuda_sim.py CHECK`` with it set; each CHECK runs the kernels on tiny inputs
(the simulator runs Python, thread by thread) and prints its numbers as one JSON line for the
test to judge. Nothing is asserted here.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", "run me through tests/test_cuda.py"

from gradscape.optim.descend import descend  # noqa: E402

CHECKS: dict[str, Callable[[], Any]] = {}


def check(fn: Callable[[], Any]) -> Callable[[], Any]:
    CHECKS[fn.__name__] = fn
    return fn


def rows(a: np.ndarray) -> list[Any]:
    return np.where(np.isfinite(a), a, None).tolist() if a.dtype.kind == "f" else a.tolist()


def batch(result: Any) -> dict[str, Any]:
    return {"final": rows(result.final), "values": rows(result.values),
            "steps": result.steps.tolist(), "status": list(result.status),
            "grad_norms": rows(result.grad_norms), "evals": result.evaluations.tolist()}


@check
def environment() -> Any:
    from gradscape.compile.cuda import environment, gpu_present

    return {**environment(), "gpu_present": gpu_present()}


@check
def bowl() -> Any:
    # GD on x² + 3y², fixed steps (the chunked path): one start's path, and a batch.
    starts = np.array([[1.0, 1.0], [-2.0, 0.5], [0.25, -3.0]])
    res = descend("x^2 + 3y^2", starts, "gd", lr=0.05, steps=40, tol=None, keep_paths=[1],
                  backend="cuda")
    return {**batch(res), "path": rows(res.trajectory(1).points)}


@check
def blowup() -> Any:
    # GD on x² with lr 1.5 from 1: x_k = (−2)^k, diverged once 5·4^k > 1e200 (mid-chunk).
    out = {}
    for tol in (None, 1e-8):
        t = descend("x^2", [1.0], "gd", lr=1.5, steps=1000, tol=tol, backend="cuda")
        out[str(tol)] = {"status": t.status, "steps": t.steps, "final": float(t.final[0])}
    r = descend("x^2", np.array([[1.0], [0.0]]), "gd", lr=1.5, steps=1000, tol=None,
                backend="cuda")
    out["batch"] = batch(r)
    return out


HIMMELBLAU_STARTS = [[0.0, 0.0], [-4.0, 4.0], [1.0, -3.0], [3.5, 2.5], [30.0, 30.0],
                     [-0.27, -0.92], [3.0, 2.0]]
RUNS = {  # method -> (lr, steps): some starts converge, one diverges, some run out of steps
    "gd": (0.01, 60), "momentum": (0.01, 60), "nesterov": (0.005, 60), "adagrad": (0.5, 60),
    "rmsprop": (0.01, 60), "adam": (0.05, 60), "adamw": (0.05, 60), "lion": (0.01, 60),
    "sgd": (0.02, 30),
}


@check
def methods() -> Any:
    # Every method with a kernel against the CPU's NumPy reference loop (which needs no
    # compiling: the suite stays short).
    return _methods(RUNS, ("numpy",))


def _methods(runs: dict[str, tuple[float, int]], cpus: tuple[str, ...]) -> Any:
    starts = np.array(HIMMELBLAU_STARTS)
    out: dict[str, Any] = {}
    for method, (lr, steps) in runs.items():
        for tol in (1e-8, None):
            args = dict(lr=lr, steps=steps, tol=tol)
            out[f"{method} {tol}"] = {
                "cuda": batch(descend("himmelblau", starts, method, backend="cuda", **args)),
                **{cpu: batch(descend("himmelblau", starts, method, backend=cpu, **args))
                   for cpu in cpus}}
    return out


@check
def paths() -> Any:
    # One start (its whole path kept) on the GPU and on the CPU, with a schedule.
    out = {}
    for method in ("momentum", "adam", "nesterov"):
        lr = 0.02
        runs = {b: descend("himmelblau", [-1.0, 1.0], method, lr=lr, steps=25,
                           schedule="cosine", backend=b) for b in ("cuda", "numpy")}
        out[method] = {b: {"points": rows(t.points), "values": rows(t.values),
                           "grad_norms": rows(t.grad_norms), "status": t.status,
                           "evaluations": list(t.evaluations)} for b, t in runs.items()}
    return out


@check
def float32() -> Any:
    # float32 on request: GD on Himmelblau from starts inside each basin.
    starts = np.array([[2.5, 2.5], [-2.5, 2.5], [-3.0, -3.0], [3.0, -1.5]])
    res = descend("himmelblau", starts, "gd", lr=0.01, steps=400, tol=1e-3, backend="cuda",
                  dtype=np.float32)
    return batch(res)


@check
def basins() -> Any:
    # A 7×6 grid of Himmelblau: labels on the device, and the basin map's on the CPU.
    from gradscape.formula.library import lookup
    from gradscape.optim.cuda import basin_labels
    from gradscape.plot.basins import basin_map

    box = ((-5.0, 5.0), (-5.0, 5.0))
    minima = np.array([m.point for m in lookup("himmelblau").minima])
    radius = 0.02 * float(np.hypot(10.0, 10.0))
    cpu = basin_map("himmelblau", box, 7, method="gd", lr=0.01, steps=300, minima=minima,
                    backend="numpy")
    x, y = np.linspace(-5, 5, 7), np.linspace(-5, 5, 7)
    got = basin_labels("himmelblau", x, y[:6], "gd", lr=0.01, steps=300, minima=minima,
                       radius=radius)
    few = basin_labels("himmelblau", x, y[:6], "gd", lr=0.01, steps=300, minima=minima[:3],
                       radius=radius)  # the fourth minimum left out of the table
    fast = basin_labels("himmelblau", x, y[:6], "gd", lr=0.01, steps=300, tol=None,
                        minima=minima, radius=radius, dtype=np.float32)
    # basin_map itself on the device, and a map whose second minimum is not in the table:
    # its starts converge "elsewhere" on the device and are clustered into a new centre.
    mapped = basin_map("himmelblau", box, 7, method="gd", lr=0.01, steps=300, minima=minima,
                       backend="cuda")
    well = "(x^2 - 1)^2 + y^2"
    half = {b: basin_map(well, ((-2.0, 2.0), (-1.0, 1.0)), 6, lr=0.05, steps=200,
                         minima=np.array([[1.0, 0.0]]), backend=b) for b in ("cuda", "numpy")}
    return {"cpu": cpu.labels[:6].tolist(), "labels": got.labels.tolist(),
            "cpu_full": cpu.labels.tolist(), "mapped": mapped.labels.tolist(),
            "mapped_counts": mapped.counts, "cpu_counts": cpu.counts, "mapped_lr": mapped.lr,
            "half": {b: [bm.labels.tolist(), bm.minima.tolist(), bm.counts]
                     for b, bm in half.items()},
            "dtypes": [str(a.dtype) for a in got], "values": got.values.tolist(),
            "steps": got.steps.tolist(), "codes": got.codes.tolist(),
            "few": few.labels.tolist(), "minima": minima.tolist(),
            "float32": fast.labels.tolist(), "float32_steps": fast.steps.tolist()}


@check
def fields() -> Any:
    # value and gradient on grids, flat points and a scalar input, GPU against CPU.
    from gradscape.calculus.function import Function
    from gradscape.fields.field import field

    out: dict[str, Any] = {}
    formulas = ("himmelblau", "ackley", "sigmoid(x) + relu(y) + cbrt(x y) + erf(x) + erfc(y) "
                "+ abs(y) + sign(x) + softplus(y) + atan2(y, 2 + x^2) + tanh(x) + log(4 + x)")
    for text in formulas:
        for dt in (np.float64, np.float32):
            a = field(text, n=6, backend="cuda", dtype=dt)
            b = field(text, n=6, backend="numpy", dtype=dt)
            out[f"{text[:10]} {dt.__name__}"] = [rows(a.data), rows(b.data)]
    k = Function("x*y + exp(z)").kernel("value_grad")
    pts = np.linspace(-1.0, 1.0, 5)
    out["flat"] = [rows(k(pts, pts[::-1], pts, backend=b)) for b in ("cuda", "numpy")]
    out["rcs"] = [rows(k(pts[None, :], pts[:, None], 0.5, backend=b)) for b in ("cuda", "numpy")]
    return out


@check
def bench() -> Any:
    # bench/gpu.py's tables at toy sizes (its JAX and CuPy peers are skipped when absent).
    import contextlib
    import io
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench import gpu

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        gpu.measure(m=4, steps=10, n=4, check=4, rounds=1, names=("himmelblau",),
                    dtypes=("float64",), cpu="numpy")
    return out.getvalue()


@check
def refusals() -> Any:
    from gradscape.errors import DomainError

    said = {}
    for name, call in {
        "armijo": lambda: descend("himmelblau", [1.0, 1.0], "armijo", backend="cuda"),
        "callable": lambda: descend(lambda x, y: np.where(x > 1, x, -x) + y * y, [1.0, 1.0],
                                    backend="cuda"),
        "float16": lambda: descend("x^2", [1.0], backend="cuda", dtype=np.float16),
    }.items():
        try:
            call()
            said[name] = None
        except DomainError as err:
            said[name] = str(err)
    return said


if __name__ == "__main__":
    print(json.dumps(CHECKS[sys.argv[1]]()))
