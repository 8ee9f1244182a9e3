"""Optimizers on the classic problems (Moré, Garbow & Hillstrom 1981) against SciPy's.

For each problem from its standard start: gradscape's methods (``auto`` and each row that
needs no learning rate) and SciPy's BFGS, L-BFGS-B, Newton-CG and trust-exact, every one given
the same NumPy functions (gradscape's kernels: f, ∇f, and for the Newton methods the Hessian),
so the evaluation counts and times compare methods, not kernels. A run "solves" a problem when
its final f is within 1e-6·(1 + |f*|) of the published minimum. Tolerance: |∇f| < 1e-5 for
gradscape (Euclidean norm), gtol = 1e-5 for SciPy (its max-norm: a looser test).

Then the cold start: a fresh process, an empty kernel cache, the 10-variable extended
Rosenbrock, ``descend(..., method="auto")`` to |∇f| < 1e-10, next to
``python -c "import sympy"``, interleaved.

Then the warm process (imports done, other formulas already run, the BFGS loop compiled):

- a new formula each time (extended Rosenbrock, n = 10, with a fresh constant term so no
  cache can answer), ``descend(..., method="auto")`` from its standard start: seconds to the
  answer (target under 1 s);
- the same formula called again and again, against SciPy's BFGS given a gradient from
  ``sympy.lambdify``, interleaved call by call: medians and the ratio (target ≤ 2×).

Run: ``python -m bench optimizers`` (``--quick``: one repeat). Medians; no assertions.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

OURS = ("auto", "bfgs", "lbfgs", "cg", "newton", "trust-newton")
THEIRS = ("BFGS", "L-BFGS-B", "Newton-CG", "trust-exact")
_COLD = """
import time
t = time.perf_counter()
from gradscape.optim.descend import descend
from gradscape.optim.classic import extended_rosenbrock
r = descend(extended_rosenbrock(10), [-1.2, 1.0] * 5, tol=1e-10)
assert r.status == "converged", r.status
"""


def _ours(f: Any, start: list[float], method: str) -> tuple[float, int, int, str]:
    from gradscape.optim.descend import descend

    t = descend(f, start, method, steps=5000, tol=1e-5, backend="numpy")
    return t.value, t.evaluations[0], t.evaluations[1], t.status


def _theirs(problem: Any, start: list[float], method: str) -> tuple[float, int, int, str]:
    from scipy.optimize import minimize

    def fun(x: np.ndarray) -> float:
        return float(problem.value(x[None])[0])

    def jac(x: np.ndarray) -> np.ndarray:
        return np.asarray(problem.grad(x[None])[0])

    def hess(x: np.ndarray) -> np.ndarray:
        return np.asarray(problem.hess(x[None])[0])

    kw: dict[str, Any] = {"jac": jac}
    if method in ("Newton-CG", "trust-exact"):
        kw["hess"] = hess
    opts = {"gtol": 1e-5} if method != "Newton-CG" else {"xtol": 1e-8}
    r = minimize(fun, np.array(start), method=method, options={**opts, "maxiter": 5000}, **kw)
    return float(r.fun), int(r.nfev), int(getattr(r, "njev", 0)), "ok" if r.success else "no"


def _time(fn: Any, repeats: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


_SHORT = {"trust-newton": "trust", "scipy BFGS": "S:BFGS", "scipy L-BFGS-B": "S:L-BFGS-B",
          "scipy Newton-CG": "S:Newton-CG", "scipy trust-exact": "S:trust-exact"}


def _problems(console: Console, repeats: int) -> None:
    from gradscape.calculus.function import Function
    from gradscape.optim.classic import CLASSIC, solved
    from gradscape.optim.descend import problem_of

    names = [*OURS, *(f"scipy {m}" for m in THEIRS)]
    wins = dict.fromkeys(names, 0)
    evals = Table(title="classic problems (MGH 1981): solved? and gradient evaluations (njev)")
    times = Table(title="the same runs: median milliseconds (warm: kernels built)")
    for table in (evals, times):
        table.add_column("problem")
        for name in names:
            table.add_column(_SHORT.get(name, name), justify="right")
    for p in CLASSIC.values():
        f = Function(p.formula)
        problem = problem_of(f)
        row, ms = [p.name], [p.name]
        for method in names:
            if method.startswith("scipy "):
                run = partial(_theirs, problem, list(p.start), method[6:])
            else:
                run = partial(_ours, f, list(p.start), method)
            run()  # warm: kernels built, first-call costs paid
            seconds, (value, _nfev, njev, _status) = _time(run, repeats)
            ok = solved(value, p)
            wins[method] += ok
            row.append(f"{'✓' if ok else '✗'} {njev}")
            ms.append(f"{1e3 * seconds:.1f}")
        evals.add_row(*row)
        times.add_row(*ms)
    evals.add_row("solved", *(f"{wins[m]}/{len(CLASSIC)}" for m in names))
    console.print(evals)
    console.print(times)


def _cold(console: Console, repeats: int) -> None:
    py = sys.executable
    ours, sympy = [], []
    for _ in range(repeats):  # interleaved, so machine load hits both alike
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "GRADSCAPE_CACHE_DIR": cache}
            start = time.perf_counter()
            subprocess.run([py, "-c", _COLD], check=True, env=env, capture_output=True)
            ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        subprocess.run([py, "-c", "import sympy"], check=True, capture_output=True)
        sympy.append(time.perf_counter() - start)
    a, b = statistics.median(ours), statistics.median(sympy)
    console.print(f"cold start, extended Rosenbrock n = 10, auto to 1e-10: {a:.2f} s; "
                  f"python -c 'import sympy': {b:.2f} s; ratio {a / b:.2f} "
                  f"(medians of {repeats})")


def _new_formulas(console: Console, repeats: int) -> None:
    from gradscape.optim.classic import extended_rosenbrock
    from gradscape.optim.descend import descend

    # warm: imports, and the BFGS loop compiled (so "auto" must choose not to compile more)
    descend("(1 - x)^2 + 100(y - x^2)^2", [-1.2, 1.0], "bfgs", backend="numba")
    descend("x^2 + 3y^2", [1.0, 1.0])
    times, statuses = [], set()
    for k in range(repeats):
        start = time.perf_counter()
        t = descend(f"{extended_rosenbrock(10)} + {k + 1}", [-1.2, 1.0] * 5, tol=1e-10)
        times.append(time.perf_counter() - start)
        statuses.add(t.status)
    console.print(f"warm process, a new formula each time (extended Rosenbrock n = 10), auto "
                  f"to 1e-10: median {statistics.median(times):.3f} s, max {max(times):.3f} s "
                  f"over {repeats} ({', '.join(sorted(statuses))}; load "
                  f"{os.getloadavg()[0]:.1f})")


def _scipy_lambdified(f: Any) -> tuple[Any, Any] | None:
    try:
        import sympy as sp
        from scipy.optimize import minimize  # noqa: F401 (present?)
    except ImportError:
        return None
    syms = list(f.symbols)
    value = sp.lambdify([syms], f.expr, "numpy")
    grad = sp.lambdify([syms], [sp.diff(f.expr, s) for s in syms], "numpy")
    return (lambda x: float(value(x))), (lambda x: np.array(grad(x), dtype=float))


def _warm_calls(console: Console, repeats: int) -> None:
    from gradscape.calculus.function import Function
    from gradscape.optim.classic import extended_rosenbrock
    from gradscape.optim.descend import descend

    table = Table(title=f"warm calls, same formula again: gradscape auto vs SciPy BFGS with a "
                  f"lambdified gradient, tol 1e-8 (median of {repeats}, interleaved)")
    for col in ("problem", "gradscape ms", "SciPy ms", "ratio", "gs njev", "SciPy njev"):
        table.add_column(col, justify="left" if col == "problem" else "right")
    problems = {"Rosenbrock n = 2": ("(1 - x)^2 + 100(y - x^2)^2", [-1.2, 1.0]),
                "ext. Rosenbrock n = 10": (extended_rosenbrock(10), [-1.2, 1.0] * 5)}
    for name, (text, x0) in problems.items():
        f = Function(text)
        theirs = _scipy_lambdified(f)
        if theirs is None:
            console.print("SciPy is not importable: pip install scipy (the bench extra)")
            return
        from scipy.optimize import minimize

        fun, jac = theirs

        ours = partial(descend, f, x0, tol=1e-8)
        scipy = partial(minimize, fun, np.array(x0), jac=jac, method="BFGS",
                        options={"gtol": 1e-8})

        for _ in range(8):  # warm: "auto" may compile once the calls have paid for it
            ours()
        scipy()
        a, b = [], []
        for _ in range(repeats):
            a.append(_time(ours, 1)[0])
            b.append(_time(scipy, 1)[0])
        ma, mb = statistics.median(a), statistics.median(b)
        table.add_row(name, f"{1e3 * ma:.2f}", f"{1e3 * mb:.2f}", f"{ma / mb:.2f}",
                      str(ours().evaluations[1]), str(scipy().njev))
    console.print(table)


def run(quick: bool) -> None:
    """Print the classic-problem table, the cold-start and the warm-process figures."""
    console = Console(width=170)
    repeats = 1 if quick else 3
    _problems(console, repeats)
    _cold(console, repeats)
    _new_formulas(console, 3 if quick else 7)
    _warm_calls(console, 5 if quick else 15)
