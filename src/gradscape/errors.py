"""The one exception hierarchy: every error a user can cause is a GradscapeError."""

from __future__ import annotations

__all__ = ["GradscapeError", "FormulaError", "LimitError", "DomainError"]


class GradscapeError(Exception):
    """Base class of every error gradscape raises on purpose."""


class FormulaError(GradscapeError, ValueError):
    """A formula that cannot be read: says what is wrong, where, and how to fix it.

    ``str(err)`` is the full message: one line saying what and how to fix it, then the
    formula with a caret under the offending column when the column is known.

    >>> err = FormulaError("unknown function 'sinn'", "sinn(x)", 0, "did you mean 'sin'?")
    >>> print(err)
    unknown function 'sinn' at column 1 — did you mean 'sin'?
      sinn(x)
      ^
    """

    def __init__(
        self,
        problem: str,
        formula: str | None = None,
        column: int | None = None,
        hint: str | None = None,
        width: int = 1,
    ) -> None:
        self.problem = problem
        self.formula = formula
        self.column = column  # 0-based index into formula
        self.hint = hint
        self.width = max(1, width)
        super().__init__(self._render())

    @property
    def headline(self) -> str:
        """The first line alone: what is wrong, at which (1-based) column, and the fix."""
        where = f" at column {self.column + 1}" if self.column is not None else ""
        fix = f" — {self.hint}" if self.hint else ""
        return f"{self.problem}{where}{fix}"

    def _render(self) -> str:
        lines = [self.headline]
        if self.formula is not None and self.column is not None:
            shown = _printable(self.formula)
            if len(shown) > 120:  # keep the caret in view on very long input
                start = max(0, self.column - 60)
                shown = ("…" if start else "") + shown[start : start + 120]
                col = self.column - start + (1 if start else 0)
            else:
                col = self.column
            lines.append("  " + shown)
            lines.append("  " + " " * col + "^" * min(self.width, max(1, len(shown) - col)))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, for the CLI's ``--json`` and the web API."""
        return {
            "error": "FormulaError",
            "message": self.headline,
            "column": None if self.column is None else self.column + 1,
            "hint": self.hint,
        }


class LimitError(FormulaError):
    """An input over one of the work bounds (length, depth, size, exponent, grid)."""


class DomainError(GradscapeError, ValueError):
    """A request outside what gradscape computes (complex-valued, wrong arity, ...)."""


def _printable(text: str) -> str:
    # Control and zero-width characters would shift the caret or hide the culprit.
    return "".join(ch if ch.isprintable() else "?" for ch in text)
