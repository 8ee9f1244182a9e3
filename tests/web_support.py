"""A live explorer server for the web tests: uvicorn in a thread on a free loopback port."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi")
import uvicorn

from gradscape.web.app import ServerConfig, create_app
from gradscape.web.pool import LaneConfig


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def live_server(config: ServerConfig | None = None) -> Iterator[tuple[str, object]]:
    """(base URL, app) of a running server; stopped (workers too) on exit."""
    cfg = config or ServerConfig(light=LaneConfig(workers=2, queue=48, budget=20.0),
                                 heavy=LaneConfig(workers=1, queue=16, budget=30.0))
    app = create_app(cfg)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(30)
