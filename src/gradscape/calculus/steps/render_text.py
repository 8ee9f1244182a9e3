"""Plain-text working for a terminal: outline numbers, nesting shown by indentation.

>>> import sympy as sp
>>> from gradscape.calculus.steps import derive
>>> x = sp.Symbol("x", real=True)
>>> print(render_text(derive(3 * x**2, x)))
d/dx [3·x^2]
<BLANKLINE>
1 Constant multiple rule
   d/dx [3·x^2] = 6·x
   3 is a constant factor: keep it and differentiate x^2.
   rule: d/dx [c·u] = c·u'
  1.1 Power rule
     d/dx x^2 = 2·x
     Apply the power rule with n = 2: bring the exponent down as a factor and lower it by 1.
     rule: d/dx x^n = n·x^(n−1)
<BLANKLINE>
Result: d/dx [3·x^2] = 6·x
Checked against SymPy's derivative: yes (symbolic)
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from gradscape.calculus.steps.rules import RULES
from gradscape.calculus.steps.step import Math, Part, Step, d_plain, operand, say_plain

if TYPE_CHECKING:
    from gradscape.calculus.steps.derivation import Derivation

__all__ = ["render_text", "problem_parts", "verdict"]

WIDTH = 100


def problem_parts(d: Derivation) -> tuple[Part, ...]:
    """``∂/∂x [expr]`` and, for partials, which variables are held constant."""
    op = Math(d_plain(d.var, d.partial), "")
    held: tuple[Part, ...] = ()
    if d.held_constant:
        held = (f"   ({', '.join(d.held_constant)} held constant)",)
    return (op, " ", operand(d.expr), *held)


def verdict(d: Derivation) -> str:
    """One line on the check against SymPy."""
    return f"Checked against SymPy's derivative: {'yes' if d.verified else 'NO'} ({d.verification})"


def render_text(d: Derivation) -> str:
    """The whole derivation as plain text."""
    lines = [say_plain(problem_parts(d)), ""]
    todo: list[tuple[Step, str, int]] = [(d.root, "1", 0)]
    while todo:  # iterative, parents before children
        step, label, depth = todo.pop()
        lines.extend(_step_lines(step, label, "  " * depth))
        todo.extend(
            (sub, f"{label}.{i}", depth + 1)
            for i, sub in reversed(list(enumerate(step.substeps, start=1)))
        )
    lines += ["", f"Result: {say_plain(problem_parts(d)[:3])} = {say_plain((d.result,))}"]
    lines.append(verdict(d))
    return "\n".join(lines)


def _step_lines(step: Step, label: str, indent: str) -> list[str]:
    head = f"{indent}{label} {RULES[step.rule].title}"
    if step.substitution:
        head += f"  ({step.substitution})"
    body = indent + "   "
    why = textwrap.wrap(
        step.explanation,
        WIDTH,
        initial_indent=body,
        subsequent_indent=body,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [head, body + step.equation().plain, *why, f"{body}rule: {step.formula}"]
