"""What the parser refuses: each case with the expected (0-based) column and message part."""

from __future__ import annotations

import pytest

from gradscape.errors import FormulaError, LimitError
from gradscape.formula.parser import parse, parse_number_list

# (text, column of the caret, a part of the message or hint)
REFUSE = [
    ("", 0, "empty formula"),
    ("   ", 0, "empty formula"),
    # --- not part of the language ---------------------------------------------------------
    ("x = 1", 2, "not f = x^2 + y^2"),
    ("x == 1", 2, "comparisons"),
    ("x < 1", 2, "comparisons"),
    ("x >= 1", 2, "comparisons"),
    ("x ≤ 1", 2, "comparisons"),
    ("a, b", 1, "',' outside a function call"),
    ("x; y", 1, "';'"),
    ("x: y", 1, "':' is not part"),
    ("'x'", 0, "quotes"),
    ('"x"', 0, "quotes"),
    ("x @ y", 2, "matrix product"),
    ("5!", 1, "factorial"),
    ("x % 2", 2, "percentage"),
    ("x & y", 2, "logical"),
    ("|x", 0, "add the closing '|'"),
    ("x + |y", 4, "add the closing '|'"),
    ("x|", 1, "add the opening '|'"),
    ("|x|y|", 4, "add the opening '|'"),
    ("|(x|)", 3, "close the parentheses first"),
    ("x.real", 1, "no attributes"),
    ("x[0]", 1, "brackets"),
    ("{x}", 0, "use parentheses"),
    ("x # comment", 2, "comment"),
    ("\\sin x", 0, "not LaTeX"),
    ("$x$", 0, "'$'"),
    ("x // y", 2, "floor division"),
    ("(y := 2)", 3, "':='"),
    ("√x", 0, "write sqrt(x)"),
    ("x + ∞", 4, "infinity"),
    ("x_1 + _y", 6, "start with a letter"),
    ("1.2.3", 3, "at most one decimal point"),
    ("0x1F", 0, "hexadecimal"),
    # --- structure --------------------------------------------------------------------------
    ("(x + 1", 0, "'(' is never closed"),
    ("(x + (y)", 0, "'(' is never closed"),
    ("x + 1)", 5, "')' has no matching '('"),
    ("(x))", 3, "')' has no matching '('"),
    ("x +", 2, "'+' needs a value after it"),
    ("x ^", 2, "'^' needs a value after it"),
    ("(x -)", 3, "'-' needs a value after it"),
    ("x + * y", 4, "two operators in a row"),
    ("* x", 0, "'*' needs a value before it"),
    ("(/x)", 1, "'/' needs a value before it"),
    ("()", 0, "empty parentheses"),
    ("2 + ()", 4, "empty parentheses"),
    ("2 3", 2, "write 2*3"),
    ("x 3", 2, "write x*3"),
    ("(x+1)2", 5, "write (x+1)*2"),
    ("²x", 0, "has nothing to raise"),
    ("x⁻", 1, "not a whole number"),
    # --- names and calls --------------------------------------------------------------------
    ("Sin(x)", 0, "did you mean 'sin'?"),
    ("Pi*x", 0, "did you mean 'pi'?"),
    ("sinn(x)", 0, "unknown function 'sinn'"),
    ("sqr(x)", 0, "did you mean 'sqrt'?"),
    ("foo(x)", 0, "write foo*(…) for a product"),
    ("2 + sin -x", 4, "write sin(x)"),
    ("2 + exp", 4, "write exp(x)"),
    ("exp", 0, "'exp' is a function"),
    ("sin + 1", 0, "'sin' is a function"),
    ("sin^-1(x)", 0, "asin(x) for the inverse"),
    ("sin⁻¹(x)", 0, "1/sin(x) for the reciprocal"),
    ("sin^2 + x", 0, "write sin(x)^2"),
    ("sin()", 0, "sin takes 1 argument, got 0"),
    ("log(x, 2, 3)", 0, "log takes 1 or 2 arguments, got 3"),
    ("atan2(x)", 0, "atan2 takes 2 arguments, got 1"),
    ("log(x,)", 5, "missing argument"),
    ("log(,x)", 4, "missing argument"),
    ("x if y else z", 2, "Python keyword"),
    ("import os", 0, "Python keyword"),
    ("nan", 0, "not a number a formula may use"),
    ("x + oo", 4, "not a number a formula may use"),
    ("Infinity*x", 0, "not a number a formula may use"),
    # --- look-alike, invisible and control characters --------------------------------------
    ("х + 1", 0, "U+0445 CYRILLIC SMALL LETTER HA looks like 'x'"),
    ("x + ｙ", 4, "U+FF59 FULLWIDTH LATIN SMALL LETTER Y looks like 'y'"),
    ("１ + x", 0, "U+FF11 FULLWIDTH DIGIT ONE looks like '1'"),
    ("Α + x", 0, "GREEK CAPITAL LETTER ALPHA looks like 'A'"),
    ("x\u200b + 1", 1, "U+200B ZERO WIDTH SPACE"),
    ("x +\x07 1", 3, "U+0007"),
    ("x\n+ 1", 1, "U+000A LINE FEED"),
    ("x + \u00a0y", 4, "U+00A0 NO-BREAK SPACE"),
    ("x\u202e + 1", 1, "U+202E RIGHT-TO-LEFT OVERRIDE"),
    # --- values that are not real and finite ---------------------------------------------------
    ("sqrt(-1)*x", 0, "gradscape works over the reals"),
    ("log(-1)*x", 0, "gradscape works over the reals"),
    ("(-8)^(1/3)", 0, "gradscape works over the reals"),
    ("x + asin(2)", 4, "gradscape works over the reals"),
    ("1/0", 0, "division by zero"),
    ("x + 2/(y - y)", 4, "division by zero"),
    ("log(0) + x", 0, "division by zero or log(0)"),
]


@pytest.mark.parametrize(("text", "column", "part"), REFUSE, ids=[repr(r[0]) for r in REFUSE])
def test_refuses_with_column_and_hint(text: str, column: int, part: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(text)
    err = caught.value
    assert err.column == column, str(err)
    assert part in str(err)
    assert err.hint, "every refusal says how to fix it"


_LONG = "x" * 2001
LIMITS = [
    (_LONG, 2000, "longer than 2000"),
    ("x^1001", 1, "larger than 1000"),
    ("x^-1001", 1, "larger than 1000"),
    ("(x^600)^2", 7, "1200"),
    ("x^1000 * x^1000", 0, "2000"),
    ("9^9^9", 1, "387420489"),
    ("2^(3^(4^5))", 4, "1024"),
    ("10^100000", 2, "larger than 1000"),
    ("1e999999", 0, "exponent larger than 400"),
    ("1" * 51, 0, "more than 50 digits"),
    ("(" * 65 + "x" + ")" * 65, 64, "nested more than 64"),
    ("-" * 65 + "x", 64, "nested more than 64"),
    ("x^" * 65 + "x", 129, "nested more than 64"),
    ("sin(" * 17 + "x" + ")" * 17, 64, "calls nested more than 16"),
    ("x+" * 500 + "x", 1000, "more than 1000 tokens"),
    ("exp(10^5*log(10))", 0, "exp of a number about 2.3e+05"),
    ("softplus(e^6000)", 0, "softplus of a number"),
    ("sqrt(10^200 + 1)", 0, "more than 100"),
]


@pytest.mark.parametrize(("text", "column", "part"), LIMITS, ids=[r[0][:20] for r in LIMITS])
def test_bounds_raise_limit_error(text: str, column: int, part: str) -> None:
    with pytest.raises(LimitError) as caught:
        parse(text)
    assert caught.value.column == column, str(caught.value)
    assert part in str(caught.value)


def test_bounds_just_inside_are_accepted() -> None:
    assert parse("x" * 2000).variables == ("x" * 2000,)
    assert parse("(" * 64 + "x" + ")" * 64).variables == ("x",)
    assert parse("sin(" * 16 + "x" + ")" * 16).variables == ("x",)
    assert parse("1" * 50).expr == int("1" * 50)


def test_message_renders_caret_under_the_culprit() -> None:
    with pytest.raises(FormulaError) as caught:
        parse("sinn(x)")
    assert str(caught.value) == (
        "unknown function 'sinn' at column 1 — did you mean 'sin'?\n  sinn(x)\n  ^^^^"
    )


def test_errors_are_value_errors_for_callers_that_catch_those() -> None:
    with pytest.raises(ValueError):
        parse("x +")


def test_non_string_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse(42)  # type: ignore[arg-type]


NUMBER_LIST_REFUSALS = [
    ("", 0, "empty formula"),
    ("1,,2", 2, "missing number"),
    ("1,", 2, "missing number"),
    ("x, 1", 0, "'x' is a variable"),
    ("1 2", 2, "write 1*2"),
    ("10^400", 0, "not a finite float"),
    ("sqrt(-2)", 0, "gradscape works over the reals"),
    ("(1, 2", 0, "never closed"),
    ("1; 2", 1, "';'"),
]


@pytest.mark.parametrize(("text", "column", "part"), NUMBER_LIST_REFUSALS)
def test_number_list_refusals(text: str, column: int, part: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse_number_list(text)
    assert caught.value.column == column, str(caught.value)
    assert part in str(caught.value)
