"""Write the API reference pages: one per public module, before Sphinx reads the sources.

A module is public when no part of its dotted name starts with ``_`` (as in the suite's
public-API test); its page documents exactly the names in its ``__all__``. The pages are
generated, never edited, so a new module or name joins the reference by existing.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import gradscape

ROOT = Path(gradscape.__file__).resolve().parent


def public_modules() -> list[str]:
    """Every public module of the package, packages by their own name, sorted."""
    names = []
    for path in ROOT.rglob("*.py"):
        if "__pycache__" in path.parts or path.name == "__main__.py":
            continue
        parts = ("gradscape", *path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if not any(p.startswith("_") for p in parts[1:]):
            names.append(".".join(parts))
    return sorted(names)


def _defined_where(module: str, name: str) -> str:
    """The public module that documents ``module.name``: where the object is defined, when
    that module is public and exports it; else ``module`` itself."""
    obj = getattr(importlib.import_module(module), name)
    home = getattr(obj, "__module__", None)
    if isinstance(obj, ModuleType):  # a submodule that shadows the function it exports
        obj = getattr(obj, name, obj)
        home = getattr(obj, "__module__", None) if not isinstance(obj, ModuleType) \
            else obj.__name__
    if isinstance(home, str) and home != module and home in _PUBLIC:
        owner = importlib.import_module(home)
        if home == getattr(obj, "__name__", None) or name in getattr(owner, "__all__", ()):
            return home
    return module


def _page(name: str) -> str:
    """A module's page: what it defines, documented here; what it re-exports, linked to the
    page that documents it (so each object has one entry and references are unambiguous)."""
    module = importlib.import_module(name)
    exported = list(getattr(module, "__all__", ()))
    here = [n for n in exported if _defined_where(name, n) == name]
    elsewhere = [(n, _defined_where(name, n)) for n in exported if n not in here]
    # Constants documented by a comment beside them (as the public-API test allows) are
    # invisible to automodule's member scan; autodata documents each by name, with its value.
    data = [n for n in here if not (inspect.isclass(getattr(module, n))
                                    or inspect.isroutine(getattr(module, n))
                                    or isinstance(getattr(module, n), ModuleType))]
    code = [n for n in here if n not in data]
    title = f"``{name}``"
    lines = [title, "=" * len(title), "", f".. automodule:: {name}"]
    if code:
        lines += [f"   :members: {', '.join(code)}", "   :show-inheritance:"]
    else:
        lines += ["   :no-members:"]
    source = inspect.getsource(module).splitlines()
    for n in data:
        lines += ["", f".. py:data:: {n}", f"   :type: {type(getattr(module, n)).__name__}",
                  "", f"   {_comment(source, n)}"]
    lines.append("")
    if elsewhere:
        lines += ["Also exported here", "------------------", ""]
        for n, home in elsewhere:
            target = home if home.endswith("." + n) else f"{home}.{n}"
            role = "mod" if target == home else "obj"
            lines.append(f"- ``{n}``: :py:{role}:`{target}`")
        lines.append("")
    return "\n".join(lines)


_PUBLIC: set[str] = set()


def _comment(source: list[str], name: str) -> str:
    """What the source says of ``name``: the docstring line after its assignment, else the
    comment on or just above it."""
    for i, line in enumerate(source):
        if re.match(rf"{re.escape(name)}\s*(:[^=]*)?=", line):
            after = source[i + 1].strip() if i + 1 < len(source) else ""
            if after.startswith(('"""', "'''")):
                return _escape(after.strip("\"'"))
            if "#" in line:
                return _escape(line.split("#", 1)[1].strip())
            above: list[str] = []
            for prev in reversed(source[:i]):
                if not prev.strip().startswith("#"):
                    break
                above.insert(0, prev.strip().lstrip("#").strip())
            return _escape(" ".join(above)) or "(see the source)"
    return "(see the source)"


def _escape(text: str) -> str:
    return re.sub(r"([|*`_\\])", r"\\\1", text)


def write_pages(app: Any) -> None:
    """Write ``api/<module>.rst`` for every public module and the index that lists them."""
    out = Path(app.srcdir) / "api"
    out.mkdir(exist_ok=True)
    modules = public_modules()
    _PUBLIC.update(modules)
    wanted = {f"{m}.rst": _page(m) for m in modules}
    index = ["API reference", "=============", "",
             "Every public module, generated from its docstrings. Most users need only the "
             "top-level names (``import gradscape as gs``: :mod:`gradscape`).", "",
             ".. toctree::", "   :maxdepth: 1", ""]
    index += [f"   {m}" for m in modules]
    wanted["index.rst"] = "\n".join(index) + "\n"
    for stale in out.glob("*.rst"):
        if stale.name not in wanted:
            stale.unlink()
    for fname, text in wanted.items():
        path = out / fname
        if not path.exists() or path.read_text() != text:  # unchanged pages stay cached
            path.write_text(text)


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", write_pages)
    return {"parallel_read_safe": True, "version": "1"}
