"""The intersphinx inventories for the types our signatures name, written at build time.

The build machine has no network for the sites' own ``objects.inv``, and a build that fetches
them fails when a site is slow; so the few targets our API names are listed here with the
addresses those sites publish them at, and written as standard (version 2) inventories.
"""

from __future__ import annotations

import zlib
from pathlib import Path

# project -> (base URL, {object: (role, page#anchor)})
TARGETS: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "python": ("https://docs.python.org/3", {
        **{name: ("py:class", f"library/functions.html#{name}")
           for name in ("float", "int", "str", "bool", "list", "dict", "tuple", "object")},
        "typing.Any": ("py:data", "library/typing.html#typing.Any"),
        **{f"collections.abc.{name}": ("py:class",
                                       f"library/collections.abc.html#collections.abc.{name}")
           for name in ("Callable", "Sequence", "Mapping", "Iterator", "Iterable")},
        "pathlib.Path": ("py:class", "library/pathlib.html#pathlib.Path"),
        "argparse.ArgumentParser": ("py:class", "library/argparse.html#argparse.ArgumentParser"),
        "argparse.Namespace": ("py:class", "library/argparse.html#argparse.Namespace"),
        "ValueError": ("py:exception", "library/exceptions.html#ValueError"),
    }),
    "numpy": ("https://numpy.org/doc/stable", {
        "numpy.ndarray": ("py:class", "reference/generated/numpy.ndarray.html#numpy.ndarray"),
        "numpy.float64": ("py:class", "reference/arrays.scalars.html#numpy.float64"),
        "numpy.typing.NDArray": ("py:data", "reference/typing.html#numpy.typing.NDArray"),
        "numpy.typing.ArrayLike": ("py:data", "reference/typing.html#numpy.typing.ArrayLike"),
        "numpy.random.Generator": ("py:class",
                                   "reference/random/generator.html#numpy.random.Generator"),
    }),
    "sympy": ("https://docs.sympy.org/latest", {
        "sympy.core.expr.Expr": ("py:class", "modules/core.html#sympy.core.expr.Expr"),
        "sympy.core.basic.Basic": ("py:class", "modules/core.html#sympy.core.basic.Basic"),
        "sympy.core.symbol.Symbol": ("py:class", "modules/core.html#sympy.core.symbol.Symbol"),
        "sympy.matrices.dense.MutableDenseMatrix": (
            "py:class", "modules/matrices/dense.html#sympy.matrices.dense.MutableDenseMatrix"),
    }),
    "matplotlib": ("https://matplotlib.org/stable", {
        f"matplotlib.{name}": ("py:class", f"api/_as_gen/matplotlib.{name}.html#matplotlib.{name}")
        for name in ("axes.Axes", "figure.Figure", "colors.Colormap", "colors.Normalize")
    }),
}


def write(directory: Path) -> dict[str, tuple[str, str]]:
    """Write ``<project>.inv`` for each project into ``directory``; return the
    ``intersphinx_mapping`` that reads them."""
    directory.mkdir(parents=True, exist_ok=True)
    mapping = {}
    for project, (base, objects) in TARGETS.items():
        lines = "".join(f"{name} {role} 1 {uri} -\n" for name, (role, uri) in objects.items())
        header = (f"# Sphinx inventory version 2\n# Project: {project}\n# Version: \n"
                  "# The remainder of this file is compressed using zlib.\n")
        path = directory / f"{project}.inv"
        path.write_bytes(header.encode() + zlib.compress(lines.encode()))
        mapping[project] = (base, str(path))
    return mapping
