"""The kernel cache: where it lives, that keys never collide, that a second process loads
machine code from disk, that racing processes agree, and that "off" writes nothing."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from gradscape.compile import build_kernel
from gradscape.compile.cache import cache_dir, formula_key, load_module
from gradscape.compile.numba_cache import CacheWarning

pytest.importorskip("numba")

x, y = sp.symbols("x y", real=True)
HIMMEL = (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2
GRAD = [HIMMEL.diff(x), HIMMEL.diff(y)]
AXIS = np.linspace(-5, 5, 64)


def _run_kernel() -> dict:
    """Build and run the Himmelblau gradient; report what Numba's cache did."""
    kernel = build_kernel(GRAD, [x, y], backend="numba")
    out = kernel(AXIS[None, :], AXIS[:, None])
    stats = kernel._formula.compiled["float64", "rc"].stats
    return {
        "key": formula_key(kernel.exprs, kernel.symbols),
        "hits": sum(stats.cache_hits.values()),
        "misses": sum(stats.cache_misses.values()),
        "out": out.tolist(),
        "scalar": list(kernel.scalar()(1.0, 2.0)),
    }


def _in_subprocess(env_updates: dict[str, str]) -> dict:
    env = {**os.environ, **env_updates, "PYTHONPATH": str(Path(__file__).parent)}
    env.pop("NUMBA_CACHE_DIR", None)
    code = "import json, test_cache; print(json.dumps(test_cache._run_kernel()))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def _reference() -> np.ndarray:
    return build_kernel(GRAD, [x, y], backend="numpy")(AXIS[None, :], AXIS[:, None])


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GRADSCAPE_CACHE_DIR", str(tmp_path / "k"))
    assert cache_dir() == tmp_path / "k"
    for off in ("off", "0", "none", "OFF"):
        monkeypatch.setenv("GRADSCAPE_CACHE_DIR", off)
        assert cache_dir() is None
    monkeypatch.delenv("GRADSCAPE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "gradscape"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "gradscape"


def test_keys_differ_between_formulas_and_repeat_for_the_same_one():
    z = sp.Symbol("x")  # same name, no real=True: a different symbol
    variants = [
        ([x**2], [x]), ([x**3], [x]), ([z**2], [z]), ([x**2, y], [x, y]),
        ([y, x**2], [x, y]), ([x**2, y], [y, x]), ([x**2 + y], [x, y]),
        ([sp.Float("0.1")], [x]), ([sp.Rational(1, 10)], [x]), ([sp.sin(x)], [x]),
        ([sp.Max(x, y)], [x, y]), ([sp.Min(x, y)], [x, y]),
    ]
    keys = [formula_key(e, s) for e, s in variants]
    assert len(set(keys)) == len(keys)
    assert formula_key([x**2], [x]) == formula_key([sp.Symbol("x", real=True) ** 2], [x])


def test_second_process_loads_machine_code_from_disk(tmp_path):
    env = {"GRADSCAPE_CACHE_DIR": str(tmp_path)}
    first, second = _in_subprocess(env), _in_subprocess(env)
    assert (first["misses"], first["hits"]) == (1, 0)
    assert (second["misses"], second["hits"]) == (0, 1)  # no JIT the second time
    assert first["key"] == second["key"] == formula_key(GRAD, [x, y])
    np.testing.assert_allclose(second["out"], _reference(), rtol=1e-12)
    assert second["scalar"] == first["scalar"] == [-36.0, -32.0]  # by hand at (1, 2)
    kernels = tmp_path / "kernels"
    assert (kernels / f"gsk_{first['key']}_float64_rc.py").is_file()
    assert list((kernels / "__pycache__").glob(f"gsk_{first['key']}_float64_rc*.nbi"))


def test_disabled_cache_writes_nothing(tmp_path):
    home, xdg = tmp_path / "home", tmp_path / "xdg"
    home.mkdir()
    xdg.mkdir()
    result = _in_subprocess({"GRADSCAPE_CACHE_DIR": "off", "HOME": str(home),
                             "XDG_CACHE_HOME": str(xdg)})
    np.testing.assert_allclose(result["out"], _reference(), rtol=1e-12)
    assert result["hits"] == 0
    assert sorted(tmp_path.rglob("*")) == sorted([home, xdg])


def _race(cache: str, barrier, results) -> None:
    os.environ["GRADSCAPE_CACHE_DIR"] = cache
    barrier.wait()  # start together: all of them write, import and compile at once
    results.put(_run_kernel())


def test_concurrent_builds_produce_one_valid_kernel(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(3), ctx.Queue()
    workers = [ctx.Process(target=_race, args=(str(tmp_path), barrier, results))
               for _ in range(3)]
    for w in workers:
        w.start()
    outs = [results.get(timeout=180) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    reference = _reference()
    for out in outs:
        np.testing.assert_allclose(out["out"], reference, rtol=1e-12)
    kernels = tmp_path / "kernels"
    assert len(list(kernels.glob("gsk_*_float64_rc.py"))) == 1
    assert not list(kernels.glob(".*tmp"))  # no temporary files left behind
    after = _in_subprocess({"GRADSCAPE_CACHE_DIR": str(tmp_path)})
    assert (after["misses"], after["hits"]) == (0, 1)


def test_a_torn_source_file_is_rewritten(tmp_path):
    name = f"gsk_test_torn_{tmp_path.name}"
    (tmp_path / "kernels").mkdir()
    (tmp_path / "kernels" / f"{name}.py").write_text("VALUE = 4")  # cut short
    module = load_module(name, lambda on_disk: "VALUE = 42\n", tmp_path)
    assert module.VALUE == 42
    assert (tmp_path / "kernels" / f"{name}.py").read_text() == "VALUE = 42\n"


def test_an_unusable_cache_dir_falls_back_to_memory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    seen = []

    def source(on_disk: bool) -> str:
        seen.append(on_disk)
        return f"ON_DISK = {on_disk}\n"

    # one warning that says why and how to fix it, then kernels from memory
    with pytest.warns(CacheWarning, match=r"not creatable .*Fix: create it"):
        module = load_module(f"gsk_test_memory_{tmp_path.name}", source, blocker / "cache")
    assert module.ON_DISK is False and seen[-1] is False
