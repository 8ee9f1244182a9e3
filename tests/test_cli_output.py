"""What the commands print: strict JSON."""

from __future__ import annotations

import json

import pytest

from gradscape.cli.main import COMMANDS, main


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
]


@pytest.mark.parametrize(("argv", "check"), JSON_CASES,
                         ids=[" ".join(c[0][:2]) for c in JSON_CASES])
def test_json_has_null_for_numbers_json_cannot_hold(argv, check, tmp_path, capsys) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = _run([*argv, "--json"], capsys)
    assert code == 0, err
    assert check(_strict(out))


def test_every_command_is_in_the_json_cases() -> None:
    assert {c[0][0] for c in JSON_CASES} == set(COMMANDS)


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
