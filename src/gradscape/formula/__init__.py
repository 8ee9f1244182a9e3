"""Formula text → validated SymPy expression: the allow-list, the parser, the limits."""
