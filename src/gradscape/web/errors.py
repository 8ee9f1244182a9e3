"""Every failure as an HTTP status and one structured body: ``{"error": {type, message, ...}}``.

A formula the parser refuses comes back with its message, the 1-based column and width of
the caret, and the hint, so the page can underline the culprit as the CLI does.

>>> from gradscape.errors import FormulaError
>>> status, body = error_body(FormulaError("unknown function 'sinn'", "sinn(x)", 0,
...                                        "did you mean 'sin'?", width=4))
>>> status, body["error"]["column"], body["error"]["width"], body["error"]["hint"]
(400, 1, 4, "did you mean 'sin'?")
"""

from __future__ import annotations

from typing import Any

__all__ = ["error_body", "body"]


def body(kind: str, message: str, **extra: Any) -> dict[str, Any]:
    """``{"error": {"type": kind, "message": message, ...}}`` with the extra fields set."""
    return {"error": {"type": kind, "message": message,
                      **{k: v for k, v in extra.items() if v is not None}}}


def error_body(err: BaseException, formula: str | None = None) -> tuple[int, dict[str, Any]]:
    """The status and body for an exception raised while computing a request."""
    from pydantic import ValidationError

    from gradscape.errors import FormulaError, GradscapeError

    if isinstance(err, FormulaError):
        return 400, body(type(err).__name__, err.headline, column=(
            None if err.column is None else err.column + 1),
            width=err.width if err.column is not None else None, hint=err.hint,
            formula=err.formula if err.formula is not None else formula)
    if isinstance(err, GradscapeError):
        return 400, body(type(err).__name__, str(err))
    if isinstance(err, ValidationError):  # a request the worker's model refused
        first = err.errors()[0]
        return 422, body("ValidationError", first.get("msg", str(err)),
                         field=".".join(str(p) for p in first.get("loc", ())))
    if isinstance(err, MemoryError):
        return 422, body("MemoryLimit", "this request needs more memory than one request may "
                         "use; try a smaller grid, fewer steps or a simpler formula")
    if isinstance(err, RecursionError):
        return 422, body("LimitError", "the formula is nested too deeply to work with; "
                         "simplify it")
    # Anything else is a case the library did not foresee: still the input's doing, so a 4xx
    # that names it, never a 5xx.
    return 422, body("Unprocessable", f"gradscape could not compute this "
                     f"({type(err).__name__}: {str(err)[:200]})")
