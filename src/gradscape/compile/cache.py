"""Where generated kernel modules live on disk, and how they are written and imported.

A kernel's source goes to ``<cache>/kernels/<key>_<variant>.py``; Numba's ``cache=True``
then keeps the machine code beside it (``__pycache__``), so a second process skips the JIT.
The cache is used only when no one else can write to it (:mod:`gradscape.compile.private`),
generated text runs only after its file matches it by SHA-256, and a bad or unwritable
entry costs a recompile, never a failure (:mod:`gradscape.compile.numba_cache`).
The directory is ``$GRADSCAPE_CACHE_DIR``, else ``$XDG_CACHE_HOME/gradscape``, else
``~/.cache/gradscape``; ``GRADSCAPE_CACHE_DIR=off`` (or ``0``, ``none``) turns it off.

>>> from unittest import mock
>>> with mock.patch.dict("os.environ", {"GRADSCAPE_CACHE_DIR": "off"}):
...     cache_dir() is None
True
>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> formula_key([x**2], [x]) == formula_key([x**3], [x])
False
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from gradscape.compile import numba_cache
from gradscape.compile.numba_cache import warn_once
from gradscape.compile.private import UnsafeDirError, ensure_private

__all__ = ["CODEGEN_VERSION", "cache_dir", "formula_key", "load_module"]

# Bump whenever generated code changes meaning: old files on disk are then never reused.
CODEGEN_VERSION = "2"
_OFF = {"off", "0", "none", "false", "no", ""}
_LOADED: dict[tuple[str, str], ModuleType] = {}
_LOCK = threading.RLock()


def cache_dir() -> Path | None:
    """The kernel cache directory from the environment, or None when disabled."""
    env = os.environ.get("GRADSCAPE_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in _OFF else Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg) if xdg else Path.home() / ".cache"
    return root / "gradscape"


def formula_key(exprs: Sequence[Any], symbols: Sequence[Any]) -> str:
    """A collision-free name for a formula: SHA-256 over a full prefix encoding of its trees.

    Every node contributes its class and argument count and every leaf its ``srepr`` (which
    spells out the symbol's name and assumptions, e.g. real=True), so two different formulas
    never share an encoding. The walk uses an explicit stack: deep trees are fine.
    """
    from sympy import Basic, srepr

    digest = hashlib.sha256(f"gradscape-kernel-{CODEGEN_VERSION}".encode())
    stack: list[Any] = [*reversed(symbols), "|", *reversed(exprs)]
    while stack:
        node = stack.pop()
        if isinstance(node, Basic) and node.args:
            head = type(node)
            text = f"{head.__module__}.{head.__qualname__}/{len(node.args)}("
            stack.extend(reversed(node.args))
        else:
            text = srepr(node) if isinstance(node, Basic) else repr(node)
        data = text.encode()
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()[:32]


def load_module(
    name: str, make_source: Callable[[bool], str], directory: Path | None
) -> ModuleType:
    """Run generated code as module ``name``, anchored in ``directory`` when it is private.

    ``make_source(on_disk)`` gives the module text; Numba can only keep machine code for a
    module that has a file. What runs is always the text just generated, compiled in
    memory: the file on disk (checked by SHA-256 against that text, rewritten atomically
    when it differs) only tells Numba where its cache lives, and Python never reads or
    writes bytecode for it. ``directory`` is used only if this user alone can write to it
    (:mod:`gradscape.compile.private`); otherwise, or when a write fails, the module lives
    in memory and one :class:`~gradscape.compile.numba_cache.CacheWarning` says why.
    """
    slot = (name, str(directory))
    with _LOCK:
        if slot in _LOADED:
            return _LOADED[slot]
        module = None
        folder = None if directory is None else _private_folder(directory)
        if folder is not None:
            module = _from_disk(name, make_source(True), folder)
        if module is None:
            module = _execute(name, make_source(False), f"<gradscape kernel {name}>")
        _LOADED[slot] = module
        return module


def _private_folder(directory: Path) -> Path | None:
    """``directory/kernels`` once it (and Numba's cache beside it) is checked private."""
    numba_dir = _numba_cache_dir()
    try:
        folder = ensure_private(directory, "kernels", "__pycache__").parent
        if numba_dir:  # Numba would keep its pickles there instead: check it too
            ensure_private(Path(numba_dir))
    except UnsafeDirError as err:
        risk = ("others could plant code there that would run as you"
                if err.risky else "nothing can be kept there")
        fix = (f"if the folder is yours, 'chmod 700 {err.path}' (or delete it)"
               if err.risky else "create it or point to another one")
        warn_once(f"unsafe:{err.path}", (
            f"not using the kernel cache: {err}, so {risk}; kernels are compiled in memory "
            f"for this run. Fix: {fix}, or set GRADSCAPE_CACHE_DIR to a folder of your own "
            "(or 'off')"))
        return None
    if numba_dir is not None:
        numba_cache.guard(str(folder / "__pycache__"))
    return folder


def _numba_cache_dir() -> str | None:
    """``NUMBA_CACHE_DIR`` as Numba read it ("" when unset), or None without Numba."""
    try:
        from numba.core import config
    except ImportError:  # pragma: no cover - the NumPy backend never writes modules
        return None
    return str(getattr(config, "CACHE_DIR", "") or "")


def _from_disk(name: str, source: str, folder: Path) -> ModuleType | None:
    path = folder / f"{name}.py"
    try:
        _write_verified(path, source.encode("utf-8"))
    except OSError as err:  # full disk, read-only: the run goes on in memory
        warn_once(f"write:{folder}", (
            f"could not write the kernel cache in {folder} ({err.strerror}); kernels are "
            "compiled in memory for this run. Free some disk space, or set "
            "GRADSCAPE_CACHE_DIR to a writable folder of your own (or 'off')"))
        return None
    with _compiling(path):  # one process compiles; the others then load its code
        return _execute(name, source, str(path))


def _execute(name: str, source: str, filename: str) -> ModuleType:
    module = ModuleType(name)
    module.__file__ = filename
    code = compile(source, filename, "exec", dont_inherit=True)
    # Numba finds a function's module through sys.modules, also when it reloads machine
    # code from its cache; an unregistered module would make every cache load fail.
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)
    except BaseException:
        del sys.modules[name]
        raise
    return module


@contextlib.contextmanager
def _compiling(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``path`` while its module is imported (and compiled).

    Processes that import the same new module at once (test workers, Dask workers, a web
    server's pool) would each pay the JIT; with the lock the first compiles and writes
    Numba's cache, and the others find the machine code there. Without fcntl (Windows) or
    a writable lock file, no lock: every process compiles, as before.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    try:
        handle = open(path.with_suffix(".lock"), "a")  # noqa: SIM115 - held across the yield
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_verified(path: Path, data: bytes) -> None:
    """Make ``path`` hold exactly ``data``: a file whose SHA-256 differs (torn, stale or
    foreign) is replaced atomically; a right one is left alone (Numba's index records it)."""
    want = hashlib.sha256(data).digest()
    if _digest(path) == want:
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        try:
            os.link(tmp, path)  # atomic create-if-absent: a racing writer's file wins
        except FileExistsError:
            if _digest(path) != want:
                os.replace(tmp, path)
        except OSError:  # no hard links on this filesystem
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _digest(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        return hashlib.sha256(handle.read()).digest()
