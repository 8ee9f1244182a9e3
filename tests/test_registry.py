"""The function registry: every row complete for every backend, checked against outside oracles.

A row missing a piece fails here, not at run time: code for NumPy, Numba and CUDA whose
values agree with mpmath at 30 digits, a domain, a growth class, a derivative rule the
step-by-step engine follows to SymPy's own derivative, and a row for every head that
differentiating any function produces. The references below are written independently of
the registry (mpmath and Python's operators); adding a function means adding its row there
and its reference here.
"""

from __future__ import annotations

import doctest
import importlib
import json
import operator
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp

import gradscape as gs
from gradscape.calculus.steps import derive
from gradscape.calculus.steps.rules import FUNCTION_RULES, RULES
from gradscape.compile import build_kernel, npfuncs, scalar
from gradscape.compile.numba_backend import helper_source
from gradscape.errors import DomainError
from gradscape.formula.functions import ALIASES, FUNCTIONS
from gradscape.formula.parser import parse
from gradscape.formula.registry import BY_HEAD, ROWS
from gradscape.formula.rows import Domain, Row, Spelling

mp = mpmath.mp
mp.dps = 30
x, y = sp.symbols("x y", real=True)

# --- the oracles: one per row, written without the registry ---------------------------------
REFERENCE: dict[str, Callable[..., mpmath.mpf]] = {
    "sin": mp.sin, "cos": mp.cos, "tan": mp.tan,
    "sec": mp.sec, "csc": mp.csc, "cot": mp.cot,
    "asin": mp.asin, "acos": mp.acos, "atan": mp.atan,
    "acot": mp.acot, "asec": mp.asec, "acsc": mp.acsc,
    "atan2": mp.atan2,
    "sinh": mp.sinh, "cosh": mp.cosh, "tanh": mp.tanh,
    "asinh": mp.asinh, "acosh": mp.acosh, "atanh": mp.atanh,
    "sech": mp.sech, "csch": mp.csch, "coth": mp.coth,
    "exp": mp.exp, "log": mp.log,
    "cbrt": lambda a: mp.sign(a) * mp.cbrt(abs(a)),
    "abs": mp.fabs, "sign": mp.sign,
    "erf": mp.erf, "erfc": mp.erfc,
    "sigmoid": lambda a: 1 / (1 + mp.exp(-a)),
    "softplus": lambda a: mp.log(1 + mp.exp(a)),
    "relu": lambda a: max(mp.mpf(0), a),
    "heaviside": lambda a: mp.mpf(1 if a > 0 else 0),  # sample points avoid 0
    "diracdelta": lambda a: mp.mpf(0) if a != 0 else mp.nan,  # no number at 0
    "defined": lambda a: mp.mpf(0),  # 0 at every number (NaN only for NaN and ±inf)
    "max": max, "min": min,
    # spellings
    "ln": mp.log, "log2": lambda a: mp.log(a, 2), "log10": mp.log10, "sqrt": mp.sqrt,
}
# Conditions: each row's head on sample relations, and what Python says they mean.
CONDITIONS: dict[str, tuple[sp.Basic, Callable[[float, float], bool]]] = {
    "gt": (sp.Gt(x, y), operator.gt),
    "lt": (sp.Lt(x, y), operator.lt),
    "ge": (sp.Ge(x, y), operator.ge),
    "le": (sp.Le(x, y), operator.le),
    "eq": (sp.Eq(x, y), operator.eq),
    "ne": (sp.Ne(x, y), operator.ne),
    "and": (sp.And(x > 0, y < 1), lambda a, b: a > 0 and b < 1),
    "or": (sp.Or(x > 1, y < -1), lambda a, b: a > 1 or b < -1),
    "not": (sp.Not(sp.And(x > 0, y > 0)), lambda a, b: not (a > 0 and b > 0)),
}
POINTS = [-3.7, -2.2, -1.3, -0.6, -0.2, 0.0, 0.15, 0.45, 0.8, 1.6, 2.9, 5.5]
HEAD_ROWS = [row for row in ROWS if isinstance(row, Row)]
BOOLEAN = [row for row in HEAD_ROWS if issubclass(row.head, sp.logic.boolalg.Boolean)]
FUNCTION_ROWS = [row for row in HEAD_ROWS if row not in BOOLEAN]
UNARY = [row for row in FUNCTION_ROWS if 1 in row.arity]
BINARY = [row for row in FUNCTION_ROWS if 1 not in row.arity]
# Heads the code generators print as structure rather than from a row.
STRUCTURE = (sp.Add, sp.Mul, sp.Pow, sp.Piecewise, sp.functions.elementary.piecewise.ExprCondPair)
_HELPER = re.compile(r"\b(_[a-z][a-z0-9_]*)\(")
IDS = [row.name for row in HEAD_ROWS]


def expression(row: Row) -> sp.Basic:
    """The row's head applied to x (and y): what the kernels and the engine are given."""
    if row in BOOLEAN:
        return sp.Piecewise((1, CONDITIONS[row.name][0]), (0, True))
    return row.head(x) if row in UNARY else row.head(x, y)


def reference(row: Row, a: float, b: float) -> float:
    if row in BOOLEAN:
        return 1.0 if CONDITIONS[row.name][1](a, b) else 0.0
    args = (mp.mpf(a),) if row in UNARY else (mp.mpf(a), mp.mpf(b))
    return float(REFERENCE[row.name](*args))


def inside(row: Row, a: float, b: float) -> bool:
    """A sample point strictly inside the domain, away from a step's jump at 0."""
    values = (a,) if row in UNARY else (a, b)
    if row.name in ("heaviside", "diracdelta", "sign") and a == 0:
        return False
    if row.name in ("atan2", "cot", "csc", "csch", "coth", "acot", "log") and a == 0:
        return False
    if row.name == "atan2" and b == 0:
        return False
    return all(row.domain.contains(v) and not _on_end(row.domain, v) for v in values)


def _on_end(domain: Domain, v: float) -> bool:
    return any(v in (lo, hi) for lo, hi in domain.intervals)


# --- every row is complete --------------------------------------------------------------------
@pytest.mark.parametrize("row", HEAD_ROWS, ids=IDS)
def test_every_row_is_complete(row: Row) -> None:
    code = row.code
    assert code.numpy and code.numba and code.cuda, "code for every backend"
    for template, known in ((code.numpy, npfuncs.NAMESPACE), (code.numba, scalar.HELPERS),
                            (code.cuda, scalar.HELPERS)):
        missing = set(_HELPER.findall(template)) - set(known)
        assert not missing, f"{row.name}: helpers {missing} are not written anywhere"
    assert "math." not in code.numba, "Numba modules import only np: use a helper for math"
    assert "np." not in code.cuda, "numba-cuda has almost no NumPy: use math or a helper"
    assert isinstance(row.domain, Domain) and row.domain.intervals
    assert row.growth in ("exp", "plain")
    if row.rule is None:
        assert not row.typeable, "a function people type needs a step-by-step rule"
    else:
        assert row.rule.rule in RULES, f"rule id {row.rule.rule!r} is not in steps.rules.RULES"
    assert row in BOOLEAN or row.name in REFERENCE, f"add an mpmath reference for {row.name}"
    assert set(FUNCTIONS) <= set(REFERENCE), "every typed name needs an mpmath reference"
    assert row not in BOOLEAN or row.name in CONDITIONS
    assert BY_HEAD[row.head] is row, "one row per head"


def test_names_are_unique_and_every_spelling_builds_known_heads() -> None:
    typed = [row.name for row in ROWS if isinstance(row, Spelling) or row.typeable]
    assert len(typed) == len(set(typed)) == len(FUNCTIONS)
    assert not set(ALIASES) & set(FUNCTIONS) and set(ALIASES.values()) <= set(FUNCTIONS)
    for name, spec in [*FUNCTIONS.items(), *((a, FUNCTIONS[n]) for a, n in ALIASES.items())]:
        args = ", ".join(["x", "2"][: spec.arity[0]]) if spec.arity != (2,) else "y, x"
        built = parse(f"{name}({args})").expr
        assert _unknown_heads(built) == set(), name


def _unknown_heads(expr: sp.Basic) -> set[type]:
    return {type(node) for node in sp.preorder_traversal(expr)
            if not node.is_Atom and not isinstance(node, STRUCTURE) and type(node) not in BY_HEAD}


@pytest.mark.parametrize("row", FUNCTION_ROWS, ids=[r.name for r in FUNCTION_ROWS])
def test_every_head_a_derivative_produces_has_a_row(row: Row) -> None:
    expr, found = expression(row), set()
    for _ in range(3):
        expr = sp.diff(expr, x)
        found |= _unknown_heads(expr)
    if row.rule is not None and row in UNARY:  # and what the engine writes for f'(u)
        found |= _unknown_heads(row.rule.derivative(x))
    assert not found, f"no registry row for {sorted(h.__name__ for h in found)}"


# --- NumPy, Numba and CUDA agree with mpmath ------------------------------------------------
def _grid(dtype: type) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.meshgrid(np.array(POINTS, dtype), np.array(POINTS[::-1], dtype))
    return a.ravel(), b.ravel()


def _check(rows: list[Row], values: np.ndarray, a: np.ndarray, b: np.ndarray, rtol: float,
           backend: str) -> None:
    bad = []
    for row, got in zip(rows, values):
        for ai, bi, gi in zip(a.tolist(), b.tolist(), got.tolist()):
            if not inside(row, ai, bi):
                continue
            want = reference(row, ai, bi)
            if not abs(gi - want) <= rtol * abs(want) + 1e-300:
                bad.append(f"{row.name}({ai}, {bi}) = {gi}, mpmath says {want}")
    assert not bad, f"{backend}: " + "; ".join(bad[:5])


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-14), (np.float32, 2e-6)])
@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_kernels_agree_with_mpmath(backend: str, dtype: type, rtol: float) -> None:
    a, b = _grid(dtype)
    kernel = build_kernel([expression(row) for row in HEAD_ROWS], [x, y], backend=backend,
                          dtype=dtype)
    values = kernel(a, b)
    assert values.dtype == dtype
    _check(HEAD_ROWS, values, a, b, rtol, backend)


def test_nan_in_gives_nan_out() -> None:
    nan = np.array([np.nan])
    for backend in ("numpy", "numba"):
        kernel = build_kernel([expression(row) for row in FUNCTION_ROWS], [x, y], backend=backend)
        got = kernel(nan, np.array([0.5]))[:, 0]
        assert np.isnan(got).all(), [r.name for r, g in zip(FUNCTION_ROWS, got) if not np.isnan(g)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_the_dirac_delta_has_no_value_at_zero(backend: str, dtype: type) -> None:
    # |x|'' = 2·DiracDelta(x) and sign'(x): 0 on either side, undefined at the kink itself.
    kernel = build_kernel([sp.DiracDelta(x), sp.DiracDelta(x, 1)], [x], backend=backend,
                          dtype=dtype)
    got = kernel(np.array([-0.5, 0.0, 1e-30, 2.0], dtype))
    assert np.isnan(got[:, 1]).all() and (got[:, [0, 2, 3]] == 0).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_scalar_helpers_compile_and_match_the_interpreter(dtype: type) -> None:

    names = sorted(scalar.HELPERS)
    header = f"import numpy as np\nfrom numba import njit\nF = np.{np.dtype(dtype).name}\n"
    header += "OPTS = dict(cache=False, error_model='numpy')\n"
    namespace: dict[str, object] = {}
    exec(header + helper_source(names), namespace)
    values = [dtype(v) for v in [*POINTS, np.inf, -np.inf, 1e-30, -7.5e20]]
    for name in names:
        plain, compiled = scalar.HELPERS[name], namespace[name]
        for v in values:
            args = (v, dtype(0.5)) if name in ("_heaviside", "_max", "_min", "_atan2") else (v,)
            want, got = plain(*args), compiled(*args)
            tolerance = pytest.approx(want, rel=4 * float(np.finfo(dtype).eps), nan_ok=True)
            assert got == tolerance, (name, v)
    assert np.isnan(namespace["_cbrt"](dtype(np.nan)))


def test_cuda_code_runs_in_the_cuda_simulator_and_agrees_with_numba() -> None:
    # numba-cuda's simulator runs device code in the interpreter; the GPU backend generated
    # from these templates later compiles the very same text.
    pytest.importorskip("numba.cuda")
    a, b = _grid(np.float64)
    lines = []
    for k, row in enumerate(HEAD_ROWS):
        if row in BOOLEAN:
            cond = _cuda_condition(CONDITIONS[row.name][0])
            lines.append(f"out[{k}, i] = F(1.0) if {cond} else F(0.0)")
        else:
            lines.append(f"out[{k}, i] = " + _cuda(row, ["a0"] if row in UNARY else ["a0", "a1"]))
    helpers = set().union(*(_HELPER.findall(row.code.cuda) for row in HEAD_ROWS))
    source = "\n".join([
        "import json, math, sys", "import numpy as np", "from numba import cuda",
        "F = np.float64",
        helper_source(helpers, decorator="@cuda.jit(device=True)"),
        _IEEE_MATH,
        "@cuda.jit", "def kernel(A0, A1, out):", "    i = cuda.grid(1)",
        "    if i < A0.size:", "        a0 = A0[i]", "        a1 = A1[i]",
        *("        " + line for line in lines),
        f"A0 = np.array({a.tolist()!r})", f"A1 = np.array({b.tolist()!r})",
        f"out = np.zeros(({len(HEAD_ROWS)}, A0.size))",
        "kernel[(A0.size + 31) // 32, 32](A0, A1, out)",
        "json.dump(out.tolist(), sys.stdout)",
    ])
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
    run = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True,
                         env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    values = np.array(json.loads(run.stdout))
    _check(HEAD_ROWS, values, a, b, 1e-14, "cuda")
    numba = build_kernel([expression(row) for row in HEAD_ROWS], [x, y], backend="numba")(a, b)
    differ = {row.name for row, got, want in zip(HEAD_ROWS, values, numba)
              for ai, bi, g, w in zip(a, b, got, want)
              if inside(row, ai, bi) and g != pytest.approx(w, rel=4e-16, abs=0)}
    assert not differ, f"CUDA and Numba code differ for {sorted(differ)}"


# The simulator runs Python's math, which raises where a GPU returns NaN (asin(2), log(-1)).
_IEEE_MATH = """
class _IEEE:
    def __getattr__(self, name):
        f = getattr(_math, name)
        if not callable(f):
            return f
        def safe(*args):
            try:
                return f(*args)
            except (ValueError, OverflowError):
                return math.nan
        return safe
_math, math = math, _IEEE()
"""


def _cuda(row: Row, args: list[str]) -> str:
    return row.code.cuda.format(*args, *(str(d) for d in row.code.defaults), one="F(1.0)",
                                zero="F(0.0)")


def _cuda_condition(cond: sp.Basic) -> str:
    if isinstance(cond, sp.Symbol):
        return {x: "a0", y: "a1"}[cond]
    if cond.is_Number:
        return f"F({float(cond)})"
    parts = [_cuda_condition(arg) for arg in cond.args]
    return BY_HEAD[type(cond)].code.cuda.format(*parts)


# --- the step-by-step engine follows each rule to SymPy's derivative -------------------------
@pytest.mark.parametrize("row", FUNCTION_ROWS, ids=[r.name for r in FUNCTION_ROWS])
def test_steps_agree_with_sympy(row: Row) -> None:
    expr = expression(row)
    if row.rule is None:
        with pytest.raises(DomainError, match="no step-by-step rule"):
            derive(expr, x, variables=(x, y))
        return
    assert FUNCTION_RULES[row.head] is row.rule
    variables = (x, y) if row in BINARY else (x,)
    partials = row.rule.derivative(*variables)  # the row's own f'(u), or both partials
    partials = partials if isinstance(partials, tuple) else (partials,)
    points = [(a, b) for a in POINTS for b in POINTS if inside(row, a, b)][:6]
    for var, partial in zip(variables, partials, strict=True):
        d = derive(expr, var, variables=(x, y))
        assert row.rule.rule in d.rules
        want = sp.diff(expr, var)
        for a, b in points:
            subs = {x: sp.Float(a, 30), y: sp.Float(b, 30)}
            wanted = complex(want.evalf(30, subs=subs))
            for got in (d.result, partial):
                assert complex(got.evalf(30, subs=subs)) == pytest.approx(
                    wanted, rel=1e-20, abs=1e-25), (got, a, b)


@pytest.mark.parametrize("row", [r for r in FUNCTION_ROWS if r.rule and r in UNARY],
                         ids=[r.name for r in FUNCTION_ROWS if r.rule and r in UNARY])
def test_chain_rule_through_every_function(row: Row) -> None:
    d = derive(row.head(x**2 - x / 2), x)
    assert "chain" in d.rules and d.verified, d.verification


# --- every name people type: parsed, printed, differentiated and evaluated ------------------
TYPED_UNARY = sorted(name for name in [*FUNCTIONS, *ALIASES]
                     if 1 in FUNCTIONS[ALIASES.get(name, name)].arity)


@pytest.mark.parametrize("name", TYPED_UNARY)
def test_every_typed_function_runs_from_text_to_numbers(name: str) -> None:
    ref = REFERENCE[ALIASES.get(name, name)]
    f = gs.Function(f"{name}(x/2 + 1/3)")
    tex = sp.latex(f.expr)
    assert tex.count("{") == tex.count("}") and tex.count(r"\left") == tex.count(r"\right")
    for a in POINTS:  # the first point where the function is real and smooth
        inner = mp.mpf(a) / 2 + mp.mpf(1) / 3
        try:
            value, slope = ref(inner), mp.diff(lambda t: ref(t / 2 + mp.mpf(1) / 3), mp.mpf(a))
        except (ValueError, ZeroDivisionError):
            continue
        if isinstance(value, mpmath.mpc) or isinstance(slope, mpmath.mpc):
            continue
        assert float(f(a)) == pytest.approx(float(value), rel=1e-13)
        assert float(f.grad(a)[0]) == pytest.approx(float(slope), rel=1e-10)
        return
    pytest.fail(f"no sample point inside the domain of {name}")


def test_readme_lists_every_function() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    listed = readme.split("- functions:", 1)[1].split("constants", 1)[0]
    missing = [name for name in FUNCTIONS if not re.search(rf"(?<!\w){name}(?!\w)", listed)]
    assert not missing, f"add {missing} to the README's 'What formulas may contain'"


def test_the_command_line_reads_erf() -> None:
    # The gradient of erf(x) + erfc(y) at (0.5, 0.2): 2/sqrt(pi)·(e^-0.25, -e^-0.04).
    run = subprocess.run([sys.executable, "-m", "gradscape", "grad", "erf(x) + erfc(y)",
                          "--at", "0.5,0.2", "--json"], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    c = 2 / mp.sqrt(mp.pi)
    assert out["value"] == pytest.approx([float(c * mp.exp(-0.25)), float(-c * mp.exp(-0.04))],
                                         rel=1e-14)
    assert out["gradient"] == ["2*exp(-x**2)/sqrt(pi)", "-2*exp(-y**2)/sqrt(pi)"]
    assert parse("erf(x/sqrt(2))").expr == sp.erf(sp.sqrt(2) * x / 2)


# --- the docstrings' examples run -------------------------------------------------------------
@pytest.mark.parametrize("module", [
    "gradscape.formula.rows", "gradscape.formula.registry", "gradscape.formula.functions",
    "gradscape.formula.special", "gradscape.formula.limits", "gradscape.formula.checks",
    "gradscape.calculus.steps.rules", "gradscape.compile.scalar", "gradscape.compile.npfuncs",
    "gradscape.compile.numba_backend", "gradscape.compile.nodes", "gradscape.compile.codegen",
])
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
