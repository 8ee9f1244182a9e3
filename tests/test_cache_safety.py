"""The kernel cache cannot be used against its user: planted code never runs, unsafe
folders are refused with one warning, bad entries are rebuilt, failed writes fall back to
memory. Canaries are files that planted code would create if it ever ran."""

from __future__ import annotations

import errno
import os
import pickle
import py_compile
import shutil
import warnings
from pathlib import Path

import pytest

from gradscape.compile import cache, numba_cache
from gradscape.compile.cache import load_module
from gradscape.compile.numba_cache import CacheWarning

pytest.importorskip("numba")

# One tiny Numba function, compiled eagerly on import so every load touches the cache.
SOURCE = '''from numba import njit
@njit("float64(float64)", cache={cache})
def square_plus_one(x):
    return x * x + 1.0
'''


def _source(on_disk: bool) -> str:
    return SOURCE.format(cache=on_disk)


class _Canary:
    """Unpickling this writes ``path``: what a planted Numba index could do."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.write_text, (self.path, "planted code ran"))


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    # Every test loads modules anew (the in-process registry would hand back old ones),
    # and sees each warning afresh.
    monkeypatch.setattr(cache, "_LOADED", {})
    monkeypatch.setattr("gradscape.compile.numba_cache._WARNED", set())


def _load(name: str, directory: Path):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        module = load_module(name, _source, directory)
    assert module.square_plus_one(3.0) == 10.0  # 3² + 1 by hand
    return module, [str(w.message) for w in seen if issubclass(w.category, CacheWarning)]


def _compiled(module) -> tuple[int, int]:
    stats = module.square_plus_one.stats
    return sum(stats.cache_hits.values()), sum(stats.cache_misses.values())


def _plant(root: Path, name: str, canary: Path) -> list[Path]:
    """Replace every file of module ``name`` under ``root`` by planted code."""
    kernels = root / "kernels"
    (kernels / f"{name}.py").write_text(f"open({str(canary)!r}, 'w').write('ran')\n")
    pyc = kernels / "__pycache__" / f"{name}.cpython-311.pyc"  # loaded without a check
    planted_src = kernels / "planted.py"
    planted_src.write_text(f"open({str(canary)!r}, 'w').write('ran')\n")
    py_compile.compile(str(planted_src), cfile=str(pyc),
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    planted_src.unlink()
    pickles = sorted((kernels / "__pycache__").glob(f"{name}.*.nb[ic]"))
    for path in pickles:
        path.write_bytes(pickle.dumps(_Canary(canary)))
    return pickles


def test_a_planted_cache_in_a_folder_others_can_write_never_runs(tmp_path):
    name = f"gst_planted_{os.getpid()}"
    good, shared = tmp_path / "good", tmp_path / "shared"
    _load(name, good)  # a real cache: its files' names are what an attacker would predict
    shutil.copytree(good, shared)
    canary = tmp_path / "canary"
    pickles = _plant(shared, name, canary)
    assert len(pickles) == 2  # one index, one data file
    pickle.loads(pickles[0].read_bytes())  # the canary works when the pickle is loaded...
    assert canary.exists()
    canary.unlink()
    for folder in (shared, shared / "kernels", shared / "kernels" / "__pycache__"):
        os.chmod(folder, 0o777)  # ...and each of these makes the cache unsafe on its own
        cache._LOADED.clear()
        module, said = _load(name, shared)
        assert not canary.exists()
        assert module.__file__.startswith("<")  # compiled in memory
        assert len(said) == 1 and "writable by other users" in said[0] and "chmod 700" in said[0]
        os.chmod(folder, 0o700)
        cache._LOADED.clear()
        numba_cache._WARNED.clear()


def test_planted_source_and_bytecode_in_a_private_cache_are_never_run(tmp_path):
    name = f"gst_private_{os.getpid()}"
    _load(name, tmp_path)
    canary = tmp_path / "canary"
    _plant(tmp_path, name, canary)
    for path in (tmp_path / "kernels" / "__pycache__").glob(f"{name}.*.nb[ic]"):
        path.unlink()  # Numba's own files are trusted here: the folder is private
    cache._LOADED.clear()
    module, said = _load(name, tmp_path)
    assert not canary.exists() and said == []
    assert module.__file__ == str(tmp_path / "kernels" / f"{name}.py")
    assert (tmp_path / "kernels" / f"{name}.py").read_text() == _source(True)


def test_a_symlinked_cache_folder_is_refused(tmp_path):
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    module, said = _load(f"gst_link_{os.getpid()}", link)
    assert module.__file__.startswith("<")
    assert len(said) == 1 and "symbolic link" in said[0]
    assert list(real.iterdir()) == []  # nothing written through the link


def test_a_cache_under_a_folder_others_can_rename_is_refused(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)  # no sticky bit: anyone could swap our folder for theirs
    module, said = _load(f"gst_parent_{os.getpid()}", shared / "mine")
    assert module.__file__.startswith("<")
    assert len(said) == 1 and f"{shared} is writable by other users" in said[0]
    os.chmod(shared, 0o1777)  # with the sticky bit (as /tmp) only we can rename ours
    cache._LOADED.clear()
    module, said = _load(f"gst_parent_{os.getpid()}", shared / "mine")
    assert said == [] and not module.__file__.startswith("<")
    assert (shared / "mine").stat().st_mode & 0o777 == 0o700


@pytest.mark.skipif(os.getuid() != 0, reason="only root can give a folder to another user")
def test_a_cache_folder_owned_by_another_user_is_refused(tmp_path):
    other = tmp_path / "other"
    other.mkdir(mode=0o700)
    os.chown(other, 65534, 65534)
    module, said = _load(f"gst_owner_{os.getpid()}", other)
    assert module.__file__.startswith("<")
    assert len(said) == 1 and "owned by another user" in said[0]


@pytest.mark.parametrize("suffix", [".nbi", ".nbc", ".py"])
def test_a_truncated_entry_is_discarded_and_rebuilt(tmp_path, suffix):
    name = f"gst_torn_{suffix[1:]}_{os.getpid()}"
    first, said = _load(name, tmp_path)
    assert _compiled(first) == (0, 1) and said == []
    kernels = tmp_path / "kernels"
    torn = sorted(kernels.rglob(f"{name}*{suffix}"))
    assert len(torn) == 1
    torn[0].write_bytes(torn[0].read_bytes()[: len(torn[0].read_bytes()) // 2])
    cache._LOADED.clear()
    second, said = _load(name, tmp_path)  # the torn entry is a miss: compiled again
    if suffix == ".py":  # rewritten as generated: Numba's code for that very text is good
        assert (kernels / f"{name}.py").read_text() == _source(True)
        assert _compiled(second) == (1, 0) and said == []
        return
    assert _compiled(second) == (0, 1) and said == []
    cache._LOADED.clear()
    third, said = _load(name, tmp_path)  # and saved again: the next run loads it
    assert _compiled(third) == (1, 0) and said == []


def test_garbage_in_the_index_is_a_miss(tmp_path):
    name = f"gst_garbage_{os.getpid()}"
    _load(name, tmp_path)
    (index,) = (tmp_path / "kernels" / "__pycache__").glob(f"{name}*.nbi")
    index.write_bytes(os.urandom(200))
    cache._LOADED.clear()
    module, said = _load(name, tmp_path)
    assert _compiled(module) == (0, 1) and said == []


def test_a_full_disk_while_writing_the_source_falls_back_to_memory(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cache.tempfile, "mkstemp", full)
    module, said = _load(f"gst_full_{os.getpid()}", tmp_path)
    assert module.__file__.startswith("<")
    assert len(said) == 1 and "No space left on device" in said[0]
    _, said = _load(f"gst_full2_{os.getpid()}", tmp_path)
    assert said == []  # one warning per run, not one per kernel


def test_a_full_disk_while_saving_machine_code_keeps_it_in_memory(tmp_path, monkeypatch):
    from numba.core import caching

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(caching.IndexDataCacheFile, "_save_data", full)
    module, said = _load(f"gst_nosave_{os.getpid()}", tmp_path)
    assert _compiled(module) == (0, 1)
    assert len(said) == 1 and "could not save compiled kernels" in said[0]
    assert not list((tmp_path / "kernels" / "__pycache__").glob("*.nbc"))


_RACER = """
import sys, time
from pathlib import Path
from gradscape.compile.cache import load_module
source = sys.argv[3]
while not Path(sys.argv[2]).exists():  # start together
    time.sleep(0.005)
module = load_module(sys.argv[1], lambda on_disk: source.format(cache=on_disk), Path(sys.argv[4]))
stats = module.square_plus_one.stats
print(module.square_plus_one(3.0), sum(stats.cache_hits.values()),
      sum(stats.cache_misses.values()), module.__file__)
"""


def test_eight_processes_compiling_the_same_module_at_once_all_succeed(tmp_path):
    import subprocess
    import sys

    name, go = f"gst_race_{os.getpid()}", tmp_path / "go"
    env = {**os.environ}
    env.pop("NUMBA_CACHE_DIR", None)
    racers = [subprocess.Popen([sys.executable, "-c", _RACER, name, str(go), SOURCE,
                                str(tmp_path / "cache")], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _ in range(8)]
    go.touch()
    outs = [r.communicate(timeout=120) for r in racers]
    assert [r.returncode for r in racers] == [0] * 8, [err for _, err in outs]
    rows = [out.split() for out, _ in outs]
    assert all(row[0] == "10.0" for row in rows)  # 3² + 1
    assert all(row[3] == str(tmp_path / "cache" / "kernels" / f"{name}.py") for row in rows)
    assert sum(int(row[2]) for row in rows) == 1  # one compiled, seven loaded its code
    assert not list((tmp_path / "cache" / "kernels").glob(".*tmp"))
