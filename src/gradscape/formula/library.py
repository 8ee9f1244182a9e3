"""Standard 2-D test functions for optimization, in ONE table: formula text, domain, known optima.

Each row stores the formula as text in the formula language (the parser turns it into SymPy),
its variables, the window where its landscape is worth looking at, the published global minima,
and other critical points where the literature lists them. Every non-trivial coordinate was
re-derived here (Newton refinement at 40 digits, or a closed form noted beside it) and checked
against the published digits, because copies on the web carry typos.

>>> lookup("Three_Hump camel").name
'three-hump-camel'
>>> lookup("himmelblau").minima[0]
Optimum(point=(3.0, 2.0), value=0.0)
>>> lookup("no such function") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LIBRARY", "Optimum", "TestFunction", "lookup", "names"]

_JY = (
    "Jamil & Yang (2013), A literature survey of benchmark functions for global optimization "
    "problems, Int. J. Math. Modelling and Numerical Optimisation 4(2):150-194"
)
_SFU = "Surjanovic & Bingham, Virtual Library of Simulation Experiments (SFU), sfu.ca/~ssurjano"


@dataclass(frozen=True)
class Optimum:
    """A point of interest of a test function and the function's value there."""

    point: tuple[float, ...]
    value: float


@dataclass(frozen=True)
class TestFunction:
    """One row of the library: a named test function and what is known about it."""

    __test__ = False  # the name starts with "Test"; keep pytest from collecting it

    name: str
    aliases: tuple[str, ...]
    formula: str
    variables: tuple[str, ...]
    domain: tuple[tuple[float, float], ...]
    minima: tuple[Optimum, ...]  # global minima
    local_minima: tuple[Optimum, ...]
    source: str
    summary: str
    title: str = ""  # display name, e.g. "Goldstein–Price"
    local_maxima: tuple[Optimum, ...] = ()
    saddles: tuple[Optimum, ...] = ()


def _o(x: float, y: float, value: float) -> Optimum:
    return Optimum((x, y), value)


# Styblinski–Tang separates: each coordinate is a root of 4t^3 - 32t + 5 = 0 (trigonometric
# form t_k = 2 sqrt(8/3) cos(arccos(-(15/64) sqrt(3/8)) / 3 - 2πk/3)).
_ST_MIN, _ST_MAX, _ST_LOC = -2.903534027771177, 0.1567312567803401, 2.746802770990837

_ROWS = (
    TestFunction(
        name="rosenbrock", title="Rosenbrock", aliases=("banana", "rosenbrock-banana"),
        formula="(1 - x)^2 + 100*(y - x^2)^2", variables=("x", "y"),
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        minima=(_o(1.0, 1.0, 0.0),), local_minima=(),
        source=f"Rosenbrock (1960), Comput. J. 3(3):175-184; {_SFU}",
        summary="A long curved valley: easy to find, slow to follow to the minimum at (1, 1).",
    ),
    TestFunction(
        name="himmelblau", title="Himmelblau", aliases=(),
        formula="(x^2 + y - 11)^2 + (x + y^2 - 7)^2", variables=("x", "y"),
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(
            _o(3.0, 2.0, 0.0),
            _o(-2.805118086952745, 3.131312518250573, 0.0),
            _o(-3.779310253377747, -3.2831859912861696, 0.0),
            _o(3.5844283403304917, -1.8481265269644036, 0.0),
        ),
        local_minima=(),
        local_maxima=(_o(-0.2708445906673476, -0.9230385564799815, 181.6165215225827),),
        saddles=(  # not in the sources: computed here by Newton refinement
            _o(0.08667750455539636, 2.884254701174776, 67.71915008752615),
            _o(-3.0730257507643897, -0.08135304428796751, 104.0151629175581),
            _o(3.385154183607021, 0.07385187983774928, 13.31192627040559),
            _o(-0.12796134673068008, -1.9537149802445763, 178.33723920192747),
        ),
        source="Himmelblau (1972), Applied Nonlinear Programming, McGraw-Hill",
        summary="Four equal minima (value 0), one local maximum and four saddles.",
    ),
    TestFunction(
        name="beale", title="Beale", aliases=(),
        formula="(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
        variables=("x", "y"), domain=((-4.5, 4.5), (-4.5, 4.5)),
        minima=(_o(3.0, 0.5, 0.0),), local_minima=(),
        saddles=(_o(0.0, 1.0, 14.203125),),  # computed here: exact
        source=f"Beale (1958); {_JY}; {_SFU}",
        summary="Sharp ridges at the corners around a flat basin holding the minimum at (3, 0.5).",
    ),
    TestFunction(
        name="booth", title="Booth", aliases=(),
        formula="(x + 2*y - 7)^2 + (2*x + y - 5)^2", variables=("x", "y"),
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=(_o(1.0, 3.0, 0.0),), local_minima=(),
        source=f"{_JY}; {_SFU}",
        summary="A convex quadratic bowl with its minimum at (1, 3).",
    ),
    TestFunction(
        name="matyas", title="Matyas", aliases=(),
        formula="0.26*(x^2 + y^2) - 0.48*x*y", variables=("x", "y"),
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=(_o(0.0, 0.0, 0.0),), local_minima=(),
        source=f"{_JY}; {_SFU}",
        summary="A flat, tilted quadratic plate: small gradients everywhere, minimum at 0.",
    ),
    TestFunction(
        name="three-hump-camel", title="Three-hump camel",
        aliases=("camel3", "three-hump", "camel"),
        formula="2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2", variables=("x", "y"),
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(_o(0.0, 0.0, 0.0),),
        local_minima=(  # computed here by Newton refinement
            _o(1.7475523458302888, -0.8737761729151444, 0.2986384422368598),
            _o(-1.7475523458302888, 0.8737761729151444, 0.2986384422368598),
        ),
        saddles=(
            _o(1.07054229182366, -0.53527114591183, 0.8773615577631402),
            _o(-1.07054229182366, 0.53527114591183, 0.8773615577631402),
        ),
        source=f"{_JY}; {_SFU}",
        summary="Three minima (the 'humps' seen upside down): the global one at 0 and two local.",
    ),
    TestFunction(
        name="goldstein-price", title="Goldstein–Price", aliases=("goldstein", "goldsteinprice"),
        formula=(
            "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
            "*(30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))"
        ),
        variables=("x", "y"), domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(_o(0.0, -1.0, 3.0),),
        local_minima=(_o(-0.6, -0.4, 30.0), _o(1.8, 0.2, 84.0), _o(1.2, 0.8, 840.0)),
        source=f"Goldstein & Price (1971), Math. Comp. 25(115):569-574; {_JY}; {_SFU}",
        summary="Values span six orders of magnitude; minimum 3 at (0, -1), three local minima.",
    ),
    TestFunction(
        name="rastrigin", title="Rastrigin (2-D)", aliases=(),
        formula="20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)", variables=("x", "y"),
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        minima=(_o(0.0, 0.0, 0.0),), local_minima=(),
        source=f"Rastrigin (1974); {_JY}; {_SFU}",
        summary="An egg box on a bowl (A = 10): a local minimum near every integer point.",
    ),
    TestFunction(
        name="ackley", title="Ackley (2-D)", aliases=(),
        formula=(
            "-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y)))"
            " + e + 20"
        ),
        variables=("x", "y"),
        domain=((-5.0, 5.0), (-5.0, 5.0)),  # the usual search box is [-32.768, 32.768]^2
        minima=(_o(0.0, 0.0, 0.0),), local_minima=(),
        source=f"Ackley (1987), A Connectionist Machine for Genetic Hillclimbing; {_SFU}",
        summary="A bumpy plain with a central funnel; not differentiable at its minimum (0, 0).",
    ),
    TestFunction(
        name="styblinski-tang", title="Styblinski–Tang (2-D)",
        aliases=("styblinski", "styblinskitang"),
        formula="(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)/2", variables=("x", "y"),
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(_o(_ST_MIN, _ST_MIN, -78.33233140754282),),
        local_minima=(
            _o(_ST_LOC, _ST_MIN, -64.19561235905536),
            _o(_ST_MIN, _ST_LOC, -64.19561235905536),
            _o(_ST_LOC, _ST_LOC, -50.05889331056788),
        ),
        local_maxima=(_o(_ST_MAX, _ST_MAX, 0.39122471811071613),),
        saddles=(
            _o(_ST_MIN, _ST_MAX, -38.97055334471606),
            _o(_ST_MAX, _ST_MIN, -38.97055334471606),
            _o(_ST_LOC, _ST_MAX, -24.833834296228584),
            _o(_ST_MAX, _ST_LOC, -24.833834296228584),
        ),
        source=f"Styblinski & Tang (1990), Neural Networks 3(4):467-483; {_SFU}",
        summary="Separable quartic: four minima in the corners, the deepest at about (-2.9, -2.9).",
    ),
    TestFunction(
        name="mccormick", title="McCormick", aliases=(),
        formula="sin(x + y) + (x - y)^2 - 1.5*x + 2.5*y + 1", variables=("x", "y"),
        domain=((-1.5, 4.0), (-3.0, 4.0)),
        # exact: (1/2 - π/3, -1/2 - π/3), value -√3/2 - π/3
        minima=(_o(-0.5471975511965977, -1.5471975511965979, -1.9132229549810364),),
        local_minima=(),
        source=f"McCormick; {_JY}; {_SFU}",
        summary="A sine ripple on a tilted valley; minimum -√3/2 - π/3 at (1/2 - π/3, -1/2 - π/3).",
    ),
    TestFunction(
        name="easom", title="Easom", aliases=(),
        formula="-cos(x)*cos(y)*exp(-((x - pi)^2 + (y - pi)^2))", variables=("x", "y"),
        # the usual search box [-100, 100]^2 is flat to machine precision away from (π, π)
        domain=((-1.0, 7.0), (-1.0, 7.0)),
        minima=(_o(3.141592653589793, 3.141592653589793, -1.0),), local_minima=(),
        source=f"Easom (1990), A survey of global optimization techniques (M. Eng. thesis); {_SFU}",
        summary="A single narrow well of depth -1 at (π, π) in an almost flat plain.",
    ),
)

LIBRARY: dict[str, TestFunction] = {row.name: row for row in _ROWS}
"""The test functions by name (:func:`lookup` also reads aliases and other spellings)."""


def _normal(name: str) -> str:
    # Spellings differ only in case and separators: "Three_Hump camel", "three-hump-camel".
    return "".join(ch for ch in name.casefold() if ch not in "-_ –—")


_INDEX: dict[str, TestFunction] = {
    _normal(key): row for row in _ROWS for key in (row.name, row.title, *row.aliases) if key
}


def lookup(name: str) -> TestFunction | None:
    """The test function called ``name`` (any case; '-', '_' and spaces ignored), or None.

    >>> lookup("Goldstein-Price").minima
    (Optimum(point=(0.0, -1.0), value=3.0),)
    >>> lookup("threehumpcamel").title
    'Three-hump camel'
    """
    return _INDEX.get(_normal(name))


def names() -> list[str]:
    """Canonical names of all test functions, in table order.

    >>> names()[:3]
    ['rosenbrock', 'himmelblau', 'beale']
    """
    return list(LIBRARY)
