# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Two stamps: what the package needs to run (make demo), and that plus the test tools
# (pytest, hypothesis, ruff, mypy, Jupyter for the notebook test, the web extra: make test).
RUNTIME  := $(VENV)/.runtime
STAMP    := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test test-slow bench lint docs clean gallery chromium

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@# Byte-compile now: an editable install otherwise recompiles on every start wherever
	@# PYTHONDONTWRITEBYTECODE is set, and the CLI's cold start is a figure we report.
	$(PY) -m compileall -q src
	touch $(RUNTIME)

$(STAMP): $(RUNTIME)
	@# The suite covers the explorer (web) and the Dask path (a LocalCluster of worker
	@# processes) too.
	$(PY) -m pip install --quiet -e '.[test,web,dask]'
	touch $(STAMP)

# The tutorial's whole program: the gradient of x^2 + y^2 and its quiver plot.
demo: $(RUNTIME)
	$(VENV)/bin/gradscape grad "x^2 + y^2" --at 1,2
	$(VENV)/bin/gradscape field "x^2 + y^2" -o out/gradient-field.png

test: $(STAMP) chromium
	$(PY) -m ruff check src tests bench examples fuzz docs
	$(PY) -m mypy
	$(PY) -m pytest -n 2 -q

# The browser tests drive Debian's chromium by path (`playwright install` downloads a browser
# and cannot work offline). Installed with apt only when missing: as root, or through sudo
# when it needs no password (CI). Where neither works this says so and goes on; the browser
# tests then skip with that reason, and everything else still runs.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else SUDO=none; fi; \
	  if [ "$$SUDO" != none ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium with apt-get (for the browser tests)"; \
	    $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
	    || { $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive \
	         apt-get install -y -qq --no-install-recommends chromium; } \
	    || echo "could not install chromium: the browser tests will be skipped"; \
	  else \
	    echo "chromium is missing and apt-get cannot run here: the browser tests will be skipped"; \
	  fi; \
	fi

# The long versions of checks whose short versions `make test` runs (marked `long`).
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
	$(PY) -m ruff check src tests bench examples fuzz docs
	$(PY) -m mypy

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .mypy_cache .hypothesis docs/_build docs/api \
		docs/auto_examples

# The picture review: every case of gradscape.plot.gallery.CASES drawn and checked into
# out/gallery/, with a contact sheet (out/gallery/contact-sheet.png). Look at them.
gallery: $(STAMP)
	$(PY) -m gradscape.plot.gallery out/gallery
