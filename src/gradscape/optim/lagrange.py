"""Extrema under equality constraints: ∇f = Σ λᵢ∇gᵢ with every gᵢ = 0 (Lagrange multipliers).

The points are the critical points of the Lagrangian L(x, λ) = f(x) − Σ λᵢ gᵢ(x) in the
variables and the multipliers together (∂L/∂x = 0 is ∇f = Σλᵢ∇gᵢ; ∂L/∂λᵢ = 0 is gᵢ = 0), so
they are found by the same bounded machinery as :func:`~gradscape.optim.critical.critical_points`:
the exact stage (lex Gröbner bases for polynomial problems, proving the list complete; else
``sympy.solve``) in a child process killed when ``symbolic_budget`` runs out, then, unless the
list is proven complete, Newton on ∇L = 0 from spread starts.

Each point is classified by the bordered Hessian — the Hessian of L in (x, λ), whose border is
the constraints' gradients. Its test is the same as asking the Hessian of L in x alone,
restricted to the tangent space of the constraints (the directions ∇gᵢ·v = 0), for the signs of
its eigenvalues: all > 0 a constrained minimum, all < 0 a constrained maximum, mixed a
constrained saddle, any ≈ 0 degenerate (the second-order test says nothing). Those
eigenvalues are what the points report. Where the constraints' gradients are linearly
dependent the multiplier rule does not apply; such points are reported degenerate with a note,
and with one constraint its singular points (g = 0 and ∇g = 0, found exactly within the
budget) are listed too, with no multiplier, since an extremum can sit there.

>>> pts = constrained_points("x y", "x + y = 10")
>>> [(p.kind, p.exact, p.value, p.multipliers) for p in pts]
[('maximum', (5, 5), 25.0, (5.0,))]
>>> pts.complete
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import sympy as sp

from gradscape.errors import DomainError
from gradscape.optim.critical import critical_points, point_kind
from gradscape.optim.exact import exact_stage

__all__ = ["ConstrainedPoint", "ConstrainedPoints", "constrained_points",
           "constrained_function", "parse_constraints", "DEFAULT_RANGE"]

DEFAULT_RANGE = (-10.0, 10.0)  # each variable's range for the numeric search when no box is given
_MAX_CONSTRAINTS = 8
_CLUSTER = 1e-6  # numeric points this close (× the box diagonal) to an exact one are that one
_RANK = 1e-9  # singular values of the constraints' Jacobian below this × the largest: dependent


@dataclass(frozen=True)
class ConstrainedPoint:
    """A point where ∇f = Σλᵢ∇gᵢ on the constraints, its multipliers and its kind.

    ``eigenvalues`` are those of the Lagrangian's Hessian on the constraints' tangent space
    (ascending; () where undefined or where the constraints' gradients are dependent).
    """

    point: tuple[float, ...]
    value: float
    kind: str  # "minimum" | "maximum" | "saddle" | "degenerate"
    multipliers: tuple[float, ...]
    eigenvalues: tuple[float, ...]
    exact: tuple[sp.Expr, ...] | None = None  # exact coordinates when solved symbolically
    exact_multipliers: tuple[sp.Expr, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as ``CriticalPoint.to_dict`` plus the multipliers."""
        return {
            "point": list(self.point),
            "value": self.value,
            "kind": self.kind,
            "eigenvalues": list(self.eigenvalues),
            "exact": None if self.exact is None else [str(c) for c in self.exact],
            "multipliers": list(self.multipliers),
            "exact_multipliers": None if self.exact_multipliers is None
            else [str(c) for c in self.exact_multipliers],
        }


class ConstrainedPoints(list[ConstrainedPoint]):
    """The points sorted by value, with how they were found.

    ``constraints``: each constraint as text ``g = c``; ``complete``: the exact stage proved
    the list holds every point satisfying the multiplier rule (in ``box``, when one was
    given); ``box``: the ranges searched numerically, or given; () when the exact stage alone
    answered with no box; ``notes``: plain-language remarks.
    """

    complete: bool = False
    notes: tuple[str, ...] = ()
    box: tuple[tuple[float, float], ...] = ()
    constraints: tuple[str, ...] = ()
    function: Any = None  # the Function of all the variables (f's and the constraints')


def parse_constraints(subject_to: str | Sequence[str]) -> list[tuple[str, sp.Expr]]:
    """Each constraint ``"G = c"`` (several may be separated by ';') as (text, G − c).

    >>> parse_constraints("x + y = 10; x - y = 2")
    [('x + y = 10', x + y - 10), ('x - y = 2', x - y - 2)]
    """
    from gradscape.formula.parser import parse_equation

    items = [subject_to] if isinstance(subject_to, str) else list(subject_to)
    texts = [part.strip() for item in items for part in str(item).split(";") if part.strip()]
    if not texts:
        raise DomainError("give at least one constraint, like --subject-to \"x + y = 10\"")
    if len(texts) > _MAX_CONSTRAINTS:
        raise DomainError(f"at most {_MAX_CONSTRAINTS} constraints; got {len(texts)}")
    out = []
    for text in texts:
        left, right = parse_equation(text)
        out.append((text, sp.expand(left.expr - right.expr)))
    return out


def constrained_function(f: Any, subject_to: str | Sequence[str]
                         ) -> tuple[Any, list[tuple[str, sp.Expr]]]:
    """f as a Function of its own and the constraints' variables (sorted, when the
    constraints add any), and the parsed constraints.

    >>> g, given = constrained_function("z", "x^2 + y^2 = z^2")
    >>> g.variables, given
    (('x', 'y', 'z'), [('x^2 + y^2 = z^2', x**2 + y**2 - z**2)])
    """
    from gradscape.calculus.function import Function

    given = parse_constraints(subject_to)
    f = f if isinstance(f, Function) else Function(f)
    if not f.is_symbolic:
        raise DomainError("constrained extrema need a formula (the multiplier rule is solved "
                          "with its derivatives); give f as text")
    names = tuple(sorted({*f.variables, *(s.name for _, g in given for s in g.free_symbols)}))
    if set(names) != set(f.variables):
        f = Function(f, names, name=f.name)
    return f, given


def constrained_points(
    f: Any,
    subject_to: str | Sequence[str],
    box: tuple[tuple[float, float], ...] | None = None,
    *,
    symbolic_budget: float = 2.0,
    starts: int = 400,
    seed: int = 0,
) -> ConstrainedPoints:
    """Points of ``f`` satisfying the multiplier rule on the constraints, classified.

    Args:
        f: a gradscape Function with a formula, or formula text.
        subject_to: one constraint ``"G = c"``, several separated by ';', or a list of them.
        box: ``(lo, hi)`` per variable (all of f's and the constraints' variables, sorted):
            points outside are dropped. By default exact points are all kept and the numeric
            search covers DEFAULT_RANGE per variable.
        symbolic_budget: seconds allowed for exact solving (0 skips it).
        starts: Newton starts of the numeric stage.
        seed: seeds the start set; same seed, same result.

    >>> pts = constrained_points("x + y", "x^2 + y^2 = 1")
    >>> [(p.kind, p.exact) for p in pts]
    [('minimum', (-sqrt(2)/2, -sqrt(2)/2)), ('maximum', (sqrt(2)/2, sqrt(2)/2))]
    """
    from gradscape.calculus.function import Function

    f, given = constrained_function(f, subject_to)
    names = tuple(f.variables)
    n, m = len(names), len(given)
    if m >= n:
        raise DomainError(f"{m} constraint(s) in {n} variable(s) ({', '.join(names)}) leave no "
                          "freedom to optimise over; give fewer constraints than variables")
    for text, g in given:
        if not g.free_symbols:
            raise DomainError(f"the constraint '{text}' has no variables: it is "
                              f"{'always' if g == 0 else 'never'} true")
    multipliers = _multiplier_names(names, m)
    lams = [sp.Symbol(v, real=True) for v in multipliers]
    lagrangian = Function(f.expr - sp.Add(*(lam * g for lam, (_, g) in zip(lams, given))),
                          (*names, *multipliers), name="L")
    lo_hi = _box(box, names)
    notes: list[str] = []
    exact, _, complete = exact_stage(lagrangian, symbolic_budget, notes)
    points = [_classify(f, n, e, p, np.array(h, dtype=float), True, notes)
              for e, p, _, h in exact if _inside(p[:n], lo_hi)]
    searched: tuple[tuple[float, float], ...] = tuple(box) if box is not None else ()
    if not complete:
        searched = lo_hi or (DEFAULT_RANGE,) * n
        points += _numeric(f, lagrangian, n, searched, points, starts, seed, notes)
    if m == 1:
        points += _singular(f, given[0], lo_hi, symbolic_budget, points, notes)
    points = sorted(points, key=lambda p: (p.value, p.point))
    out = ConstrainedPoints(points)
    out.complete, out.notes, out.box = complete, tuple(dict.fromkeys(notes)), searched
    out.constraints = tuple(text for text, _ in given)
    out.function = f
    return out


def _singular(f: Any, constraint: tuple[str, sp.Expr],
              box: tuple[tuple[float, float], ...] | None, budget: float,
              known: list[ConstrainedPoint], notes: list[str]) -> list[ConstrainedPoint]:
    """Points of the constraint where ∇g = 0 (a cusp, a cone's apex): the multiplier rule
    cannot find them, yet an extremum can sit there (x on y² = x³ is least at the cusp).
    They are the critical points of g where g = 0, found by the same exact stage."""
    from gradscape.calculus.function import Function

    text, g_expr = constraint
    g = Function(g_expr, f.variables, name="g")
    found, _, _ = exact_stage(g, min(budget, 1.0), [])
    out = []
    for e, p, value, _ in found:
        if abs(value) > 1e-12 or not _inside(p, box) or any(
                np.allclose(p, q.point, rtol=0, atol=1e-12) for q in known):
            continue
        where = ", ".join(f"{v:.6g}" for v in p)
        notes.append(f"the constraint {text} is singular at ({where}) (∇g = 0 there): the "
                     "multiplier rule does not apply, so the point is listed as degenerate "
                     "with no multiplier; compare its value with the others")
        with np.errstate(all="ignore"):
            fp = float(np.asarray(f(*p), dtype=float))
        out.append(ConstrainedPoint(tuple(float(v) for v in p), fp, "degenerate", (), (),
                                    tuple(e), None))
    return out


def _multiplier_names(names: tuple[str, ...], m: int) -> list[str]:
    base = [("λ" if m == 1 else f"λ{i + 1}") for i in range(m)]
    return [b if b not in names else f"{b}_" for b in base]


def _box(box: Any, names: tuple[str, ...]) -> tuple[tuple[float, float], ...] | None:
    if box is None:
        return None
    try:
        arr = np.array(box, dtype=float).reshape(-1, 2)
    except (TypeError, ValueError) as err:
        raise DomainError(f"the box must be one (lo, hi) pair per variable, got {box!r}") from err
    if arr.shape != (len(names), 2) or not np.all(np.isfinite(arr)) \
            or np.any(arr[:, 0] >= arr[:, 1]):
        raise DomainError(f"the box needs {len(names)} finite (lo, hi) pairs with lo < hi, one "
                          f"per variable ({', '.join(names)}); got {box!r}")
    return tuple((float(a), float(b)) for a, b in arr)


def _inside(p: Sequence[float], box: tuple[tuple[float, float], ...] | None) -> bool:
    if not all(np.isfinite(p)):
        return False
    if box is None:
        return True
    return all(a - 1e-12 * (b - a) <= v <= b + 1e-12 * (b - a) for v, (a, b) in zip(p, box))


def _numeric(f: Any, lagrangian: Any, n: int, box: tuple[tuple[float, float], ...],
             known: list[ConstrainedPoint], starts: int, seed: int,
             notes: list[str]) -> list[ConstrainedPoint]:
    """Newton on ∇L = 0 over the box and a range of multipliers wide enough for its points."""
    reach = _multiplier_reach(f, lagrangian, n, box, seed)
    m = len(lagrangian.variables) - n
    found = critical_points(lagrangian, (*box, *((-reach, reach),) * m), symbolic_budget=0,
                            starts=starts, seed=seed)
    if any("not isolated" in note for note in found.notes):
        notes.append("the points are not isolated (a curve of them, f constant along it); "
                     "samples of it are listed")
    if any("incomplete" in note for note in found.notes):
        notes.append("new points were still turning up in the numeric search; the list may be "
                      "incomplete")
    diag = float(np.linalg.norm(np.subtract(*zip(*box))))
    out: list[ConstrainedPoint] = []
    for p in found:
        x = np.array(p.point[:n])
        if any(np.linalg.norm(x - np.array(q.point)) <= _CLUSTER * diag for q in [*known, *out]):
            continue
        with np.errstate(all="ignore"):
            hess = np.asarray(lagrangian.hess(*p.point), dtype=float)
        out.append(_classify(f, n, None, p.point, hess, False, notes))
    return out


def _multiplier_reach(f: Any, lagrangian: Any, n: int, box: tuple[tuple[float, float], ...],
                      seed: int) -> float:
    """A multiplier range for the search: the least-squares λ of ∇f ≈ Σλ∇g over the box,
    their 90th percentile size, doubled (at least 10)."""
    rng = np.random.default_rng(seed)
    lo, hi = np.array(box).T
    x = lo[:, None] + rng.random((n, 256)) * (hi - lo)[:, None]
    with np.errstate(all="ignore"):
        zero = np.zeros((len(lagrangian.variables) - n, x.shape[1]))
        # ∇ₓL at λ = 0 is ∇f; ∂(∇ₓL)/∂λ is −∇g: both from L's own kernels
        hess = np.asarray(lagrangian.hess(*x, *zero), dtype=float)
        grad_f = np.asarray(lagrangian.grad(*x, *zero), dtype=float)[:n]
        border = -hess[:n, n:]  # (n, m, k): ∇gᵢ as columns
        lam = np.einsum("kmn,nk->km", np.linalg.pinv(np.moveaxis(border, -1, 0)), grad_f)
    size = np.abs(lam[np.all(np.isfinite(lam), axis=1)])
    return max(10.0, 2.0 * float(np.percentile(size, 90))) if size.size else 10.0


def _classify(f: Any, n: int, exact: tuple[sp.Expr, ...] | None, point: Sequence[float],
              hess: np.ndarray, is_exact: bool, notes: list[str]) -> ConstrainedPoint:
    """Kind from the bordered Hessian ``hess`` of L in (x, λ), at ``point`` = (x, λ)."""
    x, lam = tuple(float(v) for v in point[:n]), tuple(float(v) for v in point[n:])
    with np.errstate(all="ignore"):
        value = float(np.asarray(f(*x), dtype=float))
    kind, eig = "degenerate", cast(tuple[float, ...], ())
    if np.all(np.isfinite(hess)):
        inner, border = hess[:n, :n], hess[n:, :n]  # ∇²ₓL, and −∇gᵢ as rows
        _, sing, vt = np.linalg.svd(border)
        if sing.size and sing.min() > _RANK * max(sing.max(), 1e-300):
            tangent = vt[len(sing):].T  # a basis of the directions along every constraint
            kind, _, eig = point_kind(np.zeros(tangent.shape[1]), tangent.T @ inner @ tangent)
            if not is_exact and eig and min(abs(e) for e in eig) <= 1e-7 * max(
                    1.0, max(abs(e) for e in eig)):
                kind = "degenerate"  # a numeric point's Hessian holds rounding errors
        else:
            where = ", ".join(f"{v:.6g}" for v in x)
            notes.append(f"the constraints' gradients are linearly dependent at ({where}): the "
                         "multiplier rule does not apply there, so it is listed as degenerate")
    exact_x = None if exact is None else tuple(exact[:n])
    exact_lam = None if exact is None else tuple(exact[n:])
    return ConstrainedPoint(x, value, kind, lam, eig, exact_x, exact_lam)
