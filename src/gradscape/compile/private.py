"""Is a cache directory private to this user? Checked before anything in it is used.

A directory someone else can write to could hold planted code: Numba loads pickled index
and machine-code files from the kernel cache, and a pickle runs code as it loads. So a
cache directory is used only when it

- is a real directory, not a symbolic link (opened with ``O_NOFOLLOW``, checked with
  ``fstat`` on the opened descriptor, so a link swapped in between cannot fool the check);
- is owned by the current user and not writable by group or others (created ``0700``);
- sits under parents that only this user or root can change: each parent (and each
  symbolic link on the way) is owned by this user or root, and a parent writable by
  others has the sticky bit (``/tmp``), so no one else can rename or replace our folder.

:func:`ensure_private` creates what is missing (``0700``) and returns the folder; otherwise
it raises :class:`UnsafeDirError`, whose ``reason`` the cache repeats in its one warning.

>>> import os, tempfile
>>> from pathlib import Path
>>> root = Path(tempfile.mkdtemp())
>>> ensure_private(root / "cache", "kernels") == root / "cache" / "kernels"
True
>>> oct((root / "cache").stat().st_mode & 0o777)
'0o700'
>>> os.chmod(root / "cache", 0o777)
>>> try:
...     ensure_private(root / "cache", "kernels")
... except UnsafeDirError as err:
...     print(err.reason)
writable by other users
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["UnsafeDirError", "ensure_private", "check_private"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class UnsafeDirError(Exception):
    """A cache directory that must not be used: ``reason`` says why, ``path`` which one."""

    def __init__(self, path: Path, reason: str, risky: bool = True) -> None:
        self.path = path
        self.reason = reason
        self.risky = risky  # others could plant files (False: merely unusable)
        super().__init__(f"{path} is {reason}")


def ensure_private(root: Path, *subdirs: str) -> Path:
    """``root / subdirs...`` (absolute), each created ``0700`` where missing, after checking
    that only this user can change it or anything on its way; raises :class:`UnsafeDirError`."""
    root = Path(os.path.abspath(root))
    missing: list[Path] = []
    probe = root.parent
    while not os.path.lexists(probe) and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    _check_parents(probe / "_")  # what exists of the way, before adding to it
    for folder in [*reversed(missing), root]:
        _make(folder)
    _check_parents(root)
    folder = root
    for name in subdirs:
        folder = folder / name
        _make(folder)
    return folder


def _make(folder: Path) -> None:
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:  # made before, or by a racing process: checked next
        pass
    except OSError as err:
        raise UnsafeDirError(folder, f"not creatable ({err.strerror})", False) from err
    check_private(folder)


def check_private(path: Path) -> None:
    """Raise :class:`UnsafeDirError` unless ``path`` is a directory (not a link) that this user
    owns and no one else can write to."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _DIRECTORY)
    except OSError as err:
        if os.path.islink(path):
            raise UnsafeDirError(path, "a symbolic link") from err
        raise UnsafeDirError(path, f"not a usable directory ({err.strerror})", False) from err
    try:
        info = os.fstat(fd)
    finally:
        os.close(fd)
    if info.st_uid != os.getuid():
        raise UnsafeDirError(path, "owned by another user")
    if info.st_mode & 0o022:
        raise UnsafeDirError(path, "writable by other users")


def _check_parents(path: Path) -> None:
    """Every parent of ``path``, as written and as resolved, is safe from other users."""
    chains = {path.parent, Path(os.path.realpath(path.parent))}
    me = os.getuid()
    for chain in chains:
        for folder in [chain, *chain.parents]:
            info = os.lstat(folder)
            if info.st_uid not in (me, 0):
                raise UnsafeDirError(folder, "owned by another user")
            if stat.S_ISLNK(info.st_mode):
                continue  # its target is checked in the resolved chain
            if info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX:
                raise UnsafeDirError(folder, "writable by other users")
