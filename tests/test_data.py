"""Losses over data: loading (bounded, validated), reduction kernels, and the CLI's refusals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from gradscape import Function
from gradscape.calculus.data import DataError, load_data
from gradscape.cli.main import main
from gradscape.compile import have_numba

RNG = np.random.default_rng(7)
X = RNG.normal(size=3000)
Y = 1.5 * X - 0.5 + RNG.normal(scale=0.3, size=3000)


def test_mean_gradient_matches_hand_numpy() -> None:
    f = Function("(w*x + b - y)^2", "w,b", data={"x": X, "y": Y})
    w, b = 0.7, -0.2
    r = w * X + b - Y
    assert float(f(w, b)) == pytest.approx(np.mean(r**2), rel=1e-13)
    assert f.grad(w, b).tolist() == pytest.approx([np.mean(2 * X * r), np.mean(2 * r)],
                                                  rel=1e-12)
    h = f.hess(w, b)
    np.testing.assert_allclose(h, [[np.mean(2 * X * X), np.mean(2 * X)],
                                   [np.mean(2 * X), 2.0]], rtol=1e-12)
    s = Function("(w*x + b - y)^2", "w,b", data={"x": X, "y": Y}, reduce="sum")
    assert float(s(w, b)) == pytest.approx(np.sum(r**2), rel=1e-13)


def test_logistic_gradient_matches_hand_numpy() -> None:
    labels = np.where(Y > 0, 1.0, -1.0)
    f = Function("softplus(-t*(w*x + b))", "w,b", data={"x": X, "t": labels})
    w, b = 0.4, 0.1
    z = labels * (w * X + b)
    s = -labels / (1 + np.exp(z))  # d/dz softplus(-z) times dz/d(wx+b)
    assert float(f(w, b)) == pytest.approx(np.mean(np.logaddexp(0, -z)), rel=1e-13)
    assert f.grad(w, b).tolist() == pytest.approx([np.mean(s * X), np.mean(s)], rel=1e-12)


@pytest.mark.skipif(not have_numba(), reason="needs Numba")
def test_numba_reduction_agrees_and_does_not_depend_on_threads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    big_x = np.random.default_rng(1).normal(size=100_003)
    big_y = 2 * big_x + 1
    f = Function("(w*x + b - y)^2", "w,b", data={"x": big_x, "y": big_y})
    red = f.reduction("value_grad")
    cols = list(f.columns.values())
    ref = red([0.3, 0.2], cols, backend="numpy")
    got = {}
    for threads in ("1", "3", "8"):
        monkeypatch.setenv("GRADSCAPE_THREADS", threads)
        got[threads] = red([0.3, 0.2], cols, backend="numba")
    assert got["1"].tobytes() == got["3"].tobytes() == got["8"].tobytes()
    r = 0.3 * big_x + 0.2 - big_y
    hand = [np.sum(r * r), np.sum(2 * big_x * r), np.sum(2 * r)]
    assert got["1"].tolist() == pytest.approx(hand, rel=1e-12)
    assert ref.tolist() == pytest.approx(hand, rel=1e-12)


def test_constants_and_data_together() -> None:
    f = Function("(w*x + b - y)^2 + lam*w^2", "w,b", constants="lam=0.5",
                 data={"x": X, "y": Y})
    r = 0.2 * X - Y
    assert f.grad(0.2, 0.0)[0] == pytest.approx(np.mean(2 * X * r) + 0.2, rel=1e-12)


def test_nan_rows_refused_or_dropped() -> None:
    data = {"x": np.array([1.0, np.nan, 3.0]), "y": np.array([1.0, 2.0, 3.0])}
    with pytest.raises(DataError, match="row 2, column 'x'"):
        Function("(w*x - y)^2", "w", data=data)
    f = Function("(w*x - y)^2", "w", data=data, drop_nan=True)
    assert f.n_rows == 2 and f.dropped == 1
    assert float(f(1.0)) == 0.0


def test_unused_column_is_fine_and_missing_columns_refused() -> None:
    f = Function("(w*x - y)^2", "w", data={"x": [1.0], "y": [2.0], "z": [9.0]})
    assert list(f.columns) == ["x", "y"]
    with pytest.raises(DataError, match="neither a parameter"):
        Function("(w*x - y)^2", "w", data={"x": [1.0]})  # y is neither data nor a parameter


@pytest.mark.parametrize(("content", "message"), [
    ("", "is empty"),
    ("x,y\n", "no rows of data"),
    ("x,y\n1,2\n3\n", "line 3 has 1 cells"),
    ("x,y\n1,2\n3,abc\n", "line 3, column 'y': 'abc' is not a number"),
    ("x,y\n1,2\n3,\n", "line 3, column 'y': the cell is empty or NaN"),
    ("x,y\n1,2\n3,inf\n", "line 3, column 'y': 'inf' is infinite"),
    ("x,x\n1,2\n", "names column 'x' twice"),
    ("w,y\n1,2\n", "nor a column of bad.csv (its columns: w, y)"),
])
def test_bad_csv_exits_2_naming_file_row_column(tmp_path: Path, content: str, message: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    code = main(["grad", "(a*x - y)^2", "--wrt", "a", "--data", str(path), "--at", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "bad.csv" in err and message in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_npz_is_read_without_pickles(tmp_path: Path) -> None:
    good = tmp_path / "d.npz"
    np.savez(good, x=np.arange(3.0), y=np.arange(3.0) * 2)
    assert load_data(str(good)).n_rows == 3
    bad = tmp_path / "obj.npz"
    np.savez(bad, x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(DataError, match="no pickles"):
        load_data(str(bad))
    ragged = tmp_path / "r.npz"
    np.savez(ragged, x=np.arange(3.0), y=np.arange(4.0))
    with pytest.raises(DataError, match="different lengths"):
        load_data(str(ragged))


def test_cli_grad_over_csv_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "d.csv"
    path.write_text("x,y\n0,1\n1,3\n2,4\n")
    assert main(["grad", "(w*x+b-y)^2", "--wrt", "w,b", "--data", str(path), "--at", "0,0",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # by hand: mean(2x(-y)) = (0 - 6 - 16)/3, mean(-2y) = -16/3
    assert out["value"] == pytest.approx([-22 / 3, -16 / 3], rel=1e-15)
    w, b, x, y = sp.symbols("w b x y", real=True)
    assert out["data"]["rows"] == 3
    assert sp.simplify(sp.sympify(out["gradient"][1], locals={"w": w, "b": b, "x": x, "y": y})
                       - 2 * (w * x + b - y)) == 0


class _FakeFrame:
    """The two things load_data reads of a pandas DataFrame: columns, and a column's
    to_numpy (pandas is not a dependency)."""

    def __init__(self, cols: dict[str, np.ndarray]) -> None:
        self._cols = cols
        self.columns = list(cols)

    def __getitem__(self, name: str) -> object:
        col = self._cols[name]

        class _Series:
            def to_numpy(self) -> np.ndarray:
                return col

        return _Series()

    def to_numpy(self) -> np.ndarray:
        return np.column_stack(list(self._cols.values()))


def test_dataframe_like_input() -> None:
    f = Function("(w*x - y)^2", "w", data=_FakeFrame({"x": X, "y": Y}))
    assert f.source == "the DataFrame" and f.n_rows == len(X)
    assert float(f(1.5)) == pytest.approx(np.mean((1.5 * X - Y) ** 2), rel=1e-13)


def test_cli_drop_nan_and_sum(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("x,y\n1,2\nnan,5\n2,\n3,6\n")
    assert main(["eval", "(w*x - y)^2", "--wrt", "w", "--data", str(path), "--at", "2",
                 "--drop-nan", "--reduce", "sum", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["value"] == 0.0 and out["data"]["rows"] == 2 and out["data"]["dropped"] == 2
    assert main(["eval", "w*x", "--wrt", "w", "--reduce", "sum", "--at", "1"]) == 2
    assert "add --data" in capsys.readouterr().err


def test_copies_keep_data_and_constants() -> None:
    import copy
    import pickle

    f = Function("(w*x - y)^2 + c*w^2", "w", constants={"c": 0.5}, data={"x": X, "y": Y})
    for g in (copy.deepcopy(f), pickle.loads(pickle.dumps(f))):
        assert g.constants == f.constants and g.n_rows == f.n_rows
        assert float(g(0.3)) == float(f(0.3))


@pytest.mark.parametrize("formula", ["(w*x + b - y)^2", "softplus(-y*(w*x + b))",
                                     "(sigmoid(w*x + b) - y)^2", "log(1 + (w*x - y)^2) + b^2*x"])
def test_reduction_equals_the_mean_of_per_row_formulas(formula: str) -> None:
    # each row as its own Function with the row's values held constant: another code path
    # (exact substitution, the ordinary gradient kernel), then averaged here
    rng = np.random.default_rng(len(formula))
    xs, ys = rng.normal(size=7), rng.normal(size=7)
    f = Function(formula, "w,b", data={"x": xs, "y": ys})
    for w, b in rng.normal(size=(3, 2)):
        rows = [Function(formula, "w,b", constants={"x": float(x), "y": float(y)})
                for x, y in zip(xs, ys)]
        want_g = np.mean([r.grad(w, b) for r in rows], axis=0)
        want_h = np.mean([r.hess(w, b) for r in rows], axis=0)
        np.testing.assert_allclose(f.grad(w, b), want_g, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(f.hess(w, b), want_h, rtol=1e-12, atol=1e-14)
        assert float(f(w, b)) == pytest.approx(np.mean([float(r(w, b)) for r in rows]),
                                               rel=1e-13)
