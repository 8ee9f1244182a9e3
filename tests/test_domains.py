"""Simplification must not extend a formula past its domain: values, gradients, Hessians,
fields and descent are undefined wherever the formula as typed is (references: the real
domains of sqrt, log and 1/u, by hand)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradscape import Function, descend, field

CASES = [
    # text, simplified as, points outside the typed domain, points inside with f there
    ("sqrt(x)^2", "x", [-4.0, -1e-9], [(4.0, 4.0), (0.25, 0.25)]),
    ("exp(log(x))", "x", [-1.0, 0.0], [(2.0, 2.0)]),
    ("x/x", "1", [0.0], [(3.0, 1.0), (-3.0, 1.0)]),
    ("x^2/x", "x", [0.0], [(-2.0, -2.0)]),
    ("sin(asin(x))", "x", [1.5, -2.0], [(0.5, 0.5)]),
]


@pytest.mark.parametrize(("text", "shown", "outside", "inside"), CASES)
def test_values_are_undefined_outside_the_typed_domain(text, shown, outside, inside) -> None:
    f = Function(text)
    assert str(f.expr) == shown
    assert any("as typed" in n for n in f.notes)
    for a in outside:
        # Numba compiles each formula (seconds): once is enough to show both backends agree.
        for backend in ("numpy", "numba") if text == "x/x" else ("numpy",):
            assert math.isnan(float(f(a, backend=backend))), (text, a, backend)
            assert math.isnan(float(f.grad(a, backend=backend)[0]))
        assert math.isnan(float(f.hess(a, backend="numpy")[0, 0]))
        assert math.isnan(float(f.evaluate(f.derivative(), a, backend="numpy")))
    for a, want in inside:
        assert float(f(a, backend="numpy")) == pytest.approx(want, rel=1e-15)


def test_defined_formulas_gain_no_guard() -> None:
    for text in ("log(x) + 1", "1/(x - 1)", "sqrt(x^2)", "x^2 + y^2"):
        assert Function(text).guards == ()


def test_fields_mask_the_typed_domain() -> None:
    fld = field(Function("sqrt(x)^2 + y^2"), x=(-1, 1), y=(-1, 1), n=5)
    # columns at x = -1, -0.5 are outside x ≥ 0; x = 0, 0.5, 1 are inside
    assert fld.mask[:, :2].all() and not fld.mask[:, 2:].any()


def test_descent_does_not_walk_out_of_the_typed_domain_unnoticed() -> None:
    # f = x + y^2 for x ≥ 0: gradient descent steps x down by lr each step, leaving x ≥ 0.
    run = descend(Function("sqrt(x)^2 + y^2"), start=(0.25, 1.0), method="gd", lr=0.1, steps=50,
                  backend="numpy")
    assert run.status != "converged"
    assert np.isnan(run.value) or run.final[0] >= 0


def test_copies_keep_the_typed_domain() -> None:
    import pickle

    f = Function("sqrt(x)^2")
    for g in (pickle.loads(pickle.dumps(f)), Function(f, "x y")):
        assert g.guards == f.guards
        assert math.isnan(float(g(-4.0, *([1.0] * (len(g.variables) - 1)), backend="numpy")))
