"""The fuzzing harness (fuzz/): a short deterministic run finds nothing, the checker can
find what it looks for, and every formula it (or the issue) found stays fixed."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzz import oracle
from fuzz.case import run_case
from fuzz.generate import formulas
from fuzz.runner import run

# Formulas the harness or the issue found misbehaving, kept fixed. Each is run through
# every check (parser, calculus, kernels, oracle, CLI).
REGRESSIONS = [
    "(x+y)^1000",  # the tidy step factored a degree-999 expansion for minutes
    "^".join(["t"] * 62),  # Hessian of a tower inside the depth limit: RecursionError
]

# Found by the long run (seed 2) and not fixed on this branch: they belong to issue 10's
# item 3 (one evaluator, honest non-smooth calculus) and to the formula layer. Each fails
# today exactly as found (xfail); once fixed, the test fails and asks to move it up.
_ZERO_TIMES_INF = "chain rule gives 0·∞ = NaN on a locally constant piece; the slope is 0"
KNOWN = [
    ("((0 * 0)^3)^x", _ZERO_TIMES_INF),  # d/dx 0^x = 0^x·log 0
    ("(0)^x * y + y", _ZERO_TIMES_INF),
    ("asin(sign(cot(x)))", _ZERO_TIMES_INF),  # asin'(±1) = ∞ times sign' = 0
    ("sqrt((x   relu(x))^0.5)", _ZERO_TIMES_INF),
    ("sign((relu(atan(y)))^2.5)", _ZERO_TIMES_INF),
    ("tanh((0)^y)", "0^y for y < 0 is a pole, but tanh(inf) = 1 comes back as a value"),
    ("-x - y - x / log2(y)", "log2(-0.0) = -inf, and x/-inf = 0 hides that f is undefined"),
    ("erfc(((x)+(erf(y)))*(-abs(4)))", "SymPy rewrites erfc(-u) as 2 - erfc(u): all digits "
     "cancel where erfc(u) is near 2 (0.0 for 1.5e-17)"),
]


@pytest.mark.skip(reason="hangs: grad runs over a minute (43 s of CPU, then killed); SymPy "
                  "evaluates the complex constant atanh(cbrt(e)) inside csc/sinh/erfc. Found by "
                  "the long run, seed 2 case 6530; belongs to the formula layer's bounds")
def test_a_complex_constant_deep_inside_answers_fast():
    report = run_case("atan((sinh(csc(erfc(atanh(cbrt(e))))))+((x)*((y)^2.5)))")
    assert report["problems"] == []


def test_a_short_run_finds_no_problem():
    summary = run(100, seed=1, jobs=2, numba_every=50)
    assert summary["cases"] == 100
    assert summary["problems"] == []
    assert summary["checked"] >= 100  # it compared numbers, not only parsed
    assert summary["outcomes"].get("parsed", 0) >= 50
    assert summary["max_rss"] < 1 << 30


@pytest.mark.parametrize("text", REGRESSIONS)
def test_what_was_found_stays_fixed(text):
    report = run_case(text, numba=False)
    assert report["problems"] == []


@pytest.mark.parametrize("text, why", KNOWN)
def test_known_findings_still_fail_as_found(text, why):
    report = run_case(text, cli=False)
    if report["problems"]:
        pytest.xfail(why)
    pytest.fail(f"fixed? move {text!r} to REGRESSIONS")


def test_the_checker_finds_a_wrong_number(monkeypatch):
    from gradscape.calculus.formula_function import FormulaFunction

    right = FormulaFunction.__call__
    monkeypatch.setattr(FormulaFunction, "__call__",
                        lambda self, *a, **k: right(self, *a, **k) * (1 + 1e-6))
    report = run_case("sin(x) + x^2 + 2", cli=False)
    assert report["checked"] >= 3
    assert [kind for kind, _ in report["problems"]].count("wrong-value") == 3


def test_the_checker_finds_a_value_where_there_is_none(monkeypatch):
    from gradscape.calculus.formula_function import FormulaFunction

    monkeypatch.setattr(FormulaFunction, "__call__", lambda self, *a, **k: 1.0)
    report = run_case("sqrt(-1 - x^2)", cli=False)  # undefined at every real x
    assert [kind for kind, _ in report["problems"]].count("defined-where-undefined") == 3


def test_the_oracle_agrees_with_closed_forms():
    import sympy as sp

    x = sp.Symbol("x", real=True)
    assert abs(oracle.value(sp.exp(x) * sp.sin(x), {x: 0.5})
               - math.exp(0.5) * math.sin(0.5)) < 1e-15
    assert oracle.value(sp.log(x), {x: -1.0}) is oracle.UNDEFINED
    assert oracle.value(sp.sqrt(x), {x: -4.0}) is oracle.UNDEFINED
    (d,) = oracle.gradient(x**3, [x], [2.0])
    assert abs(d - 12) < 1e-20  # 3·2² by hand


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas())
def test_grammar_formulas_pass_every_check(text):
    report = run_case(text, cli=False)
    assert report["problems"] == [], report
