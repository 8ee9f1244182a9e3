"""The documentation site: its examples run, it builds without a warning, and every public name
has a reference entry.

`make docs` builds everything (the gallery runs every script, the console examples run as
subprocesses). The suite checks the same pages faster: it runs the guide's ``>>>`` examples
and ``gradscape-console`` commands itself, and builds the site in the fast mode, which runs no
examples.
"""

from __future__ import annotations

import doctest
import importlib
import os
import re
import shlex
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from modules import PUBLIC

from gradscape.cli.main import main

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.rst") if "_build" not in p.parts
               and "api" not in p.relative_to(DOCS).parts
               and "auto_examples" not in p.relative_to(DOCS).parts)
WITH_EXAMPLES = [p for p in PAGES if ">>>" in p.read_text()]


def _console_blocks(text: str) -> list[tuple[int, str]]:
    """(expected exit code, command line) for each line of each gradscape-console block."""
    out = []
    for block in re.finditer(r"^\.\. gradscape-console::\n((?:[ \t]+.*\n|\n)+)", text, re.M):
        body = block.group(1)
        code = re.search(r":exit:\s*(\d+)", body)
        for line in body.splitlines():
            line = line.strip()
            if line and not line.startswith(":"):
                out.append((int(code.group(1)) if code else 0, line))
    return out


CONSOLE = [(p.relative_to(DOCS).as_posix(), code, line) for p in PAGES
           for code, line in _console_blocks(p.read_text())]


def test_the_guide_has_examples() -> None:
    # the parametrised lists below are read from the pages; pin that reading
    assert len(WITH_EXAMPLES) >= 6 and len(CONSOLE) >= 20


@pytest.mark.parametrize("page", WITH_EXAMPLES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_guide_examples_run(page: Path) -> None:
    result = doctest.testfile(str(page), module_relative=False, verbose=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} example(s) failed in {page.name}"


@pytest.mark.parametrize(("page", "expected", "line"), CONSOLE)
def test_console_examples_run(page: str, expected: int, line: str,
                              monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(DOCS)  # as the directive runs them: paths are relative to docs/
    try:
        code = main(shlex.split(line))
    except SystemExit as exc:  # argparse's own exits (--help, --version, usage errors)
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    assert code == expected, f"{page}: gradscape {line} exited {code}\n{out}{err}"
    assert (out + err).strip()
    assert "Traceback" not in out + err


def _inventory(path: Path) -> set[str]:
    """The object names in a Sphinx objects.inv (version 2: four text lines, then zlib)."""
    raw = path.read_bytes()
    body = zlib.decompress(raw.split(b"\n", 4)[4]).decode()
    return {line.split(" ", 1)[0] for line in body.splitlines() if line}


@pytest.fixture(scope="module")
def fast_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("sphinx_gallery", reason="the docs extra is not installed")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "GRADSCAPE_DOCS_FAST": "1", "MPLBACKEND": "Agg"}
    r = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-E",
                        "-d", str(out / "doctrees"), "-b", "html", str(DOCS), str(out / "html")],
                       capture_output=True, text=True, timeout=900, env=env)
    assert r.returncode == 0, r.stderr[-4000:]
    return out / "html"


def test_site_builds_without_warnings(fast_site: Path) -> None:
    for page in ("index.html", "getting-started.html", "api/index.html", "security.html",
                 "performance.html", "auto_examples/index.html"):
        assert (fast_site / page).is_file(), page


def test_every_public_name_has_a_reference_entry(fast_site: Path) -> None:
    inventory = _inventory(fast_site / "objects.inv")
    missing, checked = [], 0
    for name in PUBLIC:
        module = importlib.import_module(name)
        assert name in inventory, f"module {name} has no reference page"
        for member in getattr(module, "__all__", ()):
            obj = getattr(module, member)
            home = getattr(obj, "__module__", None)
            candidates = {f"{name}.{member}", f"{home}.{member}", getattr(obj, "__name__", "")}
            checked += 1
            if not candidates & inventory:
                missing.append(f"{name}.{member}")
    assert checked > 200
    assert not missing, f"no reference entry for: {', '.join(missing)}"
