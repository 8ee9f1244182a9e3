"""The CUDA backend: kernels under Numba's CUDA simulator against closed forms, published
minima and the CPU loops; clear refusals and fallbacks where no GPU is; the compiled device
code (PTX) where NVVM is installed; and, with a ``gpu`` marker, runs on a real device.

The simulator must be switched on before Numba is imported, so each simulator check runs in
a process of its own (tests/cuda_sim.py prints its numbers; the tests here judge them). It
runs Python arithmetic, thread by thread: inputs are tiny.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gradscape.errors import DomainError
from gradscape.formula.library import lookup

HERE = Path(__file__).parent
STATUS = {"max-steps", "converged", "diverged"}


@cache
def sim(check: str) -> Any:
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1", "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run([sys.executable, str(HERE / "cuda_sim.py"), check], env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def arr(rows: Any) -> np.ndarray:
    return np.array(rows, dtype=float)  # JSON null (NaN or inf in the run) becomes nan


def gpu_present() -> bool:
    from gradscape.compile.cuda import gpu_present

    return gpu_present()


# ---- the simulator ------------------------------------------------------------------------
def test_the_simulator_runs_the_kernels_and_auto_never_picks_it():
    env = sim("environment")
    assert "simulator" in env["device"] and env["gpu_present"] is False
    assert env["NUMBA_ENABLE_CUDASIM"] == "1"


def test_gradient_descent_on_a_bowl_follows_the_closed_form():
    # x² + 3y² with lr 0.05: x_k = 0.9^k x_0, y_k = 0.7^k y_0; 40 fixed steps are two
    # unchecked chunks (16 + 24) on the device.
    got = sim("bowl")
    starts = np.array([[1.0, 1.0], [-2.0, 0.5], [0.25, -3.0]])
    k = np.arange(41)[:, None]
    expect = np.array([0.9, 0.7]) ** k * starts[1]
    np.testing.assert_allclose(arr(got["path"]), expect, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(arr(got["final"]), np.array([0.9, 0.7]) ** 40 * starts,
                               rtol=1e-12)
    assert got["steps"] == [40, 40, 40] and got["status"] == ["max-steps"] * 3
    assert got["evals"] == [[0, 41, 0]] * 3  # ∇f at every point visited


def test_divergence_is_found_inside_a_chunk_at_the_predicted_step():
    # GD on x² with lr 1.5: x_k = (−2)^k, diverged once |x|² + |f'|² = 5·4^k > 1e200. Without
    # tol the device runs unchecked chunks, so the chunk that crosses is replayed.
    k = next(k for k in range(1000) if 5 * 4**k > 10**200)
    got = sim("blowup")
    for tol in ("None", "1e-08"):
        assert got[tol] == {"status": "diverged", "steps": k, "final": (-2.0) ** k}
    assert got["batch"]["status"] == ["diverged", "max-steps"]  # 0 stays put, to the end
    assert got["batch"]["steps"] == [k, 1000]


def test_every_kernel_method_agrees_with_the_reference_loop():
    from gradscape.optim.cuda import kernel_methods

    runs = sim("methods")
    assert {key.split()[0] for key in runs} == set(kernel_methods())
    # (the fused Numba loop agrees with the reference loop: tests/test_descend.py; against
    # the GPU directly on a real device, below, and in python -m bench gpu)
    assert _agree(runs) == 2 * 9  # two tolerances
    statuses = {s for by in runs.values() for s in by["cuda"]["status"]}
    assert statuses == STATUS  # the runs reach all three endings


def _agree(runs: dict[str, Any]) -> int:
    """Judge each GPU run against each CPU loop's; how many pairs were judged."""
    checked = 0
    for key, by in runs.items():
        gpu = by["cuda"]
        assert set(gpu["status"]) <= STATUS
        for cpu in (by[b] for b in ("numpy", "numba") if b in by):
            assert gpu["status"] == cpu["status"], key
            assert gpu["steps"] == cpu["steps"], key
            assert gpu["evals"] == cpu["evals"], key
            for field in ("final", "values", "grad_norms"):
                np.testing.assert_allclose(arr(gpu[field]), arr(cpu[field]), rtol=1e-12,
                                           atol=1e-300, err_msg=f"{key} {field}")
            checked += 1
    return checked


def test_one_start_keeps_its_whole_path_as_on_the_cpu():
    for method, by in sim("paths").items():
        gpu, cpu = by["cuda"], by["numpy"]
        assert (gpu["status"], gpu["evaluations"]) == (cpu["status"], cpu["evaluations"])
        for field in ("points", "values", "grad_norms"):
            np.testing.assert_allclose(arr(gpu[field]), arr(cpu[field]), rtol=1e-12,
                                       atol=1e-300, err_msg=f"{method} {field}")
    assert len(sim("paths")) == 3


def test_float32_on_request_reaches_the_published_minima():
    got = sim("float32")
    assert got["status"] == ["converged"] * 4
    assert all(g < 1e-3 for g in got["grad_norms"])  # tol 1e-3, in float32
    minima = np.array([m.point for m in lookup("himmelblau").minima])
    for point in arr(got["final"]):
        assert np.abs(minima - point).max(axis=1).min() < 1e-3


def test_basin_labels_match_the_basin_map_and_the_minima():
    got = sim("basins")
    labels, cpu = np.array(got["labels"]), np.array(got["cpu"])
    assert got["dtypes"] == ["int16", "float32", "uint16", "int8"]
    assert labels.shape == (6, 7)
    # Labels may differ only within one cell of a boundary of the CPU's map.
    differ = np.argwhere(labels != cpu)
    for r, c in differ:
        block = cpu[max(r - 1, 0):r + 2, max(c - 1, 0):c + 2]
        assert len(np.unique(block)) > 1, (r, c)
    assert len(differ) == 0  # the simulator's arithmetic is the CPU's: none at all here
    assert set(labels.ravel()) == {0, 1, 2, 3}  # every published minimum has a basin
    # f at each labelled start's end is (float32) 0, as at the minima themselves
    assert np.abs(np.array(got["values"])).max() < 1e-6
    # left out of the table, the fourth minimum's starts are "converged elsewhere" (-2)
    few = np.array(got["few"])
    assert np.array_equal(few == -2, labels == 3)
    assert (few[labels != 3] == labels[labels != 3]).all()
    codes, steps = np.array(got["codes"]), np.array(got["steps"])
    assert set(codes.ravel()) <= {0, 1, 2}
    assert (steps[codes == 0] == 300).all() and (steps[codes == 1] <= 300).all()
    # float32 and fixed steps: the same basins
    assert np.array_equal(np.array(got["float32"]), labels)
    assert (np.array(got["float32_steps"]) == 300).all()
    # basin_map with backend "cuda": the CPU's map, its status counts and its rate
    assert got["mapped"] == got["cpu_full"]
    assert got["mapped_counts"] == got["cpu_counts"] and got["mapped_lr"] == 0.01
    # (x²−1)² + y² with only (1, 0) in the table: the starts left of the ridge x = 0
    # converge to (−1, 0) on both sides, found as a new centre
    (gpu, gpu_centres, gpu_counts), (cpu, cpu_centres, cpu_counts) = got["half"].values()
    assert gpu == cpu and gpu_counts == cpu_counts
    np.testing.assert_allclose(gpu_centres, [[1.0, 0.0], [-1.0, 0.0]], atol=1e-3)
    np.testing.assert_allclose(gpu_centres, cpu_centres, rtol=1e-12)
    xs = np.linspace(-2.0, 2.0, 6)
    assert (np.array(gpu) == np.where(xs < 0, 1, 0)[None, :]).all()


def test_field_kernels_agree_with_the_cpu():
    got = sim("fields")
    assert len(got) == 8
    for key, (gpu, cpu) in got.items():
        gpu, cpu = arr(gpu), arr(cpu)
        assert np.array_equal(np.isnan(gpu), np.isnan(cpu)), key
        if key.startswith("himmelblau"):  # a polynomial: the same operations, the same bits
            assert np.array_equal(gpu, cpu), key
        rtol = 4e-7 if "float32" in key else 4e-15  # libm and scalar helpers: a few ulps
        np.testing.assert_allclose(gpu, cpu, rtol=rtol, atol=rtol, err_msg=key)


def test_methods_without_a_kernel_and_non_formulas_are_refused_clearly():
    said = sim("refusals")
    assert "armijo has no GPU kernel; use backend 'numba' or 'numpy'" in said["armijo"]
    assert "needs a formula" in said["callable"]
    assert "np.float64 (or np.float32 with backend='cuda')" in said["float16"]


# ---- no GPU here: refusals and fallbacks --------------------------------------------------
no_gpu = pytest.mark.skipif("gpu_present()", reason="a GPU is present")


@no_gpu
def test_asking_for_cuda_without_a_gpu_says_what_is_missing():
    from gradscape.optim.descend import descend

    with pytest.raises(DomainError, match=r"backend 'cuda' needs an NVIDIA GPU.*"
                       r"gradscape\[cuda\].*backend 'auto' or 'numba'"):
        descend("himmelblau", [1.0, 1.0], "gd", backend="cuda")
    from gradscape.calculus.function import Function

    with pytest.raises(DomainError, match="needs an NVIDIA GPU"):
        Function("x^2 + y").kernel("value_grad")(1.0, 2.0, backend="cuda")
    with pytest.raises(DomainError, match="float32 descent runs on the GPU only"):
        descend("himmelblau", [1.0, 1.0], "gd", dtype=np.float32)


@no_gpu
def test_auto_stays_on_the_cpu_without_a_gpu():
    from gradscape.optim.descend import _check_backend, as_function
    from gradscape.optim.optimizers import OPTIMIZERS

    f = as_function("himmelblau")
    assert _check_backend("auto", f, OPTIMIZERS["gd"], 1 << 20, 1 << 20) == "numba"


@no_gpu
def test_cli_descend_with_cuda_fails_in_one_line_and_plot_basins_falls_back(tmp_path):
    from gradscape.cli.main import main

    proc = subprocess.run([sys.executable, "-m", "gradscape", "descend", "himmelblau",
                           "--start", "1,1", "--backend", "cuda"], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("gradscape: error: backend 'cuda' needs an NVIDIA GPU")
    assert proc.stderr.count("\n") == 1
    out = tmp_path / "map.png"
    assert main(["plot", "basins", "x^2 + y^2", "-n", "6", "--steps", "20", "--backend",
                 "cuda", "-o", str(out), "--json"]) == 0
    assert out.stat().st_size > 0


# ---- the compiled device code (needs NVVM: pip install 'gradscape[cuda]') ----------------
PTX_SCRIPT = """
import json, sys, types
import numba.cuda.dispatcher as d
# Device functions are compiled for the current device; with none, say it is a Hopper.
d.get_current_device = lambda: types.SimpleNamespace(compute_capability=(9, 0))
import numpy as np
from numba import cuda, typeof
from gradscape.calculus.function import Function
from gradscape.compile.cuda import exact
from gradscape.optim import cuda as gc
from gradscape.optim.optimizers import OPTIMIZERS
out = {}
for text, method, kind, dtype, contract in json.loads(sys.argv[1]):
    f, opt = Function(text), OPTIMIZERS[method]
    kernel = gc.build_kernel(f, opt, dtype, kind)
    rates = np.full(3, 0.01)
    if kind == "descent":
        args = gc.descent_args(opt, {}, np.zeros((4, len(f.symbols))), rates, 3, 1e-16,
                               np.array([0]), dtype)
    else:
        args = gc.basin_args(opt, {}, np.zeros(2), np.zeros(2), rates, 3, 1e-16,
                             np.zeros((1, 2)), 0.1, dtype)
    sig = tuple(typeof(a) for a in args)
    if contract:  # NVVM's default, for contrast
        ptx, _ = cuda.compile_ptx(kernel.py_func, sig, cc=(9, 0))
    else:
        with exact():
            ptx, _ = cuda.compile_ptx(kernel.py_func, sig, cc=(9, 0))
    out[" ".join((text, method, kind, dtype, "fma" * contract))] = ptx
print(json.dumps(out))
"""


@cache
def nvvm_here() -> bool:
    proc = subprocess.run([sys.executable, "-c", "from numba import cuda; import numba; "
                           "cuda.compile_ptx(lambda a: None, (numba.float64[:],), cc=(9, 0))"],
                          capture_output=True, timeout=300)
    return proc.returncode == 0


@pytest.mark.skipif("not nvvm_here()", reason="no NVVM here (pip install 'gradscape[cuda]')")
def test_device_code_compiles_for_hopper_in_registers_without_contraction():
    cases = [("himmelblau", "gd", "descent", "float64", False),
             ("himmelblau", "momentum", "basin", "float64", False),
             ("himmelblau", "gd", "descent", "float32", False),
             ("rosenbrock", "rmsprop", "descent", "float64", False),
             ("himmelblau", "gd", "descent", "float64", True)]
    proc = subprocess.run([sys.executable, "-c", PTX_SCRIPT, json.dumps(cases)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    ptx = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(ptx) == len(cases)
    # NVVM contracts by default: the switch is what keeps products and sums apart
    assert ptx.pop("himmelblau gd descent float64 fma").split(".entry")[1].count("fma.rn") > 0
    for key, code in ptx.items():
        assert ".entry" in code, key
        assert "fma.rn" not in code, key  # no product and sum fused into one rounding
        assert ".local" not in code, key  # the loop's state stays in registers
        if "float32" in key:
            assert ".f64" not in code.split(".entry")[1], key  # no float64 arithmetic


# ---- a real GPU ---------------------------------------------------------------------------
@pytest.mark.gpu
@pytest.mark.skipif("not gpu_present()", reason="no CUDA GPU here")
def test_on_the_gpu_gd_and_momentum_agree_with_the_fused_cpu_loop():
    from gradscape.optim.descend import descend

    starts = np.random.default_rng(3).uniform(-5, 5, (4096, 2))
    for method in ("gd", "momentum"):
        gpu = descend("himmelblau", starts, method, lr=0.01, steps=500, backend="cuda")
        cpu = descend("himmelblau", starts, method, lr=0.01, steps=500, backend="numba")
        assert np.array_equal(gpu.status_codes, cpu.status_codes)
        assert np.array_equal(gpu.steps, cpu.steps)
        np.testing.assert_allclose(gpu.final, cpu.final, rtol=1e-12, atol=1e-300)


@pytest.mark.gpu
@pytest.mark.skipif("not gpu_present()", reason="no CUDA GPU here")
def test_on_the_gpu_basin_labels_match_the_cpu_map_but_at_boundaries():
    from gradscape.optim.cuda import basin_labels
    from gradscape.plot.basins import basin_map

    minima = np.array([m.point for m in lookup("himmelblau").minima])
    cpu = basin_map("himmelblau", ((-5, 5), (-5, 5)), 256, method="gd", lr=0.01, steps=500,
                    minima=minima)
    got = basin_labels("himmelblau", cpu.x, cpu.y, "gd", lr=0.01, steps=500, minima=minima,
                       radius=0.02 * np.hypot(10, 10))
    differ = np.argwhere(got.labels != cpu.labels)
    for r, c in differ:
        assert len(np.unique(cpu.labels[max(r - 1, 0):r + 2, max(c - 1, 0):c + 2])) > 1


def test_the_benchmark_runs_its_tables_on_the_simulator():
    # bench/gpu.py at toy sizes: its agreement and basin tables judge the kernels against
    # the CPU loops, so their lines are the numbers to check.
    text = sim("bench")
    assert text.count("statuses equal 100.0000%, steps equal 100.0000%, finals within 1e-12 "
                      "relative 100.0000%") == 2  # gd and momentum
    assert "4² map against the CPU's: 0 labels differ" in text
    assert "point-steps/s" in text


def test_a_map_too_big_for_a_mesh_is_drawn_as_an_image_with_the_cells_in_place():
    # A GPU's 8,192² map would be 67 million mesh cells: past 1,024² it is one image. Labels
    # by hand (the left half of the box is basin 1), so the picture's pixels can be checked.
    from matplotlib.colors import to_rgb
    from matplotlib.figure import Figure
    from matplotlib.image import AxesImage

    from gradscape.calculus.function import Function
    from gradscape.plot.basins import BasinMap, basins
    from gradscape.plot.scales import LINE_COLORS

    x = np.linspace(-2.0, 2.0, 1100)
    y = np.linspace(-1.0, 1.0, 1030)
    labels = np.broadcast_to(np.where(x < 0, 1, 0), (len(y), len(x))).copy()
    bm = BasinMap(Function("(x^2 - 1)^2 + y^2"), x, y, labels, np.array([[1.0, 0], [-1, 0]]),
                  2, {"converged": labels.size}, "gd", 100, 0.05)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(4, 3), dpi=50)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    drawn = basins(ax, bm, contours=False)
    image = drawn.artists["image"]
    assert isinstance(image, AxesImage)
    step = 4.0 / 1099
    np.testing.assert_allclose(image.get_extent(), [-2 - step / 2, 2 + step / 2,
                                                   -1 - 1 / 1029, 1 + 1 / 1029])
    fig.canvas.draw()
    rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    bbox = ax.get_window_extent()
    row = int(fig.bbox.height - (bbox.y0 + bbox.y1) / 2)
    left, right = rgb[row, int(bbox.x0) + 3] / 255, rgb[row, int(bbox.x1) - 3] / 255
    np.testing.assert_allclose(left, to_rgb(LINE_COLORS[1]), atol=2 / 255)  # basin 1
    np.testing.assert_allclose(right, to_rgb(LINE_COLORS[0]), atol=2 / 255)  # basin 0


@pytest.mark.gpu
@pytest.mark.skipif("not gpu_present()", reason="no CUDA GPU here")
def test_on_the_gpu_fields_agree_with_the_cpu():
    from gradscape.fields.field import field

    for text in ("himmelblau", "ackley"):
        gpu = field(text, n=512, backend="cuda").data
        cpu = field(text, n=512, backend="numba").data
        assert np.array_equal(np.isnan(gpu), np.isnan(cpu)), text
        np.testing.assert_allclose(gpu, cpu, rtol=4e-15, atol=4e-15, err_msg=text)


@pytest.mark.gpu
@pytest.mark.skipif("not gpu_present()", reason="no CUDA GPU here")
def test_on_the_gpu_the_cli_draws_an_8192_basin_map(tmp_path, capsys):
    # The "done when": plot basins himmelblau --n 8192 --backend cuda -o map.png
    import time

    from gradscape.cli.main import main

    out = tmp_path / "map.png"
    t0 = time.perf_counter()
    assert main(["plot", "basins", "himmelblau", "--n", "8192", "--backend", "cuda",
                 "-o", str(out), "--json"]) == 0
    took = time.perf_counter() - t0
    summary = json.loads(capsys.readouterr().out)
    assert summary["starts"] == 8192 ** 2
    shares = [m["share"] for m in summary["minima"]]
    assert len(shares) == 4 and min(shares) > 0.15  # four basins of about a quarter each
    assert out.stat().st_size > 0
    print(f"plot basins --n 8192 --backend cuda: {took:.1f} s end to end")
