"""Non-smooth points: "not differentiable" with one-sided derivatives, never a false number.

References are hand derivations: each side of the kink is a smooth piece whose slope is
known (|x| is -x left of 0 and x right of it), checked against difference quotients too.
"""

from __future__ import annotations

import json
import math
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


# --- Hessians where a part of f is constant on a neighbourhood ---------------------------
# The gradient kernels give such parts slope exactly 0 (asin(sign(x)) away from 0); the
# Hessian kernels differentiate that gradient, so the Hessian there is 0 (or the smooth
# piece's), not the NaN of DiracDelta(0)·∞ in f's plain second derivative. References: the
# smooth piece on each side, differentiated by mpmath or by hand, and central differences
# of the gradient kernel.

def _same(got, want) -> None:
    assert len(got) == len(want), got
    for g, w in zip(got, want):
        assert (math.isnan(g) and math.isnan(w)) or g == pytest.approx(w, rel=1e-12, abs=1e-12), got


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_a_locally_constant_part_has_hessian_zero(backend: str) -> None:
    nan = math.nan
    # asin(sign(x)) is -π/2 left of 0 and π/2 right of it; a jump at 0
    _same(Function("asin(sign(x))").hess([-1.5, 0.0, 2.0], backend=backend)[0, 0], [0, nan, 0])
    # x·sign(|x| - x) is 0 right of 0 and x left of it (sign(-2x) = 1): f'' = 0 off 0
    h = Function("x sign(abs(x) - x)").hess([-1.5, -1.0, 0.0, 1.0, 2.0], backend=backend)
    _same(h[0, 0].tolist(), [0, 0, nan, 0, 0])
    # sqrt(0^x) + x is x right of 0 (0^x = 0); at 0 a jump (0^0 = 1), left of 0 a pole
    _same(Function("sqrt(0^x) + x").hess([-1.0, 0.0, 2.0], backend=backend)[0, 0], [nan, nan, 0])


def test_true_jumps_and_kinks_have_no_hessian() -> None:
    # at 0 each has a jump or a kink in f or f' (relu(x)²·y: 2y·relu'(x) jumps); at 1 f'' = 0,
    # or 2y for relu(x)²·y
    for text, y, right in (("sign(x)", (), 0.0), ("x sign(x^2)", (), 0.0), ("abs(x)", (), 0.0),
                           ("relu(x)^2 y", (1.0,), 2.0)):
        h = Function(text).hess([0.0, 1.0], *y, backend="numpy")[0, 0]
        assert math.isnan(h[0]) and h[1] == right, text


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_hessian_of_relu_squared_times_y(backend: str) -> None:
    # relu(x)²·y: H = [[2y·H(x), 2 relu(x)], [2 relu(x), 0]] by hand, off the kink x = 0
    xs = [-1.3, -0.2, 0.7, 2.1]
    ys = [0.5, -2.0, 3.0, -0.25]
    h = Function("relu(x)^2 y").hess(xs, ys, backend=backend)
    step = [1.0 if x > 0 else 0.0 for x in xs]
    _same(h[0, 0].tolist(), [2 * y * s for y, s in zip(ys, step)])
    _same(h[0, 1].tolist(), [2 * max(x, 0.0) for x in xs])
    _same(h[1, 0].tolist(), [2 * max(x, 0.0) for x in xs])
    _same(h[1, 1].tolist(), [0.0] * 4)


def test_a_steep_function_of_a_flat_part_has_its_pieces_hessian() -> None:
    import mpmath

    # sqrt(|x| - x)·y is sqrt(-2x)·y left of 0 and 0 right of it
    f = Function("sqrt(abs(x) - x) y")
    xs, ys = [-2.0, -0.3, 0.4, 3.0], [1.5, -0.5, 2.0, -1.0]
    h = f.hess(xs, ys, backend="numpy")
    def piece(u, v):
        return mpmath.sqrt(-2 * u) * v

    for k, (x, y) in enumerate(zip(xs, ys)):
        want = [0.0] * 4
        if x < 0:
            xx, xy = (float(mpmath.diff(piece, (x, y), d)) for d in ((2, 0), (1, 1)))
            want = [xx, xy, xy, 0.0]
        _same(h[:, :, k].ravel().tolist(), want)
    # asin(relu(|x| - x)) + y is asin(-2x) + y left of 0, y right of it
    h = Function("asin(relu(abs(x) - x)) + y").hess([-0.25, 0.3], [1.0, 1.0], backend="numpy")
    assert h[0, 0, 0] == pytest.approx(float(mpmath.diff(lambda u: mpmath.asin(-2 * u), -0.25, 2)))
    _same(h[:, :, 1].ravel().tolist(), [0.0] * 4)
    _same([h[0, 1, 0], h[1, 0, 0], h[1, 1, 0]], [0.0] * 3)


def _gradient_differences(f: Function, point: list[float], h: float = 1e-6) -> list[list[float]]:
    """∂g_i/∂x_j by central differences of the gradient kernel: column j, row i."""
    import numpy as np

    n = len(point)
    out = np.empty((n, n))
    for j in range(n):
        up, down = list(point), list(point)
        up[j] += h
        down[j] -= h
        out[:, j] = (f.grad(*up, backend="numpy") - f.grad(*down, backend="numpy")) / (2 * h)
    return out.tolist()


@pytest.mark.parametrize(("text", "points"), [
    ("y sign(abs(x - y) - (x - y)) + relu(x - y)^2 z",
     [(2.0, 1.0, 0.5), (1.0, 2.5, -1.5), (0.3, -0.8, 2.0)]),
    # the worst realistic size: ten sums of steps, relus and flat arguments (731 characters)
    (" + ".join(f"sign(abs(x - {k}) - (x - {k})) y z + relu(z - {k})^3 x + asin(sign(y z - {k}))"
                for k in range(1, 11)),
     [(0.37, -1.21, 0.83), (-2.6, 0.45, 1.7), (4.4, 2.3, -0.6)]),
])
def test_flat_hessians_are_symmetric_derivatives_of_the_gradient(text, points) -> None:
    # H[i, j] is ∂g_i/∂x_j for j ≥ i (the upper triangle); H[j, i] must be ∂g_j/∂x_i as well,
    # as the differences of the gradient kernel show away from kinks
    f = Function(text)
    checked = 0
    for p in points:
        h = f.hess(*p, backend="numpy").tolist()
        fd = _gradient_differences(f, list(p))
        for i in range(3):
            for j in range(3):
                assert h[i][j] == pytest.approx(fd[i][j], rel=1e-6, abs=1e-6), (p, i, j)
                checked += 1
    assert checked == 27


def test_formulas_with_no_flat_part_keep_sympys_second_derivatives() -> None:
    import sympy as sp

    texts = ["(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "(1 - x)^2 + 100 (y - x^2)^2",
             "(2x + 3y - 1)^2 + (x - y + 2)^2 + (4x + y - 3)^2 + (x + 5y)^2", "abs(x) + y^2",
             "x abs(y)", "sin(x) cos(y)", "exp(-x^2 - y^2)", "log(x) + sqrt(y)",
             "sigmoid(x y) + softplus(x)", "tanh(x)^3 + erf(y)", "sqrt(x^2 + y^2)",
             "abs(x - y) + abs(x + y)"]
    for text in texts:
        f = Function(text)
        x, y = f.symbols
        want = [sp.diff(sp.diff(f.kernel_expr, a), b) for a, b in ((x, x), (x, y), (y, y))]
        assert [sp.srepr(e) for e in f.hessian_entries()] == [sp.srepr(e) for e in want], text


@pytest.mark.parametrize(("text", "at", "said"), [
    ("asin(sign(x))", "1", "[ 0 ]"),
    ("x sign(abs(x) - x)", "1", "[ 0 ]"),
    ("x sign(abs(x) - x)", "-1", "[ 0 ]"),
    ("sign(x)", "0", "[ undefined ]"),
])
def test_cli_hessian_of_a_locally_constant_part(capsys, text: str, at: str, said: str) -> None:
    from gradscape.cli.main import main

    assert main(["hessian", text, f"--at={at}"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].strip() == said, lines
