"""THE table of derivative rules the step-by-step engine may name.

``RULES``: every rule identifier of the JSON contract, with its title and its general
formula in plain text and LaTeX (``{x}`` stands for the variable of the step).
``FUNCTION_RULES``: for each function head, which rule it falls under and f'(u), read from
the function registry (:mod:`gradscape.formula.registry`): to teach the engine a new
function, give its registry row a rule; add a rule id here only for a new family.

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

from dataclasses import dataclass

import sympy as sp

from gradscape.formula.registry import BY_HEAD
from gradscape.formula.rows import Derivative

__all__ = ["FUNCTION_RULES", "RULES", "RULE_NAMES", "FunctionRule", "Rule"]

FunctionRule = Derivative
"""How to differentiate one function: its rule id and f'(u) (a registry row's ``rule``)."""


@dataclass(frozen=True)
class Rule:
    """One named rule: its title and its general formula (plain text and LaTeX)."""

    id: str
    title: str
    formula: str
    formula_latex: str


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
        _rule("erf", "Error function rule", "", ""),
    ]
)
"""Rules with an empty formula take it from their ``FUNCTION_RULES`` row, written out."""

RULE_NAMES: tuple[str, ...] = tuple(RULES)
"""Every rule id a step may name (``Step.rule``, the ``"rule"`` of ``--json``)."""

FUNCTION_RULES: dict[type[sp.Basic], FunctionRule] = {
    head: row.rule for head, row in BY_HEAD.items() if row.rule is not None
}
"""Every head the engine differentiates. Functions of two arguments (atan2) map to both
partial derivatives; the engine shows those with its own two-argument formula."""
