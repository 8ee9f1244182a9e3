"""Read gradscape's docstrings as the plain text they are written in.

The docstrings are written for ``help()`` and the terminal: ``|∇f|`` is a norm and ``x*y`` a
product, where reStructuredText would see a substitution and emphasis. This hook escapes
``|`` and ``*`` in prose, leaving alone what rST must read: ``literals``, roles
(:class:`...`), doctest lines and literal blocks.
"""

from __future__ import annotations

import re
from typing import Any

_CODE = re.compile(r"(``.+?``|:[a-z:]+:`[^`]+`|`[^`]+`_?)")


def _escape(text: str) -> str:
    parts = _CODE.split(text)
    for i in range(0, len(parts), 2):  # even parts are prose
        parts[i] = re.sub(r"(?<!\\)([|*])", r"\\\1", parts[i])
    return "".join(parts)


def escape_lines(lines: list[str]) -> list[str]:
    """The docstring's lines with ``|`` and ``*`` escaped outside code."""
    out, literal_indent, in_example = [], None, False
    for line in lines:
        stripped = line.lstrip()
        if in_example and stripped:  # a doctest's expected output: code, not prose
            out.append(line)
            continue
        in_example = stripped.startswith(">>>")
        indent = len(line) - len(stripped)
        if literal_indent is not None and (not stripped or indent > literal_indent):
            out.append(line)  # inside a literal block
            continue
        literal_indent = None
        if stripped.startswith((">>>", "...")) or stripped.startswith(".. "):
            out.append(line)
            continue
        out.append(_escape(line))
        if stripped.endswith("::"):
            literal_indent = indent
    return out


def process(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    lines[:] = escape_lines(lines)


def setup(app: Any) -> dict[str, Any]:
    app.connect("autodoc-process-docstring", process)
    return {"parallel_read_safe": True, "version": "1"}
