"""Hostile input: every string is refused quickly, and no code is ever evaluated.

Each parse runs in a worker thread joined with a timeout, so a hang fails the test instead
of stalling the suite (a guard against hanging, not a speed benchmark). Python's eval,
exec, compile and imports outside SymPy, and SymPy's string parsers are patched to raise
while the hostile strings are parsed.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import sys
import threading

import pytest
import sympy
import sympy.parsing.sympy_parser

from gradscape.errors import FormulaError
from gradscape.formula.parser import parse, parse_number_list

GUARD_SECONDS = 5.0
# The module, not the function that sympy.core re-exports under the same name.
SYMPIFY_MODULE = importlib.import_module("sympy.core.sympify")

HOSTILE = [
    "__import__('os')",
    "__import__('os').system('echo pwned')",
    "eval('1+1')",
    "exec('import os')",
    "open('/etc/passwd')",
    "os.system('ls')",
    "getattr(x, 'y')",
    "sympify('x')",
    "x.__class__",
    "x.__class__.__bases__[0].__subclasses__()",
    "().__class__",
    "lambda: 0",
    "lambda x: x",
    "[x for x in range(10)]",
    "f'{x}'",
    "(y := 2)",
    "x[0]",
    "x # comment",
    "x \\ y",
    "import os",
    "x if y else z",
    "__builtins__",
    "globals()",
    "x = 1",
    "x == 1",
    "x; y",
    "'x'",
    "|x",
    "||x|",
    "5!",
    "",
    "x +",
    "x + * y",
    "2 3",
    "(x",
    "x)",
    "х",
    "x\u200b",
    "x\x00",
    "nan",
    "inf",
    "1e999999",
    "9^9^9^9",
    "2^(3^(4^5))",
    "10^100000",
    "x^99999999",
    "exp(10^5*log(10))",
    "e^(10^9)",
    "cosh(10^9)",
    "sqrt(10^49+1)^(10^49)",
    "(10^1000)^1000",
    "sqrt(2)^(10^6)",
    "x^1000^1000",
    "sqrt(-1)*x",
    "log(-1)*x",
    "(-8)^(1/3)",
    "1/0",
    "log(" * 12 + "2" + ",3)" * 12,
    "asin(" * 16 + "1/2" + ")" * 16,
    "sinh(" * 16 + "1" + ")" * 16,
    "(" * 10_000 + "x" + ")" * 10_000,
    "(" * 1000 + ")" * 1000,
    "x" * 1_000_000,
    "-" * 1999 + "x",
    "x" + "^x" * 999,
    "1" * 2000,
    "*".join(["10^1000"] * 200),
]


def _forbidden(name):
    def refuse(*args, **kwargs):
        raise AssertionError(f"{name} was called during parsing")

    return refuse


@contextlib.contextmanager
def no_code_execution():
    """Patch every door to code execution so that using one raises AssertionError.

    Patched only around the parse itself: pytest imports modules between test phases.
    """
    real_import = builtins.__import__
    real_sympify = SYMPIFY_MODULE.sympify

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        # SymPy imports its own modules lazily (relative or absolute); nothing else may load.
        if level == 0 and name.split(".")[0] not in ("sympy", "mpmath", "gradscape"):
            raise AssertionError(f"import of {name!r} during parsing")
        return real_import(name, globals, locals, fromlist, level)

    def guarded_sympify(a, *args, **kwargs):
        if isinstance(a, str):
            raise AssertionError(f"sympify was given the string {a!r}")
        return real_sympify(a, *args, **kwargs)

    patches = [
        (builtins, "eval", _forbidden("eval")),
        (builtins, "exec", _forbidden("exec")),
        (builtins, "compile", _forbidden("compile")),
        (builtins, "__import__", guarded_import),
        (SYMPIFY_MODULE, "sympify", guarded_sympify),
        (sympy, "sympify", _forbidden("sympy.sympify")),
        (sympy, "parse_expr", _forbidden("parse_expr")),
        (sympy.parsing.sympy_parser, "parse_expr", _forbidden("parse_expr")),
        (sympy.parsing.sympy_parser, "eval_expr", _forbidden("eval_expr")),
    ]
    saved = [(obj, attr, getattr(obj, attr)) for obj, attr, _ in patches]
    try:
        for obj, attr, replacement in patches:
            setattr(obj, attr, replacement)
        yield
    finally:
        for obj, attr, original in saved:
            setattr(obj, attr, original)


def _run_guarded(func, text):
    """Run func(text) in a thread under no_code_execution; fail if it does not finish."""
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["value"] = func(text)
        except BaseException as exc:  # handed to the test, which reports it
            outcome["error"] = exc

    worker = threading.Thread(target=work, daemon=True)
    with no_code_execution():
        worker.start()
        worker.join(GUARD_SECONDS)
    assert not worker.is_alive(), f"parsing {text[:60]!r} did not finish in {GUARD_SECONDS} s"
    return outcome


@pytest.fixture(scope="module", autouse=True)
def _warm_up() -> None:
    parse("sin(x) + 2^y")  # let SymPy finish its own first-use imports before the guards


@pytest.mark.parametrize("text", HOSTILE, ids=[repr(t[:30]) for t in HOSTILE])
def test_hostile_input_is_refused_quickly(text: str) -> None:
    outcome = _run_guarded(parse, text)
    error = outcome.get("error")
    assert isinstance(error, FormulaError), outcome
    if error.column is not None and error.formula is not None:
        assert 0 <= error.column <= len(error.formula)


@pytest.mark.parametrize("text", ["__import__('os')", "1e999999, 2", "x, 1", "9^9^9, 0"])
def test_hostile_number_lists_are_refused(text: str) -> None:
    outcome = _run_guarded(parse_number_list, text)
    assert isinstance(outcome.get("error"), FormulaError), outcome


@pytest.mark.parametrize(
    "door",
    [
        lambda: eval("1"),
        lambda: exec("pass"),
        lambda: __import__("os"),
        lambda: SYMPIFY_MODULE.sympify("x"),
        lambda: sympy.sympify("x"),
        lambda: sympy.parsing.sympy_parser.parse_expr("x"),
    ],
    ids=["eval", "exec", "import", "core-sympify", "sympify", "parse_expr"],
)
def test_the_guards_do_catch_code_execution(door) -> None:
    # The guards must actually bite, or the tests above prove nothing.
    with no_code_execution(), pytest.raises(AssertionError):
        door()


def test_ordinary_formulas_parse_under_the_guards() -> None:
    outcome = _run_guarded(parse, "x^2 + 3y^2 - sin(x)cos(y) + sigmoid(x) + log(x, 2)")
    assert "error" not in outcome, outcome


AT_THE_BOUNDS = [
    "(" * 48 + "sin(" * 16 + "x" + ")" * 64,  # 48 parentheses + 16 calls = depth 64
    "-(" * 32 + "x" + ")" * 32,  # 32 signs + 32 parentheses
    "x^(" * 32 + "x" + ")" * 32,  # 32 powers + 32 parentheses
    "log(" * 16 + "x" + ", 2)" * 16,
]


@pytest.mark.parametrize("text", AT_THE_BOUNDS, ids=["calls", "signs", "powers", "log"])
def test_deepest_formulas_fit_in_a_deep_caller_stack(text: str) -> None:
    # The grammar recurses a few frames per nesting level; at the bounds it must still fit
    # under Python's default limit of 1000 frames with 300 frames already used by callers.
    def nested_call(frames: int):
        return parse(text) if frames == 0 else nested_call(frames - 1)

    assert sys.getrecursionlimit() >= 1000
    assert nested_call(300).variables == ("x",)
