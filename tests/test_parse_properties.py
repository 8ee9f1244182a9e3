"""Property tests: random formula trees printed in many styles parse back to the same tree.

A tree is built twice: directly with SymPy operators (the reference) and by printing it as
text (with '*' or juxtaposition, '^' or '**', '·', spaces and spare parentheses) and
parsing that text. Random text must either parse or raise FormulaError, nothing else.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradscape.errors import FormulaError, LimitError
from gradscape.formula.functions import FUNCTIONS
from gradscape.formula.limits import (
    MAX_CALL_DEPTH,
    MAX_NUMBER_EXPONENT,
    MAX_SYMBOLIC_EXPONENT,
)
from gradscape.formula.parser import parse

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VARS = {name: sp.Symbol(name, real=True) for name in "xyz"}
# Functions that are real and finite for every real argument, so no tree needs refusing.
TOTAL_FUNCTIONS = ["sin", "cos", "atan", "tanh", "sigmoid", "softplus", "relu", "abs", "asinh"]

# Every size bound of the parser is at least this; smaller numbers never trip one.
MIN_SIZE_BOUND = min(MAX_NUMBER_EXPONENT, MAX_SYMBOLIC_EXPONENT)

# Precedence levels of the printed forms: higher binds tighter.
SUM, PRODUCT, SIGNED, POWER, ATOM = 1, 2, 3, 4, 5


@dataclass(frozen=True)
class Node:
    op: str  # num, var, const, neg, add, sub, mul, div, pow, call
    args: tuple = ()
    value: object = None


def _leaves() -> st.SearchStrategy[Node]:
    return st.one_of(
        st.integers(0, 30).map(lambda n: Node("num", value=n)),
        st.sampled_from(["0.5", "1.25", "2.5e-1", "3."]).map(lambda t: Node("num", value=t)),
        st.sampled_from(sorted(VARS)).map(lambda v: Node("var", value=v)),
        st.sampled_from(["pi", "e"]).map(lambda c: Node("const", value=c)),
    )


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    two = st.tuples(children, children)
    small_power = st.integers(0, 4).map(lambda n: Node("num", value=n))
    return st.one_of(
        children.map(lambda a: Node("neg", (a,))),
        two.map(lambda ab: Node("add", ab)),
        two.map(lambda ab: Node("sub", ab)),
        two.map(lambda ab: Node("mul", ab)),
        # Divisors are kept nonzero: 1 + c^2 is at least 1.
        two.map(lambda ab: Node("div", (ab[0], _one_plus_square(ab[1])))),
        st.tuples(children, small_power).map(lambda ab: Node("pow", ab)),
        st.tuples(st.sampled_from(TOTAL_FUNCTIONS), children).map(
            lambda fa: Node("call", (fa[1],), fa[0])
        ),
    )


def _one_plus_square(node: Node) -> Node:
    return Node("add", (Node("num", value=1), Node("pow", (node, Node("num", value=2)))))


trees = st.recursive(_leaves(), _extend, max_leaves=12)


def build(node: Node) -> sp.Expr:
    """The reference: the same tree built with SymPy's own operators."""
    a = [build(c) for c in node.args]
    if node.op == "num":
        return sp.Rational(Fraction(str(node.value)))
    if node.op == "var":
        return VARS[node.value]
    if node.op == "const":
        return {"pi": sp.pi, "e": sp.E}[node.value]
    if node.op == "call":
        return FUNCTIONS[node.value].build(*a)
    return {
        "neg": lambda: -a[0],
        "add": lambda: a[0] + a[1],
        "sub": lambda: a[0] - a[1],
        "mul": lambda: a[0] * a[1],
        "div": lambda: a[0] / a[1],
        "pow": lambda: a[0] ** a[1],
    }[node.op]()


@dataclass(frozen=True)
class Style:
    times: str  # "*", "·", or "" for juxtaposition
    power: str  # "^" or "**"
    spaces: bool
    extra_parens: random.Random
    textbook: bool = False  # |x| for abs(x), 'sin x' for sin(x) when x is one name or number


def show(node: Node, style: Style) -> tuple[str, int]:
    """Text for node and the precedence level of that text."""
    pad = " " if style.spaces else ""
    if node.op in ("num", "var", "const"):
        text, level = str(node.value), ATOM
    elif node.op == "call":
        inner = show(node.args[0], style)[0]
        text, level = f"{node.value}({inner})", ATOM
        if style.textbook and node.value == "abs" and "|" not in inner:
            text = f"|{inner}|"
        elif style.textbook and node.args[0].op in ("var", "num") and inner[0] != "(":
            # binds like a power: (sin x)^2, but y sin x and sin x y are products
            text, level = f"{node.value} {inner}", POWER
    elif node.op == "neg":
        text, level = "-" + _at_least(node.args[0], SIGNED, style), SIGNED
    elif node.op in ("add", "sub"):
        left = _at_least(node.args[0], SUM, style)
        right = _at_least(node.args[1], SUM if node.op == "add" else PRODUCT, style)
        sign = "+" if node.op == "add" else "-"
        text, level = f"{left}{pad}{sign}{pad}{right}", SUM
    elif node.op == "mul":
        left = _at_least(node.args[0], PRODUCT, style)
        text, level = _times(left, node.args[1], style), PRODUCT
    elif node.op == "div":
        left = _at_least(node.args[0], PRODUCT, style)
        right = _at_least(node.args[1], SIGNED, style)
        text, level = f"{left}{pad}/{pad}{right}", PRODUCT
    else:  # pow: the base binds tighter than '^', the exponent may carry a sign
        base = _at_least(node.args[0], ATOM, style)
        exponent = _at_least(node.args[1], SIGNED, style)
        text, level = f"{base}{style.power}{exponent}", POWER
    if style.extra_parens.random() < 0.15:
        return f"({text})", ATOM
    return text, level


def _at_least(node: Node, level: int, style: Style) -> str:
    text, got = show(node, style)
    return text if got >= level else f"({text})"


def _times(left: str, right_node: Node, style: Style) -> str:
    if style.times:
        right = _at_least(right_node, SIGNED, style)
        pad = " " if style.spaces else ""
        return f"{left}{pad}{style.times}{pad}{right}"
    # Juxtaposition: the right factor must be a power or tighter and must not start with a
    # digit ('2 3' is refused); a space keeps two names apart ('x y', not the name 'xy').
    right = _at_least(right_node, POWER, style)
    if right[0].isdigit() or right[0] == ".":
        right = f"({right})"
    return f"{left} {right}"


styles = st.builds(
    Style,
    times=st.sampled_from(["*", "·", ""]),
    power=st.sampled_from(["^", "**"]),
    spaces=st.booleans(),
    extra_parens=st.randoms(use_true_random=False),
    textbook=st.booleans(),
)


def _same(got: sp.Expr, expected: sp.Expr) -> bool:
    if got == expected:
        return True
    # Different association can leave equal values in different forms: 6*(x+1) vs 6*x+6.
    return sp.simplify(got - expected) == 0


def _call_depth(node: Node) -> int:
    inner = max((_call_depth(c) for c in node.args), default=0)
    return inner + (node.op == "call")


def _largest_number(expr: sp.Expr) -> float:
    """The largest |value| of any numeric part of the reference tree, exponents included."""
    sizes = [0.0]
    for part in sp.preorder_traversal(expr):
        if part.is_number:
            sizes.append(abs(complex(part.evalf(15))))
    return max(sizes)


@SETTINGS
@given(tree=trees, style=styles)
def test_printed_tree_parses_to_the_same_expression(tree: Node, style: Style) -> None:
    text, _ = show(tree, style)
    if _call_depth(tree) > MAX_CALL_DEPTH:
        with pytest.raises(LimitError):
            parse(text)
        return
    expected = build(tree)
    try:
        got = parse(text).expr
    except LimitError as err:
        # Over a bound is a fair refusal only if the tree really holds a number that big.
        assert _largest_number(expected) > MIN_SIZE_BOUND, (text, str(err))
        return
    assert _same(got, expected), (text, expected)


@SETTINGS
@given(number=st.decimals(allow_nan=False, allow_infinity=False, places=6, max_value=10**9))
def test_decimal_literals_are_exact(number) -> None:
    text = str(number).replace("E", "e")
    expected = sp.Rational(Fraction(text))  # Python's own decimal reader is the reference
    assert parse(text).expr == expected, text


_SYMBOLS = list("xyz0123456789.+-*/^()e ,=<>!|[]{}'\"#;:@%&_\\")
_WORDS = ["sin", "log", "exp", "pi", "π", "²", "⁻", "·", "−", "х", "\u200b", "\x00", "θ"]
FORMULA_ALPHABET = st.sampled_from([*_SYMBOLS, *_WORDS])


@SETTINGS
@given(pieces=st.lists(FORMULA_ALPHABET, max_size=40))
def test_formula_like_text_parses_or_raises_formula_error(pieces: list[str]) -> None:
    text = "".join(pieces)
    try:
        parsed = parse(text)
    except FormulaError as err:
        assert err.hint
        assert err.column is None or 0 <= err.column <= len(text)
    else:
        assert parsed.text == text
        assert all(s.is_real for s in parsed.expr.free_symbols)


@SETTINGS
@given(text=st.text(max_size=60))
def test_any_text_parses_or_raises_formula_error(text: str) -> None:
    with contextlib.suppress(FormulaError):  # anything else propagates and fails the test
        parse(text)


def _bar_trees() -> st.SearchStrategy[Node]:
    leaves = st.sampled_from(sorted(VARS)).map(lambda v: Node("var", value=v)) | st.integers(
        0, 9
    ).map(lambda n: Node("num", value=n))

    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        two = st.tuples(children, children)
        return st.one_of(
            children.map(lambda a: Node("call", (a,), "abs")),
            children.map(lambda a: Node("neg", (a,))),
            two.map(lambda ab: Node("add", ab)),
            two.map(lambda ab: Node("sub", ab)),
            two.map(lambda ab: Node("mul", ab)),
        )

    return st.recursive(leaves, extend, max_leaves=8)


def _bars(node: Node) -> str:
    # Every abs as bars, nested freely (||x| - 1|); products with '*' so no '|' is ever read
    # as the start of a juxtaposed factor inside bars.
    a = [_bars(c) for c in node.args]
    if node.op in ("num", "var"):
        return str(node.value)
    return {
        "call": lambda: f"|{a[0]}|",
        "neg": lambda: f"(-{a[0]})",
        "add": lambda: f"({a[0]} + {a[1]})",
        "sub": lambda: f"({a[0]} - {a[1]})",
        "mul": lambda: f"{a[0]}*{a[1]}",
    }[node.op]()


@SETTINGS
@given(tree=_bar_trees())
def test_nested_bars_read_as_nested_abs(tree: Node) -> None:
    text = _bars(tree)
    assert _same(parse(text).expr, build(tree)), text
