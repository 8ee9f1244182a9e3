"""What to say when formula text is wrong: each function raises one kind of FormulaError.

The grammar calls these at the point it notices a mistake; they choose the culprit token
(not always the one being read: in ``x +`` the fault is the '+'), the message and the hint.

>>> from gradscape.formula.lexer import tokenize
>>> toks = tokenize("x + * y")
>>> try:
...     missing_value("x + * y", toks[2], toks[1])
... except FormulaError as err:
...     print(err.problem, "| column", err.column)
two operators in a row: '+' then '*' | column 4
"""

from __future__ import annotations

import difflib
import keyword
from fractions import Fraction
from typing import NoReturn

from gradscape.errors import FormulaError
from gradscape.formula.functions import ALIASES, CONSTANTS, FUNCTIONS, FunctionSpec
from gradscape.formula.lexer import Token
from gradscape.formula.library import LIBRARY

__all__ = [
    "check_variable_name",
    "missing_value",
    "number_after",
    "unexpected",
    "unknown_function",
    "near_miss",
    "bad_function_power",
    "not_called",
    "wrong_arity",
]

_NOT_NUMBERS = frozenset({"nan", "inf", "infinity", "oo", "zoo"})
_KNOWN_NAMES = frozenset([*FUNCTIONS, *ALIASES, *CONSTANTS])
_ARGUMENT_NAMES = {1: "x", 2: "x, y"}
_ADD_OR_REMOVE = "add the missing value or remove the operator"


def _fail(text: str, problem: str, at: Token, hint: str, end: int | None = None) -> NoReturn:
    width = (at.end if end is None else end) - at.start
    raise FormulaError(problem, text, at.start, hint, width=width)


def check_variable_name(text: str, tok: Token) -> None:
    """Refuse names that look like a mistyped function, a non-number or Python syntax."""
    name = tok.text
    lower = name.lower()
    if name != lower and len(name) > 1 and lower in _KNOWN_NAMES:
        hint = f"did you mean '{lower}'? names are case-sensitive"
        _fail(text, f"unknown name '{name}'", tok, hint)
    if lower in _NOT_NUMBERS:
        _fail(text, f"'{name}' is not a number a formula may use", tok, "use finite numbers")
    if keyword.iskeyword(name) and name != "lambda":  # lambda: the usual regularisation weight
        problem = f"'{name}' is a Python keyword, not part of a formula"
        _fail(text, problem, tok, "give one arithmetic expression; rename the variable")


def unknown_function(text: str, tok: Token) -> NoReturn:
    """A multi-letter name right before '(' that is not in the allow-list."""
    name = tok.text
    close = difflib.get_close_matches(name, [*FUNCTIONS, *ALIASES], n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"write {name}*(…) for a product"
    _fail(text, f"unknown function '{name}'", tok, hint)


def near_miss(text: str, tok: Token) -> None:
    """Refuse a name one or two typos away from a function or a library function.

    ``rosenbrok`` would otherwise become a variable, and its gradient a silent 1. Short names
    (lr, cost) are never flagged; indexed names (relu1) neither. The caller skips names the
    user declared as variables.
    """
    name = tok.text
    stem = name.rstrip("0123456789")
    if len(name) < 5 or (stem != name and (stem in _NEAR_NAMES or stem in _KNOWN_NAMES)):
        return  # short, or indexed like atan3 and relu1
    allowed = 1 if len(name) < 8 else 2
    found = [
        (_distance(name, known, allowed), known)
        for known, kind in _NEAR_NAMES.items()
        if name != known
    ]
    close = sorted(f for f in found if f[0] <= allowed)
    if close:
        known = close[0][1]
        hint = (
            f"did you mean '{known}' ({_NEAR_NAMES[known]})? If {name} is a variable, "
            f"declare it: --vars {name} (variables= in Python)"
        )
        _fail(text, f"unknown name '{name}'", tok, hint)


def _near_names() -> dict[str, str]:
    names = {n: "a function" for n in [*FUNCTIONS, *ALIASES] if len(n) >= 4}
    for row in LIBRARY.values():
        for spelled in (row.name, *row.aliases):
            names.setdefault(spelled.replace("-", ""), "a library function")
    return names


_NEAR_NAMES = _near_names()


def _distance(a: str, b: str, bound: int) -> int:
    """Edit distance with swaps of neighbours (Damerau, optimal string alignment), or
    bound + 1 once it is certainly larger (names are at most a few dozen letters)."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return min(prev[len(b)], bound + 1)


def bad_function_power(
    text: str, tok: Token, exponent: Fraction | float | None
) -> NoReturn:
    """sin^2 x, sin^-1(x), sin^(2)(x): the argument must follow the name in parentheses."""
    name = tok.text
    hint = f"write {name}(x)^2 for the square of {name}(x)"
    if exponent is not None and exponent < 0:
        inverse = "a" + ALIASES.get(name, name)
        hint = f"write {inverse}(x) for the inverse or " if inverse in FUNCTIONS else "write "
        hint += f"1/{name}(x) for the reciprocal"
    _fail(text, f"'{name}' needs its argument in parentheses", tok, hint)


def not_called(text: str, tok: Token, after: Token) -> NoReturn:
    """A function name used as a value: 'exp', 'sin + x', 'sin -x'."""
    arg = after.text if after.kind in ("name", "num") else "x"
    _fail(text, f"'{tok.text}' is a function", tok, f"write {tok.text}({arg})")


def wrong_arity(text: str, tok: Token, spec: FunctionSpec, got: int, end: int) -> NoReturn:
    """A call with an argument count the allow-list does not have."""
    name = tok.text
    counts = " or ".join(str(n) for n in spec.arity)
    plural = "argument" if spec.arity == (1,) else "arguments"
    examples = " or ".join(f"{name}({_ARGUMENT_NAMES[n]})" for n in spec.arity)
    _fail(text, f"{name} takes {counts} {plural}, got {got}", tok, f"write {examples}", end)


def unexpected(text: str, tok: Token) -> NoReturn:
    """A token left over where the expression should have ended."""
    if tok.kind == ",":
        hint = "a formula is one expression; commas separate arguments, as in log(x, 2)"
        _fail(text, "',' outside a function call", tok, hint)
    _fail(text, f"unexpected '{tok.text}'", tok, "check the operators around it")


def missing_value(text: str, tok: Token, before: Token | None) -> NoReturn:
    """A value was due at tok; say which neighbour is at fault and point at it."""
    before = before or Token("start", "", 0, 0)
    if tok.kind == "sup":
        hint = "put it right after a number, name or ')'"
        _fail(text, f"superscript '{tok.text}' has nothing to raise", tok, hint)
    if before.kind == "op" and tok.kind == "op":
        problem = f"two operators in a row: '{before.text}' then '{tok.text}'"
        _fail(text, problem, tok, "remove one of them, or put a value between them")
    if before.kind == "op":
        _fail(text, f"'{before.text}' needs a value after it", before, _ADD_OR_REMOVE)
    if tok.kind == "op":
        _fail(text, f"'{tok.text}' needs a value before it", tok, _ADD_OR_REMOVE)
    if before.kind == "(" and tok.kind == ")":
        hint = "put an expression inside ( ) or remove them"
        _fail(text, "empty parentheses", before, hint, tok.end)
    if "," in (tok.kind, before.kind):
        where = before if before.kind == "," else tok
        _fail(text, "missing argument", where, "give a value on both sides of each ','")
    unexpected(text, tok)


def number_after(text: str, shown: str, literal: bool, tok: Token) -> NoReturn:
    """'2 3' or 'x 3': a number may not be the right side of implicit multiplication."""
    shown = shown if len(shown) <= 20 else "(…)"
    problem = "two numbers in a row" if literal else "a number right after a value"
    _fail(text, problem, tok, f"write {shown}*{tok.text}")
