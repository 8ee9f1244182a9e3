"""The fused loop's own code run by the interpreter: ``descend(..., backend="python")``.

For a handful of starts neither compiled path pays: the NumPy reference spends most of each
step in NumPy's per-call overhead on arrays of two rows (about 0.5 ms a step), and the fused
loop needs a JIT of the formula's pieces (0.3-0.5 s) before its first step. This runs the real
loop code (:mod:`gradscape.optim.driver`, bound by :func:`gradscape.optim.binding.bind`) with
the formula's pieces as plain Python — the very source the fused loop compiles
(:func:`gradscape.compile.lanes.plain_source`) — on NumPy scalars, so 1/0 gives inf and a
domain error NaN as compiled code does. It is about 5× faster than the reference for a few
starts, agrees with it bit for bit where the formula's code does, and costs nothing to start
(the explorer's descents use it). Work grows with starts × steps at ~10-50 µs a step and start,
so many starts belong to the reference or the fused loop.

>>> import numpy as np
>>> from gradscape.calculus.function import Function
>>> from gradscape.optim.optimizers import OPTIMIZERS
>>> loop = plain_loop(Function("x^2"), OPTIMIZERS["gd"])
>>> raw = loop(np.array([[1.0]]), np.full(2, 0.25), 2, -1.0, {}, np.array([0]))
>>> raw.paths[0, :, 0].tolist()
[1.0, 0.5, 0.25]
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np

from gradscape.optim import binding, driver
from gradscape.optim.driver import BLOCK
from gradscape.optim.optimizers import Optimizer
from gradscape.optim.result import Raw

__all__ = ["plain_loop", "PlainLoop", "plain_pieces", "PLAIN_MAX_STARTS"]

PLAIN_MAX_STARTS = 32
"""The most starts for which the interpreted loop beats the NumPy reference (measured in
``python -m bench web``: per start its cost is flat, the reference's shrinks with more rows)."""

_MAX_CACHED = 64  # formulas whose pieces this process keeps (least recently used dropped)
_PIECES: OrderedDict[str, tuple[Any, ...]] = OrderedDict()
_LOOPS: dict[str, Any] = {}  # one bound loop per optimizer row
_LOCK = threading.Lock()


def plain_pieces(f: Any, hess: bool) -> tuple[Any, ...]:
    """``(grad_block, value_block, value_point, grad_point, hess_point)`` of Function ``f`` as
    interpreted Python; without ``hess`` the Hessian piece fills NaN."""
    from gradscape.compile.adjoint import gradient_program
    from gradscape.compile.cache import formula_key
    from gradscape.compile.codegen import lower, render
    from gradscape.compile.lanes import plain_source
    from gradscape.compile.numba_backend import helper_source

    symbols = list(f.symbols)
    upper = list(f.hessian_entries()) if hess else []
    digest = hashlib.sha256(repr((formula_key([f.kernel_expr], f.symbols),
                                  formula_key(upper, f.symbols) if hess else "")).encode())
    key = digest.hexdigest()[:32]
    with _LOCK:
        if key in _PIECES:
            _PIECES.move_to_end(key)
            return _PIECES[key]
    grad = render(gradient_program(f.kernel_expr, symbols), "numba")  # as f.grad does
    value = render(lower([f.kernel_expr], symbols), "numba")
    second = render(lower(upper, symbols), "numba") if hess else None
    used = grad.helpers | value.helpers | (second.helpers if second else set())
    source = plain_source(grad, value, second, len(symbols), helper_source(used, decorator=""))
    namespace: dict[str, Any] = {}
    # generated from validated SymPy trees only, never from user text (as every kernel is)
    exec(compile(source, f"<gradscape plain pieces {key}>", "exec"), namespace)
    pieces = tuple(namespace[name] for name in ("grad_block", "value_block", "value_point",
                                                  "grad_point", "hess_point"))
    with _LOCK:
        _PIECES[key] = pieces
        if len(_PIECES) > _MAX_CACHED:
            _PIECES.popitem(last=False)
    return pieces


def _loop(opt: Optimizer) -> Any:
    with _LOCK:
        if opt.name not in _LOOPS:
            if opt.method is None:
                chain = opt.chain
                _LOOPS[opt.name] = binding.bind(driver.coordinate_loop, {
                    "update": chain.update, "per_step": chain.per_step,
                    "NSLOTS": chain.slots})
            else:
                _LOOPS[opt.name] = binding.bind(driver.vector_loop, {
                    "method": binding.bind(opt.method.update, {}),
                    "HANDS_GRADIENT": opt.method.hands_gradient})
        return _LOOPS[opt.name]


class PlainLoop:
    """Optimizer ``opt``'s loop with Function ``f``'s pieces, interpreted: call it like
    ``run_reference``."""

    def __init__(self, f: Any, opt: Optimizer) -> None:
        self.opt = opt
        self._run = _loop(opt)
        self._pieces = plain_pieces(f, "hess" in opt.needs)

    def __call__(self, starts: np.ndarray, rates: np.ndarray, steps: int, tol2: float,
                 hyper: Mapping[str, Any], keep: np.ndarray) -> Raw:
        """Run every start (on this thread: the interpreter holds the GIL anyway)."""
        from gradscape.optim.fused import loop_arguments  # no Numba: imports it lazily

        # no fused step: that one is compiled per formula and optimizer
        raw, args = loop_arguments(self.opt, self._pieces, starts, rates, steps, tol2, hyper,
                                   keep)
        with np.errstate(all="ignore"):
            self._run(0, -(-len(starts) // BLOCK), *args)
        return raw


def plain_loop(f: Any, opt: Optimizer) -> PlainLoop:
    """The interpreted loop running ``opt`` on Function ``f``.

    Raises DomainError when f has no formula.
    """
    from gradscape.errors import DomainError

    if not f.is_symbolic:
        raise DomainError("backend 'python' runs a formula's own code; this Function wraps "
                          "Python code (use backend='numpy')")
    return PlainLoop(f, opt)
