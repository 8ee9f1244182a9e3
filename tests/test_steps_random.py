"""Random formula trees over the allow-list: the steps' derivative is SymPy's derivative.

Trees are built directly from the allow-list table (depth ≤ 4, real symbols); SymPy's own
``diff`` is the reference, compared at 30 digits at random points where the function and
its derivative are real.
"""

from __future__ import annotations

import json
import random

import sympy as sp
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st

from gradscape.calculus.steps import RULE_NAMES, derive
from gradscape.formula.functions import FUNCTIONS

x, y = sp.symbols("x y", real=True)
LEAVES = [x, y, x, y, x, sp.Integer(2), sp.Integer(3), sp.Rational(1, 2), sp.pi, sp.Integer(-1)]
UNARY = sorted(name for name, spec in FUNCTIONS.items() if 1 in spec.arity)
EXPONENTS = [sp.Integer(2), sp.Integer(3), sp.Integer(-1), sp.Rational(1, 2), sp.Rational(-1, 3)]
BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "^": lambda a, b: a**b,
    "atan2": sp.atan2,
    "log": sp.log,  # log(a, b): base b
}


@st.composite
def trees(draw: st.DrawFn, depth: int = 4) -> sp.Expr:
    kind = draw(st.sampled_from(["leaf", "unary", "binary", "power"]) if depth else st.just("leaf"))
    if kind == "leaf":
        return draw(st.sampled_from(LEAVES))
    if kind == "unary":
        build, args = FUNCTIONS[draw(st.sampled_from(UNARY))].build, [draw(trees(depth - 1))]
    elif kind == "power":
        build, args = sp.Pow, [draw(trees(depth - 1)), draw(st.sampled_from(EXPONENTS))]
    else:
        build = BINARY[draw(st.sampled_from(sorted(BINARY)))]
        args = [draw(trees(depth - 1)), draw(trees(depth - 1))]
    try:
        return build(*args)
    except AssertionError:  # SymPy's own evaluation can trip an internal assert
        reject()


BIG = "too large to compare"


def usable(value: object) -> bool:
    return value is not None and value is not BIG


def real_value(expr: sp.Expr, point: dict) -> sp.Float | str | None:
    """Value at 30 digits; None where a sub-expression is not real; BIG where one is huge."""
    values: dict = {}
    for node in sp.postorder_traversal(expr):
        if node in values:
            continue
        if node in point:
            v = point[node]
        elif not node.args:
            v = node.evalf(30)
        else:
            try:
                v = node.func(*(values[a] for a in node.args)).evalf(30)
            except (AttributeError, TypeError, ValueError, ArithmeticError):
                return None  # e.g. an unevaluated Derivative in SymPy's answer
        if not (v.is_Number and v.is_finite):
            return None
        if abs(v) > 1e50:
            return BIG  # exp(exp(exp(exp(x)))) would take mpmath forever; and 1e-75 vs 1e75
            # forms of one value (exp(-1/(x-2)) against 1/exp(1/(x-2))) agree in the reals
        values[node] = v
    return sp.Float(values[expr], 30)  # no float(): values may be far beyond 1e308


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(expr=trees(), data=st.data())
def test_random_tree_derivative_equals_sympy(expr, data):
    assume(expr.free_symbols and not expr.has(sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo))
    # complex constants such as asin(3) are refused (tested in test_steps.py)
    assume(all(n.is_extended_real is not False for n in sp.preorder_traversal(expr) if n.is_number))
    var = data.draw(st.sampled_from(sorted(expr.free_symbols, key=str)))
    d = derive(expr, var, variables=(x, y))
    assert {s.rule for s in d.root.walk()} <= set(RULE_NAMES)
    assert not d.verification.startswith("numeric: differs"), d.verification
    reference = sp.diff(expr, var)
    rng = random.Random(0)
    compared = 0
    for _ in range(12):
        point = {s: sp.Float(rng.uniform(-2.5, 2.5), 30) for s in (x, y)}
        want = real_value(reference, point)
        if not usable(real_value(expr, point)) or not usable(want):
            continue
        for got in (real_value(d.result, point), real_value(d.root.result, point)):
            if got is BIG:
                continue
            # 30 digits, but a degenerate point (acos at exactly -1 times an inner slope of
            # ~1e-30) leaves ~1e-15 of rounding; a wrong rule is off by far more than 1e-10
            assert got is not None and abs(got - want) <= 1e-10 * max(1, abs(want)), point
            compared += 1
    data = json.loads(json.dumps(d.to_dict()))
    todo = [data["steps"]]
    while todo:
        node = todo.pop()
        assert node["rule"] in RULE_NAMES and isinstance(node["substeps"], list)
        todo.extend(node["substeps"])
    # A tree undefined at every point drawn was compared nowhere: it is no evidence either way.
    assume(compared > 0)
