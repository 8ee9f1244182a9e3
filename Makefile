# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test test-slow bench lint docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@# Byte-compile now: an editable install otherwise recompiles on every start wherever
	@# PYTHONDONTWRITEBYTECODE is set, and the CLI's cold start is a figure we report.
	$(PY) -m compileall -q src
	touch $(STAMP)

# The tutorial's whole program: the gradient of x^2 + y^2 and its quiver plot.
demo: $(STAMP)
	$(VENV)/bin/gradscape grad "x^2 + y^2" --at 1,2
	$(VENV)/bin/gradscape field "x^2 + y^2" -o out/gradient-field.png

test: $(STAMP)
	$(PY) -m ruff check src tests bench examples docs
	$(PY) -m mypy
	$(PY) -m pytest -n 2 -q

# The long versions of checks whose short versions `make test` runs (marked `slow`).
test-slow: $(STAMP)
	GRADSCAPE_SLOW=1 $(PY) -m pytest -n 2 -q

# The documentation site into docs/_build/html, warnings as errors: the guide's examples run
# (doctest builder and the console directive), the gallery runs every script in examples/.
docs: $(STAMP)
	$(PY) -m sphinx -W --keep-going -q -b doctest docs docs/_build/doctest
	$(PY) -m sphinx -W --keep-going -q -b html docs docs/_build/html
	@echo "open docs/_build/html/index.html"

bench: $(STAMP)
	$(PY) -m bench all

# ruff, then mypy (strict on src/gradscape: see [tool.mypy] in pyproject.toml)
lint: $(STAMP)
	$(PY) -m ruff check src tests bench examples docs
	$(PY) -m mypy

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .mypy_cache .hypothesis docs/_build docs/api \
		docs/auto_examples
