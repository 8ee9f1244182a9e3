"""The recursive-descent grammar: tokens → SymPy pieces, each with its span in the text.

Every nesting step (parenthesis, call, power, sign) is counted and refused past
``MAX_DEPTH`` *before* recursing, so Python's own recursion limit is never reached.
See :mod:`gradscape.formula.parser` for the grammar and the public entry points.

>>> from gradscape.formula.lexer import tokenize
>>> Grammar("2x", tokenize("2x")).sum().expr
2*x
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NoReturn, cast

import sympy as sp

from gradscape.errors import FormulaError, LimitError
from gradscape.formula import checks, mistakes
from gradscape.formula.functions import ALIASES, CONSTANTS, FUNCTIONS, FunctionSpec
from gradscape.formula.lexer import Token
from gradscape.formula.limits import (
    MAX_CALL_DEPTH,
    MAX_DEPTH,
    argument_problem,
    power_problem,
)

__all__ = ["Piece", "Grammar", "SYMPY_FAILURES"]

# What SymPy raises when it cannot evaluate an odd but valid expression.
SYMPY_FAILURES = (ValueError, TypeError, ArithmeticError, NotImplementedError, RecursionError)


@dataclass(frozen=True)
class Piece:
    """A built sub-expression and where it came from: text[start:end]."""

    expr: sp.Expr
    start: int
    end: int
    literal: bool = False  # a bare number as typed, for "two numbers in a row"


class Grammar:
    """One parse of one token list; collects variables, notes and the pieces it built."""

    def __init__(
        self, text: str, tokens: list[Token], declared: Collection[str] = ()
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.calls = 0  # calls open around the current token
        self.bars = 0  # '|' opened and not yet closed, inside the current parentheses
        self.all_bars = 0  # '|' open anywhere
        self.bare_end = -1  # where the last call without parentheses ('sin x') ended
        self.declared = frozenset(declared)  # names the caller says are variables
        # Names used somewhere not right before '(': variables, so 'x1(…)' beside them is
        # a product.
        self.plain_names = frozenset(
            t.text
            for t, after in itertools.pairwise(tokens)
            if t.kind == "name" and not (after.kind == "(" and after.start == t.end)
        )
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

    def sympy(
        self, first: Piece | Token, last: Piece | Token, build: Callable[..., Any], *args: object
    ) -> sp.Expr:
        """build(*args), with SymPy's own failures (rare, on odd numbers) as FormulaError."""
        try:
            return build(*args)
        except FormulaError:
            raise
        except SYMPY_FAILURES as exc:
            span = Piece(sp.S.Zero, first.start, last.end)
            self.fail(
                f"SymPy could not build {self.snippet(span)} ({type(exc).__name__})",
                first.start,
                "simplify this part of the formula",
                last.end,
            )

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
                "nesting counts parentheses, bars, calls, powers and signs; simplify the formula",
            )

    # --- grammar rules, loosest first -----------------------------------------------
    def sum(self) -> Piece:
        first = last = self.product()
        terms = [first.expr]
        while self.peek().kind == "op" and self.peek().value in ("+", "-"):
            sign = self.take().value
            last = self.product()
            terms.append(-last.expr if sign == "-" else last.expr)
        if len(terms) == 1:
            return first
        return self.piece(self.sympy(first, last, sp.Add, *terms), first.start, last.end)

    def product(self) -> Piece:
        first = last = self.signed()
        factors = [first.expr]
        divided: tuple[int, Piece] | None = None  # ('/' position, divisor) for the 1/2x note
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in ("*", "/"):
                self.take()
                bare = last.end == self.bare_end
                before = last
                last = self.signed()
                if bare and tok.value == "/":
                    self._note_after_bare_call(before, last, "/")
                if tok.value == "/":  # its span starts at the dividend, to show '1/0' whole
                    inverse = self.sympy(first, last, sp.Pow, last.expr, -1)
                    factors.append(self.valued(inverse, first.start, last.end).expr)
                    divided = (tok.start, last)
                else:
                    factors.append(last.expr)
            elif tok.kind in ("name", "(", "num") or (tok.kind == "|" and not self.bars):
                bare = last.end == self.bare_end and not (
                    tok.kind == "name" and ALIASES.get(tok.text, tok.text) in FUNCTIONS
                )  # sin x cos y: a product of two calls, nothing to note
                if bare:
                    self._note_after_bare_call(last, self._peek_factor(), " ")
                if tok.kind == "num":
                    shown = self.text[last.start : last.end].strip()
                    mistakes.number_after(self.text, shown, last.literal, tok)
                factor = self.power()
                if divided:
                    self._note_division(first.start, *divided, factor)
                    divided = None
                factors.append(factor.expr)
                last = factor
            else:
                break
        if len(factors) == 1:
            return first
        return self.piece(self.sympy(first, last, sp.Mul, *factors), first.start, last.end)

    def signed(self) -> Piece:
        tok = self.peek()
        if not (tok.kind == "op" and tok.value in ("+", "-")):
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
        after = self.peek()
        number_last = self.tokens[self.i - 1].kind == "num"  # e^2x, e^-2x; not e^(2)x
        if number_last and after.start == exponent.end and after.kind == "name":
            # e^2x: textbooks mean e^(2x); here, as x^2y is x²·y, the number alone is raised
            typed = self.text[base.start : after.end]
            shown = self.text[base.start : exponent.end]
            rest = self.text[after.start : after.end]
            self.notes.append(
                f"read '{typed}' as ({shown})·{rest}; write "
                f"{self.text[base.start : tok.end]}({self.text[exponent.start : after.end]}) "
                "to put it in the exponent"
            )
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
            number = cast(Fraction, tok.value)  # a num token's value
            value = sp.Rational(number.numerator, number.denominator)
            return self.piece(value, tok.start, tok.end, literal=True)
        if tok.kind == "name":
            return self.name()
        if tok.kind == "(":
            self.take()
            self.deeper(tok)
            bars, self.bars = self.bars, 0
            inner = self.sum()
            close = self.expect_close()
            self.bars = bars
            self.depth -= 1
            return self.piece(inner.expr, tok.start, close.end)
        if tok.kind == "|":
            return self.bar()
        self.missing_value(tok)

    def bar(self) -> Piece:
        """|…| is abs(…). A '|' opens unless one is open in these parentheses: then it closes."""
        opening = self.take()
        after = self.peek()
        if after.kind in ("end", ")", ",", "sup") or (
            after.kind == "op" and after.value not in ("+", "-")
        ):
            if self.all_bars:
                self.fail(
                    "'|' closes a '|' opened outside these parentheses",
                    opening.start,
                    "close the parentheses first, as in |(x + 1)|",
                )
            self.fail(
                "'|' closes nothing: no '|' before it is open",
                opening.start,
                "add the opening '|', or write abs(…)",
            )
        self.deeper(opening)
        self.bars += 1
        self.all_bars += 1
        inner = self.sum()
        close = self.peek()
        if close.kind != "|":
            self.fail(
                "'|' is never closed",
                opening.start,
                f"add the closing '|' after {self.snippet(inner)}, or write abs(…)",
            )
        self.take()
        self.bars -= 1
        self.all_bars -= 1
        self.depth -= 1
        made = self.sympy(opening, close, sp.Abs, inner.expr)
        return self.valued(made, opening.start, close.end)

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
        mistakes.check_variable_name(self.text, tok)
        if name not in self.declared:
            mistakes.near_miss(self.text, tok)
        if glued and len(name) > 1 and not self._variable_like(name):
            mistakes.unknown_function(self.text, tok)
        if glued:
            self.notes.append(
                f"read '{name}(…)' as {name} times (…), a product; formulas have no "
                "user-defined functions"
            )
        if name == "E":
            self.notes.append("read 'E' as a variable; Euler's number is e")
        self.variables.setdefault(name, tok)
        return self.piece(sp.Symbol(name, real=True), tok.start, tok.end)

    def _variable_like(self, name: str) -> bool:
        # x1(1 - x2): a name the caller declared, one used elsewhere as a variable, or an
        # indexed name (letters then digits) is a variable; before '(' it is a product.
        return (
            name in self.declared
            or name in self.plain_names
            or (name.rstrip("0123456789") != name and name.rstrip("0123456789").isalpha())
        )

    def call(self, tok: Token, spec: FunctionSpec) -> Piece:
        name = tok.text
        squared = self._function_power(tok)
        if self.peek().kind != "(":
            if not self._starts_argument(self.peek()) or 1 not in spec.arity:
                mistakes.not_called(self.text, tok, self.peek())
            return self.bare_call(tok, spec, squared)
        opening = self.take()
        self.enter_call(tok, opening)
        bars, self.bars = self.bars, 0
        args: list[Piece] = []
        while self.peek().kind != ")" or args:
            if self.peek().kind in (",", ")"):
                self.missing_value(self.peek())
            args.append(self.sum())
            if self.peek().kind != ",":
                break
            self.take()
        close = self.expect_close()
        self.bars = bars
        self.depth -= 1
        self.calls -= 1
        made = self.apply(tok, spec, args, close)
        if squared is None:
            return made
        self.notes.append(f"read {name}^{squared.value}(…) as ({name}(…))^{squared.value}")
        power = Piece(sp.Integer(squared.value), squared.start, squared.end)
        return self.raise_to(made, power, squared)

    def _starts_argument(self, tok: Token) -> bool:
        return tok.kind in ("name", "num") or (tok.kind == "|" and not self.bars)

    def enter_call(self, tok: Token, opening: Token) -> None:
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

    def bare_call(self, tok: Token, spec: FunctionSpec, squared: Token | None) -> Piece:
        """sin x, ln x, sin 2x, sin x^2: the argument is one factor, as in textbooks.

        A number takes the factor glued to it (sin 2x is sin(2x)); a power is whole
        (sin x^2 is sin(x^2)). Whatever follows is outside: sin x cos y is sin(x)·cos(y).
        """
        self.enter_call(tok, tok)
        first = self.i
        arg = self.power()
        after = self.peek()
        number_led = arg.literal and after.start == arg.end and after.kind in ("name", "(", "|")
        if number_led:
            factor = self.power()
            expr = self.sympy(arg, factor, sp.Mul, arg.expr, factor.expr)
            arg = self.piece(expr, arg.start, factor.end)
        self.depth -= 1
        self.calls -= 1
        made = self.apply(tok, spec, [arg], arg)
        shown = self.text[arg.start : arg.end].strip()
        typed = self.text[tok.start : arg.end].strip()
        if squared is not None:
            self.notes.append(f"read '{typed}' as ({tok.text}({shown}))^{squared.value}")
            power = Piece(sp.Integer(squared.value), squared.start, squared.end)
            made = self.raise_to(made, power, squared)
            made = self.piece(made.expr, tok.start, arg.end)
        elif number_led or any(
            t.kind == "sup" or t.value == "^" for t in self.tokens[first : self.i]
        ):
            # 'sin x' and 'sin |x|' are plain; 'sin 2x' and 'sin x^2' could be read two ways
            self.notes.append(f"read '{typed}' as {tok.text}({shown})")
        self.bare_end = made.end
        return made

    def _peek_factor(self) -> Piece:
        # The span of the next token, enough to name it in a note before it is parsed.
        tok = self.peek()
        return Piece(sp.S.Zero, tok.start, tok.end)

    def _note_after_bare_call(self, last: Piece, factor: Piece, op: str) -> None:
        # 'sin x y' and 'sin x/2' could mean sin(x y) and sin(x/2): say which was read.
        called = self.text[last.start : last.end].strip()
        name, _, arg = called.partition(" ")
        rest = self.text[factor.start : factor.end].strip()
        joined = f"{called}{op}{rest}".replace("  ", " ")
        self.notes.append(
            f"read '{joined}' as ({called}){'·' if op == ' ' else op}{rest}; write "
            f"{name}({arg.strip()}{op}{rest}) to put it inside"
        )
        self.bare_end = -1

    def apply(
        self, tok: Token, spec: FunctionSpec, args: list[Piece], close: Piece | Token
    ) -> Piece:
        if len(args) not in spec.arity:
            mistakes.wrong_arity(self.text, tok, spec, len(args), close.end)
        exprs = tuple(a.expr for a in args)
        problem = argument_problem(spec.name, exprs, spec.growth)
        if problem:
            raise LimitError(
                f"number too large: {problem}",
                self.text,
                tok.start,
                "use smaller numbers",
                width=close.end - tok.start,
            )
        return self.valued(self.sympy(tok, close, spec.build, *exprs), tok.start, close.end)

    def _function_power(self, tok: Token) -> Token | None:
        # sin^2(x) and sin²(x) mean sin(x)^2; sin^-1(x) is ambiguous (asin or 1/sin): refused.
        after = self.peek()
        if after.kind == "sup":
            power, skip = after, 1
        elif after.kind == "op" and after.value == "^":
            power, skip = self.peek(1), 2
        else:
            return None
        # A num token's value is a Fraction, a sup token's an int.
        value = cast(Fraction | int, power.value) if power.kind in ("num", "sup") else None
        if power.kind == "op" and power.value == "-":
            value = -1  # sin^-1(x): only the sign matters for the hint
        follows = self.peek(skip)
        if (
            value is not None
            and value == int(value)
            and value >= 1
            and (follows.kind == "(" or self._starts_argument(follows))
        ):
            for _ in range(skip):
                self.take()
            return Token(power.kind, power.text, power.start, power.end, int(value))
        mistakes.bad_function_power(self.text, tok, value)

    # --- powers -----------------------------------------------------------------------
    def raise_to(self, base: Piece, exponent: Piece, tok: Token) -> Piece:
        problem = power_problem(base.expr, exponent.expr)
        if problem is None:
            expr = self.sympy(base, exponent, sp.Pow, base.expr, exponent.expr)
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
        mistakes.unexpected(self.text, tok)

    def missing_value(self, tok: Token) -> NoReturn:
        mistakes.missing_value(self.text, tok, self.tokens[self.i - 1] if self.i else None)

    def _note_division(self, start: int, slash: int, divisor: Piece, factor: Piece) -> None:
        dividend = self.text[start:slash].strip()
        joined = self.text[divisor.start : factor.end].strip()
        shown = self.text[start : factor.end].strip()
        product = f"({dividend}/{self.text[divisor.start : divisor.end].strip()})*"
        product += self.text[factor.start : factor.end].strip()
        self.notes.append(
            f"read '{shown}' as {product}; write {dividend}/({joined}) to divide by {joined}"
        )
