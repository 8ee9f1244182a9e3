"""The derivative from its definition: f′(x) = lim_{h→0} (f(x + h) − f(x))/h, worked the way a
textbook works it — and said plainly when algebra alone cannot do it.

Polynomials: expand the numerator; every term has a factor h, which cancels; then h = 0 can
be substituted. Rational functions: put the numerator over a common denominator first.
Roots c·√g: multiply top and bottom by the conjugate √g(x + h) + √g(x), so the numerator
becomes g(x + h) − g(x) and h cancels. Anything else (sin, exp, log...) leaves 0/0 at h = 0
after any algebra: the limit needs a standard limit such as sin(h)/h → 1, which is named;
SymPy's ``limit`` then gives the value where it can within the time budget. Every result is
checked against the derivative rules.

SymPy's ``limit`` and ``simplify`` can run for a long time, so the work runs in a forked
child killed when ``budget`` seconds run out.

>>> d = definition("x^2")
>>> print(d.to_text())
f(x) = x^2
f(x + h) = (h + x)^2
difference quotient: (f(x + h) − f(x))/h = ((h + x)^2 − x^2)/h
expand the numerator: = (h^2 + 2h*x)/h
cancel h (h ≠ 0): = h + 2x
let h → 0 (substitute h = 0): f′(x) = 2x
check: the derivative rules give 2x, the same
>>> definition("sin(x)").works, definition("sin(x)").standard_limits
(False, ('sin(h)/h → 1', '(cos(h) − 1)/h → 0'))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from gradscape.calculus import display
from gradscape.calculus.budget import in_child
from gradscape.errors import DomainError

__all__ = ["Definition", "definition"]

# head -> the standard limits a difference quotient with it needs
_STANDARD = (
    ((sp.sin, sp.cos, sp.tan), ("sin(h)/h → 1", "(cos(h) − 1)/h → 0")),
    ((sp.exp,), ("(e^h − 1)/h → 1",)),
    ((sp.log,), ("log(1 + h)/h → 1",)),
)


@dataclass(frozen=True)
class Definition:
    """The working: ``steps`` as (what was done, the expression after it); ``derivative`` the
    limit (None when not found); ``works`` whether algebra alone reached it (polynomial,
    rational, root); ``method`` says how; ``standard_limits`` the ones a non-algebraic
    quotient needs; ``agrees`` whether the result equals the derivative rules' f′."""

    function: str
    variable: str
    steps: tuple[tuple[str, str], ...]
    derivative: sp.Expr | None
    works: bool
    method: str
    reason: str
    standard_limits: tuple[str, ...] = ()
    agrees: bool | None = None

    def to_text(self) -> str:
        """The steps one per line, as a teacher writes them."""
        return "\n".join(f"{what}: {shown}" if what else shown for what, shown in self.steps)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the steps, the result (None when not found) and how it was reached."""
        return {"function": self.function, "wrt": self.variable,
                "steps": [{"step": what, "expression": shown} for what, shown in self.steps],
                "derivative": None if self.derivative is None else
                display.json_str(self.derivative),
                "works": self.works, "method": self.method, "reason": self.reason,
                "standard_limits": list(self.standard_limits), "agrees": self.agrees}


def definition(f: Any, wrt: str | None = None, *, budget: float = 5.0) -> Definition:
    """f′ by the definition of the derivative, step by step.

    >>> d = definition("sqrt(x)")
    >>> d.method, d.derivative
    ('conjugate', 1/(2*sqrt(x)))
    >>> definition("1/x").steps[3]
    ('over a common denominator', 'f(x + h) − f(x) = -h/(x*(h + x))')
    """
    from gradscape.calculus.function import Function

    f = f if isinstance(f, Function) else Function(f)
    if not f.is_symbolic or hasattr(f, "reduction"):
        raise DomainError("the definition of the derivative is worked on a formula; a Python "
                          "function or a loss over data has none to work on (drop --data)")
    if wrt is None and len(f.variables) != 1:
        raise DomainError(f"{f.signature()} has {len(f.variables)} variables: say which one "
                          "with --wrt (wrt= in Python)")
    x = f.symbol(wrt) if wrt is not None else f.symbols[0]
    taken = {s.name for s in f.expr.free_symbols}
    h = sp.Symbol(next(n for n in ("h", "k", "dx", "step") if n not in taken), real=True)
    rules = f.derivative(x.name)
    return in_child(_work, (f.expr, x, h, rules), budget,
                    slow="the difference quotient did not simplify within {budget:g} s; "
                         "try a shorter formula",
                    failed="the difference quotient could not be worked for this formula")


def _work(e: sp.Expr, x: sp.Symbol, h: sp.Symbol, rules: sp.Expr) -> Definition:
    t = display.text
    xs, hs = x.name, h.name
    shifted = e.xreplace({x: x + h})
    others = sorted(s.name for s in e.free_symbols - {x})
    rest = "".join(f", {o}" for o in others)  # the other variables, held fixed
    fx, fxh = f"f({xs}{rest})", f"f({xs} + {hs}{rest})"
    quotient = f"({fxh} − {fx})/{hs}"
    steps: list[tuple[str, str]] = [
        ("", f"{fx} = {t(e)}"), ("", f"{fxh} = {t(shifted)}"),
        ("difference quotient", f"{quotient} = ({_paren(t(shifted))} − {_paren(t(e))})/{hs}")]
    coeff, root = e.as_coeff_Mul()
    simplified: sp.Expr | None = None
    if e.is_polynomial(x):
        method = "expand"
        numerator = sp.expand(shifted - e)
        steps.append(("expand the numerator", f"= ({t(numerator)})/{hs}"))
        simplified = sp.expand(sp.cancel(numerator / h))
    elif e.is_rational_function(x):
        method = "common denominator"
        combined = sp.factor(sp.together(shifted - e))
        steps.append(("over a common denominator", f"{fxh} − {fx} = {t(combined)}"))
        steps.append(("so", f"{quotient} = ({t(combined)})/{hs}"))
        simplified = sp.factor(sp.cancel(combined / h))
    elif (root.is_Pow and root.exp == sp.Rational(1, 2) and root.base.has(x)
          and root.base.is_rational_function(x) and not coeff.has(x)):
        method = "conjugate"
        g = root.base
        g_h = g.xreplace({x: x + h})
        conj = f"{t(sp.sqrt(g_h))} + {t(sp.sqrt(g))}"
        numerator = sp.factor(sp.cancel(sp.expand(g_h - g)))
        lead = "" if coeff == 1 else f"{t(coeff)}·"
        steps.append((f"multiply top and bottom by the conjugate {conj}",
                      f"= {lead}{_paren(t(numerator))}/({hs}({conj}))"))
        simplified = coeff * sp.factor(sp.cancel(numerator / h)) / (sp.sqrt(g_h) + sp.sqrt(g))
    else:
        return _by_standard_limits(e, x, h, rules, steps)
    steps.append((f"cancel {hs} ({hs} ≠ 0)", f"= {t(simplified)}"))
    limit = simplified.xreplace({h: sp.S.Zero})
    if limit.has(sp.nan, sp.zoo) or limit.has(sp.oo, -sp.oo):
        return _by_standard_limits(e, x, h, rules, steps)
    limit = sp.factor(sp.simplify(limit)) if method != "expand" else sp.expand(limit)
    steps.append((f"let {hs} → 0 (substitute {hs} = 0)", f"{_name(e, x)} = {t(limit)}"))
    agrees = sp.simplify(limit - rules) == 0
    steps.append(("check", f"the derivative rules give {t(rules)}, "
                  + ("the same" if agrees else "which differs")))
    return Definition(display.text(e), xs, tuple(steps), limit, True, method,
                      f"{_METHOD_WORDS[method]}, then {hs} = 0 could be substituted", (),
                      agrees)


_METHOD_WORDS = {"expand": "every term of the expanded numerator has a factor h, which cancels",
                 "common denominator": "over a common denominator the numerator has a factor "
                                       "h, which cancels",
                 "conjugate": "the conjugate turns the numerator into g(x + h) − g(x), whose "
                              "factor h cancels"}


def _by_standard_limits(e: sp.Expr, x: sp.Symbol, h: sp.Symbol, rules: sp.Expr,
                        steps: list[tuple[str, str]]) -> Definition:
    """Algebra cannot remove the 0/0: name the standard limits needed and take SymPy's
    limit (the parent's time budget bounds it)."""
    hs = h.name
    needed = tuple(dict.fromkeys(lim for heads, lims in _STANDARD
                                 if any(e.has(head) for head in heads) for lim in lims))
    reason = (f"the difference quotient does not simplify to a form where {hs} → 0 can be "
              f"substituted (at {hs} = 0 it reads 0/0)")
    if needed:
        reason += "; the limit needs " + " and ".join(needed).replace("h", hs)
    steps.append(("no algebraic simplification", reason))
    quotient = (e.xreplace({x: x + h}) - e) / h
    limit = sp.limit(quotient, h, 0)
    if limit.has(sp.Limit, sp.nan, sp.zoo, sp.oo, -sp.oo):
        steps.append(("", f"SymPy's limit as {hs} → 0 does not give a value either"))
        return Definition(display.text(e), x.name, tuple(steps), None, False, "none", reason,
                          needed, None)
    limit = sp.simplify(limit)
    how = f"using {' and '.join(needed)}" if needed else "SymPy's limit"
    steps.append((f"the limit as {hs} → 0 ({how})", f"{_name(e, x)} = {display.text(limit)}"))
    agrees = sp.simplify(limit - rules) == 0
    steps.append(("check", f"the derivative rules give {display.text(rules)}, "
                  + ("the same" if agrees else "which differs")))
    return Definition(display.text(e), x.name, tuple(steps), limit, False,
                      "standard limits" if needed else "limit", reason, needed, agrees)


def _name(e: sp.Expr, x: sp.Symbol) -> str:
    """f′(x), or ∂f/∂x when f has other variables (held fixed)."""
    return f"∂f/∂{x.name}" if e.free_symbols - {x} else f"f′({x.name})"


def _paren(s: str) -> str:
    """``s`` bracketed when it is a sum or difference (or starts with a minus sign), so that
    ``A − B`` reads right; a product, power or call stays as it is.

    >>> _paren("(h + x)^2"), _paren("x^2 - 1"), _paren("-h/x")
    ('(h + x)^2', '(x^2 - 1)', '(-h/x)')
    """
    depth = 0
    for i, c in enumerate(s):
        depth += (c == "(") - (c == ")")
        if depth == 0 and ((i == 0 and c == "-") or s[i:i + 3] in (" + ", " - ")):
            return f"({s})"
    return s
