"""``serve``: run the explorer on uvicorn until Ctrl-C or SIGTERM, then stop cleanly.

Bound to 127.0.0.1 by default: the explorer is for the person at this computer. Binding any
other address serves anyone who can reach it, so that prints a warning.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from types import FrameType
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
    class _Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            super().handle_exit(sig, frame)
            # uvicorn re-raises a caught signal after its graceful shutdown, so the process
            # would die by SIGTERM (or a KeyboardInterrupt) just after stopping cleanly.
            # A stop that was asked for is a normal exit: say so and return 0.
            getattr(self, "_captured_signals", []).clear()

    config = uvicorn.Config(app, host=host.strip("[]"), port=port, log_level="warning",
                            access_log=False, lifespan="on")
    server = _Server(config)

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

    # Bind here, not in uvicorn: a port in use is then one clear error (exit 2), where uvicorn
    # would log it and exit 3.
    sock = _listen(host, port)
    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run(sockets=[sock])  # uvicorn turns SIGINT and SIGTERM into a graceful shutdown
    finally:
        sock.close()
    if not server.started:
        raise DomainError(f"the explorer did not start on {host}:{port}; choose another --port")
    out.write("gradscape explorer stopped\n")


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or a DomainError saying how to fix it."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]") or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
    except (OSError, UnicodeError) as err:
        raise DomainError(f"cannot listen on {host}: not an address of this computer ({err}); "
                          "leave --host out to use 127.0.0.1") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as err:
        sock.close()
        reason = "the port is in use" if err.errno == errno.EADDRINUSE else (err.strerror or err)
        raise DomainError(f"cannot listen on {host}:{port} ({reason}); choose another --port, "
                          f"e.g. --port {port + 1 if port < 65535 else 8766}") from None
    sock.set_inheritable(True)
    return sock
