"""One piece of loop code, run two ways: as Python over NumPy, and compiled by Numba.

The optimizer loops and the per-start methods (:mod:`gradscape.optim.driver`,
:mod:`gradscape.optim.methods`) are ordinary Python functions marked with :func:`lane`. They
call the formula through fixed global names (``grad_block``, ``value_point``, ``grad_point``,
``hess_point``; see :mod:`gradscape.compile.lanes`) and the optimizer through ``update`` and
``per_step``. :func:`bind` gives such a function new globals:

- for the NumPy reference, the NumPy-backed pieces of one Function (plain Python runs it);
- for the compiled loop, a generated module's Numba pieces; every lane function it calls is
  bound the same way and compiled with it.

Numba freezes a function's globals into the machine code, so which formula a loop computes is
decided by the globals it was bound to. ``filename`` attributes the bound code to the generated
module's file: Numba's disk cache keys compiled code by file, so every (formula, method) keeps
its own cache entry and never reads another's.

>>> @lane
... def twice_value(x):
...     return 2.0 * value_point(x)
>>> bound = bind(twice_value, {"value_point": lambda x: x[0] ** 2})
>>> bound([3.0])
18.0
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from typing import Any, TypeGuard, TypeVar

__all__ = ["lane", "is_lane", "bind"]

F = TypeVar("F", bound=Callable[..., Any])
_MARK = "__gradscape_lane__"


def lane(fn: F) -> F:
    """Mark ``fn`` as loop code that :func:`bind` may rebind (it stays a plain function)."""
    setattr(fn, _MARK, True)
    return fn


def is_lane(obj: object) -> TypeGuard[types.FunctionType]:
    """True for a function marked with :func:`lane`."""
    return isinstance(obj, types.FunctionType) and getattr(obj, _MARK, False)


def _names(code: types.CodeType) -> set[str]:
    found = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):  # comprehensions and nested functions
            found |= _names(const)
    return found


def bind(fn: Callable[..., Any], pieces: Mapping[str, Any], *,
         jit: Callable[[Callable[..., Any]], Any] | None = None,
         top: Callable[[Callable[..., Any]], Any] | None = None,
         filename: str | None = None, _memo: dict[Any, Any] | None = None) -> Any:
    """``fn`` with ``pieces`` overriding its globals; lane functions it calls are bound too.

    With ``jit`` every bound callee is compiled with it, and ``fn`` itself with ``top`` (or
    ``jit``), its code attributed to ``filename`` when given; without, plain Python functions
    are returned.
    """
    memo = {} if _memo is None else _memo
    if fn in memo:
        return memo[fn]
    namespace = dict(fn.__globals__)
    namespace.update(pieces)
    for name in _names(fn.__code__):
        target = namespace.get(name)
        if is_lane(target) and name not in pieces:
            namespace[name] = bind(target, pieces, jit=jit, _memo=memo)
    code = fn.__code__ if filename is None else fn.__code__.replace(co_filename=filename)
    bound = types.FunctionType(code, namespace, fn.__name__, fn.__defaults__, fn.__closure__)
    compiler = top or jit
    result = bound if compiler is None else compiler(bound)
    memo[fn] = result
    return result
