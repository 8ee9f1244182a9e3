"""What the commands print: strict JSON, tables that fit any width, ASCII where it must be,
the deprecated ``--steps`` of the symbolic commands, and each plot kind's own help."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from gradscape.cli.main import build_parser, main, subcommands
from gradscape.plot.figures import FIGURES


def _strict(text: str) -> object:
    """json.loads that refuses NaN and Infinity, which are not JSON."""

    def refuse(name: str) -> object:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# --- one JSON convention: NaN and ±inf are null ---------------------------------------------
# Each command on an input where a number it reports is NaN or infinite, and where it must be
# null; commands that cannot meet such a number (functions) still print strict JSON.
JSON_CASES = [
    (["eval", "1/x", "--at", "0"], lambda d: d["value"] is None),
    (["eval", "log(x)", "--at", "-1"], lambda d: d["value"] is None),
    (["diff", "1/x", "--at", "0"], lambda d: d["value"] is None),
    (["grad", "sqrt(x)", "--at", "0"], lambda d: d["value"] == [None]),
    (["hessian", "log(x y)", "--at", "0,0"], lambda d: d["value"] == [[None, 0.0], [0.0, None]]),
    (["descend", "1/x", "--start", "0"], lambda d: (d["value"], d["status"]) == (None, "diverged")),
    (["descend", "log(x)", "--start", "-1", "--steps", "20"], lambda d: d["value"] is None),
    (["compare", "log(x)", "--start", "-1", "--lr", "0.01", "--methods", "gd,adam", "--steps",
      "20"], lambda d: [r["value"] for r in d["runs"]] == [None, None]),
    (["critical", "x^2 + y^2 + sqrt(x^2 + y^2)^3", "--budget", "0"],  # Hessian undefined at 0
     lambda d: d["points"][0]["eigenvalues"] == []),
    (["functions"], lambda d: len(d["functions"]) > 10),
    (["field", "sqrt(-x^2 - y^2 - 1)", "-n", "5", "-o", "{tmp}/f.png"],
     lambda d: d["value_range"] is None and d["invalid_points"] == 25),
    (["plot", "loss", "log(x)", "--start", "-1", "--methods", "gd", "--lr", "0.01", "--steps",
      "20", "-o", "{tmp}/l.png"], lambda d: d["paths"][0]["value"] is None),
    # F = (log x, y) is undefined at x = 0, so every number of its Jacobian there is too
    (["jacobian", "log(x), y", "--at", "0,1"],
     lambda d: d["value"] == [[None, None], [None, None]]),
    (["jacobian", "log(x), y", "--at", "1,1"], lambda d: d["value"] == [[1.0, 0.0], [0.0, 1.0]]),
    (["div", "log(x), y", "--at", "0,1"], lambda d: d["value"] is None),
    (["laplacian", "log(x)", "--at", "0"], lambda d: d["value"] is None),
    (["curl", "-y, x", "--at", "0,0"], lambda d: d["value"] == 2.0),
    (["potential", "2x y, x^2 + 3y^2"], lambda d: d["conservative"] is True),
    (["graph", "log(x) + y", "--at", "-1,2"],
     lambda d: d["value"] is None and [n["grad"] for n in d["nodes"]] == [None] * 4),
    (["sweep", "himmelblau", "-n", "2", "--methods", "gd", "--lr", "0.01", "--steps", "5"],
     lambda d: d["runs"][0]["median_steps"] == 5.0),
    (["basins", "x^2 + y^2", "-n", "4", "--lr", "0.5", "--steps", "2", "--out", "{tmp}/m.zarr"],
     lambda d: d["counts"]["converged"] == 16),  # lr 1/2 lands on the origin in one step
]


@pytest.mark.parametrize(("argv", "check"), JSON_CASES,
                         ids=[" ".join(c[0][:2]) for c in JSON_CASES])
def test_json_has_null_for_numbers_json_cannot_hold(argv, check, tmp_path, capsys) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = _run([*argv, "--json"], capsys)
    assert code == 0, err
    assert check(_strict(out))


def test_every_command_is_in_the_json_cases() -> None:
    with_json = {name for name, p in subcommands(build_parser()).items()
                 if any("--json" in a.option_strings for a in p._actions)}
    # plot's --json is on each of its kinds; serve and explore answer in the browser
    assert {c[0][0] for c in JSON_CASES} == with_json | {"plot"}
    assert set(subcommands(build_parser())) - with_json == {"plot", "serve", "explore"}


def test_critical_points_with_undefined_numbers_give_null(monkeypatch, capsys) -> None:
    # The library reports an undefined Hessian as no eigenvalues; should a point ever carry
    # NaN or inf, the command still prints null.
    import gradscape.optim.critical as critical

    nan, inf = float("nan"), float("inf")
    found = critical.CriticalPoints([critical.CriticalPoint((0.0, nan), inf, "degenerate",
                                                            (nan, -inf))])
    monkeypatch.setattr(critical, "critical_points", lambda *a, **k: found)
    code, out, _ = _run(["critical", "x^2 + y^2", "--json"], capsys)
    point = _strict(out)["points"][0]
    assert code == 0 and point["point"] == [0.0, None] and point["value"] is None
    assert point["eigenvalues"] == [None, None]


def test_jsonable_turns_every_nonfinite_number_into_none() -> None:
    import numpy as np

    from gradscape.cli.common import jsonable

    data = {"a": np.float32("nan"), "b": np.array([1.0, np.inf, -np.inf]), "c": (np.int64(3),),
            "d": [{"e": float("nan")}], "f": True, "g": "NaN"}
    assert jsonable(data) == {"a": None, "b": [1.0, None, None], "c": [3], "d": [{"e": None}],
                              "f": True, "g": "NaN"}


# --- tables: never cut, at any width ---------------------------------------------------------
TABLES = [
    ["descend", "himmelblau", "--start", "0,0", "--method", "adam", "--lr", "0.05"],
    ["compare", "himmelblau", "--start", "-1.5,2", "--no-tune"],
    ["critical", "himmelblau", "--budget", "0"],  # numeric: the same points every run
    ["functions"],
]
_RULES = re.compile(r"^[\u2500-\u257f]+$")  # a token of box-drawing characters only


def _tokens(text: str) -> Counter[str]:
    return Counter(t for t in text.split() if not _RULES.match(t))


@pytest.mark.parametrize("argv", TABLES, ids=[a[0] for a in TABLES])
def test_tables_fit_the_width_and_keep_every_number_whole(argv, monkeypatch, capsys) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    wide = _run(argv, capsys)[1]
    assert "│" in wide or "  " in wide  # a table was printed
    for columns in (80, 40):
        monkeypatch.setenv("COLUMNS", str(columns))
        code, out, _ = _run(argv, capsys)
        assert code == 0 and "…" not in out
        # Table lines fit; a longer line is a sentence printed whole for the terminal to wrap.
        wide_lines = set(wide.splitlines())
        assert all(len(line) <= columns or line in wide_lines for line in out.splitlines())
        missing = _tokens(wide) - _tokens(out)
        assert not missing, (columns, missing)


def test_a_narrow_terminal_gets_one_record_per_row(monkeypatch, capsys) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    out = _run(TABLES[1], capsys)[1]
    assert re.findall(r"^method +(\w+)", out, re.M) == ["gd", "momentum", "adam"]


# --- ASCII where stdout cannot encode ∇ ² ∂ λ → --------------------------------------------
ASCII_CASES = [
    (["grad", "x^2 + y^2", "--at", "1,2"], "grad f(x, y) = (2x, 2y)\ngrad f(1, 2) = (2, 4)\n"),
    (["diff", "x^3 y^2", "--wrt", "y", "--order", "2"], "d^2f/dy^2 = 2x^3\n"),
    (["grad", "x²"], "grad f(x) = (2x)\n"),
    (["functions"], "(1, 1) -> 0"),
    (["compare", "x^2 + y^2", "--start", "1,1", "--lr", "0.1", "--methods", "gd"], "|grad f|"),
    (["critical", "x^2 - y^2"], "saddle"),
    (["plot", "--help"], "f and f' together"),
    (["grad", "x^2", "--json"], '"function": "x^2"'),
    (["eval", "x²", "--at", "2", "--json"], '"function": "x\\u00b2"'),  # escaped, not altered
]


@pytest.mark.parametrize(("argv", "expected"), ASCII_CASES, ids=[c[0][0] for c in ASCII_CASES])
def test_an_ascii_terminal_gets_ascii_stand_ins(argv, expected, monkeypatch) -> None:
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="ascii", newline="\n")
    monkeypatch.setattr(sys, "stdout", stdout)
    try:
        code = main(argv)
    except SystemExit as done:  # --help
        code = done.code
    stdout.flush()
    out = raw.getvalue().decode("ascii")  # anything else would fail here
    assert code == 0
    assert expected in out, out


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C"}])
def test_a_real_process_in_a_plain_locale_works(env) -> None:
    r = subprocess.run([sys.executable, "-m", "gradscape", "diff", "x^2 y", "--wrt", "x"],
                       capture_output=True, env={**os.environ, **env}, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() in ("∂f/∂x = 2x*y\n", "df/dx = 2x*y\n")
    r = subprocess.run([sys.executable, "-m", "gradscape", "grad", "sinn(x)"],
                       capture_output=True, env={**os.environ, **env}, timeout=120)
    assert r.returncode == 2 and r.stderr.decode().startswith("gradscape: error: unknown")


# --- --show-steps, and --steps as its deprecated alias ---------------------------------------
NOTE = "gradscape: note: --steps is deprecated here; use --show-steps\n"


@pytest.mark.parametrize("command", [["diff", "sin(x^2)"], ["grad", "x^2 y"]])
def test_steps_is_a_deprecated_alias_of_show_steps(command, capsys) -> None:
    shown = _run([*command, "--show-steps"], capsys)
    old = _run([*command, "--steps"], capsys)
    assert shown[:2] == old[:2] and "Result:" in shown[1]
    assert shown[2] == "" and old[2] == NOTE


def test_the_note_goes_to_stderr_even_with_json(capsys) -> None:
    # Scripts using --json are the callers that break when the alias goes: they hear of it
    # on stderr, and stdout stays one JSON object.
    code, out, err = _run(["grad", "x^2 y", "--steps", "--json"], capsys)
    assert code == 0 and set(_strict(out)["steps"]) == {"x", "y"} and err == NOTE


def test_a_failing_command_prints_only_its_error(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["diff", "x^2", "--steps", "--order"])
    assert capsys.readouterr().err.count("\n") == 1
    code, out, err = _run(["diff", "x^2", "--steps", "--order", "2"], capsys)
    assert code == 2 and out == ""
    assert err == "gradscape: error: --show-steps shows first derivatives; drop --order or " \
                  "--show-steps\n"


def test_help_offers_show_steps_and_hides_the_alias(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["grad", "--help"])
    out = capsys.readouterr().out
    assert "--show-steps" in out and "--steps" not in out.replace("--show-steps", "")


# --- plot KIND --help: each kind's own options, defaults and example ------------------------
_DATA = {"--wrt", "--const", "--data", "--reduce", "--drop-nan"}
_COMMON = {"-h", "--help", "--vars", "-o", "--output", "--show", "--dpi", "--json", *_DATA}
_FLAGS = {"x": "--x", "y": "--y", "n": "-n", "at": "--at", "direction": "--direction",
          "starts": "--start", "methods": "--methods", "lr": "--lr", "steps": "--steps",
          "descent": "--descent", "frames": "--frames", "color": "--color", "lrs": "--lr",
          "source": "--from", "backend": "--backend", "batch": "--batch", "epochs": "--epochs",
          "seed": "--seed", "three_d": "--3d", "subject_to": "--subject-to",
          "mode": "--mode"}


@pytest.mark.parametrize("kind", list(FIGURES))
def test_each_kind_lists_only_the_options_it_uses(kind) -> None:
    spec = FIGURES[kind]
    parser = subcommands(subcommands(build_parser("plot"))["plot"])[kind]
    options = {s for a in parser._actions for s in a.option_strings}
    # kinds that can draw a stored file (--from) take a formula without data or constants
    common = _COMMON - _DATA if "source" in spec.uses else _COMMON
    if spec.reads != "function":  # a field (named with --vars) or an equation, not a formula
        common = _COMMON - _DATA - ({"--vars"} if spec.reads == "equation" else set())
    assert options == common | {_FLAGS[u] for u in spec.uses} | (
        {"--fps"} if spec.animated else set()) | ({"--n"} if "n" in spec.uses else set())
    text = parser.format_help()
    assert f"example:\n  {spec.example}" in text
    assert spec.example.startswith(f"gradscape plot {kind} ")
    if "n" in spec.uses:
        assert re.search(rf"-n N +{re.escape(spec.grid[:10])}", text)
    if "steps" in spec.uses:
        assert "descent steps (default 500)" in text


def test_kinds_help_differ_and_name_their_defaults() -> None:
    kinds = subcommands(subcommands(build_parser("plot"))["plot"])
    texts = {k: " ".join(p.format_help().split()) for k, p in kinds.items()}
    assert len(set(texts.values())) == len(FIGURES) == 21
    assert "grid points per axis (default 160)" in texts["contour"]
    assert "starts per axis (default 100)" in texts["basins"]
    assert "(default gd; the first one's basins are drawn)" in texts["basins"]
    assert "default 400 for 1 variable, 50 for 2 variables" in texts["tangent"]
    assert "--direction 1,2 direction of the directional derivative (default 1,1)" in \
        texts["directional"]
    field = " ".join(subcommands(build_parser("field"))["field"].format_help().split())
    assert "(default -3:3)" in field and "arrows per axis (default 20)" in field
    assert "arrow colour (default blue)" in field


def test_the_example_of_every_kind_runs(tmp_path: Path, capsys) -> None:
    ran = 0
    for kind, spec in FIGURES.items():
        argv = shlex.split(spec.example)[1:]
        argv = [str(tmp_path / a) if a.endswith((".png", ".svg", ".gif")) else a for a in argv]
        small = ["-n", "12"] if "n" in spec.uses and "-n" not in argv else []
        fast = ["--steps", "30"] if "steps" in spec.uses else []
        frames = ["--frames", "2", "--dpi", "30"] if spec.animated else []
        assert main([*argv, *small, *fast, *frames]) == 0, kind
        assert "wrote" in capsys.readouterr().out
        ran += 1
    assert ran == len(FIGURES)
