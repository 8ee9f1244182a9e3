"""field(): the grid every picture and command uses."""

from __future__ import annotations

import numpy as np
import pytest

import gradscape.fields.field as field_module
from gradscape import DomainError, Function, field


def test_tutorial_grid_matches_the_tutorial() -> None:
    fld = field("x^2 + y^2")  # the tutorial's defaults: 20x20 over [-3, 3]^2
    x = np.linspace(-3, 3, 20)
    X, Y = np.meshgrid(x, x)
    assert fld.shape == (20, 20)
    np.testing.assert_array_equal(fld.X, X)
    np.testing.assert_array_equal(fld.Y, Y)
    np.testing.assert_allclose(fld.u, 2 * X, rtol=1e-15)
    np.testing.assert_allclose(fld.v, 2 * Y, rtol=1e-15)
    np.testing.assert_allclose(fld.values, X**2 + Y**2, rtol=1e-15)
    np.testing.assert_allclose(fld.magnitude, np.hypot(2 * X, 2 * Y), rtol=1e-14)
    assert fld.invalid_count == 0


def test_separate_sizes_and_xy_indexing() -> None:
    fld = field("x + 2y", x=(0, 1), y=(-1, 1), nx=5, ny=3)
    assert fld.shape == (3, 5)  # rows are y, columns are x, as streamplot needs
    assert fld.values[2, 4] == pytest.approx(1 + 2 * 1)
    assert np.all(fld.u == 1) and np.all(fld.v == 2)  # constant components are full arrays


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_chunked_and_unchunked_agree(monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    f = Function("sin(x) exp(-y^2) + log(x^2)")
    whole = field(f, n=64, backend=backend)
    monkeypatch.setattr(field_module, "CHUNK_POINTS", 100)  # forces 64 one-row slabs
    sliced = field(f, n=64, backend=backend)
    np.testing.assert_array_equal(whole.data, sliced.data)
    np.testing.assert_array_equal(whole.mask, sliced.mask)


def test_undefined_points_are_masked_and_counted() -> None:
    with np.errstate(all="raise"):  # a warning from inside would raise here
        fld = field("log(x*y)", n=10)
    expected = np.sum(np.outer(np.linspace(-3, 3, 10), np.linspace(-3, 3, 10)) <= 0)
    assert fld.invalid_count == expected
    assert np.isnan(fld.magnitude[fld.mask]).all()
    assert fld.masked(fld.values).mask.sum() == expected
    assert fld.summary()["invalid_points"] == expected


def test_one_and_three_variables() -> None:
    one = field("x^3", x=(-1, 1), n=5)
    np.testing.assert_allclose(one.gradient[0], 3 * np.linspace(-1, 1, 5) ** 2)
    three = field("x y z", n=4)
    assert three.shape == (4, 4, 4) and three.gradient.shape == (3, 4, 4, 4)
    X, Y, _ = np.meshgrid(*(np.linspace(-3, 3, 4),) * 3)
    np.testing.assert_allclose(three.gradient[2], X * Y)


def test_callable_function_field() -> None:
    fld = field(Function(lambda x, y: np.sin(x) * np.cos(y)), n=8)
    X, Y = fld.X, fld.Y
    np.testing.assert_allclose(fld.u, np.cos(X) * np.cos(Y), rtol=1e-12, atol=1e-14)


def test_float32_on_request() -> None:
    fld = field("x^2 + y^2", n=8, dtype=np.float32)
    assert fld.data.dtype == np.float32


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x": (1, 1)}, "lo < hi"),
        ({"x": (0, np.inf)}, "finite"),
        ({"n": 0}, "grid size"),
        ({"n": 20000}, "over the limit"),
        ({"x": "ab"}, "two numbers"),
    ],
)
def test_bad_grids_are_clear_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        field("x + y", **kwargs)


def test_four_variables_refused() -> None:
    with pytest.raises(DomainError, match="1 to 3 variables"):
        field("a + b + c + d")


def test_notebook_summary_escapes_html() -> None:
    html = field("x^2 + y^2", n=4)._repr_html_()
    assert html.startswith("<table>") and "invalid_points" in html and "<tr>" in html


def test_masked_arrays_are_writable_for_matplotlib() -> None:
    fld = field("log(x*y)", n=6)
    m = fld.masked(fld.values)
    m.mask[0, 0] = True  # contourf does this; a read-only broadcast mask would raise
    assert m.mask.sum() == fld.invalid_count + (0 if fld.mask[0, 0] else 1)
