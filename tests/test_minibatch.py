"""Minibatch descent on losses over data: a hand-written SGD loop as the reference, seeds,
and the distance to the least-squares optimum."""

from __future__ import annotations

import numpy as np
import pytest

from gradscape import Function
from gradscape.cli.main import main
from gradscape.errors import DomainError
from gradscape.optim.descend import descend

RNG = np.random.default_rng(11)
X = RNG.uniform(-2, 2, 200)
Y = 0.8 * X + 0.3 + RNG.normal(scale=0.2, size=200)
DATA = {"x": X, "y": Y}
LSTSQ = np.linalg.lstsq(np.c_[X, np.ones_like(X)], Y, rcond=None)[0]


@pytest.fixture(scope="module")
def loss() -> Function:
    return Function("(w*x + b - y)^2", "w,b", data=DATA)


def test_sgd_matches_a_hand_written_loop(loss: Function) -> None:
    t = descend(loss, [0.0, 0.0], "sgd", lr=0.05, batch=16, epochs=3, seed=5)
    rng = np.random.default_rng(5)
    w = b = 0.0
    path = [(w, b)]
    for _ in range(3):
        order = rng.permutation(len(X))
        xs, ys = X[order], Y[order]
        for lo in range(0, len(X), 16):
            x, y = xs[lo:lo + 16], ys[lo:lo + 16]
            r = w * x + b - y
            gw, gb = np.mean(2 * x * r), np.mean(2 * r)
            w, b = w - 0.05 * gw, b - 0.05 * gb
            path.append((w, b))
    assert t.steps == 3 * 13 == len(path) - 1  # 200 rows in batches of 16: 13 per epoch
    np.testing.assert_allclose(t.points, np.array(path), rtol=1e-12, atol=1e-14)
    r = w * X + b - Y
    assert t.epoch_values[-1] == pytest.approx(np.mean(r * r), rel=1e-12)


def test_same_seed_same_run_other_seed_other_run(loss: Function) -> None:
    a = descend(loss, [0.0, 0.0], "sgd", lr=0.05, batch=8, epochs=4, seed=3)
    b = descend(loss, [0.0, 0.0], "sgd", lr=0.05, batch=8, epochs=4, seed=3)
    c = descend(loss, [0.0, 0.0], "sgd", lr=0.05, batch=8, epochs=4, seed=4)
    assert np.array_equal(a.points, b.points) and np.array_equal(a.values, b.values)
    assert not np.array_equal(a.points, c.points)


@pytest.mark.parametrize(("method", "lr", "allowed"), [
    ("sgd", 0.05, 0.05), ("momentum", 0.01, 0.05), ("adam", 0.05, 0.05)])
def test_minibatch_methods_reach_the_least_squares_fit(loss: Function, method: str, lr: float,
                                                       allowed: float) -> None:
    t = descend(loss, [0.0, 0.0], method, lr=lr, batch=20, epochs=40, seed=1,
                schedule="cosine")
    assert np.abs(t.final - LSTSQ).max() < allowed
    # SGD's noise: the loss of single batches wanders, the epoch losses settle near the optimum
    best = float(np.mean((LSTSQ[0] * X + LSTSQ[1] - Y) ** 2))
    assert t.epoch_values[-1] < best * 1.05 and t.epoch_values[0] > 10 * best


def test_full_batch_methods_refuse_batches(loss: Function) -> None:
    with pytest.raises(DomainError, match="whole loss"):
        descend(loss, [0.0, 0.0], "newton", batch=10)
    with pytest.raises(DomainError, match="batch must be"):
        descend(loss, [0.0, 0.0], "sgd", batch=0)
    with pytest.raises(DomainError, match="data"):
        descend("x^2", [1.0], "sgd", batch=2)


def test_cli_sgd_json_keys(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    path = tmp_path / "d.csv"
    path.write_text("x,y\n" + "".join(f"{float(x)!r},{float(y)!r}\n" for x, y in zip(X, Y)))
    args = ["descend", "(w*x + b - y)^2", "--wrt", "w,b", "--data", str(path), "--method",
            "sgd", "--batch", "32", "--epochs", "40", "--seed", "3", "--json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"final", "value", "steps", "status", "epoch_values"} <= set(out)
    assert out["steps"] == 40 * 7 and len(out["epoch_values"]) == 41
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["final"] == out["final"]  # seeded: same run
