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

import functools
import math
import time
from fractions import Fraction

import sympy as sp

from gradscape.errors import DomainError
from gradscape.formula.registry import BY_HEAD

__all__ = ["is_arithmetic", "is_constant", "number", "round_rational", "coefficient",
           "add_terms", "abs_term", "split_mul", "int_value", "pow_kind", "pow_operands",
           "refusal", "supported_heads"]

SMALL_POWER = 4  # x**n for |n| <= 4 as repeated multiplication, larger n through pow
_FOLDABLE = (sp.Add, sp.Mul, sp.Pow, sp.Number, sp.NumberSymbol, sp.core.numbers.ImaginaryUnit)


def is_arithmetic(node: sp.Basic) -> bool:
    """Whether ``node`` is arithmetic on numbers only (2*pi, sqrt(2), E + 20).

    >>> is_arithmetic(2 * sp.pi + sp.sqrt(2)), is_arithmetic(sp.log(2))
    (True, False)
    """
    return all(isinstance(sub, _FOLDABLE) for sub in sp.preorder_traversal(node))


def is_constant(node: sp.Basic) -> bool:
    """Whether ``node`` has no variables and prints as one literal: arithmetic on numbers
    (2*pi, E + 20), and functions of numbers (log2(erf(8))) whose value is known exactly.

    >>> is_constant(sp.log(sp.erf(8)) / sp.log(2)), is_constant(sp.Symbol("x") + 1)
    (True, False)
    """
    if not isinstance(node, sp.Expr) or not node.is_number:
        return False
    arithmetic = True
    for sub in sp.preorder_traversal(node):
        if isinstance(sub, _FOLDABLE):
            continue
        if not isinstance(sub, sp.Expr) or type(sub) not in BY_HEAD:
            return False
        arithmetic = False
    # A function of a constant is folded from its exact value: computed at run time in
    # float64, erf(8) = 1 - 1.1e-29 is 1.0 and log2(erf(8)) is 0, not -1.6e-29, so
    # (log2(erf(8)))^x was 0 where it is undefined. One SymPy cannot evaluate within the
    # bound (Heaviside of a constant, a total cancellation) is left to run time.
    return arithmetic or _exact(node) is not None


def number(node: sp.Basic, dtype: str = "float64") -> float:
    """A constant's value in ``dtype``, correctly rounded from its exact value (see
    :func:`is_constant`); NaN for a function of a constant that is not real (asin(2), as at
    run time).

    >>> number(sp.Rational(2) ** 1000 / 3**700), number(2 * sp.pi, "float32")
    (1.1094745901686211e-33, 6.2831854820251465)
    >>> number(sp.log(sp.erf(8)) / sp.log(2)), number(sp.acosh(sp.erf(8)))
    (-1.619323786892648e-29, nan)
    """
    if node in (sp.zoo, sp.nan):  # undefined on the reals (e.g. 1/0 with no sign)
        return math.nan
    value = node if node.is_Rational else _exact(node)
    if value is None:  # arithmetic SymPy could not pin down: its 30-digit value
        value = sp.N(node, 30)
    if value is sp.nan or value is sp.zoo:
        return math.nan
    if not (value.is_Number and value.is_extended_real):
        if not is_arithmetic(node):
            return math.nan  # a function outside its domain: undefined, as on a grid
        raise DomainError(
            f"constant {node} is not a real number; kernels compute real values only "
            "(for a real cube root of a negative number use cbrt)"
        )
    if value.is_infinite:
        return math.inf if value > 0 else -math.inf
    if _beyond_float(value):  # below every subnormal or above every finite float
        tiny = _log2_size(value) < 0
        return math.copysign(0.0 if tiny else math.inf, float(sp.sign(value)))
    exact = sp.Rational(value)  # a Float's exact binary value
    return round_rational(int(exact.p), int(exact.q), dtype)


# Digits a constant is evaluated at, doubled until two evaluations agree to _AGREE bits (far
# more than float64's 53, so the value rounds correctly); the cap and the time limit bound
# the work on a constant (sin(10^300) needs ~300 digits of π; a total cancellation never
# agrees and is given up on).
_DIGITS = (30, 60, 120, 240)
_AGREE = 80
_SECONDS = 1.0


@functools.lru_cache(maxsize=4096)
def _exact(node: sp.Expr) -> sp.Expr | None:
    """``node``'s value to at least _AGREE bits (a Float, or Float + Float·I when it is not
    real, ±oo, nan), or None when SymPy cannot give one within the bound."""
    start = time.monotonic()
    last: tuple[Fraction, Fraction] | None = None
    zeros = 0
    for digits in _DIGITS:
        try:
            value = node.evalf(digits, maxn=2 * digits)
            re, im = value.as_real_imag()
        except (ValueError, TypeError, ArithmeticError, NotImplementedError, RecursionError):
            return None
        if value in (sp.oo, sp.S.NegativeInfinity, sp.zoo, sp.nan):
            return value
        if not (re.is_Number and im.is_Number):
            return None  # an unevaluated head
        if _beyond_float(re) or _beyond_float(im):
            # erfc(45600) is 2e-9070722: it rounds to 0 in any float format, and its exact
            # binary value (a 30-million-bit fraction) would take minutes to compare
            return value
        here = (Fraction(sp.Rational(re)), Fraction(sp.Rational(im)))  # exact binary values
        nonzero = here[0] != 0 or here[1] != 0
        zeros = 0 if nonzero else zeros + 1
        if last is not None and nonzero and (
                abs(here[0] - last[0]) + abs(here[1] - last[1])
                <= (abs(here[0]) + abs(here[1])) / 2**_AGREE):
            return value
        if zeros == len(_DIGITS):  # zero at every precision
            return sp.S.Zero
        last = here
        if time.monotonic() - start > _SECONDS:
            return None
    return None


def _log2_size(x: sp.Expr) -> int:
    """About log2 |x| for a SymPy Float (0 for zero and for other numbers), read from its
    binary exponent without building the exact value."""
    mpf = getattr(x, "_mpf_", None)
    if not isinstance(x, sp.Float) or mpf is None or not mpf[1]:
        return 0
    _, _, exp, bits = mpf
    return int(exp) + int(bits)


def _beyond_float(x: sp.Expr) -> bool:
    """Whether Float ``x`` is far outside float64's range (below 2^-1080 or above 2^1030)."""
    size = _log2_size(x)
    return size < -1080 or size > 1030


# Binary formats: significand bits, and the exponents of the smallest and largest normal numbers.
_FORMATS = {"float64": (53, -1022, 1023), "float32": (24, -126, 127)}


def round_rational(p: int, q: int, dtype: str = "float64") -> float:
    """p/q (q > 0) rounded once, to nearest with ties to even, to ``dtype``; returned as a
    Python float that holds that value exactly (inf past the largest finite number).

    >>> round_rational(2**1000, 3**700), round_rational(-1, 3, "float32")
    (1.1094745901686211e-33, -0.3333333432674408)
    """
    sign = -1.0 if p < 0 else 1.0
    p = abs(p)
    if p == 0:
        return 0.0
    prec, emin, emax = _FORMATS[dtype]
    quantum = max(_floor_log2(p, q), emin) - prec + 1  # the weight of the last significand bit
    n = _round_quotient(p, q, quantum)
    if n.bit_length() - 1 + quantum > emax:
        return sign * math.inf
    return sign * math.ldexp(n, quantum)


def coefficient(p: int, q: int, dtype: str = "float64") -> tuple[float, float | None]:
    """A positive rational coefficient p/q as literals ``(c, None)``: the one correctly rounded
    number, when it is a normal number of ``dtype``; else ``(top, bottom)`` with p/q =
    top/bottom, ``bottom`` an exact power of two and ``top`` rounded once, both as near the
    middle of the range as they can be, so top·x/bottom keeps every bit that fits.

    >>> coefficient(1, 3)
    (0.3333333333333333, None)
    >>> top, bottom = coefficient(10**400, 7)
    >>> top, bottom == 2.0**-663
    (3.732629076086458e+199, True)
    """
    value = round_rational(p, q, dtype)
    if 2.0 ** _FORMATS[dtype][1] <= value < math.inf:
        return value, None
    emin, emax = _FORMATS[dtype][1:]
    k = min(max(-_floor_log2(p, q) // 2, emin), emax)  # scale both by 2^k
    top = round_rational(p << max(k, 0), q << max(-k, 0), dtype)
    return top, math.ldexp(1.0, k)


def _floor_log2(p: int, q: int) -> int:
    e = p.bit_length() - q.bit_length()  # floor(log2(p/q)) is e or e - 1
    below = p < (q << e) if e >= 0 else (p << -e) < q
    return e - 1 if below else e


def _round_quotient(p: int, q: int, quantum: int) -> int:
    """round(p / (q·2^quantum)), ties to even, in exact integer arithmetic."""
    num, den = (p, q << quantum) if quantum >= 0 else (p << -quantum, q)
    n, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and n & 1):
        n += 1
    return n


def add_terms(node: sp.Basic) -> list[sp.Basic]:
    """A sum's terms, its constant terms added into one."""
    # E + 20 stays symbolic in SymPy; one literal saves a runtime addition per point.
    consts = [t for t in node.args if is_constant(t)]
    total = sp.Add(*consts) if len(consts) > 1 else None
    # a sum of constants that is not one (sin(1)^2 + cos(1)^2 - 1 cancels to nothing SymPy
    # can evaluate) keeps its terms: as its own operand it would be printed forever
    if total is None or not is_constant(total):
        return list(node.args)
    return [total, *(t for t in node.args if not is_constant(t))]


def abs_term(term: sp.Basic) -> tuple[sp.Basic, bool]:
    """``term`` without a negative numeric coefficient, and whether it had one (for a - b)."""
    coeff, _ = term.as_coeff_Mul()
    if coeff.is_Number and coeff.is_negative:
        return -term, True
    return term, False


def split_mul(node: sp.Basic) -> tuple[sp.Rational, list[sp.Basic], list[sp.Basic]]:
    """A product as (rational coefficient, factors above the line, factors below it)."""
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


def int_value(exp: sp.Basic) -> int | None:
    """An exponent's value when it is a whole number (2 or 2.0), else None."""
    if exp.is_Integer:
        return int(exp)
    if exp.is_Float and math.isfinite(float(exp)) and float(exp).is_integer():
        return int(float(exp))
    return None


def pow_kind(exp: sp.Basic) -> tuple[str, int]:
    """How a power with exponent ``exp`` prints: ("recip", 0), ("int", n), ("sqrt", 0),
    ("halfint", n) for (2n + 1)/2, or ("pow", 0)."""
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
    """The operands a power's printed form uses, and whether it is repeated multiplication."""
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
    return sorted({h.__name__ for h in BY_HEAD if not issubclass(h, sp.logic.boolalg.Boolean)})


def refusal(node: sp.Basic) -> DomainError:
    """The error for a node no kernel compiles: a complex number, or a head not in the table."""
    head = type(node).__name__
    if node.has(sp.I):
        return DomainError(f"cannot compile {node}: complex numbers are not supported")
    return DomainError(
        f"cannot compile '{head}' (in {str(node)[:60]}): not in the kernel table; "
        f"supported functions are {', '.join(supported_heads())}, Piecewise, "
        "powers and arithmetic"
    )
