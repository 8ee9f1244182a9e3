"""Levenberg–Marquardt for formulas that are sums of squares: f = Σ cᵢ·rᵢ(x)², cᵢ > 0.

:func:`residuals` reads the formula's tree: when every term of the sum is a positive number
times a square, the residual vector is R = (√cᵢ·rᵢ), so f = |R|² and ∇f = 2JᵀR with J the
Jacobian of R. Each step solves (JᵀJ + μ·D)s = −JᵀR, D the diagonal of JᵀJ (Marquardt's
scaling), by Cholesky in loops; compares the actual fall of f with the model's
|R|² − |R + Js|² (ρ), and updates μ as Nielsen (1999) does: ×max(⅓, 1 − (2ρ − 1)³) after a
good step, ×ν (ν doubling) after a bad one, which is retried within the same call.

The method reads R and J through ``fx[3]`` and ``fx[4]`` (``residual_point(x)`` → (m,),
``jacobian_point(x)`` → (m, n)), which the NumPy reference supplies; it runs there, not in
the fused loop (its row needs "residuals").

>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> residuals(100 * (y - x**2)**2 + (1 - x)**2, [x, y])
[1 - x, -10*x**2 + 10*y]
>>> residuals(x**2 + sp.sin(y), [x, y]) is None
True
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from gradscape.optim.binding import lane
from gradscape.optim.linesearch import LS_FAILED
from gradscape.optim.quasinewton import HEAD, begin, dot, hand_over

__all__ = ["LmParams", "residuals", "levenberg_marquardt", "lm_width", "MAX_RESIDUALS"]

MAX_RESIDUALS = 10_000
"""The most residuals read from one formula."""


class LmParams(NamedTuple):
    """The hyper-parameter of lm: the first damping, relative to max diag(JᵀJ)."""

    damping: float


def lm_width(n: int, p: Any) -> int:
    """The workspace: the common head, μ and ν."""
    return n + HEAD + 2


def residuals(expr: Any, symbols: Any) -> list[Any] | None:
    """R with expr = |R|², or None when expr is not visibly a sum of positive multiples of
    squares (see the module docstring)."""
    import sympy as sp

    terms = sp.Add.make_args(expr)
    if len(terms) > MAX_RESIDUALS:
        return None
    out = []
    for term in terms:
        coeff, rest = term.as_coeff_Mul()
        if not (coeff.is_Number and coeff > 0):
            return None
        if rest.is_Pow and rest.exp == 2:
            base = rest.base
        elif rest.is_Pow and rest.exp.is_Integer and rest.exp > 0 and rest.exp % 2 == 0:
            base = rest.base ** (rest.exp // 2)
        else:
            return None
        if not base.free_symbols & set(symbols):
            return None
        root = sp.sqrt(coeff)
        out.append(sp.expand_mul(root * base) if root != 1 else base)
    return out


@lane
def _solve_spd(a: Any, b: Any) -> Any:
    """a⁻¹b for symmetric positive definite a, by Cholesky; NaN when a is not."""
    n = len(b)
    low = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1):
            s = a[i, j]
            for k in range(j):
                s -= low[i, k] * low[j, k]
            if i == j:
                if not s > 0.0:
                    out = np.empty(n)
                    out[:] = np.nan
                    return out
                low[i, i] = np.sqrt(s)
            else:
                low[i, j] = s / low[j, j]
    y = np.empty(n)
    for i in range(n):
        s = b[i]
        for k in range(i):
            s -= low[i, k] * y[k]
        y[i] = s / low[i, i]
    x = np.empty(n)
    for i in range(n - 1, -1, -1):
        s = y[i]
        for k in range(i + 1, n):
            s -= low[k, i] * x[k]
        x[i] = s / low[i, i]
    return x


@lane
def levenberg_marquardt(x: Any, g: Any, q: Any, w: Any, ev: Any, lr: float, p: LmParams,
                        fx: Any) -> int:
    """One accepted Levenberg–Marquardt step (see the module docstring)."""
    value_point = fx[0]
    grad_point = fx[1]
    residual_point = fx[3]
    jacobian_point = fx[4]
    n = len(x)
    f0, first = begin(x, g, w, ev, fx)
    r = residual_point(x)
    jac = jacobian_point(x)
    ev[1] += 1  # the Jacobian costs about what a gradient does
    jtj = jac.T @ jac
    jtr = jac.T @ r
    if first:
        top = 0.0
        for i in range(n):
            top = max(top, jtj[i, i])
        w[n + HEAD] = p.damping * max(top, 1e-300)
        w[n + HEAD + 1] = 2.0
    mu = w[n + HEAD]
    nu = w[n + HEAD + 1]
    a = np.empty((n, n))
    for _ in range(60):
        for i in range(n):
            for j in range(n):
                a[i, j] = jtj[i, j]
            a[i, i] += mu * max(jtj[i, i], 1e-300)
        s = _solve_spd(a, -jtr)
        if not np.isfinite(s).all():
            mu *= nu
            nu *= 2.0
            continue
        js = jac @ s
        predicted = -(2.0 * dot(r, js) + dot(js, js))
        for i in range(n):
            q[i] = x[i] + s[i]
        fq = value_point(q)
        ev[0] += 1
        rho = (f0 - fq) / predicted if predicted > 0.0 else -1.0
        if rho > 1e-3:
            t = 2.0 * rho - 1.0
            mu *= max(1.0 / 3.0, 1.0 - t * t * t)
            w[n + HEAD] = mu
            w[n + HEAD + 1] = 2.0
            gq = np.empty(n)
            grad_point(q, gq)
            ev[1] += 1
            hand_over(gq, fq, f0, w, ev)
            return 0
        mu *= nu
        nu *= 2.0
        if not mu < 1e300:
            break
    return LS_FAILED
