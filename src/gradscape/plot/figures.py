"""Whole pictures, one per kind, in ONE table: what ``gradscape plot KIND`` and the gallery draw.

Each builder takes a :class:`Request` (the function, window, point, starts, methods…) and a
``Figure`` to draw on, and fills in a :class:`Picture`: the figure, or an animation for the
kinds that move, caption notes, and a JSON-ready summary of the numbers behind the picture.
Figures are ``matplotlib.figure.Figure`` objects unless the caller passes one (the CLI does,
from pyplot, for ``--show``).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> pic = make_figure("contour", "x^2 + 3y^2", n=30)
>>> pic.summary["window"]
[[-3.0, 3.0], [-3.0, 3.0]]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from gradscape.errors import DomainError
from gradscape.plot import animate, basins, oned, paths, planar, surface
from gradscape.plot.quiver import arrow_components, quiver
from gradscape.plot.scales import default_box
from gradscape.plot.text import caption, field_notes

__all__ = ["Request", "Picture", "FIGURES", "KINDS", "make_figure", "figure_size"]

Progress = Callable[[int, int], None]


@dataclass
class Request:
    """Everything a picture may need; each kind reads the fields it uses."""

    f: Any
    box: tuple[tuple[float, float], ...] | None = None
    x: tuple[float, float] | None = None  # overrides the box's first range
    y: tuple[float, float] | None = None  # and its second
    n: int | None = None
    at: tuple[float, ...] | None = None
    direction: tuple[float, ...] | None = None
    starts: np.ndarray | None = None
    methods: tuple[str, ...] = ("gd", "momentum", "adam")
    lr: float | None = None
    steps: int = 500
    descent: bool = False
    frames: int = 60
    moving: bool = False  # an animation, for kinds that can move (secant)
    progress: Progress | None = None

    @property
    def window(self) -> tuple[tuple[float, float], ...]:
        """The box to draw: given, else the default, with ``x``/``y`` replacing its ranges."""
        if self.box is None or self.x is not None or self.y is not None:
            box = list(self.box if self.box is not None else default_box(self.f))
            for k, r in enumerate((self.x, self.y)):
                if r is not None and k < len(box):
                    box[k] = (float(r[0]), float(r[1]))
            self.box, self.x, self.y = tuple(box), None, None
        return self.box


@dataclass
class Picture:
    """A drawn figure (and its animation, for kinds that move), notes and a summary."""

    figure: Any
    animation: Any = None
    notes: list[str] = dc_field(default_factory=list)
    summary: dict[str, Any] = dc_field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    """One row of the table: variables it takes, grid size, whether it moves, how it draws."""

    dims: tuple[int, ...]
    n: int
    draw: Callable[[Request, Figure, Picture], None]
    animated: bool = False
    help: str = ""


def _field(req: Request, n: int) -> Any:
    from gradscape.fields.field import field

    box = req.window
    return field(req.f, x=box[0], y=box[1], n=req.n or n) if len(box) == 2 else \
        field(req.f, x=box[0], n=req.n or n)


def _ax(fig: Figure, three_d: bool = False) -> Any:
    return fig.add_subplot(projection="3d") if three_d else fig.add_subplot()


def _quiver(req: Request, fig: Figure, pic: Picture) -> None:
    fld = _field(req, 20)
    quiver(_ax(fig), fld, descent=req.descent)
    pic.notes += field_notes(fld, arrow_components(fld)[2])


def _stream(req: Request, fig: Figure, pic: Picture) -> None:
    pic.notes += planar.stream(_ax(fig), _field(req, 80), descent=req.descent).notes


def _contour(req: Request, fig: Figure, pic: Picture) -> None:
    fld = _field(req, 160)
    if req.direction is not None:
        at = req.at if req.at is not None else tuple(_nice(np.mean(b)) for b in req.window)
        drawn = planar.directional(_ax(fig), fld, at, req.direction)
        pic.summary.update(at=list(at), direction=list(req.direction),
                           directional_derivative=drawn.value)
    else:
        drawn = planar.contour(_ax(fig), fld, descent=req.descent)
    pic.notes += drawn.notes


def _directional(req: Request, fig: Figure, pic: Picture) -> None:
    if req.direction is None:
        req.direction = (1.0, 1.0)
    _contour(req, fig, pic)


def _magnitude(req: Request, fig: Figure, pic: Picture) -> None:
    pic.notes += planar.magnitude(_ax(fig), _field(req, 160)).notes


def _trajectories(req: Request, pic: Picture) -> list[Any]:
    starts = req.starts if req.starts is not None else paths.default_starts(req.window)
    runs = paths.run_paths(req.f, starts, req.methods, req.lr, req.steps, notes=pic.notes)
    pic.summary["paths"] = [
        {"method": t.method, "start": [float(v) for v in t.points[0]],
         "final": [float(v) for v in t.final], "value": _num(t.value), "steps": int(t.steps),
         "status": str(t.status), "lr": _num(t.lr)} for t in runs]
    return runs


def _surface(req: Request, fig: Figure, pic: Picture) -> None:
    path = _trajectories(req, pic)[0] if req.starts is not None else None
    pic.notes += surface.surface(_ax(fig, True), _field(req, 60), path=path).notes


def _tangent(req: Request, fig: Figure, pic: Picture) -> None:
    box = req.window
    at = req.at if req.at is not None else tuple(_nice((a + 2 * b) / 3) for a, b in box)
    if len(req.f.variables) == 1:
        drawn = oned.tangent_line(_ax(fig), req.f, at, box[0], n=req.n or 400)
        pic.summary.update(at=list(at), slope=drawn.value)
    else:
        drawn = surface.tangent_plane(_ax(fig, True), _field(req, 50), at)
        pic.summary.update(at=list(at), value=drawn.value)
    pic.notes += drawn.notes


def _derivative(req: Request, fig: Figure, pic: Picture) -> None:
    pic.notes += oned.function_and_derivative(_ax(fig), req.f, req.window[0],
                                              n=req.n or 400).notes


def _secant(req: Request, fig: Figure, pic: Picture) -> None:
    box = req.window[0]
    at = req.at[0] if req.at is not None else _nice((box[0] + 2 * box[1]) / 3)
    pic.summary["at"] = [at]
    if req.moving:
        pic.animation = animate.animate_secant(req.f, at, x=box, frames=min(req.frames, 60),
                                               fig=fig)
        return
    hs = [h for h in oned.DEFAULT_STEPS if h < (box[1] - box[0]) / 2][:6] or [0.1]
    axes = fig.subplots(2, 3, sharex=True, sharey=True).ravel()
    fld = oned.curve(req.f, box, req.n or 400)
    slopes = []
    for ax, h in zip(axes, hs):
        drawn = oned.secants(ax, req.f, at, h, box, fld=fld)
        slopes.append(_num(drawn.value))
        pic.notes += drawn.notes
    for ax in axes[len(hs):]:
        ax.set_visible(False)
    fig.suptitle(f"Secants through {req.f.variables[0]} = {at:g} approach the tangent")
    pic.summary.update(h=list(hs), secant_slopes=slopes)


def _paths(req: Request, fig: Figure, pic: Picture) -> None:
    fld = _field(req, 160)
    pic.notes += paths.paths(_ax(fig), fld, _trajectories(req, pic)).notes


def _loss(req: Request, fig: Figure, pic: Picture) -> None:
    pic.notes += paths.loss(_ax(fig), _trajectories(req, pic), f=req.f).notes


def _basins(req: Request, fig: Figure, pic: Picture) -> None:
    from gradscape.optim.tune import settle_lr

    method = req.methods[0]

    def basin_map(lr: float | None) -> basins.BasinMap:
        return basins.basin_map(req.f, req.window, req.n or 100, method=method, lr=lr,
                                steps=req.steps, progress=req.progress)

    settled = settle_lr(basin_map, lambda bm: float((bm.labels >= 0).mean()), lr=req.lr)
    bm = settled.result
    if settled.cut:
        pic.notes.append(f"{method}'s default lr {settled.first_lr:g} matched most starts to no "
                         f"minimum; drawn with lr {bm.lr:g}")
    pic.notes += basins.basins(_ax(fig), bm).notes
    pic.summary.update(method=method, starts=int(bm.labels.size), status=bm.counts,
                       minima=[{"point": [float(v) for v in p], "share": float(s)}
                               for p, s in zip(bm.minima, bm.share())])


def _animate(req: Request, fig: Figure, pic: Picture) -> None:
    fld = _field(req, 120)
    runs = _trajectories(req, pic)
    pic.animation = animate.animate_descent(fld, runs, frames=req.frames, fig=fig)


FIGURES: dict[str, Kind] = {
    "quiver": Kind((2,), 20, _quiver, help="∇f as arrows (the tutorial's figure)"),
    "stream": Kind((2,), 80, _stream, help="streamlines of ∇f (−∇f with --descent)"),
    "contour": Kind((2,), 160, _contour, help="filled contours with ∇f arrows"),
    "directional": Kind((2,), 160, _directional, help="directional derivative at --at along "
                        "--direction"),
    "magnitude": Kind((2,), 160, _magnitude, help="|∇f| as a heat map"),
    "surface": Kind((2,), 60, _surface, help="3-D surface (with a descent path given --start)"),
    "tangent": Kind((1, 2), 50, _tangent, help="tangent line (1 variable) or plane (2) at --at"),
    "derivative": Kind((1,), 400, _derivative, help="f and f′ together (1 variable)"),
    "secant": Kind((1,), 400, _secant, animated=True,
                   help="secants approaching the tangent at --at: small multiples, or an "
                   "animation for .gif/.mp4"),
    "paths": Kind((2,), 160, _paths, help="descent paths of --methods from --start on contours"),
    "loss": Kind((1, 2, 3, 4, 5, 6, 7, 8), 0, _loss, help="loss against step, log scale"),
    "basins": Kind((2,), 100, _basins, help="basins of attraction (batch descent from an n×n "
                   "grid)"),
    "animate": Kind((2,), 120, _animate, animated=True,
                    help="animated descent (.gif, or .mp4 with ffmpeg)"),
}
KINDS = tuple(FIGURES)

_SIZES = {"secant": (9.0, 5.6), "surface": (7.0, 6.0), "tangent": (7.0, 6.0), "loss": (7.0, 4.8),
          "derivative": (7.0, 4.8)}


def figure_size(kind: str) -> tuple[float, float]:
    """Width and height in inches that suit the picture ``kind``."""
    return _SIZES.get(kind, (6.4, 5.6))


def make_figure(kind: str, f: Any, *, fig: Figure | None = None, moving: bool | None = None,
                **options: Any) -> Picture:
    """Draw the picture ``kind`` of ``f`` (a Function, formula text or library name).

    ``options`` are :class:`Request` fields (``box``, ``n``, ``at``, ``starts``, ``methods``…).
    ``moving`` asks a kind that can move (secant) for an animation; ``animate`` always moves.
    """
    from gradscape.calculus.function import Function

    spec = FIGURES.get(kind)
    if spec is None:
        raise DomainError(f"unknown picture '{kind}'; choose one of {', '.join(KINDS)}")
    f = f if isinstance(f, Function) else Function(f)
    notes = []
    box = options.get("box")
    want = len(box) if box is not None and len(box) in spec.dims else min(spec.dims)
    if len(f.variables) < want and f.is_symbolic:
        f, note = _widen(f, want)
        notes.append(note)
    dims = len(f.variables)
    if dims not in spec.dims:
        need = " or ".join(map(str, spec.dims[:2])) + (" or more" if len(spec.dims) > 2 else "")
        raise DomainError(f"'{kind}' is drawn for {need} variable(s); {f.signature()} has {dims}"
                          + (" (give --vars to name the missing ones)" if dims < min(spec.dims)
                             else ""))
    req = Request(f=f, moving=bool(moving) and spec.animated, **options)
    if req.box is not None and len(req.box) != dims:
        raise DomainError(f"the window needs a range for each of {', '.join(f.variables)}")
    fig = fig if fig is not None else Figure(figsize=figure_size(kind))
    fig.set_layout_engine("constrained")
    pic = Picture(fig, notes=notes)
    spec.draw(req, fig, pic)
    pic.notes = list(dict.fromkeys(pic.notes))
    caption(fig, pic.notes)
    pic.summary = {"kind": kind, "function": str(f), "variables": list(f.variables),
                   "window": [list(b) for b in req.window], **pic.summary, "notes": pic.notes}
    return pic


def _widen(f: Any, dims: int) -> tuple[Any, str]:
    """A formula with too few variables (``3``, ``x^2`` for a contour plot) as a function of
    more: it is constant along the new ones, which is what a picture of it should show."""
    from gradscape.calculus.function import Function

    spare = [v for v in ("x", "y", "z", "u", "v", "w") if v not in f.variables]
    names = tuple(sorted((*f.variables, *spare[: dims - len(f.variables)])))
    added = [v for v in names if v not in f.variables]
    g = Function(f.expr, names, name=f.name)
    return g, f"f does not depend on {', '.join(added)}; drawn as {g.signature()}"


def _nice(v: float) -> float:
    """A default point people can read in a title: two significant digits (1.6667 → 1.7)."""
    return float(f"{float(v):.2g}")


def _num(v: Any) -> float | None:
    v = float(v) if v is not None else float("nan")
    return v if np.isfinite(v) else None
