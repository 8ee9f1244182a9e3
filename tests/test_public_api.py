"""Public API discipline: every public module says what it exports (``__all__``), and every
exported name exists and is documented."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from modules import PUBLIC, import_or_skip


def _own_docstring(obj: Any) -> str | None:
    """The docstring written for ``obj`` itself: not one inherited, nor the signature that
    dataclasses and NamedTuples make up for a class without one."""
    if isinstance(obj, type):
        doc = obj.__dict__.get("__doc__")
        made_up = doc and doc.startswith(f"{obj.__name__}(") and (
            dataclasses.is_dataclass(obj) or hasattr(obj, "_fields"))
        return None if made_up else doc
    return inspect.getdoc(obj)


def _data_documented(module_name: str, name: str) -> bool | None:
    """Whether the module that assigns ``name`` documents it: a docstring on the line after
    the assignment (as Sphinx reads it) or a comment on or just above its first line. Names a
    module imports are looked up where they come from. None: no assignment found."""
    module = importlib.import_module(module_name)
    source = inspect.getsource(module)
    lines, body = source.splitlines(), ast.parse(source).body
    for i, stmt in enumerate(body):
        if isinstance(stmt, ast.ImportFrom) and stmt.module and any(
                (alias.asname or alias.name) == name for alias in stmt.names):
            return _data_documented(stmt.module, name)
        targets = stmt.targets if isinstance(stmt, ast.Assign) else \
            [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            after = body[i + 1] if i + 1 < len(body) else None
            if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) \
                    and isinstance(after.value.value, str):
                return True
            above = lines[stmt.lineno - 2].strip() if stmt.lineno > 1 else ""
            return "#" in lines[stmt.lineno - 1] or above.startswith("#")
    lazy = getattr(module, "_EXPORTS", {})  # names a package loads on first use
    if name in lazy:
        home = lazy[name] if lazy[name].startswith("gradscape") else f"{module_name}.{lazy[name]}"
        return _data_documented(home, name)
    return None


@pytest.mark.parametrize("name", PUBLIC)
def test_public_module_declares_its_api(name: str) -> None:
    module = import_or_skip(name)
    assert inspect.getdoc(module), f"{name} has no module docstring"
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, list | tuple), f"{name} has no __all__"
    assert all(isinstance(n, str) for n in exported), f"{name}.__all__ holds a non-string"
    repeated = sorted({n for n in exported if exported.count(n) > 1})
    assert not repeated, f"{name}.__all__ repeats {repeated}"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_exported_name_exists_and_is_documented(name: str) -> None:
    module = import_or_skip(name)
    missing, undocumented = [], []
    for export in getattr(module, "__all__", ()):
        if not hasattr(module, export):
            missing.append(export)
            continue
        obj = getattr(module, export)
        if inspect.isroutine(obj) or inspect.isclass(obj) or inspect.ismodule(obj):
            documented = bool(_own_docstring(obj))
        else:  # data: a constant, a table, a type alias
            documented = bool(_data_documented(name, export))
        if not documented:
            undocumented.append(export)
    assert not missing, f"{name}.__all__ names what the module lacks: {missing}"
    assert not undocumented, f"{name}: no docstring for {undocumented}"


def test_the_check_tells_documented_from_undocumented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rules above, on names whose state is known.
    (tmp_path / "gs_api_probe.py").write_text(
        '"""A probe."""\n'
        "from gradscape.formula.limits import MAX_DEPTH\n"
        "A = 1  # commented on its line\n"
        "# commented above\n"
        "B = 2\n"
        "C = 3\n"
        '"""C, documented below."""\n'
        "D = 4\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    found = {n: _data_documented("gs_api_probe", n) for n in ("A", "B", "C", "D", "E")}
    assert found == {"A": True, "B": True, "C": True, "D": False, "E": None}
    assert _data_documented("gs_api_probe", "MAX_DEPTH") is True  # read where it is defined

    class Bare(NamedTuple):
        a: int

    @dataclasses.dataclass
    class Plain:
        a: int

    @dataclasses.dataclass
    class Said:
        """Documented."""

        a: int

    assert (_own_docstring(Bare), _own_docstring(Plain)) == (None, None)
    assert _own_docstring(Said) == "Documented."
