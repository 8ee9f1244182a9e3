"""Formula text → tokens: numbers, names, operators, parentheses, commas, superscripts.

The lexer knows characters, not meaning: ``sin`` and ``x`` are both names here. It refuses
every character outside the language (see :mod:`gradscape.formula.chars`) with the column
and a hint, and enforces the length, token and literal-size bounds before any work.

>>> [(t.kind, t.text) for t in tokenize("2x² − 1")]
[('num', '2'), ('name', 'x'), ('sup', '²'), ('op', '−'), ('num', '1'), ('end', '')]
>>> tokenize("1.5e-3")[0].value
Fraction(3, 2000)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from gradscape.errors import FormulaError, LimitError
from gradscape.formula import chars
from gradscape.formula.limits import MAX_DIGITS, MAX_LENGTH, MAX_LITERAL_EXPONENT, MAX_TOKENS

__all__ = ["Token", "tokenize"]


@dataclass(frozen=True)
class Token:
    """One token: kind is num, name, op, sup, '(', ')', ',' or end; [start, end) in the text."""

    kind: str
    text: str
    start: int
    end: int
    value: Fraction | int | str | None = None  # Fraction for num, int for sup, ASCII op


def tokenize(text: str) -> list[Token]:
    """Split formula text into tokens, ending with an ``end`` token.

    >>> [t.value for t in tokenize("a ** b")]
    [None, '^', None, None]
    """
    if len(text) > MAX_LENGTH:
        raise LimitError(
            f"formula longer than {MAX_LENGTH} characters ({len(text)})",
            text[: MAX_LENGTH + 1],
            MAX_LENGTH,
            "shorten it, or split it into smaller formulas",
        )
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in chars.WHITESPACE:
            i += 1
            continue
        if len(tokens) >= MAX_TOKENS:
            raise LimitError(
                f"formula has more than {MAX_TOKENS} tokens",
                text,
                i,
                "shorten it, or split it into smaller formulas",
            )
        tok = _one_token(text, i)
        tokens.append(tok)
        i = tok.end
    tokens.append(Token("end", "", n, n))
    return tokens


def _one_token(text: str, i: int) -> Token:
    ch = text[i]
    pair = text[i : i + 2]
    if pair in chars.REFUSED_PAIRS:
        problem, hint = chars.REFUSED_PAIRS[pair]
        raise FormulaError(problem, text, i, hint, width=2)
    if ch in chars.DIGITS or (ch == "." and text[i + 1 : i + 2] in chars.DIGITS):
        return _number(text, i)
    if ch == "π":
        return Token("name", ch, i, i + 1)
    if chars.is_name_start(ch):
        j = i + 1
        while j < len(text) and chars.is_name_char(text[j]):
            j += 1
        return Token("name", text[i:j], i, j)
    if pair == "**":
        return Token("op", pair, i, i + 2, "^")
    if ch in chars.OPERATOR_SPELLINGS:
        return Token("op", ch, i, i + 1, chars.OPERATOR_SPELLINGS[ch])
    if ch in "(),":
        return Token(ch, ch, i, i + 1)
    if ch in chars.SUPERSCRIPTS:
        return _superscript(text, i)
    if ch == ".":
        raise FormulaError(
            "'.' is not part of a formula here",
            text,
            i,
            "'.' belongs only in numbers like 0.5; a formula has no attributes (x.real)",
        )
    if ch == "_":
        j = i + 1
        while j < len(text) and chars.is_name_char(text[j]):
            j += 1
        problem, hint = chars.refusal(ch)
        raise FormulaError(problem, text, i, hint, width=j - i)
    problem, hint = chars.refusal(ch)
    raise FormulaError(problem, text, i, hint)


_HEX = "0123456789abcdefABCDEF"
_RADIX_DIGITS = {"x": _HEX, "X": _HEX, "b": "01", "B": "01", "o": "01234567", "O": "01234567"}


def _digits_at(text: str, i: int) -> int:
    while i < len(text) and text[i] in chars.DIGITS:
        i += 1
    return i


def _number(text: str, i: int) -> Token:
    # digits [. digits] [e|E [+|-] digits]; the exponent only when digits follow, so 2e is 2*e.
    j = _digits_at(text, i)
    whole = text[i:j]
    frac = ""
    if text[j : j + 1] == ".":
        k = _digits_at(text, j + 1)
        frac, j = text[j + 1 : k], k
    exp_text = ""
    if text[j : j + 1] in ("e", "E"):
        k = j + 1 + (text[j + 1 : j + 2] in ("+", "-"))
        if text[k : k + 1] in chars.DIGITS:
            end = _digits_at(text, k)
            exp_text, j = text[j + 1 : end], end
    literal = text[i:j]
    if text[j : j + 1] == ".":
        raise FormulaError("a number has at most one decimal point", text, j, f"check '{literal}.'")
    if whole == "0" and not frac and text[j : j + 1] in _RADIX_DIGITS:
        after = text[j + 1 : j + 2]
        if after and after in _RADIX_DIGITS[text[j]]:
            raise FormulaError(
                "hexadecimal, binary and octal literals are not supported",
                text,
                i,
                "write the number in decimal; for 0 times a variable write 0*x",
                width=3,
            )
    if len(whole + frac) > MAX_DIGITS:
        raise LimitError(
            f"number with more than {MAX_DIGITS} digits", text, i, "round it", width=j - i
        )
    exponent = 0
    if exp_text:
        digits = exp_text.lstrip("+-").lstrip("0")
        if len(digits) > len(str(MAX_LITERAL_EXPONENT)) or int(digits or 0) > MAX_LITERAL_EXPONENT:
            raise LimitError(
                f"number exponent larger than {MAX_LITERAL_EXPONENT}",
                text,
                i,
                f"use an exponent between -{MAX_LITERAL_EXPONENT} and {MAX_LITERAL_EXPONENT}",
                width=j - i,
            )
        exponent = int(exp_text)
    mantissa = int(whole + frac or "0")
    value = Fraction(mantissa) * Fraction(10) ** (exponent - len(frac))
    return Token("num", literal, i, j, value)


def _superscript(text: str, i: int) -> Token:
    j = i
    while j < len(text) and text[j] in chars.SUPERSCRIPTS:
        j += 1
    plain = "".join(chars.SUPERSCRIPTS[c] for c in text[i:j])
    sign, digits = (plain[0], plain[1:]) if plain[0] in "+-" else ("", plain)
    if not digits or not digits.isdigit():
        raise FormulaError(
            f"superscript '{text[i:j]}' is not a whole number",
            text,
            i,
            "write superscripts as digits with an optional leading ⁻, e.g. x⁻¹, or use x^(...)",
            width=j - i,
        )
    if len(digits) > MAX_DIGITS:
        raise LimitError(
            f"superscript with more than {MAX_DIGITS} digits", text, i, "shorten it", width=j - i
        )
    return Token("sup", text[i:j], i, j, int(sign + digits))
