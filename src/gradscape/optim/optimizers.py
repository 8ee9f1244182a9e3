"""THE table of optimizers: one row per method, each an (init, update) pair plus its fused code.

Every row holds what all of gradscape needs about one method: a default learning rate, its
hyper-parameters with their valid ranges, a NumPy ``Transform`` (the reference, in the style of
optax: ``init(x) -> state`` and ``update(g, state, x, lr, oracle) -> (step, new_state)``, with
immutable NamedTuple states, vectorised over start points), and the lines of code the fused
Numba loop (:mod:`gradscape.optim.fused`) unrolls per variable. Tests drive every row through
the same problems, so a new method is one new row.

The fused lines use fixed names: ``a{i}`` the coordinate, ``g_{i}`` the gradient, ``GN2`` the
squared gradient norm, ``LR`` this step's rate, ``STEP`` its number (from 0), ``HP_<name>``
hyper-parameters, state arrays ``S_<slot>_{i}[j]``, per-step scalars ``B_…``, lane temporaries
``L_…``; they must set the new coordinate ``q_{i}``. ``value({q})`` calls f at the point
(q_0, …); ``hess({a})`` gives the Hessian's upper triangle row by row.

>>> OPTIMIZERS["adam"].defaults()
{'b1': 0.9, 'b2': 0.999, 'eps': 1e-08}
>>> import numpy as np
>>> t = OPTIMIZERS["momentum"].transform(beta=0.5, nesterov=False)
>>> x = np.array([[1.0]]); s = t.init(x)
>>> for _ in range(2):
...     step, s = t.update(2 * x, s, x, 0.1, None)
...     x = x + step
>>> x.round(4).tolist()   # v1 = 2, x1 = 0.8; v2 = 1 + 1.6, x2 = 0.8 - 0.26
[[0.54]]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

import numpy as np

from gradscape.errors import DomainError

__all__ = ["Hyper", "Transform", "FusedCode", "Optimizer", "OPTIMIZERS", "Oracle", "lookup",
           "FIRST_ORDER"]


class Oracle(Protocol):
    """What an update may ask about f besides the gradient (rows (M, n) of start points)."""

    def value(self, x: np.ndarray) -> np.ndarray: ...
    def hess(self, x: np.ndarray) -> np.ndarray: ...


class Transform(NamedTuple):
    """optax's pair: ``init(x) -> state``; ``update(g, state, x, lr, oracle) -> (step, state)``."""

    init: Callable[[np.ndarray], Any]
    update: Callable[[np.ndarray, Any, np.ndarray, float, Oracle | None], tuple[np.ndarray, Any]]


class FusedCode(NamedTuple):
    """Lines the fused loop generator unrolls (names as in the module docstring)."""

    slots: tuple[str, ...] = ()  # per-variable state arrays, zero at the start
    setup: tuple[str, ...] = ()  # once per block of starts, before the first step
    per_step: tuple[str, ...] = ()  # once per step, before the lanes (B_ scalars)
    lane: tuple[str, ...] = ()  # per start point; lines with {i} repeat per variable
    helpers: tuple[str, ...] = ()  # module-level functions the lines call (source text)


# rule -> (test, what the value must be)
_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "positive": (lambda v: _real(v) and v > 0, "a number > 0"),
    "unit": (lambda v: _real(v) and 0 <= v < 1, "a number in [0, 1)"),
    "open-unit": (lambda v: _real(v) and 0 < v < 1, "a number in (0, 1)"),
    "nonneg": (lambda v: _real(v) and v >= 0, "a number >= 0"),
    "flag": (lambda v: isinstance(v, bool | np.bool_), "True or False"),
    "count": (lambda v: isinstance(v, int | np.integer) and not isinstance(v, bool)
              and 1 <= v <= 1000, "a whole number from 1 to 1000"),
}


def _real(v: Any) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool) \
        and bool(np.isfinite(v))


class Hyper(NamedTuple):
    """One hyper-parameter: name, default, rule (a key of the rules table) and meaning."""

    name: str
    default: Any
    rule: str
    help: str


@dataclass(frozen=True)
class Optimizer:
    """One row of the table. ``transform(**hyper)`` gives the NumPy (init, update) pair."""

    name: str
    title: str
    summary: str
    lr: float  # default learning rate: tuned on the library's 2-D landscapes
    hyper: tuple[Hyper, ...]
    make: Callable[..., Transform]
    fused: Callable[[Mapping[str, Any]], FusedCode] | None
    source: str
    needs: frozenset[str] = frozenset({"grad"})
    fixed: Mapping[str, Any] = field(default_factory=dict)  # presets (nesterov: True)

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
        if not _RULES["positive"][0](lr):
            raise DomainError(f"learning rate lr must be a number > 0, got {lr!r} "
                              f"({self.name}'s default is {self.lr})")
        values = {**self.defaults(), **hyper}
        for name, value in values.items():
            test, meaning = _RULES[known[name].rule]
            if not test(value):
                raise DomainError(f"{self.name}: {name} must be {meaning}, got {value!r} "
                                  f"({known[name].help}; default {known[name].default!r})")
        return float(lr), values

    def transform(self, **hyper: Any) -> Transform:
        """The NumPy reference (init, update) pair for these hyper-parameters."""
        return self.make(**{**self.defaults(), **hyper})


# ---- NumPy reference transforms (states are NamedTuples, never mutated) ---------------------
class Empty(NamedTuple):
    pass


class Trace(NamedTuple):
    v: np.ndarray


class Moments(NamedTuple):
    count: int
    m: np.ndarray
    v: np.ndarray


def _zeros_like(x: np.ndarray) -> np.ndarray:
    return np.zeros_like(x, dtype=float)


def sgd() -> Transform:
    return Transform(lambda x: Empty(), lambda g, s, x, lr, o: (-lr * g, s))


def momentum(beta: float, nesterov: bool) -> Transform:
    def update(g, s, x, lr, o):
        v = beta * s.v + g
        return -lr * (g + beta * v) if nesterov else -lr * v, Trace(v)

    return Transform(lambda x: Trace(_zeros_like(x)), update)


def adagrad(eps: float) -> Transform:
    def update(g, s, x, lr, o):
        acc = s.v + g * g
        return -lr * g / (np.sqrt(acc) + eps), Trace(acc)

    return Transform(lambda x: Trace(_zeros_like(x)), update)


def rmsprop(beta: float, eps: float) -> Transform:
    def update(g, s, x, lr, o):
        v = beta * s.v + (1.0 - beta) * (g * g)
        return -lr * g / (np.sqrt(v) + eps), Trace(v)

    return Transform(lambda x: Trace(_zeros_like(x)), update)


def adam(b1: float, b2: float, eps: float, weight_decay: float = 0.0) -> Transform:
    # Kingma & Ba's "more efficient" order (§2): the bias corrections fold into a step size
    # a = lr·√(1−β2ᵗ)/(1−β1ᵗ) and ε̂ = ε·√(1−β2ᵗ), so that a·m/(√v + ε̂) = lr·m̂/(√v̂ + ε)
    # exactly in real arithmetic, with three fewer operations per coordinate.
    def update(g, s, x, lr, o):
        count = s.count + 1
        m = b1 * s.m + (1.0 - b1) * g
        v = b2 * s.v + (1.0 - b2) * (g * g)
        c2 = math.sqrt(1.0 - b2**count)
        size = lr * c2 / (1.0 - b1**count)
        step = size * m / (np.sqrt(v) + eps * c2)
        if weight_decay:
            step = step + (lr * weight_decay) * x  # decoupled: never fed through m and v
        return -step, Moments(count, m, v)

    return Transform(lambda x: Moments(0, _zeros_like(x), _zeros_like(x)), update)


def newton(floor: float) -> Transform:
    def update(g, s, x, lr, o):
        h = np.array(o.hess(x), dtype=float)
        # LAPACK may refuse inf/NaN: such a start steps to NaN and stops as "diverged"
        bad = ~np.isfinite(h).all(axis=(1, 2))
        h[bad] = np.eye(h.shape[1])
        w, q = np.linalg.eigh(h)
        # |λ| with a floor: a descent direction at saddles and maxima too (saddle-free Newton)
        w = np.maximum(np.abs(w), floor)
        d = np.einsum("mij,mj->mi", q, np.einsum("mji,mj->mi", q, g) / w)
        d[bad] = np.nan
        return -lr * d, s

    return Transform(lambda x: Empty(), update)


def armijo(shrink: float, c: float, max_backtracks: int) -> Transform:
    def update(g, s, x, lr, o):
        fx = o.value(x)
        gn2 = np.einsum("mi,mi->m", g, g)
        rate = np.full(len(x), lr)
        done = np.zeros(len(x), dtype=bool)
        # no sufficient decrease after max_backtracks trials: take the last (smallest) one
        for k in range(max_backtracks):
            done |= o.value(x - rate[:, None] * g) <= fx - c * rate * gn2
            if done.all() or k == max_backtracks - 1:
                break
            rate = np.where(done, rate, rate * shrink)
        return -rate[:, None] * g, s

    return Transform(lambda x: Empty(), update)


# ---- fused code ------------------------------------------------------------------------------
def _gd_code(h: Mapping[str, Any]) -> FusedCode:
    return FusedCode(lane=("q_{i} = a{i} - LR * g_{i}",))


def _momentum_code(h: Mapping[str, Any]) -> FusedCode:
    last = ("q_{i} = a{i} - LR * (g_{i} + HP_beta * L_v{i})" if h["nesterov"]
            else "q_{i} = a{i} - LR * L_v{i}")
    return FusedCode(slots=("v",), lane=("L_v{i} = HP_beta * S_v_{i}[j] + g_{i}",
                                         "S_v_{i}[j] = L_v{i}", last))


def _adagrad_code(h: Mapping[str, Any]) -> FusedCode:
    return FusedCode(slots=("v",), lane=("L_v{i} = S_v_{i}[j] + g_{i} * g_{i}",
                                         "S_v_{i}[j] = L_v{i}",
                                         "q_{i} = a{i} - LR * g_{i} / (np.sqrt(L_v{i}) + HP_eps)"))


def _rmsprop_code(h: Mapping[str, Any]) -> FusedCode:
    return FusedCode(slots=("v",), lane=(
        "L_v{i} = HP_beta * S_v_{i}[j] + (1.0 - HP_beta) * (g_{i} * g_{i})",
        "S_v_{i}[j] = L_v{i}",
        "q_{i} = a{i} - LR * g_{i} / (np.sqrt(L_v{i}) + HP_eps)"))


def _adam_code(h: Mapping[str, Any]) -> FusedCode:
    step = "B_size * L_m{i} / (np.sqrt(L_v{i}) + B_eps)"
    if "weight_decay" in h:
        step = f"({step} + B_wd * a{{i}})"
    return FusedCode(
        slots=("m", "v"),
        # the reference's operations in the reference's order, so both agree to the last bit
        per_step=("B_c2 = np.sqrt(1.0 - HP_b2 ** (STEP + 1.0))",
                  "B_size = LR * B_c2 / (1.0 - HP_b1 ** (STEP + 1.0))",
                  "B_eps = HP_eps * B_c2",
                  *(("B_wd = LR * HP_weight_decay",) if "weight_decay" in h else ())),
        lane=("L_m{i} = HP_b1 * S_m_{i}[j] + (1.0 - HP_b1) * g_{i}",
              "L_v{i} = HP_b2 * S_v_{i}[j] + (1.0 - HP_b2) * (g_{i} * g_{i})",
              "S_m_{i}[j] = L_m{i}", "S_v_{i}[j] = L_v{i}",
              f"q_{{i}} = a{{i}} - {step}"))


def _newton_code(h: Mapping[str, Any]) -> FusedCode:
    from gradscape.optim.fused_newton import SADDLE_FREE

    return FusedCode(helpers=(SADDLE_FREE,), lane=(
        "L_d = saddle_free(hess({a}), ({g},), HP_floor)",
        "q_{i} = a{i} - LR * L_d[{i}]",
    ))


def _armijo_code(h: Mapping[str, Any]) -> FusedCode:
    return FusedCode(lane=(
        "L_rate = LR",
        "L_fx = value({a})",
        "for L_k in range(HP_max_backtracks):",
        "    q_{i} = a{i} - L_rate * g_{i}",
        "    if value({q}) <= L_fx - HP_c * L_rate * GN2:",
        "        break",
        "    L_rate = L_rate * HP_shrink",
    ))


_EPS = Hyper("eps", 1e-8, "positive", "added to the denominator so it is never 0")
_KB = "Kingma & Ba (2015), Adam: A method for stochastic optimization, ICLR"
_BETA_M = Hyper("beta", 0.9, "unit", "momentum: the fraction of the last velocity kept")

_ROWS = (
    Optimizer("gd", "Gradient descent", "x ← x − lr·∇f(x): a step along the steepest descent.",
              0.01, (), lambda: sgd(), _gd_code,
              "Cauchy (1847); the tutorial's method"),
    Optimizer("momentum", "Momentum (heavy ball)",
              "v ← β·v + ∇f; x ← x − lr·v: velocity carries through narrow valleys.",
              0.01, (_BETA_M, Hyper("nesterov", False, "flag", "Nesterov's look-ahead form")),
              momentum, _momentum_code,
              "Polyak (1964), USSR Comput. Math. & Math. Phys. 4(5):1-17"),
    Optimizer("nesterov", "Nesterov momentum",
              "momentum, stepping by ∇f + β·v (the look-ahead form, as optax and PyTorch).",
              0.01, (_BETA_M, Hyper("nesterov", True, "flag", "Nesterov's look-ahead form")),
              momentum, _momentum_code,
              "Nesterov (1983); Sutskever et al. (2013), ICML", fixed={"nesterov": True}),
    Optimizer("adagrad", "AdaGrad", "per-coordinate rate lr/√(Σ g²): big steps on flat axes.",
              0.5, (_EPS,), adagrad, _adagrad_code,
              "Duchi, Hazan & Singer (2011), JMLR 12:2121-2159"),
    Optimizer("rmsprop", "RMSProp", "per-coordinate rate lr/√(running mean of g²).",
              0.01, (Hyper("beta", 0.9, "unit", "decay of the running mean of g²"), _EPS),
              rmsprop, _rmsprop_code, "Tieleman & Hinton (2012), Coursera NN lecture 6.5"),
    Optimizer("adam", "Adam", "momentum and RMSProp with bias correction.",
              0.05, (Hyper("b1", 0.9, "unit", "decay of the mean of g"),
                     Hyper("b2", 0.999, "unit", "decay of the mean of g²"), _EPS),
              adam, _adam_code, _KB),
    Optimizer("adamw", "AdamW", "Adam with decoupled weight decay: x shrinks by lr·wd·x.",
              0.05, (Hyper("b1", 0.9, "unit", "decay of the mean of g"),
                     Hyper("b2", 0.999, "unit", "decay of the mean of g²"), _EPS,
                     Hyper("weight_decay", 0.01, "nonneg", "decoupled weight decay")),
              adam, _adam_code,
              "Loshchilov & Hutter (2019), Decoupled weight decay regularization, ICLR"),
    Optimizer("newton", "Newton (saddle-free)",
              "x ← x − lr·|H|⁻¹∇f with the exact Hessian; |H| flips negative curvature and "
              "floors tiny eigenvalues, so every step descends.",
              1.0, (Hyper("floor", 1e-6, "positive", "smallest |eigenvalue| used"),),
              newton, _newton_code,
              "Nocedal & Wright (2006), Numerical Optimization, §3.4; Dauphin et al. (2014)",
              needs=frozenset({"grad", "hess"})),
    Optimizer("armijo", "Gradient descent + Armijo line search",
              "tries lr, lr·shrink, … until f drops by at least c·rate·|∇f|².",
              1.0, (Hyper("shrink", 0.5, "open-unit", "factor applied to a rejected step"),
                    Hyper("c", 1e-4, "open-unit", "sufficient-decrease constant"),
                    Hyper("max_backtracks", 40, "count", "trials before taking the smallest")),
              armijo, _armijo_code,
              "Armijo (1966), Pacific J. Math. 16(1):1-3; Nocedal & Wright, Alg. 3.1",
              needs=frozenset({"grad", "value"})),
)

OPTIMIZERS: dict[str, Optimizer] = {row.name: row for row in _ROWS}
FIRST_ORDER = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")


def lookup(name: str) -> Optimizer:
    """The row for ``name`` (case-insensitive), or a DomainError listing the choices.

    >>> lookup("Adam").title
    'Adam'
    """
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in OPTIMIZERS:
        raise DomainError(f"unknown method {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[key]
