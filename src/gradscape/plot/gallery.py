"""The picture review: ONE table of (kind, formula, options) cases that ``make gallery`` draws
into ``out/gallery/`` with a contact sheet, and the checks a machine can make of a picture.

A teacher looks at the pictures; the checks keep what was fixed fixed: no text box overlaps
another, no axes box is squashed into a strip, a colour bar is as tall as its axes, and every
method's colour is on the image. The tests run them on a short list of cases
(:data:`SHORT`); ``make gallery`` runs them on all of :data:`CASES` and prints what fails.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> len(CASES) >= 30, set(SHORT) <= {c.name for c in CASES}
(True, True)
>>> pic = draw(case("contour-strip"))
>>> problems(pic.figure)
[]
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from gradscape.plot.figures import Picture, make_figure
from gradscape.plot.scales import LINE_COLORS

__all__ = ["Case", "CASES", "SHORT", "case", "draw", "problems", "text_overlaps",
           "squashed_axes", "short_colorbars", "missing_colors", "render", "contact_sheet",
           "main", "MIN_BOX_RATIO"]

MIN_BOX_RATIO = 0.25  # an axes box thinner than 1:4 is a strip, not a picture


@dataclass(frozen=True)
class Case:
    """One gallery picture: a name for its file, the kind, the formula and make_figure options;
    ``why`` says what it is there to show."""

    name: str
    kind: str
    formula: str
    options: Mapping[str, Any] = field(default_factory=dict)
    why: str = ""
    wrt: str | None = None  # a loss over data: these are its parameters (data: _regression)


def _regression() -> dict[str, np.ndarray]:
    """200 noisy points of y = 2x - 1 (seed 0): the data of the gallery's loss pictures."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1.0, 3.0, 200)
    return {"x": x, "y": 2.0 * x - 1.0 + rng.normal(0.0, 0.5, 200)}


def _starts(*points: tuple[float, ...]) -> np.ndarray:
    return np.array(points, dtype=float)


_FOUR = ("gd", "momentum", "nesterov", "adam")

# THE gallery: every kind, the pictures issue 18 found misleading, unequal windows, singular
# points, many minima, one and three variables.
CASES: tuple[Case, ...] = (
    Case("directional-ellipse", "directional", "x^2 + 3y^2", {"at": (1.0, 1.0)},
         "u is a unit vector; the projection (∇f·u)u and the angle are visible"),
    Case("surface-himmelblau-three", "surface", "himmelblau",
         {"starts": _starts((-1.0, 2.0)), "methods": ("gd", "momentum", "adam"), "steps": 300},
         "three methods from one start: three paths on the surface"),
    Case("contour-strip", "contour", "x^2 + y^2", {"x": (-10.0, 10.0), "y": (-1.0, 1.0)},
         "a 10:1 window: a wide figure, not a strip"),
    Case("paths-rosenbrock-four", "paths", "rosenbrock",
         {"methods": _FOUR, "steps": 2000}, "the README's figure: every path findable"),
    Case("basins-rastrigin", "basins", "rastrigin", {"n": 80, "steps": 300},
         "many minima: light borders"),
    Case("tangent-plane-saddle", "tangent", "x^2 - y^2", {"at": (1.0, 0.5)},
         "the tangent plane touches the surface at the point"),
    Case("secant-sin", "secant", "sin(x)", {"at": (1.0,)}, "secants framed around the point"),
    Case("field-tutorial", "quiver", "x^2 + y^2", {}, "the tutorial's figure"),
    Case("quiver-singular", "quiver", "1/(x^2 + y^2)", {}, "a singular point: arrows capped"),
    Case("stream-saddle", "stream", "x^2 - y^2", {"descent": True}, "a saddle's streamlines"),
    Case("stream-himmelblau", "stream", "himmelblau", {}, "four minima, streamlines"),
    Case("contour-ellipse", "contour", "x^2 + 3y^2", {}, "arrows perpendicular to ellipses"),
    Case("contour-rosenbrock", "contour", "rosenbrock", {}, "log-spaced levels in a valley"),
    Case("contour-log", "contour", "log(x*y)", {}, "undefined quadrants left blank"),
    Case("contour-tall", "contour", "x^2 + y^2", {"x": (-1.0, 1.0), "y": (-8.0, 8.0)},
         "a 1:8 window: a tall figure"),
    Case("contour-wide-3to1", "contour", "x*y", {"x": (0.0, 6.0), "y": (-1.0, 1.0)},
         "a 3:1 window, equal aspect still possible"),
    Case("contour-constant", "contour", "3", {}, "a constant: no arrows, one colour"),
    Case("magnitude-singular", "magnitude", "1/(x^2 + y^2)", {}, "log colour scale"),
    Case("magnitude-rosenbrock", "magnitude", "rosenbrock", {}, "|∇f| over decades"),
    Case("directional-himmelblau", "directional", "himmelblau",
         {"at": (1.0, 1.0), "direction": (1.0, -1.0)}, "a negative directional derivative"),
    Case("directional-wide", "directional", "x*y",
         {"x": (-4.0, 4.0), "y": (-1.0, 1.0), "at": (1.0, 0.5), "direction": (0.0, 1.0)},
         "unit vector in an unequal window"),
    Case("directional-perpendicular", "directional", "x^2 + y^2",
         {"at": (1.0, 1.0), "direction": (1.0, -1.0)}, "u ⟂ ∇f: derivative zero, angle 90°"),
    Case("surface-saddle", "surface", "x^2 - y^2", {}, "a saddle"),
    Case("surface-singular", "surface", "1/(x^2 + y^2)", {}, "z clipped at the pole"),
    Case("surface-rosenbrock-two", "surface", "rosenbrock",
         {"starts": _starts((-1.5, 2.0)), "methods": ("gd", "adam"), "steps": 1000},
         "two paths down a valley"),
    Case("tangent-plane-himmelblau", "tangent", "himmelblau", {"at": (1.0, 1.0)},
         "a steep tangent plane"),
    Case("tangent-sin", "tangent", "sin(x)", {"at": (1.0,)}, "tangent line, framed"),
    Case("tangent-pole", "tangent", "1/x", {"at": (0.5,)}, "a pole nearby"),
    Case("derivative-cubic", "derivative", "x^3 - 2x", {}, "f and f′"),
    Case("derivative-abs", "derivative", "abs(x)", {}, "a kink: f′ jumps"),
    Case("secant-cubic", "secant", "x^3 - 2x", {"at": (1.0,)}, "secants of a cubic"),
    Case("secant-log", "secant", "log(x)", {"at": (2.0,)}, "secants near a domain edge"),
    Case("paths-himmelblau-starts", "paths", "himmelblau",
         {"starts": _starts((-4.0, 4.0), (1.0, -4.0), (0.0, 0.0)), "methods": ("gd",)},
         "three starts of one method: the legend counts them"),
    Case("paths-ellipse-overlap", "paths", "x^2 + 3y^2",
         {"starts": _starts((2.5, 2.5)), "methods": _FOUR, "steps": 300},
         "paths that overlap are still told apart"),
    Case("loss-rosenbrock", "loss", "rosenbrock",
         {"starts": _starts((-1.5, 2.0)), "methods": ("gd", "momentum", "adam"), "steps": 2000},
         "loss against step"),
    Case("loss-three-variables", "loss", "x^2 + 2y^2 + 3z^2",
         {"starts": _starts((1.0, 1.0, 1.0)), "methods": ("gd", "adam"), "steps": 300},
         "three variables: only the loss can be drawn"),
    Case("basins-himmelblau", "basins", "himmelblau", {"n": 60}, "four basins, few minima"),
    Case("quiver-one-variable", "quiver", "x^3", {}, "one variable widened to two"),
    Case("animate-himmelblau", "animate", "himmelblau",
         {"starts": _starts((-4.0, 4.0), (1.0, -4.0)), "methods": ("gd",), "frames": 10},
         "the animation's first frame"),
    Case("sweep-himmelblau", "sweep", "himmelblau",
         {"methods": ("gd", "adam"), "lrs": (0.001, 0.01, 0.1), "n": 8, "steps": 200},
         "methods × learning rates: which converge"),
    Case("landscape-regression", "landscape", "(w*x + b - y)^2",
         {"x": (-1.0, 5.0), "y": (-4.0, 2.0), "starts": _starts((0.0, 1.5)),
          "methods": ("gd", "adam")}, "a loss surface over two parameters, with paths",
         wrt="w,b"),
    Case("epochs-regression", "epochs", "(w*x + b - y)^2",
         {"methods": ("sgd", "adam"), "batch": 16, "epochs": 10}, "SGD's noise per batch",
         wrt="w,b"),
    Case("fit-regression", "fit", "(w*x + b - y)^2", {}, "the data with the fitted line",
         wrt="w,b"),
    Case("lagrange-circle", "lagrange", "x^2 + y^2", {"subject_to": ("(x-1)^2 + y^2 = 4",)},
         "a minimum and a maximum on a circle: ∇f ∥ ∇g, level curves tangent"),
    Case("lagrange-diagonal", "lagrange", "x + y", {"subject_to": ("x^2 + y^2 = 1",)},
         "diagonal gradients: the labels keep clear of the arrows"),
    Case("lagrange-line", "lagrange", "x y", {"subject_to": ("x + y = 10",)},
         "a window around a point far from the origin"),
    Case("potential-gradient", "potential", "2x y, x^2 + 3y^2", {},
         "arrows at right angles to the potential's level curves"),
    Case("potential-rotation", "potential", "x y, x", {}, "no potential: the curl behind"),
    Case("potential-log", "potential", "1/x, y", {}, "log|x|: both half-planes drawn"),
    Case("implicit-circle", "implicit", "x^2 + y^2 = 25", {"at": (3.0, 4.0)},
         "the tangent and the normal at a point of a circle"),
    Case("implicit-folium", "implicit", "x^3 + y^3 = 6 x y", {"at": (3.0, 3.2)},
         "a point off the curve moved onto it"),
    Case("graph-reverse", "graph", "sin(x*y) + x^2", {"at": (1.0, 2.0)},
         "the computation graph: values, adjoints, local derivatives on the edges"),
    Case("graph-himmelblau-forward", "graph", "himmelblau", {"at": (1.0, 2.0),
                                                             "mode": "forward"},
         "forward mode's tangents; constants beside their users"),
)

# A representative short list for the test suite: one of each problem the issue found that
# needs no optimizer compile beyond gd and adam.
SHORT = ("directional-ellipse", "contour-strip", "contour-tall", "directional-wide",
         "tangent-plane-saddle", "secant-sin", "paths-ellipse-overlap", "contour-rosenbrock",
         "graph-reverse")


def case(name: str) -> Case:
    """The gallery case called ``name``."""
    for c in CASES:
        if c.name == name:
            return c
    raise KeyError(name)


def draw(c: Case) -> Picture:
    """The picture of one case."""
    opts = dict(c.options)
    if c.wrt is not None:
        from gradscape.calculus.function import Function

        return make_figure(c.kind, Function(c.formula, c.wrt, data=_regression()), **opts)
    return make_figure(c.kind, c.formula, **opts)


# --- mechanical checks -------------------------------------------------------------------

def _renderer(fig: Figure) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)  # a bare Figure's canvas cannot render; Agg's can
    fig.canvas.draw()  # lays out (constrained layout, equal aspect) and gives text extents
    return fig.canvas.get_renderer()  # type: ignore[attr-defined]


def _texts(fig: Figure) -> list[Any]:
    """Every text the figure draws: titles, labels, legends, and the tick labels of the ticks
    in view (an Axis keeps spare Tick objects outside the view; those are not drawn)."""
    from matplotlib.text import Text

    spare, drawn_ticks = set(), []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis in ax._axis_map.values():
            for tick in (*axis.majorTicks, *axis.minorTicks):
                spare.update({id(tick.label1), id(tick.label2)})
            # 3-D ticks sit where the view puts them; an axes turned off draws no ticks
            if axis.get_visible() and ax.axison and ax.name != "3d":
                for tick in axis._update_ticks():  # type: ignore[attr-defined]
                    drawn_ticks += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    found = [t for t in fig.findobj(Text) if id(t) not in spare and _shown(t)]
    return [t for t in [*found, *drawn_ticks] if t.get_visible() and t.get_text().strip()]


def _shown(t: Any) -> bool:
    """False for a text in a hidden axes or legend."""
    legend = getattr(t, "_legend", None) or _legend_of(t)
    return (t.axes is None or t.axes.get_visible()) and (legend is None or legend.get_visible())


def _legend_of(t: Any) -> Any:
    fig = t.get_figure()
    for ax in fig.axes if fig is not None else ():
        leg = ax.get_legend()
        if leg is not None and any(x is t for x in leg.get_texts()):
            return leg
    return None


def text_overlaps(fig: Figure, slack: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes (from matplotlib's renderer) overlap by more than ``slack``
    pixels each way; a text drawn inside the figure never needs to touch another. Tick labels
    of 3-D axes are left out: the view angle places them, and corners may touch."""
    r = _renderer(fig)
    boxes = []
    for t in _texts(fig):
        bb = t.get_window_extent(r)
        if bb.width > 0 and bb.height > 0:
            boxes.append((t.get_text(), bb))
    bad = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            w = min(a.x1, b.x1) - max(a.x0, b.x0)
            h = min(a.y1, b.y1) - max(a.y0, b.y0)
            if w > slack and h > slack:
                bad.append((ta, tb))
    return bad


def _main_axes(fig: Figure) -> list[Axes]:
    return [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]


def squashed_axes(fig: Figure, ratio: float = MIN_BOX_RATIO) -> list[str]:
    """Axes whose drawn box is thinner than ``ratio`` (height:width or width:height)."""
    _renderer(fig)
    bad = []
    for ax in _main_axes(fig):
        bb = ax.get_window_extent()
        if min(bb.width, bb.height) < ratio * max(bb.width, bb.height):
            bad.append(f"{ax.get_title() or 'axes'}: {bb.width:.0f}×{bb.height:.0f} px")
    return bad


def short_colorbars(fig: Figure, tolerance: float = 0.03) -> list[str]:
    """Colour bars not as tall as the axes they belong to (within ``tolerance``)."""
    _renderer(fig)
    bad = []
    for ax in _main_axes(fig):
        if ax.name == "3d":
            continue
        for cax in [*ax.child_axes, *fig.axes]:
            cb = getattr(cax, "_colorbar", None)
            if cb is None or getattr(cb.mappable, "axes", None) is not ax:
                continue
            a, c = ax.get_window_extent(), cax.get_window_extent()
            if abs(c.height - a.height) > tolerance * a.height:
                bad.append(f"colour bar {c.height:.0f} px beside axes {a.height:.0f} px")
    return bad


def missing_colors(fig: Figure, colors: Iterable[str], min_pixels: int = 30,
                   tol: int = 24) -> list[str]:
    """Colours (hex) with fewer than ``min_pixels`` pixels within ``tol`` of them per channel."""
    from matplotlib.colors import to_rgb

    _renderer(fig)
    rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)  # type: ignore[attr-defined]
    bad = []
    for c in colors:
        want = (np.array(to_rgb(c)) * 255).round().astype(int)
        count = int((np.abs(rgb - want).max(axis=-1) <= tol).sum())
        if count < min_pixels:
            bad.append(f"{c}: {count} px")
    return bad


def method_colors(pic: Picture) -> list[str]:
    """The colour of each method drawn (the Okabe–Ito colour of its position in the legend)."""
    names = list(dict.fromkeys(p["method"] for p in pic.summary.get("paths", [])))
    return [LINE_COLORS[k % len(LINE_COLORS)] for k in range(len(names))]


def problems(fig: Figure, colors: Sequence[str] = ()) -> list[str]:
    """Everything the checks find wrong with a drawn figure, in words (empty: none)."""
    found = [f"texts overlap: {a!r} / {b!r}" for a, b in text_overlaps(fig)]
    found += [f"squashed axes {s}" for s in squashed_axes(fig)]
    found += short_colorbars(fig)
    found += [f"colour missing {s}" for s in missing_colors(fig, colors)]
    return found


# --- rendering -----------------------------------------------------------------------------

def render(out: Path, cases: Sequence[Case] = CASES, dpi: int = 100) -> dict[str, list[str]]:
    """Draw ``cases`` into ``out`` as NN-name.png; returns each case's problems."""
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, list[str]] = {}
    for c in cases:
        pic = draw(c)
        found = problems(pic.figure, method_colors(pic) if c.kind in ("paths", "surface")
                         else ())
        pic.figure.savefig(_file(out, c), dpi=dpi)
        report[c.name] = found
        print(f"{c.name:28s} {'ok' if not found else '; '.join(found)}", flush=True)
    return report


def _file(out: Path, c: Case) -> Path:
    return out / f"{CASES.index(c) + 1:02d}-{c.name}.png"


def contact_sheet(out: Path, cases: Sequence[Case] = CASES, columns: int = 6,
                  thumb: float = 3.0) -> Path:
    """One PNG tiling every rendered case with its name and kind as a caption."""
    import matplotlib.image as mpimg

    rows = -(-len(cases) // columns)
    fig = Figure(figsize=(columns * thumb, rows * thumb * 0.95), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()
    for ax in axes:
        ax.set_axis_off()
    for ax, c in zip(axes, cases):
        path = _file(out, c)
        if path.exists():
            ax.imshow(mpimg.imread(path))
        ax.set_title(f"{path.stem}\n{c.kind} {c.formula}", fontsize=8)
    sheet = out / "contact-sheet.png"
    fig.savefig(sheet, dpi=100)
    return sheet


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gradscape.plot.gallery [OUT] [NAME...]``: draw, check, and tile."""
    import matplotlib

    matplotlib.use("Agg")
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0] if args else "out/gallery")
    chosen = [case(n) for n in args[1:]] if len(args) > 1 else list(CASES)
    report = render(out, chosen)
    if len(chosen) == len(CASES):
        print(f"contact sheet: {contact_sheet(out, chosen)}")
    failed = [n for n, found in report.items() if found]
    print(f"{len(chosen)} pictures in {out}; {len(failed)} with problems")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
