"""A fuzzing harness for gradscape: formulas, grammar-built and hostile, through the parser,
the calculus, the kernels and the CLI, checked against an independent 30-digit evaluator.

    python -m fuzz --cases 20000 --jobs 2            # the long run (see fuzz/README.md)
    python -m fuzz --cases 300 --seed 1              # the short run the test suite makes

Modules: :mod:`fuzz.generate` (the cases), :mod:`fuzz.oracle` (mpmath, 30 digits),
:mod:`fuzz.case` (one case, all checks), :mod:`fuzz.runner` (workers with time and memory
limits). The web API has no surface yet: :func:`fuzz.case.check_web` is its hook.
"""
