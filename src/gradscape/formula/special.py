"""Functions of the formula language that SymPy lacks (or defines over the complex plane).

Each is a small SymPy ``Function`` whose derivative rule sits next to it, like micrograd's
operations: ``sigmoid``, ``softplus``, ``relu`` (the ML ones) and ``cbrt``, the real cube
root (SymPy's own ``cbrt(-8)`` is complex; people mean -2).

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> sp.diff(softplus(x), x)
sigmoid(x)
>>> cbrt(-8)
-2
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

__all__ = ["sigmoid", "softplus", "relu", "cbrt", "SPECIAL_FUNCTIONS"]


class sigmoid(sp.Function):  # noqa: N801 - named as users type it
    """Logistic sigmoid 1/(1 + e^-x); derivative sigmoid(x)(1 - sigmoid(x))."""

    nargs = 1

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
        return 1 / (1 + sp.exp(-arg))

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        return _numeric(self.args[0], prec, lambda a: 1 / (1 + sp.exp(-a)))

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        return _with_exp(rf"\sigma\left({printer._print(self.args[0])}\right)", exp)


class softplus(sp.Function):  # noqa: N801
    """Softplus log(1 + e^x), a smooth relu; derivative sigmoid(x)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_zero:
            return sp.log(2)
        return None

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(arg))

    _eval_rewrite_as_log = _eval_rewrite_as_exp

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        return _numeric(self.args[0], prec, lambda a: sp.log(1 + sp.exp(a)))

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        arg = printer._print(self.args[0])
        return _with_exp(rf"\operatorname{{softplus}}\left({arg}\right)", exp)


class relu(sp.Function):  # noqa: N801
    """Rectified linear unit max(0, x); derivative Heaviside(x) (0 for x < 0, 1 for x > 0)."""

    nargs = 1

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

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        return _numeric(self.args[0], prec, lambda a: a if a > 0 else sp.S.Zero)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        return _with_exp(rf"\operatorname{{relu}}\left({printer._print(self.args[0])}\right)", exp)


class cbrt(sp.Function):  # noqa: N801
    """Real cube root, negative for negative x; derivative 1/(3 cbrt(x)^2)."""

    nargs = 1

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

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        return _numeric(self.args[0], prec, lambda a: sp.sign(a) * sp.Abs(a) ** sp.Rational(1, 3))

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        return _with_exp(rf"\sqrt[3]{{{printer._print(self.args[0])}}}", exp)


def _numeric(arg: sp.Expr, prec: int, formula: Callable[[sp.Float], sp.Expr]) -> sp.Expr | None:
    # Evaluate the argument to a number first, then apply the formula to that number:
    # rewriting a nested tree (sigmoid(sigmoid(...))) before evaluating grows exponentially.
    a = arg._eval_evalf(prec) if not arg.is_Number else arg
    if a is None or not a.is_Number or not a.is_real:
        return None
    return formula(a)._eval_evalf(prec)


def _with_exp(tex: str, exp: str | None) -> str:
    # SymPy's printer passes the power separately so f(x)^2 prints without extra brackets.
    return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"


SPECIAL_FUNCTIONS: dict[str, type[sp.Function]] = {
    "sigmoid": sigmoid,
    "softplus": softplus,
    "relu": relu,
    "cbrt": cbrt,
}
