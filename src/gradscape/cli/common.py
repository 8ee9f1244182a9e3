"""Small pieces every command shares: the command spec, formula/point options, output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
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
]


@dataclass(frozen=True)
class CommandSpec:
    """One row of the command table: help text, examples, arguments, and what runs."""

    help: str
    examples: tuple[str, ...]
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int | None]


def add_formula(p: argparse.ArgumentParser) -> None:
    p.add_argument("formula", help="formula text (quote it), or a library name like himmelblau")
    p.add_argument(
        "--vars", metavar="x,y", help="variables in gradient order (default: alphabetical)"
    )


def add_point(p: argparse.ArgumentParser, help_text: str = "evaluate at this point") -> None:
    p.add_argument(
        "--at",
        metavar="1,2",
        help=f"{help_text}: one number per variable, comma-separated (pi/2 and -1.5 work)",
    )


def add_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object")


def load_function(args: argparse.Namespace) -> Any:
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
    """Print ``payload`` as JSON with ``--json``, else the human-readable ``lines``."""
    if getattr(args, "json", False):
        json.dump(payload, sys.stdout, ensure_ascii=False, allow_nan=False, default=_jsonable)
        sys.stdout.write("\n")
    elif lines:
        sys.stdout.write("\n".join(lines) + "\n")
    return 0


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


def _jsonable(obj: Any) -> Any:
    return str(obj)


def num(v: float) -> float | None:
    """A float for JSON: NaN and ±inf become null (JSON has no such numbers)."""
    return v if v == v and v not in (float("inf"), float("-inf")) else None


def fmt(v: float) -> str:
    """A float as people read it: 2.0 → 2, 0.30000000000000004 → 0.3."""
    if v != v:
        return "undefined"
    return f"{v:.12g}"
