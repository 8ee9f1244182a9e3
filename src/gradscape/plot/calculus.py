"""Pictures of multivariable calculus: extrema on a constraint, a gradient field with its
potential, and the tangent to an implicit curve.

Each function draws on the ``Axes`` it is given and returns what it drew (``Drawn``) with
the numbers behind the picture in ``Drawn.artists["summary"]``; the windows are equal-aspect
wherever they can be (:func:`~gradscape.plot.planar.frame`), so right angles — ∇f against a
level curve — are right angles on screen.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from matplotlib.figure import Figure
>>> from gradscape.calculus.function import Function
>>> ax = Figure().subplots()
>>> d = lagrange(ax, Function("x y"), ["x + y = 10"], ((3, 7), (3, 7)), n=60)
>>> [(p["kind"], p["point"]) for p in d.artists["summary"]["points"]]
[('maximum', [5.0, 5.0])]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy as sp
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from gradscape.errors import DomainError
from gradscape.plot.drawn import Drawn
from gradscape.plot.planar import add_colorbar, filled_contours, frame
from gradscape.plot.scales import LINE_COLORS
from gradscape.plot.text import math_title, set_title

__all__ = ["lagrange", "lagrange_window", "potential_levels", "implicit_tangent",
           "implicit_window"]

_GRAD_F, _GRAD_G, _CURVE = LINE_COLORS[3], LINE_COLORS[5], "black"  # vermilion, blue
_MARK = {"maximum": "^", "minimum": "v", "saddle": "D", "degenerate": "o"}
_ARROW = 0.13  # drawn arrow length, as a share of the window's shorter side


def _constraint(f: Any, subject_to: Sequence[str]) -> tuple[str, Any]:
    """The one constraint of a plane picture, as (text, g − c), checked against f."""
    from gradscape.optim.lagrange import parse_constraints

    given = parse_constraints(list(subject_to))
    if len(given) != 1 or len(f.variables) != 2:
        raise DomainError("the picture of a constrained extremum is drawn for f(x, y) with one "
                          f"constraint; got {len(f.variables)} variable(s) and {len(given)} "
                          "constraint(s) (use gradscape critical ... --subject-to for more)")
    text, g_expr = given[0]
    extra = {s.name for s in g_expr.free_symbols} - set(f.variables)
    if extra:
        raise DomainError(f"the constraint '{text}' uses {', '.join(sorted(extra))}, which "
                          f"{f.signature()} does not have")
    return text, g_expr


_LAST: dict[str, Any] = {}  # the last (f, constraint, points): the window, then the drawing


def _points(f: Any, subject_to: Sequence[str]) -> Any:
    """The constrained points, solved once for the default window and the drawing that
    follows it (the same Function object, the same constraint)."""
    from gradscape.optim.lagrange import constrained_points

    text = _constraint(f, subject_to)[0]
    last = _LAST.get("points")
    if last is not None and last[0] is f and last[1] == text:
        return last[2]
    pts = constrained_points(f, [text])
    _LAST["points"] = (f, text, pts)
    return pts


def lagrange_window(f: Any, subject_to: Sequence[str]) -> tuple[tuple[float, float], ...]:
    """A window around the constrained critical points (at least 4 wide), else [-3, 3]².

    >>> from gradscape.calculus.function import Function
    >>> lagrange_window(Function("x y"), ["x + y = 10"])
    ((3.0, 7.0), (3.0, 7.0))
    """
    pts = np.array([p.point for p in _points(f, subject_to)], dtype=float).reshape(-1, 2)
    if not pts.size:
        return ((-3.0, 3.0), (-3.0, 3.0))
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre, half = (lo + hi) / 2, max(2.0, 0.75 * float(np.max(hi - lo)))
    return tuple((float(c - half), float(c + half)) for c in centre)


def _grid(window: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    xs = np.linspace(float(window[0][0]), float(window[0][1]), n)
    ys = np.linspace(float(window[1][0]), float(window[1][1]), n)
    return np.meshgrid(xs, ys)


def _values(g: Any, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.asarray(g(X, Y), dtype=float) * np.ones_like(X)


def _arrow(ax: Axes, at: np.ndarray, vec: np.ndarray, length: float, color: str) -> None:
    size = float(np.linalg.norm(vec))
    if not np.isfinite(size) or size == 0:
        return
    tip = at + vec / size * length
    ax.annotate("", xy=tuple(tip), xytext=tuple(at), zorder=6,
                arrowprops={"arrowstyle": "-|>", "color": color, "lw": 2.0,
                            "mutation_scale": 14, "shrinkA": 0, "shrinkB": 0})


_SIDES = (((0, 12), ("center", "bottom")), ((0, -12), ("center", "top")),
          ((12, 0), ("left", "center")), ((-12, 0), ("right", "center")),
          ((-9, 9), ("right", "bottom")), ((9, -9), ("left", "top")),
          ((9, 9), ("left", "bottom")), ((-9, -9), ("right", "top")))


def _label_side(grad: np.ndarray) -> tuple[tuple[int, int], tuple[str, str]]:
    """The side of a point (above, below, right, left) that the arrows along ``grad`` leave
    free: the one most nearly at right angles to it."""
    size = float(np.linalg.norm(grad))
    if not np.isfinite(size) or size == 0:
        return _SIDES[0]
    return min(_SIDES, key=lambda s: abs(float(np.dot(s[0], grad))) / (size * np.hypot(*s[0])))


def lagrange(ax: Axes, f: Any, subject_to: Sequence[str], window: Any, n: int = 160) -> Drawn:
    """Level curves of f, the constraint curve g = c, and each constrained critical point with
    ∇f and ∇g drawn from it (parallel there: ∇f = λ∇g) and f's level curve through it."""
    from gradscape.calculus.function import Function
    from gradscape.fields.field import field

    text, g_expr = _constraint(f, subject_to)
    g = Function(g_expr, f.variables, name="g")
    fld = field(f, x=window[0], y=window[1], n=n)
    drawn = filled_contours(ax, fld, alpha=0.75)
    X, Y = fld.X, fld.Y
    ax.contour(X, Y, _values(g, X, Y), levels=[0.0], colors=_CURVE, linewidths=2.4, zorder=4)
    pts = _points(f, [text])
    inside = [p for p in pts if all(a <= c <= b for c, (a, b) in zip(p.point, window))]
    if len(inside) < len(pts):
        drawn.notes.append(f"{len(pts) - len(inside)} constrained critical point(s) lie outside "
                           "the window (widen --x/--y to see them)")
    levels = sorted({p.value for p in inside if np.isfinite(p.value)})
    if levels:
        fv = np.where(fld.mask, np.nan, fld.values)
        ax.contour(X, Y, fv, levels=levels, colors="white", linewidths=1.4,
                   linestyles="--", zorder=5)
    span = min(b - a for a, b in window)
    labelled: set[tuple[str, float, float]] = set()
    for p in inside:
        at = np.array(p.point)
        _arrow(ax, at, np.asarray(f.grad(*at), dtype=float), _ARROW * span, _GRAD_F)
        _arrow(ax, at, np.asarray(g.grad(*at), dtype=float), 0.7 * _ARROW * span, _GRAD_G)
        ax.plot(*at, _MARK.get(p.kind, "o"), color="white", markeredgecolor="black",
                markersize=9, zorder=7)
        lam = p.multipliers[0] if p.multipliers else math.nan  # none where ∇g = 0
        same = (p.kind, round(p.value, 9), round(lam, 9))
        if same in labelled:  # symmetric copies: the marker's shape says what they are
            continue
        labelled.add(same)
        side, align = _label_side(np.asarray(f.grad(*at), dtype=float))
        ax.annotate(f"{p.kind} {f.name} = {p.value:.4g}\n"
                    + (f"λ = {lam:.4g}" if p.multipliers else "∇g = 0: no λ"),
                    xy=tuple(at), xytext=side, textcoords="offset points", fontsize=8,
                    zorder=8, ha=align[0], va=align[1],
                    bbox={"boxstyle": "round", "fc": "white", "ec": "0.6", "alpha": 0.9})
    if not pts:
        drawn.notes.append("no point satisfies ∇f = λ∇g on the constraint")
    ax.legend(handles=[
        Line2D([], [], color=_CURVE, lw=2.4, label=f"constraint {text}"),
        Line2D([], [], color="white", lw=1.4, ls="--", label=f"level curve of {f.name} there"),
        Line2D([], [], color=_GRAD_F, lw=2, marker=">", label=f"∇{f.name}"),
        Line2D([], [], color=_GRAD_G, lw=2, marker=">", label="∇g (shorter)"),
        *(Line2D([], [], ls="", marker=_MARK[k], color="white", markeredgecolor="black",
                 label=f"constrained {k}") for k in _MARK if any(p.kind == k for p in inside))],
        loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=3, fontsize=8,
        facecolor="0.85")  # below the axes: inside, it would hide arrows or the curve
    set_title(ax, math_title("Extrema of", f) + f" on {text}")
    drawn.artists["summary"] = {"constraint": text, "complete": pts.complete,
                                "points": [p.to_dict() for p in pts]}
    drawn.notes += [n for n in pts.notes]
    return drawn


def potential_levels(ax: Axes, F: Any, window: Any, n: int = 20) -> Drawn:
    """The field F as arrows over the level curves of its potential φ (F = ∇φ): the arrows
    cross the level curves at right angles. A field that is not a gradient is drawn over its
    scalar curl instead, with the reason in a note."""
    from gradscape.calculus import display
    from gradscape.calculus.function import Function
    from gradscape.calculus.potential import potential
    from gradscape.compile import build_kernel
    from gradscape.fields.field import field

    if len(F.variables) != 2 or len(F.functions) != 2:
        raise DomainError(f"the potential picture is drawn for a plane field (P, Q) of x, y; "
                          f"{F.name} has {len(F.functions)} component(s) in "
                          f"{len(F.variables)} variable(s)")
    r = potential(F)
    drawn = Drawn()
    fine = max(120, 4 * n)
    if r.potential is not None:
        phi = Function(r.potential, F.variables, name="φ")
        fld = field(phi, x=window[0], y=window[1], n=fine)
        drawn = filled_contours(ax, fld, lines=False, alpha=0.8)
        if drawn.levels is not None and not drawn.levels.constant:
            ax.contour(fld.X, fld.Y, np.where(fld.mask, np.nan, fld.values),
                       levels=drawn.levels.levels, colors="0.15", linewidths=0.8,
                       linestyles="solid")
        title = f"{F.name} = ∇φ over the level curves of φ = {display.text(r.potential)}"
    else:
        field_text = f"{F.name} = ({', '.join(display.text(c) for c in F.components)})"
        title = f"{field_text}: no potential"
        if isinstance(r.curl, sp.Expr) and r.curl.free_symbols:  # the curl, where it varies
            X, Y = _grid(window, fine)
            values = np.ma.masked_invalid(_values(Function(r.curl, F.variables), X, Y))
            top = float(np.abs(values).max()) if values.count() else 1.0
            mesh = ax.pcolormesh(X, Y, values, cmap="PuOr", shading="auto",
                                 vmin=-top, vmax=top)
            add_colorbar(ax, mesh, f"scalar curl of {F.name}")
        elif isinstance(r.curl, sp.Expr):
            title = f"{field_text}: curl {display.text(r.curl)} everywhere, no potential"
        drawn.notes += frame(ax, window)
        drawn.notes.append(r.reason)
    X, Y = _grid(window, n)
    with np.errstate(all="ignore"):
        U, V = (np.asarray(c, dtype=float) * np.ones_like(X)
                for c in build_kernel(list(F.components), F.symbols)(X, Y, backend="numpy"))
    # every arrow drawn the same length: the direction (across the level curves) is the
    # point; the spacing of the level curves already shows the size
    size = np.hypot(U, V)
    unit = np.where(size > 0, size, np.nan)
    step = min((b - a) / max(n - 1, 1) for a, b in window)
    ax.quiver(X, Y, np.ma.masked_invalid(U / unit), np.ma.masked_invalid(V / unit),
              color="black", angles="xy", scale_units="xy", scale=1 / (0.75 * step),
              pivot="mid", zorder=5, width=0.0035, headwidth=4, headlength=4.5)
    drawn.notes.append(f"arrows show the direction of {F.name}, all drawn the same length")
    ax.set_xlabel(F.variables[0])
    ax.set_ylabel(F.variables[1])
    set_title(ax, title, 11)
    drawn.artists["summary"] = {
        "conservative": r.conservative,
        "potential": None if r.potential is None else display.json_str(r.potential),
        "reason": r.reason}
    return drawn


def implicit_window(at: Sequence[float]) -> tuple[tuple[float, float], ...]:
    """A square window centred on the origin holding ``at`` well inside: half-width
    max(3, 1.5·max|coordinate|).

    >>> implicit_window((3, 4))
    ((-6.0, 6.0), (-6.0, 6.0))
    """
    half = max(3.0, 1.5 * max(abs(float(v)) for v in at))
    return ((-half, half), (-half, half))


def _onto_curve(F: Any, at: np.ndarray, span: float) -> np.ndarray | None:
    """Newton's steps along ∇F from ``at`` to the curve F = 0 (None when they do not get
    there): the point nearest ``at`` to first order."""
    x = at.astype(float)
    for _ in range(60):
        with np.errstate(all="ignore"):
            v = float(np.asarray(F(*x), dtype=float))
            g = np.asarray(F.grad(*x), dtype=float)
        if not (np.isfinite(v) and np.all(np.isfinite(g))) or not g.any():
            return None
        step = v * g / float(g @ g)
        x = x - step
        if np.linalg.norm(step) <= 1e-14 * (1 + np.linalg.norm(x)):
            break
    ok = np.linalg.norm(x - at) <= span and abs(float(np.asarray(F(*x)))) <= 1e-9 * (
        1 + float(np.linalg.norm(np.asarray(F.grad(*x), dtype=float))))
    return x if ok else None


def implicit_tangent(ax: Axes, equation: str, at: Sequence[float], window: Any,
                     n: int = 400) -> Drawn:
    """The curve given by ``equation`` with its tangent line at (the curve's point nearest)
    ``at``, the normal ∇F there, and dy/dx = −F_x/F_y in the title."""
    from gradscape.calculus import display
    from gradscape.calculus.function import Function
    from gradscape.calculus.implicit import implicit_derivative

    d = implicit_derivative(equation)
    names = (d.x.name, d.y.name)
    F = Function(d.F, names, name="F")
    span = min(b - a for a, b in window)
    given = np.array(at, dtype=float)
    if given.shape != (2,):
        raise DomainError(f"--at needs two numbers, one per variable ({', '.join(names)})")
    p = _onto_curve(F, given, span)
    if p is None:
        raise DomainError(f"no point of {equation} was found near ({given[0]:g}, {given[1]:g}); "
                          "give --at on or close to the curve")
    drawn = Drawn()
    if np.linalg.norm(p - given) > 1e-9 * (1 + np.linalg.norm(given)):
        drawn.notes.append(f"({given[0]:g}, {given[1]:g}) is not on the curve; the tangent is "
                           f"drawn at its nearby point ({p[0]:.6g}, {p[1]:.6g})")
    X, Y = _grid(window, n)
    ax.contour(X, Y, _values(F, X, Y), levels=[0.0], colors=_CURVE, linewidths=2.0)
    gx, gy = (float(v) for v in np.asarray(F.grad(*p), dtype=float))
    reach = 2 * max(b - a for a, b in window)
    direction = np.array([gy, -gx]) / np.hypot(gx, gy)
    ends = np.array([p - reach * direction, p + reach * direction])
    slope = None if gy == 0 else -gx / gy
    label = "vertical tangent" if slope is None else f"tangent, slope dy/dx = {slope:.4g}"
    ax.plot(ends[:, 0], ends[:, 1], color=_GRAD_F, lw=1.8, label=label)
    _arrow(ax, p, np.array([gx, gy]), _ARROW * span, _GRAD_G)
    ax.plot([], [], color=_GRAD_G, lw=2, marker=">", label="∇F, normal to the curve")
    ax.plot(*p, "o", color="white", markeredgecolor="black", markersize=8, zorder=7)
    drawn.notes += frame(ax, window)
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    set_title(ax, f"{equation}: d{names[1]}/d{names[0]} = {display.text(d.result)}\n"
              f"tangent at ({p[0]:.4g}, {p[1]:.4g})", 11)
    drawn.value = slope
    drawn.artists["summary"] = {"equation": equation, "at": [float(v) for v in p],
                                "derivative": display.json_str(d.result), "slope": slope}
    return drawn
