"""Self-contained HTML working (for notebooks and the web page): nested lists, no scripts.

Maths is written as ``\\( \\)`` LaTeX for MathJax/KaTeX (Jupyter typesets it), or as plain
text in ``<code>`` with ``math="text"`` for pages without a maths renderer. Everything
taken from the expression is escaped.

>>> import sympy as sp
>>> from gradscape.calculus.steps import derive
>>> x = sp.Symbol("x", real=True)
>>> "Power rule" in render_html(derive(x**2, x), math="text")
True
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from gradscape.calculus.steps.rules import RULES
from gradscape.calculus.steps.step import (
    Math,
    Part,
    Step,
    d_latex,
    d_plain,
    latex,
    operand,
    part_latex,
    part_plain,
    plain,
)

if TYPE_CHECKING:
    from gradscape.calculus.steps.derivation import Derivation

__all__ = ["render_html"]

_STYLE = (
    "<style>.gs-steps{font-family:system-ui,sans-serif;line-height:1.45}"
    ".gs-steps ul{list-style:none;margin:0.2em 0;padding-left:1.4em;"
    "border-left:1px solid #ccc}.gs-steps .gs-rule{font-weight:600}"
    ".gs-steps .gs-formula{color:#666;font-size:0.9em}.gs-steps .gs-bad{color:#b00}</style>"
)


def render_html(d: Derivation, math: str = "latex") -> str:
    """The whole derivation as one ``<div>``; ``math`` is "latex" or "text"."""
    if math not in ("latex", "text"):
        raise ValueError(f"math must be 'latex' or 'text', not {math!r}")
    show = _latex_math if math == "latex" else _text_math
    problem = Math(
        d_plain(d.var, d.partial) + " " + part_plain(operand(d.expr)),
        d_latex(d.var, d.partial) + " " + part_latex(operand(d.expr)),
    )
    held = ""
    if d.held_constant:
        held = f" ({escape(', '.join(d.held_constant))} held constant)"
    result = Math(f"{problem.plain} = {plain(d.result)}", f"{problem.latex} = {latex(d.result)}")
    check = "yes" if d.verified else '<span class="gs-bad">NO</span>'
    return "".join(
        [
            '<div class="gs-steps">',
            _STYLE,
            f"<p>{show(problem)}{held}</p>",
            "<ul>" + _tree(d.root, "1", show) + "</ul>",
            f"<p><strong>Result:</strong> {show(result)}</p>",
            f"<p>Checked against SymPy's derivative: {check} ({escape(d.verification)})</p>",
            "</div>",
        ]
    )


def _tree(step: Step, label: str, show: Callable[[Math], str]) -> str:
    head = f'<span class="gs-rule">{escape(label)} {escape(RULES[step.rule].title)}</span>'
    if step.substitution:
        head += " &nbsp; " + show(Math(step.substitution, step.substitution_latex or ""))
    sentence = "".join(escape(p) if isinstance(p, str) else show(_math(p)) for p in step.sentence)
    formula = show(Math(step.formula, step.formula_latex))
    children = "".join(
        _tree(sub, f"{label}.{i}", show) for i, sub in enumerate(step.substeps, start=1)
    )
    return (
        f"<li>{head}<div>{show(step.equation())}</div><div>{sentence}</div>"
        f'<div class="gs-formula">rule: {formula}</div>'
        + (f"<ul>{children}</ul>" if children else "")
        + "</li>"
    )


def _math(part: Part) -> Math:
    return part if isinstance(part, Math) else Math(plain(part), latex(part))


def _latex_math(m: Math) -> str:
    return r"\(" + escape(m.latex) + r"\)"


def _text_math(m: Math) -> str:
    return "<code>" + escape(m.plain) + "</code>"
