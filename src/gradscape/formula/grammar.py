"""The recursive-descent grammar: tokens → SymPy pieces, each with its span in the text.

Every nesting step (parenthesis, call, power, sign) is counted and refused past
``MAX_DEPTH`` *before* recursing, so Python's own recursion limit is never reached.
See :mod:`gradscape.formula.parser` for the grammar and the public entry points.

>>> from gradscape.formula.lexer import tokenize
>>> Grammar("2x", tokenize("2x")).sum().expr
2*x
"""

from __future__ import annotations

import difflib
import keyword
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

import sympy as sp

from gradscape.errors import FormulaError, LimitError
from gradscape.formula import checks
from gradscape.formula.functions import ALIASES, CONSTANTS, FUNCTIONS, FunctionSpec
from gradscape.formula.lexer import Token
from gradscape.formula.limits import (
    MAX_CALL_DEPTH,
    MAX_DEPTH,
    power_problem,
    root_argument_problem,
)

__all__ = ["Piece", "Grammar"]

_NOT_NUMBERS = frozenset({"nan", "inf", "infinity", "oo", "zoo"})
_ARGUMENT_NAMES = {1: "x", 2: "x, y"}
_GROW_LIKE_EXP = frozenset({"exp", "sinh", "cosh"})
_KNOWN_NAMES = frozenset([*FUNCTIONS, *ALIASES, *CONSTANTS])


@dataclass(frozen=True)
class Piece:
    """A built sub-expression and where it came from: text[start:end]."""

    expr: sp.Expr
    start: int
    end: int
    literal: bool = False  # a bare number as typed, for "two numbers in a row"


class Grammar:
    """One parse of one token list; collects variables, notes and the pieces it built."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.calls = 0  # calls open around the current token
        self.pieces: list[Piece] = []  # in completion order: parts before wholes
        self.notes: list[str] = []
        self.variables: dict[str, Token] = {}

    # --- token access and errors ----------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def fail(self, problem: str, start: int, hint: str, end: int | None = None) -> NoReturn:
        width = 1 if end is None else end - start
        raise FormulaError(problem, self.text, start, hint, width=width)

    def piece(self, expr: sp.Expr, start: int, end: int, literal: bool = False) -> Piece:
        made = Piece(expr, start, end, literal)
        self.pieces.append(made)
        return made

    def valued(self, expr: sp.Expr, start: int, end: int) -> Piece:
        # Calls, powers and divisions are where complex and infinite values arise; refusing
        # them at once keeps SymPy from building on them (nested logs of I*pi grow fast).
        made = self.piece(expr, start, end)
        found = checks.value_problem(expr, thorough=False)
        if found:
            self.refuse_value(made, *found)
        return made

    def refuse_value(self, piece: Piece, problem: str, hint: str) -> NoReturn:
        shown = self.snippet(piece)
        what = f"{shown} is not a real number" if problem == "complex value" else shown
        self.fail(f"{problem}: {what}", piece.start, hint, piece.end)

    def snippet(self, piece: Piece | Token) -> str:
        shown = self.text[piece.start : piece.end].strip()
        return f"'{shown}'" if len(shown) <= 40 else f"'{shown[:18]}…{shown[-18:]}'"

    def first_piece(self, bad: Callable[[sp.Expr], bool], whole: Piece) -> Piece:
        return next((p for p in self.pieces if bad(p.expr)), whole)

    def deeper(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise LimitError(
                f"formula nested more than {MAX_DEPTH} deep",
                self.text,
                tok.start,
                "nesting counts parentheses, calls, powers and signs; simplify the formula",
            )

    # --- grammar rules, loosest first -----------------------------------------------
    def sum(self) -> Piece:
        first = last = self.product()
        terms = [first.expr]
        while self.peek().kind == "op" and self.peek().value in "+-":
            sign = self.take().value
            last = self.product()
            terms.append(-last.expr if sign == "-" else last.expr)
        return first if len(terms) == 1 else self.piece(sp.Add(*terms), first.start, last.end)

    def product(self) -> Piece:
        first = last = self.signed()
        factors = [first.expr]
        divided: tuple[int, Piece] | None = None  # ('/' position, divisor) for the 1/2x note
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in "*/":
                self.take()
                last = self.signed()
                if tok.value == "/":  # its span starts at the dividend, to show '1/0' whole
                    factors.append(self.valued(last.expr**-1, first.start, last.end).expr)
                    divided = (tok.start, last)
                else:
                    factors.append(last.expr)
            elif tok.kind in ("name", "(", "num"):
                if tok.kind == "num":
                    self._number_after(last, tok)
                factor = self.power()
                if divided:
                    self._note_division(first.start, *divided, factor)
                    divided = None
                factors.append(factor.expr)
                last = factor
            else:
                break
        return first if len(factors) == 1 else self.piece(sp.Mul(*factors), first.start, last.end)

    def signed(self) -> Piece:
        tok = self.peek()
        if not (tok.kind == "op" and tok.value in "+-"):
            return self.power()
        self.take()
        self.deeper(tok)
        inner = self.signed()
        self.depth -= 1
        expr = -inner.expr if tok.value == "-" else inner.expr
        return self.piece(expr, tok.start, inner.end)

    def power(self) -> Piece:
        base = self.postfix()
        tok = self.peek()
        if not (tok.kind == "op" and tok.value == "^"):
            return base
        self.take()
        self.deeper(tok)
        exponent = self.signed()
        self.depth -= 1
        return self.raise_to(base, exponent, tok)

    def postfix(self) -> Piece:
        made = self.primary()
        while self.peek().kind == "sup":
            tok = self.take()
            made = self.raise_to(made, Piece(sp.Integer(tok.value), tok.start, tok.end), tok)
        return made

    def primary(self) -> Piece:
        tok = self.peek()
        if tok.kind == "num":
            self.take()
            value = sp.Rational(tok.value.numerator, tok.value.denominator)
            return self.piece(value, tok.start, tok.end, literal=True)
        if tok.kind == "name":
            return self.name()
        if tok.kind == "(":
            self.take()
            self.deeper(tok)
            inner = self.sum()
            close = self.expect_close()
            self.depth -= 1
            return self.piece(inner.expr, tok.start, close.end)
        self._no_value(tok)

    # --- names and calls ------------------------------------------------------------
    def name(self) -> Piece:
        tok = self.take()
        name, after = tok.text, self.peek()
        glued = after.kind == "(" and after.start == tok.end
        if name in CONSTANTS:
            if glued:
                self.notes.append(f"read '{name}(…)' as {name} times (…), a product")
            return self.piece(CONSTANTS[name], tok.start, tok.end)
        spec = FUNCTIONS.get(ALIASES.get(name, name))
        if spec is not None:
            return self.call(tok, spec)
        self._check_variable_name(tok)
        if glued and len(name) > 1:
            close = difflib.get_close_matches(name, [*FUNCTIONS, *ALIASES], n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"write {name}*(…) for a product"
            self.fail(f"unknown function '{name}'", tok.start, hint, tok.end)
        if glued:
            self.notes.append(
                f"read '{name}(…)' as {name} times (…), a product; formulas have no "
                "user-defined functions"
            )
        if name == "E":
            self.notes.append("read 'E' as a variable; Euler's number is e")
        self.variables.setdefault(name, tok)
        return self.piece(sp.Symbol(name, real=True), tok.start, tok.end)

    def call(self, tok: Token, spec: FunctionSpec) -> Piece:
        name = tok.text
        squared = self._function_power(tok)
        if self.peek().kind != "(":
            after = self.peek()
            arg = after.text if after.kind in ("name", "num") else "x"
            self.fail(f"'{name}' is a function", tok.start, f"write {name}({arg})", tok.end)
        opening = self.take()
        self.deeper(opening)
        self.calls += 1
        if self.calls > MAX_CALL_DEPTH:
            raise LimitError(
                f"function calls nested more than {MAX_CALL_DEPTH} deep",
                self.text,
                tok.start,
                "simplify the formula or split it into parts",
                width=tok.end - tok.start,
            )
        args: list[Piece] = []
        while self.peek().kind != ")" or args:
            if self.peek().kind in (",", ")"):
                self._no_value(self.peek())
            args.append(self.sum())
            if self.peek().kind != ",":
                break
            self.take()
        close = self.expect_close()
        self.depth -= 1
        self.calls -= 1
        if len(args) not in spec.arity:
            counts = " or ".join(str(n) for n in spec.arity)
            plural = "argument" if spec.arity == (1,) else "arguments"
            examples = " or ".join(f"{name}({_ARGUMENT_NAMES[n]})" for n in spec.arity)
            self.fail(
                f"{name} takes {counts} {plural}, got {len(args)}",
                tok.start,
                f"write {examples}",
                close.end,
            )
        exprs = tuple(a.expr for a in args)
        problem = root_argument_problem(exprs)
        if spec.name in _GROW_LIKE_EXP:  # exp(a), sinh(a), cosh(a) ~ e^|a|
            problem = problem or power_problem(sp.E, sp.Abs(exprs[0]))
        if problem:
            raise LimitError(
                f"number too large: {problem}",
                self.text,
                tok.start,
                "use smaller numbers",
                width=close.end - tok.start,
            )
        made = self.valued(spec.build(*exprs), tok.start, close.end)
        if squared is None:
            return made
        self.notes.append(f"read {name}^{squared.value}(…) as ({name}(…))^{squared.value}")
        power = Piece(sp.Integer(squared.value), squared.start, squared.end)
        return self.raise_to(made, power, squared)

    def _function_power(self, tok: Token) -> Token | None:
        # sin^2(x) and sin²(x) mean sin(x)^2; sin^-1(x) is ambiguous (asin or 1/sin): refused.
        after = self.peek()
        if after.kind == "sup":
            power, skip = after, 1
        elif after.kind == "op" and after.value == "^":
            power, skip = self.peek(1), 2
        else:
            return None
        value = power.value if power.kind in ("num", "sup") else None
        if power.kind == "op" and power.value == "-":
            value = -1  # sin^-1(x): only the sign matters for the hint
        if value is not None and value == int(value) and value >= 1 and self.peek(skip).kind == "(":
            for _ in range(skip):
                self.take()
            return Token(power.kind, power.text, power.start, power.end, int(value))
        name = tok.text
        hint = f"write {name}(x)^2 for the square of {name}(x)"
        if value is not None and value < 0:
            inverse = "a" + ALIASES.get(name, name)
            hint = f"write {inverse}(x) for the inverse or " if inverse in FUNCTIONS else "write "
            hint += f"1/{name}(x) for the reciprocal"
        self.fail(f"'{name}' needs its argument in parentheses", tok.start, hint, tok.end)

    def _check_variable_name(self, tok: Token) -> None:
        name, start, end = tok.text, tok.start, tok.end
        lower = name.lower()
        if name != lower and len(name) > 1 and lower in _KNOWN_NAMES:
            hint = f"did you mean '{lower}'? names are case-sensitive"
            self.fail(f"unknown name '{name}'", start, hint, end)
        if lower in _NOT_NUMBERS:
            self.fail(
                f"'{name}' is not a number a formula may use", start, "use finite numbers", end
            )
        if keyword.iskeyword(name) and name != "lambda":  # lambda: the usual regularisation weight
            problem = f"'{name}' is a Python keyword, not part of a formula"
            self.fail(problem, start, "give one arithmetic expression; rename the variable", end)

    # --- powers -----------------------------------------------------------------------
    def raise_to(self, base: Piece, exponent: Piece, tok: Token) -> Piece:
        problem = power_problem(base.expr, exponent.expr)
        if problem is None:
            expr = base.expr**exponent.expr
            if expr.is_Pow:  # (x^600)^2 merges into x^1200: check what SymPy made
                problem = power_problem(expr.base, expr.exp)
        if problem:
            raise LimitError(
                f"power too large: {problem}",
                self.text,
                tok.start,
                "use a smaller exponent",
                width=tok.end - tok.start,
            )
        e = exponent.expr
        if e.is_Rational and not e.is_Integer and e.q % 2 and not base.expr.is_number:
            extra = "; write cbrt(…) for the real cube root" if e.q == 3 else ""
            self.notes.append(
                f"read {self.snippet(Piece(expr, base.start, exponent.end))} as a principal "
                f"root, real only where {self.snippet(base)} ≥ 0{extra}"
            )
        return self.valued(expr, base.start, exponent.end)

    # --- error paths --------------------------------------------------------------------
    def expect_close(self) -> Token:
        tok = self.peek()
        if tok.kind != ")":
            self.unexpected(tok)
        return self.take()

    def unexpected(self, tok: Token) -> NoReturn:
        if tok.kind == ",":
            self.fail(
                "',' outside a function call",
                tok.start,
                "a formula is one expression; commas separate arguments, as in log(x, 2)",
            )
        self.fail(f"unexpected '{tok.text}'", tok.start, "check the operators around it", tok.end)

    def _no_value(self, tok: Token) -> NoReturn:
        # A value was due at tok; say which neighbour is at fault and point at it.
        before = self.tokens[self.i - 1] if self.i else Token("start", "", 0, 0)
        if tok.kind == "sup":
            hint = "put it right after a number, name or ')'"
            self.fail(f"superscript '{tok.text}' has nothing to raise", tok.start, hint, tok.end)
        if before.kind == "op" and tok.kind == "op":
            problem = f"two operators in a row: '{before.text}' then '{tok.text}'"
            self.fail(
                problem, tok.start, "remove one of them, or put a value between them", tok.end
            )
        if before.kind == "op":
            hint = "add the missing value or remove the operator"
            self.fail(f"'{before.text}' needs a value after it", before.start, hint, before.end)
        if tok.kind == "op":
            hint = "add the missing value or remove the operator"
            self.fail(f"'{tok.text}' needs a value before it", tok.start, hint, tok.end)
        if before.kind == "(" and tok.kind == ")":
            hint = "put an expression inside ( ) or remove them"
            self.fail("empty parentheses", before.start, hint, tok.end)
        if "," in (tok.kind, before.kind):
            where = before if before.kind == "," else tok
            self.fail("missing argument", where.start, "give a value on both sides of each ','")
        self.unexpected(tok)

    def _number_after(self, last: Piece, tok: Token) -> NoReturn:
        shown = self.text[last.start : last.end].strip()
        shown = shown if len(shown) <= 20 else "(…)"
        problem = "two numbers in a row" if last.literal else "a number right after a value"
        self.fail(problem, tok.start, f"write {shown}*{tok.text}", tok.end)

    def _note_division(self, start: int, slash: int, divisor: Piece, factor: Piece) -> None:
        dividend = self.text[start:slash].strip()
        joined = self.text[divisor.start : factor.end].strip()
        shown = self.text[start : factor.end].strip()
        product = f"({dividend}/{self.text[divisor.start : divisor.end].strip()})*"
        product += self.text[factor.start : factor.end].strip()
        self.notes.append(
            f"read '{shown}' as {product}; write {dividend}/({joined}) to divide by {joined}"
        )
