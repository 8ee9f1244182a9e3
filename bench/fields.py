"""Gradient fields: gradscape kernels against hand-written NumPy, lambdify, JAX and a floor.

For x²+y², Rosenbrock, Himmelblau and Ackley on n×n grids it times (medians of repeats,
warm unless said otherwise):

- floor: merely allocating and filling the two output arrays (np.empty + fill);
- hand NumPy: the gradient written out by hand on meshgrid arrays, the baseline;
- lambdify: ``sympy.lambdify(..., "numpy")`` of the same gradient;
- JAX: ``jit(vmap(grad))`` when JAX is importable (never required);
- gradscape on meshgrids and on broadcast axes (x[None, :], y[:, None]), allocating the
  output or writing into ``out=``; and its first call including the build (a cold JIT: the
  suite uses a fresh kernel cache so the number is honest).

Then the time from formula to ready kernel: the NumPy backend in this process, and the
compiled backend in a second process that finds the machine code in the disk cache.
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
import sympy as sp
from rich.console import Console
from rich.table import Table

x, y = sp.symbols("x y", real=True)
FORMULAS: dict[str, sp.Expr] = {
    "x²+y²": x**2 + y**2,
    "Rosenbrock": (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "Himmelblau": (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    "Ackley": (-20 * sp.exp(-sp.Rational(1, 5) * sp.sqrt(sp.Rational(1, 2) * (x**2 + y**2)))
               - sp.exp(sp.Rational(1, 2) * (sp.cos(2 * sp.pi * x) + sp.cos(2 * sp.pi * y)))
               + sp.E + 20),
}
BOUNDS = {"x²+y²": 3.0, "Rosenbrock": 2.0, "Himmelblau": 5.0, "Ackley": 5.0}


def _hand_ackley(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r = np.sqrt(0.5 * (X * X + Y * Y))
    a = 2.0 * np.exp(-0.2 * r) / r
    b = np.pi * np.exp(0.5 * (np.cos(2 * np.pi * X) + np.cos(2 * np.pi * Y)))
    return a * X + b * np.sin(2 * np.pi * X), a * Y + b * np.sin(2 * np.pi * Y)


def _hand_rosenbrock(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = Y - X * X
    return -2 * (1 - X) - 400 * X * d, 200 * d


def _hand_himmelblau(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = X * X + Y - 11
    b = X + Y * Y - 7
    return 4 * X * a + 2 * b, 2 * a + 4 * Y * b


HAND: dict[str, Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]] = {
    "x²+y²": lambda X, Y: (2 * X, 2 * Y),
    "Rosenbrock": _hand_rosenbrock,
    "Himmelblau": _hand_himmelblau,
    "Ackley": _hand_ackley,
}


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm: page faults of first-touch memory and lazy set-up are not the point here
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def _floor(n: int) -> None:
    out = np.empty((2, n, n))
    out.fill(0.0)


def _jax_grad(expr: sp.Expr) -> Callable | None:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    f = sp.lambdify((x, y), expr, jnp)
    g = jax.jit(jax.vmap(jax.vmap(jax.grad(f, argnums=(0, 1)))))
    return lambda X, Y: jax.block_until_ready(g(X, Y))


def _cell(ms: float, base: float) -> str:
    return f"{ms:.1f} ({base / ms:.1f}×)"


def _row(name: str, n: int, reps: int, cold: str) -> list[str]:
    """One table row: every contender on one function at one size."""
    from gradscape.compile import build_kernel

    expr = FORMULAS[name]
    grad = [expr.diff(x), expr.diff(y)]
    lam = sp.lambdify((x, y), grad, "numpy")
    jax_fn = _jax_grad(expr)
    hand = HAND[name]
    axis = np.linspace(-BOUNDS[name], BOUNDS[name], n)
    X, Y = np.meshgrid(axis, axis)
    row, col = axis[None, :], axis[:, None]
    out = np.empty((2, n, n))
    kernel = build_kernel(grad, [x, y])
    with np.errstate(all="ignore"):
        if not np.allclose(kernel(X, Y), np.array(hand(X, Y)), rtol=1e-9, atol=1e-9,
                           equal_nan=True):
            raise AssertionError(f"{name}: gradscape and the hand-written gradient disagree")
        base = _median_ms(lambda: hand(X, Y), reps)
        lam_ms = _median_ms(lambda: lam(X, Y), reps)
    jax_ms = _median_ms(lambda: jax_fn(X, Y), reps) if jax_fn else None
    return [
        name, str(n), f"{_median_ms(lambda: _floor(n), reps):.1f}", f"{base:.1f}",
        _cell(lam_ms, base), _cell(jax_ms, base) if jax_ms else "n/a",
        _cell(_median_ms(lambda: kernel(X, Y), reps), base),
        _cell(_median_ms(lambda: kernel(X, Y, out=out), reps), base),
        _cell(_median_ms(lambda: kernel(row, col), reps), base),
        _cell(_median_ms(lambda: kernel(row, col, out=out), reps), base),
        cold,
    ]


def _first_call_ms(name: str, n: int) -> float:
    """Build plus first call on n×n axes: with a fresh cache, this includes the JIT."""
    from gradscape.compile import build_kernel

    expr = FORMULAS[name]
    axis = np.linspace(-BOUNDS[name], BOUNDS[name], n)
    out = np.empty((2, n, n))
    start = time.perf_counter()
    build_kernel([expr.diff(x), expr.diff(y)], [x, y])(axis[None, :], axis[:, None], out=out)
    return 1e3 * (time.perf_counter() - start)


def _fields_table(sizes: list[int], repeats: dict[int, int], console: Console) -> dict:
    table = Table(title="gradient field on an n×n grid: median ms (speed-up vs hand NumPy)")
    for col in ("function", "n", "floor", "hand NumPy", "lambdify", "JAX", "gradscape",
                "gs out=", "gs axes", "gs axes out=", "1st call+build"):
        table.add_column(col, justify="right")
    first_call = {name: _first_call_ms(name, sizes[0]) for name in FORMULAS}
    for name in FORMULAS:
        for n in sizes:
            cold = f"{first_call[name]:.0f}" if n == sizes[0] else ""
            table.add_row(*_row(name, n, repeats[n], cold))
    console.print(table)
    return first_call


def _build_table(first_call: dict[str, float], console: Console) -> None:
    from gradscape.compile import build_kernel, kernel

    table = Table(title="formula → ready kernel: ms")
    for col in ("function", "NumPy backend (warm process)", "compiled, cold JIT",
                "compiled, 2nd process (disk cache)"):
        table.add_column(col, justify="right")
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    second = json.loads(subprocess.run(
        [sys.executable, "-c", _SECOND_PROCESS], capture_output=True, text=True, check=True,
        env=env, cwd=root, timeout=600).stdout.splitlines()[-1])
    for name, expr in FORMULAS.items():
        grad = [expr.diff(x), expr.diff(y)]
        times = []
        for _ in range(7):
            kernel._FORMULAS.clear()  # time a real build, not the in-process cache
            start = time.perf_counter()
            build_kernel(grad, [x, y], backend="numpy")
            times.append(time.perf_counter() - start)
        table.add_row(name, f"{1e3 * float(np.median(times)):.1f}",
                      f"{first_call[name]:.0f}", f"{second['build'][name]:.1f}")
    console.print(table)
    console.print(f"second process, once per process and not counted above: import numba "
                  f"{second['numba_import']:.0f} ms, Numba's own start-up (type registries) "
                  f"{second['numba_init']:.0f} ms; each kernel then ran on a 64×64 axes grid")


_SECOND_PROCESS = """
import json, time
t0 = time.perf_counter(); import numba; t1 = time.perf_counter()
from numba.core.registry import cpu_target
cpu_target.target_context.refresh(); cpu_target.typing_context.refresh()
t2 = time.perf_counter()
import numpy as np
from bench.fields import FORMULAS, x, y
from gradscape.compile import build_kernel
axis = np.linspace(-1, 1, 64)
build = {}
for name, expr in FORMULAS.items():
    grad = [expr.diff(x), expr.diff(y)]
    start = time.perf_counter()
    build_kernel(grad, [x, y], backend="numba")(axis[None, :], axis[:, None])
    build[name] = 1e3 * (time.perf_counter() - start)
print(json.dumps({"numba_import": 1e3 * (t1 - t0), "numba_init": 1e3 * (t2 - t1),
                  "build": build}))
"""


def _threshold_table(console: Console) -> None:
    from gradscape.compile import build_kernel

    table = Table(title="where 'auto' should switch: ms per call, NumPy / compiled")
    sizes = [32, 64, 128, 256, 512]
    table.add_column("function")
    for n in sizes:
        table.add_column(f"{n}²", justify="right")
    for name in ("x²+y²", "Himmelblau", "Ackley"):
        expr = FORMULAS[name]
        kernel = build_kernel([expr.diff(x), expr.diff(y)], [x, y])
        table.add_row(name, *(_crossover(kernel, n) for n in sizes))
    console.print(table)


def _crossover(kernel: object, n: int) -> str:
    axis = np.linspace(-2, 2, n)
    X, Y = np.meshgrid(axis, axis)
    a = _median_ms(lambda: kernel(X, Y, backend="numpy"), 15)
    b = _median_ms(lambda: kernel(X, Y, backend="numba"), 15)
    return f"{a:.3f} / {b:.3f}"


def run(quick: bool = False) -> None:
    """Print the tables; about 3 minutes in full on a 2-core machine, 20 s with quick."""
    console = Console(width=170)
    sizes = [256, 1024] if quick else [1024, 2048, 4096]
    repeats = {256: 9, 1024: 7, 2048: 5, 4096: 3}
    with tempfile.TemporaryDirectory(prefix="gradscape-bench-") as cache:
        os.environ["GRADSCAPE_CACHE_DIR"] = cache  # cold first calls, and no trace left
        first_call = _fields_table(sizes, repeats, console)
        _build_table(first_call, console)
        if not quick:
            _threshold_table(console)
