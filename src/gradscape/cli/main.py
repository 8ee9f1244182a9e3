"""The ``gradscape`` command: argument parsing, dispatch and error handling, nothing else.

Each command lives in a small module that declares its arguments and calls the library;
commands are listed in ONE table below. Heavy modules (NumPy kernels, matplotlib, Numba) are
imported inside a command's ``run``, so ``gradscape grad`` starts as fast as SymPy allows.

Before argparse sees the command line, two things are read off the parser itself (never off a
hand-kept list): an option that takes a value keeps a value starting with '-' (``--at -1,2``),
and any other item starting with a single '-' that is not one of the command's options is the
formula (``gradscape grad -x^2``). Anything starting with '--' stays an option, so a mistyped
one is still reported as unknown.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import NoReturn

__all__ = ["main", "COMMANDS", "build_parser", "prepare_argv", "subcommands", "option_strings",
           "value_options"]

# command name -> module under gradscape.cli whose SPECS[name] is its CommandSpec
COMMANDS: dict[str, str] = {
    "diff": "symbolic",
    "grad": "symbolic",
    "hessian": "symbolic",
    "eval": "symbolic",
    "jacobian": "vectorcmd",
    "div": "vectorcmd",
    "curl": "vectorcmd",
    "laplacian": "vectorcmd",
    "potential": "potentialcmd",
    "graph": "graphcmd",
    "field": "plotcmd",
    "plot": "plotcmd",
    "descend": "descendcmd",
    "compare": "comparecmd",
    "critical": "criticalcmd",
    "basins": "basinscmd",
    "sweep": "sweepcmd",
    "functions": "functionscmd",
    "serve": "servecmd",
    "explore": "servecmd",
}

# An item starting with this (invisible) character is positional to argparse; the formula
# "-x^2" travels as MARK + "-x^2" and the mark is removed again after parsing.
_MARK = "\u2060"

_DESCRIPTION = """\
Exact derivatives, gradients and Hessians of formulas typed the way you write them,
and pictures of their gradient fields.

formulas: x^2 + 3y^2, 2x sin(y), exp(-(x^2+y^2)), log(x, 2), sigmoid(w1 x + b)
          (^ or ** for powers, implicit multiplication, pi and e, library names such as himmelblau)
"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        message = message.replace(_MARK, "").replace(ascii(_MARK)[1:-1], "")
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


def option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string ``parser`` accepts: ``{"-h", "--help", "--at", ...}``."""
    return {s for action in parser._actions for s in action.option_strings}


def value_options(parser: argparse.ArgumentParser) -> set[str]:
    """The option strings of ``parser`` that take a value (``--at``, ``-o``; not ``--json``)."""
    return {s for action in parser._actions if action.nargs != 0 for s in action.option_strings}


def prepare_argv(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """``argv`` made safe for argparse, reading each command's options off its parser.

    A value starting with '-' is joined to its option (``["--at", "-1,2"]`` → ``["--at=-1,2"]``)
    and a formula starting with '-' is marked as positional: an item with one leading '-' that
    is neither an option of the command (``-o``, ``-n``) nor ``-o=VALUE`` is the formula.
    Items after ``--`` are left alone, as argparse leaves them.
    """
    return _prepare(parser, argv)[0]


def _prepare(parser: argparse.ArgumentParser,
             argv: Sequence[str]) -> tuple[list[str], argparse.ArgumentParser]:
    """:func:`prepare_argv`, and the parser of the innermost (sub)command named."""
    out: list[str] = []
    target = parser  # the innermost (sub)command named so far
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            return [*out, *argv[i:]], target
        known = option_strings(target)
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if arg in value_options(target) and nxt is not None and _loose_dash(nxt, known):
            out.append(f"{arg}={nxt}")
            i += 2
            continue
        if _loose_dash(arg, known):
            out.append(_MARK + arg)
        else:
            target = subcommands(target).get(arg, target)
            out.append(arg)
        i += 1
    return out, target


def _loose_dash(arg: str, known: set[str]) -> bool:
    """True for an item that starts with '-' but is no option: a negative value or formula."""
    if not arg.startswith("-") or arg == "-" or arg.startswith("--"):
        return False
    return arg not in known and arg.partition("=")[0] not in known


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 2 bad input, 1 internal error)."""
    from gradscape.cli.console import install_ascii_fallback
    from gradscape.errors import GradscapeError

    install_ascii_fallback()
    _warnings_in_one_line()
    raw = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in raw if not a.startswith("-")), None)
    parser = build_parser(first if first in COMMANDS else None, arguments=first in COMMANDS)
    prepared, command = _prepare(parser, raw)
    args, extra = parser.parse_known_args(prepared)
    if extra:  # said by the command's own parser, whose --help lists what it takes
        command.error(f"unrecognized arguments: {' '.join(extra)}")
    for name, value in vars(args).items():
        if isinstance(value, str) and value.startswith(_MARK):
            setattr(args, name, value[len(_MARK):])
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
    except RecursionError:  # a bound missed it: still the input's fault, said in one line
        sys.stderr.write("gradscape: error: the formula is nested too deeply to work with — "
                         "use fewer levels of powers and calls inside each other\n")
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


def _warnings_in_one_line() -> None:
    """The kernel cache's warnings as ``gradscape: warning: ...`` (no source line)."""
    import warnings

    shown = warnings.showwarning
    if getattr(shown, "gradscape", False):  # installed by an earlier main() in this process
        return

    def show(message: Warning | str, category: type[Warning], *args: object,
             **kwargs: object) -> None:
        if category.__name__ == "CacheWarning":  # by name: no heavy import at start-up
            sys.stderr.write(f"gradscape: warning: {message}\n")
        else:
            shown(message, category, *args, **kwargs)  # type: ignore[arg-type]

    show.gradscape = True  # type: ignore[attr-defined]
    warnings.showwarning = show


def _version() -> str:
    from gradscape import __version__

    return f"gradscape {__version__}"


if __name__ == "__main__":
    raise SystemExit(main())
