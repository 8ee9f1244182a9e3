"""Every option that scales work or memory is capped before work starts (exit 2, one line
naming the option and its limit), symbolic work is bounded by size, and bad output paths
are exit 2. Caps are checked against the byte counts they are derived from, by hand."""

from __future__ import annotations

import math
import os
import time

import pytest
import sympy as sp

from gradscape.cli import bounds
from gradscape.cli.main import main
from gradscape.errors import LimitError
from gradscape.formula.limits import expansion_problem


def _run(argv, capsys):
    code = main(argv)
    err = capsys.readouterr().err
    return code, err


@pytest.mark.parametrize("argv, option", [
    (["field", "himmelblau", "-n", "10000", "-o", "OUT/a.png"], "-n must be at most 573"),
    (["plot", "contour", "himmelblau", "-n", "100000", "-o", "OUT/a.png"], "-n must be at most"),
    (["plot", "contour", "himmelblau", "--dpi", "100000", "-o", "OUT/a.png"],
     "--dpi must be at most 1,675"),
    (["plot", "animate", "himmelblau", "--frames", "100000", "-o", "OUT/a.gif"],
     "--frames must be at most"),
    (["plot", "basins", "himmelblau", "-n", "5000", "-o", "OUT/a.png"], "-n must be at most"),
    (["plot", "paths", "himmelblau", "--steps", "10000000", "-o", "OUT/a.png"],
     "--steps must be at most"),
    (["compare", "himmelblau", "--steps", "10000000"], "--steps must be at most 838,860"),
    (["descend", "himmelblau", "--steps", "100000000"], "--steps must be at most 10,000,000"),
    (["critical", "himmelblau", "--budget", "1e9"], "--budget must be at most 60"),
])
def test_each_scaling_option_is_capped_before_work(argv, option, capsys, tmp_path):
    argv = [a.replace("OUT", str(tmp_path)) for a in argv]
    start = time.perf_counter()
    code, err = _run(argv, capsys)
    assert code == 2 and option in err and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir())  # refused before anything was drawn or written
    assert time.perf_counter() - start < 60  # generous: refused, not run (no tight timing)


def test_caps_follow_from_the_bytes_per_unit():
    # 6.4 × 5.6 inches at 8 bytes a pixel in 0.75 GiB: dpi = sqrt(0.75 GiB / (8 · 35.84))
    assert bounds.BUDGET == 0.75 * 2**30
    with pytest.raises(LimitError, match="at most 1,675 "):
        bounds.check_dpi(1676, (6.4, 5.6))
    bounds.check_dpi(1675, (6.4, 5.6))
    assert math.floor(math.sqrt(0.75 * 2**30 / (8 * 6.4 * 5.6))) == 1675
    # compare: 3 methods × 4 (tuning) × 16 bytes × (2 + 3) per step
    assert bounds.steps_cap(2, 3, tuned=True) == int(0.75 * 2**30 // (3 * 4 * 16 * 5))
    # a gif keeps 60 frames of 640 × 560 RGBA pixels: 86 MB, far under the budget
    assert bounds.frames_cap(100, (6.4, 5.6), gif=True) == int(0.75 * 2**30 / (4 * 640 * 560))
    assert bounds.frames_cap(100, (6.4, 5.6), gif=False) == bounds.MAX_FRAMES


def test_defaults_are_within_every_cap():
    from gradscape.plot.figures import FIGURES

    checked = 0
    for kind in FIGURES.values():
        for dims in kind.dims:
            bounds.check_picture(kind, kind.size, dims, {}, 100, kind.animated, kind.animated)
            checked += 1
    assert checked >= len(FIGURES)


@pytest.mark.parametrize("target, why", [
    ("{tmp}", "it is a folder"),
    ("{tmp}/" + "n" * 300 + ".png", "longer than"),
    ("{tmp}/file.txt/a.png", "is a file, not a folder"),
])
def test_bad_output_paths_exit_2_in_one_line(target, why, tmp_path, capsys):
    (tmp_path / "file.txt").write_text("in the way")
    code, err = _run(["plot", "contour", "x^2+y^2", "-n", "10",
                      "-o", target.format(tmp=tmp_path)], capsys)
    assert code == 2 and why in err and err.count("\n") == 1, err


@pytest.mark.skipif(os.getuid() == 0, reason="root may write anywhere")
def test_an_unwritable_folder_exits_2(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code, err = _run(["plot", "contour", "x^2+y^2", "-n", "10", "-o",
                      str(locked / "a.png")], capsys)
    assert code == 2 and "not writable" in err


def test_a_missing_folder_is_still_created(tmp_path, capsys):
    target = tmp_path / "new" / "deeper" / "a.png"
    code, _ = _run(["plot", "contour", "x^2+y^2", "-n", "10", "-o", str(target)], capsys)
    assert code == 0 and target.stat().st_size > 0


def test_a_high_power_is_not_multiplied_out(capsys):
    # 1000 (x+y)^999 is the gradient by the power rule; cancel() would expand it to 1000
    # terms and factor them back for minutes.
    x, y = sp.symbols("x y")
    assert "degree 999" in expansion_problem(1000 * (x + y) ** 999)
    code = main(["grad", "(x+y)^1000", "--json"])
    out = capsys.readouterr().out
    assert code == 0 and out.count("1000*(x + y)**999") == 2, out


def _tower(levels: int) -> str:
    return "^".join(["t"] * levels)


def test_a_tower_inside_the_depth_limit_is_a_limit_error_not_recursion(capsys):
    code, err = _run(["hessian", _tower(62)], capsys)
    assert code == 2 and "nested 124 deep" in err and "RecursionError" not in err, err


def test_a_recursion_error_anywhere_is_exit_2(monkeypatch, capsys):
    import gradscape.cli.symbolic as symbolic

    def deep(args):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(symbolic.SPECS, "grad", symbolic.SPECS["grad"].__class__(
        **{**symbolic.SPECS["grad"].__dict__, "run": deep}))
    code, err = _run(["grad", "x"], capsys)
    assert code == 2 and "nested too deeply" in err and err.count("\n") == 1
