"""Shared test set-up: a private kernel cache, a non-interactive matplotlib backend."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Kernels compiled by the tests must never land in (or come from) the user's cache.
    if "GRADSCAPE_CACHE_DIR" not in os.environ or os.environ.get("CI"):
        os.environ["GRADSCAPE_CACHE_DIR"] = str(tmp_path_factory.mktemp("gradscape-cache"))


@pytest.fixture
def mpl_style():
    """matplotlib's default style and one font, so pictures and baselines render alike."""
    import matplotlib
    import matplotlib.style

    with matplotlib.rc_context():
        matplotlib.style.use("default")
        matplotlib.rcParams.update({"font.family": "DejaVu Sans", "savefig.dpi": 100})
        yield
