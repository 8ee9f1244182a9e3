"""``.. readme-section:: Title`` includes a section of README.md, converted to reStructuredText.

The README is what a user reads first and what the suite executes, so pages that repeat its
figures (the benchmark tables) include them from there instead of keeping a second copy.
Handled Markdown: paragraphs, ``code``, **bold**, pipe tables, fenced blocks and ### headings;
images are left out (the gallery shows them).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

README = Path(__file__).resolve().parents[2] / "README.md"


def section(title: str, text: str) -> list[str]:
    """The Markdown lines of the ``## title`` section of ``text``."""
    lines = text.splitlines()
    start = lines.index(f"## {title}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start:end]


def _inline(s: str) -> str:
    """Markdown inline code as rST literals; ``|`` and ``*`` in the prose around them
    escaped (``|∇f|`` is a norm, not an rST substitution)."""
    parts = re.split(r"(?<!`)`([^`]+)`(?!`)", s)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"\*\*(.+?)\*\*", "\x00\\1\x00", parts[i])  # **bold** kept
        parts[i] = re.sub(r"(?<![\w*])\*(\S(?:[^*]*\S)?)\*(?![\w*])", "\x01\\1\x01", parts[i])
        parts[i] = re.sub(r"([|*])", r"\\\1", parts[i])
        parts[i] = parts[i].replace("\x00", "**").replace("\x01", "*")
    for i in range(1, len(parts), 2):
        parts[i] = f"``{parts[i]}``"
    return "".join(parts)


def to_rst(md: list[str]) -> list[str]:
    """Convert the handled subset of Markdown to reStructuredText lines."""
    out: list[str] = []
    i = 0
    while i < len(md):
        line = md[i]
        if line.startswith("```"):
            out += ["::", ""]
            i += 1
            while i < len(md) and not md[i].startswith("```"):
                out.append("    " + md[i])
                i += 1
            out.append("")
        elif line.startswith("|"):
            rows = []
            while i < len(md) and md[i].startswith("|"):
                cells = [c.strip() for c in md[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                    rows.append(cells)
                i += 1
            out += [".. list-table::", "   :header-rows: 1", ""]
            for row in rows:
                out.append("   * - " + (_inline(row[0]) or "\\ "))
                out += ["     - " + (_inline(c) or "\\ ") for c in row[1:]]
            out.append("")
            continue
        elif line.startswith("### "):
            title = line[4:].strip()
            out += [title, "-" * len(title), ""]
        elif line.strip() and not line.startswith("!["):
            # a paragraph: join its lines first, as inline code may span a line break
            para = []
            while i < len(md) and md[i].strip() and not md[i].startswith(("```", "|", "#", "![")):
                para.append(md[i])
                i += 1
            out += [_inline(" ".join(para)), ""]
            continue
        else:
            out.append("")
        i += 1
    return out


class ReadmeSection(SphinxDirective):
    required_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(README))
        rst = to_rst(section(self.arguments[0], README.read_text()))
        container = nodes.container()
        self.state.nested_parse(StringList(rst, source=str(README)), self.content_offset,
                                container)
        return container.children


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("readme-section", ReadmeSection)
    return {"parallel_read_safe": True, "version": "1"}
