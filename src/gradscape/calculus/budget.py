"""Symbolic work under a wall-clock budget: run it in a forked child and kill the child when
the budget runs out.

SymPy cannot be interrupted from inside (``simplify`` or ``integrate`` on an awkward formula
may run for minutes), so work that may not finish runs in a child process; the parent waits at
most ``budget`` seconds and answers with one clear error otherwise. Where ``fork`` is missing
(Windows) the work runs in-process, unbounded.

>>> in_child(sum, ([1, 2, 3],), 5.0, slow="no sum within {budget:g} s", failed="no sum")
6
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any, TypeVar

from gradscape.errors import DomainError

__all__ = ["in_child"]

T = TypeVar("T")


def in_child(work: Callable[..., T], args: tuple[Any, ...], budget: float, *, slow: str,
             failed: str) -> T:
    """``work(*args)`` in a forked child, waited for at most ``budget`` seconds.

    Errors: DomainError with ``slow`` (a template: ``{budget:g}`` is the budget) when the
    time runs out; ``failed``
    (with the exception's type) when the work raises anything but a DomainError, which is
    passed on as it is; ``failed`` when the child dies without an answer.
    """
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return work(*args)
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, work, args, failed), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(budget):
            raise DomainError(slow.format(budget=budget))
        outcome: Any = receive.recv()
    except EOFError as err:
        raise DomainError(failed) from err
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if isinstance(outcome, BaseException):
        raise outcome
    result: T = outcome
    return result


def _child(conn: Any, work: Callable[..., Any], args: tuple[Any, ...], failed: str) -> None:
    try:
        conn.send(work(*args))
    except DomainError as err:  # already says what is wrong
        conn.send(err)
    except Exception as err:  # sent back and raised in the parent
        conn.send(DomainError(f"{failed} ({type(err).__name__})"))
    finally:
        conn.close()
