"""Sphinx configuration for gradscape's documentation site (``make docs``).

Why Sphinx: autodoc reads the docstrings (whose examples the suite already runs), intersphinx
links types to NumPy, SymPy and matplotlib, and sphinx-gallery runs ``examples/`` at build time
and shows each picture beside its code. MkDocs would need a plugin for each of those.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import gradscape  # noqa: E402

project = "gradscape"
author = "The gradscape developers"
copyright = "2026, The gradscape developers"
version = release = gradscape.__version__

# GRADSCAPE_DOCS_FAST=1 (the suite's check): build every page and the whole API reference, but
# run no examples (the suite runs the guide's examples itself, tests/test_docs.py) and skip the
# highlighted source pages. `make docs` runs everything.
FAST = os.environ.get("GRADSCAPE_DOCS_FAST") == "1"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "sphinx_gallery.gen_gallery",
    "gradscape_console",
    "api_pages",
    "readme_section",
    "plain_docstrings",
    *([] if FAST else ["sphinx.ext.viewcode", "matplotlib.sphinxext.plot_directive"]),
]

# The fast check renders with Sphinx's plain "basic" theme: furo draws the whole navigation
# tree into each of the ~180 pages, two thirds of a fast build's time (profiled), and what the
# check is after (warnings, the inventory) comes from reading the pages, not from the theme.
html_theme = "basic" if FAST else "furo"
html_title = f"gradscape {release}"
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.json", "**.codeobj.json"]
nitpicky = False
# sphinx-gallery's configuration holds functions (the scraper), which Sphinx cannot pickle
# into its environment cache; the build is correct without that cache entry.
suppress_warnings = ["config.cache"]

# The API reference: one page per public module, generated from its ``__all__``.
autosummary_generate = True
autodoc_default_options = {"show-inheritance": True}  # members: listed per page
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
# (autodoc_preserve_defaults stays off: it re-parses source and fails on some signatures)
napoleon_google_docstring = True
napoleon_numpy_docstring = True

# Offline and reproducible: the few inventories our signatures need are written locally
# (docs/_ext/inventories.py), so a build needs no network and cannot fail on a slow site.
from inventories import write as _write_inventories  # noqa: E402

intersphinx_mapping = _write_inventories(HERE / "_build" / "_inv")

# Examples: every script in examples/ runs at build time (``-D plot_gallery=0`` skips that, for
# the fast check in ``make test``). The scripts save their pictures to files (the README shows
# the same files), so the scraper collects what a script wrote.
from gallery_scraper import saved_files  # noqa: E402

sphinx_gallery_conf = {
    "plot_gallery": "False" if FAST else "True",
    "examples_dirs": str(HERE.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",
    "ignore_pattern": r"(__init__|make_tutorial|make_datasets)\.py$",
    "image_scrapers": (saved_files,),
    "reset_argv": lambda gallery_conf, script_vars: [str(HERE / "_build" / "gallery-out")],
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_signature": False,
    "min_reported_time": 3600,
}

# The plot directive (pictures in guide pages) runs its code at build time too.
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]

doctest_global_setup = "import gradscape as gs\nimport numpy as np"
os.environ.setdefault("MPLBACKEND", "Agg")

gradscape_console_run = not FAST


def setup(app):  # type: ignore[no-untyped-def]
    if FAST:  # show the plot directive's code without running it
        from sphinx.directives.code import CodeBlock

        class PlotSource(CodeBlock):
            required_arguments = 0
            optional_arguments = 1

            def run(self):  # type: ignore[no-untyped-def]
                self.arguments = ["python"]
                return super().run()

        app.add_directive("plot", PlotSource)

# The doctest builder runs the guide's ``.. doctest::`` blocks; the ``>>>`` examples inside API
# docstrings run in the suite, each in its own module's namespace (tests/test_doctests.py).
doctest_test_doctest_blocks = ""
