#!/usr/bin/env bash
# The CUDA part of issue 8, one short script for whenever a machine with a GPU is at hand:
#   1. CUDA agreement and determinism checks of the PyTorch and TensorFlow layers (benchmarks/gpu_check.py);
#   2. the CUDA rows of the benchmark (PyTorch and TensorFlow; JSON in $OUT/bench-cuda.json);
#   3. the suite's own CUDA / determinism tests (they skip without a GPU).
# A framework that sees no GPU is skipped with a message, so the script also runs (and says so) without one.
# Usage: benchmarks/gpu_check.sh        (PYTHON=... to choose the interpreter, OUT=... for the JSON folder)
set -uo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
OUT="${OUT:-/tmp}"
mkdir -p "$OUT"
status=0
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
"$PY" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'available', torch.cuda.is_available())" || true

echo "== 1. agreement and determinism on CUDA"
"$PY" benchmarks/gpu_check.py --device cuda || status=1

echo "== 2. benchmark, CUDA rows"
"$PY" benchmarks/bench.py --device cuda --frameworks torch,tf --json "$OUT/bench-cuda.json" || status=1

echo "== 3. the suite's CUDA, CuPy and determinism tests"
tests=$(ls tests/test_torch*.py tests/test_tf*.py tests/test_chainer_cupy.py 2>/dev/null)
"$PY" -m pytest -q -p no:cacheprovider -k "cuda or gpu or cupy or determinis" $tests
rc=$?
if [ "$rc" -eq 5 ]; then
    echo "no test selected by -k 'cuda or gpu or determinis'"
elif [ "$rc" -ne 0 ]; then
    status=1
fi
echo "gpu_check.sh: exit $status"
exit $status
