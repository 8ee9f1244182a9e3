"""The derivation engine: walks a SymPy tree and records which rule gives each derivative.

Dispatch is by node kind (constant, the variable, sum, product, power, function); the
formulas live in ``rules.py``. Each step's ``result`` is built from its substeps' results,
so the tree reads as a proof: leaves first, combined on the way up.

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> step = derivation_tree(sp.sin(x**2), x)
>>> step.rule, step.substitution, step.result
('chain', 'u = x^2', 2*x*cos(x**2))
>>> [s.rule for s in step.substeps]
['trig', 'power']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import count

import sympy as sp

from gradscape.calculus.steps.rules import FUNCTION_RULES, RULES
from gradscape.calculus.steps.step import (
    Math,
    Part,
    Step,
    d_latex,
    d_plain,
    equals,
    frac_d,
    latex,
    operand,
    part_latex,
    part_plain,
    plain,
    say_plain,
)
from gradscape.errors import DomainError

__all__ = ["derivation_tree"]

_DUMMY_NAMES = ("u", "v", "w", "p", "q", "r", "s", "t")


def derivation_tree(
    expr: sp.Expr, var: sp.Symbol, held: Sequence[sp.Symbol] = (), partial: bool = False
) -> Step:
    """The root step of d(expr)/d(var); ``held`` are the variables kept constant.

    >>> x, y = sp.symbols("x y", real=True)
    >>> derivation_tree(x * y, x, held=[y], partial=True).explanation
    'y is a constant factor (y held constant): keep it and differentiate x.'
    """
    return _Engine(expr, var, tuple(held), partial).step(expr, var)


def _power_form(base: sp.Expr, exp: sp.Expr) -> Math:
    # Printers fold x^(1/2) back into sqrt(x); the power rule needs the exponent in view.
    shown = plain(exp) if exp.is_Integer and exp.is_positive else f"({plain(exp)})"
    return Math(f"{plain(base)}^{shown}", latex(base) + "^{" + latex(exp) + "}")


class _Engine:
    def __init__(self, expr: sp.Expr, var: sp.Symbol, held: tuple[sp.Symbol, ...], partial: bool):
        self.var, self.held, self.partial = var, frozenset(held), partial
        taken = {str(s) for s in expr.free_symbols | {var, *held}}
        self._names = (n for n in self._all_names() if n not in taken)
        # the name for "the function's value" in logarithmic differentiation
        self._value = next((n for n in ("y", "f", "g", "h") if n not in taken), None)

    @staticmethod
    def _all_names() -> Iterator[str]:
        yield from _DUMMY_NAMES
        for i in count(1):
            yield from (f"{n}{i}" for n in _DUMMY_NAMES)

    # --- helpers -----------------------------------------------------------------------
    def _d(self, var: sp.Symbol) -> Math:
        partial = self.partial and var == self.var
        return Math(d_plain(var, partial), d_latex(var, partial))

    def _make(
        self,
        rule: str,
        expr: sp.Expr,
        var: sp.Symbol,
        result: sp.Expr,
        sentence: tuple[Part, ...],
        substeps: Sequence[Step] = (),
        substitution: Math | None = None,
        formula: Math | None = None,
    ) -> Step:
        if formula is None:
            spec = RULES[rule]
            formula = Math(
                spec.formula.replace("{x}", plain(var)),
                spec.formula_latex.replace("{x}", latex(var)),
            )
        return Step(
            rule=rule,
            expr=expr,
            result=result,
            explanation=say_plain(sentence),
            formula=formula.plain,
            substeps=tuple(substeps),
            substitution=None if substitution is None else substitution.plain,
            var=var,
            partial=self.partial and var == self.var,
            formula_latex=formula.latex,
            substitution_latex=None if substitution is None else substitution.latex,
            sentence=sentence,
        )

    def _held_note(self, expr: sp.Expr) -> tuple[Part, ...]:
        held = sorted(expr.free_symbols & self.held, key=str)
        if not held:
            return ()
        names: list[Part] = []
        for i, s in enumerate(held):
            names += [", ", s] if i else [s]
        return (" (", *names, " held constant)")

    def _equation(self, expr: sp.Expr | Math, var: sp.Symbol, result: sp.Expr) -> tuple[Part, ...]:
        return (self._d(var), " ", operand(expr), " = ", result)

    # --- dispatch ----------------------------------------------------------------------
    def step(self, expr: sp.Expr, var: sp.Symbol) -> Step:
        if var not in expr.free_symbols:
            return self._constant(expr, var)
        if expr == var:
            sentence = ("A variable changes one for one with itself, so its derivative is 1.",)
            return self._make("identity", expr, var, sp.S.One, sentence)
        if expr.is_Add:
            return self._sum(expr, var)
        if expr.is_Mul:
            return self._mul(expr, var)
        if expr.is_Pow:
            return self._pow(expr, var)
        if isinstance(expr, sp.atan2):
            return self._atan2(expr, var)
        if type(expr) in FUNCTION_RULES and len(expr.args) == 1:
            return self._function(expr, var)
        raise DomainError(
            f"no step-by-step rule for {type(expr).__name__} in {plain(expr)} — step-by-step "
            "working covers the functions of the formula language (see `gradscape functions`); "
            "the derivative itself is still available without --steps"
        )

    # --- rules -------------------------------------------------------------------------
    def _constant(self, expr: sp.Expr, var: sp.Symbol) -> Step:
        if expr.is_number:
            sentence: tuple[Part, ...] = (expr, " is a constant, so its derivative is 0.")
        else:
            sentence = (expr, " does not depend on ", var, *self._held_note(expr))
            sentence += (", so its derivative is 0.",)
        return self._make("constant", expr, var, sp.S.Zero, sentence)

    def _sum(self, expr: sp.Expr, var: sp.Symbol) -> Step:
        # A term with a minus sign is shown as subtracted: x - y, not x + (-1)·y.
        signs = [-1 if t.could_extract_minus_sign() else 1 for t in expr.args]
        subs = [self.step(s * t, var) for s, t in zip(signs, expr.args, strict=True)]
        result = sp.Add(*(s * sub.result for s, sub in zip(signs, subs, strict=True)))
        if -1 in signs:
            how = "the sum and difference rule: differentiate each term separately, "
            how += "keeping the + and - signs"
        else:
            how = "the sum rule: differentiate each term separately and add the results"
        return self._make("sum", expr, var, result, (f"Apply {how}.",), subs)

    def _mul(self, expr: sp.Expr, var: sp.Symbol) -> Step:
        const, dep = expr.as_independent(var, as_Add=False)
        if const != 1:
            return self._constant_multiple(expr, var, const, dep)
        num = [f for f in dep.args if not _is_reciprocal(f)]
        den = [1 / f for f in dep.args if _is_reciprocal(f)]
        if num and den:
            return self._quotient(expr, var, sp.Mul(*num), sp.Mul(*den))
        return self._product(expr, var, dep.args)

    def _constant_multiple(self, expr: sp.Expr, var: sp.Symbol, c: sp.Expr, dep: sp.Expr) -> Step:
        base = _log_base(c) if isinstance(dep, sp.log) else None
        if base is not None and c * sp.log(base) == 1:
            return self._log_base(expr, var, dep.args[0], base)
        if base is not None:  # c·log(u)/log(b): pull out c, keep log_b(u) whole
            c, dep = c * sp.log(base), dep / sp.log(base)
        sub = self.step(dep, var)
        sentence = (c, " is a constant factor", *self._held_note(c), ": keep it and differentiate ")
        return self._make(
            "constant_multiple", expr, var, c * sub.result, (*sentence, dep, "."), [sub]
        )

    def _log_base(self, expr: sp.Expr, var: sp.Symbol, arg: sp.Expr, base: sp.Expr) -> Step:
        if arg != var:
            return self._chain(expr, var, arg, lambda u: sp.log(u) / sp.log(base))
        shown = Math(
            f"log_{plain(base)}({plain(arg)})", r"\log_{" + latex(base) + "} " + latex(arg)
        )
        result = 1 / (var * sp.log(base))
        sentence: tuple[Part, ...] = (
            shown, " = ", expr, ", a natural logarithm divided by the constant "
        )
        sentence += (sp.log(base), ", so ", *self._equation(shown, var, result), ".")
        return self._make("logarithm", expr, var, result, sentence)

    def _product(self, expr: sp.Expr, var: sp.Symbol, factors: Sequence[sp.Expr]) -> Step:
        subs = [self.step(f, var) for f in factors]
        terms = [sp.Mul(*factors[:i], sub.result, *factors[i + 1 :]) for i, sub in enumerate(subs)]
        n = len(factors)
        how = "" if n == 2 else f" with {n} factors"
        sentence = (
            f"Apply the product rule{how}: differentiate one factor at a time, keep the "
            "others as they are, and add the results.",
        )
        return self._make("product", expr, var, sp.Add(*terms), sentence, subs)

    def _quotient(self, expr: sp.Expr, var: sp.Symbol, num: sp.Expr, den: sp.Expr) -> Step:
        top, bottom = self.step(num, var), self.step(den, var)
        result = (top.result * den - num * bottom.result) / den**2
        sentence = (
            "Apply the quotient rule with numerator ",
            equals("u", num),
            " and denominator ",
            equals("v", den),
            ": ",
            Math("(u'·v − u·v')/v^2", r"\frac{u' v - u v'}{v^{2}}"),
            ".",
        )
        sub = Math(f"u = {plain(num)}, v = {plain(den)}", f"u = {latex(num)},\\ v = {latex(den)}")
        return self._make("quotient", expr, var, result, sentence, [top, bottom], sub)

    def _pow(self, expr: sp.Expr, var: sp.Symbol) -> Step:
        base, exp = expr.args
        base_dep, exp_dep = var in base.free_symbols, var in exp.free_symbols
        if base_dep and exp_dep:
            return self._general_power(expr, var, base, exp)
        if exp_dep:
            if exp != var:
                return self._chain(expr, var, exp, lambda u: base**u)
            result = expr * sp.log(base)
            sentence: tuple[Part, ...] = (
                "Apply the exponential rule with base ", equals("a", base), ": multiply "
            )
            sentence += (expr, " by the natural logarithm of its base, ", sp.log(base), ".")
            return self._make("exponential", expr, var, result, sentence)
        if base != var:
            return self._chain(expr, var, base, lambda u: u**exp)
        result = exp * var ** (exp - 1)
        written: tuple[Part, ...] = ()
        if plain(expr) != _power_form(var, exp).plain:
            written = ("Write ", expr, " as ", _power_form(var, exp), ". ")
        sentence = (*written, "Apply the power rule with ", equals("n", exp), ": bring the ")
        sentence += ("exponent down as a factor and lower it by 1.",)
        return self._make("power", expr, var, result, sentence)

    def _general_power(self, expr: sp.Expr, var: sp.Symbol, base: sp.Expr, exp: sp.Expr) -> Step:
        log_form = exp * sp.log(base)
        sub = self.step(log_form, var)
        result = expr * sub.result
        y = sp.Symbol(self._value or next(self._names), real=True)
        d_log = Math(
            f"{self._d(var).plain} {part_plain(operand(log_form))}",
            f"{self._d(var).latex} {part_latex(operand(log_form))}",
        )
        sentence: tuple[Part, ...] = (
            "Both the base and the exponent depend on ", var, ", so differentiate the "
        )
        sentence += ("logarithm: ", equals(y, expr), " gives ", equals(sp.log(y), log_form))
        sentence += (" (for ", sp.Gt(base, 0))
        sentence += (
            "), so ",
            Math(f"{y}'/{y} = " + d_log.plain, rf"\frac{{{y}'}}{{{y}}} = " + d_log.latex),
        )
        sentence += (
            " and ",
            Math(
                f"{y}' = {plain(expr)}·{d_log.plain}", rf"{y}' = {latex(expr)} \cdot {d_log.latex}"
            ),
            ".",
        )
        return self._make("general_power", expr, var, result, sentence, [sub])

    def _function(self, expr: sp.Expr, var: sp.Symbol) -> Step:
        arg = expr.args[0]
        if arg != var:
            return self._chain(expr, var, arg, expr.func)
        spec = FUNCTION_RULES[type(expr)]
        result = spec.derivative(var)
        why: tuple[Part, ...] = () if spec.note is None else (*spec.note(var), ". ")
        title = _in_sentence(RULES[spec.rule].title)
        where: tuple[Part, ...] = ()
        if spec.where:
            where = (
                " for ",
                Math(
                    spec.where.replace("u", plain(var)), spec.where_latex.replace("u", latex(var))
                ),
            )
        sentence = (*why, f"By the {title}, the derivative of ", expr, " is ", result)
        sentence += (*where, ".")
        rule_formula = Math(
            f"{d_plain(var)} {plain(expr)} = {plain(result)}",
            f"{d_latex(var)} {latex(expr)} = {latex(result)}",
        )
        return self._make(spec.rule, expr, var, result, sentence, formula=rule_formula)

    def _atan2(self, expr: sp.Expr, var: sp.Symbol) -> Step:
        a, b = expr.args
        sa, sb = self.step(a, var), self.step(b, var)
        result = (b * sa.result - a * sb.result) / (a**2 + b**2)
        sub = Math(f"u = {plain(a)}, v = {plain(b)}", f"u = {latex(a)},\\ v = {latex(b)}")
        formula = Math(
            f"{d_plain(var)} atan2(u, v) = (v·u' − u·v')/(u^2 + v^2)",
            d_latex(var) + r" \operatorname{atan2}(u, v) = \frac{v u' - u v'}{u^{2} + v^{2}}",
        )
        sentence: tuple[Part, ...] = (
            "atan2(u, v) is the angle of the point (v, u). With ", sub, ", its "
        )
        sentence += (
            "derivative is ",
            Math(formula.plain.split(" = ", 1)[1], formula.latex.split(" = ", 1)[1]),
            ".",
        )
        rule = FUNCTION_RULES[sp.atan2].rule
        return self._make(rule, expr, var, result, sentence, [sa, sb], sub, formula)

    def _chain(
        self,
        expr: sp.Expr,
        var: sp.Symbol,
        inner: sp.Expr,
        outer_of: Callable[[sp.Expr], sp.Expr],
    ) -> Step:
        u = sp.Symbol(next(self._names), real=True)
        outer_expr = outer_of(u)
        outer = self.step(outer_expr, u)
        inside = self.step(inner, var)
        result = outer.result.xreplace({u: inner}) * inside.result
        partial = self.partial and var == self.var
        d = "∂" if partial else "d"
        dx = self._d(var)
        du_dx = Math(f"{d}{plain(u)}/{d}{plain(var)}", frac_d(u, var, partial))
        sub = Math(f"{plain(u)} = {plain(inner)}", f"{latex(u)} = {latex(inner)}")
        left = operand(outer_expr)
        rule = Math(
            f"{dx.plain} {part_plain(left)} = {plain(outer.result)}·{du_dx.plain}",
            rf"{dx.latex} {part_latex(left)} = {latex(outer.result)} \cdot {du_dx.latex}",
        )
        sentence: tuple[Part, ...] = (
            "Apply the chain rule with ", sub, ": ", rule, ". Put ", sub, " back "
        )
        sentence += ("and multiply by the derivative of the inside, ", inner, ".")
        return self._make("chain", expr, var, result, sentence, [outer, inside], sub)


def _in_sentence(title: str) -> str:
    # "Trigonometric rule" -> "trigonometric rule", but "ReLU rule" keeps its capitals.
    first, rest = title.split(" ", 1)
    return (first if any(c.isupper() for c in first[1:]) else first.lower()) + " " + rest


def _is_reciprocal(factor: sp.Expr) -> bool:
    return factor.is_Pow and factor.exp.is_number and factor.exp.is_negative


def _log_base(c: sp.Expr) -> sp.Expr | None:
    # log(x, b) arrives as log(x)·log(b)^-1; find that b so the step can say "log base b".
    for f in sp.Mul.make_args(c):
        if f.is_Pow and f.exp == -1 and isinstance(f.base, sp.log):
            return f.base.args[0]
    return None
