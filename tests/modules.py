"""Every module of the package, and how to import one whose optional dependency is missing."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
ROOT = SRC / "gradscape"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# Every module on disk, packages included. __main__ is left out: importing it runs the CLI.
MODULES = sorted(
    _module_name(p) for p in ROOT.rglob("*.py")
    if p.name != "__main__.py" and "__pycache__" not in p.parts
)
# Public: no part of the dotted name starts with "_" (packages count by their own name).
PUBLIC = [m for m in MODULES if not any(p.startswith("_") for p in m.split(".")[1:])]


def _extras() -> dict[str, str]:
    """Distribution name (normalised) -> the extra that installs it, for the optional extras."""
    project = tomllib.loads((SRC.parent / "pyproject.toml").read_text())["project"]
    out = {}
    for extra, requirements in project.get("optional-dependencies", {}).items():
        for requirement in requirements:
            name = re.match(r"[A-Za-z0-9._-]+", requirement)
            if name:
                out.setdefault(_normal(name.group()), extra)
    return out


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def import_or_skip(name: str) -> ModuleType:
    """Import module ``name``; skip (saying which extra to install) when an optional
    dependency is missing. A missing required dependency is an error, not a skip."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        missing = _normal((exc.name or "").split(".")[0])
        for dist, extra in _extras().items():
            if dist == missing or dist.startswith(missing + "-"):
                pytest.skip(f"{name} needs {exc.name}, which is not installed: it comes with "
                            f"the optional extra, pip install -e '.[{extra}]'")
        raise
