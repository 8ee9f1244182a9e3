"""Step-by-step derivatives: named rules, a tree of steps, checked against SymPy.

``derive(expr, var)`` differentiates a SymPy expression the way a textbook does and records
each rule it applies (see ``RULE_NAMES``); the ``Derivation`` it returns renders as plain
text, LaTeX, HTML or JSON.

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> d = derive(sp.sin(x**2), x)
>>> d.result
2*x*cos(x**2)
>>> d.root.substitution, sorted(d.rules)
('u = x^2', ['chain', 'power', 'trig'])
"""

from gradscape.calculus.steps.derivation import Derivation, derive
from gradscape.calculus.steps.rules import RULE_NAMES
from gradscape.calculus.steps.step import Step

__all__ = ["RULE_NAMES", "Derivation", "Step", "derive"]
