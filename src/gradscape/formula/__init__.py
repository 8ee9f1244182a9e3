"""Formula text → validated SymPy expression: the allow-list, the parser, the limits.

Import from the modules (``gradscape.formula.parser``...), or ``gradscape.parse``; this
package re-exports nothing.
"""

__all__: list[str] = []
