"""The safe formula parser: text → validated SymPy expression, never eval.

Grammar (loosest first; implicit multiplication binds like ``*`` and ``/``, left to right,
so ``1/2x`` is ``(1/2)*x`` and ``x^2y`` is ``(x^2)*y``)::

    sum     := product (('+' | '-') product)*
    product := signed (('*' | '/') signed | power)*      # juxtaposition: 2x, x y, (x)(y)
    signed  := ('+' | '-') signed | power                # -x^2 is -(x^2)
    power   := postfix ('^' signed)?                     # right-associative; 2^-1 allowed
    postfix := primary superscript*                      # x², x⁻¹
    primary := number | constant | variable | call | '(' sum ')' | '|' sum '|'   # |x| = abs(x)
    call    := function ('^' n | superscript)? '(' sum (',' sum)* ')'   # sin^2(x) = sin(x)^2
             | function ('^' n | superscript)? bare                     # sin x, ln x
    bare    := number power | power         # sin 2x = sin(2x), sin x^2 = sin(x^2); noted

A '|' opens an absolute value unless one is open inside the same parentheses, where it
closes: ``||x| - 1|`` and ``|x| |y|`` read as written. A name right before '(' is a product
when it is a variable (declared, used elsewhere, or indexed like ``x1``), else it must be
a function.

Only the parser builds expressions, from the allow-list in
:mod:`gradscape.formula.functions`; every bound in :mod:`gradscape.formula.limits` is
checked before work is done.

>>> parse("x^2 + 3y^2").expr
x**2 + 3*y**2
>>> parse("xy + x + y").notes[0]
"read 'xy' as one variable named xy; for the product of x and y write x*y or x y"
>>> parse_number_list("pi/2, -1.5e-3")
(1.5707963267948966, -0.0015)
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import sympy as sp

from gradscape.errors import FormulaError, LimitError
from gradscape.formula import checks, domains
from gradscape.formula.grammar import SYMPY_FAILURES, Grammar, Piece
from gradscape.formula.lexer import Token, tokenize
from gradscape.formula.limits import MAX_DEPTH

__all__ = ["Parsed", "ParsedList", "parse", "parse_equation", "parse_list", "parse_number_list"]


@dataclass(frozen=True)
class Parsed:
    """A parsed formula.

    ``variables`` lists every variable name the text uses, sorted, even one that cancels
    (``x - x + y`` has variables ``('x', 'y')``); ``notes`` say how ambiguous input was read.
    """

    expr: sp.Expr
    variables: tuple[str, ...]
    notes: tuple[str, ...]
    text: str
    # Parts of the text undefined somewhere that simplification dropped (sqrt(x) of
    # sqrt(x)^2): values are undefined wherever one of them is (formula.domains).
    guards: tuple[sp.Expr, ...] = ()


def parse(text: str, variables: Collection[str] = ()) -> Parsed:
    """Read a formula as people type it; raise FormulaError or LimitError saying how to fix it.

    ``variables`` are names the caller declares as variables: they are never taken for a
    typo of a function name (``rosenbrok``), and before '(' they multiply (``a(b + 1)``).

    >>> p = parse("2x sin(y)")
    >>> p.expr, p.variables
    (2*x*sin(y), ('x', 'y'))
    >>> parse("1/2x").notes
    ("read '1/2x' as (1/2)*x; write 1/(2x) to divide by 2x",)
    """
    return _parse_all(_grammar(text, declared=variables))


def parse_equation(text: str) -> tuple[Parsed, Parsed]:
    """Read an equation ``left = right`` (one '='), each side a formula; errors point into
    ``text``.

    >>> left, right = parse_equation("x^2 + y^2 = 25")
    >>> left.expr, right.expr
    (x**2 + y**2, 25)
    """
    if not isinstance(text, str):
        raise TypeError(f"an equation is a str, not {type(text).__name__}")
    at = [i for i, ch in enumerate(text) if ch == "="]
    if len(at) != 1 or text[at[0] - 1: at[0]] in ("<", ">", "!", ":") \
            or text[at[0] + 1: at[0] + 2] == "=":
        raise FormulaError("an equation needs exactly one '='", text,
                           at[1] if len(at) > 1 else (at[0] if at else None),
                           "write it as left = right, e.g. x^2 + y^2 = 25")
    k = at[0]
    # Each side is read with the other blanked out, so columns (and carets) stay those of text.
    sides = []
    for lexed, where in ((text[:k] + " " * (len(text) - k), "left"),
                         (" " * (k + 1) + text[k + 1:], "right")):
        if not lexed.strip():
            raise FormulaError(f"the {where} side of the equation is empty", text, k,
                               "write it as left = right, e.g. x^2 + y^2 = 25")
        grammar = _grammar(lexed)
        grammar.text = text
        sides.append(_parse_all(grammar))
    return sides[0], sides[1]


def _parse_all(grammar: Grammar) -> Parsed:
    text = grammar.text
    try:
        piece = grammar.sum()
        end = grammar.peek()
        if end.kind != "end":
            grammar.unexpected(end)
        _check_result(grammar, piece)
    except FormulaError:
        raise
    except SYMPY_FAILURES as exc:  # a last net: the grammar catches these where it builds
        raise FormulaError(
            f"SymPy could not handle this formula ({type(exc).__name__})",
            text,
            0,
            "simplify the formula",
            width=len(text),
        ) from exc
    notes = [*grammar.notes, *checks.name_notes(grammar.variables)]
    guards = domains.lost_guards((p.expr for p in grammar.pieces), piece.expr)
    if guards:
        notes.append(domains.domain_note(text, piece.expr, guards))
    return Parsed(
        expr=piece.expr,
        variables=tuple(sorted(grammar.variables)),
        notes=tuple(dict.fromkeys(notes)),
        text=text,
        guards=guards,
    )


@dataclass(frozen=True)
class ParsedList:
    """A parsed list of formulas (a vector function): one expression per component.

    ``variables`` lists every variable any component uses, sorted.
    """

    exprs: tuple[sp.Expr, ...]
    variables: tuple[str, ...]
    notes: tuple[str, ...]
    text: str


def parse_list(text: str) -> ParsedList:
    """Read a comma-separated list of formulas, optionally in brackets or parentheses.

    Commas inside a call (``log(x, 2)``) belong to the call. Errors point into ``text``.

    >>> parse_list("[x^2 y, 5x + sin(y)]").exprs
    (x**2*y, 5*x + sin(y))
    >>> parse_list("log(x, 2), y").variables
    ('x', 'y')
    """
    if not isinstance(text, str):
        raise TypeError(f"a formula list is a str, not {type(text).__name__}")
    # Brackets around the whole list are read as blanks, so columns (and carets) stay put;
    # a bracket anywhere else is refused by the lexer as before.
    inner = text.strip()
    lexed = text
    if len(inner) >= 2 and inner[0] == "[" and inner[-1] == "]":
        first, last = text.index("["), text.rindex("]")
        lexed = text[:first] + " " + text[first + 1:last] + " " + text[last + 1:]
    grammar = _grammar(lexed, allow_outer_parentheses=True)
    grammar.text = text
    exprs: list[sp.Expr] = []
    while True:
        tok = grammar.peek()
        if tok.kind in (",", "end"):
            raise FormulaError("missing formula", text, tok.start,
                               "give formulas separated by commas, e.g. x y, x + y")
        try:
            piece = grammar.sum()
            _check_result(grammar, piece)
        except FormulaError:
            raise
        except SYMPY_FAILURES as exc:
            raise FormulaError(f"SymPy could not handle this formula ({type(exc).__name__})",
                               text, 0, "simplify the formula", width=len(text)) from exc
        exprs.append(piece.expr)
        tok = grammar.peek()
        if tok.kind == "end":
            break
        if tok.kind != ",":
            grammar.unexpected(tok)
        grammar.take()
    notes = [*grammar.notes, *checks.name_notes(grammar.variables)]
    return ParsedList(tuple(exprs), tuple(sorted(grammar.variables)),
                      tuple(dict.fromkeys(notes)), text)


def parse_number_list(text: str) -> tuple[float, ...]:
    """Read a comma-separated list of constant expressions, e.g. a point for ``--at``.

    Each item may use numbers, pi, e, + - * / ^ and allow-list functions; it must be a real,
    finite float. One pair of parentheses around the whole list is allowed.

    >>> parse_number_list("(1, 2^-1)")
    (1.0, 0.5)
    >>> parse_number_list("sqrt(2), e")
    (1.4142135623730951, 2.718281828459045)
    """
    grammar = _grammar(text, allow_outer_parentheses=True)
    values: list[float] = []
    while True:
        tok = grammar.peek()
        if tok.kind in (",", "end"):
            raise FormulaError(
                "missing number", text, tok.start, "give numbers separated by commas, e.g. 1, 2"
            )
        piece = grammar.sum()
        values.append(_to_float(grammar, piece))
        tok = grammar.peek()
        if tok.kind == "end":
            return tuple(values)
        if tok.kind != ",":
            grammar.unexpected(tok)
        grammar.take()


def _grammar(
    text: str, allow_outer_parentheses: bool = False, declared: Collection[str] = ()
) -> Grammar:
    if not isinstance(text, str):
        raise TypeError(f"a formula is a str, not {type(text).__name__}")
    tokens = tokenize(text)
    if len(tokens) == 1:
        raise FormulaError("empty formula", text, 0, "type a formula such as x^2 + y^2")
    closing = _match_parentheses(text, tokens)
    if allow_outer_parentheses and tokens[0].kind == "(" and closing[0] == len(tokens) - 2:
        tokens = tokens[1:-2] + tokens[-1:]
    return Grammar(text, tokens, declared)


def _match_parentheses(text: str, tokens: list[Token]) -> dict[int, int]:
    # Balance first, so the caret lands on the unmatched parenthesis and not where parsing
    # happened to notice; the depth bound here also stops 1000 nested '(' before recursion.
    opened: list[int] = []
    closing: dict[int, int] = {}
    for k, tok in enumerate(tokens):
        if tok.kind == "(":
            opened.append(k)
            if len(opened) > MAX_DEPTH:
                raise LimitError(
                    f"parentheses nested more than {MAX_DEPTH} deep",
                    text,
                    tok.start,
                    "simplify the formula or split it into parts",
                )
        elif tok.kind == ")":
            if not opened:
                raise FormulaError(
                    "')' has no matching '('", text, tok.start, "remove it, or add the missing '('"
                )
            closing[opened.pop()] = k
    if opened:
        raise FormulaError(
            "'(' is never closed", text, tokens[opened[-1]].start, "add the missing ')'"
        )
    return closing


def _check_result(grammar: Grammar, piece: Piece) -> None:
    # Checked once on the whole result; only on failure are the parts searched for the
    # smallest one at fault, so the caret points at it.
    size = checks.size_problem(piece.expr)
    if size:
        culprit = grammar.first_piece(lambda e: checks.size_problem(e) is not None, piece)
        raise LimitError(
            f"formula too large: {size}",
            grammar.text,
            culprit.start,
            "use smaller exponents or numbers",
            width=culprit.end - culprit.start,
        )
    found = checks.value_problem(piece.expr)
    if found:
        culprit = grammar.first_piece(lambda e: checks.value_problem(e) is not None, piece)
        grammar.refuse_value(culprit, *(checks.value_problem(culprit.expr) or found))


def _to_float(grammar: Grammar, piece: Piece) -> float:
    text = grammar.text
    symbols = sorted(piece.expr.free_symbols, key=str)
    if symbols:
        name = str(symbols[0])
        tok = next(t for t in grammar.tokens if t.kind == "name" and t.text == name)
        raise FormulaError(
            f"'{name}' is a variable; a point needs numbers",
            text,
            tok.start,
            "give numbers or constant expressions such as pi/2",
            width=tok.end - tok.start,
        )
    _check_result(grammar, piece)
    try:
        value = float(sp.N(piece.expr, 20))
    except (TypeError, OverflowError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise FormulaError(
            f"{grammar.snippet(piece)} is not a finite float",
            text,
            piece.start,
            "give numbers between about -1e308 and 1e308",
            width=piece.end - piece.start,
        )
    return value
