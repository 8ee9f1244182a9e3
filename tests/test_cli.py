"""The command line, run as a user runs it: real subprocesses, exit codes, stdout and stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gradscape.cli.main import (
    COMMANDS,
    build_parser,
    main,
    option_strings,
    prepare_argv,
    subcommands,
    value_options,
)


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gradscape", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_grad_json_contract() -> None:
    r = run("grad", "x^2 + y^2", "--at", "1,2", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["variables"] == ["x", "y"]
    assert out["gradient"] == ["2*x", "2*y"]
    assert out["value"] == [2.0, 4.0]


def test_grad_text() -> None:
    r = run("grad", "x^2 + y^2")
    assert r.returncode == 0 and r.stdout.strip() == "∇f(x, y) = (2x, 2y)"


def test_hessian_json_contract() -> None:
    r = run("hessian", "x^3 + x y^2", "--at", "1,-2", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["hessian"] == [["6*x", "2*y"], ["2*y", "2*x"]]
    assert out["value"] == [[6.0, -4.0], [-4.0, 2.0]]


def test_diff_json_contract() -> None:
    r = run("diff", "x^3 y^2", "--wrt", "y", "--order", "2", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["derivative"] == "2*x**3"
    r = run("diff", "sin(x)", "--at", "0", "--json")
    assert json.loads(r.stdout)["value"] == 1.0


def test_eval_with_negative_point() -> None:
    r = run("eval", "x^2 + y", "--at", "-1.5,2")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("= 4.25")


def test_field_writes_png(tmp_path: Path) -> None:
    out = tmp_path / "field.png"
    r = run("field", "x^2 + y^2", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("grad", "sinn(x)"), "did you mean 'sin'"),
        (("grad", "x^2 +"), "column"),
        (("diff", "x*y"), "say which"),
        (("eval", "x^2", "--at", "1,2"), "--at needs 1"),
        (("field", "x^2+y^2", "-o", "a.gif"), ".png"),
        (("grad", "__import__('os').system('echo hi')"), "error"),
    ],
)
def test_bad_input_exits_2_with_one_message(
    args: tuple[str, ...], needle: str, tmp_path: Path
) -> None:
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert needle in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert r.stderr.startswith("gradscape")


def test_usage_errors_exit_2() -> None:
    r = run("grad")
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.splitlines()) == 1


def test_help_has_examples() -> None:
    for cmd in ("diff", "grad", "hessian", "eval", "field"):
        r = run(cmd, "--help")
        assert r.returncode == 0 and "examples:" in r.stdout and "gradscape " + cmd in r.stdout


@pytest.mark.parametrize(
    ("args", "loaded"),
    [
        (["grad", "x^2 + y^2"], []),  # exact results need SymPy alone
        (["grad", "x^2 + y^2", "--at", "1,2"], ["numpy", "gradscape.compile"]),  # numbers: kernels
    ],
)
def test_symbolic_commands_do_not_import_heavy_modules(args: list[str], loaded: list[str]) -> None:
    code = (
        f"import sys; from gradscape.cli.main import main; rc = main({args!r}); "
        "heavy = [m for m in ('numba', 'matplotlib', 'numpy', 'gradscape.compile') "
        "if m in sys.modules]; print(heavy)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == repr(loaded)


def test_internal_errors_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import gradscape.cli.symbolic as symbolic

    def boom(args: object) -> object:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(symbolic, "load_function", boom)
    assert main(["eval", "x", "--at", "1"]) == 1
    err = capsys.readouterr().err
    assert "internal error" in err and "kaboom" in err and "Traceback" not in err


def test_negative_values_are_joined_to_their_options() -> None:
    parser = build_parser("plot")
    argv = ["plot", "tangent", "sin(x)", "--at", "-1", "--x", "-3:3", "-o", "f.png"]
    assert prepare_argv(parser, argv) == [
        "plot", "tangent", "sin(x)", "--at=-1", "--x=-3:3", "-o", "f.png"]


def _parsers() -> dict[str, object]:
    """Every command's parser, and each plot kind's as 'plot KIND'."""
    top = subcommands(build_parser())
    out = {name: p for name, p in top.items() if name != "plot"}
    out.update({f"plot {kind}": p for kind, p in subcommands(top["plot"]).items()})
    return out


def test_every_option_that_takes_a_value_keeps_a_negative_value() -> None:
    # Read off the parsers: an option added tomorrow is covered without a list to update.
    parser, checked = build_parser(), 0
    for name, sub in _parsers().items():
        for option in value_options(sub):
            argv = [*name.split(), option, "-2"]
            assert prepare_argv(parser, argv) == [*name.split(), f"{option}=-2"], argv
            checked += 1
    from gradscape.plot.figures import FIGURES

    assert len(_parsers()) == len(COMMANDS) - 1 + len(FIGURES) and checked > 60
    assert "--at" in value_options(_parsers()["eval"]) and "--json" not in value_options(
        _parsers()["eval"])


@pytest.mark.parametrize(("argv", "out"), [
    (["grad", "-x^2"], "∇f(x) = (-2x)"),
    (["diff", "-x^3"], "df/dx = -3x^2"),
    (["grad", "-x^2 - y^2", "--at", "-1,2"], "∇f(-1, 2) = (2, -4)"),
    (["eval", "--at", "-1,2", "-x*y"], "f(-1, 2) = 2"),
    (["eval", "-x", "--at=-2"], "f(-2) = 2"),
    (["hessian", "-x^2 y", "--at", "1,-1"], "[ -2y  -2x ]"),
])
def test_a_formula_may_start_with_a_minus(argv, out, capsys) -> None:
    assert main(argv) == 0
    assert out in capsys.readouterr().out


def test_plot_takes_a_formula_starting_with_a_minus(tmp_path: Path, capsys) -> None:
    out = tmp_path / "a.png"
    argv = ["plot", "contour", "-x^2 - y^2", "-o", str(out), "--x", "-2:2", "-n", "20", "--json"]
    assert main(argv) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["window"] == [[-2.0, 2.0], [-3.0, 3.0]] and out.stat().st_size > 0
    assert payload["function"] == "f(x, y) = -x^2 - y^2"


@pytest.mark.parametrize(("argv", "needle"), [
    (["grad", "x^2", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["grad", "--frobnicate", "x^2"], "unrecognized arguments: --frobnicate"),
    (["grad", "-x^2", "-y^2"], "unrecognized arguments: -y^2"),
    (["diff", "x^2", "--order"], "expected one argument"),
    (["plot", "-x^2"], "invalid choice: '-x^2'"),
    (["plot", "contour", "x^2", "--frames", "3", "-o", "a.png"], "--frames"),
])
def test_unknown_options_stay_one_line_errors(argv, needle, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and needle in err and err.count("\n") == 1, err
    assert "\u2060" not in err and "\\u2060" not in err


def test_option_strings_come_from_the_parser() -> None:
    grad = _parsers()["grad"]
    assert option_strings(grad) == {"-h", "--help", "--vars", "--at", "--show-steps", "--steps",
                                    "--json", "--wrt", "--const", "--data", "--reduce",
                                    "--drop-nan"}
    assert value_options(grad) == {"--vars", "--at", "--wrt", "--const", "--data", "--reduce"}


def test_show_without_a_display_says_how_to_write_a_file(tmp_path: Path) -> None:
    # The tests run with MPLBACKEND=Agg: no window can open, as on a server or in CI.
    for args in (("field", "x^2 + y^2", "--show"), ("plot", "contour", "x^2 + y^2", "--show")):
        r = run(*args, cwd=tmp_path)
        assert r.returncode == 2 and "-o out.png" in r.stderr and r.stdout == ""
