"""How SymPy nodes break down for printing: constants, sums, products and powers.

Pure functions of SymPy trees, shared by both backends' printers.

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> split_mul(2 * x / (3 * sp.sqrt(x + 1)))
(2/3, [x], [sqrt(x + 1)])
>>> pow_kind(sp.Rational(5, 2))
('halfint', 2)
"""

from __future__ import annotations

import math

import sympy as sp

from gradscape.errors import DomainError
from gradscape.formula.registry import BY_HEAD

__all__ = ["is_constant", "number", "add_terms", "abs_term", "split_mul", "safe_float",
           "int_value", "pow_kind", "pow_operands", "refusal", "supported_heads"]

SMALL_POWER = 4  # x**n for |n| <= 4 as repeated multiplication, larger n through pow
_FOLDABLE = (sp.Add, sp.Mul, sp.Pow, sp.Number, sp.NumberSymbol, sp.core.numbers.ImaginaryUnit)


def is_constant(node: sp.Basic) -> bool:
    # Only arithmetic on numbers is folded (2*pi, E + 20, sqrt(2)); a function of a constant,
    # such as asin(2), is left to run time, where it gets the real semantics (NaN) it would
    # get on a grid, rather than SymPy's complex value.
    if not isinstance(node, sp.Expr) or not node.is_number:
        return False
    return all(isinstance(sub, _FOLDABLE) for sub in sp.preorder_traversal(node))


def number(node: sp.Basic) -> float:
    if node in (sp.zoo, sp.nan):  # undefined on the reals (e.g. 1/0 with no sign)
        return math.nan
    value = sp.N(node, 30)
    if not (value.is_Number and value.is_extended_real):
        raise DomainError(
            f"constant {node} is not a real number; kernels compute real values only "
            "(for a real cube root of a negative number use cbrt)"
        )
    return float(value)


def add_terms(node: sp.Basic) -> list[sp.Basic]:
    # E + 20 stays symbolic in SymPy; one literal saves a runtime addition per point.
    consts = [t for t in node.args if is_constant(t)]
    if len(consts) < 2:
        return list(node.args)
    return [sp.Add(*consts), *(t for t in node.args if not is_constant(t))]


def abs_term(term: sp.Basic) -> tuple[sp.Basic, bool]:
    coeff, _ = term.as_coeff_Mul()
    if coeff.is_Number and coeff.is_negative:
        return -term, True
    return term, False


def split_mul(node: sp.Basic) -> tuple[sp.Rational, list[sp.Basic], list[sp.Basic]]:
    coeff, factors = node.as_coeff_mul()
    num: list[sp.Basic] = []
    den: list[sp.Basic] = []
    for factor in factors:
        exp = factor.exp if factor.is_Pow else None
        if exp is not None and exp.is_Number and exp.is_negative:
            den.append(sp.Pow(factor.base, -exp))
        else:
            num.append(factor)
    if not coeff.is_Rational:  # a Float coefficient prints as one literal factor
        num.insert(0, coeff)
        coeff = sp.S.One
    return coeff, num, den


def safe_float(n: int) -> float:
    try:
        return float(n)
    except OverflowError:
        return math.inf


def int_value(exp: sp.Basic) -> int | None:
    if exp.is_Integer:
        return int(exp)
    if exp.is_Float and math.isfinite(float(exp)) and float(exp).is_integer():
        return int(float(exp))
    return None


def pow_kind(exp: sp.Basic) -> tuple[str, int]:
    if exp.is_Number and exp.is_negative:
        return "recip", 0
    n = int_value(exp)
    if n is not None and 1 <= n <= SMALL_POWER:
        return "int", n
    if exp == sp.S.Half:
        return "sqrt", 0
    if exp.is_Rational and exp.q == 2 and exp.p <= 2 * SMALL_POWER + 1:
        return "halfint", exp.p // 2
    return "pow", 0


def pow_operands(node: sp.Basic) -> tuple[list[sp.Basic], bool]:
    base, exp = node.args
    kind, n = pow_kind(exp)
    if kind == "recip":
        return [sp.Pow(base, -exp)], False
    if kind == "int":
        return [base], True
    if kind == "sqrt":
        return [base], False
    if kind == "halfint":
        return [sp.Pow(base, n), sp.sqrt(base)], False
    if int_value(exp) is not None:  # large integer power: pow with a float exponent
        return [base, sp.Float(int_value(exp))], False
    return [base, exp], False


def supported_heads() -> list[str]:
    """Names of every function head a kernel can compile, for error messages (the
    conditions of Piecewise, such as And or x > y, aside).

    >>> "sigmoid" in supported_heads(), "And" in supported_heads()
    (True, False)
    """
    return sorted(h.__name__ for h in BY_HEAD if not issubclass(h, sp.logic.boolalg.Boolean))


def refusal(node: sp.Basic) -> DomainError:
    head = type(node).__name__
    if node.has(sp.I):
        return DomainError(f"cannot compile {node}: complex numbers are not supported")
    return DomainError(
        f"cannot compile '{head}' (in {str(node)[:60]}): not in the kernel table; "
        f"supported functions are {', '.join(supported_heads())}, Piecewise, "
        "powers and arithmetic"
    )
