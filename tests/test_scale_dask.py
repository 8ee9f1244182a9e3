"""The Dask path on a LocalCluster of worker processes (so every task and result is
serialized): maps equal to the in-process ones, a worker killed mid-run, an interrupted run
resumed, a map bigger than its workers' memory, a sweep. One cluster serves the module."""

from __future__ import annotations

import os
import resource
import signal
import time

import numpy as np
import pytest

_NO_DASK = "needs the dask extra: pip install 'gradscape[dask]' (make test installs it)"
pytest.importorskip("zarr", reason=_NO_DASK)
distributed = pytest.importorskip("distributed", reason=_NO_DASK)

from gradscape.optim.basins import basin_map  # noqa: E402
from gradscape.scale.run import basins  # noqa: E402
from gradscape.scale.store import MapStore  # noqa: E402

BOX = ((-5.0, 5.0), (-5.0, 5.0))
LIMIT = 320 * 2**20  # bytes of memory each worker is given


@pytest.fixture(scope="module")
def client():
    import dask

    # the memory limit is a hard cap: a worker above 95% of it is killed (and nothing spills
    # or pauses, which would hide a worker that holds too much)
    with dask.config.set({"distributed.worker.memory.target": False,
                          "distributed.worker.memory.spill": False,
                          "distributed.worker.memory.pause": False,
                          "distributed.worker.memory.terminate": 0.95}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           memory_limit=LIMIT, dashboard_address=":0")
        c = distributed.Client(cluster)
        # the loop is compiled here first, so the workers load it from the disk cache
        basin_map("himmelblau", BOX, 4, lr=0.01, steps=10)
        yield c
        c.close()
        cluster.close()


def _pids(client) -> set[int]:
    return set(client.run(os.getpid).values())


def _executing(dask_worker) -> int:
    return dask_worker.state.executing_count


def _busy(client) -> bool:
    """Whether a task still runs anywhere: the scheduler's view, and each worker's own (a task
    cancelled while running is forgotten by the scheduler but runs on, and may write its tile)."""
    return any(client.processing().values()) or any(client.run(_executing).values())


def _same(stored, ref) -> None:
    whole = stored.load()
    assert np.array_equal(whole.labels, ref.labels)
    assert np.array_equal(whole.values, ref.values)
    assert np.array_equal(whole.taken, ref.taken)
    assert np.array_equal(whole.minima, ref.minima) and whole.counts == ref.counts


def test_dask_map_equals_the_in_process_map(client, tmp_path):
    kw = {"lr": 0.01, "steps": 300}
    ref = basin_map("himmelblau", BOX, 64, **kw)
    stored = basins("himmelblau", *BOX, 64, chunks=16, scheduler=client,
                    store=str(tmp_path / "a.zarr"), **kw)
    _same(stored, ref)
    # no table of minima: the four are found by the tiles and merged after them
    ref0 = basin_map("himmelblau", BOX, 64, minima=np.empty((0, 2)), **kw)
    mem = basins("himmelblau", *BOX, 64, chunks=16, scheduler=client,
                 minima=np.empty((0, 2)), **kw)  # no store: a temporary one, loaded
    assert np.array_equal(mem.labels, ref0.labels) and len(mem.minima) == 4
    assert np.array_equal(mem.minima, ref0.minima)


def test_a_killed_worker_changes_nothing(client, tmp_path):
    kw = {"lr": 0.01, "steps": 6000, "tol": None}  # every start takes every step: ~0.1 s a tile
    ref = basin_map("himmelblau", BOX, 48, **kw)
    before = _pids(client)
    killed = []

    def kill_one(done: int, total: int) -> None:
        if not killed:
            victim = next(iter(client.run(os.getpid).values()))
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    stored = basins("himmelblau", *BOX, 48, chunks=12, scheduler=client,
                    store=str(tmp_path / "k.zarr"), progress=kill_one, **kw)
    assert killed and killed[0] in before
    client.wait_for_workers(2, timeout=60)
    assert killed[0] not in _pids(client)  # that process is gone; the nanny started another
    _same(stored, ref)


def test_an_interrupted_run_resumes_only_the_missing_tiles(client, tmp_path):
    kw = {"lr": 0.01, "steps": 3000, "tol": None, "chunks": 8}
    path = str(tmp_path / "r.zarr")
    ticks = []

    def interrupt(done: int, total: int) -> None:
        ticks.append(done)
        if len(ticks) == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        basins("himmelblau", *BOX, 32, scheduler=client, store=path, progress=interrupt, **kw)
    deadline = time.monotonic() + 30
    while _busy(client) and time.monotonic() < deadline:
        time.sleep(0.05)  # tasks already running finish (and write whole tiles) or are cancelled
    ms = MapStore.open(path)
    missing = ms.missing()
    assert 0 < len(missing) <= 16 - 4 and not ms.complete()
    seen = []
    stored = basins("himmelblau", *BOX, 32, scheduler=client, store=path, resume=True,
                    progress=lambda d, t: seen.append(t), **kw)
    assert seen and seen[-1] == 64 * len(missing)
    _same(stored, basin_map("himmelblau", BOX, 32, **{k: v for k, v in kw.items()
                                                       if k != "chunks"}))


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@pytest.mark.long  # ~10 min on 2 shared cores: make test-slow
def test_a_map_bigger_than_the_memory_of_its_workers(client, tmp_path):
    # 6656² starts × 8 bytes (label, value, steps) = 338 MiB, over the 320 MiB each worker has.
    # GD with lr 1/2 on x² + y² lands on the origin in one step (x - x = 0): every start
    # converges there after exactly one step, a closed form to check the stored map against.
    n = 6656
    assert n * n * 8 > LIMIT
    client.wait_for_workers(2, timeout=60)
    before = _pids(client)
    stored = basins("x^2 + y^2", (-3.0, 3.0), (-3.0, 3.0), n, lr=0.5, steps=1, chunks=512,
                    scheduler=client, store=str(tmp_path / "big.zarr"))
    assert _pids(client) == before  # no worker was killed for memory, or restarted
    peaks = client.run(_peak_rss)
    assert all(p < LIMIT for p in peaks.values()), peaks
    assert stored.counts == {"max-steps": 0, "converged": n * n, "diverged": 0}
    assert stored.kinds == ("minimum",) and stored.share().tolist() == [1.0]
    assert stored.overview(64).labels.tolist() == [[0] * 64] * 64
    corner = np.asarray(stored.taken[:300, -300:])
    assert (corner == 1).all() and (np.asarray(stored.values[-300:, :300]) == 0).all()


def test_dask_sweep_equals_the_in_process_sweep(client):
    from gradscape.scale.sweep import sweep

    kw = {"methods": ["gd", "momentum"], "lr": [0.001, 0.02], "starts": 12, "steps": 200}
    here = sweep("himmelblau", **kw)
    there = sweep("himmelblau", scheduler=client, part=50, **kw)
    for name in ("converged", "diverged", "median_steps", "median_value"):
        assert np.array_equal(getattr(here, name), getattr(there, name), equal_nan=True), name
    assert there.starts == 144
