"""THE function registry: one row per function a formula, a derivative or a kernel may hold.

Every layer reads this table: the parser (which names exist, how many arguments, how to
build them, "did you mean"), the checks (where each function is real: asin(2) is refused),
the limits (which functions grow like e^|a|), the step-by-step engine (which rule, f'(u))
and the code generators (NumPy, Numba and CUDA code). No other table says what a
function is.

To add a function, add ONE row under its banner::

    Row("erf", sp.erf, "error function", REALS, PLAIN,
        Derivative("erf", lambda u: 2 * sp.exp(-u**2) / sp.sqrt(sp.pi)),
        Code("_erf({0})", "_erf({0})", "math.erf({0})")),

- name (as typed), SymPy head class, one-line summary;
- domain of the argument(s) where the value is real (:data:`REALS`, :func:`between`, ...);
- growth, ``EXP`` when the value or its evaluation involves e^|a|, else ``PLAIN``;
- the step-by-step rule: a rule id of ``calculus.steps.rules.RULES`` (add one there for a
  new family) and f'(u); ``None`` only for heads the engine refuses;
- the code for each backend: :func:`ufunc` when NumPy has a ufunc, :func:`helper` for a
  helper written once in ``compile/scalar.py`` (and its array twin in ``compile/npfuncs.py``),
  else ``Code(numpy, numba, cuda)``;
- optional: ``arity``, ``build`` (when it differs from the head), ``aliases``, and
  ``typeable=False`` for heads that only appear in derivatives, rewrites or conditions.

Names people type that build other rows' heads are :class:`Spelling` rows (``sqrt`` is a
power, ``log2(x)`` is ``log(x)/log(2)``). ``tests/test_registry.py`` then fails until the row
is complete: code for every backend agreeing with an mpmath reference, a rule the engine
follows, and a row for every head its derivatives produce.

>>> BY_HEAD[sp.sin].code.cuda
'math.sin({0})'
>>> sorted(name for name, row in TYPED.items() if row.build is sp.log)
['ln', 'log']
"""

from __future__ import annotations

import sympy as sp

from gradscape.formula.rows import (
    EXP,
    PLAIN,
    REALS,
    Code,
    Derivative,
    Domain,
    Row,
    Spelling,
    between,
    helper,
    same,
    ufunc,
)
from gradscape.formula.special import cbrt, defined, erfc, relu, sigmoid, softplus

__all__ = ["ROWS", "BY_HEAD", "TYPED", "ALIASES"]

_NONZERO = ("u ≠ 0", r"u \neq 0")
_OUTSIDE_UNIT = Domain(((-float("inf"), -1.0), (1.0, float("inf"))))


def _raw_pow(base: sp.Expr, exp: sp.Expr) -> sp.Expr:
    # Unevaluated, so x^(1/3) is shown as written instead of being folded back into a root.
    return sp.Pow(base, exp, evaluate=False)


def _compare(op: str) -> Code:
    return same(f"({{0}} {op} {{1}})")


# THE registry: one Row per SymPy head, one Spelling per typed name that builds other heads.
ROWS: tuple[Row | Spelling, ...] = (
    # --- trigonometric ---------------------------------------------------------------------
    Row("sin", sp.sin, "sine (radians)", REALS, PLAIN,
        Derivative("trig", sp.cos), ufunc("sin")),
    Row("cos", sp.cos, "cosine (radians)", REALS, PLAIN,
        Derivative("trig", lambda u: -sp.sin(u)), ufunc("cos")),
    Row("tan", sp.tan, "tangent", REALS, PLAIN,
        Derivative("trig", lambda u: sp.sec(u) ** 2), ufunc("tan")),
    Row("sec", sp.sec, "secant, 1/cos", REALS, PLAIN,
        Derivative("trig", lambda u: sp.sec(u) * sp.tan(u)),
        Code("({one}/np.cos({0}))", "({one}/np.cos({0}))", "({one}/math.cos({0}))")),
    Row("csc", sp.csc, "cosecant, 1/sin", REALS, PLAIN,
        Derivative("trig", lambda u: -sp.csc(u) * sp.cot(u)),
        Code("({one}/np.sin({0}))", "({one}/np.sin({0}))", "({one}/math.sin({0}))")),
    Row("cot", sp.cot, "cotangent, 1/tan", REALS, PLAIN,
        Derivative("trig", lambda u: -(sp.csc(u) ** 2)),
        Code("({one}/np.tan({0}))", "({one}/np.tan({0}))", "({one}/math.tan({0}))")),
    # --- inverse trigonometric -------------------------------------------------------------
    Row("asin", sp.asin, "inverse sine", between(-1, 1), PLAIN,
        Derivative("inverse_trig", lambda u: 1 / sp.sqrt(1 - u**2)),
        ufunc("arcsin", "asin"), aliases=("arcsin",)),
    Row("acos", sp.acos, "inverse cosine", between(-1, 1), PLAIN,
        Derivative("inverse_trig", lambda u: -1 / sp.sqrt(1 - u**2)),
        ufunc("arccos", "acos"), aliases=("arccos",)),
    Row("atan", sp.atan, "inverse tangent", REALS, PLAIN,
        Derivative("inverse_trig", lambda u: 1 / (1 + u**2)),
        ufunc("arctan", "atan"), aliases=("arctan",)),
    Row("atan2", sp.atan2, "atan2(y, x): angle of the point (x, y)", REALS, PLAIN,
        Derivative("inverse_trig", lambda u, v: (v / (u**2 + v**2), -u / (u**2 + v**2))),
        # atan2(y, x) as SymPy, NumPy and math order it; undefined at the origin
        same("_atan2({0}, {1})"),
        arity=(2,), aliases=("arctan2",)),
    Row("acot", sp.acot, "inverse cotangent, atan(1/x)", REALS, PLAIN,
        Derivative("inverse_trig", lambda u: -1 / (1 + u**2)),
        Code("np.arctan({one}/{0})", "np.arctan({one}/{0})", "math.atan({one}/{0})"),
        typeable=False),
    Row("asec", sp.asec, "inverse secant, acos(1/x)", _OUTSIDE_UNIT, PLAIN,
        Derivative("inverse_trig", lambda u: 1 / (sp.Abs(u) * sp.sqrt(u**2 - 1))),
        Code("np.arccos({one}/{0})", "np.arccos({one}/{0})", "math.acos({one}/{0})"),
        typeable=False),
    Row("acsc", sp.acsc, "inverse cosecant, asin(1/x)", _OUTSIDE_UNIT, PLAIN,
        Derivative("inverse_trig", lambda u: -1 / (sp.Abs(u) * sp.sqrt(u**2 - 1))),
        Code("np.arcsin({one}/{0})", "np.arcsin({one}/{0})", "math.asin({one}/{0})"),
        typeable=False),
    # --- hyperbolic and their inverses -------------------------------------------------------
    Row("sinh", sp.sinh, "hyperbolic sine", REALS, EXP,
        Derivative("hyperbolic", sp.cosh), ufunc("sinh")),
    Row("cosh", sp.cosh, "hyperbolic cosine", REALS, EXP,
        Derivative("hyperbolic", sp.sinh), ufunc("cosh")),
    Row("tanh", sp.tanh, "hyperbolic tangent", REALS, PLAIN,
        Derivative("hyperbolic", lambda u: sp.sech(u) ** 2), ufunc("tanh")),
    Row("asinh", sp.asinh, "inverse hyperbolic sine", REALS, PLAIN,
        Derivative("hyperbolic", lambda u: 1 / sp.sqrt(u**2 + 1)),
        ufunc("arcsinh", "asinh"), aliases=("arsinh",)),
    Row("acosh", sp.acosh, "inverse hyperbolic cosine", between(1), PLAIN,
        Derivative("hyperbolic", lambda u: 1 / sp.sqrt(u**2 - 1), "u > 1", "u > 1"),
        ufunc("arccosh", "acosh"), aliases=("arcosh",)),
    Row("atanh", sp.atanh, "inverse hyperbolic tangent", between(-1, 1), PLAIN,
        Derivative("hyperbolic", lambda u: 1 / (1 - u**2)),
        ufunc("arctanh", "atanh"), aliases=("artanh",)),
    Row("sech", sp.sech, "hyperbolic secant, 1/cosh", REALS, EXP,
        Derivative("hyperbolic", lambda u: -sp.sech(u) * sp.tanh(u)),
        Code("({one}/np.cosh({0}))", "({one}/np.cosh({0}))", "({one}/math.cosh({0}))"),
        typeable=False),
    Row("csch", sp.csch, "hyperbolic cosecant, 1/sinh", REALS, EXP,
        Derivative("hyperbolic", lambda u: -sp.csch(u) * sp.coth(u)),
        Code("({one}/np.sinh({0}))", "({one}/np.sinh({0}))", "({one}/math.sinh({0}))"),
        typeable=False),
    Row("coth", sp.coth, "hyperbolic cotangent, 1/tanh", REALS, PLAIN,
        Derivative("hyperbolic", lambda u: -(sp.csch(u) ** 2)),
        Code("({one}/np.tanh({0}))", "({one}/np.tanh({0}))", "({one}/math.tanh({0}))"),
        typeable=False),
    # --- exponential and logarithms ----------------------------------------------------------
    Row("exp", sp.exp, "e to the power x", REALS, EXP,
        Derivative("exponential", sp.exp), ufunc("exp")),
    Row("log", sp.log, "natural logarithm; log(x, b) is base b", between(0), PLAIN,
        Derivative("logarithm", lambda u: 1 / u), ufunc("log"), arity=(1, 2)),
    Spelling("ln", sp.log, "natural logarithm"),
    Spelling("log2", lambda a: sp.log(a, 2), "base-2 logarithm"),
    Spelling("log10", lambda a: sp.log(a, 10), "base-10 logarithm"),
    # --- roots, magnitude, sign --------------------------------------------------------------
    Spelling("sqrt", sp.sqrt, "square root"),
    Row("cbrt", cbrt, "real cube root (cbrt(-8) = -2)", REALS, PLAIN,
        Derivative(
            "power",  # cbrt(u) = u^(1/3), so the power rule: the contract needs no "root" rule
            lambda u: 1 / (3 * cbrt(u) ** 2),
            *_NONZERO,
            lambda u: (cbrt(u), " is the real cube root ", _raw_pow(u, sp.Rational(1, 3)),
                       ", whose derivative ", _raw_pow(u, sp.Rational(-2, 3)) / 3,
                       " is written with cbrt again"),
        ),
        Code("np.cbrt({0})", "np.cbrt({0})", "_cbrt({0})", ufunc="np.cbrt")),
    Row("abs", sp.Abs, "absolute value |x|", REALS, PLAIN,
        Derivative("abs", sp.sign, *_NONZERO,
                   lambda u: (sp.Abs(u), " is ", u, " right of 0 and ", -u, " left of 0")),
        Code("np.abs({0})", "np.abs({0})", "abs({0})", ufunc="np.abs")),
    Row("sign", sp.sign, "sign: -1, 0 or 1", REALS, PLAIN,
        Derivative("sign", lambda u: sp.S.Zero, *_NONZERO,
                   lambda u: (sp.sign(u), " is constant on each side of 0")),
        Code("np.sign({0})", "_sign({0})", "_sign({0})")),
    # --- error functions ---------------------------------------------------------------------
    Row("erf", sp.erf, "error function, 2/sqrt(pi) times the integral of e^-t^2 from 0 to x",
        REALS, PLAIN,
        Derivative("erf", lambda u: 2 * sp.exp(-(u**2)) / sp.sqrt(sp.pi),
                   note=lambda u: (sp.erf(u), " is the area under the curve ",
                                   2 * sp.exp(-(sp.Symbol("t", real=True) ** 2)) / sp.sqrt(sp.pi),
                                   " from 0 to ", u, ", so its slope is that curve's height")),
        Code("_erf({0})", "_erf({0})", "math.erf({0})")),
    # special.erfc: SymPy's, keeping erfc(-u) as typed (2 - erfc(u) loses every digit)
    Row("erfc", erfc, "complementary error function 1 - erf(x)", REALS, PLAIN,
        Derivative("erf", lambda u: -2 * sp.exp(-(u**2)) / sp.sqrt(sp.pi),
                   note=lambda u: (erfc(u), " = ", 1 - sp.erf(u), ", so its slope is "
                                   "minus that of ", sp.erf(u))),
        Code("_erfc({0})", "_erfc({0})", "math.erfc({0})")),
    # --- machine learning (numerically stable forms) ---------------------------------------
    Row("sigmoid", sigmoid, "logistic sigmoid 1/(1 + e^-x)", REALS, EXP,
        Derivative("sigmoid", lambda u: sigmoid(u) * (1 - sigmoid(u)),
                   note=lambda u: (sigmoid(u), " = ", 1 / (1 + sp.exp(-u)), ", whose slope ",
                                   sp.exp(-u) / (1 + sp.exp(-u)) ** 2,
                                   " can be written with sigmoid itself")),
        helper("_sigmoid"), aliases=("logistic",)),
    Row("softplus", softplus, "softplus log(1 + e^x)", REALS, EXP,
        Derivative("softplus", sigmoid,
                   note=lambda u: (softplus(u), " = ", sp.log(1 + sp.exp(u)), ", whose slope ",
                                   sp.exp(u) / (1 + sp.exp(u)), " is ", sigmoid(u))),
        helper("_softplus")),
    Row("relu", relu, "rectified linear unit max(0, x)", REALS, PLAIN,
        Derivative("relu", sp.Heaviside, *_NONZERO,
                   lambda u: (relu(u), " = ", sp.Max(0, u), " has slope 0 left of 0 and 1 "
                              "right of 0: the Heaviside step function")),
        Code("np.maximum({0}, {zero})", "_relu({0})", "_relu({0})")),
    # --- steps, spikes and extremes: from derivatives and rewrites, never typed ------------
    # (SymPy's conventions, NaN in -> NaN out)
    Row("heaviside", sp.Heaviside, "step: 0 left of 0, 1 right of 0", REALS, PLAIN, None,
        same("_heaviside({0}, {1})", defaults=(sp.S.Half,)), arity=(1, 2), typeable=False),
    # Zero away from 0; at 0 no number: NaN, so |x|'' or sign'(x) there reads "undefined".
    Row("diracdelta", sp.DiracDelta, "Dirac delta: 0 away from 0, undefined at 0", REALS,
        PLAIN, None, helper("_delta"), arity=(1, 2), typeable=False),
    # Added by the gradient kernels: 0 where its argument is finite, NaN where not.
    Row("defined", defined, "0 where the argument is a number, NaN where it is not", REALS,
        PLAIN, None, same("({zero}*{0})"), typeable=False),
    Row("max", sp.Max, "largest argument", REALS, PLAIN, None,
        Code("np.maximum({0}, {1})", "_max({0}, {1})", "_max({0}, {1})", fold=True),
        arity=(2,), typeable=False),
    Row("min", sp.Min, "smallest argument", REALS, PLAIN, None,
        Code("np.minimum({0}, {1})", "_min({0}, {1})", "_min({0}, {1})", fold=True),
        arity=(2,), typeable=False),
    # --- conditions inside Piecewise: NumPy on boolean arrays, Numba and CUDA on scalars ---
    Row("gt", sp.StrictGreaterThan, "x > y", REALS, PLAIN, None, _compare(">"),
        arity=(2,), typeable=False),
    Row("lt", sp.StrictLessThan, "x < y", REALS, PLAIN, None, _compare("<"),
        arity=(2,), typeable=False),
    Row("ge", sp.GreaterThan, "x >= y", REALS, PLAIN, None, _compare(">="),
        arity=(2,), typeable=False),
    Row("le", sp.LessThan, "x <= y", REALS, PLAIN, None, _compare("<="),
        arity=(2,), typeable=False),
    Row("eq", sp.Equality, "x == y", REALS, PLAIN, None, _compare("=="),
        arity=(2,), typeable=False),
    Row("ne", sp.Unequality, "x != y", REALS, PLAIN, None, _compare("!="),
        arity=(2,), typeable=False),
    Row("and", sp.And, "both conditions", REALS, PLAIN, None,
        Code("({0} & {1})", "({0} and {1})", "({0} and {1})", fold=True),
        arity=(2,), typeable=False),
    Row("or", sp.Or, "either condition", REALS, PLAIN, None,
        Code("({0} | {1})", "({0} or {1})", "({0} or {1})", fold=True),
        arity=(2,), typeable=False),
    Row("not", sp.Not, "the opposite condition", REALS, PLAIN, None,
        Code("(~{0})", "(not {0})", "(not {0})"), typeable=False),
)

BY_HEAD: dict[type[sp.Basic], Row] = {row.head: row for row in ROWS if isinstance(row, Row)}
"""The row of each SymPy head: what the checks, the engine and the code generators read."""
# SymPy's own erfc (in a SymPy expression given to Function or to the engine) is the same
# function as the row's, which differs only in keeping erfc(-u) as written.
BY_HEAD[sp.erfc] = BY_HEAD[erfc]

TYPED: dict[str, Row | Spelling] = {
    row.name: row for row in ROWS if isinstance(row, Spelling) or row.typeable
}
"""Every function name a formula may type (aliases aside)."""

ALIASES: dict[str, str] = {alias: row.name for row in TYPED.values() for alias in row.aliases}
"""Other spellings people type (arcsin), each mapped to its row's name (asin)."""
