"""Vector functions: Jacobian, divergence, curl and Laplacian against a hand-built textbook
table, random formula trees against mpmath's numerical derivatives, and the CLI's JSON."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from trees import trees

import gradscape as gs
from gradscape.calculus.vector import VectorFunction, laplacian
from gradscape.errors import DomainError, FormulaError, LimitError

x, y, z = sp.symbols("x y z", real=True)

# (field, hand-derived Jacobian, divergence, curl: scalar in 2-D, triple in 3-D)
TABLE = [
    ("x^2 y, 5x + sin(y)", [[2 * x * y, x**2], [5, sp.cos(y)]], 2 * x * y + sp.cos(y), 5 - x**2),
    ("-y, x", [[0, -1], [1, 0]], 0, 2),
    ("x, y", [[1, 0], [0, 1]], 2, 0),
    ("exp(x) cos(y), -exp(x) sin(y)",
     [[sp.exp(x) * sp.cos(y), -sp.exp(x) * sp.sin(y)],
      [-sp.exp(x) * sp.sin(y), -sp.exp(x) * sp.cos(y)]], 0, 0),
    ("[y z, x z, x y]", [[0, z, y], [z, 0, x], [y, x, 0]], 0, (0, 0, 0)),
    ("y z, -x z, 0", [[0, z, y], [-z, 0, -x], [0, 0, 0]], 0, (x, y, -2 * z)),
    ("x^2, y^2, z^2", [[2 * x, 0, 0], [0, 2 * y, 0], [0, 0, 2 * z]], 2 * x + 2 * y + 2 * z,
     (0, 0, 0)),
    ("-y, x, z", [[0, -1, 0], [1, 0, 0], [0, 0, 1]], 1, (0, 0, 2)),
    ("x y z, x^2, sin(z)", [[y * z, x * z, x * y], [2 * x, 0, 0], [0, 0, sp.cos(z)]],
     y * z + sp.cos(z), (0, x * y, 2 * x - x * z)),
]

# (formula, hand-derived Laplacian)
LAPLACIANS = [
    ("x^2 + y^2 + z^2", 6),
    ("x^3 + x y^2", 8 * x),
    ("log(x^2 + y^2)", 0),
    ("exp(x) sin(y)", 0),
    ("x^4 y^2", 12 * x**2 * y**2 + 2 * x**4),
    ("1/sqrt(x^2 + y^2 + z^2)", 0),
    ("sin(x) sin(y) sin(z)", -3 * sp.sin(x) * sp.sin(y) * sp.sin(z)),
]


def _same(a: object, b: object) -> bool:
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


@pytest.mark.parametrize(("text", "jac", "div", "curl"), TABLE)
def test_textbook_table(text: str, jac: list[list[sp.Expr]], div: sp.Expr,
                        curl: sp.Expr | tuple[sp.Expr, ...]) -> None:
    F = VectorFunction(text)
    J = F.jacobian
    assert J.shape == (len(jac), len(jac[0]))
    assert all(_same(J[i, j], jac[i][j]) for i in range(J.shape[0]) for j in range(J.shape[1]))
    assert _same(F.divergence, div)
    got = F.curl
    if isinstance(curl, tuple):
        assert isinstance(got, tuple) and len(got) == 3
        assert all(_same(a, b) for a, b in zip(got, curl))
    else:
        assert _same(got, curl)


@pytest.mark.parametrize(("text", "expected"), LAPLACIANS)
def test_laplacian_table(text: str, expected: sp.Expr) -> None:
    assert _same(laplacian(text), expected)


def test_python_api_and_numbers_at_a_point() -> None:
    F = gs.VectorFunction("x^2 y, 5x + sin(y)")
    assert F.variables == ("x", "y")
    flat = [v for row in F.at(F.jacobian, 1, 2) for v in row]
    assert flat == pytest.approx([4, 1, 5, math.cos(2)])
    assert F.at(F.divergence, 1, 2) == pytest.approx(4 + math.cos(2))
    assert gs.laplacian("x^3 + x y^2") == 8 * x


def test_list_forms_and_errors() -> None:
    assert VectorFunction("[x, y]").components == VectorFunction("(x, y)").components == (x, y)
    assert VectorFunction("log(x, 2), y").components[0] == sp.log(x) / sp.log(2)
    assert VectorFunction("x, 0", "x,y").divergence == 1
    with pytest.raises(DomainError, match="as many components as variables"):
        _ = VectorFunction("x, 1").divergence
    with pytest.raises(DomainError, match="2-D and 3-D"):
        _ = VectorFunction("w, x, y, z").curl
    with pytest.raises(FormulaError, match="missing formula at column 4"):
        VectorFunction("x, , y")
    with pytest.raises(FormulaError, match="brackets"):
        VectorFunction("[x, y")
    with pytest.raises(FormulaError) as err:
        VectorFunction("[x, sinn(y)]")
    assert err.value.column == 4 and err.value.formula == "[x, sinn(y)]"  # caret in the text
    with pytest.raises(LimitError):
        VectorFunction(", ".join(["x"] * 20000))


def _mp(expr: sp.Expr, syms: tuple[sp.Symbol, ...]):
    return sp.lambdify(syms, expr, modules="mpmath")


LEAVES = [x, y, sp.Integer(2), sp.Rational(1, 2)]
UNARY = [sp.sin, sp.cos, sp.exp, sp.atan]


@settings(max_examples=30, deadline=None)
@given(a=trees(3, LEAVES, UNARY), b=trees(3, LEAVES, UNARY),
       px=st.floats(-1.5, 1.5), py=st.floats(-1.5, 1.5))
def test_random_jacobian_and_laplacian_against_mpmath(a: sp.Expr, b: sp.Expr, px: float,
                                                      py: float) -> None:
    syms = (x, y)
    F = VectorFunction([a, b], "x,y")
    J = F.at(F.jacobian, px, py)
    mpmath.mp.dps = 30
    checked = 0
    for i, e in enumerate((a, b)):
        fn = _mp(e, syms)
        for j, order in enumerate(((1, 0), (0, 1))):
            ref = float(mpmath.diff(fn, (px, py), order))
            assert J[i][j] == pytest.approx(ref, rel=1e-7, abs=1e-7)
            checked += 1
        lap = float(mpmath.diff(fn, (px, py), (2, 0)) + mpmath.diff(fn, (px, py), (0, 2)))
        got = F.at(laplacian(e, "x,y"), px, py)
        assert got == pytest.approx(lap, rel=1e-6, abs=1e-6)
    assert checked == 4


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gradscape", *args], capture_output=True,
                          text=True, timeout=120)


def _expr(s: str) -> sp.Expr:
    return sp.sympify(s, locals={"x": x, "y": y, "z": z})


def test_cli_json_contracts() -> None:
    r = _cli("jacobian", "x^2 y, 5x + sin(y)", "--at", "1,2", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [[_same(_expr(c), e) for c, e in zip(row, ref)]
            for row, ref in zip(out["jacobian"], TABLE[0][1])] == [[True, True], [True, True]]
    assert [v for row in out["value"] for v in row] == pytest.approx([4, 1, 5, math.cos(2)])
    out = json.loads(_cli("div", "x^2, y^2, z^2", "--at", "1,2,3", "--json").stdout)
    assert _same(_expr(out["divergence"]), 2 * x + 2 * y + 2 * z) and out["value"] == 12
    out = json.loads(_cli("curl", "y z, -x z, 0", "--json").stdout)
    assert [_same(_expr(c), e) for c, e in zip(out["curl"], (x, y, -2 * z))] == [True] * 3
    out = json.loads(_cli("curl", "-y, x", "--json").stdout)
    assert out["curl"] == "2"
    out = json.loads(_cli("laplacian", "x^3 + x y^2", "--at", "1,0", "--json").stdout)
    assert _same(_expr(out["laplacian"]), 8 * x) and out["value"] == 8


def test_cli_refuses_in_one_line() -> None:
    r = _cli("div", "x, 1")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "--vars" in r.stderr


def test_every_documented_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import shlex

    from gradscape.cli import main as cli_main
    from gradscape.cli import potentialcmd, vectorcmd

    specs = {**vectorcmd.SPECS, **potentialcmd.SPECS}
    assert sorted(specs) == ["curl", "div", "jacobian", "laplacian", "potential"]
    assert all(cli_main.COMMANDS[name] in ("vectorcmd", "potentialcmd") for name in specs)
    examples = [e for spec in specs.values() for e in spec.example_lines()]
    for example in examples:
        argv = shlex.split(example)[1:]
        assert cli_main.main(argv) == 0, example
        out = capsys.readouterr().out
        assert out.strip()
        if "--json" in argv:
            json.loads(out)
    assert len(examples) == 13


def test_show_steps_derive_each_partial_used() -> None:
    out = json.loads(_cli("div", "x^2 y, 5x + sin(y)", "--show-steps", "--json").stdout)
    steps = out["steps"]
    assert sorted(steps) == ["∂F1/∂x", "∂F2/∂y"]
    assert _same(_expr(steps["∂F1/∂x"]["result"]), 2 * x * y)
    assert _same(_expr(steps["∂F2/∂y"]["result"]), sp.cos(y))
    out = json.loads(_cli("curl", "y z, -x z, 0", "--show-steps", "--json").stdout)
    assert len(out["steps"]) == 6 and _same(_expr(out["steps"]["∂F2/∂z"]["result"]), -x)
    out = json.loads(_cli("laplacian", "x^2 y", "--steps", "--json").stdout)
    assert _same(_expr(out["steps"]["∂²f/∂x²"]["result"]), 2 * y)
    assert len(out["steps"]) == 4


def test_numbers_where_the_field_is_undefined_read_undefined() -> None:
    # 1/x is undefined at x = 0; sqrt(x) for x < 0 (its curl, 0, must not be printed there)
    F = VectorFunction("1/x, y/x")
    assert math.isnan(F.at(F.curl, 0, 1)) and F.at(F.curl, 1, 1) == -1.0  # -y/x² at (1, 1)
    G = VectorFunction("sqrt(x), y")
    assert math.isnan(G.at(G.curl, -1, 1)) and G.at(G.curl, 1, 1) == 0.0
    out = json.loads(_cli("curl", "1/x, y/x, z", "--at", "0,1,1", "--json").stdout)
    assert out["value"] == [None, None, None]
    r = _cli("curl", "sqrt(x), y", "--at", "-1,1")
    assert r.returncode == 0 and r.stdout.strip().endswith("at (-1, 1): undefined")
    r = _cli("laplacian", "1/x + y", "--at", "0,1")
    assert r.stdout.strip().endswith("at (0, 1): undefined")
