"""Pictures of losses over data: landscape, loss against epoch, data with the fit."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from gradscape import Function
from gradscape.calculus.data import load_data
from gradscape.cli.main import main
from gradscape.errors import DomainError
from gradscape.plot.figures import make_figure

pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.usefixtures("mpl_style")]
DATA = Path(__file__).resolve().parent.parent / "examples" / "data"
LINEAR = str(DATA / "linear.csv")
LOGISTIC = str(DATA / "logistic.csv")


def render(pic: object) -> None:
    pic.figure.savefig(io.BytesIO(), format="png", dpi=30)  # type: ignore[attr-defined]


def test_fit_draws_the_least_squares_line() -> None:
    pic = make_figure("fit", Function("(w*x + b - y)^2", "w,b", data=LINEAR))
    render(pic)
    cols = load_data(LINEAR).columns
    ref = np.linalg.lstsq(np.c_[cols["x"], np.ones(len(cols["x"]))], cols["y"], rcond=None)[0]
    got = pic.summary["fit"]["parameters"]
    assert [got["w"], got["b"]] == pytest.approx(ref, abs=1e-8)
    assert any("the fit: y = 1.689x - 0.4435" in n for n in pic.notes), pic.notes
    line = pic.figure.axes[0].lines[0].get_xydata()
    assert line[:, 1] == pytest.approx(ref[0] * line[:, 0] + ref[1], abs=1e-7)


def test_fit_draws_the_decision_boundary() -> None:
    f = Function("softplus(-t*(w1*x1 + w2*x2 + b))", "w1,w2,b", data=LOGISTIC)
    pic = make_figure("fit", f)
    render(pic)
    p = pic.summary["fit"]["parameters"]
    # the boundary is the line w1 x1 + w2 x2 + b = 0: check the drawn contour lies on it
    segs = pic.figure.axes[0].collections[-1].get_paths()
    pts = np.concatenate([s.vertices for s in segs])
    assert len(pts) > 10
    assert np.abs(p["w1"] * pts[:, 0] + p["w2"] * pts[:, 1] + p["b"]).max() < 1e-2


def test_epochs_shows_each_method_and_is_seeded() -> None:
    f = Function("(w*x + b - y)^2", "w,b", data=LINEAR)
    a = make_figure("epochs", f, methods=("sgd", "adam"), batch=20, epochs=5, seed=2)
    b = make_figure("epochs", f, methods=("sgd", "adam"), batch=20, epochs=5, seed=2)
    render(a)
    assert a.summary["runs"] == b.summary["runs"]
    y = load_data(LINEAR).columns["y"]
    for run in a.summary["runs"]:
        assert run["epoch_values"][0] == pytest.approx(np.mean(y * y), rel=1e-12)  # at 0, 0
        assert len(run["epoch_values"]) == 6
    with pytest.raises(DomainError, match="--data"):
        make_figure("epochs", "x^2 + y^2")


def test_landscape_holds_the_other_parameters_at_the_fit() -> None:
    f = Function("softplus(-t*(w1*x1 + w2*x2 + b))", "w1,w2,b", data=LOGISTIC)
    pic = make_figure("landscape", f, x=(-1.0, 4.0), y=(-1.0, 4.0), n=12,
                      starts=np.array([[0.0, 0.0]]), methods=("newton",))
    render(pic)
    assert any(n.startswith("over w1, w2; held constant: b = ") for n in pic.notes)
    newton = pic.summary["paths"][0]
    assert newton["status"] == "converged"
    three = make_figure("landscape", Function("(w*x + b - y)^2", "w,b", data=LINEAR), n=10,
                        three_d=True)
    render(three)
    assert three.figure.axes[0].name == "3d"


def test_cli_plot_fit_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fit.png"
    assert main(["plot", "fit", "(w*x + b - y)^2", "--wrt", "w,b", "--data", LINEAR, "-o",
                 str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert out.stat().st_size > 1000 and summary["fit"]["status"] == "converged"
