"""The two kinds of Function: what each has, how Function(...) chooses, and thread safety."""

from __future__ import annotations

import copy
import math
import pickle
import threading
import time

import numpy as np
import pytest
import sympy as sp

import gradscape.compile
from gradscape import CallableFunction, DomainError, FormulaFunction, Function

x, y = sp.symbols("x y", real=True)

SYMBOLIC = ("expr", "symbols", "gradient", "hessian", "laplacian", "derivative", "partial",
            "directional", "taylor", "tangent", "steps", "kernel", "evaluate")


@pytest.mark.parametrize("source", ["x^2 + y^2", "booth", x**2 + y**2, lambda x, y: x**2 + y**2])
def test_formulas_and_traceable_code_are_formula_functions(source: object) -> None:
    f = Function(source)
    assert isinstance(f, Function) and isinstance(f, FormulaFunction) and f.is_symbolic
    assert all(hasattr(f, member) for member in SYMBOLIC)
    # booth = (x + 2y - 7)^2 + (2x + y - 5)^2: ∇ = (2·(-2) + 4·(-1), 4·(-2) + 2·(-1)) at (1, 2)
    want = [-8.0, -10.0] if source == "booth" else [2.0, 4.0]
    assert f.variables == ("x", "y") and f.grad(1.0, 2.0).tolist() == want


def test_code_sympy_cannot_read_is_a_callable_function_with_numbers_only() -> None:
    f = Function(lambda x, y: np.hypot(x, y))
    assert isinstance(f, Function) and isinstance(f, CallableFunction) and not f.is_symbolic
    assert not any(hasattr(f, member) for member in SYMBOLIC)
    assert f.variables == ("x", "y") and f.text == "λ" and str(f) == "f(x, y) = λ"
    # d/dx hypot(x, y) = x / hypot(x, y): closed form
    np.testing.assert_allclose(f.grad(3.0, 4.0), [0.6, 0.8], rtol=1e-12)
    np.testing.assert_allclose(f.hess(3.0, 4.0), [[16 / 125, -12 / 125], [-12 / 125, 9 / 125]],
                               rtol=1e-7)


def test_each_kind_can_be_asked_for_by_name() -> None:
    numeric = CallableFunction(lambda x: x**2)  # traceable, but kept as code on request
    assert not numeric.is_symbolic and numeric.grad(3.0).tolist() == pytest.approx([6.0])
    with pytest.raises(DomainError, match="cannot trace"):
        FormulaFunction(lambda x: np.sin(x))
    with pytest.raises(DomainError, match="Python function"):
        CallableFunction("x^2")


def test_a_function_of_a_function_keeps_its_kind_and_takes_new_names() -> None:
    f = Function("x^2 + 3y")
    g = Function(f, "y x", name="g")
    assert isinstance(g, FormulaFunction) and g.gradient == (3, 2 * x) and g.name == "g"
    assert Function(Function("himmelblau"), name="h").library is not None
    c = Function(CallableFunction(lambda a: a**3), name="c")
    assert isinstance(c, CallableFunction) and c.signature() == "c(a)"


def test_nothing_else_makes_a_function() -> None:
    with pytest.raises(DomainError, match="cannot make a Function from int"):
        Function(3)  # type: ignore[arg-type]


def test_the_kernel_accessor_is_public_and_checks_its_kind() -> None:
    f = Function("x^2 y")
    assert f.kernel("value_grad")(2.0, 3.0).tolist() == [12.0, 12.0, 4.0]
    assert f.kernel("grad") is f.kernel("grad")
    with pytest.raises(DomainError, match="unknown kernel kind"):
        f.kernel("jacobian")  # type: ignore[arg-type]


def test_derivatives_are_undefined_where_f_is() -> None:
    # log(x)' = 1/x has a value at -1; log does not, so neither does its derivative there.
    f = Function("log(x) + y^2")
    g = f.grad(np.array([-1.0, 2.0]), 3.0)
    assert np.isnan(g[:, 0]).all() and g[:, 1].tolist() == [0.5, 6.0]
    h = f.hess(np.array([-1.0, 2.0]), 3.0)
    assert np.isnan(h[..., 0]).all() and h[..., 1].tolist() == [[-0.25, 0.0], [0.0, 2.0]]
    assert math.isnan(float(f.evaluate(f.derivative("x", 3), -1.0, 0.0)))
    assert float(f.evaluate(f.derivative("x", 3), 2.0, 0.0)) == 0.25  # 2/x^3


def test_evaluate_refuses_other_variables() -> None:
    with pytest.raises(DomainError, match="not among the variables"):
        Function("x^2").evaluate(sp.Symbol("t"), 1.0)


def test_one_function_shared_by_many_threads_builds_each_thing_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    builds = []
    real_build = gradscape.compile.build_gradient_kernel  # value_grad: f and ∇f by reverse mode

    def slow_build(*args, **kwargs):  # widen the window in which two threads could race
        builds.append(args)
        time.sleep(0.05)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(gradscape.compile, "build_gradient_kernel", slow_build)
    f = Function("sin(x) y^2")
    start = threading.Barrier(8)
    results: list[tuple] = []

    def work() -> None:
        start.wait()
        results.append((f.gradient, f.hessian, f.kernel("value_grad"),
                        f.grad(0.0, 2.0).tolist()))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and len(builds) == 1
    first = results[0]
    for r in results:
        assert r[0] is first[0] and r[1] is first[1] and r[2] is first[2]
        assert r[3] == [4.0, 0.0]  # cos(0)·y², 2y·sin(0)


def bumpy(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0, x**2, 0.0)


def test_copies_and_pickles_are_whole_functions_with_their_own_lock() -> None:
    f = Function("himmelblau", name="h")
    f.gradient  # noqa: B018 -- fill the cache first
    for g in (copy.deepcopy(f), pickle.loads(pickle.dumps(f))):
        assert isinstance(g, FormulaFunction) and g.library == f.library and g.name == "h"
        assert g.gradient == f.gradient and g._lock is not f._lock
        assert g.grad(3.0, 2.0).tolist() == [0.0, 0.0]  # a minimum of Himmelblau's
    c = pickle.loads(pickle.dumps(Function(bumpy)))
    assert isinstance(c, CallableFunction) and c([-1.0, 2.0]).tolist() == [0.0, 4.0]


def test_cached_results_cannot_be_edited() -> None:
    f = Function("x^2 y")
    with pytest.raises(TypeError):
        f.hessian[0, 0] = 0  # type: ignore[index]
    assert f.hessian[0, 0] == 2 * y


def test_a_constant_is_a_function_of_no_variables() -> None:
    f = Function("7")
    assert f.variables == () and f.gradient == () and f.hessian.shape == (0, 0)
    assert f.derivative() == 0 and f.derivative("t", 3) == 0 and f.derivative("t", 0) == 7
    assert f.laplacian == 0 and f.taylor(()) == 7 and str(f) == "f() = 7"
    assert float(f()) == 7.0 and f.grad().shape == (0,) and f.hess().shape == (0, 0)
    g = Function("7", variables="x y")  # the same constant as a function of x and y
    assert g.gradient == (0, 0) and g(np.zeros((2, 3)), 1.0).tolist() == [[7.0] * 3] * 2
