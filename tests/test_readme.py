"""Every example in the README runs, and the console examples print what the README shows."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def _blocks(kind: str) -> list[str]:
    return [body for lang, body in _BLOCK.findall(README.read_text()) if lang == kind]


def _console_examples() -> list[tuple[str, str]]:
    """(command, expected output) pairs from ```console blocks."""
    pairs: list[tuple[str, str]] = []
    for body in _blocks("console"):
        command, output = None, []
        for line in body.splitlines():
            if line.startswith("$ "):
                if command:
                    pairs.append((command, "\n".join(output)))
                command, output = line[2:], []
            else:
                output.append(line)
        if command:
            pairs.append((command, "\n".join(output)))
    return pairs


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


@pytest.mark.parametrize(("command", "expected"), _console_examples())
def test_console_example(command: str, expected: str, tmp_path: Path) -> None:
    argv = shlex.split(command)
    assert argv[0] == "gradscape"
    r = subprocess.run(
        [sys.executable, "-m", "gradscape", *argv[1:]],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=_env(),
    )
    shown = (r.stdout + r.stderr).rstrip("\n")
    assert shown == expected.rstrip("\n"), f"$ {command}\n{shown}"


@pytest.mark.parametrize("code", _blocks("python"))
def test_python_example(code: str, tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=_env(),
    )
    assert r.returncode == 0, r.stderr


def _sh_commands() -> list[str]:
    lines = [line.split("  #")[0].strip() for body in _blocks("sh") for line in body.splitlines()]
    return [line for line in lines if line.startswith("gradscape ")]


@pytest.mark.parametrize("command", _sh_commands())
def test_sh_example_runs(command: str, tmp_path: Path) -> None:
    argv = shlex.split(command)
    r = subprocess.run([sys.executable, "-m", "gradscape", *argv[1:]], capture_output=True,
                       text=True, timeout=300, cwd=tmp_path, env=_env())
    assert r.returncode == 0, f"$ {command}\n{r.stderr}"
    if "-o" in argv:
        assert (tmp_path / argv[argv.index("-o") + 1]).stat().st_size > 0


def test_every_example_is_found() -> None:
    # The parametrized tests above run what these parsers find: an empty list would pass.
    text = README.read_text()
    assert len(_console_examples()) == len(re.findall(r"^\$ gradscape ", text, re.M)) >= 8
    assert len(_blocks("python")) == text.count("```python") >= 2
    assert len(_sh_commands()) == len(re.findall(r"^gradscape ", "".join(_blocks("sh")),
                                                 re.M)) >= 8


def test_make_targets_named_in_the_readme_exist() -> None:
    makefile = (README.parent / "Makefile").read_text()
    targets = [line.split("#")[0].split()[1] for body in _blocks("sh")
               for line in body.splitlines() if line.startswith("make ")]
    assert targets[:2] == ["demo", "test"]
    for target in targets:
        assert re.search(rf"^{target}:", makefile, re.M), target
