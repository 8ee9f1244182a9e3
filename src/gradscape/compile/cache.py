"""Where generated kernel modules live on disk, and how they are written and imported.

A kernel's source goes to ``<cache>/kernels/<key>_<variant>.py``; Numba's ``cache=True``
then keeps the machine code beside it (``__pycache__``), so a second process skips the JIT.
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
import importlib.util
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.abc import Loader

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
    """Import generated code as module ``name``: from ``directory`` when given, else in memory.

    ``make_source(on_disk)`` gives the module text; Numba can only keep machine code for a
    module that has a file. On disk the file is created atomically and never overwritten
    once right, so racing processes (and Numba's index, which records the file's
    timestamp) all see one stable file.
    """
    slot = (name, str(directory))
    with _LOCK:
        if slot in _LOADED:
            return _LOADED[slot]
        path = None
        if directory is not None:
            path = _write_once(directory / "kernels", name, make_source(True))
        loader: Loader | None = None
        if path is None:
            module = ModuleType(name)
            module.__file__ = f"<gradscape kernel {name}>"
            code = compile(make_source(False), module.__file__, "exec")
        else:
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:  # never for a .py file: say so if it were
                raise ImportError(f"Python cannot load {path}")
            module = importlib.util.module_from_spec(spec)
            loader, code = spec.loader, None
        # Numba finds a function's module through sys.modules, also when it reloads machine
        # code from its cache; an unregistered module would make every cache load fail.
        sys.modules[name] = module
        try:
            if code is not None:
                exec(code, module.__dict__)
            elif loader is not None and path is not None:
                with _compiling(path):  # one process compiles; the others then load its code
                    loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        _LOADED[slot] = module
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


def _write_once(folder: Path, name: str, source: str) -> Path | None:
    path = folder / f"{name}.py"
    try:
        if path.exists() and path.read_text(encoding="utf-8") == source:
            return path
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(source)
            try:
                os.link(tmp, path)  # atomic create-if-absent: a racing writer's file wins
            except FileExistsError:
                if path.read_text(encoding="utf-8") != source:  # torn or foreign file
                    os.replace(tmp, path)
            except OSError:  # no hard links on this filesystem
                os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return path
    except OSError:
        return None  # read-only or missing home: fall back to an in-memory module
