"""``python tests/beside_measure.py MODULE [cases] [float32|float64]``: the largest ``max|call - preset| /
max|x|`` of every call in ``consistent_resize_tools.libraries.MODULE.CALLS`` over random cases of sizes
<= 64 plus ``beside_cases.EXTREME``: how the bounds of the suites of the libraries beside ours are measured."""

from __future__ import annotations

import importlib
import sys

import numpy as np

from beside_cases import EXTREME, difference, extreme_image

if __name__ == "__main__":
    module = importlib.import_module(f"consistent_resize_tools.libraries.{sys.argv[1]}")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    dtype = np.dtype(sys.argv[3] if len(sys.argv) > 3 else "float32")
    rng = np.random.default_rng(1)
    for call, preset, run in module.CALLS:
        worst = 0.0
        cases = [(tuple(int(v) for v in rng.integers(1, 65, 2)), tuple(int(v) for v in rng.integers(1, 65, 2)))
                 for _ in range(count)] + EXTREME
        for shape, size in cases:
            worst = max(worst, difference(run, preset, extreme_image(shape, int(rng.integers(2**31))), size, dtype))
        print(f"{call}: {preset} max {worst:.3g}", flush=True)
