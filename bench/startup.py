"""Start-up costs a user feels: the CLI's cold start, and formula text → callable gradient.

- ``gradscape grad "x^2+y^2"`` in a fresh process, next to ``python -c "import sympy"`` and a
  three-line SymPy script that differentiates the same formula (both measured in the same run,
  interleaved, so machine load hits all three alike);
- in a warm process: parse + differentiate + build a NumPy kernel + first call on a point, for
  the tutorial's formula and Himmelblau's.

Run: ``python -m bench startup`` (``--quick`` for fewer repeats). Medians; no assertions.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from rich.console import Console
from rich.table import Table

FORMULAS = {
    "tutorial x²+y²": "x^2 + y^2",
    "Himmelblau": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
}


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - start


def _cold_start(repeats: int) -> dict[str, float]:
    py = sys.executable
    # SymPy ships byte-compiled; compile ours too, or the comparison measures the compiler.
    import compileall
    from pathlib import Path

    import gradscape

    compileall.compile_dir(str(Path(gradscape.__file__).parent), quiet=1)
    cmds = {
        "python -c 'import sympy'": [py, "-c", "import sympy"],
        "sympy script: diff(x**2+y**2)": [
            py, "-c",
            "import sympy; x, y = sympy.symbols('x y'); "
            "print([sympy.diff(x**2 + y**2, v) for v in (x, y)])",
        ],
        'gradscape grad "x^2+y^2"': [py, "-m", "gradscape", "grad", "x^2+y^2"],
        'gradscape grad "x^2+y^2" --at 1,2 --json': [
            py, "-m", "gradscape", "grad", "x^2+y^2", "--at", "1,2", "--json"],
    }
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for cmd in cmds.values():  # warm the OS file cache once
        _wall(cmd)
    for _ in range(repeats):
        for name, cmd in cmds.items():
            times[name].append(_wall(cmd))
    return {k: statistics.median(v) for k, v in times.items()}


def _text_to_gradient(formula: str, repeats: int) -> float:
    """Median seconds from text to a first numeric gradient, caches defeated each time."""
    from gradscape import Function

    samples = []
    for i in range(repeats):
        # a fresh constant term gives a new formula, so no in-process cache can answer
        text = f"{formula} + {i + 1}"
        start = time.perf_counter()
        f = Function(text)
        f.grad(1.0, 2.0, backend="numpy")
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def run(quick: bool = False) -> None:
    console = Console()
    repeats = 5 if quick else 15
    cold = _cold_start(repeats)
    base = cold["python -c 'import sympy'"]
    table = Table(title=f"Cold start, fresh process each (median of {repeats})")
    table.add_column("command")
    table.add_column("seconds", justify="right")
    table.add_column("× import sympy", justify="right")
    for name, t in cold.items():
        table.add_row(name, f"{t:.3f}", f"{t / base:.2f}")
    console.print(table)

    from gradscape import Function

    Function("x + y").grad(1.0, 2.0, backend="numpy")  # import and warm the layers once
    table = Table(title="Formula text → callable gradient, warm process (median)")
    table.add_column("formula")
    table.add_column("ms", justify="right")
    for name, formula in FORMULAS.items():
        table.add_row(name, f"{_text_to_gradient(formula, repeats) * 1e3:.1f}")
    console.print(table)


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
