"""The explorer's server: the page, its static files, and the JSON API (OpenAPI at ``/docs``).

The event loop only checks requests, looks up cached replies and moves bytes: every task runs
in a worker process (:mod:`gradscape.web.pool`) in one of three lanes, so a slow derivation
never holds up a click: numbers (a check with its picture, a point, a field, a descent) in the
light lane, a formula's symbolic maths (analyze: derivatives, LaTeX) in the maths lane, and
work that may run for seconds (steps, critical points, basins, tuning) in the heavy lane, whose
workers run niced. Replies are cached by request (:mod:`gradscape.web.cache`),
and identical requests in flight share one computation.

Guards on every response: a body-size limit (413), a Content-Security-Policy that lets the page
load nothing from anywhere but this server, and a Host check against DNS rebinding.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gradscape import __version__
from gradscape.web import models as m
from gradscape.web.cache import ReplyCache, key
from gradscape.web.errors import body
from gradscape.web.pool import (
    BusyError,
    Lane,
    LaneConfig,
    TaskError,
    TimeLimitError,
    WorkerCrashError,
)

__all__ = ["create_app", "ServerConfig", "STATIC", "plotly_js", "CSP"]

STATIC = Path(__file__).parent / "static"  # the page: HTML, CSS, JS and vendored KaTeX
# The Content-Security-Policy header on every response.
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'")
# style-src allows inline style *attributes*: KaTeX and Plotly position every glyph and
# axis with them. Scripts, fonts and connections stay 'self' only.

_DESCRIPTION = """The gradscape explorer's JSON API. Every request is bounded (formula length,
grid size, starts, steps, finite numbers); bad input gets a 4xx whose body is
`{"error": {"type", "message", "column", "width", "hint", ...}}` — for a formula the parser
refuses, the 1-based column and width of the culprit. A full queue answers 503 with
Retry-After; a request over its time budget answers 422 with type TimeLimit."""


@dataclass(frozen=True)
class ServerConfig:
    """Lanes of workers, the reply cache, the body limit and the hosts the server answers to."""

    light: LaneConfig = field(default_factory=lambda: LaneConfig(workers=2, queue=48,
                                                                 budget=10.0))
    # SymPy's differentiation and printing of a big formula can take seconds: not in the
    # light lane, where it would hold up every point and field behind it
    maths: LaneConfig = field(default_factory=lambda: LaneConfig(workers=1, queue=16,
                                                                 budget=10.0))
    # niced: on two cores a derivation running for seconds must not slow the light lane
    heavy: LaneConfig = field(default_factory=lambda: LaneConfig(workers=1, queue=8,
                                                                 budget=20.0, nice=10))
    cache_entries: int = 512
    cache_bytes: int = 64 << 20
    max_body: int = 64 * 1024
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1", "[::1]")
    extra_hosts: tuple[str, ...] = field(default=())


def plotly_js() -> Path:
    """``plotly.min.js`` as the installed ``plotly`` package ships it."""
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


# endpoint -> (request model, response model, summary)
_ENDPOINTS: dict[str, tuple[type[Any], type[Any], str]] = {
    "parse": (m.ParseRequest, m.ParseResponse,
              "Check a formula: its variables, notes on how it was read, and LaTeX; with "
              "`view`, its field or curve too (one round trip for a new formula), and the "
              "server starts its analysis for the `analyze` request that follows."),
    "analyze": (m.FormulaRequest, m.AnalyzeResponse,
                "Exact gradient and Hessian (SymPy strings, as the CLI's --json) and LaTeX."),
    "point": (m.PointRequest, m.PointResponse,
              "f, ∇f, the Hessian, its eigenvalues and the point's kind at one point."),
    "field": (m.FieldRequest, m.FieldResponse,
              "f and ∇f on an n×n grid: rows are y, null where undefined."),
    "curve": (m.CurveRequest, m.CurveResponse, "f and f′ of a one-variable formula."),
    "descend": (m.DescendRequest, m.DescendResponse,
                "Every path of every method from every start, in one request."),
    "critical": (m.CriticalRequest, m.CriticalResponse,
                 "Critical points and their kind (as `gradscape critical --json`)."),
    "steps": (m.StepsRequest, m.StepsResponse, "The derivative worked step by step (HTML)."),
    "basins": (m.BasinsRequest, m.BasinsResponse,
               "Which minimum each start of a grid reaches."),
    "tune": (m.TuneRequest, m.TuneResponse, "The learning rate at which a method does best."),
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": m.ErrorBody, "description": "the formula or a value is refused"},
    413: {"model": m.ErrorBody, "description": "request body too large"},
    422: {"model": m.ErrorBody, "description": "request invalid, or over a time/memory limit"},
    503: {"model": m.ErrorBody, "description": "busy: the queue is full, retry shortly"},
}


class _Guards:
    """ASGI middleware: the body limit, and security headers on every response."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        too_big = _json(413, body("TooLarge", f"the request body is over {self.max_body:,} "
                                  "bytes"))
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _secure(too_big)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLargeError
            return message

        started = False

        async def secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *_SECURITY]
            await send(message)

        try:
            await self.app(scope, counted, secured)
        except _TooLargeError:
            if not started:
                await _secure(too_big)(scope, receive, send)


class _TooLargeError(Exception):
    pass


_SECURITY = [(b"content-security-policy", CSP.encode()),
             (b"x-content-type-options", b"nosniff"),
             (b"referrer-policy", b"no-referrer"),
             (b"x-frame-options", b"DENY"),
             (b"cross-origin-opener-policy", b"same-origin")]


def _secure(response: Response) -> Response:
    for k, v in _SECURITY:
        response.headers[k.decode()] = v.decode()
    return response


def _json(status: int, content: dict[str, Any], **headers: str) -> JSONResponse:
    return JSONResponse(content, status_code=status, headers=headers or None)


def create_app(config: ServerConfig | None = None) -> FastAPI:
    """The explorer's app: ``uvicorn.run(create_app())`` serves it; tests use it directly."""
    cfg = config or ServerConfig()
    lanes = {"light": Lane("light", cfg.light), "maths": Lane("maths", cfg.maths),
             "heavy": Lane("heavy", cfg.heavy)}
    cache = ReplyCache(cfg.cache_entries, cfg.cache_bytes)
    inflight: dict[str, asyncio.Future[tuple[int, bytes]]] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for lane in lanes.values():
            await lane.start()
        yield
        for lane in lanes.values():
            await lane.close()

    app = FastAPI(title="gradscape explorer", version=__version__, description=_DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.lanes = lanes
    app.state.cache = cache
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=[*cfg.hosts, *cfg.extra_hosts])
    app.add_middleware(_Guards, max_body=cfg.max_body)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = str(first.get("msg", "invalid request"))
        return _json(422, body("ValidationError", f"{where}: {message}" if where else message,
                               field=where or None))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
        return _json(exc.status_code, body(kind, str(exc.detail)))

    async def compute(name: str, payload: dict[str, Any]) -> tuple[int, bytes, str]:
        k = key(name, payload)
        hit = cache.get(k)
        if hit is not None:
            return hit[0], hit[1], "hit"
        shared = inflight.get(k)
        if shared is not None:
            status, content = await asyncio.shield(shared)
            return status, content, "shared"
        future: asyncio.Future[tuple[int, bytes]] = asyncio.get_running_loop().create_future()
        inflight[k] = future
        try:
            status, content, keep = await _run(name, payload)
            if keep:
                cache.put(k, status, content)
            future.set_result((status, content))
        except BaseException as err:
            future.set_exception(err)
            future.exception()  # retrieved: no "never retrieved" warning when nobody shares
            raise
        finally:
            inflight.pop(k, None)
        return status, content, "miss"

    async def _run(name: str, payload: dict[str, Any]) -> tuple[int, bytes, bool]:
        lane = lanes[_LANE.get(name, "light")]
        try:
            return 200, await lane.submit(name, payload), True
        except TaskError as err:
            return err.status, json.dumps(err.body).encode(), True
        except BusyError as err:
            return 503, json.dumps(body("Busy", f"the server is busy ({err}); try again in "
                                        "a moment")).encode(), False
        except TimeLimitError as err:
            return 422, json.dumps(body("TimeLimit", f"this request ran {err} and was "
                                        "stopped; simplify the formula or ask for less "
                                        "work")).encode(), True
        except WorkerCrashError as err:
            return 422, json.dumps(body("WorkerCrashed", f"{err} (out of memory, or a crash "
                                        "in native code); the worker was replaced")).encode(), \
                False

    prefetching: set[asyncio.Task[Any]] = set()

    def prefetch(name: str, payload: dict[str, Any]) -> None:
        """Start computing a reply a client is about to ask for; its request then shares the
        work in flight, or finds the reply in the cache. Refusals are cached like answers; a
        full lane drops the prefetch (the client's own request will queue)."""
        k = key(name, payload)
        if k in inflight or k in cache:
            return
        task = asyncio.create_task(compute(name, payload))
        prefetching.add(task)  # held until done: the loop keeps only weak references to tasks
        task.add_done_callback(_settled)

    def _settled(task: asyncio.Task[Any]) -> None:
        prefetching.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved: a failure reaches whoever asks, not the log

    def endpoint(name: str, model: type[Any]) -> Callable[..., Awaitable[Response]]:
        async def handler(req: Any) -> Response:
            if name == "parse" and req.view is not None:
                # A check with a view is the page's first look at a new formula: it asks for
                # the formula's maths as soon as the check says valid. Starting that in the
                # maths lane now, beside the check and the field in the light lane, takes the
                # check's round trip off the time until the maths is shown.
                prefetch("analyze", m.FormulaRequest(formula=req.formula,
                                                     variables=req.variables).model_dump(mode="json"))
            status, content, how = await compute(name, req.model_dump(mode="json"))
            headers = {"x-gradscape-cache": how}
            if status == 503:
                headers["retry-after"] = "1"
            return Response(content, status_code=status, media_type="application/json",
                            headers=headers)

        handler.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter("req", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                               annotation=model)], return_annotation=Response)
        handler.__name__ = f"api_{name}"
        return handler

    for name, (req_model, resp_model, summary) in _ENDPOINTS.items():
        app.add_api_route(f"/api/{name}", endpoint(name, req_model), methods=["POST"],
                          response_model=resp_model, summary=summary, responses=_ERRORS,
                          tags=["compute"])

    @app.get("/api/health", response_model=m.Health, tags=["about"])
    async def health() -> dict[str, str]:
        """Whether the server is up."""
        return {"status": "ok"}

    @app.get("/api/stats", tags=["about"])
    async def stats() -> dict[str, Any]:
        """Workers, queues and the cache: what the benchmark reports."""
        return {name: {**lane.stats, "pending": lane.pending, "pids": lane.pids()}
                for name, lane in lanes.items()} | {
            "cache": {"entries": len(cache), "hits": cache.hits, "misses": cache.misses}}

    @app.get("/api/library", response_model=m.LibraryResponse, tags=["about"])
    async def library() -> dict[str, Any]:
        """The test-function library (a table: no computing)."""
        from gradscape.formula.library import LIBRARY

        return {"functions": [
            {"name": t.name, "title": t.title or t.name, "formula": t.formula,
             "variables": list(t.variables), "domain": [list(d) for d in t.domain],
             "minima": [{"point": list(o.point), "value": o.value} for o in t.minima],
             "summary": t.summary} for t in LIBRARY.values()]}

    @app.get("/api/optimizers", response_model=m.OptimizersResponse, tags=["about"])
    async def optimizers() -> dict[str, Any]:
        """Every optimizer, its default learning rate and hyper-parameters (the one table)."""
        from gradscape.optim.optimizers import OPTIMIZERS

        return {"optimizers": [
            {"name": o.name, "title": o.title, "summary": o.summary, "lr": o.lr,
             "hyper": [h._asdict() for h in o.hyper], "fixed": dict(o.fixed)}
            for o in OPTIMIZERS.values()]}

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"cache-control": "no-cache"})

    @app.get("/docs", include_in_schema=False)
    async def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html", headers={"cache-control": "no-cache"})

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    async def plotly() -> FileResponse:
        return FileResponse(plotly_js(), media_type="text/javascript",
                            headers={"cache-control": "max-age=86400"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


# The lane of each task that is not light: symbolic maths, and work that may run for seconds,
# each in its own lane, so neither holds up what a click sends.
_LANE = {"analyze": "maths", "critical": "heavy", "steps": "heavy", "basins": "heavy",
         "tune": "heavy"}
