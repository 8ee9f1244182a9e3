"""Small pieces every command shares: the command spec, formula/point options, output.

JSON has one convention for numbers it cannot hold: :func:`emit` writes NaN and ±inf as
``null``, whatever the command put in its payload.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CommandSpec",
    "add_formula",
    "add_point",
    "add_json",
    "load_function",
    "point",
    "emit",
    "axis_range",
    "jsonable",
    "require_display",
    "save_or_show",
    "STILL_FORMATS",
]

STILL_FORMATS = ("png", "svg", "pdf")  # what matplotlib writes a still picture as, here


@dataclass(frozen=True)
class CommandSpec:
    """One row of the command table: help text, examples, arguments, and what runs.

    ``examples`` may be a function returning them, for commands whose examples come from a
    table that is slow to import (plot's kinds): they are needed only for that command's help.
    """

    help: str
    examples: Sequence[str] | Callable[[], Sequence[str]]
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int | None]

    def example_lines(self) -> list[str]:
        """The examples, each a command line."""
        return list(self.examples() if callable(self.examples) else self.examples)


def add_formula(p: argparse.ArgumentParser) -> None:
    """The formula argument and ``--vars``."""
    p.add_argument("formula", help="formula text (quote it), or a library name like himmelblau")
    p.add_argument(
        "--vars", metavar="x,y", help="variables in gradient order (default: alphabetical)"
    )


def add_point(p: argparse.ArgumentParser, help_text: str = "evaluate at this point") -> None:
    """The optional ``--at`` point."""
    p.add_argument(
        "--at",
        metavar="1,2",
        help=f"{help_text}: one number per variable, comma-separated (pi/2 and -1.5 work)",
    )


def add_json(p: argparse.ArgumentParser) -> None:
    """The ``--json`` flag."""
    p.add_argument("--json", action="store_true", help="print one JSON object")


def load_function(args: argparse.Namespace) -> Any:
    """The Function that the formula argument and ``--vars`` name."""
    from gradscape.calculus.function import Function

    return Function(args.formula, args.vars)


def point(text: str | None, f: Any) -> tuple[float, ...] | None:
    """Parse ``--at`` into one float per variable of ``f``."""
    if text is None:
        return None
    from gradscape.errors import DomainError
    from gradscape.formula.parser import parse_number_list

    values = parse_number_list(text)
    if not f.variables:  # a constant: the same value at every point
        return ()
    if len(values) != len(f.variables):
        raise DomainError(
            f"--at needs {len(f.variables)} number(s), one per variable "
            f"({', '.join(f.variables)}); got {len(values)} from '{text}'"
        )
    return values


def axis_range(text: str | None, default: tuple[float, float], name: str) -> tuple[float, float]:
    """``"-2:2"`` → (-2.0, 2.0)."""
    if text is None:
        return default
    from gradscape.errors import DomainError
    from gradscape.formula.parser import parse_number_list

    parts = text.split(":")
    if len(parts) != 2:
        raise DomainError(f"--{name} takes lo:hi, like --{name} -2:2; got '{text}'")
    lo, hi = (parse_number_list(p)[0] if p.strip() else None for p in parts)
    if lo is None or hi is None or not lo < hi:
        raise DomainError(f"--{name} needs lo < hi, like --{name} -2:2; got '{text}'")
    return lo, hi


def emit(args: argparse.Namespace, payload: dict[str, Any], lines: list[str]) -> int:
    """Print ``payload`` as JSON with ``--json``, else the human-readable ``lines``.

    The JSON is strict: NaN and ±inf are written as ``null``, and where stdout cannot encode
    every character, strings are ``\\u`` escaped (the data are unchanged, unlike text lines,
    whose signs get ASCII stand-ins).
    """
    if getattr(args, "json", False):
        from gradscape.cli.console import can_encode

        text = json.dumps(jsonable(payload), allow_nan=False, default=str,
                          ensure_ascii=not can_encode())
        sys.stdout.write(text + "\n")
    elif lines:
        sys.stdout.write("\n".join(lines) + "\n")
    return 0


def jsonable(obj: Any) -> Any:
    """``obj`` with every float that JSON cannot hold (NaN, ±inf) as None, recursively.

    NumPy scalars and arrays become Python numbers and lists (without importing NumPy).

    >>> jsonable({"value": float("nan"), "at": (1.0, float("-inf")), "ok": True})
    {'value': None, 'at': [1.0, None], 'ok': True}
    """
    if isinstance(obj, bool) or obj is None or isinstance(obj, (int, str)):
        return obj
    if isinstance(obj, float):
        return obj if obj - obj == 0 else None  # inf - inf and nan - nan are nan
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if type(obj).__module__ == "numpy" and hasattr(obj, "tolist"):
        return jsonable(obj.tolist())
    return obj


_NON_INTERACTIVE = {"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"}


def require_display() -> None:
    """Fail early, with the fix, when --show has no window to open (a server, CI, SSH)."""
    import matplotlib.pyplot as plt

    from gradscape.errors import DomainError

    backend = plt.get_backend().lower()
    if backend in _NON_INTERACTIVE or "inline" in backend:
        raise DomainError(
            f"--show needs a display, and matplotlib's backend here is '{backend}' "
            "(no window can open); write the figure to a file with -o out.png"
        )


def save_or_show(fig: Any, output: str | None, show: bool, dpi: int = 100) -> None:
    """Write the figure (format from the file's extension) and/or open a window."""
    import os

    import matplotlib.pyplot as plt

    from gradscape.errors import DomainError

    if output:
        ext = os.path.splitext(output)[1].lower().lstrip(".")
        if ext not in STILL_FORMATS:
            raise DomainError(f"cannot write '.{ext}' figures; use .png, .svg or .pdf")
        folder = os.path.dirname(output)
        if folder:
            os.makedirs(folder, exist_ok=True)
        fig.savefig(output, dpi=dpi)
    if show:
        plt.show()
    plt.close(fig)
