# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# The suite covers the Dask path too (a LocalCluster of worker processes): `dask` extra.
	$(PY) -m pip install --quiet -e '.[test,dask]'
	@# Byte-compile now: an editable install otherwise recompiles on every start wherever
	@# PYTHONDONTWRITEBYTECODE is set, and the CLI's cold start is a figure we report.
	$(PY) -m compileall -q src
	touch $(STAMP)

# The tutorial's whole program: the gradient of x^2 + y^2 and its quiver plot.
demo: $(STAMP)
	$(VENV)/bin/gradscape grad "x^2 + y^2" --at 1,2
	$(VENV)/bin/gradscape field "x^2 + y^2" -o out/gradient-field.png

test: $(STAMP)
	$(PY) -m ruff check src tests bench examples
	$(PY) -m mypy
	$(PY) -m pytest -n 2 -q

bench: $(STAMP)
	$(PY) -m bench all

# ruff, then mypy (strict on src/gradscape: see [tool.mypy] in pyproject.toml)
lint: $(STAMP)
	$(PY) -m ruff check src tests bench examples
	$(PY) -m mypy

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .mypy_cache .hypothesis
