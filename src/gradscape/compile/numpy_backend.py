"""NumPy code for a kernel: the reference backend, ready in milliseconds.

The generated function takes the inputs and a preallocated ``out`` of shape
``(n_out, *broadcast_shape)`` and fills every component, so a constant component is a full
array too. Callers run it under ``np.errstate(all="ignore")``.

>>> import sympy as sp
>>> from gradscape.compile.codegen import lower, render
>>> x, y = sp.symbols("x y", real=True)
>>> print(numpy_source(render(lower([x * y, sp.Integer(3)], [x, y]), "numpy"), 2))
def kernel(a0, a1, out):
    np.multiply(a0, a1, out=out[0, ...])
    out[1, ...] = 3.0
    return out
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gradscape.compile.codegen import Rendered
from gradscape.compile.npfuncs import NAMESPACE

__all__ = ["numpy_source", "numpy_function"]


def numpy_source(rendered: Rendered, n_in: int) -> str:
    """Text of ``kernel(a0, ..., out)`` for the rendered program."""
    params = ", ".join([*(f"a{n}" for n in range(n_in)), "out"])
    body = list(rendered.lines)
    for c, code in enumerate(rendered.outputs):
        target = f"out[{c}, ...]"  # a view even when out is 1-D (all inputs scalar)
        if isinstance(code, tuple):
            body.append(f"{code[0]}({', '.join(code[1:])}, out={target})")
        else:
            body.append(f"{target} = {code}")
    body.append("return out")
    return f"def kernel({params}):\n    " + "\n    ".join(body)


def numpy_function(rendered: Rendered, n_in: int, name: str) -> Callable[..., object]:
    """Compile the generated source (built from SymPy trees only, never from user text)."""
    namespace: dict[str, Any] = dict(NAMESPACE)
    exec(compile(numpy_source(rendered, n_in), f"<gradscape kernel {name}>", "exec"), namespace)
    return namespace["kernel"]
