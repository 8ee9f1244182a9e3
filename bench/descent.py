"""Descent on many start points: gradscape's fused loops against a NumPy loop and JAX.

Himmelblau, 10^6 start points uniform in [-5, 5]² (10^5 with --quick), 200 steps each, float64,
``tol=None`` (every start takes every step). In one process it times (best of a few warm
runs, after one run that pays the JIT):

- NumPy: the vectorised loop written by hand (the peer): the gradient on whole arrays, then
  x -= lr·g, once per step;
- JAX: ``jit`` of a ``lax.fori_loop`` over the same gradient, when JAX is importable;
- the limit probe: gradient descent and momentum on Himmelblau written by hand as a blocked,
  parallel Numba loop over lanes (``prange`` over blocks of 512 starts, each block's
  coordinates in L1), strict IEEE as gradscape's loops (no fast-math, no FMA contraction), so
  both compute the same numbers; it is what the machine can do for this formula;
- gradscape: ``descend(formula, starts, method, steps=200, tol=None)`` for every first-order
  method in the table, each from the formula text (the fused Numba loop).

It reports million point-steps per second, the ratio to NumPy, to plain GD and, for GD and
momentum, to the limit probe (target ≥ 0.8); checks that gradscape's GD agrees with the NumPy
loop and with the probe; and times the first call in a fresh process that finds the loop in
the disk cache (no JIT). Runs are interleaved (every implementation once per round) and the
median of the rounds is reported: the machine is shared and noisy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

METHODS = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "lion")
BLOCK = 512
FORMULA = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"  # Himmelblau, typed as a user would
LR, STEPS = 0.01, 200


def numpy_loop(starts: np.ndarray, lr: float, steps: int) -> np.ndarray:
    """The peer: Himmelblau's gradient by hand, one vectorised NumPy pass per step."""
    x, y = starts[:, 0].copy(), starts[:, 1].copy()
    for _ in range(steps):
        a = x * x + y - 11.0
        b = x + y * y - 7.0
        gx = 4.0 * x * a + 2.0 * b
        gy = 2.0 * a + 4.0 * y * b
        x -= lr * gx
        y -= lr * gy
    return np.stack([x, y], axis=1)


def _probes() -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    """The limit probes: Himmelblau GD and momentum by hand, blocked and parallel."""
    from numba import njit, prange

    @njit(parallel=True, error_model="numpy")
    def gd(X: np.ndarray, lr: float, steps: int) -> None:
        m = X.shape[0]
        for b in prange((m + BLOCK - 1) // BLOCK):
            lo = b * BLOCK
            na = min(lo + BLOCK, m) - lo
            x = X[lo:lo + na, 0].copy()
            y = X[lo:lo + na, 1].copy()
            for _ in range(steps):
                for j in range(na):
                    a, c = x[j], y[j]
                    p = a * a + c - 11.0
                    q = a + c * c - 7.0
                    x[j] = a - lr * (4.0 * a * p + 2.0 * q)
                    y[j] = c - lr * (2.0 * p + 4.0 * c * q)
            X[lo:lo + na, 0] = x
            X[lo:lo + na, 1] = y

    @njit(parallel=True, error_model="numpy")
    def momentum(X: np.ndarray, lr: float, steps: int) -> None:
        m = X.shape[0]
        for b in prange((m + BLOCK - 1) // BLOCK):
            lo = b * BLOCK
            na = min(lo + BLOCK, m) - lo
            x = X[lo:lo + na, 0].copy()
            y = X[lo:lo + na, 1].copy()
            u = np.zeros(na)
            v = np.zeros(na)
            for _ in range(steps):
                for j in range(na):
                    a, c = x[j], y[j]
                    p = a * a + c - 11.0
                    q = a + c * c - 7.0
                    u[j] = 0.9 * u[j] + (4.0 * a * p + 2.0 * q)
                    v[j] = 0.9 * v[j] + (2.0 * p + 4.0 * c * q)
                    x[j] = a - lr * u[j]
                    y[j] = c - lr * v[j]
            X[lo:lo + na, 0] = x
            X[lo:lo + na, 1] = y

    def runner(fn: Callable[..., None]) -> Callable[[np.ndarray], np.ndarray]:
        def run(starts: np.ndarray) -> np.ndarray:
            X = starts.copy()
            fn(X, LR, STEPS)
            return X
        fn(np.zeros((4, 2)), LR, 1)  # compile outside the timings
        return run

    return {"gd": runner(gd), "momentum": runner(momentum)}


def _jax_loop() -> Callable[[np.ndarray], np.ndarray] | None:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)

    @jax.jit
    def run(p: jnp.ndarray) -> jnp.ndarray:
        def body(_: int, q: jnp.ndarray) -> jnp.ndarray:
            x, y = q[:, 0], q[:, 1]
            a = x * x + y - 11.0
            b = x + y * y - 7.0
            return q - LR * jnp.stack([4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b], axis=1)

        return jax.lax.fori_loop(0, STEPS, body, p)

    return lambda p: np.asarray(run(jnp.asarray(p)).block_until_ready())


def _timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds (all threads) of one call, and its result."""
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def _best(fn: Callable[[], object], repeats: int) -> tuple[float, float, object]:
    """Best wall-clock and best CPU seconds over ``repeats`` runs, and a result."""
    runs = [_timed(fn) for _ in range(repeats)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[-1][2]


def _divider_ceiling(steps: int) -> float:
    """M lane-steps/s, one core, of nothing but 2 square roots and 2 divisions per lane-step.

    AdaGrad, RMSProp, Adam and AdamW need exactly that per 2-D point-step, and the floating
    point divider is shared by both operations: this is their ceiling on this CPU.
    """
    from numba import njit

    @njit(nogil=True, error_model="numpy")
    def spin(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray, steps: int) -> None:
        for _ in range(steps):
            for j in range(a.shape[0]):
                a[j] = a[j] - 1e-3 * b[j] / (np.sqrt(c[j]) + 1e-8)
                b[j] = b[j] - 1e-3 * a[j] / (np.sqrt(d[j]) + 1e-8)

    lanes = np.random.default_rng(1).uniform(1.0, 2.0, (4, 512))
    spin(*lanes, 1)
    best = min(_best(lambda: spin(*lanes, steps * 20), 3)[:2])
    return 512 * steps * 20 / best / 1e6


def _second_process() -> float:
    """Seconds a fresh process takes from import to its first descent (the disk cache warm)."""
    root = str(Path(__file__).resolve().parents[1])
    code = ("import time; t = time.perf_counter(); import numpy as np; "
            "from gradscape.optim.descend import descend; "
            f"descend({FORMULA!r}, np.zeros((1000, 2)), 'gd', steps=10, tol=None); "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=root, timeout=300)
    return float(out.stdout.split()[-1])


def run(quick: bool = False) -> None:
    """Print the table; a few minutes on a 2-core machine (about one with quick)."""
    from gradscape.calculus.function import Function
    from gradscape.optim.descend import descend

    console = Console(width=120)
    m = 100_000 if quick else 1_000_000
    rounds = 3 if quick else 5
    starts = np.random.default_rng(0).uniform(-5.0, 5.0, (m, 2))
    work = m * STEPS / 1e6  # million point-steps per run

    with tempfile.TemporaryDirectory(prefix="gradscape-bench-") as cache:
        os.environ["GRADSCAPE_CACHE_DIR"] = cache  # an honest cold JIT, and no trace left
        f = Function(FORMULA)
        runners: dict[str, Callable[[], object]] = {
            "NumPy loop (by hand)": lambda: numpy_loop(starts, LR, STEPS)}
        jax_loop = _jax_loop()
        if jax_loop is not None:
            jax_loop(starts[:10])
            runners["JAX jit + lax.fori_loop"] = lambda: jax_loop(starts)
        probes = _probes()
        for name, probe in probes.items():
            runners[f"limit probe {name} (by hand)"] = lambda probe=probe: probe(starts)
        first: dict[str, float] = {}
        for method in METHODS:
            t0 = time.perf_counter()
            descend(f, starts[:64], method, steps=2, tol=None)  # the loop (once per method)
            descend(f, starts, method, steps=5, tol=None)  # and the fused step
            first[method] = time.perf_counter() - t0
            runners[f"gradscape {method}"] = (
                lambda method=method: descend(f, starts, method, steps=STEPS, tol=None))
        # Interleaved: every implementation once per round, so load from other processes
        # falls on all of them alike; medians over rounds.
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in runners}
        results: dict[str, object] = {}
        for _ in range(rounds):
            for name, fn in runners.items():
                wall, cpu, results[name] = _timed(fn)
                times[name].append((wall, cpu))
        second = _second_process()

    wall = {name: float(np.median([w for w, _ in ts])) for name, ts in times.items()}
    cpu = {name: float(np.median([c for _, c in ts])) for name, ts in times.items()}
    t_np, t_gd = wall["NumPy loop (by hand)"], wall["gradscape gd"]
    table = Table(title=f"Himmelblau, {m:,} starts × {STEPS} steps, float64, tol=None, median "
                        f"of {rounds} interleaved rounds ({os.cpu_count()} CPUs; load average "
                        f"{os.getloadavg()[0]:.1f})")
    for col in ("implementation", "seconds", "M point-steps/s", "× NumPy", "× gd",
                "× limit probe", "M point-steps per CPU-s", "note"):
        table.add_column(col, justify="left" if col in ("implementation", "note") else "right")
    for name in runners:
        method = name.removeprefix("gradscape ")
        probe = f"limit probe {method} (by hand)"
        gd_ratio = f"{t_gd / wall[name]:.2f}" if name.startswith("gradscape") else ""
        probe_ratio = f"{wall[probe] / wall[name]:.2f}" if probe in wall else ""
        note = f"first call {first[method]:.1f} s" if method in first else ""
        table.add_row(name, f"{wall[name]:.3f}", f"{work / wall[name]:,.0f}",
                      f"{t_np / wall[name]:.1f}", gd_ratio, probe_ratio,
                      f"{work / cpu[name]:,.0f}", note)
    console.print(table)

    gd = results["gradscape gd"]
    ref = results["NumPy loop (by hand)"]
    both = np.isfinite(ref).all(1) & np.isfinite(gd.final).all(1)  # type: ignore[attr-defined]
    diff = float(np.abs(gd.final[both] - ref[both]).max())  # type: ignore[attr-defined]
    console.print(f"gradscape gd vs the NumPy loop: max |Δx| = {diff:.2e} over {both.sum():,} "
                  f"finite finals ({'ok' if diff <= 1e-9 else 'ABOVE 1e-9'}); statuses "
                  f"{json.dumps(gd.counts())}")  # type: ignore[attr-defined]
    ratios = {k: wall[f"limit probe {k} (by hand)"] / wall[f"gradscape {k}"] for k in probes}
    slowest = max(METHODS, key=lambda k: wall[f"gradscape {k}"])
    console.print("targets: " + "; ".join(f"{k} ≥ 0.8× the limit probe: {r:.2f}×"
                                          for k, r in ratios.items())
                  + f"; every first-order method ≥ 0.5× gd: slowest {slowest} at "
                  f"{t_gd / wall[f'gradscape {slowest}']:.2f}×")
    ceiling = _divider_ceiling(STEPS)
    adam_core = work / cpu["gradscape adam"]
    console.print(f"divider ceiling of the adaptive methods (2 √ + 2 ÷ per 2-D point-step, one "
                  f"core): {ceiling:,.0f} M/s; Adam runs {adam_core:,.0f} M point-steps per "
                  f"CPU-s ({adam_core / ceiling:.0%} of it)")
    console.print(f"first descent in a fresh process (imports + disk-cached loop, no JIT): "
                  f"{second:.2f} s")
