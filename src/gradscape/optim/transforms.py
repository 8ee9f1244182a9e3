"""Coordinate-wise optimizer pieces, each written once, and ``chain`` to compose them (optax).

A :class:`Piece` turns an update direction ``u`` (at first the gradient) into a new one, one
coordinate at a time, with plain float arithmetic. The same function runs two ways:

- compiled by Numba inside the fused loop, on one coordinate of one start (``j`` a lane
  index, ``s`` that coordinate's state rows ``(slots, lanes)``);
- in the NumPy reference, on every coordinate of every start at once (``j`` is ``...``,
  ``s`` the whole state ``(slots, starts, n)``).

The arithmetic is the same, operation for operation, so both agree bit for bit wherever the
formula's own code does. A piece's signature is ``update(u, x, s, o, j, c, p) -> u``: ``x`` the
coordinate, ``s[o + k, j]`` its k-th state slot (zero at the start), ``c`` this step's
constants from ``per_step(t, lr, p)`` and ``p`` its hyper-parameters (a NamedTuple). The loop
then steps ``x ← x − lr·u``, as optax's ``scale_by_learning_rate`` ends a chain.

>>> import numpy as np
>>> step = chain(TRACE)
>>> p = (TraceParams(0.5, False),)
>>> s = np.zeros((1, 1, 1)); x = np.array([[1.0]])
>>> for t in range(2):
...     u = step.update(2 * x, x, s, 0, ..., step.per_step(t, 0.1, p), p)
...     x = x - 0.1 * u
>>> x.round(4).tolist()   # v1 = 2, x1 = 0.8; v2 = 1 + 1.6, x2 = 0.8 - 0.26
[[0.54]]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from gradscape.optim.hyper import Hyper

__all__ = ["Piece", "Chain", "chain", "TRACE", "RSS", "RMS", "ADAM", "DECAY", "LION",
           "TraceParams", "RmsParams", "EpsParams", "AdamParams", "DecayParams", "LionParams"]

Update = Callable[..., Any]


def no_constants(t: Any, lr: Any, p: Any) -> tuple[()]:
    """Per-step constants of a piece that needs none."""
    return ()


class Piece(NamedTuple):
    """One transformation: its hyper-parameters, per-coordinate state and update."""

    name: str
    params: type  # a NamedTuple class whose fields are the hyper-parameters, in order
    hyper: tuple[Hyper, ...]
    slots: tuple[str, ...]
    update: Update
    per_step: Update = no_constants


# ---- trace: momentum, heavy ball or Nesterov ---------------------------------------------
class TraceParams(NamedTuple):
    """The hyper-parameters of :data:`TRACE`."""

    beta: float
    nesterov: bool


def trace(u: Any, x: Any, s: Any, o: int, j: Any, c: Any, p: TraceParams) -> Any:
    """v ← β·v + u; the direction is v, or u + β·v in Nesterov's look-ahead form."""
    v = p.beta * s[o, j] + u
    s[o, j] = v
    if p.nesterov:
        return u + p.beta * v
    return v


TRACE = Piece("trace", TraceParams, (
    Hyper("beta", 0.9, "unit", "momentum: the fraction of the last velocity kept"),
    Hyper("nesterov", False, "flag", "Nesterov's look-ahead form"),
), ("v",), trace)
"""Momentum (heavy ball), or Nesterov's form with ``nesterov=True``."""


# ---- scale by the root of the sum of squares: AdaGrad -----------------------------------
class EpsParams(NamedTuple):
    """The hyper-parameter of :data:`RSS`."""

    eps: float


def scale_by_rss(u: Any, x: Any, s: Any, o: int, j: Any, c: Any, p: EpsParams) -> Any:
    """acc ← acc + u²; direction u/(√acc + ε): big steps along flat axes."""
    acc = s[o, j] + u * u
    s[o, j] = acc
    return u / (np.sqrt(acc) + p.eps)


_EPS = Hyper("eps", 1e-8, "positive", "added to the denominator so it is never 0")
RSS = Piece("scale_by_rss", EpsParams, (_EPS,), ("acc",), scale_by_rss)
"""AdaGrad's scaling by the root of the sum of squared gradients."""


# ---- scale by a running root mean square: RMSProp ----------------------------------------
class RmsParams(NamedTuple):
    """The hyper-parameters of :data:`RMS`."""

    beta: float
    eps: float


def scale_by_rms(u: Any, x: Any, s: Any, o: int, j: Any, c: Any, p: RmsParams) -> Any:
    """v ← β·v + (1 − β)·u²; direction u/(√v + ε)."""
    v = p.beta * s[o, j] + (1.0 - p.beta) * (u * u)
    s[o, j] = v
    return u / (np.sqrt(v) + p.eps)


RMS = Piece("scale_by_rms", RmsParams, (
    Hyper("beta", 0.9, "unit", "decay of the running mean of g²"), _EPS), ("v",), scale_by_rms)
"""RMSProp's scaling by a running root mean square of the gradients."""


# ---- Adam's moments with bias correction --------------------------------------------------
class AdamParams(NamedTuple):
    """The hyper-parameters of :data:`ADAM`."""

    b1: float
    b2: float
    eps: float


def adam_constants(t: Any, lr: Any, p: AdamParams) -> tuple[Any, Any]:
    """Kingma & Ba's "more efficient" order (§2): the bias corrections fold into a factor
    a = √(1−β2ᵗ)/(1−β1ᵗ) and ε̂ = ε·√(1−β2ᵗ), once per step, so a·m/(√v + ε̂) = m̂/(√v̂ + ε)."""
    c2 = np.sqrt(1.0 - p.b2 ** (t + 1.0))
    return c2 / (1.0 - p.b1 ** (t + 1.0)), p.eps * c2


def scale_by_adam(u: Any, x: Any, s: Any, o: int, j: Any, c: Any, p: AdamParams) -> Any:
    """m ← β1·m + (1 − β1)·u; v ← β2·v + (1 − β2)·u²; direction a·m/(√v + ε̂)."""
    m = p.b1 * s[o, j] + (1.0 - p.b1) * u
    v = p.b2 * s[o + 1, j] + (1.0 - p.b2) * (u * u)
    s[o, j] = m
    s[o + 1, j] = v
    return c[0] * m / (np.sqrt(v) + c[1])


ADAM = Piece("scale_by_adam", AdamParams, (
    Hyper("b1", 0.9, "unit", "decay of the mean of g"),
    Hyper("b2", 0.999, "unit", "decay of the mean of g²"), _EPS,
), ("m", "v"), scale_by_adam, adam_constants)
"""Adam's bias-corrected moments."""


# ---- decoupled weight decay ----------------------------------------------------------------
class DecayParams(NamedTuple):
    """The hyper-parameter of :data:`DECAY`."""

    weight_decay: float


def add_decayed_weights(u: Any, x: Any, s: Any, o: int, j: Any, c: Any, p: DecayParams) -> Any:
    """direction u + wd·x: x also shrinks by lr·wd·x, never fed through the moments."""
    return u + p.weight_decay * x


DECAY = Piece("add_decayed_weights", DecayParams, (
    Hyper("weight_decay", 0.01, "nonneg", "decoupled weight decay"),), (), add_decayed_weights)
"""Decoupled weight decay, added after a scaling (AdamW, Lion)."""


# ---- Lion: the sign of an interpolated momentum --------------------------------------------
class LionParams(NamedTuple):
    """The hyper-parameters of :data:`LION`."""

    b1: float
    b2: float


def scale_by_lion(u: Any, x: Any, s: Any, o: int, j: Any, c: Any, p: LionParams) -> Any:
    """direction sign(β1·m + (1 − β1)·u), then m ← β2·m + (1 − β2)·u (Chen et al., Alg. 2)."""
    m = s[o, j]
    d = np.sign(p.b1 * m + (1.0 - p.b1) * u)
    s[o, j] = p.b2 * m + (1.0 - p.b2) * u
    return d


LION = Piece("scale_by_lion", LionParams, (
    Hyper("b1", 0.9, "unit", "weight of the momentum in the update's sign"),
    Hyper("b2", 0.99, "unit", "decay of the momentum"),
), ("m",), scale_by_lion)
"""Lion's update: the sign of an interpolated momentum."""


# ---- chain -------------------------------------------------------------------------------
class Chain(NamedTuple):
    """Pieces applied in order: the composed ``update``/``per_step`` and the state layout."""

    pieces: tuple[Piece, ...]
    update: Update
    per_step: Update

    @property
    def slots(self) -> int:
        """State slots per coordinate, all pieces together."""
        return sum(len(piece.slots) for piece in self.pieces)


def chain(*pieces: Piece, jit: Callable[[Update], Update] | None = None) -> Chain:
    """Compose pieces left to right; ``c`` and ``p`` become tuples with one item per piece.

    ``jit`` (Numba's ``njit`` with options) compiles each piece and the composition, so the
    fused loop calls one function per coordinate that LLVM inlines into straight-line code.
    """
    wrap = jit if jit is not None else (lambda fn: fn)
    updates = [wrap(piece.update) for piece in pieces]
    constants = [wrap(piece.per_step) for piece in pieces]
    offsets = np.cumsum([0] + [len(piece.slots) for piece in pieces]).tolist()
    update, per_step = wrap(_identity), wrap(no_constants)
    # Build from the last piece backwards: each link calls one piece, then the rest.
    for k in range(len(pieces) - 1, -1, -1):
        update = wrap(_link(updates[k], update, offsets[k + 1] - offsets[k]))
        per_step = wrap(_link_constants(constants[k], per_step))
    return Chain(tuple(pieces), update, per_step)


def _identity(u: Any, x: Any, s: Any, o: int, j: Any, c: Any, p: Any) -> Any:
    return u


def _link(first: Update, rest: Update, width: int) -> Update:
    def update(u: Any, x: Any, s: Any, o: int, j: Any, c: Any, p: Any) -> Any:
        return rest(first(u, x, s, o, j, c[0], p[0]), x, s, o + width, j, c[1:], p[1:])

    return update


def _link_constants(first: Update, rest: Update) -> Update:
    def per_step(t: Any, lr: Any, p: Any) -> Any:
        # tuple concatenation, not (a, *b): Numba compiles the former
        return (first(t, lr, p[0]),) + rest(t, lr, p[1:])  # noqa: RUF005

    return per_step
