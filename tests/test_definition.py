"""The derivative from first principles (``gs.definition``, ``diff --definition``), against a
derivative table written out here by hand — not SymPy's diff of the same formula, and not
the rules the module checks itself against."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from gradscape.calculus.definition import definition
from gradscape.cli.main import main

x = sp.Symbol("x", real=True)

# formula, f′ from a textbook table, how the algebra goes
TABLE = [
    ("x^2", 2 * x, "expand"),
    ("x^3", 3 * x**2, "expand"),
    ("x^4", 4 * x**3, "expand"),
    ("3x^2 - 2x + 1", 6 * x - 2, "expand"),
    ("1/x", -1 / x**2, "common denominator"),
    ("1/x^2", -2 / x**3, "common denominator"),
    ("1/(x + 1)", -1 / (x + 1) ** 2, "common denominator"),
    ("x/(x + 1)", 1 / (x + 1) ** 2, "common denominator"),
    ("sqrt(x)", 1 / (2 * sp.sqrt(x)), "conjugate"),
    ("sqrt(2x + 1)", 1 / sp.sqrt(2 * x + 1), "conjugate"),
]


@pytest.mark.parametrize("formula, expected, method", TABLE)
def test_textbook_table_by_algebra_alone(formula, expected, method):
    d = definition(formula)
    assert d.works and d.method == method and d.agrees
    assert sp.simplify(d.derivative - expected) == 0
    text = d.to_text()
    assert "(f(x + h) − f(x))/h" in text and "h → 0" in text
    assert "cancel h" in text


def test_the_steps_of_x_squared_are_the_textbook_ones():
    shown = [s for _, s in definition("x^2").steps]
    assert shown[2] == "(f(x + h) − f(x))/h = ((h + x)^2 − x^2)/h"
    assert shown[3] == "= (h^2 + 2h*x)/h"
    assert shown[4] == "= h + 2x"
    assert shown[5] == "f′(x) = 2x"


def test_the_conjugate_is_named_for_a_root():
    what = [w for w, _ in definition("sqrt(x)").steps]
    assert "multiply top and bottom by the conjugate sqrt(h + x) + sqrt(x)" in what


@pytest.mark.parametrize("formula, expected, needs", [
    ("sin(x)", sp.cos(x), "sin(h)/h → 1"),
    ("exp(x)", sp.exp(x), "(e^h − 1)/h → 1"),
])
def test_transcendental_says_plainly_that_algebra_is_not_enough(formula, expected, needs):
    d = definition(formula)
    assert not d.works and needs in d.standard_limits
    assert "does not simplify to a form where h → 0 can be substituted" in d.reason
    assert sp.simplify(d.derivative - expected) == 0


def test_a_partial_derivative_holds_the_other_variables():
    d = definition("x^2 y", "x")
    assert d.derivative == 2 * x * sp.Symbol("y", real=True)
    assert d.steps[1][1] == "f(x + h, y) = y*(h + x)^2"


def test_cli_definition_text_json_and_refusals(capsys):
    assert main(["diff", "sqrt(x)", "--definition"]) == 0
    out = capsys.readouterr().out
    assert "f′(x) = 1/(2sqrt(x))" in out
    assert main(["diff", "1/x", "--definition", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["derivative"] == "-1/x**2" and data["method"] == "common denominator"
    assert [s["step"] for s in data["steps"]][2] == "difference quotient"
    for argv in (["diff", "x y", "--definition"], ["diff", "x^2", "--definition", "--at", "1"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("gradscape: error:")


def test_the_diff_example_runs(capsys):
    import shlex

    from gradscape.cli.symbolic import SPECS

    lines = [e for e in SPECS["diff"].example_lines() if "--definition" in e]
    assert len(lines) == 1
    assert main(shlex.split(lines[0])[1:]) == 0
    assert "f′(x) = 1/(2sqrt(x))" in capsys.readouterr().out
