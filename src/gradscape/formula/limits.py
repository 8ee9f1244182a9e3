"""Work bounds for formula text: one table of named constants and the checks that use them.

Every bound keeps a hostile or mistyped formula from hanging the parser or a later layer
(differentiating ``x^1000000`` ten times, printing ``9^9^9``, exact roots of 3000-digit
numbers). Going over a bound raises :class:`~gradscape.errors.LimitError` naming the bound.

>>> MAX_LENGTH, MAX_DEPTH, MAX_TOKENS
(2000, 64, 1000)
>>> power_problem(sp.Integer(9), sp.Integer(387420489))
'the exponent 387420489 is larger than 1000'
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

import sympy as sp

from gradscape.errors import LimitError
from gradscape.formula.rows import EXP, PLAIN, Growth

__all__ = [
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_CALL_DEPTH",
    "MAX_TOKENS",
    "MAX_DIGITS",
    "MAX_LITERAL_EXPONENT",
    "MAX_NUMBER_EXPONENT",
    "MAX_RESULT_DIGITS",
    "MAX_ROOT_DIGITS",
    "MAX_SYMBOLIC_EXPONENT",
    "power_problem",
    "big_number_problem",
    "MAX_ARGUMENT",
    "MAX_EXP_ARGUMENT",
    "argument_problem",
    "MAX_DIFF_DEPTH",
    "MAX_DIFF_NODES",
    "MAX_EXPANDED_TERMS",
    "MAX_EXPANDED_DEGREE",
    "tree_size",
    "differentiation_problem",
    "expansion_problem",
    "recursion_bounded",
]

# --- the bounds ----------------------------------------------------------------------
MAX_LENGTH = 2000  # characters in one formula
MAX_DEPTH = 64  # nesting of parentheses, calls, powers and signs together
MAX_CALL_DEPTH = 16  # calls inside calls: SymPy's checks on sec(sec(...(1))) grow ~ depth^3
MAX_TOKENS = 1000  # numbers, names, operators and parentheses
MAX_DIGITS = 50  # digits in one numeric literal (exponent part not counted)
MAX_LITERAL_EXPONENT = 400  # |n| in a literal like 1e-n (floats end near 1e308)
MAX_NUMBER_EXPONENT = 1000  # |b| in a^b when a is an exact number
MAX_RESULT_DIGITS = 3000  # digits of an exact number that a power or product may create
MAX_ROOT_DIGITS = 100  # digits of an exact number under a root or function (factoring cost)
MAX_SYMBOLIC_EXPONENT = 1000  # |n| in x^n: repeated differentiation grows with n
MAX_ARGUMENT = 1e100  # |a| for a function of a number, f(a)
MAX_EXP_ARGUMENT = 6900  # |a| in exp(a) and kin: e^6900 has about MAX_RESULT_DIGITS digits
# What may be differentiated: SymPy's diff, printing and tidying recurse once (or more) per
# level, and Python's recursion limit of 1000 frames ends near 200 levels; each derivative
# can double the depth (a tower t^t^...^t of 62 levels has a derivative 124 deep). Work
# grows faster than the tree's size counted without sharing: differentiating
# exp(sin(x)) tan(x) again at 1,700 / 3,100 / 10,500 nodes took 3 / 5 / 16 s on a busy
# machine, so repeated derivatives stop near a few seconds.
MAX_DIFF_DEPTH = 100  # levels of the tree being differentiated
MAX_DIFF_NODES = 4_000  # nodes of that tree, shared parts counted each time
# What a polynomial rewrite (expand, cancel, factor) may create: (x+y)^1000 expands to 1001
# terms with 300-digit coefficients, and factoring them back takes minutes.
MAX_EXPANDED_TERMS = 400  # terms after multiplying out
MAX_EXPANDED_DEGREE = 60  # total degree after multiplying out


def power_problem(base: sp.Expr, exp: sp.Expr) -> str | None:
    """Why ``base**exp`` must not be built (it would be huge or slow), or None if it may.

    >>> x = sp.Symbol("x", real=True)
    >>> power_problem(x, sp.Integer(5)) is None
    True
    >>> power_problem(x, sp.Integer(10**6))
    'the exponent 1000000 of a variable expression is larger than 1000'
    """
    if not exp.is_number:
        return None  # symbolic exponent: SymPy keeps the power unevaluated
    size = _abs_value(exp)
    if not base.is_number:
        if size is not None and size > MAX_SYMBOLIC_EXPONENT:
            return (
                f"the exponent {_short(exp)} of a variable expression is larger than "
                f"{MAX_SYMBOLIC_EXPONENT}"
            )
        return None
    # (size is a float here: a Rational always evaluates, to inf when it overflows.)
    if exp.is_Rational and base.is_Rational and (size or 0) > MAX_NUMBER_EXPONENT:
        return f"the exponent {_short(exp)} is larger than {MAX_NUMBER_EXPONENT}"
    if not (exp.is_Integer or (base.is_Integer and base in (0, 1, -1))):
        digits = max((_digits(r) for r in base.atoms(sp.Rational)), default=0)
        if digits > MAX_ROOT_DIGITS:
            return f"a root of a number with {digits} digits (more than {MAX_ROOT_DIGITS})"
    created = (size or 0) * _log10_size(base)
    if created > MAX_RESULT_DIGITS:
        return f"the result would have about {created:.3g} digits (more than {MAX_RESULT_DIGITS})"
    return None


def big_number_problem(expr: sp.Expr) -> str | None:
    """Why an exact number inside ``expr`` is too big to keep, or None.

    >>> big_number_problem(sp.Integer(10) ** 4000)
    'an exact number with 4001 digits (more than 3000)'
    """
    for r in expr.atoms(sp.Rational):
        digits = _digits(r)
        if digits > MAX_RESULT_DIGITS:
            return f"an exact number with {digits} digits (more than {MAX_RESULT_DIGITS})"
    return None


def argument_problem(function: str, args: tuple[sp.Expr, ...],
                     growth: Growth = PLAIN) -> str | None:
    """Why ``function`` must not be applied to these numeric arguments, or None.

    Exact numbers inside are bounded (SymPy factors them for roots and logs), and so is the
    size of each argument: SymPy's and mpmath's numeric checks on exp(10^40) or
    softplus(exp(100)) need memory and time that grow with the argument, so functions of
    growth class ``"exp"`` (the registry row's ``growth``) get the tighter bound.

    >>> argument_problem("softplus", (sp.Integer(10000),), "exp")
    'softplus of a number about 1e+04 (more than 6.9e+03 in size)'
    >>> argument_problem("sin", (sp.Integer(10000),), "plain") is None
    True
    """
    for arg in args:
        if not arg.is_number:
            continue
        digits = max((_digits(r) for r in arg.atoms(sp.Rational)), default=0)
        if digits > MAX_ROOT_DIGITS:
            return f"{function} of a number with {digits} digits (more than {MAX_ROOT_DIGITS})"
        size = _abs_value(arg)
        bound = MAX_EXP_ARGUMENT if growth == EXP else MAX_ARGUMENT
        if size is not None and size > bound:
            return f"{function} of a number about {size:.3g} (more than {bound:.3g} in size)"
    return None


def tree_size(expr: sp.Basic, cap: int = MAX_DIFF_NODES) -> tuple[int, int]:
    """(nodes, depth) of ``expr`` as a tree (shared parts counted each time), counting
    stopped just past ``cap`` nodes; an explicit stack, so any depth is fine.

    >>> x = sp.Symbol("x")
    >>> tree_size(sp.sin(x**2) + x)
    (6, 4)
    """
    nodes, depth, stack = 0, 0, [(expr, 1)]
    while stack and nodes <= cap:
        node, level = stack.pop()
        nodes += 1
        depth = max(depth, level)
        stack.extend((arg, level + 1) for arg in node.args)
    return nodes, depth


def differentiation_problem(expr: sp.Basic, what: str = "the formula") -> str | None:
    """Why ``expr`` must not be differentiated (too deep or too big), or None.

    >>> t = sp.Symbol("t")
    >>> tower = t
    >>> for _ in range(120):
    ...     tower = t**tower
    >>> differentiation_problem(tower)
    'the formula is nested 121 deep (more than 100) to differentiate'
    """
    nodes, depth = tree_size(expr)
    if depth > MAX_DIFF_DEPTH:
        return f"{what} is nested {depth} deep (more than {MAX_DIFF_DEPTH}) to differentiate"
    if nodes > MAX_DIFF_NODES:
        return f"{what} has over {MAX_DIFF_NODES} parts, too many to differentiate"
    return None


def expansion_problem(expr: sp.Basic) -> str | None:
    """Why multiplying ``expr`` out would be too big (degree or number of terms), or None.

    Estimated bottom-up without expanding: a sum adds terms, a product multiplies them, and
    a power (a + b + ...)^n of t terms has up to C(n + t - 1, t - 1).

    >>> x, y = sp.symbols("x y")
    >>> expansion_problem((x + y) ** 1000)
    'multiplying out gives degree 1000 (more than 60)'
    >>> expansion_problem((x + y) ** 3 * (x - 1)) is None
    True
    """
    size: dict[sp.Basic, tuple[float, float]] = {}  # node -> (terms, degree)
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in size:
            continue
        if not ready and node.args and (node.is_Add or node.is_Mul or node.is_Pow):
            stack.append((node, True))
            stack.extend((arg, False) for arg in node.args)
            continue
        size[node] = _expanded(node, size)
    terms, degree = size[expr]
    if degree > MAX_EXPANDED_DEGREE:
        return f"multiplying out gives degree {degree:.0f} (more than {MAX_EXPANDED_DEGREE})"
    if terms > MAX_EXPANDED_TERMS:
        return f"multiplying out gives about {terms:.3g} terms (more than {MAX_EXPANDED_TERMS})"
    return None


def _expanded(node: sp.Basic, size: dict[sp.Basic, tuple[float, float]]) -> tuple[float, float]:
    if node.is_number:
        return 1.0, 0.0
    if node.is_Add:
        parts = [size[a] for a in node.args]
        return sum(t for t, _ in parts), max(d for _, d in parts)
    if node.is_Mul:
        parts = [size[a] for a in node.args]
        return math.prod(t for t, _ in parts), sum(d for _, d in parts)
    if node.is_Pow and node.exp.is_Integer:
        terms, degree = size[node.base]
        n = abs(int(node.exp))
        if n > 10**6:
            return math.inf, math.inf
        count = math.comb(n + int(min(terms, 10**6)) - 1, n) if terms > 1 else 1
        return float(min(count, 10**300)), degree * n
    return 1.0, 1.0  # a symbol, function or symbolic power: one generator


@contextlib.contextmanager
def recursion_bounded(what: str) -> Iterator[None]:
    """Turn a RecursionError inside the block into a LimitError about ``what``.

    >>> try:
    ...     with recursion_bounded("the Hessian"):
    ...         raise RecursionError
    ... except LimitError as err:
    ...     print(err.problem)
    the Hessian is nested too deeply to compute
    """
    try:
        yield
    except RecursionError:
        raise LimitError(
            f"{what} is nested too deeply to compute",
            hint="use fewer levels of powers and calls inside each other",
        ) from None


def _digits(r: sp.Rational) -> int:
    # Decimal digits of the larger of numerator and denominator, from bit lengths (no str()).
    bits = max(abs(int(r.p)).bit_length(), int(r.q).bit_length())
    return int(bits * math.log10(2)) + 1


def _log10_size(base: sp.Expr) -> float:
    # How many digits base**n gains per unit of n, for base > 1 and for 0 < base < 1 alike.
    if base.is_Rational:
        return 0.0 if base in (0, 1, -1) else float(_digits(base))
    value = _abs_value(base)
    if not value:
        return 0.0
    return abs(math.log10(value)) if math.isfinite(math.log10(value)) else math.inf


def _abs_value(expr: sp.Expr) -> float | None:
    # A float estimate of |expr|, inf when it overflows, None when it cannot be evaluated.
    # (Evaluate first and take |.| of the number: building sp.Abs(expr) makes SymPy
    # query signs, which can cost far more than one evaluation.)
    try:
        if expr.is_Rational:
            return abs(float(expr))
        value = expr.evalf(15, chop=True)
        return abs(float(value)) if value.is_Number else abs(complex(value))
    except OverflowError:
        return math.inf
    except (TypeError, ValueError, ArithmeticError, NotImplementedError):
        return None


def _short(expr: sp.Expr) -> str:
    text = str(expr)
    return text if len(text) <= 20 else text[:8] + "…" + text[-8:]
