"""The reference loop for per-start methods: one start at a time, in plain Python floats.

The per-start methods (:mod:`gradscape.optim.methods`) are loop code written for Numba over
arrays. Run as plain Python over NumPy arrays, every element read makes a NumPy scalar and a
BFGS step costs 3-4× what it costs over Python lists. So a method marked ``scalar`` (it reads
and writes only 1-D sequences) is bound (:func:`gradscape.optim.binding.bind`) to
:data:`SCALAR_NP`, a stand-in for the few NumPy names it uses, and run on lists; the others
run on arrays as written. It is the same code in the same IEEE arithmetic, so the results agree
bit for bit with the array run and with the fused loops — this is what lets a single start on
a new formula answer without waiting for a JIT.

Python floats raise where NumPy's give inf or NaN (1/0, a power that overflows): a step that
raises is taken again on arrays, from the state it started with.

The loop's contract is :func:`gradscape.optim.driver.vector_loop`'s: per step, ∇f at the point
(handed over by the method when it can), "diverged" when ``|x|² + |∇f|²`` leaves the finite
world, "converged" when ``|∇f|² < tol²``, "max-steps" at the last step, else one step of the
method, which may stop the start with its own code ("unbounded-below" stops it at the point
its line search reached).

>>> import numpy as np
>>> from gradscape.optim.oracle import Problem
>>> from gradscape.optim.optimizers import OPTIMIZERS
>>> from gradscape.optim.result import empty_raw
>>> bowl = Problem(grad=lambda x: 2 * x, value=lambda x: (x * x).sum(1))
>>> opt = OPTIMIZERS["bfgs"]
>>> run = scalar_runner(bowl, opt, opt.params(opt.defaults()), 2)
>>> raw = empty_raw(1, 2, 0, 50)
>>> run(0, np.array([1.0, -2.0]), np.ones(50), 50, 1e-16, -1, raw)
>>> bool(abs(raw.final[0]).max() < 1e-12), int(raw.code[0]), int(raw.steps[0])
(True, 1, 2)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from gradscape.optim.binding import bind
from gradscape.optim.driver import LIMIT2
from gradscape.optim.linesearch import UNBOUNDED
from gradscape.optim.optimizers import Optimizer
from gradscape.optim.oracle import Problem, numpy_pieces
from gradscape.optim.result import Raw

__all__ = ["SCALAR_NP", "scalar_runner", "lean_update"]


def _sqrt(v: float) -> float:
    # NumPy's: NaN below zero (and for NaN), where math.sqrt raises
    return math.sqrt(v) if v >= 0.0 else math.nan


def _floats(n: Any) -> list[float]:
    return [0.0] * int(n)


class _ScalarNumPy:
    """The NumPy names a scalar method uses, on Python floats and lists."""

    empty = staticmethod(_floats)
    zeros = staticmethod(_floats)
    isfinite = staticmethod(math.isfinite)
    sqrt = staticmethod(_sqrt)
    inf = math.inf
    nan = math.nan


SCALAR_NP = _ScalarNumPy()
"""Stands in for ``np`` in a scalar method run on lists (``np.empty(n)`` is ``[0.0] * n``)."""

_LEAN: dict[Callable[..., int], Callable[..., int]] = {}


def lean_update(update: Callable[..., int]) -> Callable[..., int]:
    """``update`` (a per-start method) with its ``np`` and its callees' bound to
    :data:`SCALAR_NP`, for lists of Python floats.

    >>> from gradscape.optim.quasinewton import dot
    >>> lean_update(dot)([1.0, 2.0], [3.0, 4.0])
    11.0
    """
    if update not in _LEAN:
        _LEAN[update] = bind(update, {"np": SCALAR_NP})
    return _LEAN[update]


def _list_pieces(problem: Problem) -> tuple[Callable[..., Any], Callable[..., Any]]:
    def value_point(x: Any) -> float:
        return float(problem.value(np.array([x], dtype=float))[0])

    def grad_point(x: Any, g: Any) -> None:
        g[:] = problem.grad(np.array([x], dtype=float))[0].tolist()

    return value_point, grad_point


def _squares(a: Any) -> float:
    # in order, as the fused loops sum: bit for bit the same
    total = a[0] * a[0]
    for i in range(1, len(a)):
        total = total + a[i] * a[i]
    return float(total)


Runner = Callable[[int, np.ndarray, np.ndarray, int, float, int, Raw], None]


def scalar_runner(problem: Problem, opt: Optimizer, params: Any, n: int) -> Runner:
    """``run(r, start, rates, steps, tol2, slot, raw)``: per-start method ``opt`` from one
    start, written into row ``r`` of ``raw`` (and its path into path row ``slot`` when
    ``slot >= 0``)."""
    method = opt.method
    if method is None:
        raise ValueError(f"{opt.name} is a coordinate-wise chain, not a per-start method")
    lean = method.scalar
    arrays = numpy_pieces(problem)[2:]  # value, grad, Hessian, residual and Jacobian points
    fx = (*_list_pieces(problem), *arrays[2:]) if lean else arrays
    update = lean_update(method.update) if lean else method.update
    width = method.width(n, params)
    hands = method.hands_gradient
    value_point, grad_point = fx[0], fx[1]

    def step(x: Any, g: Any, w: Any, ev: Any, lr: float) -> tuple[int, Any]:
        if not lean:
            qa = np.empty(n)
            return update(x.copy(), g.copy(), qa, w, ev, lr, params, fx), qa
        saved_w, saved_ev = list(w), list(ev)
        q = [0.0] * n
        try:
            return update(list(x), list(g), q, w, ev, lr, params, fx), q
        except ArithmeticError:  # 1/0 or an overflow in Python floats: again, on arrays
            wa, eva, qb = np.array(saved_w), np.array(saved_ev, np.int64), np.empty(n)
            code = method.update(np.array(x), np.array(g), qb, wa, eva, lr, params, arrays)
            w[:] = wa.tolist()
            ev[:] = eva.tolist()
            return code, qb.tolist()

    def run(r: int, start: np.ndarray, rates: np.ndarray, steps: int, tol2: float, slot: int,
            raw: Raw) -> None:
        x: Any = [float(v) for v in start] if lean else np.array(start, dtype=float)
        w: Any = [0.0] * width if lean else np.zeros(width)
        ev: Any = [0, 0, 0] if lean else np.zeros(3, np.int64)
        g: Any = [0.0] * n if lean else np.empty(n)
        grad_point(x, g)
        t = 0
        while True:
            gn2 = _squares(g)
            if not gn2 + _squares(x) <= LIMIT2:
                code = 2
            elif gn2 < tol2:
                code = 1
            else:
                code = 0 if t == steps else -1
            if slot >= 0:
                _record(raw, slot, t, x, value_point(x), gn2)
            if code < 0:
                code, q = step(x, g, w, ev, float(rates[t]))
                if code == 0 or code == UNBOUNDED:
                    x, t = q, t + 1
                    if code == 0 and hands:
                        g = w[:n] if lean else w[:n].copy()
                        continue
                    g = [0.0] * n if lean else np.empty(n)
                    grad_point(x, g)
                    if code == 0:
                        continue
                    gn2 = _squares(g)
                    if slot >= 0:
                        _record(raw, slot, t, x, value_point(x), gn2)
            raw.final[r] = x
            raw.value[r] = value_point(x)
            raw.steps[r] = t
            raw.code[r] = code
            raw.grad_norm[r] = math.sqrt(gn2) if gn2 >= 0.0 else math.nan
            raw.evals[r] = (ev[0], ev[1] + t + 1, ev[2])
            return

    return run


def _record(raw: Raw, slot: int, t: int, x: Any, value: float, gn2: float) -> None:
    raw.paths[slot, t] = x
    raw.path_values[slot, t] = value
    raw.path_grad_norms[slot, t] = np.sqrt(gn2)
