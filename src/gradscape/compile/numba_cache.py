"""Numba's machine-code cache inside our private kernel folders: a bad entry is a miss.

Numba keeps compiled code for a module's functions in ``__pycache__`` beside the module's
file: an index (``*.nbi``) and data files (``*.nbc``), both pickles. :mod:`gradscape.compile.
cache` only lets Numba write there once the folder is private (see
:mod:`gradscape.compile.private`), so the pickles are our own; they can still be cut short
(a killed process, a full disk, a bad sector) or fail to save. Numba would raise on either,
on every later run. :func:`guard` makes, for caches under the guarded folders only:

- a cache entry that fails to load (truncated, garbage, wrong format) a miss: its index
  and data files are deleted and the function is compiled afresh (and saved again);
- a save that fails with ``OSError`` (full disk, read-only) a no-op with one warning: the
  compiled code stays in memory for this run.

Functions cached elsewhere (other libraries in the same process) keep Numba's behaviour.

Problems are reported once per process and folder:

>>> import warnings
>>> with warnings.catch_warnings(record=True) as seen:
...     warnings.simplefilter("always")
...     warn_once("doc", "first")
...     warn_once("doc", "second")
>>> [str(w.message) for w in seen]
['first']
"""

from __future__ import annotations

import contextlib
import glob
import os
import threading
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["guard", "CacheWarning", "warn_once"]

_FOLDERS: set[str] = set()
_WARNED: set[str] = set()
_LOCK = threading.Lock()


class CacheWarning(UserWarning):
    """The kernel cache could not be used or written: kernels are compiled in memory."""


def warn_once(key: str, message: str) -> None:
    """Warn ``message`` (a :class:`CacheWarning`) the first time ``key`` comes up."""
    with _LOCK:
        if key in _WARNED:
            return
        _WARNED.add(key)
    warnings.warn(message, CacheWarning, stacklevel=3)


def guard(folder: str) -> None:
    """Treat Numba cache entries under ``folder`` as described above (idempotent)."""
    from numba.core import caching

    with _LOCK:
        _FOLDERS.add(os.path.abspath(folder))
        cls: Any = caching.Cache
        if getattr(cls, "_gradscape_guarded", False):
            return
        cls.load_overload = _guarded_load(cls.load_overload)
        cls.save_overload = _guarded_save(cls.save_overload)
        cls._gradscape_guarded = True


def _ours(cache: Any) -> bool:
    path = os.path.abspath(str(getattr(cache, "_cache_path", "")))
    return path in _FOLDERS


def _guarded_load(load: Callable[..., Any]) -> Callable[..., Any]:
    def load_overload(self: Any, sig: Any, target_context: Any) -> Any:
        if not _ours(self):
            return load(self, sig, target_context)
        try:
            return load(self, sig, target_context)
        except Exception:  # any failure to read our own entry means: compile it again
            _discard(self)
            return None

    return load_overload


def _guarded_save(save: Callable[..., Any]) -> Callable[..., Any]:
    def save_overload(self: Any, sig: Any, data: Any) -> None:
        if not _ours(self):
            save(self, sig, data)
            return
        try:
            save(self, sig, data)
        except OSError as err:
            warn_once(f"save:{self._cache_path}", (
                f"could not save compiled kernels in {self._cache_path} ({err.strerror}); "
                "they stay in memory for this run. Free some disk space, or set "
                "GRADSCAPE_CACHE_DIR to a writable folder of your own (or 'off')"))

    return save_overload


def _discard(cache: Any) -> None:
    """Delete the index of ``cache``'s function and its data files (a racing process may
    have done so already)."""
    index = getattr(getattr(cache, "_cache_file", None), "_index_path", None)
    if not index:
        return
    base = index[: -len(".nbi")] if index.endswith(".nbi") else index
    for path in [index, *glob.glob(glob.escape(base) + ".*.nbc")]:
        with contextlib.suppress(OSError):
            os.unlink(path)
