"""The examples in docstrings run, in every module, and every public member of a Function
shows one."""

from __future__ import annotations

import doctest
import inspect
import io

import pytest
from modules import MODULES, ROOT, import_or_skip

from gradscape import CallableFunction, FormulaFunction, Function

DEPRECATED = {"value_at", "gradient_at", "hessian_at"}


def test_every_module_is_listed() -> None:
    # The parametrised list is read from the files on disk, so a new module joins it by
    # existing; this pins the reading itself (packages by their own name, __main__ left out).
    files = [p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts]
    assert len(MODULES) == len(files) - 1
    assert {"gradscape", "gradscape.formula.parser", "gradscape.cli.main",
            "gradscape.plot.figures", "gradscape.optim.driver"} <= set(MODULES)
    assert "gradscape.__main__" not in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = import_or_skip(name)
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(module, name):
        runner.run(test, out=out.write)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in " \
                               f"{name}:\n{out.getvalue()}"


@pytest.mark.parametrize("cls", [Function, FormulaFunction, CallableFunction])
def test_every_public_member_has_a_runnable_example(cls: type) -> None:
    missing = [
        name for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and name not in DEPRECATED
        and (inspect.isfunction(member) or isinstance(member, property))
        and ">>>" not in (inspect.getdoc(member) or "")
    ]
    assert not missing, f"{cls.__name__}: no example in the docstring of {missing}"
