"""Exact critical points (stages 1 and 3 of ``critical_points``), in a child process.

``sympy.solve`` can run for ever, so the solving runs in a forked child that is killed
when the time budget runs out; what it sent back by then is kept. When the numerators of
∇f are polynomials, lex Gröbner bases give, for every variable, a univariate polynomial
its real roots must satisfy, and every combination of those roots is checked at 50 digits:
all real critical points, where ``sympy.solve`` drops the roots of quintics. The child also
finds isolated real zeros of polynomial denominators of ∇f (corner candidates such as
Ackley's origin).
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import time
from typing import Any

import sympy as sp

__all__ = ["exact_stage", "Solution"]

Solution = tuple[tuple[sp.Expr, ...], tuple[float, ...]]  # exact coordinates, as floats
# A solution with f's value and Hessian there (see _at).
Evaluated = tuple[tuple[sp.Expr, ...], tuple[float, ...], float, list[list[float]]]


def exact_stage(
    f: Any, budget: float, notes: list[str]
) -> tuple[list[Evaluated], list[Solution], bool]:
    """(exact critical points, exact corner candidates, complete?) found within the budget."""
    if budget <= 0 or not f.is_symbolic:
        return [], [], False
    if "fork" not in multiprocessing.get_all_start_methods():
        notes.append("exact solving needs fork(), not available here: numeric results only")
        return [], [], False
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_solve_child, args=(send, f.expr, f.symbols), daemon=True)
    deadline = time.monotonic() + budget
    try:
        child.start()
    except (AssertionError, OSError) as err:  # a daemonic pool worker may not fork
        notes.append(f"exact solving could not start ({err}): numeric results only")
        send.close()
        receive.close()
        return [], [], False
    send.close()
    got: dict[str, Any] = {"exact": [], "corners": [], "complete": False}
    finished = False
    try:
        while (left := deadline - time.monotonic()) > 0 and receive.poll(left):
            key, value = receive.recv()
            if key == "done":
                finished = True
                break
            got[key] = value
    except EOFError:  # the child died (out of memory, say): keep what arrived
        pass
    finally:
        child.terminate()
        child.join(0.5)
        if child.is_alive():
            child.kill()
            child.join()
        receive.close()
    if not finished:
        notes.append(f"exact solving did not finish in {budget:g} s; numeric results")
    return got["exact"], got["corners"], bool(got["complete"])


def _solve_child(conn: Any, expr: sp.Expr, symbols: tuple[sp.Symbol, ...]) -> None:
    try:
        grad = [sp.together(sp.diff(expr, s)) for s in symbols]
        parts = [sp.fraction(g) for g in grad]
        bases = {b for _, den in parts for b in _poly_factors(den, symbols)}
        corners: list[Solution] = []
        for b in bases:
            sols = _real_poly_solutions([b, *(sp.diff(b, s) for s in symbols)], symbols)
            corners += sols or []
        conn.send(("corners", corners))
        nums = [num for num, _ in parts]
        sols = None
        if all(_is_poly(num, symbols) for num in nums):
            try:
                sols = _real_poly_solutions(nums, symbols)
            except (NotImplementedError, sp.PolynomialError):  # irrational coefficients (√2)
                sols = None
        if sols is not None:
            dens = [den for _, den in parts]
            keep = [s for s in sols if all(_nonzero(d, symbols, s[0]) for d in dens)]
            conn.send(("exact", [_at(expr, symbols, s) for s in keep]))
            conn.send(("complete", True))
        else:
            conn.send(("exact", [_at(expr, symbols, s) for s in _solve_any(grad, symbols)]))
        conn.send(("done", None))
    except Exception:  # any failure here only means "no exact answer"
        conn.send(("done", None))
    finally:
        conn.close()


def _at(expr: sp.Expr, symbols: tuple[sp.Symbol, ...], sol: Solution) -> Evaluated:
    """A solution with f and its Hessian evaluated exactly there (to 30 digits), so that a zero
    curvature at an irrational point, like (x - √2)⁴'s, reads as exactly zero."""
    sub = dict(zip(symbols, sol[0], strict=True))
    value = _real(expr.xreplace(sub))
    hess = [[_real(sp.diff(expr, a, b).xreplace(sub)) for b in symbols] for a in symbols]
    return (*sol, value, hess)


def _real(e: sp.Expr) -> float:
    v = sp.N(e, 30, chop=True)  # chop: 1e-227 left over from a root's digits is 0
    return float(v) if v.is_real and v.is_finite else math.nan


def _is_poly(e: sp.Expr, symbols: tuple[sp.Symbol, ...]) -> bool:
    return bool(e.is_polynomial(*symbols))


def _poly_factors(den: sp.Expr, symbols: tuple[sp.Symbol, ...]) -> list[sp.Expr]:
    """Polynomial factors of a denominator that vanish somewhere (sqrt(x²+y²) → x²+y²)."""
    out = []
    for factor in sp.Mul.make_args(den):
        base = factor.base if factor.is_Pow else factor
        if base.free_symbols & set(symbols) and _is_poly(base, symbols):
            out.append(sp.nsimplify(base, rational=True))
    return out


def _real_poly_solutions(
    eqs: list[sp.Expr], symbols: tuple[sp.Symbol, ...]
) -> list[Solution] | None:
    """Every real solution of a polynomial system, or None when there are infinitely many."""
    eqs = [sp.nsimplify(sp.expand(e), rational=True) for e in eqs]
    eqs = [e for e in eqs if e != 0]
    if not eqs:
        return None
    roots = []
    for s in symbols:
        order = [t for t in symbols if t != s] + [s]
        basis = sp.groebner(eqs, *order, order="lex")
        if basis.exprs == [1]:
            return []
        if not basis.is_zero_dimensional:
            return None
        last = next(p for p in reversed(basis.exprs) if p.free_symbols <= {s})
        roots.append(sorted(set(sp.Poly(last, s).real_roots())))
    # Check each combination of roots with their 50-digit values: exact arithmetic on
    # CRootOf objects costs ten times more and decides nothing more.
    digits = [[sp.N(r, 50) for r in rs] for rs in roots]
    out = []
    for pick in itertools.product(*(range(len(rs)) for rs in roots)):
        sub = {s: digits[k][i] for k, (s, i) in enumerate(zip(symbols, pick, strict=True))}
        if all(_vanishes(e, sub) for e in eqs):
            combo = tuple(roots[k][i] for k, i in enumerate(pick))
            out.append((combo, tuple(float(sub[s]) for s in symbols)))
    return out


def _vanishes(e: sp.Expr, sub: dict[sp.Symbol, sp.Expr]) -> bool:
    # Against the size of its terms: a backward-error test, not an absolute one.
    scale = sum(abs(t.xreplace(sub)) for t in sp.Add.make_args(e))
    return bool(abs(e.xreplace(sub)) <= 1e-35 * (1 + scale))


def _nonzero(d: sp.Expr, symbols: tuple[sp.Symbol, ...], combo: tuple[sp.Expr, ...]) -> bool:
    return bool(abs(sp.N(d.xreplace(dict(zip(symbols, combo, strict=True))), 30)) > 1e-25)


def _solve_any(grad: list[sp.Expr], symbols: tuple[sp.Symbol, ...]) -> list[Solution]:
    out = []
    for sol in sp.solve(grad, list(symbols), dict=True):
        if set(sol) != set(symbols) or any(v.free_symbols for v in sol.values()):
            continue  # a curve of solutions, or a parametric family: left to the numeric stage
        coords = tuple(sol[s] for s in symbols)
        values = [complex(sp.N(c, 30)) for c in coords]
        if all(abs(v.imag) <= 1e-20 * (1 + abs(v.real)) for v in values):
            out.append((coords, tuple(v.real for v in values)))
    return out
