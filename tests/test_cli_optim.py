"""``gradscape descend | compare | critical | functions``: the contract, through real processes.

Every documented example runs in-process; the JSON contract and the exit codes are checked
in subprocesses (``python -m gradscape``).
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import numpy as np
import pytest

from gradscape.cli import comparecmd, criticalcmd, descendcmd, functionscmd
from gradscape.cli import main as cli_main
from gradscape.formula.library import LIBRARY
from gradscape.optim.optimizers import OPTIMIZERS


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gradscape", *args], capture_output=True,
                          text=True, timeout=120)


MODULES = (descendcmd, comparecmd, criticalcmd, functionscmd)
SPECS = {name: spec for m in MODULES for name, spec in m.SPECS.items()}


def test_each_command_has_its_own_module_named_in_the_one_table() -> None:
    for m in MODULES:
        (name,) = m.SPECS
        assert cli_main.COMMANDS[name] == m.__name__.rsplit(".", 1)[1]
    assert sorted(SPECS) == ["compare", "critical", "descend", "functions"]


EXAMPLES = [e for spec in SPECS.values() for e in spec.example_lines()]


@pytest.mark.parametrize("example", EXAMPLES)
def test_documented_examples_run(example, capsys):
    argv = shlex.split(example)[1:]
    assert cli_main.main(argv) == 0
    out = capsys.readouterr().out
    assert out.strip()
    if "--json" in argv:
        json.loads(out)


def test_descend_json_contract():
    r = run("descend", "himmelblau", "--start", "-1.5,2", "--method", "adam", "--lr", "0.1",
            "--steps", "500", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["status"] == "converged" and d["method"] == "adam" and d["lr"] == 0.1
    assert 0 < d["steps"] <= 500 and d["start"] == [-1.5, 2.0]
    # the published Himmelblau minimum in that basin
    assert np.allclose(d["final"], LIBRARY["himmelblau"].minima[1].point, atol=1e-6)
    assert abs(d["value"]) < 1e-12 and d["points"][0] == [-1.5, 2.0]


def test_descend_text_shows_the_path_and_the_end():
    r = run("descend", "x^2 + y^2", "--start", "1,2", "--steps", "3", "--tol", "none",
            "--method", "gd", "--lr", "0.25")
    assert r.returncode == 0, r.stderr
    assert "0.125" in r.stdout and "0.25" in r.stdout  # x: 1, 0.5, 0.25, 0.125
    assert "stopped after the most steps, 3" in r.stdout


def test_descend_reports_divergence():
    r = run("descend", "x^2", "--start", "1", "--method", "gd", "--lr", "1.5", "--json")
    d = json.loads(r.stdout)
    assert (d["status"], d["diverged_at"]) == ("diverged", 332)


def test_compare_uses_each_methods_own_rate():
    r = run("compare", "himmelblau", "--start", "-1.5,2", "--methods", "gd,momentum,adam",
            "--no-tune", "--json")
    assert r.returncode == 0, r.stderr
    runs = json.loads(r.stdout)["runs"]
    assert [x["method"] for x in runs] == ["gd", "momentum", "adam"]
    assert [x["lr"] for x in runs] == [OPTIMIZERS[m].lr for m in ("gd", "momentum", "adam")]
    for x in runs:
        assert x["status"] == "converged"
        assert np.allclose(x["final"], LIBRARY["himmelblau"].minima[1].point, atol=1e-6)
    text = run("compare", "himmelblau", "--start", "-1.5,2", "--methods", "gd,newton").stdout
    assert "newton" in text and "converged" in text


def test_compare_shows_auto_apart_from_the_method_it_chose():
    args = ("compare", "rosenbrock", "--start", "-1.2,1", "--methods", "auto,bfgs,cg")
    runs = json.loads(run(*args, "--json").stdout)["runs"]
    assert [(x["asked"], x["method"]) for x in runs] == [("auto", "bfgs"), ("bfgs", "bfgs"),
                                                         ("cg", "cg")]
    assert all(x["lr"] is None and x["status"] == "converged" for x in runs)
    rows = [line.split()[0:2] for line in run(*args).stdout.splitlines()[2:5]]
    assert rows == [["auto:", "bfgs"], ["bfgs", "—"], ["cg", "—"]]


def test_compare_tunes_rates_by_default():
    from gradscape.optim.tune import tune_lr

    r = run("compare", "rosenbrock", "--start", "-1.5,2", "--methods", "gd,adam", "--steps",
            "300", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["tuned"] is True
    assert len(d["runs"]) == 2
    for x in d["runs"]:  # the CLI reports what the library's tuner picks
        best = tune_lr("rosenbrock", [-1.5, 2.0], x["method"], steps=300)
        assert x["lr"] == best.lr and x["status"] != "diverged"
    clash = run("compare", "rosenbrock", "--start", "0,0", "--lr", "0.1", "--tune")
    assert clash.returncode == 2 and "--tune" in clash.stderr


def test_critical_json_finds_himmelblaus_nine_points():
    r = run("critical", "himmelblau", "--json")
    assert r.returncode == 0, r.stderr
    points = json.loads(r.stdout)["points"]
    kinds = [p["kind"] for p in points]
    assert (kinds.count("minimum"), kinds.count("saddle"), kinds.count("maximum")) == (4, 4, 1)
    found = np.array([p["point"] for p in points if p["kind"] == "minimum"])
    for m in LIBRARY["himmelblau"].minima:
        assert np.abs(found - m.point).max(1).min() < 1e-8
    r = run("critical", "x^2 - y^2", "--x", "-1:1", "--y", "-1:1", "--json")
    assert json.loads(r.stdout)["points"][0]["kind"] == "saddle"


def test_functions_lists_the_library():
    r = run("functions", "--json")
    rows = json.loads(r.stdout)["functions"]
    assert [x["name"] for x in rows] == list(LIBRARY)
    assert rows[1]["minima"][0] == {"point": [3.0, 2.0], "value": 0.0}
    assert "himmelblau" in run("functions").stdout


@pytest.mark.parametrize(("args", "words"), [
    (("descend", "x^2 + y^2", "--start", "1"), "--start needs 2 number(s)"),
    (("descend", "x^2", "--start", "1", "--lr", "-0.1"), "lr must be a number > 0"),
    (("descend", "x^2", "--method", "sgdd"), "unknown method 'sgdd'"),
    (("descend", "x^2", "--method", "adam", "--set", "b1=1"), "b1 must be a number in [0, 1)"),
    (("compare", "x^2", "--methods", "gd,foo"), "unknown method 'foo'"),
    (("critical", "x^2", "--y", "0:1"), "drop the extra range"),
    (("descend", "x^^2"), "column"),
])
def test_mistakes_exit_2_with_a_message(args, words):
    r = run(*args)
    assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr
