"""Parameters versus constants: names held fixed are put in exactly and never differentiated."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from gradscape import Function
from gradscape.cli.main import main
from gradscape.errors import FormulaError, GradscapeError


def test_constants_are_substituted_exactly_and_not_differentiated() -> None:
    f = Function("(w*x + b - y)^2", ("w", "b"), constants={"x": 0.1, "y": 1})
    w, b = sp.symbols("w b", real=True)
    # by hand: d/dw (w/10 + b - 1)^2 = (w/10 + b - 1)/5, d/db = 2(w/10 + b - 1)
    assert sp.simplify(f.gradient[0] - (w / 10 + b - 1) / 5) == 0
    assert sp.simplify(f.gradient[1] - 2 * (w / 10 + b - 1)) == 0
    assert f.constants == {"x": sp.Rational(1, 10), "y": 1}
    assert f.variables == ("w", "b")
    assert f.grad(1.0, 2.0).tolist() == pytest.approx([2 * 1.1 / 10, 2 * 1.1])


def test_string_constants_and_inferred_variables() -> None:
    f = Function("a*x^2 + c", constants="a=3, c=-1")
    assert f.variables == ("x",)
    assert f(2.0) == 11.0


def test_free_name_error_shows_both_fixes() -> None:
    with pytest.raises(FormulaError) as err:
        Function("(w*x + b - y)^2", "w,b")
    text = str(err.value)
    assert "'x', 'y'" in text and "--wrt w,b,x,y" in text and "--const x=VALUE,y=VALUE" in text


@pytest.mark.parametrize("kwargs", [
    {"constants": {"z": 1}},              # not in the formula
    {"constants": {"w": 1}},              # both a variable and a constant
    {"constants": "x"},                   # no value
    {"constants": {"x": float("nan")}},   # not finite
])
def test_bad_constants_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(GradscapeError):
        Function("w*x + b", "w,b", **kwargs)  # type: ignore[arg-type]


def test_cli_wrt_const_prints_held_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "(w*x+b-y)^2", "--wrt", "w,b", "--const", "x=2,y=1", "--at",
                 "0,0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["constants"] == {"x": "2", "y": "1"}
    assert out["value"] == [-4.0, -2.0]  # 2x(wx+b-y) = -4, 2(wx+b-y) = -2 at w=b=0
    assert main(["grad", "(w*x+b-y)^2", "--wrt", "w,b", "--const", "x=2,y=1"]) == 0
    assert "held constant: x = 2, y = 1" in capsys.readouterr().out


def test_cli_free_name_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "(w*x+b-y)^2", "--vars", "w,b"]) == 2
    err = capsys.readouterr().err
    assert "--wrt" in err and "--const" in err and "Traceback" not in err
