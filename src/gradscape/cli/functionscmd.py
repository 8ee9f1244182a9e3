"""``gradscape functions``: the library of standard test functions."""

from __future__ import annotations

import argparse
from typing import Any

from gradscape.cli.common import CommandSpec, add_json, emit

__all__ = ["SPECS"]


def _add(p: argparse.ArgumentParser) -> None:
    add_json(p)


def _run(args: argparse.Namespace) -> int:
    from gradscape.formula.library import LIBRARY

    rows: list[dict[str, Any]] = [
        {"name": t.name, "title": t.title or t.name, "aliases": list(t.aliases),
         "formula": t.formula, "variables": list(t.variables),
         "domain": [list(d) for d in t.domain],
         "minima": [{"point": list(m.point), "value": m.value} for m in t.minima],
         "summary": t.summary, "source": t.source} for t in LIBRARY.values()]
    if args.json:
        return emit(args, {"functions": rows}, [])
    from gradscape.cli.console import console, coords, number, table

    out = console()
    out.print("test functions: use the name in place of a formula (--json for full sources)",
              soft_wrap=True)
    headers = [(name, "left") for name in ("name", "formula", "domain", "global minima",
                                           "source")]
    cells = [[r["name"], r["formula"],
              " × ".join(f"[{number(a)}, {number(b)}]" for a, b in r["domain"]),
              "\n".join(f"{coords(m['point'], 6)} → {number(m['value'], 6)}"
                        for m in r["minima"]),
              r["source"].split(";")[0].split(",")[0]] for r in rows]
    out.print(table(out, headers, cells, show_lines=True))
    return 0


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "functions": CommandSpec(
        help="the library of standard test functions: formula, domain, minima, source",
        examples=("gradscape functions", "gradscape functions --json"),
        add_arguments=_add,
        run=_run,
    ),
}
