"""THE table of derivative rules the step-by-step engine may name.

Two tables. ``RULES``: every rule identifier of the JSON contract, with its title and its
general formula in plain text and LaTeX (``{x}`` stands for the variable of the step).
``FUNCTION_RULES``: for each elementary function f, which rule it falls under and f'(u).
To teach the engine a new function, add one row to ``FUNCTION_RULES``.

``cbrt`` is taught with the power rule (cbrt(x) = x^(1/3)), so the contract needs no extra
"root" rule; ``sqrt`` is already x^(1/2) in SymPy.

>>> RULES["chain"].title
'Chain rule'
>>> import sympy as sp
>>> u = sp.Symbol("u", real=True)
>>> FUNCTION_RULES[sp.tan].derivative(u)
sec(u)**2
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from gradscape.formula.special import cbrt, relu, sigmoid, softplus

__all__ = ["FUNCTION_RULES", "RULES", "RULE_NAMES", "FunctionRule", "Rule"]


@dataclass(frozen=True)
class Rule:
    """One named rule: its title and its general formula (plain text and LaTeX)."""

    id: str
    title: str
    formula: str
    formula_latex: str


@dataclass(frozen=True)
class FunctionRule:
    """How to differentiate one function f: its rule and f'(u); ``where`` limits validity."""

    rule: str
    derivative: Callable[[sp.Expr], sp.Expr]
    where: str = ""  # plain-text condition on u, e.g. "u ≠ 0"
    where_latex: str = ""
    # Why the formula holds, as sentence parts (prose and expressions in u); None: no note.
    note: Callable[[sp.Expr], tuple[str | sp.Expr, ...]] | None = None


def _rule(id_: str, title: str, formula: str, latex: str) -> tuple[str, Rule]:
    return id_, Rule(id_, title, formula, latex)


RULES: dict[str, Rule] = dict(
    [
        _rule("constant", "Constant rule", "d/d{x} c = 0", r"\frac{d}{d{x}} c = 0"),
        _rule("identity", "Identity rule", "d/d{x} {x} = 1", r"\frac{d}{d{x}} {x} = 1"),
        _rule(
            "sum",
            "Sum rule",
            "d/d{x} [u ± v] = u' ± v'",
            r"\frac{d}{d{x}} \left[u \pm v\right] = u' \pm v'",
        ),
        _rule(
            "constant_multiple",
            "Constant multiple rule",
            "d/d{x} [c·u] = c·u'",
            r"\frac{d}{d{x}} \left[c \cdot u\right] = c \cdot u'",
        ),
        _rule(
            "power",
            "Power rule",
            "d/d{x} {x}^n = n·{x}^(n−1)",
            r"\frac{d}{d{x}} {x}^{n} = n \cdot {x}^{n-1}",
        ),
        _rule(
            "product",
            "Product rule",
            "d/d{x} [u·v] = u'·v + u·v'",
            r"\frac{d}{d{x}} \left[u \cdot v\right] = u' \cdot v + u \cdot v'",
        ),
        _rule(
            "quotient",
            "Quotient rule",
            "d/d{x} [u/v] = (u'·v − u·v')/v^2",
            r"\frac{d}{d{x}} \frac{u}{v} = \frac{u' \cdot v - u \cdot v'}{v^{2}}",
        ),
        _rule(
            "chain",
            "Chain rule",
            "d/d{x} f(u) = f'(u)·du/d{x}",
            r"\frac{d}{d{x}} f(u) = f'(u) \cdot \frac{du}{d{x}}",
        ),
        _rule(
            "exponential",
            "Exponential rule",
            "d/d{x} a^{x} = a^{x}·ln(a), and d/d{x} e^{x} = e^{x}",
            r"\frac{d}{d{x}} a^{{x}} = a^{{x}} \ln a, \quad \frac{d}{d{x}} e^{{x}} = e^{{x}}",
        ),
        _rule(
            "logarithm",
            "Logarithm rule",
            "d/d{x} ln({x}) = 1/{x}, and d/d{x} log_b({x}) = 1/({x}·ln(b))",
            r"\frac{d}{d{x}} \ln {x} = \frac{1}{{x}}, \quad "
            r"\frac{d}{d{x}} \log_b {x} = \frac{1}{{x} \ln b}",
        ),
        _rule("trig", "Trigonometric rule", "", ""),
        _rule("inverse_trig", "Inverse trigonometric rule", "", ""),
        _rule("hyperbolic", "Hyperbolic rule", "", ""),
        _rule(
            "general_power",
            "General power rule (logarithmic differentiation)",
            "d/d{x} u^v = u^v·(v'·ln(u) + v·u'/u)",
            r"\frac{d}{d{x}} u^{v} = u^{v} \left(v' \ln u + \frac{v \, u'}{u}\right)",
        ),
        _rule("abs", "Absolute value rule", "", ""),
        _rule("sign", "Sign rule", "", ""),
        _rule("sigmoid", "Sigmoid rule", "", ""),
        _rule("softplus", "Softplus rule", "", ""),
        _rule("relu", "ReLU rule", "", ""),
    ]
)
"""Rules with an empty formula take it from their ``FUNCTION_RULES`` row, written out."""

RULE_NAMES: tuple[str, ...] = tuple(RULES)

_NONZERO = ("u ≠ 0", r"u \neq 0")

FUNCTION_RULES: dict[type, FunctionRule] = {
    # --- exponential and logarithm ------------------------------------------------------
    sp.exp: FunctionRule("exponential", sp.exp),
    sp.log: FunctionRule("logarithm", lambda u: 1 / u),
    # --- trigonometric ------------------------------------------------------------------
    sp.sin: FunctionRule("trig", sp.cos),
    sp.cos: FunctionRule("trig", lambda u: -sp.sin(u)),
    sp.tan: FunctionRule("trig", lambda u: sp.sec(u) ** 2),
    sp.sec: FunctionRule("trig", lambda u: sp.sec(u) * sp.tan(u)),
    sp.csc: FunctionRule("trig", lambda u: -sp.csc(u) * sp.cot(u)),
    sp.cot: FunctionRule("trig", lambda u: -(sp.csc(u) ** 2)),
    # --- inverse trigonometric ----------------------------------------------------------
    sp.asin: FunctionRule("inverse_trig", lambda u: 1 / sp.sqrt(1 - u**2)),
    sp.acos: FunctionRule("inverse_trig", lambda u: -1 / sp.sqrt(1 - u**2)),
    sp.atan: FunctionRule("inverse_trig", lambda u: 1 / (1 + u**2)),
    sp.acot: FunctionRule("inverse_trig", lambda u: -1 / (1 + u**2)),
    sp.asec: FunctionRule("inverse_trig", lambda u: 1 / (sp.Abs(u) * sp.sqrt(u**2 - 1))),
    sp.acsc: FunctionRule("inverse_trig", lambda u: -1 / (sp.Abs(u) * sp.sqrt(u**2 - 1))),
    # --- hyperbolic and their inverses ---------------------------------------------------
    sp.sinh: FunctionRule("hyperbolic", sp.cosh),
    sp.cosh: FunctionRule("hyperbolic", sp.sinh),
    sp.tanh: FunctionRule("hyperbolic", lambda u: sp.sech(u) ** 2),
    sp.coth: FunctionRule("hyperbolic", lambda u: -(sp.csch(u) ** 2)),
    sp.sech: FunctionRule("hyperbolic", lambda u: -sp.sech(u) * sp.tanh(u)),
    sp.csch: FunctionRule("hyperbolic", lambda u: -sp.csch(u) * sp.coth(u)),
    sp.asinh: FunctionRule("hyperbolic", lambda u: 1 / sp.sqrt(u**2 + 1)),
    sp.acosh: FunctionRule("hyperbolic", lambda u: 1 / sp.sqrt(u**2 - 1), "u > 1", "u > 1"),
    sp.atanh: FunctionRule("hyperbolic", lambda u: 1 / (1 - u**2)),
    # --- magnitude and sign -------------------------------------------------------------
    sp.Abs: FunctionRule(
        "abs",
        sp.sign,
        *_NONZERO,
        lambda u: (sp.Abs(u), " is ", u, " right of 0 and ", -u, " left of 0"),
    ),
    sp.sign: FunctionRule(
        "sign",
        lambda u: sp.S.Zero,
        *_NONZERO,
        lambda u: (sp.sign(u), " is constant on each side of 0"),
    ),
    # --- roots (cbrt(u) = u^(1/3), so the power rule) -------------------------------------
    cbrt: FunctionRule(
        "power",
        lambda u: 1 / (3 * cbrt(u) ** 2),
        *_NONZERO,
        lambda u: (
            cbrt(u),
            " is the real cube root ",
            _raw_pow(u, sp.Rational(1, 3)),
            ", whose derivative ",
            _raw_pow(u, sp.Rational(-2, 3)) / 3,
            " is written with cbrt again",
        ),
    ),
    # --- machine learning ---------------------------------------------------------------
    sigmoid: FunctionRule(
        "sigmoid",
        lambda u: sigmoid(u) * (1 - sigmoid(u)),
        note=lambda u: (
            sigmoid(u),
            " = ",
            1 / (1 + sp.exp(-u)),
            ", whose slope ",
            sp.exp(-u) / (1 + sp.exp(-u)) ** 2,
            " can be written with sigmoid itself",
        ),
    ),
    softplus: FunctionRule(
        "softplus",
        sigmoid,
        note=lambda u: (
            softplus(u),
            " = ",
            sp.log(1 + sp.exp(u)),
            ", whose slope ",
            sp.exp(u) / (1 + sp.exp(u)),
            " is ",
            sigmoid(u),
        ),
    ),
    relu: FunctionRule(
        "relu",
        sp.Heaviside,
        *_NONZERO,
        lambda u: (
            relu(u),
            " = ",
            sp.Max(0, u),
            " has slope 0 left of 0 and 1 right of 0: the Heaviside step function",
        ),
    ),
}


def _raw_pow(base: sp.Expr, exp: sp.Expr) -> sp.Expr:
    # Unevaluated, so x^(1/3) is shown as written instead of being folded back into a root.
    return sp.Pow(base, exp, evaluate=False)
