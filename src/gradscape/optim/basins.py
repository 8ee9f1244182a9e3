"""Basins of attraction, computed: which minimum descent from each start of a grid reaches.

A basin map is cut into tiles of starts; every tile is computed alone, by the same code,
wherever it runs (this process, on the shared thread pool; a Dask worker, on one thread), so a
map is the same however it was cut. Labels are made consistent by deciding the table of
minima first and labelling every tile against it:

1. the table: the published minima of a library function, else the minima
   :func:`~gradscape.optim.critical.critical_points` finds in the box, else the points a
   coarse pass (64 × 64 starts) converges to;
2. per tile: a start whose final point lies within ``radius`` (2% of the box's diagonal) of
   a minimum of the table gets that minimum's index (the nearest one); a start that
   converged elsewhere joins a new centre of its tile (greedy, in start order: the first such
   start is a centre, and every later one within ``radius`` of it joins it), and each new
   centre remembers the index of its first start in the whole grid;
3. the merge, after every tile: all tiles' new centres, taken in the order of their first
   starts, become new minima of the table unless one within ``radius`` is already there.
   New minima are numbered after the known ones in that order, so a map's labels do not
   depend on its tiles whenever the points reached are either within ``radius`` of each
   other or more than twice as far apart (runs that converge to distinct minima are).

A start that diverged, or stopped after ``steps`` away from every known minimum, gets -1.

>>> bm = basin_map("x^2 + y^2", box=((-1, 1), (-1, 1)), n=4, lr=0.1, steps=200)
>>> bm.labels.tolist()
[[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
>>> bm.kinds, bm.taken.dtype.name, bm.values.dtype.name
(('minimum',), 'uint16', 'float32')
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from gradscape.errors import DomainError
from gradscape.optim.result import STATUSES

__all__ = ["BasinMap", "MapSpec", "Tile", "basin_map", "map_spec", "known_minima", "assign",
           "compute_tile", "prepare_tiles", "label_tile", "merge_centres", "relabel", "RADIUS",
           "MAX_N", "MAX_STEPS", "MAX_CENTRES", "STATUS_NAMES"]

RADIUS = 0.02  # a final point within this fraction of the box diagonal belongs to a minimum
MAX_N = 1 << 17  # starts per axis of the largest map (2^34 starts)
MAX_IN_MEMORY = 8192  # starts per axis of the largest map held in memory
MAX_STEPS = int(np.iinfo(np.uint16).max)  # steps are stored as uint16
MAX_CENTRES = 32  # new centres one tile may report; more are left unlabelled (-1)
MAX_LABELS = int(np.iinfo(np.int16).max)  # labels are stored as int16
STATUS_NAMES = STATUSES  # the loops' status codes, in order
_COARSE = 64  # starts per axis of the coarse pass that finds minima nobody published
_BAND = 1 << 20  # most starts per in-process tile (memory stays bounded)
_BANDS = 20  # an in-process map runs in at least this many bands (one progress update each)


@dataclass(frozen=True)
class BasinMap:
    """Which minimum each grid start reached: ``labels[j, i]`` for start (x[i], y[j]), an index
    into ``minima`` (k, 2), or -1 for none (diverged, or not settled after ``steps``).

    ``values[j, i]`` is f at the final point (float32) and ``taken[j, i]`` the steps taken
    (uint16); ``kinds[k]`` says where minimum k comes from (``global minimum``/``local
    minimum`` published, ``minimum`` from the critical points, ``reached`` found by the runs).
    """

    function: Any
    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray
    minima: np.ndarray
    published: int  # the first ``published`` minima were known before the runs
    counts: dict[str, int]
    method: str
    steps: int
    lr: float
    values: np.ndarray | None = None
    taken: np.ndarray | None = None
    kinds: tuple[str, ...] = ()
    shares: np.ndarray | None = None  # of the whole map, when ``labels`` is an overview

    def share(self) -> np.ndarray:
        """Fraction of starts reaching each minimum (same order as ``minima``)."""
        if self.shares is not None:
            return self.shares
        return np.asarray(np.bincount(self.labels[self.labels >= 0].ravel(),
                                      minlength=len(self.minima)) / self.labels.size)


@dataclass(frozen=True)
class MapSpec:
    """Everything a tile needs, as plain data a task can ship: the formula text (never a
    compiled object), the grid, the method and its settings, and the table of minima."""

    formula: str
    variables: tuple[str, ...]
    x: tuple[float, float]
    y: tuple[float, float]
    n: int
    method: str
    lr: float
    steps: int
    tol: float | None
    hyper: tuple[tuple[str, Any], ...]
    minima: tuple[tuple[float, float], ...]
    radius: float

    def axis(self, k: int) -> np.ndarray:
        """The grid's coordinates along axis k (0: x, 1: y), as the whole map has them."""
        return np.linspace(*(self.x, self.y)[k], self.n)

    def starts(self, rows: tuple[int, int], cols: tuple[int, int]) -> np.ndarray:
        """The starts of grid rows ``rows`` (y) and columns ``cols`` (x), row by row."""
        xs, ys = self.axis(0)[cols[0]:cols[1]], self.axis(1)[rows[0]:rows[1]]
        out = np.empty((len(ys), len(xs), 2))
        out[:, :, 0] = xs[None, :]
        out[:, :, 1] = ys[:, None]
        return out.reshape(-1, 2)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (the store keeps it in its attributes)."""
        return {"formula": self.formula, "variables": list(self.variables),
                "x": list(self.x), "y": list(self.y), "n": self.n, "method": self.method,
                "lr": self.lr, "steps": self.steps, "tol": self.tol,
                "hyper": {k: v for k, v in self.hyper}, "radius": self.radius}


class Tile(NamedTuple):
    """One computed tile: per start (rows × cols) its label, value and steps, with pending
    labels ``-2 - c`` for the tile's new centre c, and the tile's status counts."""

    rows: tuple[int, int]
    cols: tuple[int, int]
    labels: np.ndarray  # int16
    values: np.ndarray  # float32
    taken: np.ndarray  # uint16
    centres: np.ndarray  # (c, 2)
    firsts: np.ndarray  # (c,) int64: the grid index of each new centre's first start
    counts: np.ndarray  # int64, one count per status of STATUS_NAMES


def known_minima(f: Any, box: Sequence[tuple[float, float]]) -> tuple[np.ndarray, tuple[str, ...]]:
    """The minima known before any run, and where each comes from: published (library) or
    found by :func:`~gradscape.optim.critical.critical_points` in ``box``."""
    lib = getattr(f, "library", None)
    if lib is not None:
        pts = [m.point for m in (*lib.minima, *lib.local_minima)]
        kinds = ("global minimum",) * len(lib.minima) + ("local minimum",) * len(lib.local_minima)
        return np.array(pts, dtype=float).reshape(-1, 2), kinds
    from gradscape.errors import GradscapeError
    from gradscape.optim.critical import critical_points

    try:
        found = critical_points(f, tuple(box), symbolic_budget=0.5)
    except GradscapeError:
        return np.empty((0, 2)), ()
    pts = [p.point for p in found if p.kind == "minimum"]
    return np.array(pts, dtype=float).reshape(-1, 2), ("minimum",) * len(pts)


def map_spec(f: Any, box: Sequence[tuple[float, float]] | None, n: int, *, method: str,
             lr: float | None, steps: int, tol: float | None, minima: Any = None,
             hyper: Mapping[str, Any] | None = None) -> tuple[MapSpec, tuple[str, ...]]:
    """Check the request and decide the table of minima: the spec every tile runs, and the
    kinds of its minima. ``minima`` given (even empty) replaces the table."""
    from gradscape.optim.descend import _check_steps, _check_tol, as_function
    from gradscape.optim.optimizers import lookup
    from gradscape.optim.window import default_box

    f = as_function(f)
    if len(f.variables) != 2:
        raise DomainError(f"basins are drawn for two variables; {f.signature()} has "
                          f"{len(f.variables)}")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= n <= MAX_N:
        raise DomainError(f"the basin grid needs n from 2 to {MAX_N} starts per axis, got {n!r}")
    steps = _check_steps(steps)
    if steps > MAX_STEPS:
        raise DomainError(f"a basin map stores steps as 16-bit numbers: at most {MAX_STEPS:,} "
                          f"steps, got {steps:,}")
    _check_tol(tol)
    opt = lookup(method)
    rate, hp = opt.check(lr, dict(hyper or {}))
    box = tuple((float(a), float(b)) for a, b in (box if box is not None else default_box(f)))
    if len(box) != 2 or not all(np.isfinite(r).all() and r[0] < r[1] for r in box):
        raise DomainError(f"the box needs two finite ranges lo < hi, got {box}")
    if minima is None:
        table, kinds = known_minima(f, box)
    else:
        table = np.asarray(minima, dtype=float).reshape(-1, 2)
        kinds = ("given",) * len(table)
    diag = float(np.hypot(box[0][1] - box[0][0], box[1][1] - box[1][0]))
    spec = MapSpec(f.text, tuple(f.variables), box[0], box[1], int(n), opt.name, float(rate),
                   steps, tol, tuple(sorted(hp.items())),
                   tuple((float(a), float(b)) for a, b in table), RADIUS * diag)
    if minima is None and not len(table):  # nothing known: a coarse pass finds the minima
        coarse = basin_map(f, box, min(int(n), _COARSE), method=method, lr=rate, steps=steps,
                           tol=tol, minima=np.empty((0, 2)), **hp)
        spec = MapSpec(**{**spec.__dict__, "minima": tuple(map(tuple, coarse.minima))})
        kinds = ("reached",) * len(coarse.minima)
    return spec, kinds


# ---- one tile ------------------------------------------------------------------------------
_PREPARED: OrderedDict[tuple[str, tuple[str, ...], str, bool], tuple[Any, Any]] = OrderedDict()
_PREPARED_LOCK = threading.Lock()
_MAX_PREPARED = 16


def _prepared(spec: MapSpec, f: Any = None, jit: bool = True) -> tuple[Any, Any]:
    """The Function and its compiled loop (None: the NumPy reference runs), made once per
    process for each formula and method: a process computing many tiles pays once.
    ``jit=False``: never compile (``backend="numpy"``); the loop is None."""
    from gradscape.compile import have_numba
    from gradscape.optim.descend import as_function
    from gradscape.optim.optimizers import lookup

    key = (spec.formula, spec.variables, spec.method, jit)
    with _PREPARED_LOCK:
        if f is None and key in _PREPARED:
            _PREPARED.move_to_end(key)
            return _PREPARED[key]
    if f is None:
        from gradscape.calculus.function import Function

        f = Function(spec.formula, spec.variables)
    f = as_function(f)
    loop = None
    if jit and f.is_symbolic and have_numba():
        from gradscape.optim.fused import fused_loop

        loop = fused_loop(f, lookup(spec.method))
    if f.is_symbolic:
        with _PREPARED_LOCK:
            _PREPARED[key] = (f, loop)
            if len(_PREPARED) > _MAX_PREPARED:
                _PREPARED.popitem(last=False)
    return f, loop


def _tol2(spec: MapSpec) -> float:
    return -1.0 if spec.tol is None else float(spec.tol) ** 2  # below 0: every step taken


def prepare_tiles(spec: MapSpec, starts: int) -> None:
    """Load (or compile) the loop and every piece that runs of ``starts`` starts will call, in
    this process, before the first: a Dask worker's tasks then wait for no JIT, and, run in
    the client first, it fills the disk cache that the workers then load from."""
    _, loop = _prepared(spec)
    if loop is not None:
        loop.warm(starts, spec.steps, _tol2(spec))


def compute_tile(spec: MapSpec, rows: tuple[int, int], cols: tuple[int, int], *,
                 serial: bool = False, f: Any = None, jit: bool = True) -> Tile:
    """Descend from the starts of one tile and label them against ``spec.minima``.

    ``serial`` runs the compiled loop on this thread only (a Dask task: Dask runs tiles in
    parallel, so no pool is nested in it); otherwise blocks of starts share the thread pool.
    ``f``: the Function, when the caller has it (Python code cannot be rebuilt from text).
    ``jit=False``: the NumPy reference loop, never a Numba compile (``backend="numpy"``).
    """
    from gradscape.optim.descend import problem_of
    from gradscape.optim.optimizers import lookup
    from gradscape.optim.reference import run_reference
    from gradscape.optim.schedules import constant

    fn, loop = _prepared(spec, f, jit)
    opt = lookup(spec.method)
    hp = dict(spec.hyper)
    starts = spec.starts(rows, cols)
    rates = constant().rates(spec.lr, spec.steps)
    tol2 = _tol2(spec)
    keep = np.zeros(0, dtype=np.int64)
    if loop is not None:
        raw = loop(starts, rates, spec.steps, tol2, hp, keep, serial=serial)
    else:
        raw = run_reference(problem_of(fn), opt, hp, starts, rates, spec.steps, tol2, keep)
    shape = (rows[1] - rows[0], cols[1] - cols[0])

    def grid_index(k: int) -> int:  # start k of the tile, as an index into the whole grid
        return (rows[0] + k // shape[1]) * spec.n + cols[0] + k % shape[1]

    labels, centres, firsts = label_tile(raw.final, raw.code, np.array(spec.minima, float),
                                         spec.radius, grid_index)
    with np.errstate(over="ignore", invalid="ignore"):  # beyond float32: inf, as f is
        values = raw.value.astype(np.float32)
    return Tile(rows, cols, labels.astype(np.int16).reshape(shape), values.reshape(shape),
                raw.steps.astype(np.uint16).reshape(shape), centres, firsts,
                np.bincount(raw.code, minlength=len(STATUS_NAMES)).astype(np.int64))


def label_tile(finals: np.ndarray, codes: np.ndarray, known: np.ndarray, radius: float,
               index: Callable[[int], int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels of one tile's starts: the nearest known minimum within ``radius``, a pending
    ``-2 - c`` for the tile's new centre c (converged elsewhere), or -1; the new centres and
    the grid ``index(k)`` of each one's first start k."""
    labels = np.full(len(finals), -1, dtype=np.int64)
    ok = np.isfinite(finals).all(axis=1) & (codes != STATUS_NAMES.index("diverged"))
    if len(known):  # one minimum at a time: memory stays O(starts) however many there are
        x, y = np.ascontiguousarray(finals[:, 0]), np.ascontiguousarray(finals[:, 1])
        best = np.full(len(finals), radius * radius)  # squared distances, none beyond radius
        d2 = np.empty(len(finals))
        dy = np.empty(len(finals))
        for k, point in enumerate(known):
            np.subtract(x, point[0], out=d2)
            np.multiply(d2, d2, out=d2)
            np.subtract(y, point[1], out=dy)
            np.multiply(dy, dy, out=dy)
            np.add(d2, dy, out=d2)
            closer = (d2 < best) if k else (d2 <= best)  # NaN never is; the first nearest wins
            np.copyto(best, d2, where=closer)
            labels[closer & ok] = k
    rest = np.flatnonzero(ok & (labels < 0) & (codes == STATUS_NAMES.index("converged")))
    centres: list[np.ndarray] = []
    firsts: list[int] = []
    while rest.size and len(centres) < MAX_CENTRES:  # one pass per centre, vectorised
        centre = finals[rest[0]].copy()
        close = np.linalg.norm(finals[rest] - centre, axis=1) <= radius
        labels[rest[close]] = -2 - len(centres)
        centres.append(centre)
        firsts.append(int(index(int(rest[0]))))
        rest = rest[~close]
    return (labels, np.array(centres, dtype=float).reshape(-1, 2),
            np.array(firsts, dtype=np.int64))


def merge_centres(known: int, tiles: Sequence[tuple[np.ndarray, np.ndarray]],
                  radius: float) -> tuple[np.ndarray, list[np.ndarray]]:
    """New minima from every tile's ``(centres, firsts)``: taken in the order of their first
    starts, each joins a new minimum within ``radius`` or becomes one. Returns the new
    minima (numbered from ``known``) and, per tile, the label of each of its centres."""
    order = sorted(((int(first), t, c) for t, (_, firsts) in enumerate(tiles)
                    for c, first in enumerate(firsts)))
    found: list[np.ndarray] = []
    maps = [np.full(len(firsts), -1, dtype=np.int64) for _, firsts in tiles]
    for _, t, c in order:
        point = tiles[t][0][c]
        if found:
            d = np.linalg.norm(np.array(found) - point, axis=1)
            if d.min() <= radius:
                maps[t][c] = known + int(np.argmin(d))
                continue
        found.append(point)
        maps[t][c] = known + len(found) - 1
    if known + len(found) > MAX_LABELS:
        raise DomainError(f"{known + len(found):,} minima reached: more than a map's 16-bit "
                          "labels hold; draw a smaller box")
    return np.array(found, dtype=float).reshape(-1, 2), maps


def relabel(labels: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    """``labels`` with each pending ``-2 - c`` replaced by ``mapping[c]`` (idempotent)."""
    pending = labels <= -2
    if not pending.any():
        return labels
    out = labels.copy()
    out[pending] = mapping[-2 - labels[pending].astype(np.int64)]
    return out


def assign(finals: np.ndarray, status: np.ndarray, known: np.ndarray,
           radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Label final points as one tile would, merged: nearest known minimum within ``radius``,
    converged runs elsewhere found new centres (numbered after the known ones).

    >>> labels, centres = assign(np.array([[0.0, 1e-9], [4.0, 4.0], [9.0, 9.0]]),
    ...                          np.array(["converged", "max-steps", "converged"]),
    ...                          np.zeros((1, 2)), radius=0.1)
    >>> labels.tolist(), centres.tolist()
    ([0, -1, 1], [[0.0, 0.0], [9.0, 9.0]])
    """
    codes = np.array([STATUS_NAMES.index(str(s)) for s in status], dtype=np.int8)
    known = np.asarray(known, dtype=float).reshape(-1, 2)
    labels, centres, firsts = label_tile(np.asarray(finals, float), codes, known, radius,
                                         lambda k: k)
    found, maps = merge_centres(len(known), [(centres, firsts)], radius)
    return relabel(labels, maps[0]), np.concatenate([known, found])


# ---- a whole map in this process -----------------------------------------------------------
def basin_map(f: Any, box: Sequence[tuple[float, float]] | None = None, n: int = 100, *,
              method: str = "gd", lr: float | None = None, steps: int = 500,
              tol: float | None = 1e-8, minima: Any = None,
              progress: Callable[[int, int], None] | None = None, backend: str = "auto",
              **hyper: Any) -> BasinMap:
    """Descend from an n×n grid of starts over ``box`` and label each start by its minimum,
    in this process (bands of rows, each on the shared thread pool), or on the GPU:
    ``backend="cuda"``, or "auto" when a GPU is present and n² × steps reach
    ``CUDA_AUTO_WORK`` (only labels and statuses come back: :func:`gradscape.optim.cuda.
    basin_labels`).

    ``minima`` replaces the table of known minima; ``progress(done, total)`` is called after
    each band of starts. Maps of more than 8192² starts are computed into a store by
    :func:`gradscape.scale.basins`.
    """
    from gradscape.optim.descend import as_function

    fn = as_function(f)
    spec, kinds = map_spec(fn, box, n, method=method, lr=lr, steps=steps, tol=tol,
                           minima=minima, hyper=hyper)
    if spec.n > MAX_IN_MEMORY:
        raise DomainError(f"a map of {spec.n:,}² starts is computed into a store: use "
                          "gradscape.basins(..., store='map.zarr') or gradscape basins --out")
    if backend not in ("auto", "numba", "numpy", "cuda"):
        raise DomainError(f"unknown backend {backend!r}; use auto, numba, numpy or cuda")
    if _on_gpu(fn, backend, spec):
        bm = _on_device(fn, spec, kinds)
        if progress is not None:
            progress(bm.labels.size, bm.labels.size)
        return bm
    rows = max(1, min(-(-spec.n // _BANDS), _BAND // spec.n))
    shape = (spec.n, spec.n)
    labels = np.empty(shape, np.int16)
    values = np.empty(shape, np.float32)
    taken = np.empty(shape, np.uint16)
    counts = np.zeros(len(STATUS_NAMES), np.int64)
    tiles: list[Tile] = []
    for r0 in range(0, spec.n, rows):
        t = compute_tile(spec, (r0, min(r0 + rows, spec.n)), (0, spec.n), f=fn,
                         jit=backend != "numpy")
        labels[r0:r0 + rows], values[r0:r0 + rows], taken[r0:r0 + rows] = \
            t.labels, t.values, t.taken
        counts += t.counts
        if len(t.centres):
            tiles.append(t)
        if progress is not None:
            progress(min(r0 + rows, spec.n) * spec.n, spec.n * spec.n)
    found, maps = merge_centres(len(spec.minima), [(t.centres, t.firsts) for t in tiles],
                                spec.radius)
    for t, mapping in zip(tiles, maps):
        band = labels[t.rows[0]:t.rows[1]]
        band[...] = relabel(band, mapping)
    return finish_map(fn, spec, kinds, labels, values, taken, counts, found)


def _on_gpu(f: Any, backend: str, spec: MapSpec) -> bool:
    """Whether the map runs on the GPU: asked for, or "auto" with a GPU and enough work."""
    if backend == "cuda":
        return True
    if backend != "auto" or not f.is_symbolic:
        return False
    from gradscape.optim.cuda import CUDA_AUTO_WORK, kernel_methods

    if spec.n ** 2 * spec.steps < CUDA_AUTO_WORK or spec.method not in kernel_methods():
        return False
    from gradscape.compile.cuda import gpu_present

    return gpu_present()


def _on_device(f: Any, spec: MapSpec, kinds: Sequence[str]) -> BasinMap:
    """The map from the GPU's labels; starts that converged away from every known minimum
    (label -2) are descended again on the GPU for their final points, to find new centres."""
    from gradscape.optim.cuda import basin_labels
    from gradscape.optim.descend import descend

    known = np.array(spec.minima, dtype=float).reshape(-1, 2)
    x, y = spec.axis(0), spec.axis(1)
    hp = dict(spec.hyper)
    got = basin_labels(f, x, y, spec.method, lr=spec.lr, steps=spec.steps, tol=spec.tol,
                       minima=known, radius=spec.radius, **hp)
    labels = got.labels.astype(np.int64)
    found = np.empty((0, 2))
    away = np.flatnonzero(labels.ravel() == -2)
    if away.size:
        X, Y = np.meshgrid(x, y)
        starts = np.column_stack([X.ravel()[away], Y.ravel()[away]])
        res = descend(f, starts, method=spec.method, lr=spec.lr, steps=spec.steps,
                      tol=spec.tol, backend="cuda", **hp)
        new, centres = assign(res.final, np.asarray(res.status), known, spec.radius)
        flat = labels.ravel()
        flat[away] = new
        labels = flat.reshape(labels.shape)
        found = centres[len(known):]
    counts = np.bincount(got.codes.ravel(), minlength=len(STATUS_NAMES))  # 67 M codes: no sort
    return finish_map(f, spec, kinds, labels.astype(np.int16), got.values.astype(np.float32),
                      got.steps.astype(np.uint16), counts.astype(np.int64), found)


def finish_map(f: Any, spec: MapSpec, kinds: Sequence[str], labels: np.ndarray,
               values: np.ndarray | None, taken: np.ndarray | None, counts: np.ndarray,
               found: np.ndarray) -> BasinMap:
    """The BasinMap of computed arrays: the table of minima is the known one, then ``found``."""
    minima = np.concatenate([np.array(spec.minima, dtype=float).reshape(-1, 2), found])
    return BasinMap(f, spec.axis(0), spec.axis(1), labels, minima, len(spec.minima),
                    {name: int(c) for name, c in zip(STATUS_NAMES, counts)}, spec.method,
                    spec.steps, spec.lr, values, taken,
                    (*kinds, *("reached",) * len(found)))
