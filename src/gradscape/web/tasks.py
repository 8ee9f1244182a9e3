"""What each API request computes: one function per endpoint, run inside a worker process.

Each task takes the request as a checked model, calls the library (no maths here), and returns
the response model; :func:`run_task` turns it into JSON bytes, so the server's event loop only
moves bytes. Functions are kept per worker in a small LRU keyed by the formula text with runs of
whitespace collapsed and the variables, so a view already seen reuses its parsed formula and
its kernels. Numbers come from the NumPy backends and, for descents from a few starts, the
loop's own code interpreted (``backend="python"``): a request never waits for a JIT.

>>> from gradscape.web.models import PointRequest
>>> r = point(PointRequest(formula="x^2 + 3y^2", at=[1, 2]))
>>> r.value, r.gradient, r.kind
(13.0, [2.0, 12.0], 'regular')
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from gradscape.errors import DomainError
from gradscape.web import models as m
from gradscape.web.cache import normal_text

__all__ = ["TASKS", "run_task", "function", "warm"]

_FUNCTIONS: OrderedDict[tuple[str, tuple[str, ...] | None], Any] = OrderedDict()
_KEEP = 64  # functions kept per worker
_SIG = 7  # significant digits of field values in JSON: plenty for a picture, half the bytes


def function(formula: str, variables: list[str] | None = None) -> Any:
    """The Function for formula text (cached per worker)."""
    from gradscape.calculus.function import Function

    key = (normal_text(formula), tuple(variables) if variables else None)
    f = _FUNCTIONS.get(key)
    if f is None:
        f = Function(key[0], key[1])
        _FUNCTIONS[key] = f
        while len(_FUNCTIONS) > _KEEP:
            _FUNCTIONS.popitem(last=False)
    else:
        _FUNCTIONS.move_to_end(key)
    return f


def _symbolic(req: m.FormulaRequest) -> Any:
    f = function(req.formula, req.variables)
    if not f.is_symbolic:  # cannot happen for text, but the page relies on it
        raise DomainError("the explorer needs a formula")
    return f


def _num(v: Any) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def _nums(a: Any) -> list[Any]:
    """An array as nested lists with null where not finite."""
    arr = np.asarray(a, dtype=float)
    out = arr.astype(object)
    out[~np.isfinite(arr)] = None
    return out.tolist()


def _rounded(a: np.ndarray) -> np.ndarray:
    """``a`` to _SIG significant digits (shorter JSON; a picture needs no more)."""
    with np.errstate(all="ignore"):
        mag = np.floor(np.log10(np.abs(a)))
        scale = 10.0 ** np.where(np.isfinite(mag), _SIG - 1 - mag, 0)
        out = np.round(a * scale) / scale
    return np.where(np.isfinite(out), out, a)


def _check_point(f: Any, at: list[float], what: str = "at") -> None:
    if len(at) != len(f.variables):
        raise DomainError(f"'{what}' needs {len(f.variables)} number(s), one per variable "
                          f"({', '.join(f.variables) or 'none'}); got {len(at)}")


# ---- the tasks ------------------------------------------------------------------------------
def parse_formula(req: m.ParseRequest) -> m.ParseResponse:
    from gradscape.calculus import display
    from gradscape.errors import FormulaError
    from gradscape.web.errors import error_body

    try:
        f = _symbolic(req)
    except FormulaError as err:
        return m.ParseResponse(valid=False, formula=req.formula,
                               error=m.ErrorInfo(**error_body(err, req.formula)[1]["error"]))
    out = m.ParseResponse(valid=True, formula=f.text, variables=list(f.variables),
                          notes=list(f.notes), latex=display.latex(f.expr),
                          library=f.library.name if f.library else None)
    if req.view is not None and f.variables:
        _view(f, req, req.view, out)
    return out


def _view(f: Any, req: m.ParseRequest, view: m.ViewRequest, out: m.ParseResponse) -> None:
    """The picture a page draws first for a new formula, in the parse's round trip: only
    numbers from the NumPy kernel, nothing symbolic (the maths comes from /api/analyze)."""
    n = len(f.variables)
    axes = view.axes or (0, 1)
    domain = f.library.domain if f.library is not None else ()

    def side(given: Any, k: int) -> tuple[float, float]:
        if given is not None:
            return (float(given[0]), float(given[1]))
        return (float(domain[k][0]), float(domain[k][1])) if k < len(domain) else (-3.0, 3.0)

    try:
        if n == 1:
            out.curve = curve(m.CurveRequest(formula=req.formula, variables=req.variables,
                                             x=side(view.x, 0), n=view.curve_n))
        elif max(axes) < n:
            out.field = field_task(m.FieldRequest(
                formula=req.formula, variables=req.variables, x=side(view.x, axes[0]),
                y=side(view.y, axes[1]), n=view.n, axes=view.axes, fixed=view.fixed))
    except (DomainError, ValueError):
        pass  # nothing to draw here: the page asks for the view itself and shows why


def analyze(req: m.FormulaRequest) -> m.AnalyzeResponse:
    from gradscape.calculus import display

    f = _symbolic(req)
    grad = [display.json_str(g) for g in f.gradient]
    rows = f.hessian.tolist()
    lib = None
    if f.library is not None:
        t = f.library
        lib = {"name": t.name, "title": t.title or t.name, "summary": t.summary,
               "domain": [list(d) for d in t.domain], "source": t.source,
               "minima": [{"point": list(o.point), "value": o.value} for o in t.minima]}
    latex = {"function": display.latex(f.expr),
             "gradient": [display.latex(g) for g in f.gradient],
             "hessian": display.latex(f.hessian) if f.variables else "",
             "signature": f.signature()}
    return m.AnalyzeResponse(formula=f.text, variables=list(f.variables),
                             expression=display.json_str(f.expr), gradient=grad,
                             hessian=[[display.json_str(h) for h in r] for r in rows],
                             latex=latex, notes=list(f.notes), library=lib)


def point(req: m.PointRequest) -> m.PointResponse:
    from gradscape.optim.critical import point_kind

    f = _symbolic(req)
    _check_point(f, req.at)
    with np.errstate(all="ignore"):
        value = float(np.asarray(f(*req.at, backend="numpy")))
        grad = np.asarray(f.grad(*req.at, backend="numpy"), dtype=float)
        hess = np.asarray(f.hess(*req.at, backend="numpy"), dtype=float)
    kind, curvature, eig = point_kind(grad, hess)
    norm = float(np.linalg.norm(grad)) if np.all(np.isfinite(grad)) else math.nan
    if not math.isfinite(value):
        kind = curvature = "undefined"
    return m.PointResponse(at=list(req.at), value=_num(value), gradient=_nums(grad),
                           grad_norm=_num(norm), hessian=_nums(hess), eigenvalues=list(eig),
                           kind=kind, curvature=curvature)


def field_task(req: m.FieldRequest) -> m.FieldResponse:
    from gradscape.fields.field import field

    f = _symbolic(req)
    n = len(f.variables)
    if n < 2:
        raise DomainError(f"a 2-D field needs two variables; {f.signature()} has {n} "
                          "(use /api/curve)")
    i, j = req.axes or (0, 1)
    if max(i, j) >= n:
        raise DomainError(f"axes {i}, {j} are not variables of {f.signature()}")
    if n == 2 and (i, j) == (0, 1):
        fld = field(f, x=req.x, y=req.y, n=req.n, backend="numpy")
        data, xs, ys = fld.data, fld.axes[0], fld.axes[1]
    else:  # a slice: two variables on the axes, the others held at their values
        fixed = list(req.fixed or [0.0] * n)
        _check_point(f, fixed, "fixed")
        xs, ys = np.linspace(*req.x, req.n), np.linspace(*req.y, req.n)
        coords: list[Any] = [np.float64(v) for v in fixed]
        coords[i], coords[j] = xs[None, :], ys[:, None]
        both = f.kernel("value_grad")(*coords, backend="numpy")
        data = np.stack([np.broadcast_to(both[0], (req.n, req.n)),
                         np.broadcast_to(both[1 + i], (req.n, req.n)),
                         np.broadcast_to(both[1 + j], (req.n, req.n))])
    bad = ~np.isfinite(data).all(axis=0)
    clean = np.where(bad, np.nan, _rounded(data))
    finite = clean[0][~bad]
    rng = [float(finite.min()), float(finite.max())] if finite.size else None
    return m.FieldResponse(x=_rounded(xs).tolist(), y=_rounded(ys).tolist(),
                           z=_nums(clean[0]), gx=_nums(clean[1]), gy=_nums(clean[2]),
                           variables=list(f.variables),
                           axes=[f.variables[i], f.variables[j]], invalid=int(bad.sum()),
                           range=rng)


def curve(req: m.CurveRequest) -> m.CurveResponse:
    from gradscape.calculus import display
    from gradscape.fields.field import field

    f = _symbolic(req)
    if len(f.variables) != 1:
        raise DomainError(f"a curve needs one variable; {f.signature()} has "
                          f"{len(f.variables)}")
    fld = field(f, x=req.x, n=req.n, backend="numpy")
    d = f.derivative(f.variables[0])
    return m.CurveResponse(x=fld.axes[0].tolist(), f=_nums(_rounded(fld.values)),
                           df=_nums(_rounded(fld.gradient[0])), variable=f.variables[0],
                           derivative=display.text(d), latex=display.latex(d))


def descend_task(req: m.DescendRequest) -> m.DescendResponse:
    from gradscape.optim.descend import descend
    from gradscape.optim.plain import PLAIN_MAX_STARTS
    from gradscape.optim.result import BatchResult

    f = _symbolic(req)
    starts = np.array(req.starts, dtype=float)
    if starts.shape[1] != len(f.variables):
        raise DomainError(f"each start needs {len(f.variables)} coordinate(s), one per "
                          f"variable ({', '.join(f.variables)}); got {starts.shape[1]}")
    # A few starts: the loop's code interpreted (no per-step NumPy calls, no JIT); many: the
    # NumPy reference, vectorised over starts.
    backend = "python" if len(starts) <= PLAIN_MAX_STARTS else "numpy"
    runs: list[m.Run] = []
    for spec in req.methods:
        r = descend(f, starts, spec.name, lr=spec.lr, steps=req.steps, tol=req.tol,
                    schedule=spec.schedule, keep_paths=True, backend=backend, **spec.hyper())
        for k in range(len(starts)):
            # several starts give a BatchResult; one start may come back as its Trajectory
            t = r.trajectory(k) if isinstance(r, BatchResult) else r
            runs.append(m.Run(method=t.method, lr=t.lr, hyper=dict(t.hyper),
                              start=starts[k].tolist(), path=_nums(t.points),
                              values=_nums(t.values), grad_norms=_nums(t.grad_norms),
                              status=t.status, steps=t.steps, final=_nums(t.final),
                              value=_num(t.value),
                              evaluations=dict(zip(("nfev", "njev", "nhev"),
                                                   map(int, t.evaluations)))))
    return m.DescendResponse(runs=runs)


def critical(req: m.CriticalRequest) -> m.CriticalResponse:
    from gradscape.optim.critical import critical_points

    f = _symbolic(req)
    box = tuple((float(b[0]), float(b[1])) for b in req.box) if req.box else None
    pts = critical_points(f, box, symbolic_budget=req.budget)
    return m.CriticalResponse(
        function=f.text, variables=list(f.variables),
        box={v: [float(a), float(b)] for v, (a, b) in zip(f.variables, pts.box, strict=True)},
        points=[m.CriticalPointOut(point=list(p.point), value=_num(p.value), kind=p.kind,
                                   eigenvalues=list(p.eigenvalues),
                                   exact=None if p.exact is None else [str(c) for c in p.exact])
                for p in pts],
        complete=pts.complete, truncated=pts.truncated, notes=list(pts.notes))


def steps(req: m.StepsRequest) -> m.StepsResponse:
    f = _symbolic(req)
    names = [req.wrt] if req.wrt else list(f.variables) or ["x"]
    html, results, verified = {}, {}, {}
    for name in names:
        d = f.steps(name)
        html[name] = d.to_html()
        results[name] = str(d.result)
        verified[name] = bool(d.verified)
    return m.StepsResponse(html=html, results=results, verified=verified)


def basins(req: m.BasinsRequest) -> m.BasinsResponse:
    from gradscape.plot.basins import basin_map

    f = _symbolic(req)
    # basin_map passes extra keywords on to descend: the NumPy loop, never a JIT here
    bm = basin_map(f, box=(req.x, req.y), n=req.n, method=req.method, lr=req.lr,
                   steps=req.steps, backend="numpy")
    return m.BasinsResponse(x=bm.x.tolist(), y=bm.y.tolist(), labels=bm.labels.tolist(),
                            minima=bm.minima.tolist(), shares=bm.share().tolist(),
                            counts=dict(bm.counts), method=bm.method, lr=bm.lr)


def tune(req: m.TuneRequest) -> m.TuneResponse:
    from gradscape.optim.tune import tune_lr

    f = _symbolic(req)
    _check_point(f, req.start, "start")
    best = tune_lr(f, req.start, req.method, steps=req.steps, backend="python")
    tried = [{"lr": lr, "status": s, "steps": k, "value": _num(v)}
             for lr, s, k, v in best.tried]
    return m.TuneResponse(method=best.trajectory.method, lr=best.lr,
                          status=best.trajectory.status, steps=best.trajectory.steps,
                          tried=tried)


# name -> (request model, task)
TASKS: dict[str, tuple[type[m.FormulaRequest], Callable[[Any], Any]]] = {
    "parse": (m.ParseRequest, parse_formula),
    "analyze": (m.FormulaRequest, analyze),
    "point": (m.PointRequest, point),
    "field": (m.FieldRequest, field_task),
    "curve": (m.CurveRequest, curve),
    "descend": (m.DescendRequest, descend_task),
    "critical": (m.CriticalRequest, critical),
    "steps": (m.StepsRequest, steps),
    "basins": (m.BasinsRequest, basins),
    "tune": (m.TuneRequest, tune),
}


def run_task(name: str, payload: dict[str, Any]) -> bytes:
    """Run task ``name`` on a request given as a dict; the response as JSON bytes."""
    model, task = TASKS[name]
    return task(model.model_validate(payload)).model_dump_json().encode()


def warm() -> None:
    """Import and exercise what requests use, so the first real one is not the slow one."""
    run_task("point", {"formula": "x^2 + y^2", "at": [1.0, 2.0]})
    run_task("field", {"formula": "x^2 + y^2", "x": [-1, 1], "y": [-1, 1], "n": 4})
    run_task("descend", {"formula": "x^2 + y^2", "starts": [[1.0, 1.0]],
                         "methods": [{"name": "adam"}], "steps": 3})
    run_task("analyze", {"formula": "x^2 + y^2"})
