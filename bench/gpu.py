"""Descent on the GPU: gradscape's CUDA kernels against JAX and a CuPy array loop, same GPU.

In one process, on one GPU, with every start's whole loop on the device:

- gradscape: the CUDA kernel of ``descend(..., backend="cuda")`` (one thread per start, the
  step loop in registers, no FMA contraction), timed on data already on the device; also
  the same kernel compiled with NVVM's default contraction (``fma``), to show what exact
  arithmetic costs, and ``descend`` end to end (transfers included);
- JAX: ``jit`` of ``vmap`` of a ``lax.fori_loop`` of ``x - lr·grad(f)(x)`` (float64 with
  ``jax_enable_x64``), when JAX is importable;
- CuPy: the gradient written by hand as array expressions, one pass per operation per step,
  when CuPy is importable.

Workloads: Himmelblau (a polynomial) and Ackley (exp, sqrt, cos), 2²⁴ starts uniform in
[-5, 5]² × 500 steps, tol=None (every start takes every step), float64 and float32; then an
8,192² × 500-step basin map of Himmelblau (gd, lr 0.01, tol 1e-8) end to end: the kernel
and the transfer of its labels, values, steps and statuses. ``--quick``: 2²⁰ starts × 100
steps and a 2,048² map. Rounds are interleaved (each implementation once per round) and the
median is reported, as point-steps per second and as ratios to JAX and CuPy.

Agreement: gradscape's float64 final points against the fused CPU loop (the first 2¹⁶
starts, GD and momentum; share within 1e-12 relative, statuses equal) and against JAX; the
basin labels of a 1,024² map against the CPU's basin map (share that differ, and whether
each lies within one cell of a boundary).

Targets (issue 16): ≥ 1×10¹² point-steps/s float64 on an H200, ≥ 10× JAX in the same run;
the 8,192² map within 1 s including the transfer of its labels.

Without a GPU it says so plainly, times nothing on a device and exits 0; it reports what
this machine can: the PTX generation of the benchmark's kernels for a Hopper GPU (seconds,
and whether the code has fused multiply-adds or spills to local memory) where NVVM is
installed, and the CPU figures the GPU's are to be compared with (the fused Numba loop on
the same workloads, fewer starts; the CPU basin map, smaller).

On a GPU machine, run it through the device check, which first checks correctness against
the CPU (the tests marked gpu) and keeps the logs: ``bash bench/gpu_check.sh`` (about 4
minutes, 7.5 at most). With the device tool (15 minutes a session; leave time to rerun)::

    run(command="bash bench/gpu_check.sh", timeout_s=480)

(that machine's ``python3`` has numba-cuda, JAX and CuPy; gradscape runs from ``src``.)
"""

from __future__ import annotations

import importlib
import os
import statistics
import time
import types
from collections.abc import Callable
from typing import Any

import numpy as np

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # leave room for the others

HIMMELBLAU = "himmelblau"
ACKLEY = "ackley"
LR = 0.01
ROUNDS = 5


def run(quick: bool = False) -> None:
    from gradscape.compile.cuda import environment, gpu_present

    env = environment()
    print("GPU descent: gradscape's CUDA kernels vs JAX and CuPy")
    for key, value in env.items():
        print(f"  {key}: {value}")
    if not gpu_present():
        print("\nNO GPU HERE: nothing is timed on a device. Run `python -m bench gpu` (or "
              "bench/gpu_check.sh) on a machine with an NVIDIA GPU.\nWhat this machine can "
              "report instead: PTX generation, and the CPU figures the GPU is compared with.")
        without_gpu(quick)
        return
    if quick:
        measure(1 << 20, 100, 2048, 1024)
    else:
        measure(1 << 24, 500, 8192, 1024)


def measure(m: int, steps: int, n: int, check: int, rounds: int = ROUNDS,
            names: tuple[str, ...] = (HIMMELBLAU, ACKLEY),
            dtypes: tuple[str, ...] = ("float64", "float32"), cpu: str = "numba") -> None:
    """Every table: ``m`` starts × ``steps`` steps, an n² basin map and a check² comparison
    with the CPU loop ``cpu`` (tests run it on the simulator with tiny sizes and the NumPy
    reference loop, which needs no compiling)."""
    starts = np.random.default_rng(0).uniform(-5, 5, (m, 2))
    for name in names:
        for dtype in dtypes:
            _descent(name, dtype, starts, steps, rounds)
    _agreement(starts[: 1 << 16], steps, cpu)
    _basins(n, 500 if n >= 256 else steps, check, rounds, cpu)


# ---- the implementations ---------------------------------------------------------------
def _gradscape(name: str, dtype: str, starts: np.ndarray, steps: int, exact: bool
               ) -> tuple[Callable[[], None], Callable[[], np.ndarray]]:
    """Launch-and-wait of gradscape's kernel on device-resident data, and its result."""
    from gradscape.calculus.function import Function
    from gradscape.compile import cuda as device
    from gradscape.optim import cuda as gc
    from gradscape.optim.optimizers import OPTIMIZERS

    cuda = device.numba_cuda()
    opt = OPTIMIZERS["gd"]
    f = Function(name)
    kernel = gc.build_kernel(f, opt, dtype, "descent")
    args = gc.descent_args(opt, {}, starts, np.full(steps, LR), steps, -1.0,
                           np.zeros(0, np.int64), dtype)
    on = [cuda.to_device(a) if isinstance(a, np.ndarray) else a for a in args]
    blocks = -(-len(starts) // device.threads())

    def go() -> None:
        if exact:
            with device.exact():
                kernel[blocks, device.threads()](*on)
        else:
            kernel[blocks, device.threads()](*on)
        cuda.synchronize()

    return go, lambda: on[8].copy_to_host()


def _jax(name: str, dtype: str, starts: np.ndarray, steps: int
         ) -> tuple[Callable[[], None], Callable[[], np.ndarray]] | None:
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    def himmelblau(p: Any) -> Any:
        x, y = p[0], p[1]
        return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2

    def ackley(p: Any) -> Any:
        x, y = p[0], p[1]
        return (-20 * jnp.exp(-0.2 * jnp.sqrt(0.5 * (x * x + y * y)))
                - jnp.exp(0.5 * (jnp.cos(2 * jnp.pi * x) + jnp.cos(2 * jnp.pi * y)))
                + jnp.e + 20)

    grad = jax.grad(himmelblau if name == HIMMELBLAU else ackley)
    lr = jnp.asarray(LR, dtype=dtype)

    def one(p: Any) -> Any:
        return jax.lax.fori_loop(0, steps, lambda i, q: q - lr * grad(q), p)

    run = jax.jit(jax.vmap(one))
    x0 = jax.device_put(jnp.asarray(starts, dtype=dtype))
    box: list[Any] = [None]

    def go() -> None:
        box[0] = run(x0)
        box[0].block_until_ready()

    return go, lambda: np.asarray(box[0])


def _cupy(name: str, dtype: str, starts: np.ndarray, steps: int
          ) -> tuple[Callable[[], None], Callable[[], np.ndarray]] | None:
    try:
        import cupy as cp
    except ImportError:
        return None
    x0 = cp.asarray(starts[:, 0], dtype=dtype)
    y0 = cp.asarray(starts[:, 1], dtype=dtype)
    box: list[Any] = [None, None]
    pi = np.pi

    def go() -> None:
        x, y = x0.copy(), y0.copy()
        for _ in range(steps):
            if name == HIMMELBLAU:
                a = x * x + y - 11.0
                b = x + y * y - 7.0
                gx = 4.0 * x * a + 2.0 * b
                gy = 2.0 * a + 4.0 * y * b
            else:
                r = cp.sqrt(0.5 * (x * x + y * y))
                e1 = 2.0 * cp.exp(-0.2 * r) / r
                e2 = pi * cp.exp(0.5 * (cp.cos(2 * pi * x) + cp.cos(2 * pi * y)))
                gx = e1 * x + e2 * cp.sin(2 * pi * x)
                gy = e1 * y + e2 * cp.sin(2 * pi * y)
            x -= LR * gx
            y -= LR * gy
        cp.cuda.Device().synchronize()
        box[0], box[1] = x, y

    return go, lambda: np.stack([cp.asnumpy(box[0]), cp.asnumpy(box[1])], axis=1)


# ---- the workloads ------------------------------------------------------------------------
def _timed(runs: dict[str, Callable[[], None]], rounds: int = ROUNDS) -> dict[str, float]:
    """Median seconds of each, over interleaved rounds after one warm-up (compile) each."""
    first = {}
    for name, go in runs.items():
        t0 = time.perf_counter()
        go()
        first[name] = time.perf_counter() - t0
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, go in runs.items():
            t0 = time.perf_counter()
            go()
            times[name].append(time.perf_counter() - t0)
    for name in runs:
        print(f"    {name:22} first call {first[name]:7.2f} s (compile included)")
    return {name: statistics.median(ts) for name, ts in times.items()}


def _descent(name: str, dtype: str, starts: np.ndarray, steps: int, rounds: int) -> None:
    work = len(starts) * steps
    print(f"\n{name}, gd lr {LR}, {len(starts):,} starts × {steps} steps, {dtype}, tol=None")
    impls: dict[str, Any] = {
        "gradscape": _gradscape(name, dtype, starts, steps, exact=True),
        "gradscape (fma)": _gradscape(name, dtype, starts, steps, exact=False),
        "jax jit+vmap+fori": _jax(name, dtype, starts, steps),
        "cupy array loop": _cupy(name, dtype, starts, steps),
    }
    for key in [k for k, v in impls.items() if v is None]:
        print(f"    {key}: not importable here, skipped")
        del impls[key]
    medians = _timed({k: v[0] for k, v in impls.items()}, rounds)
    ours = medians["gradscape"]
    for key, t in medians.items():
        print(f"    {key:22} {t * 1e3:9.2f} ms  {work / t:10.3e} point-steps/s  "
              f"gradscape's speed ÷ this one's: {t / ours:6.2f}")
    if "jax jit+vmap+fori" in medians and dtype == "float64":
        ratio = medians["jax jit+vmap+fori"] / ours
        print(f"    targets: ≥ 1e12 point-steps/s: {'met' if work / ours >= 1e12 else 'NOT met'}; "
              f"≥ 10× JAX: {'met' if ratio >= 10 else 'NOT met'} ({ratio:.1f}×)")
    finals = {k: v[1]() for k, v in impls.items()}
    base = finals["gradscape"]
    for key, got in finals.items():
        if key != "gradscape":
            rel = np.abs(got - base) / np.maximum(np.abs(base), 1e-300)
            ok = np.isfinite(base).all(axis=1)
            print(f"    vs {key:19} finals within 1e-12 relative: "
                  f"{float((rel[ok] <= 1e-12).all(axis=1).mean()):.4%} of finite starts "
                  f"(median relative difference {float(np.median(rel[ok])):.1e})")
    from gradscape.optim.descend import descend

    t0 = time.perf_counter()
    descend(name, starts, "gd", lr=LR, steps=steps, tol=None, backend="cuda", dtype=dtype)
    print(f"    descend(backend='cuda') end to end, transfers included: "
          f"{time.perf_counter() - t0:.3f} s")


def _agreement(starts: np.ndarray, steps: int, cpu_loop: str) -> None:
    from gradscape.optim.descend import descend

    print(f"\nagreement with the CPU loop ({cpu_loop}), Himmelblau, {len(starts):,} starts × "
          f"{steps} steps, tol 1e-8")
    for method in ("gd", "momentum"):
        gpu = descend(HIMMELBLAU, starts, method, lr=LR, steps=steps, backend="cuda")
        cpu = descend(HIMMELBLAU, starts, method, lr=LR, steps=steps, backend=cpu_loop)
        rel = np.abs(gpu.final - cpu.final) / np.maximum(np.abs(cpu.final), 1e-300)
        same = float((gpu.status_codes == cpu.status_codes).mean())
        print(f"    {method:9} statuses equal {same:.4%}, steps equal "
              f"{float((gpu.steps == cpu.steps).mean()):.4%}, finals within 1e-12 relative "
              f"{float((rel <= 1e-12).all(axis=1).mean()):.4%}, bit for bit "
              f"{float((gpu.final == cpu.final).all(axis=1).mean()):.4%}")


def _basins(n: int, steps: int, check: int, rounds: int, cpu_loop: str) -> None:
    from gradscape.formula.library import lookup
    from gradscape.optim.cuda import basin_labels
    from gradscape.plot.basins import basin_map

    minima = np.array([m.point for m in lookup(HIMMELBLAU).minima])
    radius = 0.02 * float(np.hypot(10.0, 10.0))
    axis = np.linspace(-5.0, 5.0, n)
    print(f"\nbasin map of Himmelblau, {n:,}² starts × {steps} steps, gd lr {LR}, tol 1e-8, "
          "labels, values, steps and statuses back on the host")

    def go() -> None:
        basin_labels(HIMMELBLAU, axis, axis, "gd", lr=LR, steps=steps, minima=minima,
                     radius=radius)

    t = _timed({"basin_labels": go}, rounds=min(rounds, 3))["basin_labels"]
    print(f"    end to end {t:.3f} s ({n * n * steps / t:.3e} point-steps/s at most); "
          f"target ≤ 1 s: {'met' if t <= 1.0 else 'NOT met'}")
    small = np.linspace(-5.0, 5.0, check)
    gpu = basin_labels(HIMMELBLAU, small, small, "gd", lr=LR, steps=steps, minima=minima,
                       radius=radius).labels
    cpu = basin_map(HIMMELBLAU, ((-5.0, 5.0), (-5.0, 5.0)), check, method="gd", lr=LR,
                    steps=steps, minima=minima, backend=cpu_loop).labels
    differ = np.argwhere(gpu != cpu)
    near = sum(len(np.unique(cpu[max(r - 1, 0):r + 2, max(c - 1, 0):c + 2])) > 1
               for r, c in differ)
    print(f"    {check:,}² map against the CPU's: {len(differ):,} labels differ "
          f"({len(differ) / cpu.size:.4%}); {near:,} of them within one cell of a boundary")


# ---- without a GPU: what this machine can say -----------------------------------------------
def without_gpu(quick: bool) -> None:
    """PTX generation times for a Hopper GPU, and the CPU's figures on the same workloads."""
    _ptx_times()
    _cpu_figures(quick)


def _ptx_times() -> None:
    """Compile the benchmark's kernels to PTX for compute capability 9.0 (an H100/H200)."""
    from gradscape.calculus.function import Function
    from gradscape.compile.cuda import exact, numba_cuda, simulator
    from gradscape.optim import cuda as gc
    from gradscape.optim.optimizers import OPTIMIZERS

    print("\nPTX for a Hopper GPU (cc 9.0), compiled here without a device, no contraction")
    if simulator():
        print("    skipped: the CUDA simulator is on (it has no compiler)")
        return
    try:
        cuda = numba_cuda()
        from numba import typeof

        cuda.compile_ptx(lambda a: None, (typeof(np.zeros(1)),), cc=(9, 0))
    except Exception as err:  # no NVVM: pip install 'gradscape[cuda]'
        print(f"    skipped: NVVM is not usable here ({str(err).splitlines()[0][:120]})")
        return
    dispatcher: Any = importlib.import_module("numba.cuda.dispatcher")
    had = getattr(dispatcher, "get_current_device", None)
    if had is not None:  # device functions ask for the current device's capability
        dispatcher.get_current_device = lambda: types.SimpleNamespace(compute_capability=(9, 0))
    try:
        for name, method, kind, dtype in ((HIMMELBLAU, "gd", "descent", "float64"),
                                          (HIMMELBLAU, "gd", "descent", "float32"),
                                          (ACKLEY, "gd", "descent", "float64"),
                                          (HIMMELBLAU, "gd", "basin", "float64"),
                                          ("rosenbrock", "rmsprop", "descent", "float64")):
            f, opt = Function(name), OPTIMIZERS[method]
            t0 = time.perf_counter()
            kernel = gc.build_kernel(f, opt, dtype, kind)
            if kind == "descent":
                args = gc.descent_args(opt, {}, np.zeros((4, len(f.symbols))), np.full(3, LR),
                                       3, -1.0, np.zeros(0, np.int64), dtype)
            else:
                args = gc.basin_args(opt, {}, np.zeros(2), np.zeros(2), np.full(3, LR), 3,
                                     1e-16, np.zeros((1, 2)), 0.1, dtype)
            with exact():
                ptx, _ = cuda.compile_ptx(kernel.py_func, tuple(typeof(a) for a in args),
                                          cc=(9, 0))
            took = time.perf_counter() - t0
            body = ptx.split(".entry")[-1]
            print(f"    {name} {method} {kind} {dtype}: {took:5.2f} s, {ptx.count(chr(10)):,} "
                  f"lines, fma.rn {body.count('fma.rn')}, local memory "
                  f"{'yes' if '.local' in body else 'none'}")
    finally:
        if had is not None:
            dispatcher.get_current_device = had
    print("    (fma.rn and local memory in Ackley's kernel come with libdevice's exp, sin and cos:"
          " their own code fuses, and sin/cos reduce huge arguments in a local array; the "
          "polynomial kernels show that the formula's own arithmetic is not contracted)")


def _cpu_figures(quick: bool) -> None:
    """The fused CPU loop on the GPU's workloads (fewer starts), and the CPU basin map."""
    from gradscape.formula.library import lookup
    from gradscape.optim.descend import descend
    from gradscape.plot.basins import basin_map

    m, steps = (1 << 14, 100) if quick else (1 << 16, 500)
    starts = np.random.default_rng(0).uniform(-5, 5, (m, 2))
    print(f"\nthe CPU's figures (the peer of the GPU's in the issue's targets), "
          f"{os.cpu_count()} CPUs, float64, tol=None")
    runs: dict[str, Callable[[], None]] = {}
    for name in (HIMMELBLAU, ACKLEY):
        def go(name: str = name) -> None:
            descend(name, starts, "gd", lr=LR, steps=steps, tol=None, backend="numba")

        runs[f"{name} gd, fused Numba"] = go
    medians = _timed(runs, rounds=3)
    for key, t in medians.items():
        print(f"    {key:26} {m:,} starts × {steps} steps: {t * 1e3:8.1f} ms  "
              f"{m * steps / t:10.3e} point-steps/s  (1e12/s would be "
              f"{1e12 / (m * steps / t):,.0f}× this)")
    n = 128 if quick else 256
    minima = np.array([p.point for p in lookup(HIMMELBLAU).minima])

    def cpu_map() -> None:
        basin_map(HIMMELBLAU, ((-5.0, 5.0), (-5.0, 5.0)), n, method="gd", lr=LR, steps=500,
                  minima=minima)

    t = _timed({f"basin map {n}², CPU": cpu_map}, rounds=1)[f"basin map {n}², CPU"]
    rate = n * n / t
    print(f"    basin map of Himmelblau {n}² × ≤500 steps (tol 1e-8): {t:.2f} s, "
          f"{rate:,.0f} starts/s; 8,192² at this rate: {8192 * 8192 / rate:,.0f} s "
          "(the GPU's target: 1 s)")
