"""Where a picture is written: checked before any work, and failures said in one line.

A missing folder is created (as before); a path that cannot be written — its folder is a
file or cannot be made, its name is too long, it names a folder, or the place is not
writable — is a :class:`~gradscape.errors.DomainError` (exit 2), never a traceback.

>>> try:
...     check_output("x" * 300 + ".png")
... except DomainError as err:
...     print(str(err).split(": ")[1])
its name is longer than 255 bytes, the most this system allows
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from gradscape.errors import DomainError

__all__ = ["check_output", "writing"]


def check_output(path: str) -> None:
    """Raise DomainError unless ``path`` can be written (creating its folder if missing)."""
    name = os.path.basename(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not name or os.path.isdir(path):
        _refuse(path, "it is a folder; give a file name such as out.png")
    probe = folder
    while not os.path.exists(probe) and probe != os.path.dirname(probe):
        probe = os.path.dirname(probe)
    try:
        limit = os.pathconf(probe if os.path.isdir(probe) else "/", "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    too_long = [p for p in os.path.relpath(path, probe).split(os.sep) if len(p.encode()) > limit]
    if too_long:
        _refuse(path, f"its name is longer than {limit} bytes, the most this system allows")
    if not os.path.isdir(probe):
        _refuse(path, f"{probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        _refuse(path, f"{probe} is not writable")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        _refuse(path, "the file is not writable")


@contextlib.contextmanager
def writing(path: str) -> Iterator[None]:
    """Around the write itself: creates the folder, and an OSError becomes a DomainError."""
    try:
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        yield
    except OSError as err:
        _refuse(path, err.strerror or str(err))


def _refuse(path: str, why: str) -> None:
    shown = path if len(path) <= 60 else path[:48] + "…"
    raise DomainError(f"cannot write {shown}: {why}")
