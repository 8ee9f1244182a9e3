"""Pictures of functions, fields and descent, drawn with matplotlib.

Each function takes an ``Axes``, draws, and returns what it drew (matplotlib's gallery
convention); no pyplot state is touched. :func:`make_figure` draws a whole picture by name,
the way ``gradscape plot KIND`` does. (``surface``, ``paths`` and ``basins`` are modules of
the same name: ``from gradscape.plot.paths import paths``.)

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from gradscape.plot import make_figure
>>> make_figure("paths", "x^2 + 3y^2", starts=[[2.0, 2.0]], methods=("gd",), lr=0.1,
...             steps=100, n=40).summary["paths"][0]["status"]
'converged'
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import Any

# public name -> module under gradscape.plot that defines it
_EXPORTS: dict[str, str] = {
    "make_figure": "figures", "FIGURES": "figures", "KINDS": "figures",
    "quiver": "quiver", "arrow_components": "quiver",
    "contour": "planar", "stream": "planar", "magnitude": "planar", "directional": "planar",
    "tangent_plane": "surface",
    "function_and_derivative": "oned", "tangent_line": "oned", "secants": "oned",
    "secant_slopes": "oned",
    "loss": "paths", "run_paths": "paths", "as_path": "paths", "basin_map": "basins",
    "animate_descent": "animate", "animate_secant": "animate", "save_animation": "animate",
    "contour_levels": "scales", "default_box": "scales", "caption": "text",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gradscape.plot' has no attribute {name!r}")
    value = getattr(import_module(f"gradscape.plot.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


class _Package(ModuleType):
    """This package, keeping its exported functions when same-named submodules load."""

    # Importing the submodule gradscape.plot.quiver (figures.py does) makes Python set the
    # package attribute ``quiver`` to that module, so ``from gradscape.plot import quiver``
    # would give a module, not the function _EXPORTS promises. Skip that one assignment;
    # the submodule stays reachable through sys.modules and ``from ... .quiver import``.
    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and _EXPORTS.get(name) == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
