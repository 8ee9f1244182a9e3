"""``gradscape basins | sweep`` and ``plot basins --from`` / ``plot sweep``: the contract.

Stores are checked through zarr itself (the array names other tools rely on), exit codes and
one-line errors through real processes, pictures by opening the written PNG.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

from gradscape.cli import basinscmd, sweepcmd
from gradscape.cli import main as cli_main
from gradscape.formula.library import lookup

_NO_DASK = "needs the dask extra: pip install 'gradscape[dask]' (make test installs it)"
zarr = pytest.importorskip("zarr", reason=_NO_DASK)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gradscape", *args], capture_output=True,
                          text=True, timeout=300)


def test_both_commands_sit_in_the_one_table() -> None:
    for m in (basinscmd, sweepcmd):
        (name,) = m.SPECS
        assert cli_main.COMMANDS[name] == m.__name__.rsplit(".", 1)[1]


def test_basins_writes_a_zarr_group_and_resumes(tmp_path, capsys) -> None:
    out = str(tmp_path / "map.zarr")
    argv = ["basins", "himmelblau", "--x", "-5,5", "--y", "-5:5", "--n", "24", "--lr", "0.01",
            "--steps", "300", "--chunk", "8", "--out", out]
    assert cli_main.main([*argv, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    group = zarr.open_group(out, mode="r")
    labels = np.asarray(group["label"][...])
    assert group["label"].dtype == np.int16 and group["value"].dtype == np.float32
    assert group["steps"].dtype == np.uint16 and labels.shape == (24, 24)
    # the table of minima in the attributes: Himmelblau's published four, with f = 0 there
    table = group.attrs["gradscape"]["minima"]
    published = [m.point for m in lookup("himmelblau").minima]
    assert [tuple(m["point"]) for m in table] == published
    assert all(abs(m["value"]) < 1e-20 and m["kind"] == "global minimum" for m in table)
    assert d["counts"]["converged"] == 576 and sum(m["share"] for m in d["minima"]) == 1.0
    # a start beside each minimum is labelled by it
    xs = np.linspace(-5, 5, 24)
    for k, (px, py) in enumerate(published):
        assert labels[np.abs(xs - py).argmin(), np.abs(xs - px).argmin()] == k
    # knock out one tile (done flag off, its labels garbage): --resume recomputes it alone
    before = labels.copy()
    group = zarr.open_group(out, mode="r+")
    group["done"][1, 2] = False
    group["label"][8:16, 16:24] = 3
    attrs = dict(group.attrs["gradscape"])
    attrs["complete"] = False
    group.attrs["gradscape"] = attrs
    assert cli_main.main([*argv, "--resume"]) == 0
    text = capsys.readouterr().out
    assert "wrote" in text and "draw it: gradscape plot basins --from" in text
    assert np.array_equal(np.asarray(zarr.open_group(out)["label"][...]), before)


@pytest.mark.parametrize(("extra", "says"), [
    (["--scheduler", "http://nowhere"], "tcp://HOST:PORT"),
    (["--x", "3,1"], "LO < HI"),
    (["--workers", "0"], "--workers takes 1 to"),
    (["--chunk", "1"], "tile side"),
    (["--steps", "70000"], "16-bit"),
    (["--method", "no-such-method"], "unknown method 'no-such-method'"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, extra, says) -> None:
    # in this process (a process start per case cost seconds each); the real process's exit
    # code and stderr are checked below, on an unreachable scheduler and an existing store
    code = cli_main.main(["basins", "himmelblau", "-n", "8", "--out", str(tmp_path / "m.zarr"),
                          *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and says in err and "Traceback" not in err


def test_an_unreachable_scheduler_exits_2_with_one_line(tmp_path) -> None:
    r = run("basins", "himmelblau", "-n", "8", "--out", str(tmp_path / "m.zarr"),
            "--scheduler", "tcp://127.0.0.1:1")
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "cannot reach the Dask scheduler" in r.stderr
    assert "Traceback" not in r.stderr


def test_an_existing_store_needs_resume(tmp_path) -> None:
    out = str(tmp_path / "m.zarr")
    assert run("basins", "x^2 + y^2", "-n", "8", "--lr", "0.1", "--out", out).returncode == 0
    r = run("basins", "x^2 + y^2", "-n", "8", "--lr", "0.1", "--out", out)
    assert r.returncode == 2 and "--resume" in r.stderr
    r = run("basins", "x^2 + y^2", "-n", "16", "--lr", "0.1", "--out", out, "--resume")
    assert r.returncode == 2 and "holds another map (n differs)" in r.stderr


def test_plot_basins_from_a_store_and_plot_sweep_from_a_saved_sweep(tmp_path, capsys) -> None:
    out = str(tmp_path / "m.zarr")
    assert cli_main.main(["basins", "himmelblau", "-n", "40", "--lr", "0.01", "--steps",
                          "200", "--chunk", "16", "--out", out]) == 0
    capsys.readouterr()
    png = str(tmp_path / "m.png")
    assert cli_main.main(["plot", "basins", "--from", out, "-o", png]) == 0
    text = capsys.readouterr().out
    assert f"wrote {png}" in text and text.count("% of starts") == 4
    with Image.open(png) as im:
        assert im.size == (640, 560)
    assert cli_main.main(["sweep", "himmelblau", "-n", "6", "--methods", "gd,adam", "--lr",
                          "0.001,0.01", "--steps", "100", "--json"]) == 0
    saved = tmp_path / "sweep.json"
    saved.write_text(capsys.readouterr().out)
    d = json.loads(saved.read_text())
    assert [(r["method"], r["lr"]) for r in d["runs"]] == [
        ("gd", 0.001), ("gd", 0.01), ("adam", 0.001), ("adam", 0.01)]
    png = str(tmp_path / "s.png")
    assert cli_main.main(["plot", "sweep", "--from", str(saved), "-o", png]) == 0
    with Image.open(png) as im:
        assert im.size == (700, 480)
    r = run("plot", "basins", "himmelblau", "--from", out, "-o", png)
    assert r.returncode == 2 and "drop the formula" in r.stderr
    r = run("plot", "sweep", "--from", str(tmp_path / "nothing.json"), "-o", png)
    assert r.returncode == 2 and "cannot read the sweep" in r.stderr
    r = run("plot", "basins", "--from", str(tmp_path), "-o", png)
    assert r.returncode == 2 and "no gradscape basin map" in r.stderr


def test_sweep_table_names_the_best_rate(capsys) -> None:
    assert cli_main.main(["sweep", "x^2 + 3y^2", "-n", "5", "--methods", "gd", "--lr",
                          "0.01,0.1,0.4", "--steps", "300"]) == 0
    text = capsys.readouterr().out
    # GD on x² + 3y² contracts y by |1 - 6·lr| per step: 0.4 overshoots (factor 1.4), 0.1
    # contracts fastest (0.4 and 0.8 per step), 0.01 is too slow to converge in 300 steps
    assert "best rate: gd 0.1" in text and "100.0%" in text


@pytest.mark.long  # timing-sensitive: on a loaded machine the map can finish before the signal
def test_ctrl_c_keeps_finished_tiles_and_resume_finishes_the_map(tmp_path) -> None:
    # a real process, interrupted as a user would (SIGINT) once some tiles are flagged done
    from gradscape.optim.basins import basin_map

    out = str(tmp_path / "m.zarr")
    # 16 tiles of 48² starts × 60,000 steps (every step taken): ~0.15 s each on 2 cores, so
    # the signal lands while tiles remain (16² tiles took ~0.04 s: all could finish first)
    argv = [sys.executable, "-m", "gradscape", "basins", "himmelblau", "--x", "-5,5", "--y",
            "-5,5", "-n", "192", "--lr", "0.01", "--steps", "60000", "--tol", "none", "--chunk",
            "48", "--out", out]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    done = 0
    while p.poll() is None and time.monotonic() < deadline and not done:
        time.sleep(0.05)
        try:
            done = int(np.asarray(zarr.open_group(out, mode="r")["done"][...]).sum())
        except Exception:  # the store is not there yet, or its flags not written yet
            done = 0
    assert p.poll() is None and done, "the run ended (or never started a tile) before Ctrl-C"
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130 and err.count("\n") == 1 and "--resume" in err, err
    left = 16 - int(np.asarray(zarr.open_group(out, mode="r")["done"][...]).sum())
    assert 0 < left < 16
    r = subprocess.run([*argv, "--resume"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    ref = basin_map("himmelblau", ((-5.0, 5.0), (-5.0, 5.0)), 192, lr=0.01, steps=60000,
                    tol=None)
    group = zarr.open_group(out, mode="r")
    assert np.array_equal(np.asarray(group["label"][...]), ref.labels)
    assert np.array_equal(np.asarray(group["value"][...]), ref.values)
    assert np.array_equal(np.asarray(group["steps"][...]), ref.taken)
