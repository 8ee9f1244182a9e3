"""Every gallery script runs as a user runs it (a subprocess, output folder as argv) and writes
its picture; the numbers it prints are checked against values worked out here by hand."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"

# script -> the file it writes
OUTPUTS = {
    "tutorial_field.py": "gradient-field.png",
    "rosenbrock_optimizers.py": "rosenbrock-optimizers.png",
    "himmelblau_basins.py": "himmelblau-basins.png",
    "tangent_limit.py": "tangent-limit.png",
    "descent_animation.py": "descent.gif",
    "computation_graph.py": "computation-graph.png",
}


def run_example(name: str, out: Path) -> str:
    r = subprocess.run([sys.executable, str(EXAMPLES / name), str(out)], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Warning" not in r.stderr, r.stderr
    return r.stdout


def test_every_example_is_listed():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(OUTPUTS)


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_example_writes_its_picture(name: str, tmp_path: Path) -> None:
    stdout = run_example(name, tmp_path)
    written = tmp_path / OUTPUTS[name]
    assert f"wrote {written}" in stdout
    with Image.open(written) as im:
        assert im.size[0] >= 400 and im.size[1] >= 300
        assert len(im.convert("RGB").getcolors(1 << 20) or ()) > 50  # a picture, not a blank
    assert (IMAGES / OUTPUTS[name]).exists(), "commit the gallery image under docs/images/"
    CHECKS[name](stdout)


def _tutorial(stdout: str) -> None:
    assert "∇f(x, y) = (2x, 2y)" in stdout


def _rosenbrock(stdout: str) -> None:
    rows = dict(re.findall(r"^(\w+)\s+lr=.*?at \(([-\d., ]+)\)$", stdout, re.M))
    assert set(rows) == {"gd", "momentum", "nesterov", "adam"}
    # Adam reaches the published minimum (1, 1) from (-1.5, 2) within 3000 steps
    assert [float(v) for v in rows["adam"].split(",")] == pytest.approx([1.0, 1.0], abs=1e-4)


def _basins(stdout: str) -> None:
    lines = re.findall(r"shares of the four minima: (.*)$", stdout, re.M)
    assert len(lines) == 2  # gd and momentum
    for line in lines:
        shares = [float(s.rstrip("%")) for s in line.split(", ")]
        assert len(shares) == 4 and 95 <= sum(shares) <= 100.05
        assert min(shares) > 15  # Himmelblau's four basins are of similar size


def _tangent(stdout: str) -> None:
    rows = re.findall(r"h = ([\d.]+)\s+secant slope (-?[\d.]+)", stdout)
    assert [float(h) for h, _ in rows] == [2.0, 1.0, 0.5, 0.2, 0.05]
    for h, slope in rows:
        h = float(h)
        exact = (math.sin(1 + h) - math.sin(1)) / h
        assert float(slope) == pytest.approx(exact, abs=1e-6)


def _animation(stdout: str) -> None:
    assert stdout.strip().endswith("descent.gif")


def _graph(stdout: str) -> None:
    # ∇(sin(xy) + x²) = (y cos(xy) + 2x, x cos(xy)) at (1, 2), by hand
    found = re.search(r"^∇f\(1, 2\) = \(v̄0, v̄1\) = \((\S+), (\S+)\)$", stdout, re.M)
    assert found is not None
    assert [float(v) for v in found.groups()] == pytest.approx(
        [2 * math.cos(2) + 2, math.cos(2)], rel=1e-5)


CHECKS = {"tutorial_field.py": _tutorial, "rosenbrock_optimizers.py": _rosenbrock,
          "himmelblau_basins.py": _basins, "tangent_limit.py": _tangent,
          "descent_animation.py": _animation, "computation_graph.py": _graph}
