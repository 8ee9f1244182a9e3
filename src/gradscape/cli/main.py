"""The ``gradscape`` command: argument parsing, dispatch and error handling, nothing else.

Each command lives in a small module that declares its arguments and calls the library;
commands are listed in ONE table below. Heavy modules (NumPy kernels, matplotlib, Numba) are
imported inside a command's ``run``, so ``gradscape grad`` starts as fast as SymPy allows.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module

__all__ = ["main", "COMMANDS", "build_parser", "subcommands"]

# command name -> module under gradscape.cli whose SPECS[name] is its CommandSpec
COMMANDS: dict[str, str] = {
    "diff": "symbolic",
    "grad": "symbolic",
    "hessian": "symbolic",
    "eval": "symbolic",
    "field": "plotcmd",
    "plot": "plotcmd",
    "descend": "descendcmd",
    "compare": "comparecmd",
    "critical": "criticalcmd",
    "functions": "functionscmd",
}

# Options whose value may start with '-' (negative coordinates): argparse would take
# "--at -1,2" for two options, so such pairs are joined into "--at=-1,2" first.
VALUE_OPTIONS = {"--at", "--start", "--x", "--y", "--z", "--direction", "--lr", "--to"}

_DESCRIPTION = """\
Exact derivatives, gradients and Hessians of formulas typed the way you write them,
and pictures of their gradient fields.

formulas: x^2 + 3y^2, 2x sin(y), exp(-(x^2+y^2)), log(x, 2), sigmoid(w1 x + b)
          (^ or ** for powers, implicit multiplication, pi and e, library names such as himmelblau)
"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(2)


def build_parser(only: str | None = None, *, arguments: bool = True) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that command's (start-up stays small).

    ``arguments=False`` leaves out each command's options and examples: enough for
    ``gradscape --help`` and for naming an unknown command, at a fraction of the import time.
    """
    parser = _Parser(
        prog="gradscape",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run 'gradscape COMMAND --help' for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            continue
        module = import_module(f"gradscape.cli.{module_name}")
        spec = module.SPECS[name]
        p = sub.add_parser(
            name,
            help=spec.help,
            description=spec.help,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if arguments:
            p.epilog = "examples:\n" + "\n".join(f"  {e}" for e in spec.example_lines())
            spec.add_arguments(p)
        p.set_defaults(_run=spec.run)
    return parser


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parsers of ``parser``'s subcommands by name (plot's kinds, for ``plot``)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def join_negative_values(argv: Sequence[str]) -> list[str]:
    """``["--at", "-1,2"]`` → ``["--at=-1,2"]`` so negative coordinates work as typed."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if (
            arg in VALUE_OPTIONS
            and i + 1 < len(argv)
            and argv[i + 1].startswith("-")
            and argv[i + 1][1:2] not in ("-", "")
        ):
            out.append(f"{arg}={argv[i + 1]}")
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 2 bad input, 1 internal error)."""
    from gradscape.cli.console import install_ascii_fallback
    from gradscape.errors import GradscapeError

    install_ascii_fallback()
    args_list = join_negative_values(list(sys.argv[1:] if argv is None else argv))
    first = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(first if first in COMMANDS else None, arguments=first in COMMANDS)
    args = parser.parse_args(args_list)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        code = int(args._run(args) or 0)
        for note in getattr(args, "_notes", ()):  # after success: a failure's stderr is one line
            sys.stderr.write(f"gradscape: note: {note}\n")
        return code
    except GradscapeError as err:
        sys.stderr.write(f"gradscape: error: {err}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("gradscape: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:
        if os.environ.get("GRADSCAPE_DEBUG"):
            raise
        sys.stderr.write(
            f"gradscape: internal error: {type(err).__name__}: {err} "
            "(set GRADSCAPE_DEBUG=1 for the traceback, and please report it)\n"
        )
        return 1


def _version() -> str:
    from gradscape import __version__

    return f"gradscape {__version__}"


if __name__ == "__main__":
    raise SystemExit(main())
