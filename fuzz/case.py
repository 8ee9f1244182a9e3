"""One case, every check: parse → Function → gradient → kernels (NumPy, and Numba for a
sample) against the oracle → the CLI's exit codes. Returns what happened and any problem.

A problem is one of: ``internal`` (an exception gradscape did not mean: not a
GradscapeError), ``wrong-value``/``wrong-grad`` (a number that disagrees with the 30-digit
oracle beyond what float64 rounding allows at that point), ``defined-where-undefined``,
``cli-exit`` (an exit code other than 0 and 2, or a traceback).
"""

from __future__ import annotations

import contextlib
import io
import math
import random
from typing import Any

from fuzz import oracle

__all__ = ["run_case", "check_web"]

_POINTS = 3
_REL = 1e-7  # beyond float64 rounding, once the point's own sensitivity is allowed for


def run_case(text: str, *, numba: bool = False, cli: bool = True,
             rng: random.Random | None = None) -> dict[str, Any]:
    """All checks on ``text``; ``{"outcome": ..., "problems": [...]}``."""
    from gradscape.errors import GradscapeError

    rng = rng or random.Random(text)
    report: dict[str, Any] = {"text": text, "outcome": "ok", "problems": [], "checked": 0}
    try:
        _calculus(text, report, numba, rng)
    except GradscapeError:
        report["outcome"] = "refused"
    except oracle.UncheckedError:
        report["outcome"] = "unchecked"
    except MemoryError:
        report["problems"].append(("internal", "MemoryError"))
    except Exception as err:  # the point: catch what escaped
        report["problems"].append(("internal", f"{type(err).__name__}: {err}"[:300]))
    if cli:
        _cli(text, report, rng)
    check_web(text, report)
    return report


def check_web(text: str, report: dict[str, Any]) -> None:
    """Hook for the web API (not on main yet): post ``text`` to each endpoint and require a
    2xx or a 4xx with a structured message, never a 5xx; add problems to ``report``."""


def _calculus(text: str, report: dict[str, Any], numba: bool, rng: random.Random) -> None:
    import numpy as np

    from gradscape.calculus.function import Function

    f = Function(text)
    grad = f.gradient  # symbolic, bounded
    report["outcome"] = "parsed"
    symbols = list(f.symbols)
    report["dims"] = len(symbols)
    if not symbols:
        return
    backends = ["numpy", "numba"] if numba else ["numpy"]
    for _ in range(_POINTS):
        point = [round(rng.uniform(-3, 3), rng.choice([1, 3, 17])) for _ in symbols]
        try:
            truth = oracle.value(f.expr, dict(zip(symbols, point)))
            if truth is not oracle.UNDEFINED and any(
                    oracle.value(g, dict(zip(symbols, point))) is oracle.UNDEFINED
                    for g in getattr(f, "guards", ())):
                truth = oracle.UNDEFINED  # undefined as typed: log10(x)*sign(0) at x < 0
            if not _well_conditioned(f.expr, symbols, point, truth):
                continue
        except oracle.UncheckedError:  # the oracle cannot judge this point
            continue
        for backend in backends:
            with np.errstate(all="ignore"):
                got = float(np.asarray(f(*point, backend=backend)).reshape(-1)[0])
            _compare(report, "value", text, backend, point, got, truth)
            if truth is oracle.UNDEFINED or len(grad) == 0:
                continue
            try:
                want = oracle.gradient(f.expr, symbols, point)
            except oracle.UncheckedError:
                continue
            with np.errstate(all="ignore"):
                g = np.asarray(f.grad(*point, backend=backend), dtype=float).reshape(-1)
            # A derivative such as tanh' = 1 - tanh² is exact to an ulp of 1, not of itself:
            # gradients are held to 1e-13 of the function's own size as well.
            scale = max([abs(float(w)) for w in want] + [1e-8 * max(1.0, abs(float(truth)))])
            for k, w in enumerate(want):
                _compare(report, "grad", text, backend, point, float(g[k]), w, scale)


def _well_conditioned(expr: Any, symbols: list[Any], point: list[float], base: Any) -> bool:
    """The value barely moves when the point, or a constant of the formula, moves by float64
    rounding (so float64 code can be held to it). Skipped: points next to a domain edge or a
    pole (asin(10y) at y = -0.1, where 10y is -1 in float64 but -1 - 5.6e-17 exactly), and
    formulas whose value hangs on a constant's last bit: cos(sinh(250) - asin(x)^2) is cos
    of 1.9e108, where float64 (and a 30-digit oracle) keep no digit of the result."""
    values = dict(zip(symbols, point))
    for sign in (1, -1):
        moved = [v * (1 + sign * 4e-16) + sign * 1e-300 for v in point]
        for other in (oracle.value(expr, dict(zip(symbols, moved))),
                      oracle.value(expr, values, moved=sign * 4e-16)):
            if (other is oracle.UNDEFINED) is not (base is oracle.UNDEFINED):
                return False
            if base is not oracle.UNDEFINED and abs(other - base) > 1e-9 * max(abs(base), 1e-30):
                return False
    return True


def _compare(report: dict[str, Any], what: str, text: str, backend: str, point: list[float],
             got: float, truth: Any, scale: float | None = None) -> None:
    report["checked"] += 1
    where = f"{what} [{backend}] at {point}: got {got!r}, oracle {truth}"
    if truth is oracle.UNDEFINED:
        if not math.isnan(got) and not math.isinf(got):
            report["problems"].append(("defined-where-undefined", where))
        return
    t = float(truth)
    if math.isinf(t):
        return
    size = abs(t) if scale is None else scale
    if math.isnan(got) or abs(got - t) > _REL * size + 1e-300:
        if what == "grad" and abs(got - t) <= 1e-5 * size:
            return  # numeric differentiation in the oracle is good to ~1e-6 near kinks
        report["problems"].append((f"wrong-{what}", where))


def _cli(text: str, report: dict[str, Any], rng: random.Random) -> None:
    from gradscape.cli.main import main

    at = ",".join([f"{rng.uniform(-2, 2):.3g}"] * max(1, report.get("dims", 1)))
    commands = [["grad", text, "--json"], ["eval", text, "--at", at, "--json"]]
    for argv in commands:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exit_:  # argparse's own exit
                code = int(exit_.code or 0)
            except BaseException as exc:
                code = -1
                err.write(f"escaped: {type(exc).__name__}: {exc}")
        said = err.getvalue()
        if code not in (0, 2) or "Traceback" in said or "internal error" in said:
            report["problems"].append(("cli-exit", f"{argv[0]}: exit {code}: {said[:300]}"))
