"""Kernels: SymPy expressions compiled to NumPy or Numba array functions.

Importing this package imports only NumPy; SymPy code generation loads on the first build
and Numba on the first compiled call, so symbolic commands never pay for the JIT.

>>> import numpy as np, sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> grad = build_kernel([2 * x, 2 * y], [x, y])
>>> grad(np.array([1.0, 2.0]), np.array([3.0, 4.0])).tolist()
[[2.0, 4.0], [6.0, 8.0]]
"""

from gradscape.compile.kernel import (
    AUTO_THRESHOLD,
    Kernel,
    build_gradient_kernel,
    build_kernel,
    have_numba,
)

__all__ = ["AUTO_THRESHOLD", "Kernel", "build_gradient_kernel", "build_kernel", "have_numba"]
