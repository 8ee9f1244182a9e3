"""What a Dask worker runs: one tile of a basin map, from plain data, into the store.

A task ships only the spec (formula text and settings, a few hundred bytes), the store's
address and the tile's place; the worker makes the starts from the tile's block location,
parses the formula and loads the compiled loop once per process (kept in
:mod:`gradscape.optim.basins`' cache), runs the loop on its own thread, and writes the tile
(data first, ``done`` last). A task that dies with its worker is run again elsewhere and
writes the same bytes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["tile_task", "warm"]


def tile_task(done: np.ndarray, *, spec: dict[str, Any], known: list[list[float]], path: str,
              chunk: int, block_info: dict[Any, Any] | None = None) -> np.ndarray:
    """The Dask block function: compute and store the tile at this block's location (unless
    ``done`` says it is), and return how many starts it computed, as a 1×1 block."""
    if bool(np.asarray(done).all()):
        return np.zeros((1, 1), dtype=np.int64)
    from gradscape.optim.basins import compute_tile
    from gradscape.scale.store import _tile_ranges, require_zarr, spec_from_dict, write_tile

    if block_info is None:  # Dask passes it to a block function that names it
        raise TypeError("tile_task is a Dask block function: call it through map_blocks")
    where = block_info[None]["chunk-location"]
    t = (int(where[0]), int(where[1]))
    s = spec_from_dict(spec, known)
    rows, cols = _tile_ranges(s.n, chunk, t)
    tile = compute_tile(s, rows, cols, serial=True)
    group = require_zarr().open_group(path, mode="r+")
    write_tile(group, chunk, t, tile, len(known))
    return np.full((1, 1), tile.labels.size, dtype=np.int64)


def warm(spec: dict[str, Any], known: list[list[float]], chunk: int) -> bool:
    """Parse the formula and load its compiled loop, and the pieces that tiles of
    ``chunk`` × ``chunk`` starts call, in this worker process (once; from the disk cache the
    client filled)."""
    from gradscape.optim.basins import prepare_tiles
    from gradscape.scale.store import spec_from_dict

    s = spec_from_dict(spec, known)
    prepare_tiles(s, min(chunk, s.n) ** 2)
    return True
