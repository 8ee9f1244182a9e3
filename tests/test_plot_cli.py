"""``gradscape plot``, run as a user runs it: real subprocesses, files read back, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gradscape.cli import main as cli_main
from gradscape.cli.plotcmd import parse_starts
from gradscape.errors import DomainError


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gradscape", "plot", *args],
                          capture_output=True, text=True, timeout=180)


def test_contour_png_and_json(tmp_path: Path) -> None:
    out = tmp_path / "c.png"
    r = run("contour", "x^2 + 3y^2", "--x", "-2:2", "--y", "-1:1", "-n", "30", "-o", str(out),
            "--json")
    assert r.returncode == 0, r.stderr
    payload = json.loads(r.stdout)
    assert payload["output"] == str(out) and payload["window"] == [[-2.0, 2.0], [-1.0, 1.0]]
    with Image.open(out) as im:
        # a 2:1 window makes a wide figure (equal aspect, not a square with a strip in it)
        assert im.format == "PNG" and im.size[0] > 1.4 * im.size[1] >= 1.4 * 300


def test_paths_with_negative_starts_and_several_points(tmp_path: Path) -> None:
    out = tmp_path / "p.svg"
    r = run("paths", "himmelblau", "--start", "-1.5,2", "--start", "1,-3;4,4", "--methods",
            "gd,adam", "--steps", "80", "-n", "40", "-o", str(out), "--json")
    assert r.returncode == 0, r.stderr
    runs = json.loads(r.stdout)["paths"]
    assert [p["method"] for p in runs] == ["gd"] * 3 + ["adam"] * 3
    assert [p["start"] for p in runs[:3]] == [[-1.5, 2.0], [1.0, -3.0], [4.0, 4.0]]
    assert out.read_text().lstrip().startswith("<?xml")


def test_animations_write_gifs(tmp_path: Path) -> None:
    out = tmp_path / "a.gif"
    r = run("animate", "x^2 + 3y^2", "--start", "2,2", "--methods", "gd", "--lr", "0.05",
            "--frames", "4", "--steps", "30", "-n", "20", "--dpi", "40", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "gd: converged" in r.stdout or "gd: max-steps" in r.stdout
    with Image.open(out) as im:
        assert im.format == "GIF" and im.n_frames >= 4
    out = tmp_path / "s.gif"
    r = run("secant", "x^3 - 2x", "--at", "1", "--frames", "3", "--dpi", "40", "-o", str(out))
    assert r.returncode == 0, r.stderr
    with Image.open(out) as im:
        assert im.n_frames >= 3


@pytest.mark.parametrize(("args", "message"), [
    (("contour", "x^2 + y^2", "-o", "c.gif"), "still picture"),
    (("animate", "x^2 + y^2", "-o", "a.png"), "animate writes .gif"),
    (("contour", "x^2 + y^2", "-o", "c.bmp"), "cannot write '.bmp'"),
    (("contour", "x^2 + y^2"), "say where the picture goes"),
    (("paths", "x^2 + y^2", "--start", "1,2,3", "-o", "p.png"), "2 number(s) per point"),
    (("contour", "x^2 + y^2", "--x", "2:1", "-o", "c.png"), "lo < hi"),
    (("derivative", "x*y", "-o", "d.png"), "1 variable"),
    (("paths", "x^2 + y^2", "--methods", "nosuch", "-o", "p.png"), "nosuch"),
    (("loss", "x^2 + y^2", "--steps", "0", "-o", "l.png"), "--steps"),
])
def test_mistakes_exit_2_with_one_message(tmp_path, capsys, args, message) -> None:
    argv = [a if not a.endswith((".png", ".gif", ".bmp")) else str(tmp_path / a) for a in args]
    assert cli_main.main(["plot", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_negative_range_and_point_are_joined(tmp_path, capsys) -> None:
    out = tmp_path / "t.png"
    assert cli_main.main(["plot", "tangent", "sin(x)", "--x", "-3:1", "--at", "-1",
                          "-o", str(out), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["at"] == [-1.0] and payload["window"] == [[-3.0, 1.0]]
    assert payload["slope"] == pytest.approx(np.cos(-1.0), abs=1e-14)


def test_parse_starts() -> None:
    assert parse_starts(None, 2) is None
    got = parse_starts(["-1.5,2", "1,1; pi/2,-e"], 2)
    assert np.allclose(got, [[-1.5, 2], [1, 1], [np.pi / 2, -np.e]])
    with pytest.raises(DomainError, match="at least one point"):
        parse_starts([";"], 2)


def test_help_lists_every_kind_with_examples() -> None:
    r = run("--help")
    assert r.returncode == 0
    for kind in ("quiver", "stream", "contour", "surface", "magnitude", "tangent", "secant",
                 "paths", "loss", "basins", "animate"):
        assert kind in r.stdout
    assert "gradscape plot paths rosenbrock --start -1.5,2" in r.stdout
