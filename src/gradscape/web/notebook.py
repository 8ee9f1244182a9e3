"""``explore(f)``: the browser explorer inside a Jupyter notebook, so the notebook and the page
are one tool.

The first call starts the explorer's server on this computer (127.0.0.1, a free port) in a
background thread of the kernel; every call returns an :class:`Explorer`, which Jupyter shows
as the page in an iframe, opened on ``f``. The server lives as long as the kernel (or until
:func:`stop`). The page is served by the kernel's machine: in a notebook running on a remote
server, open ``Explorer.url`` through that server's port forwarding instead.

>>> from gradscape.web.notebook import view_url
>>> view_url("http://127.0.0.1:8765/", "x^2 + 3y^2", x=(-2, 2))
'http://127.0.0.1:8765/#f=x%5E2+%2B+3y%5E2&x=-2%2C2'
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from gradscape.errors import DomainError

__all__ = ["Explorer", "explore", "stop", "view_url"]

_START_TIMEOUT = 60.0  # seconds for the server (and its worker processes) to come up
_LOCK = threading.Lock()
_RUNNING: dict[str, Any] = {}  # "url", "server", "thread" of the one server of this process


@dataclass(frozen=True)
class Explorer:
    """The explorer opened on one formula: Jupyter shows it inline (an iframe); ``url`` opens
    the same view in a browser tab."""

    url: str
    height: int = 720

    def _repr_html_(self) -> str:
        src = html.escape(self.url, quote=True)
        return (f'<iframe src="{src}" width="100%" height="{self.height}" '
                'style="border: 1px solid #ccc; border-radius: 4px" '
                'title="gradscape explorer"></iframe>')

    def __repr__(self) -> str:
        return f"Explorer({self.url!r})"


def view_url(base: str, formula: str, *, x: tuple[float, float] | None = None,
             y: tuple[float, float] | None = None) -> str:
    """The page's address for ``formula`` (and a window): the state the page reads from its
    URL hash, as its *Copy link* writes it."""
    state = {"f": formula}
    for name, window in (("x", x), ("y", y)):
        if window is not None:
            lo, hi = (float(v) for v in window)
            if not lo < hi:
                raise DomainError(f"{name} must be a range lo < hi, got {window!r}")
            state[name] = f"{lo:g},{hi:g}"
    return f"{base}#{urlencode(state)}"


def explore(f: Any = "x^2 + 3y^2", *, x: tuple[float, float] | None = None,
            y: tuple[float, float] | None = None, height: int = 720) -> Explorer:
    """Show the explorer for ``f`` (a Function, formula text or library name) in a notebook.

    The formula is checked here first, so a mistake is one clear error in the notebook, with
    its caret, rather than a message inside the frame.
    """
    from gradscape.calculus.function import Function

    fn = f if isinstance(f, Function) else Function(f)
    if not fn.is_symbolic:
        raise DomainError("the explorer draws formulas; a Function of Python code has no "
                          "formula to send (write it as text, e.g. explore('x^2 + y^2'))")
    if not 200 <= int(height) <= 4000:
        raise DomainError(f"height must be from 200 to 4000 pixels, got {height!r}")
    return Explorer(view_url(_server(), fn.text, x=x, y=y), int(height))


def _server() -> str:
    """The running server's base URL, starting it on the first call."""
    with _LOCK:
        if "url" in _RUNNING and _RUNNING["thread"].is_alive():
            return str(_RUNNING["url"])
        try:
            import uvicorn

            from gradscape.web.app import create_app
        except ImportError as err:
            raise DomainError(f"the explorer needs the web extra ({err.name} is missing): "
                              "pip install 'gradscape[web]'") from None
        from gradscape.web.server import _listen, url_for

        sock = _listen("127.0.0.1", 0)  # port 0: the system picks a free one
        port = sock.getsockname()[1]
        config = uvicorn.Config(create_app(), log_level="warning", access_log=False,
                                lifespan="on")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                                  name="gradscape-explorer")
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not server.started:
            server.should_exit = True
            raise DomainError("the explorer's server did not start; try gradscape explore "
                              "in a terminal to see why")
        _RUNNING.update(url=url_for("127.0.0.1", port), server=server, thread=thread)
        return str(_RUNNING["url"])


def stop() -> None:
    """Stop the explorer's server (if this process started one); the next explore starts
    a new one."""
    with _LOCK:
        server, thread = _RUNNING.pop("server", None), _RUNNING.pop("thread", None)
        _RUNNING.clear()
    if server is not None:
        server.should_exit = True
        thread.join(timeout=30)
