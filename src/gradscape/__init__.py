"""gradscape: exact derivatives, gradients and Hessians; fields, optimizers and pictures.

>>> import gradscape as gs
>>> f = gs.Function("x^2 + y^2")
>>> f.gradient
(2*x, 2*y)
>>> f.grad(1.0, 2.0).tolist()
[2.0, 4.0]

Names load on first use, so ``import gradscape`` (and the symbolic CLI commands) never pull
in NumPy kernels, Numba or matplotlib before they are needed.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# The one place the version is written: pyproject.toml reads it from here (setuptools
# `attr`, without importing), and `gradscape --version` prints it.
__version__ = "0.2.0.dev0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "GradscapeError": "gradscape.errors",
    "FormulaError": "gradscape.errors",
    "LimitError": "gradscape.errors",
    "DomainError": "gradscape.errors",
    "parse": "gradscape.formula.parser",
    "LIBRARY": "gradscape.formula.library",
    "lookup": "gradscape.formula.library",
    "Function": "gradscape.calculus.function",
    "FormulaFunction": "gradscape.calculus.formula_function",
    "CallableFunction": "gradscape.calculus.callable_function",
    "jacobian": "gradscape.calculus.formula_function",
    "VectorFunction": "gradscape.calculus.vector",
    "laplacian": "gradscape.calculus.vector",
    "potential": "gradscape.calculus.potential",
    "Potential": "gradscape.calculus.potential",
    "numeric_gradient": "gradscape.calculus.numeric",
    "numeric_hessian": "gradscape.calculus.numeric",
    "GradientResult": "gradscape.calculus.numeric",
    "HessianResult": "gradscape.calculus.numeric",
    "gradient_check": "gradscape.calculus.gradcheck",
    "GradCheckReport": "gradscape.calculus.gradcheck",
    "derive": "gradscape.calculus.steps",
    "graph": "gradscape.calculus.graph",
    "Graph": "gradscape.calculus.graph",
    "definition": "gradscape.calculus.definition",
    "Definition": "gradscape.calculus.definition",
    "build_kernel": "gradscape.compile",
    "Field": "gradscape.fields.field",
    "field": "gradscape.fields.field",
    "descend": "gradscape.optim.descend",
    "OPTIMIZERS": "gradscape.optim.optimizers",
    "Trajectory": "gradscape.optim.result",
    "BatchResult": "gradscape.optim.result",
    "tune_lr": "gradscape.optim.tune",
    "constant": "gradscape.optim.schedules",
    "step_decay": "gradscape.optim.schedules",
    "exponential_decay": "gradscape.optim.schedules",
    "cosine": "gradscape.optim.schedules",
    "critical_points": "gradscape.optim.critical",
    "CriticalPoint": "gradscape.optim.critical",
    "constrained_points": "gradscape.optim.lagrange",
    "ConstrainedPoint": "gradscape.optim.lagrange",
    "TestFunction": "gradscape.formula.library",
    "basins": "gradscape.scale.run",
    "sweep": "gradscape.scale.sweep",
    "open_map": "gradscape.scale.stored",
    "explore": "gradscape.web.notebook",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gradscape' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
