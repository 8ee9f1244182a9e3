"""The computation graph (``gs.graph``, ``gradscape graph``): every number against an
independent reference — a hand-worked example with math.sin/cos, and on random formula trees
SymPy's own derivative and value evaluated by mpmath at 30 digits (not the kernels the graph
computes with), for the adjoints, the tangents and the node values."""

from __future__ import annotations

import json
import math

import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gradscape.calculus.function import Function
from gradscape.calculus.graph import MAX_NODES, graph
from gradscape.cli.main import main
from gradscape.errors import DomainError
from tests.trees import trees

x, y = sp.symbols("x y", real=True)


def test_hand_worked_example_every_value_adjoint_and_local_derivative():
    # f = x*y + sin(x) at (1, 2), worked by hand:
    #   v0 = x = 1, v1 = y = 2, v2 = x*y = 2, v3 = sin(1), v4 = 2 + sin(1)
    #   v̄4 = 1; v̄3 = 1; v̄2 = 1; v̄1 = v̄2·x = 1; v̄0 = v̄2·y + v̄3·cos(1) = 2 + cos(1)
    g = graph("x*y + sin(x)", (1.0, 2.0))
    rows = [(n.label, n.value, n.grad) for n in g.nodes]
    expected = [("x", 1.0, 2 + math.cos(1)), ("y", 2.0, 1.0), ("x*y", 2.0, 1.0),
                ("sin(x)", math.sin(1), 1.0), ("x*y + sin(x)", 2 + math.sin(1), 1.0)]
    assert len(rows) == len(expected)
    for (label, value, grad), (want_label, want_value, want_grad) in zip(rows, expected):
        assert label == want_label
        assert value == pytest.approx(want_value, rel=1e-15)
        assert grad == pytest.approx(want_grad, rel=1e-15)
    locals_ = {(g.nodes[e.source].label, g.nodes[e.target].label): e.local for e in g.edges}
    assert locals_ == pytest.approx({("x", "x*y"): 2.0, ("y", "x*y"): 1.0,
                                     ("x", "sin(x)"): math.cos(1),
                                     ("x*y", "x*y + sin(x)"): 1.0,
                                     ("sin(x)", "x*y + sin(x)"): 1.0})
    assert g.gradient == pytest.approx((2 + math.cos(1), 1.0))
    # forward mode: x's tangent through x*y is y = 2, through sin is cos(1)
    assert g.nodes[-1].tangent == pytest.approx((2 + math.cos(1), 1.0))
    assert g.nodes[2].tangent == (2.0, 1.0)
    data = g.to_json()
    assert [n["grad"] for n in data["nodes"][:2]] == pytest.approx([2 + math.cos(1), 1.0])
    assert {"from": "v0", "to": "v3", "local": math.cos(1)} in data["edges"]
    assert g.to_json("forward")["nodes"][0]["tangent"] == {"x": 1.0, "y": 0.0}


def test_a_shared_subexpression_is_one_node_whose_adjoint_sums_both_uses():
    # f = sin(x*y) + exp(x*y): x*y is one node, its adjoint cos(xy) + exp(xy) (by hand)
    g = graph("sin(x*y) + exp(x*y)", (0.5, 1.0))
    shared = [n for n in g.nodes if n.label == "x*y"]
    assert len(shared) == 1
    assert shared[0].grad == pytest.approx(math.cos(0.5) + math.exp(0.5), rel=1e-14)
    assert sum(1 for e in g.edges if g.nodes[e.source].label == "x*y") == 2


def test_undefined_nodes_make_f_and_its_gradient_undefined():
    g = graph("log(x) + y", (-1.0, 2.0))
    assert g.value is None and g.gradient == (None, None)
    assert g.undefined == "v2 = log(x) is undefined at x = -1, y = 2"
    assert "undefined" in g.to_text()
    assert json.dumps(g.to_json(), allow_nan=False)  # strict JSON: no NaN


def test_a_formula_that_is_one_of_its_inputs_and_unused_variables():
    g = graph("x", (3.0, 4.0), variables=["x", "y"])
    assert g.gradient == (1.0, 0.0) and g.value == 3.0
    assert g.nodes[-1].op == "="


def test_too_many_nodes_is_refused():
    text = " + ".join(f"sin({k}x)" for k in range(2, 2 + MAX_NODES))
    with pytest.raises(DomainError, match=f"more than {MAX_NODES} nodes"):
        graph(text, (1.0,))


def _mp(expr: sp.Expr, point: dict[sp.Symbol, float]) -> float:
    return float(sp.N(expr.xreplace({s: sp.Float(v, 30) for s, v in point.items()}), 30))


_TREES = trees(3, [x, y, sp.Integer(2), sp.Rational(1, 2)], [sp.sin, sp.cos, sp.exp, sp.atan],
               divisors=[sp.Integer(3), y**2 + 1])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=_TREES, a=st.floats(-1.5, 1.5), b=st.floats(-1.5, 1.5))
def test_random_trees_adjoints_and_tangents_are_the_gradient(expr, a, b):
    assume(expr.free_symbols)
    g = graph(str(expr), (a, b), variables=["x", "y"])
    assume(len(g.nodes) <= MAX_NODES)
    point = {x: a, y: b}
    fx = _mp(expr, point)
    assume(math.isfinite(fx) and abs(fx) < 1e12)
    for node in g.nodes:  # every node's value, against its subexpression evaluated by mpmath
        want = _mp(node.expr, point)
        assert node.value == pytest.approx(want, rel=1e-9, abs=1e-9 * (1 + abs(fx)))
    grad = [_mp(sp.diff(expr, s), point) for s in (x, y)]
    scale = 1 + max(abs(v) for v in grad)
    leaves = [n.grad for n in g.nodes[:2]]
    assert leaves == pytest.approx(grad, rel=1e-8, abs=1e-9 * scale)
    assert list(g.gradient) == leaves
    kernel = Function(str(expr), ["x", "y"]).grad(a, b, backend="numpy").tolist()
    assert leaves == pytest.approx(kernel, rel=1e-9, abs=1e-12 * scale)  # f.grad agrees too
    assert list(g.nodes[-1].tangent) == pytest.approx(grad, rel=1e-8, abs=1e-9 * scale)


def test_cli_graph_table_json_and_picture(tmp_path, capsys):
    assert main(["graph", "x*y + sin(x)", "--at", "1,2", "--show-steps"]) == 0
    out = capsys.readouterr().out
    assert "v̄0 = v̄2·∂v2/∂v0 + v̄3·∂v3/∂v0 = 1·2 + 1·0.540302 = 2.5403" in out
    assert "∂v3/∂v0 = cos(v0) = 0.540302" in out
    assert main(["graph", "x*y + sin(x)", "--at", "1,2", "--mode", "forward", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["nodes"][-1]["tangent"] == pytest.approx({"x": 2 + math.cos(1), "y": 1.0})
    png = tmp_path / "g.png"
    assert main(["graph", "sin(x*y) + x^2", "--at", "1,2", "-o", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG" and "wrote" in capsys.readouterr().out


def test_cli_refusals_are_one_line_exit_2(capsys):
    big = " + ".join(f"sin({k}x)" for k in range(2, 2 + MAX_NODES))
    for argv in (["graph", big, "--at", "1"], ["graph", "x + y", "--at", "1"],
                 ["graph", "x", "--at", "1", "-o", "g.gif"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("gradscape: error:")


def test_every_example_of_the_command_runs(tmp_path, monkeypatch, capsys):
    import shlex

    from gradscape.cli.graphcmd import SPECS

    monkeypatch.chdir(tmp_path)
    examples = SPECS["graph"].example_lines()
    for line in examples:
        assert main(shlex.split(line)[1:]) == 0, line
        assert "∇f" in capsys.readouterr().out or "--json" in line
    assert len(examples) == 5 and (tmp_path / "graph.png").is_file()
