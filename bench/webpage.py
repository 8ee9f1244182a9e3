"""The explorer's page in Debian's Chromium, driven by Playwright: what a user waits for.

- edit a formula → contours, arrows and maths drawn: from the input event until the page has
  drawn the new field and typeset the new gradient (an edit after a quiet spell is sent at
  once; the page waits for a 60 ms pause only between keys typed in quick succession); also
  the same from when the page sent its check, and when the last reply arrived;
- the descent animation's frame rate with 4 methods × 2,000 steps (the player's own count of
  frames over its run, at its default speed of 4 steps a frame).

Called by :mod:`bench.web` with a running server's URL; returns medians, or why it could not
run (no Playwright, no browser).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import urllib.parse
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

_EDIT = """(f) => {
  const el = document.querySelector('[data-testid=formula]');
  window.__gs.editedAt = 0;
  performance.clearResourceTimings();
  el.value = f;
  const t = performance.now();
  el.dispatchEvent(new Event('input', { bubbles: true }));
  return t;
}"""
_REPLIES = """() => Math.max(0, ...performance.getEntriesByType('resource')
  .filter((e) => /[/]api[/](parse|analyze|field|curve)$/.test(e.name))
  .map((e) => e.responseEnd))"""


def _wait(page: Any, js: str, timeout: float = 60.0) -> Any:
    """The first truthy value of ``js``, polled inside the page every 4 ms: polling from here
    would send a message through Playwright's driver to the page each time, CPU that the page
    and the server share on this machine."""
    return page.wait_for_function(js, polling=4, timeout=1e3 * timeout).json_value()


def page_figures(url: str, edits: int = 10, first: int = 2) -> dict[str, float] | str:
    """Medians of the page's figures against the server at ``url``, or why none.

    ``first`` numbers the edited formulas: a second run on the same server passes another
    so that its formulas are new to the server's cache, as a person's edits are.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not os.path.exists(CHROMIUM):
        return f"no browser at {CHROMIUM} (make chromium)"
    profile = tempfile.mkdtemp(prefix="gradscape-bench-")
    total: list[float] = []
    after: list[float] = []
    replies: list[float] = []
    busy: list[float] = []
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=ARGS,
                viewport={"width": 1280, "height": 800})
            page = ctx.new_page()
            cdp = ctx.new_cdp_session(page)
            cdp.send("Performance.enable")
            page.goto(url + "/")
            _wait(page, "() => window.__gs.ready")
            page.wait_for_timeout(1000)
            for k in range(edits + 1):  # the first edit warms the page up and is not counted
                formula = f"x^2 + {k + first} y^2 + sin(x y) / {k + 3}"
                busy0 = _busy(cdp)
                t0 = page.evaluate(_EDIT, formula)
                t1 = _wait(page, "() => window.__gs.editedAt")
                if k:
                    busy.append(_busy(cdp) - busy0)
                    total.append(t1 - t0)
                    after.append(page.evaluate("() => window.__gs.lastEdit"))
                    replies.append(page.evaluate(_REPLIES) - t0)
                # the critical points (the slow lane, about a second here) of this formula
                # finish before the next edit, as when a person reads the picture before
                # typing again: otherwise each edit would be timed beside the last one's
                _wait(page, "() => !document.getElementById('critical').textContent"
                      ".includes('looking')", timeout=30)
                page.wait_for_timeout(300)
            fps = _animation_fps(page, url)
            ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return {"edit → contours, arrows, maths (from the keystroke)": statistics.median(total),
            "  the same from when the page sent its check": statistics.median(after),
            "  of which: until the last reply arrived": statistics.median(replies),
            "  the page's main thread busy (scripts, layout, paint)": statistics.median(busy),
            "animation, 4 methods × 2,000 steps (frames/s)": fps}


def _busy(cdp: Any) -> float:
    """ms the page's main thread has spent in tasks (Chrome's TaskDuration metric)."""
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return 1e3 * next(m["value"] for m in metrics if m["name"] == "TaskDuration")


def _animation_fps(page: Any, url: str) -> float:
    methods = [{"name": "gd", "lr": 0.0005}, {"name": "momentum", "lr": 0.0002},
               {"name": "adam", "lr": 0.002}, {"name": "rmsprop", "lr": 0.0005}]
    state = {"f": "rosenbrock", "s": json.dumps([[-1.5, 2.0]]), "m": json.dumps(methods),
             "n": "2000"}
    # a link with starts and methods runs the descent and plays it as it opens
    page.goto(url + "/#" + urllib.parse.urlencode(state, quote_via=urllib.parse.quote))
    fps = float(_wait(page, "() => window.__gs.fps", timeout=120))
    frames = page.evaluate("() => document.getElementById('frame').textContent")
    if "of 2000" not in frames:
        raise RuntimeError(f"the animation was not 2,000 steps long: {frames}")
    return fps
