"""The browser explorer: ``gradscape serve`` and the JSON API behind its page.

Needs the ``web`` extra (``pip install 'gradscape[web]'``). The page is static HTML, CSS and
JavaScript served by the package, with Plotly.js from the installed ``plotly`` package and
KaTeX vendored under ``static/vendor/katex``: it loads nothing from outside the server.

    from gradscape.web import create_app, serve
    serve(port=8765)                 # what `gradscape serve` runs
    app = create_app()               # an ASGI app, for uvicorn or tests
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app", "serve", "ServerConfig"]


def __getattr__(name: str) -> Any:
    # FastAPI loads only when the server is wanted: `import gradscape.web` stays cheap.
    if name in ("create_app", "ServerConfig"):
        from gradscape.web import app

        return getattr(app, name)
    if name == "serve":
        from gradscape.web.server import serve

        return serve
    raise AttributeError(f"module 'gradscape.web' has no attribute {name!r}")
