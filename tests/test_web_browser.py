"""The explorer in real Chromium (Debian's, driven by Playwright): what a student does.

One server and one browser for the module; every request to anywhere but the server is
blocked and counted, and the count must stay zero. Screenshots go to out/web-screens/.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the explorer needs the web extra: pip install -e '.[web]'")
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the browser tests need playwright: pip install -e '.[test]'")

from gradscape.calculus.function import Function  # noqa: E402
from tests.web_support import live_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[1] / "out" / "web-screens"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                 reason=f"no browser at {CHROMIUM}: `make chromium` (run by "
                                 "make test) installs Debian's chromium with apt")]


@pytest.fixture(scope="module")
def server():
    with live_server() as (base, _app):
        yield base


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="gradscape-chromium-")
    with playwright_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM,
                                                   args=ARGS, viewport={"width": 1280,
                                                                        "height": 800})
        yield ctx
        ctx.close()
    shutil.rmtree(profile, ignore_errors=True)


class Watch:
    """Console errors, page errors, and requests that left the server (blocked)."""

    def __init__(self, page, base):
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r):
            if r.request.url.startswith(base + "/"):
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        page.route("**/*", route)

    def clean(self):
        assert self.outside == [], f"requests outside the server: {self.outside}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def page(browser, server):
    pg = browser.new_page()
    pg.set_viewport_size({"width": 1280, "height": 800})
    watch = Watch(pg, server)
    pg.watch = watch
    yield pg
    pg.close()
    watch.clean()


def renders(pg) -> int:
    return int(pg.get_attribute("body", "data-renders") or 0)


def wait_render(pg, after: int = 0, timeout: float = 30.0) -> None:
    """Until the page has drawn more than ``after`` times (no eval: the CSP forbids it)."""
    deadline = time.monotonic() + timeout
    while renders(pg) <= after:
        assert time.monotonic() < deadline, "the page did not draw"
        pg.wait_for_timeout(25)


def wait_until(pg, js: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        value = pg.evaluate(js)
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {js}"
        pg.wait_for_timeout(25)


def shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def record(name: str, value: float) -> None:
    """Keep a measured figure next to the screenshots (out/web-screens/figures.json)."""
    import json

    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / "figures.json"
    figures = json.loads(path.read_text()) if path.exists() else {}
    figures[name] = value
    path.write_text(json.dumps(figures, indent=1) + "\n")


def open_page(pg, server, hash_: str = "") -> None:
    pg.goto(f"{server}/{hash_}")
    wait_render(pg)


def traces(pg) -> list[list]:
    return pg.evaluate("() => document.getElementById('plot').data.map(t => "
                       "[t.type, t.meta || t.name || '', (t.x || []).length])")


def click_data(pg, x: float, y: float) -> None:
    """Click the 2-D view at data coordinates (x, y)."""
    px = pg.evaluate(f"""() => {{
        const el = document.getElementById('plot'), L = el._fullLayout,
              box = el.getBoundingClientRect();
        return [box.left + L.xaxis._offset + L.xaxis.l2p({x}),
                box.top + L.yaxis._offset + L.yaxis.l2p({y})]; }}""")
    pg.mouse.click(px[0], px[1])


def test_typing_a_formula_draws_contours_arrows_and_maths(page, server):
    open_page(page, server)
    before = renders(page)
    page.fill("[data-testid=formula]", "x^2 + 3y^2 + x y")
    wait_render(page, before)
    wait_until(page, "() => document.querySelector('#math-body .katex') !== null")
    # typing → parse, analyze, field and drawing done (sent at once after a quiet spell): measured
    record("edit_to_contours_ms", page.evaluate("() => window.__gs.lastEdit"))
    kinds = traces(page)
    # f's 80×80 grid under the picture (it answers the hover), and the 20 × 20 arrows
    assert kinds[0][:3] == ["heatmap", "f", 80]
    arrows = page.evaluate("() => document.getElementById('plot').data"
                           ".filter(t => t.meta === 'arrows').map(t => t.customdata[0])")
    assert arrows == [400]
    math = page.inner_text("[data-testid=math]")
    assert "6y" in math.replace(" ", "") or "x+6y" in math.replace(" ", "")
    assert page.is_hidden("[data-testid=error]")
    page.select_option("#arrows", "stream")
    wait_until(page, "() => document.getElementById('plot').data.some(t => t.meta === 'stream')")
    shot(page, "formula-streamlines")
    check_contour_colours(page, lambda x, y: x**2 + 3 * y**2 + x * y)


def check_contour_colours(pg, f) -> None:
    """The filled contours the page paints: at random points of the window, the picture's
    colour is Viridis (matplotlib's, an independent table) at the middle of the band of f
    there, with the bands at round levels as Plotly chooses them (about 24 from min to max
    of f on the 80 × 80 grid)."""
    import numpy as np
    from matplotlib import colormaps

    pixels = pg.evaluate("""async () => {
        const el = document.getElementById('plot'), im = el.layout.images[0];
        const img = new Image();
        img.src = im.source;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.naturalWidth; c.height = img.naturalHeight;
        const ctx = c.getContext('2d');
        ctx.drawImage(img, 0, 0);
        return { w: c.width, h: c.height, x: [im.x, im.x + im.sizex], y: [im.y - im.sizey, im.y],
                 data: Array.from(ctx.getImageData(0, 0, c.width, c.height).data) };
    }""")
    w, h = pixels["w"], pixels["h"]
    rgba = np.array(pixels["data"], dtype=float).reshape(h, w, 4)
    (x0, x1), (y0, y1) = pixels["x"], pixels["y"]
    gx, gy = np.meshgrid(np.linspace(x0, x1, 80), np.linspace(y0, y1, 80))
    values = f(gx, gy)
    lo, hi = float(values.min()), float(values.max())
    raw = (hi - lo) / 24
    step = min(m * 10.0 ** np.floor(np.log10(raw)) for m in (1, 2, 2.5, 5, 10)
               if m * 10.0 ** np.floor(np.log10(raw)) >= raw)
    start = np.ceil(lo / step) * step
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(200):
        px, py = int(rng.integers(0, w)), int(rng.integers(0, h))
        v = f(x0 + (px + 0.5) / w * (x1 - x0), y1 - (py + 0.5) / h * (y1 - y0))
        pos = (v - start) / step
        if abs(pos - round(pos)) < 0.2:  # near a level: its line, or the other band
            continue
        k = int(np.floor(pos)) + 1
        mid = min(hi, max(lo, start + (k - 0.5) * step))
        want = np.array(colormaps["viridis"]((mid - lo) / (hi - lo))[:3]) * 255
        assert rgba[py, px, 3] == 255
        assert np.abs(rgba[py, px, :3] - want).max() <= 8, (px, py, v, rgba[py, px], want)
        checked += 1
    assert checked >= 80


def test_a_typo_shows_the_parsers_message_and_caret(page, server):
    open_page(page, server)
    page.fill("[data-testid=formula]", "x^2 + sinn(y)")
    page.wait_for_selector("[data-testid=error]", state="visible")
    text = page.inner_text("[data-testid=error]")
    assert "unknown function 'sinn' at column 7" in text and "did you mean 'sin'" in text
    assert "      ^^^^" in text  # the caret under the culprit
    shot(page, "typo-error")
    page.click("[data-testid=error] button")  # "use sin"
    page.wait_for_selector("[data-testid=error]", state="hidden")
    assert page.input_value("[data-testid=formula]") == "x^2 + sin(y)"


def test_clicking_fills_the_point_panel_with_the_librarys_numbers(page, server):
    open_page(page, server, "#f=himmelblau")
    click_data(page, 1.0, 1.5)
    page.wait_for_selector("[data-testid=point] [data-field=gradient]")
    at = page.evaluate("() => window.__gs.state().point")
    assert at == pytest.approx([1.0, 1.5], abs=0.05)
    f = Function("himmelblau")
    value, grad, hess = float(f(*at)), f.grad(*at).tolist(), f.hess(*at)
    panel = {k: page.inner_text(f"[data-testid=point] [data-field={k}]")
             for k in ("value", "gradient", "eigenvalues", "kind")}
    assert float(panel["value"]) == pytest.approx(value, rel=1e-9)
    shown = [float(v) for v in panel["gradient"].strip("()").split(",")]
    assert shown == pytest.approx(grad, rel=1e-7)
    import numpy as np

    eig = [float(v) for v in panel["eigenvalues"].split(",")]
    assert eig == pytest.approx(np.linalg.eigvalsh(hess).tolist(), rel=1e-5)
    assert "not critical" in panel["kind"]
    names = [t[1] for t in traces(page)]
    assert "∇f" in names and "−∇f" in names
    shot(page, "point-selected")


def test_two_methods_race_animate_and_fill_the_table(page, server):
    open_page(page, server, "#f=x%5E2%20%2B%203y%5E2")
    page.click("#start-mode")
    click_data(page, -2.5, 2.0)
    click_data(page, 2.0, -1.5)
    page.click("#start-mode")
    assert len(page.evaluate("() => window.__gs.state().starts")) == 2
    for name, on in (("gd", True), ("adam", True)):
        assert page.is_checked(f"#use-{name}") is on
    page.fill("#lr-gd", "0.1")
    page.fill("#lr-adam", "0.1")
    page.select_option("#speed", "1")
    page.click("#run")
    page.wait_for_selector("#results tbody tr:nth-child(4)")
    seen = wait_until(page, "() => document.getElementById('frame').textContent.startsWith('step ')"
                      " && !document.getElementById('frame').textContent.startsWith('step 0 ')"
                      " && document.getElementById('frame').textContent")
    assert "of" in seen
    wait_until(page, "() => window.__gs.fps !== null", timeout=60)
    rows = page.eval_on_selector_all("#results tbody tr", "rs => rs.map(r => "
                                     "Array.from(r.cells).map(c => c.textContent))")
    assert [r[0] for r in rows] == ["gd", "gd", "adam", "adam"]
    assert all(r[5] in ("converged", "max-steps") for r in rows)
    assert all(0 <= float(r[3]) < 1e-6 for r in rows)  # f at the end: near the minimum 0
    paths = [t for t in traces(page) if t[1] == "path"]
    assert len(paths) == 4
    # Frame rate is a measurement, not a property (no timing assertions): it is recorded for
    # the report beside the screenshots; the property is that the animation advanced.
    fps = page.evaluate("() => window.__gs.fps")
    assert fps > 0
    record("race_fps_2x2_methods_starts", fps)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]  # the loss plot and the table fit the laptop window
    shot(page, "descent-race")


def test_a_shared_link_restores_the_view(page, browser, server):
    open_page(page, server, "#f=himmelblau")
    click_data(page, 0.5, -0.5)
    page.wait_for_selector("[data-testid=point] [data-field=value]")
    page.click("#start-mode")
    click_data(page, -4.0, 0.5)
    page.click("#start-mode")
    page.check("#use-momentum")
    page.click("#run")
    page.wait_for_selector("#results tbody tr:nth-child(3)")
    page.click("#tab-3d")
    url = page.url
    state = page.evaluate("() => window.__gs.state()")
    rows = page.inner_text("#results tbody")
    other = browser.new_page()
    watch = Watch(other, server)
    other.goto(url)
    wait_render(other)
    other.wait_for_selector("#results tbody tr:nth-child(3)")
    other.wait_for_selector("[data-testid=point] [data-field=value]")
    again = other.evaluate("() => window.__gs.state()")
    for k in ("f", "x", "y", "starts", "point", "methods", "view", "steps", "arrows"):
        assert again[k] == state[k], k
    assert other.inner_text("#results tbody") == rows
    assert other.inner_text("[data-testid=point] [data-field=value]") == \
        page.inner_text("[data-testid=point] [data-field=value]")
    assert other.is_visible("#plot3d") and other.is_hidden("[data-testid=plot]")
    shot(other, "shared-link-3d")
    other.close()
    watch.clean()


def test_phone_has_no_sideways_scroll(browser, server):
    pg = browser.new_page()
    watch = Watch(pg, server)
    pg.set_viewport_size({"width": 390, "height": 844})
    open_page(pg, server, "#f=rosenbrock")
    pg.wait_for_timeout(300)
    width = pg.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    shot(pg, "phone")
    pg.close()
    watch.clean()


def test_one_variable_tangent_and_secant(page, server):
    open_page(page, server, "#f=sin(x)")
    click_data(page, 1.0, 0.0)
    page.wait_for_selector("[data-testid=point] [data-field=gradient]")
    x0 = page.evaluate("() => window.__gs.state().point[0]")
    assert float(page.inner_text("[data-testid=point] [data-field=gradient]")) == \
        pytest.approx(float(Function("sin(x)").grad(x0)[0]), rel=1e-9)
    wait_until(page, "() => document.getElementById('secant-text').textContent.includes('secant')")
    names = [t[1] for t in traces(page)]
    assert "tangent" in names and "secant" in names
    shot(page, "one-variable")


def test_the_keyboard_reaches_every_control(page, server):
    open_page(page, server)
    page.focus("[data-testid=formula]")
    seen = set()
    # once round the page (back to the formula): every optimizer's row is in the order, so
    # the number of stops grows with the optimizer table
    for _ in range(300):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("() => document.activeElement.id"))
        if "formula" in seen:
            break
    assert {"library", "copy-link", "tab-2d", "start-mode", "run", "at-0", "lr-gd"} <= seen


def test_zooming_recomputes_the_field_for_the_new_window(page, server):
    open_page(page, server, "#f=x%5E2%20%2B%203y%5E2")
    before = renders(page)
    # what a scroll-zoom ends in: Plotly's relayout of both axes
    page.evaluate("() => Plotly.relayout('plot', {'xaxis.range': [0.5, 1.5], "
                  "'yaxis.range': [-0.25, 0.25]})")
    wait_render(page, before)
    grid = wait_until(page, "() => { const t = document.getElementById('plot').data[0]; "
                      "return t.x[0] === 0.5 && [t.x[0], t.x[t.x.length - 1], t.y[0], "
                      "t.y[t.y.length - 1], t.z[0][0], t.x.length]; }")
    assert grid[:4] == pytest.approx([0.5, 1.5, -0.25, 0.25])
    assert grid[4] == pytest.approx(0.5**2 + 3 * 0.25**2)  # f at the window's corner
    assert grid[5] == 80  # the resolution stays bounded: the same grid, a smaller window
    assert "x=0.5%2C1.5" in page.url  # and the link keeps the window


def test_the_code_dialog_gives_a_command_and_python_that_run(page, server, tmp_path):
    import shlex
    import subprocess
    import sys

    open_page(page, server, "#f=himmelblau&s=%5B%5B-1%2C1%5D%5D&m=%5B%7B%22name%22%3A%22gd%22"
              "%2C%22lr%22%3A0.01%7D%5D")
    page.wait_for_selector("#results tbody tr")
    page.click("#show-code")
    boxes = page.eval_on_selector_all("#dialog-body textarea", "ts => ts.map(t => t.value)")
    assert len(boxes) == 2
    cli, python = boxes
    assert cli.startswith("gradscape plot paths 'himmelblau'") and "--methods gd" in cli
    shot(page, "code-dialog")
    page.keyboard.press("Escape")
    argv = shlex.split(cli)
    r = subprocess.run([sys.executable, "-m", "gradscape", *argv[1:]], cwd=tmp_path,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "paths.png").stat().st_size > 10_000
    r = subprocess.run([sys.executable, "-c", python], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    # the run printed by the code is the run in the page's table: the same final point
    final = page.inner_text("#results tbody tr td:nth-child(3)").strip("()").split(",")
    printed = r.stdout.strip().splitlines()[-1]
    assert printed.startswith("gd ")
    got = [float(v) for v in printed.split("[[")[1].split("]]")[0].split(",")]
    assert got == pytest.approx([float(v) for v in final], rel=1e-4)


def test_steps_and_basins(page, server):
    open_page(page, server, "#f=himmelblau")
    page.click("#steps-button")
    page.wait_for_selector("#dialog-body section[data-variable=x] .katex")
    assert page.eval_on_selector_all("#dialog-body section", "s => s.length") == 2
    text = page.inner_text("#dialog-body")
    assert "chain" in text.lower()  # (x + y² − 7)² is worked by the chain rule
    shot(page, "steps-dialog")
    page.keyboard.press("Escape")
    before = renders(page)
    page.click("#basins")
    wait_render(page, before)
    wait_until(page, "() => document.getElementById('plot').data.some(t => t.name === 'basins')")
    status = page.inner_text("#status")
    # Himmelblau's four published minima each draw a share of the window
    assert status.startswith("basins by gd") and status.count("%") == 4
    # Plotly draws heatmaps under contours: f must be lines only, or the basins are hidden
    assert page.evaluate("() => document.getElementById('plot').data[0].contours.coloring") \
        == "none"
    shot(page, "basins")


def test_exports_carry_the_picture_at_export_resolution_and_the_colour_bar(page, server):
    import base64
    import io
    import re

    import numpy as np
    from matplotlib import colormaps
    from PIL import Image

    open_page(page, server, "#f=himmelblau")
    wait_until(page, "() => document.querySelector('#critical table') !== null")
    with page.expect_download() as png:
        page.click("#export-png")
    img = np.asarray(Image.open(png.value.path()).convert("RGB"), dtype=float)
    assert img.shape == (800, 1000, 3)
    # most of the figure is the filled contours: pixels within a few units of Viridis
    table = np.array(colormaps["viridis"](np.linspace(0, 1, 256))[:, :3]) * 255
    sample = img[::7, ::7].reshape(-1, 3)
    near = np.min(np.abs(sample[:, None, :] - table[None, :, :]).max(axis=2), axis=1) <= 6
    assert near.mean() > 0.5
    with page.expect_download() as svg:
        page.click("#export-svg")
    text = Path(svg.value.path()).read_text()
    # the picture, painted again for the export (larger than the view's), and Plotly's bar
    source = re.search(r'href="data:image/png;base64,([^"]+)"', text).group(1)
    width = Image.open(io.BytesIO(base64.b64decode(source))).size[0]
    shown = page.evaluate("() => { const i = new Image(); "
                          "i.src = document.getElementById('plot').layout.images[0].source; "
                          "return i.decode().then(() => i.naturalWidth); }")
    assert width > 1.5 * shown
    assert "colorbar" in text
