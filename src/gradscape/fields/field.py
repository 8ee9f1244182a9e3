"""``field``: values and gradients of a Function on a regular grid — the one source of grids.

Plots, the CLI and (later) the web page and the cluster all take their grids from here, so the
traps users hit once are handled once: the grid is evenly spaced and 'xy'-indexed (what
``streamplot`` needs), constant gradient components are full arrays, and points where the
function or its gradient is undefined are masked and counted instead of raising or warning.

>>> from gradscape import Function
>>> fld = field(Function("x^2 + y^2"), n=5)
>>> fld.shape, fld.gradient.shape
((5, 5), (2, 5, 5))
>>> float(fld.u[0, 0]), fld.invalid_count
(-6.0, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradscape.calculus.formula_function import FormulaFunction
from gradscape.calculus.function import Function
from gradscape.errors import DomainError

__all__ = ["Field", "field", "MAX_POINTS", "CHUNK_POINTS"]

MAX_POINTS = 100_000_000  # ~2.5 GB of float64 output for two variables: beyond this, refuse
CHUNK_POINTS = 1 << 20  # points per slab: keeps temporaries small and each slab in cache-sized work
_AXES = ("x", "y", "z")


@dataclass(frozen=True, eq=False)
class Field:
    """A Function sampled on a grid, with its gradient and a mask of undefined points.

    Arrays follow NumPy's ``meshgrid(..., indexing="xy")`` convention: for two variables,
    ``values[j, i]`` is f at ``(axes[0][i], axes[1][j])``.
    """

    function: Function
    axes: tuple[np.ndarray, ...]
    data: np.ndarray  # (1 + n, *shape): values then gradient components, filled in one pass

    @property
    def values(self) -> np.ndarray:
        return self.data[0]

    @property
    def gradient(self) -> np.ndarray:
        """Shape (n, *shape); component k is ∂f/∂(variable k)."""
        return self.data[1:]

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape[1:]

    @property
    def ndim(self) -> int:
        return len(self.axes)

    @property
    def grids(self) -> tuple[np.ndarray, ...]:
        """Coordinate arrays of the full grid shape (read-only broadcast views, no copies)."""
        return tuple(np.broadcast_to(g, self.shape) for g in np.meshgrid(*self.axes, sparse=True))

    @property
    def X(self) -> np.ndarray:
        return self.grids[0]

    @property
    def Y(self) -> np.ndarray:
        return self.grids[1]

    @property
    def u(self) -> np.ndarray:
        return self.gradient[0]

    @property
    def v(self) -> np.ndarray:
        return self.gradient[1]

    @property
    def mask(self) -> np.ndarray:
        """True where the value or any gradient component is NaN or infinite."""
        return ~np.isfinite(self.data).all(axis=0)

    @property
    def invalid_count(self) -> int:
        return int(self.mask.sum())

    @property
    def magnitude(self) -> np.ndarray:
        """|∇f| at every point (NaN where masked)."""
        with np.errstate(all="ignore"):
            mag = np.sqrt(np.einsum("k...,k...->...", self.gradient, self.gradient))
        mag[self.mask] = np.nan
        return mag

    def masked(self, array: np.ndarray) -> np.ma.MaskedArray:
        """``array`` (one of this field's) with the undefined points masked, for plotting."""
        # A writable mask: matplotlib's contourf edits the mask of what it is given.
        return np.ma.masked_array(array, mask=np.broadcast_to(self.mask, array.shape).copy())

    def summary(self) -> dict[str, Any]:
        """Sizes, ranges and the count of undefined points: JSON-ready."""
        ok = ~self.mask
        finite = self.values[ok]
        mag = self.magnitude[ok]
        return {
            "function": str(self.function),
            "variables": list(self.function.variables),
            "shape": list(self.shape),
            "ranges": [[float(a[0]), float(a[-1])] for a in self.axes],
            "invalid_points": self.invalid_count,
            "value_range": [float(finite.min()), float(finite.max())] if finite.size else None,
            "max_gradient_norm": float(mag.max()) if mag.size else None,
        }

    def _repr_html_(self) -> str:
        """A summary table for notebooks (pictures come from gradscape.plot)."""
        from html import escape

        rows = "".join(
            f"<tr><th style='text-align:left'>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>"
            for k, v in self.summary().items()
        )
        return f"<table><caption>Field</caption>{rows}</table>"

    def __repr__(self) -> str:
        size = "×".join(map(str, self.shape))
        return (
            f"<Field of {self.function.signature()} on {size} grid, {self.invalid_count} undefined>"
        )


def field(
    f: Function | str,
    x: tuple[float, float] = (-3.0, 3.0),
    y: tuple[float, float] = (-3.0, 3.0),
    z: tuple[float, float] = (-3.0, 3.0),
    n: int = 20,
    *,
    nx: int | None = None,
    ny: int | None = None,
    nz: int | None = None,
    backend: str = "auto",
    dtype: Any = np.float64,
) -> Field:
    """Sample ``f`` and its gradient on an evenly spaced grid.

    The ranges ``x``, ``y``, ``z`` belong to the function's first, second and third variable
    (whatever their names); ``n`` points per axis unless ``nx``/``ny``/``nz`` say otherwise.
    Functions of one, two or three variables are supported.

    >>> fld = field("sin(x)", x=(0, 3.14159), n=3)
    >>> fld.gradient.round(3).tolist()
    [[1.0, 0.0, -1.0]]
    """
    f = f if isinstance(f, Function) else Function(f)
    dims = len(f.variables)
    if not 1 <= dims <= 3:
        raise DomainError(
            f"fields are drawn for functions of 1 to 3 variables; {f.signature()} has {dims}"
        )
    ranges = (x, y, z)[:dims]
    counts = [c if c is not None else n for c in (nx, ny, nz)][:dims]
    axes = tuple(_axis(_AXES[k], ranges[k], counts[k], dtype) for k in range(dims))
    shape = _grid_shape([len(a) for a in axes])
    total = int(np.prod(shape))
    if total > MAX_POINTS:
        raise DomainError(
            f"a grid of {total:,} points is over the limit of {MAX_POINTS:,}; use a smaller n"
        )
    data = np.empty((1 + dims, *shape), dtype=dtype)
    sparse = np.meshgrid(*axes, sparse=True)
    rows = shape[0]
    per_row = total // rows
    step = max(1, CHUNK_POINTS // per_row)
    for r0 in range(0, rows, step):
        r1 = min(rows, r0 + step)
        coords = [g[r0:r1] if g.shape[0] == rows else g for g in sparse]
        _fill(f, coords, data[:, r0:r1], backend)
    return Field(function=f, axes=axes, data=data)


def _axis(name: str, bounds: Sequence[float], count: int, dtype: Any) -> np.ndarray:
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError) as err:
        raise DomainError(f"the {name} range must be two numbers (lo, hi), got {bounds!r}") from err
    if not (np.isfinite(lo) and np.isfinite(hi)) or not lo < hi:
        raise DomainError(f"the {name} range must be finite with lo < hi, got ({lo}, {hi})")
    if not isinstance(count, (int, np.integer)) or not 1 <= count <= 100_000:
        raise DomainError(
            f"the {name} grid size must be an integer from 1 to 100000, got {count!r}"
        )
    return np.linspace(lo, hi, int(count), dtype=dtype)


def _grid_shape(sizes: list[int]) -> tuple[int, ...]:
    # meshgrid's 'xy' indexing swaps the first two axes: rows are y, columns are x.
    return tuple(sizes) if len(sizes) == 1 else (sizes[1], sizes[0], *sizes[2:])


def _fill(f: Function, coords: list[np.ndarray], out: np.ndarray, backend: str) -> None:
    """Write value and gradient for one slab of rows into ``out`` (1 + n, rows, ...)."""
    if isinstance(f, FormulaFunction):
        f.kernel("value_grad")(*coords, out=out, backend=backend, dtype=out.dtype)
        return
    with np.errstate(all="ignore"):
        out[0] = f(*coords)
        out[1:] = f.grad(*coords)
