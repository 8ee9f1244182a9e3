"""Gradient fields: five conservative fields with hand-found potentials, two that are not
(with their hand-computed curls), each checked by differentiating the answer here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sympy as sp

import gradscape as gs
from gradscape.errors import DomainError

x, y, z = sp.symbols("x y z", real=True)

# (field, a potential found by hand: the answer may differ from it by a constant only)
CONSERVATIVE = [
    ("2x y, x^2 + 3y^2", x**2 * y + y**3),
    ("y z, x z, x y", x * y * z),
    ("exp(x) cos(y), -exp(x) sin(y)", sp.exp(x) * sp.cos(y)),
    ("2x, 2y, 2z", x**2 + y**2 + z**2),
    ("y cos(x y), x cos(x y) + 1", sp.sin(x * y) + y),
]

# (field, its curl by hand)
NOT_CONSERVATIVE = [
    ("-y, x", 2),
    ("y z, -x z, 0", (x, y, -2 * z)),
]


@pytest.mark.parametrize(("text", "phi"), CONSERVATIVE)
def test_conservative_fields(text: str, phi: sp.Expr) -> None:
    r = gs.potential(text)
    F = gs.VectorFunction(text)
    assert r.conservative and r.equals_field and r.potential is not None
    assert sp.simplify(r.potential - phi).free_symbols == set()  # same up to a constant
    # the check, made here: the gradient of the answer is the field
    assert all(sp.simplify(sp.diff(r.potential, s) - c) == 0
               for s, c in zip(F.symbols, F.components))


@pytest.mark.parametrize(("text", "curl"), NOT_CONSERVATIVE)
def test_not_conservative_fields(text: str, curl: sp.Expr | tuple[sp.Expr, ...]) -> None:
    r = gs.potential(text)
    assert not r.conservative and r.potential is None
    if isinstance(curl, tuple):
        assert isinstance(r.curl, tuple)
        assert [sp.simplify(a - b) for a, b in zip(r.curl, curl)] == [0, 0, 0]
    else:
        assert r.curl == curl
    assert "not the gradient" in r.reason


def test_work_is_bounded_by_the_budget() -> None:
    # a forked child does the symbolic work and is killed when the budget runs out
    with pytest.raises(DomainError, match="could not decide within"):
        gs.potential("exp(x^2) y sin(x) + x^9 cos(x y), x exp(x^2) sin(x)", budget=0.001)


def test_needs_one_component_per_variable() -> None:
    with pytest.raises(DomainError, match="as many components"):
        gs.potential("x, 1")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gradscape", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_json() -> None:
    r = _cli("potential", "2x y, x^2 + 3y^2", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["conservative"] is True and out["check"]["equals_field"] is True
    phi = sp.sympify(out["potential"], locals={"x": x, "y": y})
    assert sp.expand(phi - (x**2 * y + y**3)) == 0
    out = json.loads(_cli("potential", "-y, x", "--json").stdout)
    assert out["conservative"] is False and out["potential"] is None and out["curl"] == "2"


def test_one_over_x_integrates_to_log_abs_x_defined_on_both_half_planes() -> None:
    import mpmath as mp

    r = gs.potential("1/x, y")
    # by hand: ∫dx/x = log|x|, so φ = log|x| + y²/2 on x < 0 as well as x > 0
    assert r.potential == sp.log(sp.Abs(x)) + y**2 / 2 and r.domain == "x ≠ 0"
    phi = sp.lambdify((x, y), r.potential, "mpmath")
    for px, py in ((-2.0, 1.0), (3.0, -0.5)):  # ∇φ = F by mpmath's differences, each side
        assert float(mp.diff(lambda t, b=py: phi(t, b), px)) == pytest.approx(1 / px)
        assert float(mp.diff(lambda t, a=px: phi(a, t), py)) == pytest.approx(py)
    out = json.loads(_cli("potential", "1/x, y", "--json").stdout)
    assert out["domain"] == "x ≠ 0" and "log|u|" in out["reason"]
