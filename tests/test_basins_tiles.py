"""Basin maps computed tile by tile in this process: labels against the NumPy reference loop
and the published minima, tiling independence, the merge rule by hand, stores that survive an
interruption, overviews against a brute-force mode, sweeps against the reference loop."""

from __future__ import annotations

import collections
import itertools

import numpy as np
import pytest

from gradscape.errors import DomainError
from gradscape.formula.library import lookup
from gradscape.optim.basins import (
    RADIUS,
    basin_map,
    compute_tile,
    map_spec,
    merge_centres,
    relabel,
)
from gradscape.optim.descend import descend

BOX = ((-5.0, 5.0), (-5.0, 5.0))


def _grid(n: int) -> np.ndarray:
    X, Y = np.meshgrid(np.linspace(-5, 5, n), np.linspace(-5, 5, n))
    return np.column_stack([X.ravel(), Y.ravel()])


def test_labels_match_the_reference_loop_and_the_published_minima():
    n, steps = 12, 400
    bm = basin_map("himmelblau", BOX, n, lr=0.01, steps=steps)
    # the outside reference: NumPy's loop, and the nearest published minimum within the radius
    ref = descend("himmelblau", _grid(n), "gd", lr=0.01, steps=steps, backend="numpy")
    mins = np.array([m.point for m in lookup("himmelblau").minima])
    d = np.linalg.norm(ref.final[:, None, :] - mins[None], axis=2)
    expected = np.where(d.min(axis=1) <= RADIUS * np.hypot(10, 10), d.argmin(axis=1), -1)
    assert bm.labels.ravel().tolist() == expected.tolist()
    assert len(expected) == 144 and (expected >= 0).sum() == 144
    assert np.allclose(bm.values.ravel(), ref.values, atol=1e-12)
    assert bm.values.dtype == np.float32 and bm.taken.dtype == np.uint16
    assert bm.taken.ravel().tolist() == ref.steps.tolist()
    assert bm.kinds == ("global minimum",) * 4 and bm.counts["converged"] == 144


def test_a_map_is_the_same_however_it_is_tiled():
    # no table of minima: every minimum is found by the runs and merged across tiles
    spec, _ = map_spec("himmelblau", BOX, 24, method="gd", lr=0.01, steps=300, tol=1e-8,
                       minima=np.empty((0, 2)))
    whole = compute_tile(spec, (0, 24), (0, 24))
    found, maps = merge_centres(0, [(whole.centres, whole.firsts)], spec.radius)
    one = relabel(whole.labels, maps[0])
    tiles = [compute_tile(spec, (r, r + 8), (c, c + 8), serial=True)
             for r, c in itertools.product(range(0, 24, 8), repeat=2)]
    found9, maps9 = merge_centres(0, [(t.centres, t.firsts) for t in tiles], spec.radius)
    nine = np.empty_like(one)
    for t, mapping in zip(tiles, maps9):
        nine[t.rows[0]:t.rows[1], t.cols[0]:t.cols[1]] = relabel(t.labels, mapping)
    assert np.array_equal(one, nine) and np.array_equal(found, found9)
    # the minima found are Himmelblau's four published ones, numbered by first start
    mins = np.array([m.point for m in lookup("himmelblau").minima])
    assert len(found) == 4
    assert all(np.linalg.norm(mins - p, axis=1).min() < 1e-6 for p in found)
    first = [int(np.flatnonzero(one.ravel() == k)[0]) for k in range(4)]
    assert first == sorted(first)


def test_merge_takes_centres_in_order_of_their_first_start():
    r = 0.1
    a = (np.array([[5.0, 5.0], [0.0, 0.0]]), np.array([40, 7]))  # tile a found two centres
    b = (np.array([[0.05, 0.0], [9.0, 9.0]]), np.array([3, 50]))  # b: near a's second, and new
    found, maps = merge_centres(2, [a, b], r)
    # order of first starts: b0 (3), a1 (7), a0 (40), b1 (50); a1 lies within r of b0
    assert found.tolist() == [[0.05, 0.0], [5.0, 5.0], [9.0, 9.0]]
    assert maps[0].tolist() == [3, 2] and maps[1].tolist() == [2, 4]
    labels = np.array([[-2, -3], [0, -1]], dtype=np.int16)
    assert relabel(labels, maps[0]).tolist() == [[3, 2], [0, -1]]
    assert relabel(relabel(labels, maps[0]), maps[0]).tolist() == [[3, 2], [0, -1]]


def test_bad_requests_are_refused():
    with pytest.raises(DomainError, match="16-bit"):
        map_spec("himmelblau", BOX, 8, method="gd", lr=0.01, steps=70_000, tol=1e-8)
    with pytest.raises(DomainError, match="lo < hi"):
        map_spec("himmelblau", ((1.0, -1.0), (0.0, 1.0)), 8, method="gd", lr=0.01, steps=10,
                 tol=1e-8)
    with pytest.raises(DomainError, match="n from 2"):
        map_spec("himmelblau", BOX, 1 << 20, method="gd", lr=0.01, steps=10, tol=1e-8)


def _mode(block: np.ndarray) -> int:
    counts = collections.Counter(block.ravel().tolist())
    top = max(counts.values())
    return min(v for v, c in counts.items() if c == top)


def test_overview_pixels_are_the_most_frequent_label_of_their_block():
    from gradscape.scale.stored import mode_reduce

    rng = np.random.default_rng(7)
    labels = rng.integers(-1, 4, size=(23, 29)).astype(np.int16)
    out = mode_reduce(labels, 4)
    checked = 0
    for i, j in itertools.product(range(out.shape[0]), range(out.shape[1])):
        assert out[i, j] == _mode(labels[4 * i:4 * i + 4, 4 * j:4 * j + 4])
        checked += 1
    assert checked == 6 * 8


_NO_DASK = "needs the dask extra: pip install 'gradscape[dask]' (make test installs it)"
zarr = pytest.importorskip("zarr", reason=_NO_DASK)


def test_store_survives_an_interruption_and_resumes_only_missing_tiles(tmp_path):
    from gradscape.scale.run import basins
    from gradscape.scale.store import MapStore

    path = str(tmp_path / "map.zarr")
    kw = {"n": 32, "lr": 0.01, "steps": 300, "chunks": 8, "x": BOX[0], "y": BOX[1]}
    calls = []

    def stop_after_three(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        basins("himmelblau", store=path, progress=stop_after_three, **kw)
    ms = MapStore.open(path)
    assert len(ms.missing()) == 16 - 3 and not ms.complete()
    # a tile whose data landed but whose done flag did not: it must not count as finished
    group = zarr.open_group(path, mode="r+")
    group["label"][8:16, 8:16] = 3
    with pytest.raises(DomainError, match="already exists"):
        basins("himmelblau", store=path, **kw)
    with pytest.raises(DomainError, match="lr differs"):
        basins("himmelblau", store=path, resume=True, **{**kw, "lr": 0.02})
    seen = []
    stored = basins("himmelblau", store=path, resume=True,
                    progress=lambda d, t: seen.append((d, t)), **kw)
    assert seen[-1] == (13 * 64, 13 * 64) and len(seen) == 13  # only the missing tiles ran
    fresh = basin_map("himmelblau", BOX, 32, lr=0.01, steps=300)
    whole = stored.load()
    assert np.array_equal(whole.labels, fresh.labels)
    assert np.array_equal(whole.values, fresh.values)
    assert np.array_equal(whole.taken, fresh.taken)
    assert np.allclose(stored.share(), fresh.share()) and stored.counts == fresh.counts
    assert sorted(group.array_keys()) == ["done", "label", "steps", "tile_centres",
                                          "tile_stats", "value"]


def test_stored_overview_reduces_block_by_block(tmp_path):
    from gradscape.scale.run import basins

    stored = basins("himmelblau", BOX[0], BOX[1], 40, lr=0.01, steps=200, chunks=16,
                    store=str(tmp_path / "m.zarr"))
    full = np.asarray(stored.labels[...])
    small = stored.overview(pixels=10)  # 4×4 blocks
    assert small.labels.shape == (10, 10)
    checked = 0
    for i, j in itertools.product(range(10), repeat=2):
        assert small.labels[i, j] == _mode(full[4 * i:4 * i + 4, 4 * j:4 * j + 4])
        checked += 1
    assert checked == 100
    assert small.x[0] == pytest.approx(np.linspace(-5, 5, 40)[:4].mean())
    assert np.allclose(small.share(), np.bincount(full.ravel(), minlength=4) / 1600)


def test_sweep_matches_the_reference_loop():
    from gradscape.optim.sweep import sweep_local

    starts = _grid(7)
    r = sweep_local("himmelblau", ["gd", "momentum"], [0.001, 0.02], starts, steps=150)
    checked = 0
    for i, m in enumerate(["gd", "momentum"]):
        for j, lr in enumerate([0.001, 0.02]):
            ref = descend("himmelblau", starts, m, lr=lr, steps=150, backend="numpy")
            st = np.asarray(ref.status)
            assert r.converged[i, j] == pytest.approx(np.mean(st == "converged"))
            assert r.diverged[i, j] == pytest.approx(np.mean(st == "diverged"))
            assert r.median_steps[i, j] == np.median(ref.steps)
            kept = ref.values[st != "diverged"].astype(np.float32).astype(float)
            if len(kept):
                assert r.median_value[i, j] == pytest.approx(np.median(kept), rel=1e-6,
                                                             abs=1e-30)
            checked += 1
    assert checked == 4
