"""``.. gradscape-console::`` runs a gradscape command at build time and shows it with its output.

Each line of the directive's content is one command line (after ``gradscape``); the page shows
``$ gradscape ...`` and what the command printed, so the documentation cannot drift from the
program. A command that fails unexpectedly is a build warning (an error under ``-W``); add the
option ``:exit: 2`` for examples that show an error message.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective


class GradscapeConsole(SphinxDirective):
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"exit": directives.nonnegative_int}

    def run(self) -> list[nodes.Node]:
        expected = self.options.get("exit", 0)
        if self.config.gradscape_console_run is False:  # the fast build: show, do not run
            text = "\n".join(f"$ gradscape {line}" for line in self.content if line.strip())
            return [nodes.literal_block(text=text, language="console")]
        shown = []
        env = dict(os.environ, COLUMNS="100", PYTHONIOENCODING="utf-8", MPLBACKEND="Agg")
        for line in self.content:
            if not line.strip():
                continue
            argv = shlex.split(line)
            r = subprocess.run([sys.executable, "-m", "gradscape", *argv], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, timeout=300, env=env,
                               cwd=self.env.srcdir)
            if r.returncode != expected:
                return [self.state.document.reporter.warning(
                    f"gradscape {line!r} exited {r.returncode}, expected {expected}:\n{r.stdout}",
                    line=self.lineno)]
            shown.append(f"$ gradscape {line}\n{r.stdout.rstrip()}")
        block = nodes.literal_block(text="\n".join(shown), language="console")
        return [block]


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("gradscape_console_run", True, "env")
    app.add_directive("gradscape-console", GradscapeConsole)
    return {"parallel_read_safe": True, "version": "1"}
