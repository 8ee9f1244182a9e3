"""The tutorial notebook runs top to bottom, and its rich displays are there."""

from __future__ import annotations

import runpy
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parents[1] / "examples" / "notebooks"


def test_committed_notebook_is_what_the_generator_writes() -> None:
    build = runpy.run_path(str(HERE / "make_tutorial.py"))["build"]
    committed = nbformat.read(HERE / "tutorial.ipynb", as_version=4)
    assert [c.source for c in committed.cells] == [c.source for c in build().cells]


def test_tutorial_notebook_executes(tmp_path: Path) -> None:
    nb = nbformat.read(HERE / "tutorial.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    mimes = {m for o in outputs for m in o.get("data", {})}
    assert {"text/latex", "text/html", "image/png"} <= mimes
    text = "".join(o.get("text", "") for o in outputs)
    assert "∇f(x, y) = (2x, 2y)" in text and "minimum" in text
    assert "mean over the 200 rows of ∇ℓ" in text  # the loss over data section ran
    # the multivariable section ran: a potential, an implicit slope, a constrained maximum
    assert "x**2*y + y**3" in text and "dy/dx = −F_x/F_y = -x/y" in text
    assert "maximum  (3, 0) f = 9.0 λ = (1.5,)" in text
