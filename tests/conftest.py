"""Shared test set-up: a private kernel cache, a non-interactive matplotlib backend."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> None:
    # Kernels compiled by the tests must never land in (or come from) the user's cache. The
    # workers of one run share a cache (xdist gives them a common base directory), so each
    # optimizer's loop is compiled once per run, not once per worker: the compile lock in
    # gradscape.compile.cache makes the second worker load the first one's machine code.
    if "GRADSCAPE_CACHE_DIR" not in os.environ or os.environ.get("CI"):
        base = tmp_path_factory.getbasetemp()
        root = base.parent if worker_id != "master" else base
        cache = root / "gradscape-cache"
        cache.mkdir(mode=0o700, exist_ok=True)
        os.environ["GRADSCAPE_CACHE_DIR"] = str(cache)


@pytest.fixture
def mpl_style():
    """matplotlib's default style and one font, so pictures and baselines render alike."""
    import matplotlib
    import matplotlib.style

    with matplotlib.rc_context():
        matplotlib.style.use("default")
        matplotlib.rcParams.update({"font.family": "DejaVu Sans", "savefig.dpi": 100})
        yield


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # `long` tests are the long versions of checks that keep a short version in the suite
    # (a fresh `python -m build`...): `make test` stays under its time budget, and
    # `make test-slow` (GRADSCAPE_SLOW=1) runs everything.
    if os.environ.get("GRADSCAPE_SLOW"):
        return
    skip = pytest.mark.skip(reason="long: run with GRADSCAPE_SLOW=1 (make test-slow)")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)
