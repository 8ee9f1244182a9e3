"""Function: exact derivatives against a hand-checked table and against mpmath."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from trees import trees

from gradscape import DomainError, FormulaError, Function, jacobian

x, y, z = sp.symbols("x y z", real=True)

# formula, variable, derivative written out by hand from the textbook rules
DERIVATIVES = [
    ("x^2 + y^2", "x", 2 * x),
    ("x^2 + 3y^2", "y", 6 * y),
    ("2x sin(y)", "y", 2 * x * sp.cos(y)),
    ("sin(x^2)", "x", 2 * x * sp.cos(x**2)),
    ("exp(-x^2)", "x", -2 * x * sp.exp(-(x**2))),
    ("log(x)", "x", 1 / x),
    ("ln(x^2 + 1)", "x", 2 * x / (x**2 + 1)),
    ("log(x, 2)", "x", 1 / (x * sp.log(2))),
    ("log10(x)", "x", 1 / (x * sp.log(10))),
    ("sqrt(x)", "x", 1 / (2 * sp.sqrt(x))),
    ("cbrt(x)", "x", sp.Rational(1, 3) / sp.Abs(x) ** sp.Rational(2, 3)),
    ("tan(x)", "x", 1 + sp.tan(x) ** 2),
    ("sec(x)", "x", sp.sec(x) * sp.tan(x)),
    ("atan(x)", "x", 1 / (1 + x**2)),
    ("asin(x)", "x", 1 / sp.sqrt(1 - x**2)),
    ("tanh(x)", "x", 1 - sp.tanh(x) ** 2),
    ("abs(x)", "x", sp.sign(x)),
    ("sigmoid(x)", "x", sp.exp(-x) / (1 + sp.exp(-x)) ** 2),
    ("softplus(x)", "x", 1 / (1 + sp.exp(-x))),
    ("x^x", "x", x**x * (sp.log(x) + 1)),
    ("atan2(y, x)", "x", -y / (x**2 + y**2)),
    ("x y^3 z", "y", 3 * x * y**2 * z),
    ("(x+1)(x-1)", "x", 2 * x),
    ("1/(x^2 + y^2)", "x", -2 * x / (x**2 + y**2) ** 2),
]


def _equal(a: sp.Expr, b: sp.Expr) -> bool:
    a = a.rewrite(sp.exp)
    b = b.rewrite(sp.exp)
    if sp.simplify(a - b) == 0:
        return True
    # cbrt and |x|^(2/3) forms: compare numerically at a few real points away from 0
    syms = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    for pt in ([0.7, 1.3, 0.4], [1.9, 0.6, 2.2], [2.5, 1.1, 0.9]):
        sub = dict(zip(syms, pt))
        if abs(complex(a.evalf(subs=sub)) - complex(b.evalf(subs=sub))) > 1e-12:
            return False
    return True


@pytest.mark.parametrize(("formula", "var", "expected"), DERIVATIVES)
def test_derivative_table(formula: str, var: str, expected: sp.Expr) -> None:
    f = Function(formula)
    assert _equal(f.derivative(var), expected), (formula, f.derivative(var))


def test_tutorial_gradient_and_variables() -> None:
    f = Function("x^2 + y^2")
    assert f.variables == ("x", "y")
    assert f.gradient == (2 * x, 2 * y)
    assert f.hessian == sp.Matrix([[2, 0], [0, 2]])
    assert f.gradient_text() == "∇f(x, y) = (2x, 2y)"


def test_variable_order_is_respected() -> None:
    f = Function("x^2 + 3y^2", variables=("y", "x"))
    assert f.gradient == (6 * y, 2 * x)
    assert f.grad(1.0, 2.0).tolist() == [6.0, 4.0]


def test_missing_variable_is_an_error() -> None:
    with pytest.raises(FormulaError, match="not among the variables"):
        Function("x*y + z", variables="x,y")


def test_hessian_and_laplacian() -> None:
    f = Function("x^3 + x y^2")
    assert f.hessian == sp.Matrix([[6 * x, 2 * y], [2 * y, 2 * x]])
    assert sp.simplify(f.laplacian - 8 * x) == 0


def test_higher_order_and_mixed() -> None:
    f = Function("x^5 y")
    assert f.derivative("x", 3) == 60 * x**2 * y
    assert f.derivative("x", 0) == x**5 * y
    with pytest.raises(DomainError):
        f.derivative("x", -1)
    with pytest.raises(DomainError, match="not a variable"):
        f.derivative("q")
    with pytest.raises(DomainError, match="say which"):
        f.derivative()


def test_directional_derivative_is_normalised() -> None:
    f = Function("x^2 + y^2")
    d = f.directional((3, 4))
    assert sp.simplify(d - (6 * x + 8 * y) / 5) == 0
    with pytest.raises(DomainError):
        f.directional((0, 0))


def test_taylor_and_tangent() -> None:
    f = Function("exp(x) sin(y)")
    t1 = f.tangent((0, 0))
    assert sp.simplify(t1 - y) == 0
    t2 = f.taylor((0, 0), order=2)
    assert sp.simplify(t2 - (y + x * y)) == 0
    line = Function("x^3").tangent((2,))
    assert sp.expand(line - (12 * x - 16)) == 0
    with pytest.raises(DomainError, match="undefined"):
        Function("log(x)").tangent((0,))


def test_jacobian_of_several_formulas() -> None:
    J = jacobian(["x*y", "x + y^2", "sin(x)"])
    assert J == sp.Matrix([[y, x], [1, 2 * y], [sp.cos(x), 0]])


def test_values_at_one_point() -> None:
    f = Function("x^2 + y^2")
    assert f.grad(1, 2).tolist() == [2.0, 4.0]
    assert float(f(1, 2)) == 5.0
    assert f.hess(1, 2).tolist() == [[2.0, 0.0], [0.0, 2.0]]
    assert math.isnan(Function("log(x)")(-1))


def test_point_helpers_are_deprecated_and_use_the_kernels() -> None:
    f = Function("acos(w)^2")
    with pytest.warns(DeprecationWarning, match="f.grad"):
        assert math.isnan(f.gradient_at((1.92,))[0])  # SymPy's evalf said -1.549...
    with pytest.warns(DeprecationWarning):
        assert f.value_at((0.5,)) == pytest.approx(math.acos(0.5) ** 2, rel=1e-15)
    with pytest.warns(DeprecationWarning):
        assert Function("x^3").hessian_at((2,)) == [[12.0]]


def test_grad_shapes_broadcast_constant_components() -> None:
    f = Function("x^2", variables="x,y")  # ∂/∂y = 0 must be a full array, not a scalar
    X, Y = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3))
    g = f.grad(X, Y)
    assert g.shape == (2, 3, 4)
    assert np.all(g[1] == 0) and np.allclose(g[0], 2 * X)
    h = f.hess(X, Y)
    assert h.shape == (2, 2, 3, 4) and np.all(h[0, 0] == 2) and np.all(h[1, 1] == 0)
    assert Function("3", variables="x,y")(X, Y).shape == (3, 4)


def test_domain_errors_are_nan_without_warnings() -> None:
    f = Function("log(x) + 1/y")
    with np.errstate(all="raise"):  # would raise if the kernel let a warning through
        v = f(np.array([-1.0, 1.0, 1.0]), np.array([1.0, 0.0, 1.0]))
    assert np.isnan(v[0]) and np.isinf(v[1]) and v[2] == 1.0


def test_library_names_are_formulas() -> None:
    f = Function("Himmelblau")
    assert f.library is not None and f.library.name.lower() == "himmelblau"
    assert float(f(3, 2)) == 0.0
    assert f.grad(3, 2).tolist() == [0.0, 0.0]


def test_callable_traced_exactly() -> None:
    def f(x, y):
        return x**2 + y**2

    F = Function(f)
    assert F.variables == ("x", "y") and F.is_symbolic
    assert F.gradient == (2 * x, 2 * y)


def test_callable_with_numpy_is_numeric() -> None:
    F = Function(lambda x, y: np.sin(x) * np.exp(-(y**2)))
    assert not F.is_symbolic
    pts = (np.array([0.3, 1.2]), np.array([-0.4, 0.8]))
    expected = np.array(
        [
            np.cos(pts[0]) * np.exp(-(pts[1] ** 2)),
            -2 * pts[1] * np.sin(pts[0]) * np.exp(-(pts[1] ** 2)),
        ]
    )
    assert np.allclose(F.grad(*pts), expected, rtol=1e-12, atol=1e-14)
    assert not hasattr(F, "gradient") and not hasattr(F, "expr")  # numbers only


def test_to_dict_and_latex() -> None:
    f = Function("x^2 + y^2")
    d = f.to_dict()
    assert d["gradient"] == ["2*x", "2*y"] and d["variables"] == ["x", "y"]
    assert f.latex() == "f(x, y) = x^{2} + y^{2}"


# ---- property: exact gradient vs mpmath high-precision numeric differentiation -------------
_UNARY = [
    sp.sin,
    sp.cos,
    sp.exp,
    sp.atan,
    sp.tanh,
    lambda a: sp.sqrt(a**2 + 1),
    lambda a: sp.log(a**2 + 1),
]


@settings(max_examples=60, deadline=None)
@given(
    trees(3, [x, y, sp.Integer(2), sp.Rational(1, 3), x + y], _UNARY),
    st.floats(-1.5, 1.5),
    st.floats(-1.5, 1.5),
)
def test_gradient_matches_mpmath(expr: sp.Expr, px: float, py: float) -> None:
    f = Function(expr, variables=("x", "y"))
    mpmath.mp.dps = 40
    g = sp.lambdify((x, y), expr, modules="mpmath")
    for k, comp in enumerate(f.grad(px, py).tolist()):
        ref = mpmath.diff(
            lambda a, b: g(a, b), (mpmath.mpf(px), mpmath.mpf(py)), (1, 0) if k == 0 else (0, 1)
        )
        assert comp == pytest.approx(float(ref), rel=1e-10, abs=1e-10)


def test_hess_out_and_float32() -> None:
    f = Function("x^3 y + sin(y)")
    X, Y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(0, 2, 4))
    out = np.empty((2, 2, 4, 5))
    got = f.hess(X, Y, out=out)
    assert got is out
    np.testing.assert_allclose(out[0, 0], 6 * X * Y, rtol=1e-14)
    np.testing.assert_allclose(out[0, 1], 3 * X**2, rtol=1e-14)
    np.testing.assert_allclose(out[1, 0], out[0, 1], rtol=0)
    np.testing.assert_allclose(out[1, 1], -np.sin(Y), rtol=1e-14, atol=1e-16)
    with pytest.raises(DomainError, match="shape"):
        f.hess(X, Y, out=np.empty((2, 2, 3)))
    assert f(X, Y, dtype=np.float32).dtype == np.float32


def test_variables_as_text_with_commas_or_spaces() -> None:
    assert Function("x*y + z", variables="z y x").variables == ("z", "y", "x")
    assert Function("x*y + z", variables="z, y,x").gradient == (1, x, y)
    with pytest.raises(DomainError, match="repeat"):
        Function("x + y", variables="x x y")
