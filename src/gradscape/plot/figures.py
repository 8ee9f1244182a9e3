"""Whole pictures, one per kind, in ONE table: what ``gradscape plot KIND`` and the gallery draw.

Each row of :data:`FIGURES` says what its picture shows, the variables it takes, which
:class:`Request` fields it reads (with its own defaults), how big it is, how it draws and an
example command; the CLI builds each kind's options and help from that row alone.
:data:`PRESETS` are kinds with other defaults: ``gradscape field`` is the tutorial's quiver.

Each builder takes a :class:`Request` (the function, window, point, starts, methods…),
resolved once, and a ``Figure`` to draw on, and fills in a :class:`Picture`: the figure, or
an animation for the kinds that move, caption notes, and a JSON-ready summary of the numbers
behind the picture. Figures are ``matplotlib.figure.Figure`` objects unless the caller passes
one (the CLI does, from pyplot, for ``--show``).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> pic = make_figure("contour", "x^2 + 3y^2", n=30)
>>> pic.summary["window"]
[[-3.0, 3.0], [-3.0, 3.0]]
>>> FIGURES["basins"].uses
('x', 'y', 'n', 'methods', 'lr', 'steps', 'backend', 'source')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Literal, SupportsFloat

import numpy as np
from matplotlib.figure import Figure

from gradscape.errors import DomainError
from gradscape.plot import animate, basins, calculus, oned, paths, planar, surface
from gradscape.plot.quiver import arrow_components, quiver
from gradscape.plot.scales import default_box
from gradscape.plot.text import caption, field_notes

__all__ = ["Request", "Picture", "Kind", "Preset", "FIGURES", "KINDS", "PRESETS", "make_figure",
           "shaped_size", "source_function", "read_sweep", "read_source", "Curve"]

Layout = Literal["constrained", "compressed", "tight", "none"]  # matplotlib's layout engines

Progress = Callable[[int, int], None]
Box = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Request:
    """Everything a picture may need, resolved once (window and defaults filled in) before
    drawing; each kind reads the fields its row lists in ``uses``."""

    f: Any
    window: Box
    n: int = 0
    at: tuple[float, ...] | None = None
    direction: tuple[float, ...] | None = None
    starts: np.ndarray | None = None
    methods: tuple[str, ...] = ("gd", "momentum", "adam")
    lr: float | None = None
    steps: int = 500
    descent: bool = False
    frames: int = 60
    color: str = "blue"
    moving: bool = False  # an animation, for kinds that can move (secant)
    batch: int = 16  # minibatch rows per step (epochs)
    epochs: int = 30
    seed: int = 0
    three_d: bool = False  # the landscape as a 3-D surface
    progress: Progress | None = None
    backend: str = "auto"  # where descent runs: auto, numba, numpy or cuda
    lrs: tuple[float, ...] | None = None  # the learning rates of a sweep
    source: str | None = None  # draw what this file holds (a stored map, a saved sweep)
    subject_to: tuple[str, ...] | None = None  # constraints "g = c" (lagrange)
    mode: str = "reverse"  # the computation graph's adjoints, or forward mode's tangents


_OPTIONS = frozenset(f.name for f in dataclasses.fields(Request)) - {"f", "window"}
_REQUEST_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Request)
                     if f.default is not dataclasses.MISSING}


@dataclass
class Picture:
    """A drawn figure (and its animation, for kinds that move), notes and a summary."""

    figure: Any
    animation: Any = None
    notes: list[str] = dc_field(default_factory=list)
    summary: dict[str, Any] = dc_field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    """One row of the table: the picture, its variables, the Request fields it reads, how it
    draws. ``uses`` names Request fields plus ``x`` and ``y``, the window's ranges.

    ``n`` is the default grid (per number of variables when it is a mapping) and ``grid`` says
    what it counts; ``defaults`` are this kind's own defaults of other fields, ``computed``
    says in words how it picks a default that depends on the function or window, and
    ``hints`` add a word on how it reads a field.
    """

    help: str
    dims: tuple[int, ...]
    draw: Callable[[Request, Figure, Picture], None]
    uses: tuple[str, ...]
    example: str
    n: int | Mapping[int, int] = 0
    grid: str = ""
    defaults: Mapping[str, Any] = dc_field(default_factory=dict)
    computed: Mapping[str, str] = dc_field(default_factory=dict)
    hints: Mapping[str, str] = dc_field(default_factory=dict)
    animated: bool = False
    size: tuple[float, float] = (6.4, 5.6)
    required: tuple[str, ...] = ()  # fields the picture means nothing without (tangent: at)
    shaped: bool = False  # a map of the window: the figure takes the window's shape
    centred: bool = False  # one variable: the default window is centred on --at
    reads: Literal["function", "field", "equation"] = "function"  # what the formula text is
    # the default window from the function and the options, where the usual one does not fit
    window: Callable[[Any, Mapping[str, Any]], Box] | None = None
    windowed: bool = True  # drawn over a window of the variables (not the graph of a formula)

    def default(self, name: str, dims: int | None = None) -> Any:
        """This kind's default for the Request field ``name`` (None: chosen when drawing)."""
        if name == "n":
            n = self.n
            if isinstance(n, int):
                return n
            return n[dims if dims is not None and dims in n else min(n)]
        return self.defaults.get(name, _REQUEST_DEFAULTS.get(name))


@dataclass(frozen=True)
class Preset:
    """A kind drawn with other defaults (Request fields, ``x``, ``y``), figure size and layout."""

    kind: str
    options: Mapping[str, Any]
    size: tuple[float, float]
    layout: Layout | None = "constrained"

    def make(self, f: Any, **options: Any) -> Picture:
        """The picture of ``f``, with ``options`` overriding the preset's."""
        options = {**self.options, **{k: v for k, v in options.items() if v is not None}}
        return make_figure(self.kind, f, size=self.size, layout=self.layout, **options)


def _field(req: Request) -> Any:
    from gradscape.fields.field import field

    box = req.window
    return field(req.f, x=box[0], y=box[1], n=req.n) if len(box) == 2 else \
        field(req.f, x=box[0], n=req.n)


def _ax(fig: Figure, three_d: bool = False) -> Any:
    return fig.add_subplot(projection="3d") if three_d else fig.add_subplot()


def _quiver(req: Request, fig: Figure, pic: Picture) -> None:
    fld = _field(req)
    quiver(_ax(fig), fld, color=req.color, descent=req.descent)
    capped = arrow_components(fld)[2]
    pic.notes += field_notes(fld, capped)
    stats = fld.summary()
    pic.summary.update({k: stats[k] for k in ("shape", "invalid_points", "value_range",
                                              "max_gradient_norm")}, capped_arrows=capped)


def _stream(req: Request, fig: Figure, pic: Picture) -> None:
    pic.notes += planar.stream(_ax(fig), _field(req), descent=req.descent).notes


def _contour(req: Request, fig: Figure, pic: Picture) -> None:
    fld = _field(req)
    if req.direction is not None:
        at = req.at if req.at is not None else tuple(_nice(np.mean(b)) for b in req.window)
        drawn = planar.directional(_ax(fig), fld, at, req.direction)
        pic.summary.update(at=list(at), direction=list(req.direction),
                           directional_derivative=drawn.value)
        if not np.asarray(req.f.grad(*at), dtype=float).any():
            pic.summary["gradient_zero"] = True
            pic.notes.append(f"∇f = 0 at ({', '.join(f'{v:g}' for v in at)}): the derivative "
                             "is 0 in every direction there (a critical point)")
    else:
        drawn = planar.contour(_ax(fig), fld, descent=req.descent)
    pic.notes += drawn.notes


def _magnitude(req: Request, fig: Figure, pic: Picture) -> None:
    pic.notes += planar.magnitude(_ax(fig), _field(req)).notes


def _trajectories(req: Request, pic: Picture) -> list[Any]:
    starts = req.starts if req.starts is not None else paths.default_starts(req.window)
    runs = paths.run_paths(req.f, starts, req.methods, req.lr, req.steps, notes=pic.notes)
    pic.summary["paths"] = [
        {"method": t.method, "label": paths.run_label(t),
         "start": [float(v) for v in t.points[0]],
         "final": [float(v) for v in t.final], "value": _num(t.value), "steps": int(t.steps),
         "status": str(t.status), "lr": _num(t.lr)} for t in runs]
    return runs


def _surface(req: Request, fig: Figure, pic: Picture) -> None:
    runs = _trajectories(req, pic) if req.starts is not None else []
    if not runs:
        pic.notes += surface.surface(_ax(fig, True), _field(req)).notes
        return
    # the paths from above, zoomed, beside the surface: on it, paths sharing a start and a
    # minimum can lie too close to tell apart
    fig.set_size_inches(max(fig.get_figwidth(), 10.5), fig.get_figheight())
    grid = fig.add_gridspec(1, 2, width_ratios=(2.2, 1))
    ax = fig.add_subplot(grid[0], projection="3d")
    above = fig.add_subplot(grid[1])
    pic.notes += surface.surface(ax, _field(req), paths=runs, above=above).notes


def _tangent(req: Request, fig: Figure, pic: Picture) -> None:
    box = req.window
    at = req.at if req.at is not None else tuple(_nice((a + 2 * b) / 3) for a, b in box)
    rough = [s for v in req.f.variables if (s := req.f.differentiable_at(at, v)).at_kink] \
        if req.f.is_symbolic else []
    if rough and len(req.f.variables) == 1:  # a kink: the one-sided tangents, no false one
        drawn = oned.one_sided_tangents(_ax(fig), req.f, at[0], rough[0].left, rough[0].right,
                                        box[0], n=req.n)
        pic.summary.update(at=list(at), slope=None, differentiable=rough[0].to_dict())
        pic.notes += [f"{req.f.name} is {rough[0]}", *drawn.notes]
        return
    if rough:
        raise DomainError(f"no tangent plane: {req.f.name} is {rough[0]}")
    if len(req.f.variables) == 1:
        drawn = oned.tangent_line(_ax(fig), req.f, at, box[0], n=req.n)
        pic.summary.update(at=list(at), slope=drawn.value)
    else:
        drawn = surface.tangent_plane(_ax(fig, True), _field(req), at)
        pic.summary.update(at=list(at), value=drawn.value)
    pic.notes += drawn.notes


def _calculus(drawn: Any, pic: Picture) -> None:
    pic.notes += drawn.notes
    pic.summary.update(drawn.artists["summary"])


def _lagrange(req: Request, fig: Figure, pic: Picture) -> None:
    _calculus(calculus.lagrange(_ax(fig), req.f, req.subject_to or (), req.window, n=req.n), pic)


def _potential(req: Request, fig: Figure, pic: Picture) -> None:
    _calculus(calculus.potential_levels(_ax(fig), req.f, req.window, n=req.n), pic)


def _implicit(req: Request, fig: Figure, pic: Picture) -> None:
    at = req.at if req.at is not None else ()
    _calculus(calculus.implicit_tangent(_ax(fig), req.f.text, at, req.window, n=req.n), pic)


@dataclass(frozen=True)
class Curve:
    """An equation ``left = right`` in two variables, as the ``implicit`` picture reads it."""

    text: str
    variables: tuple[str, ...]

    def __str__(self) -> str:
        return self.text


def read_source(kind: str, source: Any, variables: Any = None) -> Any:
    """What the formula text of ``kind`` means: a Function (most kinds), a VectorFunction
    (``reads="field"``) or a :class:`Curve` (``reads="equation"``).

    >>> read_source("implicit", "x^2 + y^2 = 25")
    Curve(text='x^2 + y^2 = 25', variables=('x', 'y'))
    """
    from gradscape.calculus.function import Function

    reads = FIGURES[kind].reads if kind in FIGURES else "function"
    if reads == "field":
        from gradscape.calculus.vector import VectorFunction

        return source if isinstance(source, VectorFunction) else VectorFunction(source, variables)
    if reads == "equation":
        if isinstance(source, Curve):
            return source
        if not isinstance(source, str):
            raise DomainError(f"'{kind}' draws an equation's curve: give it as text, like "
                              "\"x^2 + y^2 = 25\"")
        from gradscape.formula.parser import parse_equation

        left, right = parse_equation(source)
        return Curve(source, tuple(sorted({*left.variables, *right.variables})))
    return source if isinstance(source, Function) else Function(source, variables)


def _derivative(req: Request, fig: Figure, pic: Picture) -> None:
    pic.notes += oned.function_and_derivative(_ax(fig), req.f, req.window[0], n=req.n).notes


def _secant(req: Request, fig: Figure, pic: Picture) -> None:
    box = req.window[0]
    at = req.at[0] if req.at is not None else _nice((box[0] + 2 * box[1]) / 3)
    pic.summary["at"] = [at]
    if req.moving:
        pic.animation = animate.animate_secant(req.f, at, x=box, frames=min(req.frames, 60),
                                               fig=fig)
        return
    hs = [h for h in oned.DEFAULT_STEPS if h < (box[1] - box[0]) / 2][:6] or [0.1]
    axes = fig.subplots(2, 3).ravel()
    slopes = []
    zoomed = False
    for ax, h in zip(axes, hs):
        # each panel zooms in with h, so a and a + h stay apart however small h gets
        panel = (max(box[0], at - 4 * h), min(box[1], at + 5 * h))
        zoomed |= panel != box
        drawn = oned.secants(ax, req.f, at, h, panel, n=req.n)
        slopes.append(_num(drawn.value))
        pic.notes += drawn.notes
    if zoomed:
        pic.notes.append("the panels zoom in as h shrinks (see their x axes), so a and a + h "
                         "stay apart")
    for ax in axes[len(hs):]:
        ax.set_visible(False)
    fig.suptitle(f"Secants through {req.f.variables[0]} = {at:g} approach the tangent")
    pic.summary.update(h=list(hs), secant_slopes=slopes)


def _graph(req: Request, fig: Figure, pic: Picture) -> None:
    from gradscape.calculus.graph import graph
    from gradscape.plot.graph import draw_graph, figure_size

    g = graph(req.f, req.at or ())
    fig.set_size_inches(figure_size(g))
    mode: Literal["reverse", "forward"] = "forward" if req.mode == "forward" else "reverse"
    pic.notes += draw_graph(_ax(fig), g, mode).notes
    pic.summary.update(at=list(g.at), value=g.value, gradient=list(g.gradient), mode=mode,
                       nodes=len(g.nodes), edges=len(g.edges))


def _paths(req: Request, fig: Figure, pic: Picture) -> None:
    fld = _field(req)
    pic.notes += paths.paths(_ax(fig), fld, _trajectories(req, pic)).notes


def _loss(req: Request, fig: Figure, pic: Picture) -> None:
    pic.notes += paths.loss(_ax(fig), _trajectories(req, pic), f=req.f).notes


def _basins(req: Request, fig: Figure, pic: Picture) -> None:
    from gradscape.optim.tune import settle_lr

    method = req.methods[0]
    if req.source is not None:  # a stored map, reduced block by block to screen size
        from gradscape.scale.stored import open_map

        stored = open_map(req.source)
        if not stored.complete:
            raise DomainError(f"'{req.source}' is not finished; finish it with gradscape "
                              "basins ... --resume")
        bm = stored.overview(_SCREEN)
        if bm.labels.shape[0] < stored.n:
            pic.notes.append(f"{stored.n:,}² starts drawn as {bm.labels.shape[0]:,}² pixels, "
                             "each the most frequent basin of its block")
    else:
        run = _descent_backend(req.backend, pic)

        def basin_map(lr: float | None) -> basins.BasinMap:
            return basins.basin_map(req.f, req.window, req.n, method=method, lr=lr,
                                    steps=req.steps, progress=req.progress, backend=run)

        settled = settle_lr(basin_map, lambda bm: float((bm.labels >= 0).mean()), lr=req.lr)
        bm = settled.result
        if settled.cut:
            pic.notes.append(f"{method}'s default lr {settled.first_lr:g} matched most starts "
                             f"to no minimum; drawn with lr {bm.lr:g}")
    pic.notes += basins.basins(_ax(fig), bm).notes
    pic.summary.update(method=bm.method, starts=int(sum(bm.counts.values())), status=bm.counts,
                       minima=[{"point": [float(v) for v in p], "share": float(s)}
                               for p, s in zip(bm.minima, bm.share())])


def _descent_backend(backend: str, pic: Picture) -> str:
    """descend's ``backend`` for a kind's runs; "cuda" with no GPU falls back to the CPU
    ("auto") with a note, since the picture is the same."""
    if backend == "cuda":
        from gradscape.compile.cuda import cuda_status

        ok, what = cuda_status()
        if not ok:
            pic.notes.append(f"--backend cuda: {what}; descended on the CPU")
            return "auto"
    return backend


def _sweep(req: Request, fig: Figure, pic: Picture) -> None:
    from gradscape.plot.sweep import sweep_heatmap

    if req.source is not None:
        result = read_sweep(req.source)
    else:
        from gradscape.scale.sweep import sweep

        result = sweep(req.f, req.methods, req.lrs or _LRS, req.n, x=req.window[0],
                       y=req.window[1], steps=req.steps, progress=req.progress)
    pic.notes += sweep_heatmap(_ax(fig), result).notes
    pic.summary.update(sweep=result.to_dict())


def read_sweep(path: str) -> Any:
    """A sweep saved with ``gradscape sweep --json > FILE`` (at most 16 MB read)."""
    import json

    from gradscape.optim.sweep import SweepResult

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(_MAX_SAVED + 1)
    except OSError as err:
        raise DomainError(f"cannot read the sweep '{path}': {err.strerror}") from None
    if len(text) > _MAX_SAVED:
        raise DomainError(f"'{path}' is over 16 MB: not a saved sweep")
    try:
        data = json.loads(text)
    except ValueError:
        raise DomainError(f"'{path}' is not JSON: save a sweep with gradscape sweep ... "
                          "--json > sweep.json") from None
    if not isinstance(data, dict):
        raise DomainError(f"'{path}' is not a saved sweep (gradscape sweep --json)")
    return SweepResult.from_dict(data)


def source_function(kind: str, path: str) -> tuple[Any, Box | None]:
    """The function (and window) that the file ``path`` drawn as ``kind`` was made from."""
    from gradscape.calculus.function import Function

    if kind == "basins":
        from gradscape.scale.stored import open_map

        spec = open_map(path).spec
        return Function(spec.formula, spec.variables), (spec.x, spec.y)
    return Function(read_sweep(path).function), None


def _animate(req: Request, fig: Figure, pic: Picture) -> None:
    fld = _field(req)
    runs = _trajectories(req, pic)
    pic.animation = animate.animate_descent(fld, runs, frames=req.frames, fig=fig)


_AROUND = 3.0  # half-width of the default window around --at (secants, tangent lines)


def _data_loss(req: Request, kind: str) -> Any:
    if not hasattr(req.f, "reduction"):
        raise DomainError(f"'{kind}' draws a loss over data: add --data FILE (or data=...)")
    return req.f


def _landscape(req: Request, fig: Figure, pic: Picture) -> None:
    from gradscape.fields.field import field
    from gradscape.plot.datafigs import landscape_of

    g, notes = landscape_of(req.f, req.at)
    pic.notes += notes
    fld = field(g, x=req.window[0], y=req.window[1], n=req.n)
    runs = None
    if req.starts is not None:
        starts = req.starts[:, :2] if req.starts.shape[1] > 2 else req.starts
        runs = paths.run_paths(g, starts, req.methods, req.lr, req.steps, notes=pic.notes)
        pic.summary["paths"] = [
            {"method": t.method, "label": paths.run_label(t),
             "start": [float(v) for v in t.points[0]],
             "final": [float(v) for v in t.final], "value": _num(t.value),
             "steps": int(t.steps), "status": str(t.status), "lr": _num(t.lr)} for t in runs]
    if req.three_d:
        pic.notes += surface.surface(_ax(fig, True), fld, path=runs[0] if runs else None).notes
    elif runs:
        pic.notes += paths.paths(_ax(fig), fld, runs).notes
    else:
        pic.notes += planar.contour(_ax(fig), fld).notes


def _epochs(req: Request, fig: Figure, pic: Picture) -> None:
    from gradscape.optim.minibatch import descend_minibatch
    from gradscape.plot.datafigs import epochs

    f = _data_loss(req, "epochs")
    start = req.starts[0] if req.starts is not None else np.zeros(len(f.variables))
    runs = [descend_minibatch(f, start, m, req.lr, batch=min(req.batch, f.n_rows),
                              epochs=req.epochs, seed=req.seed) for m in req.methods]
    pic.notes += epochs(_ax(fig), runs, f)
    pic.summary["runs"] = [{"method": r.method, "lr": r.lr, "batch": r.batch, "seed": r.seed,
                            "final": [float(v) for v in r.final],
                            "epoch_values": [_num(v) for v in r.epoch_values]} for r in runs]


def _fit(req: Request, fig: Figure, pic: Picture) -> None:
    from gradscape.plot.datafigs import fit, fitted

    f = _data_loss(req, "fit")
    start = req.starts[0] if req.starts is not None else None
    t = fitted(f, req.methods[0], start, req.steps)
    pic.notes += fit(_ax(fig), f, t.final)
    pic.summary["fit"] = {"method": t.method, "status": t.status,
                          "parameters": dict(zip(f.variables, map(float, t.final))),
                          "value": _num(t.value)}


_DESCENT = ("starts", "methods", "lr", "steps")  # the fields of a descent run
_SCREEN = 800  # pixels per axis of a stored map's overview
_LRS = (0.001, 0.01, 0.1)  # a sweep's default learning rates
_MAX_SAVED = 16 << 20
_CENTRE = {"at": "the middle of the window"}

# THE table of picture kinds: one Kind per ``gradscape plot KIND``.
FIGURES: dict[str, Kind] = {
    "quiver": Kind(
        "∇f as arrows (the tutorial's figure)", (2,), _quiver,
        ("x", "y", "n", "descent", "color"), 'gradscape plot quiver "x^2 + y^2" -o quiver.png',
        n=20, grid="arrows per axis"),
    "stream": Kind(
        "streamlines of ∇f (−∇f with --descent)", (2,), _stream, ("x", "y", "n", "descent"),
        'gradscape plot stream "x^2 - y^2" --descent -o saddle.svg',
        n=80, grid="grid points per axis", shaped=True),
    "contour": Kind(
        "filled contours with ∇f arrows; the directional derivative given --direction", (2,),
        _contour, ("x", "y", "n", "descent", "at", "direction"),
        'gradscape plot contour "x^2 + 3y^2" -o contour.png',
        n=160, grid="grid points per axis", shaped=True,
        computed={**_CENTRE, "direction": "none: contours with ∇f arrows"}),
    "directional": Kind(
        "directional derivative at --at along --direction", (2,), _contour,
        ("x", "y", "n", "at", "direction"),
        'gradscape plot directional "x^2 + 3y^2" --at 1,1 --direction 1,2 -o dd.png',
        n=160, grid="grid points per axis", shaped=True, defaults={"direction": (1.0, 1.0)},
        required=("at",)),
    "magnitude": Kind(
        "|∇f| as a heat map", (2,), _magnitude, ("x", "y", "n"),
        'gradscape plot magnitude "1/(x^2 + y^2)" -o magnitude.png',
        n=160, grid="grid points per axis", shaped=True),
    "surface": Kind(
        "3-D surface (with a descent path given --start)", (2,), _surface,
        ("x", "y", "n", *_DESCENT), "gradscape plot surface himmelblau --start -4,4 "
        "--methods adam -o surface.png",
        n=60, grid="grid points per axis", size=(7.0, 6.0),
        computed={"starts": "none: the surface alone"}),
    "tangent": Kind(
        "tangent line (1 variable) or plane (2) at --at", (1, 2), _tangent,
        ("x", "y", "n", "at"), 'gradscape plot tangent "sin(x)" --at 1 -o tangent.png',
        n={1: 400, 2: 50}, grid="points on the curve, or grid points per axis of a plane",
        required=("at",), size=(7.0, 6.0), centred=True),
    "derivative": Kind(
        "f and f′ together (1 variable)", (1,), _derivative, ("x", "n"),
        'gradscape plot derivative "x^3 - 2x" -o derivative.png',
        n=400, grid="points on the curve", size=(7.0, 4.8)),
    "secant": Kind(
        "secants approaching the tangent at --at: small multiples, or an animation for "
        ".gif/.mp4", (1,), _secant, ("x", "n", "at", "frames"),
        'gradscape plot secant "x^3 - 2x" --at 1 -o secant.gif',
        n=400, grid="points on the curve", required=("at",), animated=True,
        size=(9.0, 5.6), centred=True),
    "graph": Kind(
        "the computation graph at --at: each node's value and adjoint ∂f/∂node (reverse "
        "mode) or tangents (--mode forward), the local derivatives on the edges",
        (0, 1, 2, 3, 4, 5, 6, 7, 8), _graph, ("at", "mode"),
        'gradscape plot graph "sin(x*y) + x^2" --at 1,2 -o graph.png',
        required=("at",), windowed=False),
    "paths": Kind(
        "descent paths of --methods from --start on contours", (2,), _paths,
        ("x", "y", "n", *_DESCENT), "gradscape plot paths rosenbrock --start -1.5,2 "
        "--methods gd,momentum,adam -o paths.png",
        n=160, grid="grid points per axis of the contours", shaped=True),
    "loss": Kind(
        "loss against step, log scale", (1, 2, 3, 4, 5, 6, 7, 8), _loss, ("x", "y", *_DESCENT),
        "gradscape plot loss rosenbrock --start -1.5,2 -o loss.png", size=(7.0, 4.8)),
    "basins": Kind(
        "basins of attraction (batch descent from an n×n grid of starts, or a stored map)",
        (2,), _basins, ("x", "y", "n", "methods", "lr", "steps", "backend", "source"),
        "gradscape plot basins himmelblau -n 120 -o basins.png",
        n=100, grid="starts per axis", shaped=True, defaults={"methods": ("gd",)},
        hints={"methods": "the first one's basins are drawn",
               "source": "a map written by gradscape basins --out MAP.zarr"}),
    "sweep": Kind(
        "methods × learning rates: the share of starts that converge (a heat map)", (2,),
        _sweep, ("x", "y", "n", "methods", "lrs", "steps", "source"),
        "gradscape plot sweep himmelblau --methods gd,momentum,adam --lr 0.001,0.01,0.1 "
        "-o sweep.png",
        n=32, grid="starts per axis", defaults={"lrs": _LRS},
        hints={"source": "a sweep saved with gradscape sweep ... --json > sweep.json"},
        size=(7.0, 4.8)),
    "animate": Kind(
        "animated descent (.gif, or .mp4 with ffmpeg)", (2,), _animate,
        ("x", "y", "n", *_DESCENT, "frames"),
        "gradscape plot animate himmelblau --start '-4,4;1,-4' -o descent.gif",
        n=120, grid="grid points per axis of the contours", animated=True, shaped=True),
    "landscape": Kind(
        "the loss surface over two parameters (the others held at --at, default the fit), "
        "with descent paths from --start; --3d for a surface", (2, 3, 4, 5, 6, 7, 8),
        _landscape, ("x", "y", "n", "at", *_DESCENT, "three_d"),
        'gradscape plot landscape "(w*x + b - y)^2" --wrt w,b --data examples/data/linear.csv '
        "--x -1:4 --y -3:3 --start -0.5,2 --methods gd,momentum,adam,newton -o landscape.png",
        n=60, grid="grid points per axis",
        computed={"at": "the fitted parameters (Newton)",
                  "starts": "none: the landscape alone"}),
    "epochs": Kind(
        "minibatch descent on a loss over data: loss against epoch, each batch's loss "
        "showing SGD's noise", (1, 2, 3, 4, 5, 6, 7, 8), _epochs,
        ("starts", "methods", "lr", "batch", "epochs", "seed"),
        'gradscape plot epochs "(w*x + b - y)^2" --wrt w,b --data examples/data/linear.csv '
        "--methods sgd,momentum,adam --batch 16 --epochs 30 -o epochs.png",
        defaults={"methods": ("sgd", "momentum", "adam")}, size=(7.0, 4.8),
        computed={"starts": "the origin"}),
    "fit": Kind(
        "the data with the fitted model: the regression curve, or the decision boundary of "
        "two features", (1, 2, 3, 4, 5, 6, 7, 8), _fit, ("starts", "methods", "steps"),
        'gradscape plot fit "softplus(-t*(w1*x1 + w2*x2 + b))" --wrt w1,w2,b '
        "--data examples/data/logistic.csv -o fit.png",
        defaults={"methods": ("newton",)},
        hints={"methods": "the first one fits"}, computed={"starts": "the origin"}),
}
# Multivariable calculus (gradscape critical --subject-to, potential, diff --implicit)
FIGURES.update({
    "lagrange": Kind(
        "extrema on a constraint: f's level curves, the constraint curve, and the tangency "
        "points with ∇f and ∇g", (2,), _lagrange, ("x", "y", "n", "subject_to"),
        'gradscape plot lagrange "x^2 + y^2" --subject-to "(x-1)^2 + y^2 = 4" -o lagrange.png',
        n=200, grid="grid points per axis", shaped=True, required=("subject_to",),
        computed={"x": "a box around the constrained critical points", "y": "as for --x"},
        window=lambda f, o: calculus.lagrange_window(f, o.get("subject_to") or ())),
    "potential": Kind(
        "a plane field as arrows over the level curves of its potential (or over its curl "
        "when it has none)", (2,), _potential, ("x", "y", "n"),
        'gradscape plot potential "2x y, x^2 + 3y^2" -o potential.png',
        n=20, grid="arrows per axis", shaped=True, reads="field",
        window=lambda f, o: ((-3.0, 3.0), (-3.0, 3.0))),
    "implicit": Kind(
        "the curve of an equation with its tangent line at --at", (2,), _implicit,
        ("x", "y", "n", "at"),
        'gradscape plot implicit "x^2 + y^2 = 25" --at 3,4 -o implicit.png',
        n=400, grid="grid points per axis", shaped=True, required=("at",), reads="equation",
        computed={"x": "a square around the origin holding --at", "y": "as for --x"},
        window=lambda f, o: calculus.implicit_window(o["at"])),
})
KINDS = tuple(FIGURES)
"""The picture kinds, in the table's order."""

# Kinds with other defaults, by command name.
PRESETS: dict[str, Preset] = {
    # The tutorial's figure: 20×20 blue arrows over [-3, 3]², plt.subplots(figsize=(6, 6)).
    "field": Preset("quiver", {"x": (-3.0, 3.0), "y": (-3.0, 3.0), "n": 20, "color": "blue"},
                    size=(6.0, 6.0), layout=None),
}


def make_figure(kind: str, f: Any, *, fig: Figure | None = None, moving: bool | None = None,
                box: Box | None = None, x: tuple[float, float] | None = None,
                y: tuple[float, float] | None = None, size: tuple[float, float] | None = None,
                layout: Layout | None = "constrained", **options: Any) -> Picture:
    """Draw the picture ``kind`` of ``f`` (a Function, formula text or library name).

    The window is ``box`` (default: the function's library domain, a box around its critical
    points, or [-3, 3] per variable) with ``x`` and ``y`` replacing its first two ranges.
    ``options`` are :class:`Request` fields (``n``, ``at``, ``starts``, ``methods``…); None
    or absent means the kind's default, and a field the kind does not use is ignored.
    ``moving`` asks a kind that can move (secant) for an animation; ``animate`` always moves.
    ``size`` (inches) applies to a figure made here; ``layout`` is the figure's layout engine
    (None: matplotlib's fixed margins, as the tutorial's figure has, until a caption of notes
    needs room).
    """

    spec = FIGURES.get(kind)
    if spec is None:
        raise DomainError(f"unknown picture '{kind}'; choose one of {', '.join(KINDS)}")
    unknown = set(options) - _OPTIONS
    if unknown:
        raise DomainError(f"make_figure takes no option(s) {', '.join(sorted(unknown))}; "
                          f"choose from box, x, y, {', '.join(sorted(_OPTIONS))}")
    f = read_source(kind, f)
    notes = []
    want = len(box) if box is not None and len(box) in spec.dims else min(spec.dims)
    if spec.reads == "function" and len(f.variables) < want and f.is_symbolic:
        f, note = _widen(f, want)
        notes.append(note)
    dims = len(f.variables)
    if dims not in spec.dims:
        need = " or ".join(map(str, spec.dims[:2])) + (" or more" if len(spec.dims) > 2 else "")
        what = f.signature() if hasattr(f, "signature") else f"'{f}'"
        raise DomainError(f"'{kind}' is drawn for {need} variable(s); {what} has {dims}"
                          + (" (give --vars to name the missing ones)" if dims < min(spec.dims)
                             else ""))
    if box is not None and len(box) != dims:
        raise DomainError(f"the window needs a range for each of {', '.join(f.variables)}")
    for name in spec.required:
        if options.get(name) is None:
            flag = name.replace("_", "-")
            raise DomainError(f"'{kind}' needs --{flag}" + (
                f", the point it is drawn at ({name}= in Python)" if name == "at" else
                f" ({name}= in Python)") + f"; for example: {spec.example}")
    if spec.window is not None and box is None and (x is None or y is None):
        box = spec.window(f, options)
    # a kind drawn over no window (the graph of a formula) needs no search for one
    window = _window(f, box, x, y) if spec.windowed else ((-3.0, 3.0),) * dims
    if spec.centred and dims == 1 and box is None and x is None and options.get("at"):
        a = float(np.asarray(options["at"], dtype=float).reshape(-1)[0])
        half = min(_AROUND, (window[0][1] - window[0][0]) / 2)
        window = ((a - half, a + half),)  # around the point the picture is about
    req = _request(spec, f, window, bool(moving) and spec.animated, options)
    if size is None and spec.shaped:
        size = shaped_size(req.window, captions=len(notes))
        if fig is not None:
            fig.set_size_inches(size)
    fig = fig if fig is not None else Figure(figsize=size or spec.size)
    if layout is not None:
        fig.set_layout_engine(layout)
    pic = Picture(fig, notes=notes)
    spec.draw(req, fig, pic)
    pic.notes = list(dict.fromkeys(pic.notes))
    if pic.notes and layout is None and fig.get_layout_engine() is None:
        fig.set_layout_engine("constrained")  # room for the caption under the axes
    caption(fig, pic.notes)
    pic.summary = {"kind": kind, "function": str(f), "variables": list(f.variables),
                   **({"window": [list(b) for b in req.window]} if spec.windowed else {}),
                   **pic.summary, "notes": pic.notes}
    return pic


def shaped_size(window: Box, captions: int = 0) -> tuple[float, float]:
    """A figure size (inches) whose axes box has the window's shape (clamped to 3:1, past
    which the picture says it is not to scale), with room for title, labels, a colour bar and
    ``captions`` lines of notes: a wide window makes a wide figure, not a strip.

    >>> shaped_size(((-3, 3), (-3, 3)))
    (6.4, 5.6)
    >>> shaped_size(((-10, 10), (-1, 1)))
    (10.7, 3.9)
    """
    from gradscape.plot.planar import MAX_EQUAL_RATIO

    (x0, x1), (y0, y1) = window[0], window[1]
    r = float(np.clip(abs(x1 - x0) / max(abs(y1 - y0), 1e-300), 1 / MAX_EQUAL_RATIO,
                      MAX_EQUAL_RATIO))
    w, h = (min(4.7 * r, 9.0), 0.0) if r >= 1 else (0.0, min(4.7 / r, 7.5))
    w, h = (w, w / r) if r >= 1 else (h * r, h)
    return round(w + 1.7, 1), round(h + 0.9 + 0.15 * captions, 1)


def _window(f: Any, box: Box | None, x: tuple[float, float] | None,
            y: tuple[float, float] | None) -> Box:
    """``box`` (else the default) with ``x``/``y`` replacing its first two ranges."""
    given = [r for r in (x, y)[: len(f.variables)] if r is not None]
    if box is None and len(given) == len(f.variables):  # no search for a default box needed
        return tuple((float(a), float(b)) for a, b in given)
    ranges = list(box if box is not None else default_box(f))
    for k, r in enumerate((x, y)):
        if r is not None and k < len(ranges):
            ranges[k] = (float(r[0]), float(r[1]))
    return tuple(ranges)


def _request(spec: Kind, f: Any, window: Box, moving: bool, options: dict[str, Any]) -> Request:
    """The Request with every field the kind reads set: given, else the kind's default."""
    dims = len(f.variables)
    given = {k: v for k, v in options.items() if v is not None}
    filled = {k: spec.default(k, dims) for k in _OPTIONS if k not in given}
    values = {**{k: v for k, v in filled.items() if v is not None}, **given, "moving": moving}
    return Request(f=f, window=window, **values)


def _widen(f: Any, dims: int) -> tuple[Any, str]:
    """A formula with too few variables (``3``, ``x^2`` for a contour plot) as a function of
    more: it is constant along the new ones, which is what a picture of it should show."""
    from gradscape.calculus.function import Function

    spare = [v for v in ("x", "y", "z", "u", "v", "w") if v not in f.variables]
    names = tuple(sorted((*f.variables, *spare[: dims - len(f.variables)])))
    added = [v for v in names if v not in f.variables]
    g = Function(f, names, name=f.name)  # keeps where f is defined (its guards)
    return g, f"f does not depend on {', '.join(added)}; drawn as {g.signature()}"


def _nice(v: SupportsFloat) -> float:
    """A default point people can read in a title: two significant digits (1.6667 → 1.7)."""
    return float(f"{float(v):.2g}")


def _num(v: Any) -> float | None:
    v = float(v) if v is not None else float("nan")
    return v if np.isfinite(v) else None
