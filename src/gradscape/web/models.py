"""The JSON API's request and response models: every field typed and bounded.

Requests are checked here before any work is queued, so a worker never sees a grid of a
million points, a NaN coordinate or a ten-megabyte formula. Responses are built through the
same models inside the workers, so what the server sends always matches its OpenAPI schema.

>>> FieldRequest(formula="x^2 + y^2", x=(-1, 1), y=(-1, 1), n=3).n
3
>>> try:
...     FieldRequest(formula="x", x=(-1, 1), y=(-1, 1), n=10_000)
... except ValueError as err:
...     print("refused")
refused
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gradscape.formula.limits import MAX_LENGTH

__all__ = [
    "MAX_VARIABLES", "MAX_GRID", "MAX_STARTS", "MAX_METHODS", "MAX_STEPS", "MAX_PATH_POINTS",
    "MAX_BASIN_GRID", "MAX_COORD",
    "Finite", "Coord", "Range", "ErrorInfo", "ErrorBody", "Health",
    "FormulaRequest", "ViewRequest", "ParseRequest", "ParseResponse", "AnalyzeResponse",
    "PointRequest", "PointResponse",
    "FieldRequest", "FieldResponse", "CurveRequest", "CurveResponse", "MethodSpec",
    "DescendRequest", "Run", "DescendResponse", "CriticalRequest", "CriticalPointOut",
    "CriticalResponse", "StepsRequest", "StepsResponse", "BasinsRequest", "BasinsResponse",
    "TuneRequest", "TuneResponse", "HyperOut", "OptimizerOut", "OptimizersResponse",
    "LibraryEntry", "LibraryResponse",
]

MAX_VARIABLES = 8  # a page shows two axes and a slider per other variable
MAX_GRID = 200  # points per axis of a field: 40,000 points, about 1 MB of JSON
MAX_CURVE = 2000  # points of a one-variable curve
MAX_STARTS = 10  # start points per descend request (the page's limit too)
MAX_METHODS = 8  # methods raced in one descend request
MAX_STEPS = 5000  # iterations per run
MAX_PATH_POINTS = 100_000  # starts x methods x (steps + 1) that one descend request may return
MAX_BASIN_GRID = 80  # starts per axis of a basin map: 6,400 descents
MAX_COORD = 1e9  # |coordinate| anywhere: beyond this float64 arithmetic is mostly rounding

# A finite float (no NaN or ±inf, which JSON cannot carry anyway).
Finite = Annotated[float, Field(allow_inf_nan=False, ge=-1e300, le=1e300)]
# A coordinate: finite and within ±MAX_COORD.
Coord = Annotated[float, Field(allow_inf_nan=False, ge=-MAX_COORD, le=MAX_COORD)]
Name = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
# A window's side, [lo, hi] with lo < hi.
Range = Annotated[tuple[Coord, Coord], Field(description="[lo, hi] with lo < hi")]
Number = float | None  # null where undefined (NaN, ±inf)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- errors ---------------------------------------------------------------------------------
class ErrorInfo(BaseModel):
    """What went wrong: ``column`` (1-based) and ``width`` place the caret under the formula."""

    type: str = Field(description="FormulaError, LimitError, DomainError, ValidationError, "
                      "TimeLimit, MemoryLimit, Busy, ...")
    message: str
    column: int | None = None
    width: int | None = None
    hint: str | None = None
    formula: str | None = None
    field: str | None = Field(None, description="the request field at fault, as a dotted path")


class ErrorBody(BaseModel):
    """Every 4xx/5xx body: ``{"error": {...}}``."""

    error: ErrorInfo


class Health(BaseModel):
    """``GET /api/health``: the server is up."""

    status: Literal["ok"]


# ---- a formula ------------------------------------------------------------------------------
class FormulaRequest(_Strict):
    """A formula (or a library name such as ``himmelblau``), and optionally its variables'
    order."""

    formula: str = Field(min_length=1, max_length=MAX_LENGTH,
                         description="formula text as people type it, or a library name",
                         examples=["x^2 + 3y^2"])
    variables: list[Name] | None = Field(None, max_length=MAX_VARIABLES,
                                         description="variables in gradient order "
                                         "(default: alphabetical)")


class ViewRequest(_Strict):
    """The picture to send with a valid formula: its field (two or more variables) or curve
    (one). A window side left out is the library function's domain, else [-3, 3]; variables
    off the axes are held at ``fixed`` (default 0)."""

    x: Range | None = None
    y: Range | None = None
    n: int = Field(80, ge=2, le=MAX_GRID, description="points per axis of a field")
    curve_n: int = Field(400, ge=2, le=MAX_CURVE, description="points of a curve")
    axes: tuple[int, int] | None = None
    fixed: list[Coord] | None = Field(None, max_length=MAX_VARIABLES)

    @model_validator(mode="after")
    def _ranges(self) -> ViewRequest:
        _check_ranges(*(r for r in (self.x, self.y) if r is not None))
        if self.axes is not None and (self.axes[0] == self.axes[1] or min(self.axes) < 0
                                      or max(self.axes) >= MAX_VARIABLES):
            raise ValueError("axes must be two different variable indices")
        return self


class ParseRequest(FormulaRequest):
    """``POST /api/parse``: the live check, and with ``view`` the picture in the same round
    trip (a new formula's contours need no second request)."""

    view: ViewRequest | None = None


class ParseResponse(BaseModel):
    """The live check: a formula the parser refuses is an answer here (``valid`` false and
    ``error`` with the message and caret), so a page can check as the user types. With a
    ``view`` asked for, ``field`` or ``curve`` (null when there is nothing to draw)."""

    valid: bool
    error: ErrorInfo | None = None
    formula: str
    variables: list[str] = []
    notes: list[str] = []
    latex: str = ""
    library: str | None = None
    field: FieldResponse | None = None
    curve: CurveResponse | None = None


class AnalyzeResponse(BaseModel):
    """``POST /api/analyze``: the gradient and Hessian as SymPy strings, and LaTeX for the page."""

    formula: str
    variables: list[str]
    expression: str
    gradient: list[str] = Field(description="partial derivatives, in SymPy's form")
    hessian: list[list[str]]
    latex: dict[str, Any] = Field(description="function, gradient (list), hessian (matrix)")
    notes: list[str]
    library: dict[str, Any] | None = None


class PointRequest(FormulaRequest):
    """``POST /api/point``: the formula at one point, one coordinate per variable."""

    at: list[Coord] = Field(min_length=1, max_length=MAX_VARIABLES)


class PointResponse(BaseModel):
    """f, ∇f, |∇f|, the Hessian, its eigenvalues and the point's kind, at one point."""

    at: list[float]
    value: Number
    gradient: list[Number]
    grad_norm: Number
    hessian: list[list[Number]]
    eigenvalues: list[float] = Field(description="of the Hessian, ascending; [] if undefined")
    kind: str = Field(description="minimum, maximum, saddle or degenerate at a critical point; "
                      "else 'regular' (or 'undefined')")
    curvature: str = Field(description="what the Hessian says: convex, concave, saddle-shaped, "
                           "degenerate or undefined")


class FieldRequest(FormulaRequest):
    """``POST /api/field``: an n×n grid over the window [x] × [y] (bounded by ``MAX_GRID``)."""

    x: Range
    y: Range
    n: int = Field(60, ge=2, le=MAX_GRID, description="points per axis")
    axes: tuple[int, int] | None = Field(None, description="which two variables are the axes "
                                         "(default the first two)")
    fixed: list[Coord] | None = Field(None, max_length=MAX_VARIABLES,
                                      description="values of every variable; those not on an "
                                      "axis are held at these")

    @model_validator(mode="after")
    def _ranges(self) -> FieldRequest:
        _check_ranges(self.x, self.y)
        if self.axes is not None and (self.axes[0] == self.axes[1] or min(self.axes) < 0
                                      or max(self.axes) >= MAX_VARIABLES):
            raise ValueError("axes must be two different variable indices")
        return self


class FieldResponse(BaseModel):
    """f and ∇f on the grid, each n rows (one per y) of n values, null where undefined."""

    x: list[float]
    y: list[float]
    z: list[list[Number]] = Field(description="n rows (one per y) of n values, null where "
                                  "undefined")
    gx: list[list[Number]]
    gy: list[list[Number]]
    variables: list[str]
    axes: list[str]
    invalid: int = Field(description="points where f or its gradient is undefined")
    range: list[float] | None = Field(description="[min, max] of the finite values")


class CurveRequest(FormulaRequest):
    """``POST /api/curve``: a one-variable formula sampled at n points of [x]."""

    x: Range
    n: int = Field(400, ge=2, le=MAX_CURVE)

    @model_validator(mode="after")
    def _range(self) -> CurveRequest:
        _check_ranges(self.x)
        return self


class CurveResponse(BaseModel):
    """f and f′ along the curve, null where undefined, and f′ as text and LaTeX."""

    x: list[float]
    f: list[Number]
    df: list[Number]
    variable: str
    derivative: str
    latex: str


class MethodSpec(BaseModel):
    """An optimizer by name, its learning rate, and any hyper-parameters as extra keys
    (``{"name": "adam", "lr": 0.1, "b1": 0.8}``)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Finite | bool]

    name: Name
    lr: float | None = Field(None, gt=0, le=1e6, allow_inf_nan=False)
    schedule: Literal["constant", "step", "exponential", "cosine"] | None = None

    def hyper(self) -> dict[str, Any]:
        return dict(self.__pydantic_extra__ or {})


class DescendRequest(FormulaRequest):
    """``POST /api/descend``: every method from every start, in one request (bounded by
    ``MAX_PATH_POINTS``)."""

    starts: list[Annotated[list[Coord], Field(min_length=1, max_length=MAX_VARIABLES)]] = Field(
        min_length=1, max_length=MAX_STARTS)
    methods: list[MethodSpec] = Field(min_length=1, max_length=MAX_METHODS)
    steps: int = Field(500, ge=1, le=MAX_STEPS)
    tol: float | None = Field(1e-8, gt=0, le=1e6, allow_inf_nan=False,
                              description="stop when |∇f| < tol; null runs every step")

    @model_validator(mode="after")
    def _size(self) -> DescendRequest:
        widths = {len(s) for s in self.starts}
        if len(widths) != 1:
            raise ValueError("every start needs the same number of coordinates")
        total = len(self.starts) * len(self.methods) * (self.steps + 1)
        if total > MAX_PATH_POINTS:
            raise ValueError(f"{len(self.starts)} starts × {len(self.methods)} methods × "
                             f"{self.steps + 1} points is {total:,} path points, over the "
                             f"limit of {MAX_PATH_POINTS:,}; take fewer steps or starts")
        return self


class Run(BaseModel):
    """One method from one start: the whole path (start first), f along it, and how it ended."""

    method: str
    lr: float
    hyper: dict[str, Any]
    start: list[float]
    path: list[list[Number]] = Field(description="every iterate, the start first")
    values: list[Number]
    grad_norms: list[Number]
    status: str = Field(description="converged, max-steps or diverged")
    steps: int
    final: list[Number]
    value: Number
    evaluations: dict[str, int]


class DescendResponse(BaseModel):
    """One run per start and method, methods in the order asked, starts within each."""

    runs: list[Run]


class CriticalRequest(FormulaRequest):
    """``POST /api/critical``: critical points in a box, exact where SymPy solves in ``budget``
    seconds."""

    box: list[Range] | None = Field(None, max_length=MAX_VARIABLES,
                                    description="[lo, hi] per variable (default: the library "
                                    "domain, else [-3, 3])")
    budget: float = Field(2.0, ge=0, le=5, description="seconds for exact solving")

    @model_validator(mode="after")
    def _box(self) -> CriticalRequest:
        if self.box:
            _check_ranges(*self.box)
        return self


class CriticalPointOut(BaseModel):
    """One critical point: where, f there, its kind and the Hessian's eigenvalues."""

    point: list[float]
    value: Number
    kind: str
    eigenvalues: list[float]
    exact: list[str] | None


class CriticalResponse(BaseModel):
    """The same object as ``gradscape critical --json``."""

    function: str
    variables: list[str]
    box: dict[str, list[float]] = Field(description="the box searched: [lo, hi] per variable")
    points: list[CriticalPointOut]
    complete: bool
    truncated: bool
    notes: list[str]


class StepsRequest(FormulaRequest):
    """``POST /api/steps``: the step-by-step derivation, for one variable or all."""

    wrt: Name | None = Field(None, description="the variable (default: every variable)")


class StepsResponse(BaseModel):
    """The steps engine's HTML per variable, its result, and whether it was checked."""

    html: dict[str, str] = Field(description="per variable: the working as HTML, maths as "
                                 "\\( \\) LaTeX")
    results: dict[str, str]
    verified: dict[str, bool]


class BasinsRequest(FormulaRequest):
    """``POST /api/basins``: which minimum each start of an n×n grid descends to."""

    x: Range
    y: Range
    n: int = Field(40, ge=2, le=MAX_BASIN_GRID)
    method: Name = "gd"
    lr: float | None = Field(None, gt=0, le=1e6, allow_inf_nan=False)
    steps: int = Field(300, ge=1, le=2000)

    @model_validator(mode="after")
    def _ranges(self) -> BasinsRequest:
        _check_ranges(self.x, self.y)
        return self


class BasinsResponse(BaseModel):
    """The basin label of each grid start, the minima found and each one's share."""

    x: list[float]
    y: list[float]
    labels: list[list[int]] = Field(description="index into minima, -1 for none reached")
    minima: list[list[float]]
    shares: list[float]
    counts: dict[str, int]
    method: str
    lr: float


class TuneRequest(FormulaRequest):
    """``POST /api/tune``: a learning rate for one method from one start (``tune_lr``)."""

    start: list[Coord] = Field(min_length=1, max_length=MAX_VARIABLES)
    method: Name
    steps: int = Field(500, ge=1, le=2000)


class TuneResponse(BaseModel):
    """The learning rate chosen, how the run with it ended, and the rates tried."""

    method: str
    lr: float
    status: str
    steps: int
    tried: list[dict[str, Any]]


class HyperOut(BaseModel):
    """One hyper-parameter of an optimizer: its default, its rule and a help line."""

    name: str
    default: Any
    rule: str
    help: str


class OptimizerOut(BaseModel):
    """One row of the optimizer table, as the page lists it."""

    name: str
    title: str
    summary: str
    lr: float
    hyper: list[HyperOut]
    fixed: dict[str, Any]


class OptimizersResponse(BaseModel):
    """``GET /api/optimizers``: every optimizer the descent panel offers."""

    optimizers: list[OptimizerOut]


class LibraryEntry(BaseModel):
    """One test function of the library: formula, domain and published minima."""

    name: str
    title: str
    formula: str
    variables: list[str]
    domain: list[list[float]]
    minima: list[dict[str, Any]]
    summary: str


class LibraryResponse(BaseModel):
    """``GET /api/library``: the test-function library for the page's dropdown."""

    functions: list[LibraryEntry]


def _check_ranges(*ranges: tuple[float, float]) -> None:
    for lo, hi in ranges:
        if not lo < hi:
            raise ValueError(f"a range needs lo < hi, got [{lo}, {hi}]")
        if hi - lo < 1e-9 * max(1.0, abs(lo), abs(hi)):
            raise ValueError(f"the range [{lo}, {hi}] is too narrow to sample")


ParseResponse.model_rebuild()  # it names FieldResponse and CurveResponse, defined below it
