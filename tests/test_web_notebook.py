"""gs.explore(f): the explorer inline in a notebook, served by the kernel's own process."""

from __future__ import annotations

import urllib.parse
import urllib.request

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the explorer needs the web extra: pip install -e '.[web]'")

import gradscape as gs
from gradscape.errors import DomainError, FormulaError
from gradscape.web import notebook


@pytest.fixture(scope="module")
def shown():
    view = gs.explore("x^2 + 3y^2", x=(-2, 2))
    yield view
    notebook.stop()


def test_explore_serves_the_page_opened_on_the_formula(shown) -> None:
    base, _, fragment = shown.url.partition("#")
    assert urllib.parse.urlsplit(base).hostname == "127.0.0.1"
    state = urllib.parse.parse_qs(fragment)
    assert state == {"f": ["x^2 + 3y^2"], "x": ["-2,2"]}  # what the page's decode() reads
    with urllib.request.urlopen(base, timeout=30) as r:
        assert r.status == 200 and "text/html" in r.headers["content-type"]
        assert "gradscape" in r.read().decode().lower()
    # the same server answers the page's API
    req = urllib.request.Request(base + "api/health", method="GET")
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200


def test_the_notebook_shows_an_iframe_of_that_url(shown) -> None:
    frame = shown._repr_html_()
    assert frame.startswith("<iframe") and 'height="720"' in frame
    assert shown.url.replace("&", "&amp;") in frame


def test_a_second_call_reuses_the_server(shown) -> None:
    again = gs.explore(gs.Function("sin(x) y"))
    assert again.url.split("#")[0] == shown.url.split("#")[0]
    assert urllib.parse.parse_qs(again.url.split("#")[1])["f"] == ["sin(x) y"]


def test_bad_input_is_one_clear_error_before_anything_is_shown() -> None:
    with pytest.raises(FormulaError, match="sinn"):
        gs.explore("sinn(x)")
    with pytest.raises(DomainError, match="formula"):
        gs.explore(lambda x, y: np.sin(x) * np.cosh(y) + np.arctan2(x, y))
    with pytest.raises(DomainError, match="range"):
        notebook.view_url("http://127.0.0.1:1/", "x", x=(2, 1))
