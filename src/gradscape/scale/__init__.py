"""Bigger than one machine: basin maps and optimizer sweeps on a Dask cluster, into Zarr.

:func:`basins` computes a basin map in this process or as a Dask graph of tiles written to a
Zarr store; :func:`open_map` reads one back (:class:`StoredMap`: the table of minima, and
overviews at screen resolution); :func:`sweep` runs every method × learning rate from the
same starts. Dask and Zarr are needed only for stores and clusters:
``pip install 'gradscape[dask]'``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# public name -> module under gradscape.scale that defines it
_EXPORTS: dict[str, str] = {
    "basins": "run", "open_map": "stored", "StoredMap": "stored", "sweep": "sweep",
    "SweepResult": "sweep", "connect": "cluster",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gradscape.scale' has no attribute {name!r}")
    value = getattr(import_module(f"gradscape.scale.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
