"""THE table of optimizers: one row per method, each a chain of pieces or a per-start method.

A row says what a user and the rest of gradscape need about one method: its title and summary,
a default learning rate (tuned on the library's 2-D landscapes), a citation, and how it moves:

- a chain of coordinate-wise pieces (:mod:`gradscape.optim.transforms`), composed as optax
  composes them: Nesterov is the ``trace`` piece's flag, AdamW is Adam's piece followed by
  ``add_decayed_weights``; or
- a per-start method (:mod:`gradscape.optim.methods`): Newton, Armijo's line search.

The hyper-parameters are the pieces' own, with their defaults and rules; ``fixed`` presets
some of them (``nesterov`` is momentum with ``nesterov=True``). Every consumer (the NumPy
reference, the fused loops, ``descend``, ``compare``, the CLI's option lists, the pictures)
reads this table, so a new optimizer is one new row, and the table drives every optimizer test.

>>> OPTIMIZERS["adam"].defaults()
{'b1': 0.9, 'b2': 0.999, 'eps': 1e-08}
>>> [piece.name for piece in OPTIMIZERS["adamw"].pieces]
['scale_by_adam', 'add_decayed_weights']
>>> OPTIMIZERS["adamw"].params({"b1": 0.9, "b2": 0.999, "eps": 1e-8, "weight_decay": 0.0})
(AdamParams(b1=0.9, b2=0.999, eps=1e-08), DecayParams(weight_decay=0.0))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from gradscape.errors import DomainError
from gradscape.optim.hyper import RULES, Hyper, check_value
from gradscape.optim.methods import ARMIJO, NEWTON, Method
from gradscape.optim.transforms import ADAM, DECAY, LION, RMS, RSS, TRACE, Chain, Piece, chain

__all__ = ["Hyper", "Optimizer", "OPTIMIZERS", "FIRST_ORDER", "lookup"]


@dataclass(frozen=True)
class Optimizer:
    """One row of the table (see the module docstring)."""

    name: str
    title: str
    summary: str
    lr: float  # default learning rate
    source: str
    pieces: tuple[Piece, ...] = ()  # a coordinate-wise chain (empty: plain gradient descent)
    method: Method | None = None  # or a per-start method
    fixed: Mapping[str, Any] = field(default_factory=dict)  # presets (nesterov: True)

    @property
    def hyper(self) -> tuple[Hyper, ...]:
        """Every hyper-parameter, in the order the pieces (or the method) take them."""
        if self.method is not None:
            return self.method.hyper
        return tuple(h for piece in self.pieces for h in piece.hyper)

    @property
    def needs(self) -> frozenset[str]:
        """What the method evaluates besides the gradient: "value", "hess"."""
        return self.method.needs if self.method is not None else frozenset({"grad"})

    @property
    def coordinatewise(self) -> bool:
        """True for a chain of coordinate-wise pieces (the SIMD loop), False for a method."""
        return self.method is None

    @cached_property
    def chain(self) -> Chain:
        """The chain composed for plain Python (the NumPy reference)."""
        return chain(*self.pieces)

    def defaults(self) -> dict[str, Any]:
        """Every hyper-parameter at its default (presets included)."""
        return {h.name: self.fixed.get(h.name, h.default) for h in self.hyper}

    def check(self, lr: float | None, hyper: Mapping[str, Any]) -> tuple[float, dict[str, Any]]:
        """Validated (lr, hyper-parameters) with defaults filled in; DomainError says which."""
        known = {h.name: h for h in self.hyper}
        for name in hyper:
            if name not in known:
                options = ", ".join(known) or "none"
                raise DomainError(
                    f"{self.name} has no hyper-parameter {name!r}; its hyper-parameters: {options}"
                )
            if name in self.fixed and hyper[name] != self.fixed[name]:
                raise DomainError(f"{self.name} fixes {name}={self.fixed[name]}; use 'momentum' "
                                  f"to choose {name}")
        lr = self.lr if lr is None else lr
        if not RULES["positive"][0](lr):
            raise DomainError(f"learning rate lr must be a number > 0, got {lr!r} "
                              f"({self.name}'s default is {self.lr})")
        values = {**self.defaults(), **hyper}
        checked = {name: check_value(known[name], value, self.name)
                   for name, value in values.items()}
        return float(lr), checked

    def params(self, values: Mapping[str, Any]) -> Any:
        """The hyper-parameters as the loops take them: one NamedTuple per piece (a tuple),
        or the method's NamedTuple."""
        if self.method is not None:
            return self.method.params(*(values[h.name] for h in self.method.hyper))
        return tuple(piece.params(*(values[h.name] for h in piece.hyper))
                     for piece in self.pieces)


_KB = "Kingma & Ba (2015), Adam: A method for stochastic optimization, ICLR"

_ROWS = (
    Optimizer("gd", "Gradient descent", "x ← x − lr·∇f(x): a step along the steepest descent.",
              0.01, "Cauchy (1847); the tutorial's method"),
    Optimizer("momentum", "Momentum (heavy ball)",
              "v ← β·v + ∇f; x ← x − lr·v: velocity carries through narrow valleys.",
              0.01, "Polyak (1964), USSR Comput. Math. & Math. Phys. 4(5):1-17", (TRACE,)),
    Optimizer("nesterov", "Nesterov momentum",
              "momentum, stepping by ∇f + β·v (the look-ahead form, as optax and PyTorch).",
              0.01, "Nesterov (1983); Sutskever et al. (2013), ICML", (TRACE,),
              fixed={"nesterov": True}),
    Optimizer("adagrad", "AdaGrad", "per-coordinate rate lr/√(Σ g²): big steps on flat axes.",
              0.5, "Duchi, Hazan & Singer (2011), JMLR 12:2121-2159", (RSS,)),
    Optimizer("rmsprop", "RMSProp", "per-coordinate rate lr/√(running mean of g²).",
              0.01, "Tieleman & Hinton (2012), Coursera NN lecture 6.5", (RMS,)),
    Optimizer("adam", "Adam", "momentum and RMSProp with bias correction.", 0.05, _KB, (ADAM,)),
    Optimizer("adamw", "AdamW", "Adam with decoupled weight decay: x shrinks by lr·wd·x.",
              0.05, "Loshchilov & Hutter (2019), Decoupled weight decay regularization, ICLR",
              (ADAM, DECAY)),
    Optimizer("lion", "Lion", "x ← x − lr·sign(β1·m + (1 − β1)·∇f): every coordinate moves by "
              "exactly lr, plus decoupled weight decay as in AdamW.",
              0.01, "Chen et al. (2023), Symbolic discovery of optimization algorithms, "
              "NeurIPS, Alg. 2", (LION, DECAY)),
    Optimizer("newton", "Newton (saddle-free)",
              "x ← x − lr·|H|⁻¹∇f with the exact Hessian; |H| flips negative curvature and "
              "floors tiny eigenvalues, so every step descends.",
              1.0, "Nocedal & Wright (2006), Numerical Optimization, §3.4; Dauphin et al. (2014)",
              method=NEWTON),
    Optimizer("armijo", "Gradient descent + Armijo line search",
              "tries lr, lr·shrink, … until f drops by at least c·rate·|∇f|².",
              1.0, "Armijo (1966), Pacific J. Math. 16(1):1-3; Nocedal & Wright, Alg. 3.1",
              method=ARMIJO),
)

OPTIMIZERS: dict[str, Optimizer] = {row.name: row for row in _ROWS}
"""THE optimizer table, by name."""
FIRST_ORDER: tuple[str, ...] = tuple(row.name for row in _ROWS if row.coordinatewise)
"""The methods that are chains of coordinate-wise pieces."""


def lookup(name: str) -> Optimizer:
    """The row for ``name`` (case-insensitive), or a DomainError listing the choices.

    >>> lookup("Adam").title
    'Adam'
    """
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in OPTIMIZERS:
        raise DomainError(f"unknown method {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[key]
