"""The examples in docstrings run, and every public member of a Function shows one."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import gradscape.calculus
import gradscape.compile
import gradscape.fields
from gradscape import CallableFunction, FormulaFunction, Function

PACKAGES = (gradscape.calculus, gradscape.compile, gradscape.fields)
MODULES = sorted(
    name for package in PACKAGES
    for _, name, _ in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
)
DEPRECATED = {"value_at", "gradient_at", "hessian_at"}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


@pytest.mark.parametrize("cls", [Function, FormulaFunction, CallableFunction])
def test_every_public_member_has_a_runnable_example(cls: type) -> None:
    missing = [
        name for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and name not in DEPRECATED
        and (inspect.isfunction(member) or isinstance(member, property))
        and ">>>" not in (inspect.getdoc(member) or "")
    ]
    assert not missing, f"{cls.__name__}: no example in the docstring of {missing}"
