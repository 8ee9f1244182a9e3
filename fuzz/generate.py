"""The cases: formulas built from the grammar and the registry's typeable functions, and
hostile strings (long, deep, unicode, control characters, code). Case ``i`` of seed ``s``
is always the same text, so any finding can be replayed by number."""

from __future__ import annotations

import random

__all__ = ["case_text", "formula", "formulas", "hostile", "VARIABLES"]

VARIABLES = ("x", "y", "z")
# (name, arity) of every function a user can type, read off the registry (one table).
_FUNCTIONS: list[tuple[str, int]] = []


def _functions() -> list[tuple[str, int]]:
    if not _FUNCTIONS:
        from gradscape.formula.registry import TYPED

        for name, row in TYPED.items():
            for arity in row.arity:
                _FUNCTIONS.append((name, arity))
    return _FUNCTIONS


def case_text(seed: int, index: int) -> str:
    """The formula text of case ``index`` of run ``seed``."""
    rng = random.Random(seed * 1_000_003 + index)
    return hostile(rng) if rng.random() < 0.15 else formula(rng, rng.randint(1, 5))


def formula(rng: random.Random, depth: int) -> str:
    """A random formula of at most ``depth`` levels, as people type them."""
    if depth <= 0 or rng.random() < 0.25:
        return _atom(rng)
    pick = rng.random()
    if pick < 0.45:
        op = rng.choice(["+", "-", "*", "/", " ", "+", "-", "*"])
        left, right = formula(rng, depth - 1), formula(rng, depth - 1)
        if op == " " and not right[:1].isalpha() and not right.startswith("("):
            op = "*"  # implicit products need a name or parenthesis on the right
        return f"({left}){op}({right})" if rng.random() < 0.4 else f"{left} {op} {right}"
    if pick < 0.6:
        exponent = rng.choice(["2", "3", "0.5", "-1", "1/3", "y", "2.5", "-2", "x"])
        return f"({formula(rng, depth - 1)})^{exponent}"
    if pick < 0.68:
        return f"-{formula(rng, depth - 1)}"
    name, arity = rng.choice(_functions())
    args = ", ".join(formula(rng, depth - 1) for _ in range(arity))
    return f"{name}({args})"


def _atom(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.55:
        return rng.choice(VARIABLES[: rng.randint(1, 3)])
    if pick < 0.8:
        return str(rng.randint(0, 12))
    if pick < 0.9:
        return rng.choice(["0.5", "1.25", "3e-3", "2.5e2", "0.1"])
    return rng.choice(["pi", "e"])


def hostile(rng: random.Random) -> str:
    """Text meant to break things: huge, deep, odd characters, code, near the bounds."""
    kind = rng.randrange(12)
    if kind == 0:
        return "+".join(f"x^{rng.randint(1, 9)}" for _ in range(rng.randint(100, 700)))
    if kind == 1:
        depth = rng.randint(40, 80)
        return "(" * depth + "x" + ")" * depth
    if kind == 2:
        return "^".join(["t"] * rng.randint(5, 70))
    if kind == 3:
        return f"({formula(rng, 2)})^{rng.choice([99, 400, 1000, 1001, 10**6])}"
    if kind == 4:
        return "".join(chr(rng.randint(0, 0x2FFF)) for _ in range(rng.randint(1, 40)))
    if kind == 5:
        return rng.choice(["__import__('os').system('true')", "x.__class__", "lambda: 1",
                           "exec('1')", "x; y", "x = 1", "eval(x)", "x[0]", "{x}", "x if y"])
    if kind == 6:
        return rng.choice(["9^9^9", "1e400", "10^1000 x", "2^3000", "exp(1e5)", "x^1e300",
                           "sqrt(" + "9" * 200 + ")", "log(" + "1" * 120 + ")", "x/0", "0^0"])
    if kind == 7:
        return "sin(" * rng.randint(10, 30) + "x" + ")" * rng.randint(10, 30)
    if kind == 8:
        return rng.choice(["x²+y²", "2×x", "x−y", "√x", "x·y", "ｘ+1", "x\u200by", "x\x00",
                           "x\ny", "∇f", "½x", "x⁻¹", "e^x", "|x|", "sin x", "ln x"])
    if kind == 9:
        return rng.choice(["", " ", "()", "(", ")", "x +", "* x", "x ^^ 2", "1,2", "x y z w",
                           "f(x)", "himmelblau", "rosenbrock", "rosenbrok", "-x^2"])
    if kind == 10:
        return formula(rng, 7)
    return " ".join(formula(rng, 3) for _ in range(rng.randint(2, 6)))


def formulas() -> object:
    """The same grammar as a Hypothesis strategy (shrinks to a small failing formula)."""
    from hypothesis import strategies as st

    atoms = st.sampled_from([*VARIABLES, "2", "0.5", "pi", "e", "3e-3", "7"])
    names = st.sampled_from([name for name, arity in _functions() if arity == 1])

    def extend(inner: object) -> object:
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner)
            .map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
            st.tuples(inner, st.sampled_from(["2", "3", "0.5", "-1", "1/3"]))
            .map(lambda t: f"({t[0]})^{t[1]}"),
            st.tuples(names, inner).map(lambda t: f"{t[0]}({t[1]})"),
            inner.map(lambda s: f"-{s}"),
        )

    return st.recursive(atoms, extend, max_leaves=8)
