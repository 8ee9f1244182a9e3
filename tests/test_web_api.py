"""The explorer's JSON API against independent references: hand derivations, closed forms,
NumPy's eigenvalues, the CLI's own --json, and every error path (a 4xx, never a 5xx)."""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("fastapi")
import httpx

from gradscape.web.app import STATIC, ServerConfig
from gradscape.web.pool import LaneConfig
from tests.web_support import live_server


@pytest.fixture(scope="module")
def api():
    with live_server() as (base, app), httpx.Client(base_url=base, timeout=60) as client:
        client.app = app
        yield client


def post(api, path, body):
    return api.post(f"/api/{path}", json=body)


def ok(api, path, body):
    r = post(api, path, body)
    assert r.status_code == 200, r.text
    return r.json()


def test_health(api):
    r = api.get("/api/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_analyze_gives_the_hand_derivatives(api):
    out = ok(api, "analyze", {"formula": "x^2 + 3y^2"})
    assert out["variables"] == ["x", "y"]
    assert out["gradient"] == ["2*x", "6*y"]
    assert out["hessian"] == [["2", "0"], ["0", "6"]]
    assert out["latex"]["function"] == "x^{2} + 3 y^{2}"


def test_analyze_matches_the_cli_json(api):
    from gradscape.cli.main import main

    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["grad", "x^3 y + sin(y)", "--json"]) == 0
    cli = json.loads(buf.getvalue())
    out = ok(api, "analyze", {"formula": "x^3 y + sin(y)"})
    assert out["gradient"] == cli["gradient"] and out["variables"] == cli["variables"]


def test_point_on_himmelblau_by_hand(api):
    # f = (x²+y−11)² + (x+y²−7)²; at (1, 1): 81 + 25; ∂x = 4x(x²+y−11) + 2(x+y²−7) = −46;
    # ∂y = 2(x²+y−11) + 4y(x+y²−7) = −38; H = [[12x²+4y−42, 4x+4y], [4x+4y, 4x+12y²−26]].
    out = ok(api, "point", {"formula": "himmelblau", "at": [1, 1]})
    assert out["value"] == 106.0
    assert out["gradient"] == [-46.0, -38.0]
    assert out["hessian"] == [[-26.0, 8.0], [8.0, -10.0]]
    assert out["eigenvalues"] == pytest.approx(np.linalg.eigvalsh([[-26, 8], [8, -10]]).tolist())
    assert out["kind"] == "regular" and out["curvature"] == "concave"
    assert out["grad_norm"] == pytest.approx(math.hypot(46, 38))


@pytest.mark.parametrize(("formula", "at", "kind"), [
    ("himmelblau", [3, 2], "minimum"), ("x^2 - y^2", [0, 0], "saddle"),
    ("-(x^2 + y^2)", [0, 0], "maximum"), ("x^4 + y^2", [0, 0], "degenerate")])
def test_point_kind_at_critical_points(api, formula, at, kind):
    assert ok(api, "point", {"formula": formula, "at": at})["kind"] == kind


def test_point_where_undefined_is_null(api):
    out = ok(api, "point", {"formula": "log(x)", "at": [-1]})
    assert out["value"] is None and out["gradient"] == [None] and out["kind"] == "undefined"


def test_field_is_the_closed_form_with_rows_by_y(api):
    out = ok(api, "field", {"formula": "x^2 + 3y^2", "x": [-1, 2], "y": [-2, 1], "n": 4})
    xs, ys = np.linspace(-1, 2, 4), np.linspace(-2, 1, 4)
    X, Y = np.meshgrid(xs, ys)
    assert out["x"] == pytest.approx(xs.tolist()) and out["y"] == pytest.approx(ys.tolist())
    assert np.allclose(out["z"], X**2 + 3 * Y**2, rtol=1e-6)
    assert np.allclose(out["gx"], 2 * X, rtol=1e-6) and np.allclose(out["gy"], 6 * Y, rtol=1e-6)
    assert out["invalid"] == 0


def test_field_masks_undefined_points_with_null(api):
    out = ok(api, "field", {"formula": "log(x) + y", "x": [-1, 1], "y": [0, 1], "n": 5})
    nulls = [i for i, v in enumerate(out["z"][0]) if v is None]
    assert nulls == [0, 1, 2]  # x = -1, -0.5, 0
    assert out["invalid"] == 3 * 5
    assert all(out["gx"][j][i] is None and out["gy"][j][i] is None
               for j in range(5) for i in range(3))


def test_field_slice_of_three_variables(api):
    # f = x y z on the (x, z) plane with y held at 2: ∂f/∂x = y z, ∂f/∂z = x y.
    out = ok(api, "field", {"formula": "x y z", "x": [-1, 1], "y": [-1, 1], "n": 3,
                            "axes": [0, 2], "fixed": [0, 2, 0]})
    X, Z = np.meshgrid([-1, 0, 1], [-1, 0, 1])
    assert out["axes"] == ["x", "z"]
    assert np.allclose(out["z"], 2 * X * Z) and np.allclose(out["gx"], 2 * Z)
    assert np.allclose(out["gy"], 2 * X)


def test_curve_of_sin_is_cos(api):
    out = ok(api, "curve", {"formula": "sin(x)", "x": [0, 3], "n": 7})
    assert np.allclose(out["df"], np.cos(np.linspace(0, 3, 7)), atol=1e-6)
    assert out["derivative"] == "cos(x)"


def test_descend_gd_follows_the_closed_form(api):
    # On x² + 3y², gradient descent multiplies x by (1 − 2 lr) and y by (1 − 6 lr) each step.
    lr, steps = 0.05, 20
    out = ok(api, "descend", {"formula": "x^2 + 3y^2", "starts": [[1, 1], [2, -1]],
                              "methods": [{"name": "gd", "lr": lr}, {"name": "adam", "lr": 0.1}],
                              "steps": steps, "tol": None})
    runs = out["runs"]
    assert [(r["method"], r["start"]) for r in runs] == [
        ("gd", [1.0, 1.0]), ("gd", [2.0, -1.0]), ("adam", [1.0, 1.0]), ("adam", [2.0, -1.0])]
    gd = runs[1]
    k = np.arange(steps + 1)[:, None]
    expected = np.array([2.0, -1.0]) * np.array([1 - 2 * lr, 1 - 6 * lr]) ** k
    assert np.allclose(gd["path"], expected, rtol=1e-12)
    assert gd["path"][0] == [2.0, -1.0] and gd["steps"] == steps
    assert gd["values"] == pytest.approx((expected**2 @ [1, 3]).tolist(), rel=1e-12)
    assert gd["status"] == "max-steps"


def test_descend_takes_hyper_parameters_as_extra_keys(api):
    # momentum with beta = 0: plain gradient descent, by the heavy-ball update.
    a = ok(api, "descend", {"formula": "x^2", "starts": [[1]], "steps": 5, "tol": None,
                            "methods": [{"name": "momentum", "lr": 0.1, "beta": 0.0}]})
    assert a["runs"][0]["hyper"]["beta"] == 0.0
    assert a["runs"][0]["path"][-1][0] == pytest.approx(0.8**5)


def test_critical_is_the_cli_json(api):
    from gradscape.cli.main import main

    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["critical", "x^3 - 3x + y^2", "--json"]) == 0
    assert ok(api, "critical", {"formula": "x^3 - 3x + y^2"}) == json.loads(buf.getvalue())


def test_steps_show_the_chain_rule(api):
    out = ok(api, "steps", {"formula": "sin(x^2)"})
    assert "Chain rule" in out["html"]["x"] and out["verified"] == {"x": True}
    assert out["results"]["x"] == "2*x*cos(x**2)"


def test_basins_of_himmelblau_reach_its_published_minima(api):
    out = ok(api, "basins", {"formula": "himmelblau", "x": [-5, 5], "y": [-5, 5], "n": 8,
                             "method": "gd", "lr": 0.01, "steps": 400})
    published = [(3.0, 2.0), (-2.805118, 3.131313), (-3.779310, -3.283186), (3.584428, -1.848127)]
    assert np.allclose(out["minima"][:4], published, atol=1e-5)
    labels = np.array(out["labels"])
    assert labels.shape == (8, 8) and set(np.unique(labels)) <= {-1, 0, 1, 2, 3}
    assert sum(out["shares"]) == pytest.approx(float((labels >= 0).mean()))


def test_tune_finds_the_quadratic_optimum_rate(api):
    # GD on x² + 10y² contracts fastest near lr = 2/(2 + 20) ≈ 0.091: the grid's 0.09.
    out = ok(api, "tune", {"formula": "x^2 + 10y^2", "start": [1, 1], "method": "gd"})
    assert out["lr"] == 0.09 and out["status"] == "converged"
    assert len(out["tried"]) == 26


def test_library_and_optimizers_are_the_tables(api):
    from gradscape.formula.library import LIBRARY
    from gradscape.optim.optimizers import OPTIMIZERS

    lib = api.get("/api/library").json()["functions"]
    assert [f["name"] for f in lib] == list(LIBRARY)
    opts = api.get("/api/optimizers").json()["optimizers"]
    assert [o["name"] for o in opts] == list(OPTIMIZERS)


# ---- errors: 4xx with a structured body ---------------------------------------------------------
def error(r, status):
    assert r.status_code == status, r.text
    body = r.json()["error"]
    assert body["type"] and body["message"]
    return body


def test_typo_gets_message_caret_and_hint(api):
    e = error(post(api, "point", {"formula": "x + sinn(y)", "at": [1, 2]}), 400)
    assert e["type"] == "FormulaError" and e["column"] == 5 and e["width"] == 4
    assert "did you mean 'sin'" in e["hint"] and e["formula"] == "x + sinn(y)"


@pytest.mark.parametrize(("path", "body", "status", "kind"), [
    ("point", {"formula": "x^2", "at": [1, 2]}, 400, "DomainError"),
    ("point", {"formula": "(x", "at": [1]}, 400, "FormulaError"),
    ("point", {"formula": "x^100000", "at": [1]}, 400, "LimitError"),
    ("analyze", {"formula": "x" * 2001}, 422, "ValidationError"),
    ("analyze", {"formula": ""}, 422, "ValidationError"),
    ("analyze", {"formula": "x", "extra": 1}, 422, "ValidationError"),
    ("field", {"formula": "x y", "x": [-1, 1], "y": [-1, 1], "n": 201}, 422, "ValidationError"),
    ("field", {"formula": "x y", "x": [1, -1], "y": [-1, 1]}, 422, "ValidationError"),
    ("field", {"formula": "x", "x": [-1, 1], "y": [-1, 1]}, 400, "DomainError"),
    ("point", {"formula": "x", "at": [1e300]}, 422, "ValidationError"),
    ("descend", {"formula": "x^2", "starts": [[1]] * 11, "methods": [{"name": "gd"}]}, 422,
     "ValidationError"),
    ("descend", {"formula": "x^2", "starts": [[1]], "methods": [{"name": "sgd9"}]}, 400,
     "DomainError"),
    ("descend", {"formula": "x^2", "starts": [[1]], "methods": [{"name": "adam", "b1": 2}]},
     400, "DomainError"),
    ("descend", {"formula": "x^2", "starts": [[1]], "methods": [{"name": "gd", "lr": -1}]},
     422, "ValidationError"),
    ("descend", {"formula": "x^2", "starts": [[1, 2]], "methods": [{"name": "gd"}]}, 400,
     "DomainError"),
    ("descend", {"formula": "x^2", "starts": [[1]] * 10, "methods": [{"name": "gd"}] * 8,
                 "steps": 5000}, 422, "ValidationError"),
    ("curve", {"formula": "x y", "x": [0, 1]}, 400, "DomainError"),
    ("tune", {"formula": "x^2", "start": [1], "method": "nope"}, 400, "DomainError"),
    ("steps", {"formula": "x^2", "wrt": "q"}, 400, "DomainError"),
])
def test_bad_input_is_a_4xx(api, path, body, status, kind):
    assert error(post(api, path, body), status)["type"] == kind


def test_nan_and_malformed_json_are_refused(api):
    for raw in (b'{"formula": "x", "at": [NaN]}', b'{"formula": "x", "at": [Infinity]}',
                b'{"formula": ', b'[]', b'"x"'):
        r = api.post("/api/point", content=raw, headers={"content-type": "application/json"})
        error(r, 422)


def test_oversized_body_is_413(api):
    big = json.dumps({"formula": "x", "pad": "y" * 70_000})
    error(api.post("/api/analyze", content=big, headers={"content-type": "application/json"}),
          413)


def test_unknown_path_and_method_are_structured(api):
    assert error(api.get("/api/nothing"), 404)["type"] == "NotFound"
    assert error(api.get("/api/point"), 405)["type"] == "MethodNotAllowed"


def test_foreign_host_header_is_refused(api):
    r = api.get("/api/health", headers={"host": "evil.example"})
    assert r.status_code == 400


# ---- the guards and the static files -----------------------------------------------------------
def test_every_response_carries_the_csp(api):
    for path in ("/", "/api/health", "/static/js/main.js", "/docs"):
        r = api.get(path)
        assert r.status_code == 200
        csp = r.headers["content-security-policy"]
        assert csp.startswith("default-src 'self'") and "connect-src" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"


def test_plotly_comes_from_the_installed_package(api):
    import plotly

    r = api.get("/vendor/plotly.min.js")
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert r.status_code == 200 and r.content == path.read_bytes()


def test_vendored_katex_matches_its_checksums():
    folder = STATIC / "vendor" / "katex"
    lines = (folder / "SHA256SUMS").read_text().splitlines()
    for line in lines:
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    names = {line.split(maxsplit=1)[1].lstrip("./") for line in lines}
    assert {"katex.min.js", "katex.min.css", "LICENSE", "contrib/auto-render.min.js"} <= names
    assert len(names) == 25  # the four above, VERSION and the 20 woff2 fonts
    fonts = list((folder / "fonts").glob("*.woff2"))
    assert len(fonts) == 20 and all(f"fonts/{f.name}" in names for f in fonts)


def test_page_references_only_this_server():
    import re

    for path in [STATIC / "index.html", STATIC / "docs.html", *STATIC.glob("js/*.js"),
                 STATIC / "style.css"]:
        text = path.read_text()
        assert not re.search(r"(?:src|href)=[\"']?(?:https?:)?//", text), path
        assert "fetch('http" not in text and 'fetch("http' not in text, path


# ---- the cache -----------------------------------------------------------------------------------
def test_a_view_already_seen_comes_from_the_cache(api):
    body = {"formula": "x^2 +   y^2 - x y", "x": [-2, 2], "y": [-2, 2], "n": 50}
    first = post(api, "field", body)
    again = post(api, "field", {**body, "formula": " x^2 + y^2 - x y "})
    assert first.headers["x-gradscape-cache"] == "miss"
    assert again.headers["x-gradscape-cache"] == "hit" and again.content == first.content


def test_concurrent_identical_requests_share_one_computation(api):
    body = {"formula": "sin(x) cos(y) + x^3/7", "x": [-3, 3], "y": [-3, 3], "n": 120}
    with ThreadPoolExecutor(6) as pool:
        replies = list(pool.map(lambda _: post(api, "field", body), range(6)))
    assert {r.status_code for r in replies} == {200}
    assert len({r.content for r in replies}) == 1
    assert sum(r.headers["x-gradscape-cache"] == "miss" for r in replies) == 1


def test_a_new_formulas_check_starts_its_maths(api):
    # the page's check of a new formula (with a view) starts the analysis in the maths lane;
    # the analyze request that follows shares that work or finds it done, and gets the same
    # answer as a fresh computation of another spelling would
    formula = "x^3 + 5 x y^2 - y / 7"
    check = ok(api, "parse", {"formula": formula, "view": {"n": 20}})
    assert check["valid"] and check["field"] is not None
    reply = post(api, "analyze", {"formula": formula})
    assert reply.headers["x-gradscape-cache"] in ("shared", "hit")
    assert reply.json()["gradient"] == ["3*x**2 + 5*y**2", "10*x*y - 1/7"]
    # a check without a view (a keystroke's validation only) starts nothing
    plain = "x^3 + 6 x y^2"
    ok(api, "parse", {"formula": plain})
    assert post(api, "analyze", {"formula": plain}).headers["x-gradscape-cache"] == "miss"


# ---- workers: budgets, shedding, memory ------------------------------------------------
def test_over_budget_kills_and_replaces_the_worker():
    cfg = ServerConfig(light=LaneConfig(workers=1, queue=4, budget=0.002, warm=False),
                       heavy=LaneConfig(workers=1, queue=4, budget=0.002, warm=False))
    with live_server(cfg) as (base, app), httpx.Client(base_url=base, timeout=120) as c:
        lane = app.state.lanes["light"]
        r = c.post("/api/field", json={"formula": "sin(x y) exp(-x^2)", "x": [-3, 3],
                                       "y": [-3, 3], "n": 200})
        e = error(r, 422)
        assert e["type"] == "TimeLimit" and "time budget" in e["message"]
        old = lane.stats["timeouts"]
        assert old == 1
        assert c.get("/api/health").status_code == 200  # the event loop never waited
        for _ in range(600):  # the replacement comes up
            if lane.pids():
                break
            import time

            time.sleep(0.1)
        assert len(lane.pids()) == 1


def test_full_queue_sheds_with_503():
    cfg = ServerConfig(light=LaneConfig(workers=1, queue=1, budget=30.0),
                       heavy=LaneConfig(workers=1, queue=1, budget=30.0))
    with live_server(cfg) as (base, app), httpx.Client(base_url=base, timeout=120) as c:
        c.post("/api/point", json={"formula": "x", "at": [1]})  # wait for the worker

        def one(k):
            return c.post("/api/field", json={"formula": f"x^2 + {k} y^2 + sin(x y)",
                                              "x": [-3, 3], "y": [-3, 3], "n": 200})

        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(one, range(8)))
        codes = sorted(r.status_code for r in replies)
        assert set(codes) <= {200, 503} and 503 in codes and 200 in codes
        shed = [r for r in replies if r.status_code == 503]
        assert all(r.headers["retry-after"] == "1" for r in shed)
        assert all(r.json()["error"]["type"] == "Busy" for r in shed)
        assert app.state.lanes["light"].stats["shed"] == len(shed)


def test_symbolic_maths_runs_in_its_own_lane(api):
    # analyze (SymPy: seconds for a big formula) must not occupy the light lane's workers,
    # which answer points and fields; a point must not go to the maths lane
    lanes = api.app.state.lanes
    before = {name: lane.stats["done"] for name, lane in lanes.items()}
    ok(api, "analyze", {"formula": "x^3 y + cos(x y) + 17"})
    ok(api, "point", {"formula": "x^3 y + cos(x y) + 17", "at": [1.0, 2.0]})
    done = {name: lanes[name].stats["done"] - before[name] for name in lanes}
    assert done == {"light": 1, "maths": 1, "heavy": 0}


@pytest.mark.skipif(not os.path.exists("/proc/self/limits"), reason="needs /proc")
def test_workers_cap_their_address_space(api):
    pids = api.app.state.lanes["light"].pids()
    assert len(pids) == 2
    for pid in pids:
        limits = Path(f"/proc/{pid}/limits").read_text()
        line = next(x for x in limits.splitlines() if x.startswith("Max address space"))
        assert line.split()[3] == str(2048 * 1024 * 1024)


def test_parse_with_a_view_brings_the_picture_in_the_same_round_trip(api):
    # f = x^2 + 3y^2 on the default window [-3, 3]²: z and ∇f = (2x, 6y) by hand
    out = ok(api, "parse", {"formula": "x^2 + 3y^2", "view": {"n": 5}})
    fld = out["field"]
    assert out["valid"] and out["curve"] is None
    assert fld["x"] == fld["y"] == [-3.0, -1.5, 0.0, 1.5, 3.0]
    x, y = np.meshgrid(fld["x"], fld["y"])
    assert np.array(fld["z"]) == pytest.approx(x**2 + 3 * y**2)
    assert np.array(fld["gx"]) == pytest.approx(2 * x)
    assert np.array(fld["gy"]) == pytest.approx(6 * y)
    # a library function opens on its published domain (Himmelblau's: [-5, 5]²)
    lib = ok(api, "parse", {"formula": "himmelblau", "view": {"n": 3}})["field"]
    assert lib["x"] == lib["y"] == [-5.0, 0.0, 5.0]
    # one variable: the curve of f and f' (sin and cos)
    curve = ok(api, "parse", {"formula": "sin(x)", "view": {"curve_n": 3}})["curve"]
    assert curve["f"] == pytest.approx(np.sin([-3.0, 0.0, 3.0]).tolist())
    assert curve["df"] == pytest.approx(np.cos([-3.0, 0.0, 3.0]).tolist())
    # a refused formula draws nothing; a bad window is refused before any work
    bad = ok(api, "parse", {"formula": "2 +* x", "view": {"n": 5}})
    assert bad["valid"] is False and bad["field"] is None
    r = post(api, "parse", {"formula": "x + y", "view": {"x": [1, -1]}})
    assert r.status_code == 422 and r.json()["error"]["type"] == "ValidationError"


def test_parse_answers_a_refused_formula_with_its_caret(api):
    good = ok(api, "parse", {"formula": "xy + x"})
    assert good["valid"] and good["variables"] == ["x", "xy"] and good["notes"]
    bad = ok(api, "parse", {"formula": "2 +* x"})
    assert bad["valid"] is False and bad["error"]["column"] == 4
    assert bad["error"]["message"].startswith("two operators in a row")
