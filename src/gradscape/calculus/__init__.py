"""Functions and their derivatives: ``Function`` (a FormulaFunction or a CallableFunction),
numeric derivatives of code, gradient checks and step-by-step derivations.

Import from the modules (``gradscape.calculus.function``, ``.steps``...), or the top-level
names (``gradscape.Function``); this package re-exports nothing, so importing one module
loads only what that module needs.
"""

__all__: list[str] = []
