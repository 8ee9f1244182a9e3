"""``serve``: run the explorer on uvicorn until Ctrl-C or SIGTERM, then stop cleanly.

Bound to 127.0.0.1 by default: the explorer is for the person at this computer. Binding any
other address serves anyone who can reach it, so that prints a warning.
"""

from __future__ import annotations

import ipaddress
import sys
import threading
import webbrowser
from collections.abc import Callable
from typing import TextIO

from gradscape.errors import DomainError

__all__ = ["serve", "is_loopback", "url_for"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_for(host: str, port: int) -> str:
    """The address to open: a wildcard bind is opened through 127.0.0.1.

    >>> url_for("0.0.0.0", 8765), url_for("::1", 80)
    ('http://127.0.0.1:8765/', 'http://[::1]:80/')
    """
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def serve(host: str = "127.0.0.1", port: int = 8765, *, open_browser: bool = True,
          out: TextIO | None = None, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve the explorer on ``host:port`` until interrupted (Ctrl-C or SIGTERM)."""
    try:
        import uvicorn

        from gradscape.web.app import ServerConfig, create_app
    except ImportError as err:
        raise DomainError(f"the explorer needs the web extra ({err.name} is missing): "
                          "pip install 'gradscape[web]'") from None
    if not 0 < port < 65536:
        raise DomainError(f"--port must be from 1 to 65535, got {port}")
    out = out or sys.stdout
    url = url_for(host, port)
    if not is_loopback(host):
        sys.stderr.write(f"gradscape: warning: serving on {host}, reachable from other "
                         "machines; the explorer has no log-in. Use --host 127.0.0.1 to keep "
                         "it to this computer.\n")
    extra = () if is_loopback(host) else ("*",)
    app = create_app(ServerConfig(extra_hosts=extra))
    config = uvicorn.Config(app, host=host.strip("[]"), port=port, log_level="warning",
                            access_log=False, lifespan="on")
    server = uvicorn.Server(config)

    def announce() -> None:
        # Wait for the socket, then say where it is (and open it): a URL printed earlier
        # could be clicked before anything listens.
        while not server.started and not server.should_exit:
            threading.Event().wait(0.05)
        if not server.started:
            return
        out.write(f"gradscape explorer on {url} (Ctrl-C to stop)\n")
        out.flush()
        if on_ready is not None:
            on_ready(url)
        if open_browser:
            webbrowser.open(url)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run()  # uvicorn turns SIGINT and SIGTERM into a graceful shutdown
    except OSError as err:
        raise DomainError(f"cannot listen on {host}:{port} ({err.strerror or err}); choose "
                          "another --port") from None
    if not server.started:
        raise DomainError(f"cannot listen on {host}:{port}; is another server using it? "
                          "Choose another --port")
    out.write("gradscape explorer stopped\n")
