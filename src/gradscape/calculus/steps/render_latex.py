"""LaTeX working: one ``array`` of lines, nesting shown by ``\\quad`` indentation.

Math mode throughout (prose in ``\\text{}``), so it renders in MathJax/KaTeX (Jupyter) and,
wrapped in ``\\[ \\]``, in a LaTeX document with amsmath.

>>> import sympy as sp
>>> from gradscape.calculus.steps import derive
>>> x = sp.Symbol("x", real=True)
>>> print(render_latex(derive(x**2, x)).splitlines()[2])
\\textbf{1 Power rule} \\\\
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradscape.calculus.steps.rules import RULES
from gradscape.calculus.steps.step import Step, d_latex, latex, operand, part_latex, say_latex

if TYPE_CHECKING:
    from gradscape.calculus.steps.derivation import Derivation

__all__ = ["render_latex"]


def render_latex(d: Derivation) -> str:
    """The whole derivation as a LaTeX ``array`` (without surrounding ``$$``)."""
    problem = d_latex(d.var, d.partial) + " " + part_latex(operand(d.expr))
    held = ""
    if d.held_constant:
        names = ", ".join(latex(v) for v in d.variables if v != d.var)  # x_1 needs maths
        held = r" \quad (" + names + r"\text{ held constant})"
    lines = [r"\begin{array}{l}", problem + held + r" \\"]
    todo: list[tuple[Step, str, int]] = [(d.root, "1", 0)]
    while todo:
        step, label, depth = todo.pop()
        lines.extend(_step_lines(step, label, r"\quad " * depth))
        todo.extend(
            (sub, f"{label}.{i}", depth + 1)
            for i, sub in reversed(list(enumerate(step.substeps, start=1)))
        )
    check = "yes" if d.verified else "NO"
    lines += [
        r"\textbf{Result: } " + problem + " = " + latex(d.result) + r" \\",
        r"\text{Checked against SymPy's derivative: " + f"{check} ({d.verification})" + "}",
        r"\end{array}",
    ]
    return "\n".join(lines)


def _step_lines(step: Step, label: str, indent: str) -> list[str]:
    head = indent + r"\textbf{" + f"{label} {RULES[step.rule].title}" + "}"
    if step.substitution_latex:
        head += r" \quad " + step.substitution_latex
    body = indent + r"\quad "
    return [
        head + r" \\",
        body + r"\displaystyle " + step.equation().latex + r" \\",
        body + say_latex(step.sentence) + r" \\",
        body + r"\text{rule: } " + step.formula_latex + r" \\",
    ]
