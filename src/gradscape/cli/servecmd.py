"""``gradscape serve`` (or ``gradscape explore``): the browser explorer, on this computer,
offline. Both names run the same thing: "explore" is the word people reach for first."""

from __future__ import annotations

import argparse

from gradscape.cli.common import CommandSpec

__all__ = ["SPECS"]


def _add(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this computer only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--no-open", action="store_true",
                   help="do not open a browser; just print the address")


def _run(args: argparse.Namespace) -> int:
    from gradscape.web.server import serve

    serve(args.host, args.port, open_browser=not args.no_open)
    return 0


# This module's commands by name, as cli.main.COMMANDS finds them.
SPECS = {
    "serve": CommandSpec(
        help="the explorer in your browser: type a formula, click, descend (needs "
             "pip install 'gradscape[web]')",
        examples=("gradscape serve", "gradscape serve --port 9000 --no-open"),
        add_arguments=_add,
        run=_run,
    ),
    "explore": CommandSpec(
        help="the same as serve: open the explorer in your browser",
        examples=("gradscape explore", "gradscape explore --no-open"),
        add_arguments=_add,
        run=_run,
    ),
}
