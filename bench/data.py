"""Losses over data: the full-batch gradient of logistic log-loss over many rows.

Ten parameters (nine weights and a bias), 10⁶ rows (10⁵ with --quick), labels ±1. Times (the
median of interleaved repeats, warm) of one mean loss and gradient:

- hand NumPy: ``X @ w`` on a (rows, 9) matrix (BLAS), then ``logaddexp`` and ``X.T @ s``;
- JAX: ``jit(value_and_grad)`` of the same loss on the matrix, when JAX is importable
  (``pip install 'jax[cpu]'``, the bench extra), in float64;
- gradscape: ``f.grad`` of ``Function("softplus(-t*(w1*x1 + ... + b))", data=...)`` — the
  reduction kernel over the rows (Numba, chunks in parallel), and its NumPy backend.

Every implementation's gradient is checked against the hand NumPy one before timing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import numpy as np
from rich.console import Console
from rich.table import Table

FEATURES = 9


def _median_ms(times: list[float]) -> float:
    return 1e3 * float(np.median(times))


def _hand(X: np.ndarray, t: np.ndarray) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    n = len(t)

    def run(theta: np.ndarray) -> tuple[float, np.ndarray]:
        m = t * (X @ theta[:-1] + theta[-1])
        s = -t / (1.0 + np.exp(m))  # d/dz softplus(-t z)
        return float(np.logaddexp(0.0, -m).sum() / n), np.append(X.T @ s, s.sum()) / n

    return run


def _jax(X: np.ndarray, t: np.ndarray) -> Callable[[np.ndarray], tuple[float, np.ndarray]] | None:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    Xj, tj = jnp.asarray(X), jnp.asarray(t)

    def loss(theta: jax.Array) -> jax.Array:
        return jnp.mean(jnp.logaddexp(0.0, -tj * (Xj @ theta[:-1] + theta[-1])))

    vg = jax.jit(jax.value_and_grad(loss))

    def run(theta: np.ndarray) -> tuple[float, np.ndarray]:
        v, g = vg(jnp.asarray(theta))
        return float(v), np.asarray(jax.block_until_ready(g))

    return run


def run(quick: bool = False) -> None:
    from gradscape import Function

    console = Console()
    rows = 100_000 if quick else 1_000_000
    reps = 5 if quick else 9
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, FEATURES))
    truth = rng.normal(size=FEATURES + 1)
    t = np.where(rng.uniform(size=rows) < 1 / (1 + np.exp(-(X @ truth[:-1] + truth[-1]))),
                 1.0, -1.0)
    data = {f"x{i + 1}": np.ascontiguousarray(X[:, i]) for i in range(FEATURES)} | {"t": t}
    params = [f"w{i + 1}" for i in range(FEATURES)] + ["b"]
    formula = "softplus(-t*(" + " + ".join(f"w{i + 1}*x{i + 1}" for i in range(FEATURES)) \
        + " + b))"
    f = Function(formula, params, data=data)
    theta = rng.normal(scale=0.3, size=FEATURES + 1)

    def gs(backend: str) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
        def call(th: np.ndarray) -> tuple[float, np.ndarray]:
            out = f.sums("value_grad", list(th), backend)
            return float(out[0]), out[1:]
        return call

    impls: dict[str, Callable[[np.ndarray], tuple[float, np.ndarray]]] = {
        "hand NumPy (BLAS)": _hand(X, t)}
    jax_fn = _jax(X, t)
    if jax_fn is not None:
        impls["JAX jit(value_and_grad)"] = jax_fn
    impls["gradscape (Numba reduction)"] = gs("numba")
    impls["gradscape (NumPy backend)"] = gs("numpy")

    ref_v, ref_g = impls["hand NumPy (BLAS)"](theta)
    first: dict[str, float] = {}
    for name, fn in impls.items():  # check, and pay compile costs outside the timings
        start = time.perf_counter()
        v, g = fn(theta)
        first[name] = time.perf_counter() - start
        err = max(abs(v - ref_v) / abs(ref_v),
                  float(np.abs(g - ref_g).max() / np.abs(ref_g).max()))
        if err > 1e-10:
            raise SystemExit(f"{name} disagrees with hand NumPy: relative error {err:.2e}")
    times: dict[str, list[float]] = {name: [] for name in impls}
    for _ in range(reps):  # interleaved: load changes hit every implementation alike
        for name, fn in impls.items():
            start = time.perf_counter()
            fn(theta)
            times[name].append(time.perf_counter() - start)
    base = _median_ms(times["hand NumPy (BLAS)"])
    table = Table(title=f"mean log-loss and gradient, {rows:,} rows × {FEATURES + 1} "
                  f"parameters (median of {reps}, warm; {os.cpu_count()} CPUs, "
                  f"load {os.getloadavg()[0]:.1f})")
    for col in ("implementation", "ms", "vs hand NumPy", "first call (s)"):
        table.add_column(col, justify="left" if col == "implementation" else "right")
    for name in impls:
        ms = _median_ms(times[name])
        ratio = "baseline" if name.startswith("hand") else (
            f"{base / ms:.2f}× faster" if ms < base else f"{ms / base:.2f}× slower")
        table.add_row(name, f"{ms:.1f}", ratio, f"{first[name]:.2f}")
    console.print(table)
    if jax_fn is None:
        console.print("JAX is not importable: pip install 'jax[cpu]' (the bench extra) to "
                      "compare with it")
