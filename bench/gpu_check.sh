#!/usr/bin/env bash
# The device check of the CUDA backend, in one command, on a machine with an NVIDIA GPU:
#   1. what is here (GPU, driver, numba-cuda, JAX, CuPy; whether -fma=0 reaches NVVM);
#   2. correctness against the CPU: the tests marked gpu (GD and momentum against the fused
#      CPU loop to 1e-12, basin labels but at boundaries, fields, the 8,192² CLI map) and
#      the Hopper PTX test (no fused multiply-add, no local memory);
#   3. throughput: python -m bench gpu (gradscape vs JAX and CuPy, the 8,192² basin map).
# Run from the repository root:  bash bench/gpu_check.sh [--quick]
# About 4 minutes, 7.5 at most (--quick: 2); each stage has its own timeout, so a hang costs one stage.
# Logs go to $OUT (the device tool's folder) or out/gpu-check. Without a GPU it says so and
# stops after stage 1 with exit status 0.
set -uo pipefail
here=${OUT:-out/gpu-check}
mkdir -p "$here"
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 PYTHONPATH="src:.${PYTHONPATH:+:$PYTHONPATH}"
export XLA_PYTHON_CLIENT_PREALLOCATE=false
export GRADSCAPE_CACHE_DIR="${GRADSCAPE_CACHE_DIR:-$(mktemp -d)}"
quick=${1:-}

echo "== 1. what is here" | tee "$here/env.txt"
nvidia-smi -L 2>&1 | tee -a "$here/env.txt"
$PY - <<'PY' 2>&1 | tee -a "$here/env.txt"
import importlib.metadata as md
import sys
print("python", sys.version.split()[0])
for name in ("numpy", "sympy", "numba", "numba-cuda", "jax", "jaxlib", "cupy-cuda13x",
             "cupy-cuda12x"):
    try:
        print(f"{name} {md.version(name)}")
    except md.PackageNotFoundError:
        pass
from gradscape.compile.cuda import environment, gpu_present
for key, value in environment().items():
    print(f"{key}: {value}")
sys.exit(0 if gpu_present() else 3)
PY
if [ $? -ne 0 ]; then
    echo "no usable CUDA GPU here: nothing to check (see the lines above for what is missing)"
    exit 0
fi

echo "== 2. correctness against the CPU" | tee "$here/tests.txt"
timeout 200 $PY -m pytest -p no:cacheprovider -q -rA -s tests/test_cuda.py \
    -k "on_the_gpu or hopper" 2>&1 | tee -a "$here/tests.txt"
tests=${PIPESTATUS[0]}

echo "== 3. throughput" | tee "$here/bench.txt"
timeout 240 $PY -m bench gpu $quick 2>&1 | tee -a "$here/bench.txt"
bench=${PIPESTATUS[0]}

echo "== done: tests exit $tests, bench exit $bench; logs in $here"
[ "$tests" -eq 0 ] && [ "$bench" -eq 0 ]
