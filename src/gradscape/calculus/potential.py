"""Gradient fields: is F = ∇φ for some φ, and which φ?

F is tested by the symmetry of its Jacobian (∂Fi/∂xj = ∂Fj/∂xi: in 2-D and 3-D, a zero curl),
which makes F a gradient on any simply connected domain where it is defined. The potential is
then built one variable at a time, φ = ∫F1 dx1 + ∫(F2 − ∂/∂x2 ∫F1 dx1) dx2 + ..., and checked:
∇φ must simplify to F. SymPy's ``integrate`` and ``simplify`` can run for ever, so the work
runs in a forked child killed when ``budget`` seconds run out.

>>> r = potential("2x y, x^2 + 3y^2")
>>> r.conservative, r.potential
(True, x**2*y + y**3)
>>> r = potential("-y, x")
>>> r.conservative, r.curl
(False, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from gradscape.calculus import display
from gradscape.calculus.budget import in_child
from gradscape.calculus.vector import VectorFunction

__all__ = ["Potential", "potential"]


@dataclass(frozen=True)
class Potential:
    """The answer for one field: conservative or not, and why.

    ``potential`` is φ (None when F is not a gradient, or no closed form was found);
    ``gradient`` is ∇φ, which ``equals_field`` says simplifies to F; ``curl`` is the curl
    (a scalar in 2-D, a triple in 3-D; None in other dimensions); ``reason`` says it in words;
    ``domain`` says where φ is defined when it holds log|u| (the antiderivative of 1/u).

    >>> potential("1/x, y").potential, potential("1/x, y").domain
    (y**2/2 + log(Abs(x)), 'x ≠ 0')
    """

    conservative: bool
    potential: sp.Expr | None
    gradient: tuple[sp.Expr, ...] | None
    equals_field: bool
    curl: sp.Expr | tuple[sp.Expr, ...] | None
    reason: str
    domain: str | None = None  # where φ is defined, when it takes log|u| ("x ≠ 0")


def potential(source: str | Sequence[str | sp.Expr] | VectorFunction,
              variables: Sequence[str] | str | None = None, *, budget: float = 5.0) -> Potential:
    """Decide whether a vector field is a gradient and find its potential.

    >>> potential("y z, x z, x y").potential
    x*y*z
    >>> potential("y, -x").reason
    'the curl is -2, not zero, so F is not the gradient of any function'
    """
    F = source if isinstance(source, VectorFunction) else VectorFunction(source, variables)
    F._square("potential")
    return in_child(_decide, (F,), budget,
                    slow="could not decide within {budget:g} s whether this field is a "
                         "gradient; simplify the components",
                    failed="the potential could not be computed for this field")


def _decide(F: VectorFunction) -> Potential:
    n, J, comps, xs = len(F.variables), F.jacobian, F.components, F.symbols
    curl = F.curl if n in (2, 3) else None
    if isinstance(curl, tuple):
        curl = tuple(sp.simplify(c) for c in curl)
    elif curl is not None:
        curl = sp.simplify(curl)
    asymmetric = [(i, j) for i in range(n) for j in range(i + 1, n)
                  if sp.simplify(J[i, j] - J[j, i]) != 0]
    if asymmetric:
        if curl is not None:
            shown = display.vector_text(curl) if isinstance(curl, tuple) else display.text(curl)
            reason = (f"the curl is {shown}, not zero, so {F.name} is not the gradient of any "
                      "function")
        else:
            i, j = asymmetric[0]
            reason = (f"∂{F.name}{i + 1}/∂{xs[j]} ≠ ∂{F.name}{j + 1}/∂{xs[i]}, so {F.name} is "
                      "not the gradient of any function")
        return Potential(False, None, None, False, curl, reason)
    phi: sp.Expr = sp.Integer(0)
    for i, xi in enumerate(xs):
        rest = sp.simplify(comps[i] - sp.diff(phi, xi))
        # conds='none': the generic antiderivative, not a Piecewise over parameters (y = 0)
        part = sp.integrate(rest, xi, conds="none")
        if part.has(sp.Integral):
            return Potential(True, None, None, False, curl,
                             "the curl is zero, but no closed-form potential was found")
        phi = phi + part
    phi = sp.simplify(sp.expand(phi)) if sp.expand(phi).is_polynomial(*xs) else sp.simplify(phi)
    phi = sp.expand(phi) if phi.is_polynomial(*xs) else phi
    grad = tuple(sp.simplify(sp.diff(phi, xi)) for xi in xs)
    equal = all(sp.simplify(g - c) == 0 for g, c in zip(grad, comps))
    reason = ("the curl is zero, so on a simply connected domain where it is defined "
              f"{F.name} = ∇φ; " + (f"and ∇φ simplifies to {F.name}" if equal else
                                      f"but ∇φ did not simplify to {F.name}"))
    # ∫ du/u is log|u|, not log(u): log(u) is undefined where u < 0 although F is defined
    # there (1/x for x < 0). ∇log|u| = ∇u/u = ∇log(u) wherever u ≠ 0, so the check above,
    # made on log(u), holds for log|u| too.
    real = phi.replace(sp.log, lambda u: sp.log(sp.Abs(u)))
    domain = None
    if real != phi:
        args = sorted({display.text(a.args[0].args[0]) for a in real.atoms(sp.log)
                       if isinstance(a.args[0], sp.Abs)})
        domain = ", ".join(f"{a} ≠ 0" for a in args)
        phi = real
        reason += f"; φ takes log|u| (∫du/u = log|u|), so it is defined where {domain}"
    return Potential(True, phi, grad, equal, curl, reason, domain)
