"""The descent loops on the GPU: ordinary Python that numba-cuda compiles, one thread per start.

Each thread keeps its start's whole loop in registers: the point ``x`` (n), its gradient ``g``
and the optimizer's state ``S`` (slots × n, coordinate j in column j, as the pieces of
:mod:`gradscape.optim.transforms` index it: ``s[o + k, j]``) are local arrays that the
compiler keeps in registers, since every index is known once the loops over the ``N``
coordinates are unrolled. Per step t = 0 … steps, as on the CPU (:mod:`gradscape.optim.driver`):
∇f at x; "diverged" if ``|x|² + |∇f|²`` is above the limit or NaN, "converged" if
``|∇f|² < tol²``, "max-steps" at t = steps; else one step.

Fixed-step runs (no tol, no kept path) take chunks of 16, 64, then 256 steps with no checks,
saving x and S at each chunk's start; a chunk that ends out of the finite world is replayed
from its start with the checks, so the status and step count stay exact (an excursion past
the limit that comes back within one chunk goes unseen, as on the CPU).

The names below the loops' signatures are bound per formula, optimizer and dtype by
:mod:`gradscape.optim.cuda` (:func:`gradscape.optim.binding.bind`): ``grad_point``,
``value_point`` and ``hess_point`` (the formula's generated device functions), ``advance``
(:func:`chain_step` with the optimizer's ``update``/``per_step``, or :func:`newton_step`),
``N``, ``K``, ``F`` and ``cuda``. Under Numba's CUDA simulator the same code runs as Python.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gradscape.optim.binding import lane
from gradscape.optim.driver import CHUNK, FIRST_CHUNK
from gradscape.optim.methods import saddle_free_into

__all__ = ["chain_step", "newton_step", "norms", "descend_one", "nearest", "descent_kernel",
           "basin_kernel"]

# Bound per formula, optimizer and dtype; placeholders for readers and type checkers.
cuda: Any = None  # numba.cuda
N = 1  # the formula's variables
K = 1  # the optimizer's state slots per coordinate (at least 1)
F: Any = np.float64  # the kernel's float type


def grad_point(x: Any, g: Any) -> None:
    """∇f at the point ``x``, written into ``g`` (generated per formula)."""


def value_point(x: Any) -> Any:
    """f at the point ``x`` (generated per formula)."""


def hess_point(x: Any, h: Any) -> None:
    """The Hessian at ``x``, written into ``h`` (generated per formula)."""


def update(u: Any, x: Any, s: Any, o: int, j: Any, c: Any, p: Any) -> Any:
    """The optimizer chain's update of one coordinate (gradscape.optim.transforms)."""
    return u


def per_step(t: Any, lr: Any, p: Any) -> Any:
    """The optimizer chain's constants for step t."""
    return ()


def advance(x: Any, g: Any, S: Any, t: int, rates: Any, hp: Any) -> None:
    """One step of the optimizer from ``x`` with gradient ``g``: :func:`chain_step` or
    :func:`newton_step`."""


@lane
def chain_step(x: Any, g: Any, S: Any, t: int, rates: Any, hp: Any) -> None:
    """One step of a coordinate-wise chain, coordinate by coordinate (as the CPU's
    ``coordinate_step`` does for one lane): x ← x − lr·update(∇f)."""
    lr = rates[t]
    c = per_step(t, lr, hp)
    for i in range(N):
        x[i] = x[i] - lr * update(g[i], x[i], S, 0, i, c, hp)


@lane
def newton_step(x: Any, g: Any, S: Any, t: int, rates: Any, hp: Any) -> None:
    """One saddle-free Newton step (as ``methods.newton``): x ← x − lr·|H|⁻¹∇f, with the
    Hessian and Jacobi's workspaces in the thread's local arrays."""
    h = cuda.local.array((N, N), F)
    a = cuda.local.array((N, N), F)
    v = cuda.local.array((N, N), F)
    d = cuda.local.array(N, F)
    hess_point(x, h)
    saddle_free_into(h, g, hp.floor, a, v, d)
    lr = rates[t]
    for i in range(N):
        x[i] = x[i] - lr * d[i]


@lane
def norms(x: Any, g: Any) -> tuple[Any, Any]:
    """|∇f|² and |x|², summed over coordinates in order (as the CPU loops do)."""
    gn = g[0] * g[0]
    xn = x[0] * x[0]
    for i in range(1, N):
        gn += g[i] * g[i]
        xn += x[i] * x[i]
    return gn, xn


@lane
def save(x: Any, S: Any, x0: Any, S0: Any) -> None:
    """Copy the point and the state (to take a chunk back)."""
    for i in range(N):
        x0[i] = x[i]
        for r in range(K):
            S0[r, i] = S[r, i]


@lane
def descend_one(x: Any, g: Any, S: Any, x0: Any, S0: Any, rates: Any, steps: int, tol2: Any,
                lim: Any, hp: Any, fast: bool, slot: int, paths: Any, path_val: Any,
                path_gn: Any) -> tuple[int, int, Any]:
    """Run one start from ``x`` (state ``S``); return (steps taken, status code, |∇f|²) with
    ``x`` the final point. A ``slot`` >= 0 records the path in row ``slot`` of ``paths``."""
    t = 0
    if fast:
        grow = FIRST_CHUNK
        while t < steps:
            span = steps - t  # no min() of ints: older numba.cuda cannot compile it
            if grow < span:
                span = grow
            save(x, S, x0, S0)
            for u in range(t, t + span):
                grad_point(x, g)
                advance(x, g, S, u, rates, hp)
            grad_point(x, g)
            gn, xn = norms(x, g)
            if gn + xn <= lim:
                t += span
                grow = 4 * grow if 4 * grow < CHUNK else CHUNK
            else:  # out of the finite world within this chunk: replay it with the checks
                save(x0, S0, x, S)
                break
    while True:
        grad_point(x, g)
        gn, xn = norms(x, g)
        if slot >= 0:
            for i in range(N):
                paths[slot, t, i] = x[i]
            path_val[slot, t] = value_point(x)
            path_gn[slot, t] = math.sqrt(gn)
        code = -1
        if not (gn + xn <= lim):
            code = 2
        elif gn < tol2:
            code = 1
        elif t >= steps:
            code = 0
        if code >= 0:
            return t, code, gn
        advance(x, g, S, t, rates, hp)
        t += 1


@lane
def nearest(x: Any, code: int, minima: Any, radius: Any) -> int:
    """The index of the nearest of ``minima`` (k, n) within ``radius`` of a start's final
    point (as the basin map's ``_assign``: the first of equals); -1 when none is, or the
    start diverged; -2 when it converged away from every one (a new attractor)."""
    best = -1
    best_d = math.inf
    if code != 2:
        for m in range(minima.shape[0]):
            d2 = (x[0] - minima[m, 0]) * (x[0] - minima[m, 0])
            for i in range(1, N):
                d2 += (x[i] - minima[m, i]) * (x[i] - minima[m, i])
            d = math.sqrt(d2)
            if d < best_d:
                best = m
                best_d = d
    if best >= 0 and best_d <= radius:
        return best
    return -2 if code == 1 else -1


@lane
def descent_kernel(X: Any, rates: Any, steps: int, tol2: Any, lim: Any, hp: Any, fast: bool,
                   slot_of: Any, out_x: Any, out_val: Any, out_k: Any, out_code: Any,
                   out_gn: Any, paths: Any, path_val: Any, path_gn: Any) -> None:
    """Thread k runs start ``X[k]``; its final point, value, steps, status and |∇f| go to
    row k of the outputs, its path to ``paths[slot_of[k]]`` when that is >= 0."""
    k = cuda.grid(1)
    if k >= X.shape[0]:
        return
    x = cuda.local.array(N, F)
    g = cuda.local.array(N, F)
    x0 = cuda.local.array(N, F)
    S = cuda.local.array((K, N), F)
    S0 = cuda.local.array((K, N), F)
    for i in range(N):
        x[i] = X[k, i]
        for r in range(K):
            S[r, i] = 0.0
    t, code, gn = descend_one(x, g, S, x0, S0, rates, steps, tol2, lim, hp, fast,
                              slot_of[k], paths, path_val, path_gn)
    for i in range(N):
        out_x[k, i] = x[i]
    out_val[k] = value_point(x)
    out_k[k] = t
    out_code[k] = code
    out_gn[k] = math.sqrt(gn)


@lane
def basin_kernel(xs: Any, ys: Any, rates: Any, steps: int, tol2: Any, lim: Any, hp: Any,
                 fast: bool, minima: Any, radius: Any, labels: Any, values: Any,
                 taken: Any, codes: Any, paths: Any) -> None:
    """Thread k runs the grid start (xs[c], ys[r]), k = r·len(xs) + c, and writes only its
    label (:func:`nearest`), f at its final point, its steps and its status."""
    k = cuda.grid(1)
    nx = xs.shape[0]
    if k >= nx * ys.shape[0]:
        return
    r = k // nx
    c = k - r * nx
    x = cuda.local.array(N, F)
    g = cuda.local.array(N, F)
    x0 = cuda.local.array(N, F)
    S = cuda.local.array((K, N), F)
    S0 = cuda.local.array((K, N), F)
    x[0] = xs[c]
    x[1] = ys[r]
    for i in range(N):
        for q in range(K):
            S[q, i] = 0.0
    t, code, _ = descend_one(x, g, S, x0, S0, rates, steps, tol2, lim, hp, fast, -1,
                             paths, values, values)
    labels[r, c] = nearest(x, code, minima, radius)
    values[r, c] = value_point(x)
    taken[r, c] = t
    codes[r, c] = code
