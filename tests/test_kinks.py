"""Non-smooth points: "not differentiable" with one-sided derivatives, never a false number.

References are hand derivations: each side of the kink is a smooth piece whose slope is
known (|x| is -x left of 0 and x right of it), checked against difference quotients too.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gradscape import Function

# formula, point, variable, order, differentiable, left, right (None: no one-sided slope)
CASES = [
    ("abs(x)", 0, None, 1, False, -1.0, 1.0),
    ("|x|", 0, None, 1, False, -1.0, 1.0),
    ("relu(x)", 0, None, 1, False, 0.0, 1.0),
    ("sign(x)", 0, None, 1, False, None, None),  # a jump: no one-sided derivative
    ("x*abs(x)", 0, None, 1, True, 0.0, 0.0),  # x|x| = ±x², slope 0 both sides
    ("abs(x)^3", 0, None, 2, True, 0.0, 0.0),  # (|x|³)'' = 6|x|
    ("abs(x)", 0, None, 2, False, None, None),  # (|x|)' = sign(x) jumps
    ("||x| - 1|", 1, None, 1, False, -1.0, 1.0),  # |x - 1| near x = 1
    ("||x| - 1|", 0, None, 1, False, 1.0, -1.0),  # 1 - |x| near 0
    ("sqrt(abs(x))", 0, None, 1, False, None, None),  # infinite slopes
    ("abs(sin(x))", "pi", None, 1, False, -1.0, 1.0),  # |sin x| at π: slopes ∓cos π... ±1
    ("abs(x - y) + y^2", (1, 1), "x", 1, False, -1.0, 1.0),
    ("abs(x) + y^2", (0, 3), "y", 1, True, 6.0, 6.0),
    ("abs(x)", 0.5, None, 1, True, 1.0, 1.0),
    ("relu(2x - 1)", 0.5, None, 1, False, 0.0, 2.0),
]


@pytest.mark.parametrize(("text", "at", "wrt", "order", "ok", "left", "right"), CASES)
def test_one_sided_derivatives(text, at, wrt, order, ok, left, right) -> None:
    import sympy as sp

    point = sp.pi if at == "pi" else at
    s = Function(text).differentiable_at(point, wrt, order)
    assert bool(s) is ok
    assert (s.left, s.right) == (pytest.approx(left) if left is not None else None,
                                 pytest.approx(right) if right is not None else None)


@pytest.mark.parametrize("text", ["abs(x)", "relu(x)", "||x| - 1|", "relu(2x - 1)"])
def test_one_sided_values_match_difference_quotients(text: str) -> None:
    f = Function(text)
    for a in (0.0, 0.5, 1.0):
        s = f.differentiable_at(a)
        h = 1e-7
        fa = float(f(a, backend="numpy"))
        right = (float(f(a + h, backend="numpy")) - fa) / h
        left = (fa - float(f(a - h, backend="numpy"))) / h
        assert s.right == pytest.approx(right, abs=1e-6)
        assert s.left == pytest.approx(left, abs=1e-6)


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gradscape", *argv], capture_output=True,
                          text=True, timeout=120)


def test_cli_says_not_differentiable_with_one_sided_slopes() -> None:
    r = _cli("diff", "abs(x)", "--at", "0")
    assert r.returncode == 0
    assert "not differentiable at x = 0" in r.stdout
    assert "-1 from the left, 1 from the right" in r.stdout
    out = json.loads(_cli("diff", "abs(x)", "--at", "0", "--json").stdout)
    assert out["value"] is None
    assert out["differentiable"]["left"] == -1 and out["differentiable"]["right"] == 1


@pytest.mark.parametrize(("argv", "said"), [
    (("hessian", "abs(x)", "--at", "0"), "no Hessian at (0)"),
    (("diff", "sign(x)", "--at", "0"), "sign(x) jumps"),
    (("diff", "relu(x)", "--at", "0"), "0 from the left, 1 from the right"),
])
def test_cli_kinks_are_not_errors(argv: tuple[str, ...], said: str) -> None:
    r = _cli(*argv)
    assert r.returncode == 0, r.stderr
    assert said in r.stdout


def test_tangent_picture_at_a_kink_draws_the_one_sided_tangents() -> None:
    from gradscape.plot.figures import make_figure

    pic = make_figure("tangent", "relu(x)", box=((-2.0, 2.0),), at=(0.0,), n=41)
    assert pic.summary["slope"] is None
    sides = pic.summary["differentiable"]
    assert (sides["left"], sides["right"]) == (0, 1)
    lines = {line.get_label(): line for line in pic.figure.axes[0].get_lines()}
    assert "left slope 0" in lines and "right slope 1" in lines
    assert not any(label.startswith("tangent") for label in lines)
    t, y = lines["right slope 1"].get_data()
    assert (t >= 0).all() and y == pytest.approx(t)  # relu's right piece is y = x


@pytest.mark.parametrize("kind", ["tangent", "secant", "directional"])
def test_point_pictures_need_a_point(kind: str) -> None:
    from gradscape.errors import DomainError
    from gradscape.plot.figures import make_figure

    f = "x^2" if kind != "directional" else "x^2 + y^2"
    with pytest.raises(DomainError, match=r"needs --at.*for example: gradscape plot"):
        make_figure(kind, f)


def test_directional_derivative_at_a_critical_point_says_so() -> None:
    from gradscape.plot.figures import make_figure

    pic = make_figure("directional", "x^2 + y^2", at=(0.0, 0.0), n=12)
    assert pic.summary["directional_derivative"] == 0 and pic.summary["gradient_zero"] is True
    assert any("∇f = 0 at (0, 0)" in n for n in pic.notes)
