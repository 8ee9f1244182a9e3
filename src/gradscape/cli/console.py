"""Terminal output: tables that never cut a number, and plain ASCII where maths signs can't go.

Tables (descend, compare, critical, functions) are rich tables whose cells wrap, and fold
inside a long number only when no narrower layout fits: nothing is cut or ellipsised at any
``COLUMNS``. Where stdout cannot encode the signs the output uses (``PYTHONIOENCODING=ascii``,
a Latin-1 terminal), they are written as ASCII stand-ins — ∇f as ``grad f``, x² as ``x^2``,
∂ as ``d``, λ as ``lambda``, → as ``->`` — instead of failing.

>>> ascii_text("∇f(x, y) = (2x, 2y); ∂²f/∂x² → λ₁")
'grad f(x, y) = (2x, 2y); d^2f/dx^2 -> lambda1'
>>> number(0.30000000000000004), coords((1.0, -2.5))
('0.3', '(1, -2.5)')
"""

from __future__ import annotations

import codecs
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO, cast

if TYPE_CHECKING:
    from rich.console import JustifyMethod
    from rich.progress import Progress, TaskID

__all__ = ["ascii_text", "install_ascii_fallback", "can_encode", "plain", "console", "table",
           "number", "coords", "progress_bar"]

# Stand-ins for the signs gradscape prints; anything else falls back to its compatibility
# decomposition (é → e, ₁ → 1), else "?".
_ASCII = {
    "∇": "grad ", "∂": "d", "λ": "lambda", "Λ": "Lambda", "→": "->", "←": "<-", "−": "-",
    "–": "-", "—": "--", "×": "x", "·": "*", "…": "...", "′": "'", "″": "''", "∥": "||",
    "‖": "||", "≤": "<=", "≥": ">=", "≠": "!=", "≈": "~", "±": "+/-", "∞": "inf", "π": "pi",
    "√": "sqrt", "∛": "cbrt", "β": "beta", "ε": "eps", "Σ": "sum", "°": " deg", "‘": "'",
    "’": "'", "“": '"', "”": '"', "★": "*", "○": "o",
}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁼⁽⁾ⁿⁱᵗ", "0123456789-+=()nit", strict=True))
_SIGNS = "∇²∂λ→−×·…"  # what a stream must encode for gradscape's output to go out unchanged
_HANDLER = "gradscape-ascii"


def ascii_text(text: str) -> str:
    """``text`` in ASCII: the stand-ins above, superscripts as ``^2``, the rest decomposed."""
    out: list[str] = []
    raised = False
    for ch in text:
        up = _SUPERSCRIPTS.get(ch)
        if up is not None:
            out.append(up if raised else "^" + up)
        elif ch.isascii():
            out.append(ch)
        else:
            out.append(_ASCII.get(ch) or _decomposed(ch))
        raised = up is not None
    return "".join(out)


def _decomposed(ch: str) -> str:
    return unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode() or "?"


def _on_encode_error(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    return ascii_text(err.object[err.start:err.end]), err.end


codecs.register_error(_HANDLER, _on_encode_error)


def can_encode(stream: Any = None, text: str = _SIGNS) -> bool:
    """Whether ``stream`` (default stdout) can write ``text`` as it is."""
    stream = sys.stdout if stream is None else stream
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def install_ascii_fallback(streams: Iterable[TextIO] | None = None) -> None:
    """Make stdout and stderr write ASCII stand-ins for signs their encoding lacks."""
    for stream in streams if streams is not None else (sys.stdout, sys.stderr):
        if not can_encode(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=_HANDLER)


def plain(text: str) -> str:
    """``text`` as stdout will show it: unchanged where it can, else with ASCII stand-ins.

    Table cells go through this before layout, so a stand-in wider than its sign (∇ → grad)
    is measured, not discovered when the line is written.
    """
    return text if can_encode(text=text) else ascii_text(text)


def console() -> Any:
    """A rich console on stdout; its width is the terminal's, or ``COLUMNS``, else 80."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


_BOXED = (4, 3)  # a boxed table: its outer edges with padding, and the rule between columns
_BARE = 2  # no box: two spaces between columns


def table(out: Any, headers: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]], *,
          show_lines: bool = False) -> Any:
    """``rows`` under ``headers`` ((title, "left" | "right") pairs), laid out to fit ``out``'s
    width without cutting or folding a number.

    In order of preference: a boxed table; one without the box; one whose text wraps at
    spaces (each column as wide as its longest word); and where even that is too wide, one
    record per row — a column of names beside the row's values.
    """
    from rich import box
    from rich.table import Table

    cells = [[plain(str(c)) for c in row] for row in rows]
    heads = [(plain(h), side) for h, side in headers]
    columns = [[h, *(row[j] for row in cells)] for j, (h, _) in enumerate(heads)]
    natural = [max(len(line) for c in col for line in c.split("\n")) for col in columns]
    words = [max(len(w) for c in col for w in c.split() or [""]) for col in columns]
    gaps = len(heads) - 1
    if sum(natural) + _BOXED[0] + _BOXED[1] * gaps <= out.width:
        t = Table(show_lines=show_lines, box=box.HEAVY_HEAD)
        widths: list[int | None] = [None] * len(heads)
    elif sum(words) + _BARE * gaps <= out.width:
        t = Table(box=None, pad_edge=False, padding=(0, _BARE // 2))
        widths = list(_wrap(natural, words, out.width - _BARE * gaps))
    else:
        return _records([h for h, _ in heads], cells, out.width)
    for (head, side), width in zip(heads, widths):
        # side is "left" or "right", as the docstring says (rich types it as a Literal)
        t.add_column(head, justify=cast("JustifyMethod", side), overflow="fold", width=width)
    for i, row in enumerate(cells):
        if i and show_lines and t.box is None:  # no rules without a box: a blank line
            t.add_row(*[""] * len(heads))
        t.add_row(*row)
    return t


def _wrap(natural: list[int], words: list[int], room: int) -> list[int]:
    """Column widths summing to at most ``room`` (given ``sum(words) <= room``): the widest
    column that can still wrap loses a character, until the table fits."""
    widths = list(natural)
    for _ in range(sum(widths) - room):
        j = max((j for j in range(len(widths)) if widths[j] > words[j]), key=widths.__getitem__)
        widths[j] -= 1
    return widths


def _records(heads: list[str], cells: list[list[str]], width: int) -> Any:
    """One block per row, a blank line between rows: each column's title beside its value,
    or above it, indented, when a word of some value would not fit beside the titles."""
    from rich.padding import Padding
    from rich.table import Table

    names = max(len(h) for h in heads)
    longest = max((len(w) for row in cells for c in row for w in c.split()), default=0)
    beside = names + _BARE + longest <= width
    grid = Table.grid(padding=(0, _BARE))
    grid.add_column(no_wrap=beside, overflow="fold")
    if beside:
        grid.add_column(overflow="fold")
    for i, row in enumerate(cells):
        if i:
            grid.add_row(*[""] * (1 + beside))
        for head, cell in zip(heads, row):
            if beside:
                grid.add_row(head, cell)
            else:
                grid.add_row(head)
                grid.add_row(Padding(cell, (0, 0, 0, _BARE)))
    return grid


def number(v: Any, digits: int = 12) -> str:
    """A float in ``digits`` significant digits (2.0 → 2); NaN reads "undefined"."""
    v = float(v)
    return "undefined" if v != v else f"{v:.{digits}g}"


def coords(values: Iterable[Any], digits: int = 12) -> str:
    """``(1, -2.5)``: a point's coordinates in ``digits`` significant digits."""
    return "(" + ", ".join(number(v, digits) for v in values) + ")"


class progress_bar:  # noqa: N801 - used like a function: `with progress_bar(...) as tick`
    """A transient rich progress bar on stderr; ``tick(done, total)`` advances it."""

    def __init__(self, enabled: bool, what: str) -> None:
        self.enabled, self.what = enabled, what
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        console = Console(stderr=True)
        if not console.is_terminal:  # logs and pipes get no bar (nor a stray blank line)
            return None
        self.bar = Progress(TextColumn(self.what), BarColumn(), TextColumn("{task.completed}/"
                            "{task.total}"), TimeRemainingColumn(), console=console,
                            transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.what, total=None)
        return self._tick

    def _tick(self, done: int, total: int) -> None:
        if self.bar is not None and self.task is not None:  # both set before _tick is handed out
            self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
