"""Which characters a formula may contain, and what to say about each one it may not.

Tables only: the lexer looks characters up here. A character is either part of the
language (digits, letters of a name, operators, parentheses), a Unicode spelling of an
operator (``×`` is ``*``), or refused with a problem and a hint.

>>> OPERATOR_SPELLINGS["×"], OPERATOR_SPELLINGS["−"]
('*', '-')
>>> refusal("х")[1]
"U+0445 CYRILLIC SMALL LETTER HA looks like 'x'; type a plain 'x'"
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "WHITESPACE",
    "DIGITS",
    "OPERATOR_SPELLINGS",
    "SUPERSCRIPTS",
    "REFUSED_PAIRS",
    "is_name_start",
    "is_name_char",
    "describe",
    "refusal",
]

WHITESPACE = frozenset(" \t")
"""The spaces allowed between tokens."""
DIGITS = frozenset("0123456789")
"""The digits of a number literal."""
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Greek letters people use as variables; π is the constant (a token of its own), and the
# capitals and omicron that look like Latin letters are refused as look-alikes.
_GREEK = frozenset("αβγδεζηθικλμνξρςστυφχψωΓΔΘΛΞΠΣΦΨΩϑϕϵ")

# Every way to type an operator -> the ASCII operator it means.
OPERATOR_SPELLINGS: dict[str, str] = {
    "+": "+",
    "-": "-",
    "*": "*",
    "/": "/",
    "^": "^",
    "·": "*",  # U+00B7 MIDDLE DOT
    "⋅": "*",  # U+22C5 DOT OPERATOR
    "×": "*",  # U+00D7 MULTIPLICATION SIGN
    "∗": "*",  # U+2217 ASTERISK OPERATOR
    "−": "-",  # U+2212 MINUS SIGN
    "÷": "/",  # U+00F7 DIVISION SIGN
}

# A superscript character -> what it stands for (x² is x^2).
SUPERSCRIPTS: dict[str, str] = {
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4",
    "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9",
    "⁻": "-", "⁺": "+",
}  # fmt: skip

_COMPARE = ("comparisons are not part of a formula", "give one expression, e.g. x^2 + y^2")
_LOGIC = ("logical operators are not part of a formula", "give one arithmetic expression")
_BRACKET = (
    "brackets are not part of a formula",
    "use parentheses ( ) for grouping; a formula has no lists or indexing",
)

# Two-character sequences, looked up before single characters so the caret covers both.
REFUSED_PAIRS: dict[str, tuple[str, str]] = {
    "==": _COMPARE,
    "!=": _COMPARE,
    "<=": _COMPARE,
    ">=": _COMPARE,
    ":=": ("':=' (assignment) is not part of a formula", "give the expression alone"),
    "//": ("'//' (floor division) is not supported", "write / for division"),
}

_REFUSED: dict[str, tuple[str, str]] = {
    "=": (
        "'=' is not part of a formula",
        "give the expression alone: x^2 + y^2, not f = x^2 + y^2",
    ),
    "<": _COMPARE,
    ">": _COMPARE,
    "≤": _COMPARE,
    "≥": _COMPARE,
    "≠": _COMPARE,
    ";": ("';' is not part of a formula", "give one expression; remove ';' and what follows"),
    ":": ("':' is not part of a formula", "give one expression such as x^2 + y^2, not Python code"),
    "'": ("quotes are not part of a formula", "remove the quotes around the formula"),
    '"': ("quotes are not part of a formula", "remove the quotes around the formula"),
    "@": ("'@' (matrix product) is not supported", "write * for multiplication"),
    "!": ("'!' (factorial) is not supported", "write the product out, e.g. 4! = 24"),
    "%": ("'%' is not supported", "write x/100 for a percentage; there is no remainder"),
    "&": _LOGIC,
    "|": ("'|' is not supported", "write abs(x) for |x|"),
    "[": _BRACKET,
    "]": _BRACKET,
    "{": _BRACKET,
    "}": _BRACKET,
    "#": ("'#' (a comment) is not part of a formula", "remove '#' and what follows"),
    "\\": (
        "'\\' is not part of a formula",
        "write plain text, not LaTeX: sin(x) not \\sin x, x*y not x \\cdot y",
    ),
    "$": ("'$' is not part of a formula", "remove the $ signs around LaTeX-style input"),
    "_": ("a name cannot start with '_'", "names start with a letter, e.g. x_1"),
    "√": ("'√' is not supported", "write sqrt(x)"),
    "∛": ("'∛' is not supported", "write cbrt(x)"),
    "∞": ("infinity is not a value a formula may use", "use a large finite number"),
    "ⁿ": ("superscript letters are not supported", "write x^n"),
}

# Letters that look like Latin ones but are not (NFKC does not map these).
_LOOKALIKES: dict[str, str] = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "ј": "j", "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ı": "i",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "Ѕ": "S", "І": "I", "Ј": "J",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o",
    "–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-", "∕": "/", "⁄": "/",
    "＊": "*", "˄": "^", "ˆ": "^", "‸": "^",
}  # fmt: skip


def is_name_start(ch: str) -> bool:
    """True for a character that may begin a variable name (ASCII or Greek letter)."""
    return ch in _ASCII_LETTERS or ch in _GREEK


def is_name_char(ch: str) -> bool:
    """True for a character that may continue a name: a letter, an ASCII digit or '_'."""
    return ch in _ASCII_LETTERS or ch in DIGITS or ch == "_" or ch in _GREEK


def describe(ch: str) -> str:
    """The code point and Unicode name of a character, e.g. 'U+200B ZERO WIDTH SPACE'.

    >>> describe("\\u200b")
    'U+200B ZERO WIDTH SPACE'
    """
    name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(ch, "a control character")
    return f"U+{ord(ch):04X} {name}"


def refusal(ch: str) -> tuple[str, str]:
    """The problem and the hint for a character that is not part of the language."""
    if ch in _REFUSED:
        return _REFUSED[ch]
    if unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"):
        return f"invisible character {describe(ch)}", "delete it (copy and paste can bring these)"
    alike = _LOOKALIKES.get(ch) or _ascii_form(ch)
    if alike:
        return (
            "look-alike character",
            f"{describe(ch)} looks like '{alike}'; type a plain '{alike}'",
        )
    return (
        f"character '{ch}' ({describe(ch)}) is not part of the formula language",
        "use numbers, names, + - * / ^ and parentheses",
    )


def _ascii_form(ch: str) -> str | None:
    # Fullwidth digits, mathematical italic letters and the like normalise to plain ASCII.
    plain = unicodedata.normalize("NFKC", ch)
    if plain != ch and len(plain) == 1 and plain.isascii() and plain.isprintable():
        return plain
    return None


_CONTROL_NAMES = {"\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\x00": "NULL", "\x7f": "DELETE"}
