"""Words on pictures: formulas in titles (math text when matplotlib can render it, plain text
otherwise) and the caption notes that say what a picture leaves out.

>>> from gradscape import Function
>>> math_title("Contours of", Function("x^2 + y^2"))
'Contours of $f(x, y) = x^{2} + y^{2}$'
>>> short_name(Function("rosenbrock"))
'Rosenbrock'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

__all__ = ["math_title", "mathtext_ok", "short_name", "set_title", "caption", "field_notes"]

_PLAIN_MAX = 70  # longer plain-text formulas are cut with "…": a title is not the place for them
_TITLE_CHARS = 60  # titles beyond this many visible characters get a smaller font


@lru_cache(maxsize=256)
def mathtext_ok(tex: str) -> bool:
    """True when matplotlib's mathtext parses ``tex`` (it supports a subset of LaTeX)."""
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(f"${tex}$")
    except Exception:
        return False
    return True


def math_title(prefix: str, f: Any) -> str:
    """``"<prefix> $f(x, y) = x^{2} + y^{2}$"``, falling back to plain text for odd formulas.

    Library functions whose formula is too long for a title (Goldstein–Price) are named instead.
    """
    tex = f.latex()
    if len(tex) <= 200 and mathtext_ok(tex):
        return f"{prefix} ${tex}$"
    lib = getattr(f, "library", None)
    if lib is not None:
        return f"{prefix} {lib.title or lib.name} {f.signature()}"
    text = str(f)
    return f"{prefix} {text if len(text) <= _PLAIN_MAX else text[:_PLAIN_MAX - 1] + '…'}"


def short_name(f: Any) -> str:
    """The library title (``Rosenbrock``) or the signature (``f(x, y)``)."""
    lib = getattr(f, "library", None)
    return (lib.title or lib.name) if lib is not None else f.signature()


def _visible(text: str) -> int:
    return len(re.sub(r"\\[a-z]+|[${}^_]", "", text))


def set_title(ax: Any, title: str, size: float = 12.0) -> Any:
    """Set the title; a long one puts its formula on a second line, then shrinks to fit."""
    if _visible(title) > _TITLE_CHARS and " $" in title and "\n" not in title:
        head, _, formula = title.partition(" $")
        title = f"{head}\n${formula}"
    longest = max(_visible(line) for line in title.split("\n"))
    scale = min(1.0, _TITLE_CHARS / max(longest, 1))
    return ax.set_title(title, fontsize=max(7.0, size * scale))


def field_notes(fld: Any, n_capped: int = 0) -> list[str]:
    """Caption notes for a Field: undefined points left blank, arrows shortened."""
    notes = []
    bad = fld.invalid_count
    if bad == fld.values.size:
        notes.append("f or ∇f is undefined everywhere in this window")
    elif bad:
        notes.append(f"{bad} point(s) where f or ∇f is undefined are left blank")
    if n_capped:
        notes.append(f"{n_capped} very long arrow(s) shortened so the rest stay visible")
    return notes


def caption(fig: Any, notes: Sequence[str], fontsize: float = 8.0) -> Any:
    """Write ``notes`` under the figure, one per line (nothing when there are none).

    It is the figure's ``supxlabel``, so a constrained layout makes room for it.
    """
    import textwrap

    unique = list(dict.fromkeys(n for n in notes if n))
    if not unique:
        return None
    # wrapped to the figure's width (a character is about 0.55 em wide), so no line is cut
    chars = max(30, int(fig.get_figwidth() * 72 / (0.55 * fontsize)) - 4)
    lines = [w for n in unique for part in n.split("\n")
             for w in textwrap.wrap(part, chars) or [""]]
    return fig.supxlabel("\n".join(lines), fontsize=fontsize, color="0.3")
