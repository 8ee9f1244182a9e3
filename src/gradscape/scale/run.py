"""``basins``: a basin map of any size, in this process or on a Dask cluster, into Zarr.

Which road a map takes:

- no store, no cluster asked for, at most 8192² starts: in this process, in memory
  (:func:`gradscape.optim.basins.basin_map`), returning a BasinMap;
- a store and no cluster asked for, at most 4096² starts: in this process, tile by tile into
  the store (resumable), returning a :class:`~gradscape.scale.stored.StoredMap`;
- anything bigger, or any run given ``scheduler`` or ``workers``: a Dask graph,
  ``map_blocks`` over the grid of tiles, each task computing its tile and writing it to the
  store (a temporary one when none is given, loaded into memory at the end).

Either way every tile runs the same code on the same starts, so the maps are equal.

>>> bm = basins("himmelblau", n=8, lr=0.01, steps=300)
>>> bm.labels.shape, bm.kinds[:1]
((8, 8), ('global minimum',))
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

import numpy as np

from gradscape.errors import DomainError
from gradscape.optim.basins import MAX_IN_MEMORY, BasinMap, basin_map, map_spec
from gradscape.scale.store import MapStore
from gradscape.scale.stored import StoredMap

__all__ = ["basins", "IN_PROCESS_N", "DEFAULT_CHUNK", "MAX_CHUNK"]

IN_PROCESS_N = 4096  # maps up to this many starts per axis run in this process by default
DEFAULT_CHUNK = 1024  # tile side: 1M starts per task (seconds of work; see docs/scale.md)
MAX_CHUNK = 4096  # a tile's working memory is ~100 bytes per start: 1.6 GB at most
Progress = Callable[[int, int], None]


def basins(f: Any, x: tuple[float, float] | None = None, y: tuple[float, float] | None = None,
           n: int = 100, *, method: str = "gd", lr: float | None = None, steps: int = 500,
           tol: float | None = 1e-8, chunks: int | None = None, scheduler: Any = None,
           workers: int | None = None, store: str | None = None, resume: bool = False,
           minima: Any = None, progress: Progress | None = None,
           announce: Callable[[str], None] | None = None,
           **hyper: Any) -> BasinMap | StoredMap:
    """The basin map of ``f`` over ``x`` × ``y`` from an n×n grid of starts.

    Args:
        f: a Function, formula text or library name.
        x, y: the ranges of the two variables (default: the function's window).
        n: starts per axis (up to 131,072).
        method, lr, steps, tol, **hyper: the descent from each start (as ``descend``).
        chunks: the side of a tile (default 1024, or n for a small map).
        scheduler: a Dask scheduler address (``tcp://HOST:PORT``) or a ``distributed.Client``.
        workers: run on a new LocalCluster of this many processes.
        store: a path (or fsspec URL) for the Zarr group; every worker must reach it.
        resume: finish the map in an existing ``store`` (only missing tiles are computed).
        minima: the table of minima to label against (default: published, else critical
            points, else a coarse pass).
        progress: ``progress(done, total)`` in starts, after each tile.
        announce: called with the Dask dashboard's address when a cluster is used.

    Returns a BasinMap (in memory) when ``store`` is None, else a StoredMap reading the store.
    """
    from gradscape.optim.descend import as_function

    fn = as_function(f)
    dask = scheduler is not None or workers is not None or (store is not None and n > IN_PROCESS_N)
    if store is None and not dask:
        box = None if x is None and y is None else _box(fn, x, y)
        return basin_map(fn, box, n, method=method, lr=lr, steps=steps, tol=tol, minima=minima,
                         progress=progress, **hyper)
    if store is None and isinstance(n, int) and n > MAX_IN_MEMORY:
        raise DomainError(f"a map of {n:,}² starts does not fit in memory: give a store "
                          "(store='map.zarr', or --out MAP.zarr)")
    if dask and not fn.is_symbolic:
        raise DomainError("a Dask run ships the formula to its workers; this Function wraps "
                          "Python code: run it in this process (no scheduler, no workers)")
    temporary = tempfile.mkdtemp(prefix="gradscape-map-") if store is None else None
    path = store if store is not None else os.path.join(str(temporary), "map.zarr")
    try:
        ms = _open(fn, _box(fn, x, y), n, path, resume, chunks, method=method, lr=lr,
                   steps=steps, tol=tol, minima=minima, hyper=hyper)
        if not ms.complete():
            if dask:
                _on_dask(ms, scheduler, workers, progress, announce)
            else:
                _in_process(ms, fn, progress)
            ms.finish(fn)
        stored = StoredMap(ms)
        return stored.load() if temporary is not None else stored
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


def _box(fn: Any, x: Any, y: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    from gradscape.optim.window import default_box

    if x is None or y is None:
        default = default_box(fn) if len(fn.variables) == 2 else ((-3.0, 3.0),) * 2
        x = default[0] if x is None else x
        y = default[1] if y is None else y
    try:
        return (float(x[0]), float(x[1])), (float(y[0]), float(y[1]))
    except (TypeError, ValueError, IndexError):
        raise DomainError(f"x and y are ranges (lo, hi), got x={x!r}, y={y!r}") from None


def _chunk(chunks: int | None, n: int) -> int:
    c = min(n, DEFAULT_CHUNK) if chunks is None else chunks
    if isinstance(c, bool) or not isinstance(c, int | np.integer) or not 2 <= c <= MAX_CHUNK:
        raise DomainError(f"the tile side (chunk) must be a whole number from 2 to {MAX_CHUNK:,}, "
                          f"got {c!r}")
    return int(c)


def _open(fn: Any, box: Any, n: int, path: str, resume: bool, chunks: int | None,
          **settings: Any) -> MapStore:
    """The store to compute into: a new one, or (``resume``) the one at ``path``, checked to
    hold the same map; the table of minima of a resumed map is the one it was started with."""
    hyper = settings.pop("hyper")
    minima = settings.pop("minima")
    exists = _exists(path)
    if exists and resume:
        quick, _ = map_spec(fn, box, n, minima=(), hyper=hyper, **settings)
        ms = MapStore.open(path, mode="r+")
        ms.check_same(quick, _chunk(chunks if chunks is not None else ms.chunk, n))
        return ms
    spec, kinds = map_spec(fn, box, n, minima=minima, hyper=hyper, **settings)
    return MapStore.create(path, spec, kinds, _chunk(chunks, spec.n))


def _exists(path: str) -> bool:
    if "://" in path:  # a URL: let zarr say whether a group is there
        try:
            MapStore.open(path)
            return True
        except DomainError:
            return False
    return os.path.exists(path)


def _in_process(ms: MapStore, fn: Any, progress: Progress | None) -> None:
    from gradscape.optim.basins import compute_tile

    todo = ms.missing()
    total = sum(_size(ms, t) for t in todo)
    done = 0
    for t in todo:
        ms.write(t, compute_tile(ms.spec, *ms.ranges(t), f=fn))
        done += _size(ms, t)
        if progress is not None:
            progress(done, total)


def _size(ms: MapStore, t: tuple[int, int]) -> int:
    rows, cols = ms.ranges(t)
    return (rows[1] - rows[0]) * (cols[1] - cols[0])


def _on_dask(ms: MapStore, scheduler: Any, workers: int | None, progress: Progress | None,
             announce: Callable[[str], None] | None) -> None:
    """One task per missing tile, ``map_blocks`` over the grid of tiles' done flags."""
    from gradscape.scale.cluster import connect

    with connect(scheduler, workers) as client:
        import dask.array as da
        from distributed import as_completed, futures_of

        from gradscape.scale.tasks import tile_task, warm

        if announce is not None and client.dashboard_link:
            announce(str(client.dashboard_link))
        done = np.asarray(ms.group["done"][...])
        todo = int((~done).sum())
        total = sum(_size(ms, t) for t in ms.missing())
        spec = ms.spec.to_dict()
        known = [list(p) for p in ms.spec.minima]
        # Compile here first (the disk cache then holds the machine code: workers sharing
        # this machine or its home directory load it), then every worker loads it once, now,
        # before any tile: no tile waits for a JIT, and no two workers compile at once.
        warm(spec, known, ms.chunk)
        client.run(warm, spec, known, ms.chunk)
        grid = da.from_array(done, chunks=1)
        tiles = da.map_blocks(tile_task, grid, dtype=np.int64, spec=spec, known=known,
                              path=ms.path, chunk=ms.chunk,
                              meta=np.empty((0, 0), dtype=np.int64))
        futures = futures_of(client.persist(tiles, optimize_graph=False))
        finished = 0
        try:
            for future in as_completed(futures):
                finished += int(np.asarray(future.result()).sum())
                if progress is not None and todo:
                    progress(finished, total)
        except BaseException:  # Ctrl-C, a failed tile: stop the rest (the store stays sound)
            client.cancel(futures)
            raise
