"""Functions of the formula language that SymPy lacks (or defines over the complex plane).

Each is a small SymPy ``Function`` whose derivative rule sits next to it, like micrograd's
operations: ``sigmoid``, ``softplus``, ``relu`` (the ML ones) and ``cbrt``, the real cube
root (SymPy's own ``cbrt(-8)`` is complex; people mean -2). What they share (real for real
arguments, LaTeX from a template, numeric evaluation from a formula) lives once in
:class:`RealFunction`.

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> sp.diff(softplus(x), x)
sigmoid(x)
>>> cbrt(-8)
-2
>>> sp.latex(sigmoid(x) ** 2)
'\\\\left(\\\\sigma\\\\left(x\\\\right)\\\\right)^{2}'
"""

from __future__ import annotations

from typing import ClassVar

import sympy as sp

__all__ = [
    "RealFunction", "sigmoid", "softplus", "relu", "cbrt", "erfc", "defined", "SPECIAL_FUNCTIONS"
]


class RealFunction(sp.Function):
    """A real function of one real argument: subclasses give ``tex`` and ``value``.

    ``tex`` is LaTeX with ``%s`` for the argument; ``value(a)`` is the function of a real
    number ``a`` written with SymPy's elementary functions (used by ``evalf``).
    """

    nargs = 1
    tex: ClassVar[str]
    value: ClassVar[staticmethod[[sp.Expr], sp.Expr]]  # a staticmethod in each subclass

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        # Evaluate the argument to a number first, then apply the formula to that number:
        # rewriting a nested tree (sigmoid(sigmoid(...))) before evaluating grows exponentially.
        arg = self.args[0]
        a = arg._eval_evalf(prec) if not arg.is_Number else arg
        if a is None or not a.is_Number or not a.is_real:
            return None
        return self.value(a)._eval_evalf(prec)

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        tex = self.tex % printer._print(self.args[0])
        # SymPy's printer passes the power separately so f(x)^2 prints without extra brackets.
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"


class sigmoid(RealFunction):  # noqa: N801 - named as users type it
    """Logistic sigmoid 1/(1 + e^-x); derivative sigmoid(x)(1 - sigmoid(x))."""

    tex = r"\sigma\left(%s\right)"

    @staticmethod
    def value(a: sp.Expr) -> sp.Expr:
        return 1 / (1 + sp.exp(-a))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_zero:
            return sp.S.Half
        if arg is sp.S.Infinity:
            return sp.S.One
        if arg is sp.S.NegativeInfinity:
            return sp.S.Zero
        return None

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return self.value(arg)


class softplus(RealFunction):  # noqa: N801
    """Softplus log(1 + e^x), a smooth relu; derivative sigmoid(x)."""

    tex = r"\operatorname{softplus}\left(%s\right)"

    @staticmethod
    def value(a: sp.Expr) -> sp.Expr:
        return sp.log(1 + sp.exp(a))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_zero:
            return sp.log(2)
        return None

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return self.value(arg)

    _eval_rewrite_as_log = _eval_rewrite_as_exp


class relu(RealFunction):  # noqa: N801
    """Rectified linear unit max(0, x); derivative Heaviside(x) (0 for x < 0, 1 for x > 0)."""

    tex = r"\operatorname{relu}\left(%s\right)"

    @staticmethod
    def value(a: sp.Expr) -> sp.Expr:
        return a if a > 0 else sp.S.Zero

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.Heaviside(self.args[0])

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_nonnegative:
            return arg
        if arg.is_nonpositive:
            return sp.S.Zero
        return None

    def _eval_rewrite_as_Max(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Max(0, arg)


class cbrt(RealFunction):  # noqa: N801
    """Real cube root, negative for negative x; derivative 1/(3 cbrt(x)^2)."""

    tex = r"\sqrt[3]{%s}"

    @staticmethod
    def value(a: sp.Expr) -> sp.Expr:
        return sp.sign(a) * sp.Abs(a) ** sp.Rational(1, 3)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return 1 / (3 * cbrt(self.args[0]) ** 2)

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_number and arg.is_real:
            root = sp.real_root(arg, 3)
            if root.is_Rational or root.is_Float:
                return root
            if arg.is_negative:
                return -cbrt(-arg)
        return None


class erfc(sp.erfc):  # noqa: N801 - named as users type it
    """SymPy's erfc, except that erfc(-u) stays as typed for a symbolic u. SymPy rewrites it
    as 2 - erfc(u), whose digits all cancel where erfc(u) is near 2: erfc(5 - x) at
    x = -1.659 is 4.6e-21, and 2 - erfc(x - 5) is 0.0 in float64.

    >>> x = sp.Symbol("x", real=True)
    >>> erfc(5 - x), sp.erfc(5 - x)
    (erfc(5 - x), 2 - erfc(x - 5))
    >>> erfc(-2)  # numbers as SymPy has them
    2 - erfc(2)
    """

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if not arg.is_number and arg.could_extract_minus_sign():
            return None
        return super().eval(arg)


class defined(sp.Function):  # noqa: N801 - an internal head, never typed
    """0 where its argument is a number, NaN where it is NaN or infinite.

    The gradient kernels add it to every component, applied to the parts of f that are
    undefined somewhere (log, roots, divisions...): a derivative is undefined wherever f
    is, even where the derivative's own formula has a value (1/x for log(x) at -1).

    >>> defined(sp.Integer(3)), defined(sp.oo)
    (0, nan)
    """

    nargs = 1

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_number:
            return sp.S.Zero if arg.is_finite else sp.S.NaN
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.S.Zero

    def _eval_is_real(self) -> bool | None:
        return True


# The functions defined here, by name.
SPECIAL_FUNCTIONS: dict[str, type[RealFunction]] = {
    "sigmoid": sigmoid,
    "softplus": softplus,
    "relu": relu,
    "cbrt": cbrt,
}
