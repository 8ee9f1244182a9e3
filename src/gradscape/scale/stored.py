"""A basin map read from its store: the table of minima, and pictures at screen resolution.

Nothing here loads a whole map. :meth:`StoredMap.overview` reduces the label image window
by window (each window about one chunk): every output pixel is the most frequent label of
its f×f block of starts, so a basin narrower than a pixel does not speckle the picture and a
65,536² map becomes a 1,024² image in one pass over the store.

>>> labels = np.array([[0, 0, 1, 1], [0, 2, 1, 1], [-1, -1, 2, 2], [-1, 0, 2, 2]])
>>> mode_reduce(labels, 2).tolist()
[[0, 1], [-1, 2]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradscape.optim.basins import MAX_IN_MEMORY, BasinMap
from gradscape.scale.store import MapStore

__all__ = ["StoredMap", "open_map", "mode_reduce", "SCREEN"]

SCREEN = 1024  # pixels per axis of an overview
_PAD = np.iinfo(np.int16).min  # marks the padding of a partial block (never a label)


def mode_reduce(labels: np.ndarray, f: int) -> np.ndarray:
    """Each f×f block of ``labels`` replaced by its most frequent label (ties: the smallest);
    partial blocks at the edges count only their starts."""
    h, w = labels.shape
    H, W = -(-h // f), -(-w // f)
    padded = np.full((H * f, W * f), _PAD, dtype=np.int16)
    padded[:h, :w] = labels
    cells = padded.reshape(H, f, W, f).transpose(0, 2, 1, 3).reshape(H, W, f * f)
    present = np.unique(cells)
    present = present[present != _PAD]
    best = np.full((H, W), -1, dtype=np.int16)
    most = np.zeros((H, W), dtype=np.int64)
    for v in present:  # few labels per window: one pass each
        count = (cells == v).sum(axis=2)
        more = count > most
        best[more] = v
        most[more] = count[more]
    return best


class StoredMap:
    """A computed map in its store: ``labels``, ``values`` and ``taken`` are Zarr arrays
    (read on demand); ``minima``, ``kinds``, ``share()`` and ``counts`` come from the
    store's attributes."""

    def __init__(self, store: MapStore) -> None:
        self.store = store
        self.path = store.path
        meta = store.meta
        self.spec = store.spec
        table = meta["minima"]
        self.minima = np.array([m["point"] for m in table], dtype=float).reshape(-1, 2)
        self.kinds = tuple(str(m["kind"]) for m in table)
        self.shares = np.array([m.get("share", np.nan) for m in table], dtype=float)
        self.counts: dict[str, int] = dict(meta.get("counts", {}))
        self.complete = bool(meta.get("complete"))
        self.labels = store.group["label"]
        self.values = store.group["value"]
        self.taken = store.group["steps"]

    @property
    def n(self) -> int:
        return self.spec.n

    def function(self) -> Any:
        """The map's Function, parsed again from the formula text the store records."""
        from gradscape.calculus.function import Function

        return Function(self.spec.formula, self.spec.variables)

    def share(self) -> np.ndarray:
        """Fraction of all starts reaching each minimum (recorded when the map completed)."""
        return self.shares

    def overview(self, pixels: int = SCREEN) -> BasinMap:
        """A BasinMap of at most ``pixels`` per axis (the whole map when it is smaller): each
        pixel the most frequent label of its block, at the block's centre; shares and counts
        are the whole map's."""
        n = self.n
        f = max(1, -(-n // max(int(pixels), 2)))
        out = -(-n // f)
        image = np.empty((out, out), dtype=np.int16)
        step = f * max(1, self.store.chunk // f)  # windows of about one chunk, whole blocks
        for r0 in range(0, n, step):
            for c0 in range(0, n, step):
                window = np.asarray(self.labels[r0:r0 + step, c0:c0 + step])
                block = mode_reduce(window, f)
                image[r0 // f:r0 // f + block.shape[0], c0 // f:c0 // f + block.shape[1]] = block
        x, y = (self._centres(self.spec.axis(k), f) for k in (0, 1))
        return BasinMap(self.function(), x, y, image, self.minima, len(self.spec.minima),
                        self.counts, self.spec.method, self.spec.steps, self.spec.lr,
                        kinds=self.kinds, shares=self.shares if f > 1 else None)

    @staticmethod
    def _centres(axis: np.ndarray, f: int) -> np.ndarray:
        if f == 1:
            return axis
        pad = -len(axis) % f
        full = np.concatenate([axis, np.full(pad, np.nan)]).reshape(-1, f)
        return np.asarray(np.nanmean(full, axis=1))

    def load(self) -> BasinMap:
        """The whole map in memory (up to 8192² starts)."""
        from gradscape.errors import DomainError

        if self.n > MAX_IN_MEMORY:
            raise DomainError(f"a map of {self.n:,}² starts is too big to load; draw its "
                              "overview() instead")
        return BasinMap(self.function(), self.spec.axis(0), self.spec.axis(1),
                        np.asarray(self.labels[...]), self.minima, len(self.spec.minima),
                        self.counts, self.spec.method, self.spec.steps, self.spec.lr,
                        np.asarray(self.values[...]), np.asarray(self.taken[...]), self.kinds)

    def __repr__(self) -> str:
        return (f"StoredMap({self.path!r}, n={self.n}, method={self.spec.method!r}, "
                f"minima={len(self.minima)}, complete={self.complete})")


def open_map(path: str) -> StoredMap:
    """The map stored at ``path`` (a Zarr group written by :func:`gradscape.scale.basins`)."""
    return StoredMap(MapStore.open(path))
