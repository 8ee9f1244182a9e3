"""The package as users install it: metadata in the current form, the version in one place, and
a built wheel that installs into a fresh environment and runs."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

import gradscape

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_version_is_written_once() -> None:
    project = _pyproject()["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert _pyproject()["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "gradscape.__version__"}
    r = subprocess.run([sys.executable, "-m", "gradscape", "--version"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == f"gradscape {gradscape.__version__}"
    # the changelog has a section for this version (a .dev version: the release it leads to)
    release = gradscape.__version__.split(".dev")[0]
    assert f"\n## {release}" in (ROOT / "CHANGELOG.md").read_text()


def test_licence_is_an_spdx_expression_with_its_file() -> None:
    project = _pyproject()["project"]
    assert project["license"] == "MIT"  # PEP 639: a string, not the deprecated table
    assert all((ROOT / f).is_file() for f in project["license-files"])
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # PEP 639


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: the build uses this environment's setuptools (offline-safe); the
    # slow test below builds the way `python -m build` does.
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                        "--no-build-isolation", "-w", str(out), str(ROOT)],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0 and "setuptools" in r.stderr and ">=77" in r.stderr:
        pytest.skip("this environment's setuptools is older than the build needs (77)")
    assert r.returncode == 0, r.stderr
    (path,) = out.glob("gradscape-*.whl")
    return path


def test_wheel_holds_the_package_its_metadata_and_no_tests(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "gradscape/py.typed" in names
    assert "gradscape/formula/registry.py" in names
    assert not any(n.startswith(("tests/", "bench/", "examples/")) for n in names)
    meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
    meta = Parser().parsestr(zipfile.ZipFile(wheel).read(meta_name).decode())
    assert meta["Version"] == gradscape.__version__
    assert meta["License-Expression"] == "MIT"
    assert meta["Requires-Python"] == ">=3.11"
    assert any(u.startswith("Documentation") for u in meta.get_all("Project-URL"))
    entry = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "gradscape = gradscape.cli.main:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_wheel_installs_in_a_fresh_venv_and_runs(wheel: Path, tmp_path: Path) -> None:
    # A fresh venv gets the wheel and nothing else; the dependencies (numpy, sympy...) come
    # from this environment's site-packages on PYTHONPATH, where no gradscape is (the
    # editable install here works through a .pth file, which PYTHONPATH does not read).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # install, not shadow
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                        "--no-deps", "--no-index", str(wheel)],
                       capture_output=True, text=True, timeout=300, env=clean)
    assert r.returncode == 0, r.stderr
    deps = sysconfig.get_paths()["purelib"]
    env = {**clean, "PYTHONPATH": deps, "GRADSCAPE_CACHE_DIR": "off"}
    r = subprocess.run([str(venv / "bin" / "gradscape"), "grad", "x^2 + y^2"],
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "∇f(x, y) = (2x, 2y)"
    where = subprocess.run([str(python), "-c", "import gradscape; print(gradscape.__file__)"],
                           capture_output=True, text=True, timeout=120, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout


@pytest.mark.long
def test_build_makes_sdist_and_wheel_without_warnings(tmp_path: Path) -> None:
    pytest.importorskip("build")
    r = subprocess.run([sys.executable, "-m", "build", "--outdir", str(tmp_path), str(ROOT)],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    assert "Warning" not in r.stdout + r.stderr and "deprecated" not in r.stdout + r.stderr
    assert len(list(tmp_path.glob("*.whl"))) == 1 and len(list(tmp_path.glob("*.tar.gz"))) == 1
