"""``skimage.transform.resize`` orders 1 and 3 (anti_aliasing=False) against the ``spline`` presets (float64).

scikit-image calls ``scipy.ndimage.zoom(..., grid_mode=True)`` with its ``mode='reflect'`` translated to
SciPy's ``'mirror'``. SciPy prefilters order 3 by a recursive filter, the preset by the
exact inverse (``consistent_resize.splines``): the same linear map up to float64 rounding, so the bound is a
few hundred ulps of ``max|x|`` (``BOUND``; measured in brackets, ``python tests/test_presets_skimage.py N``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from beside_cases import EXTREME, difference, extreme_image
from preset_cases import image_cases

pytest.importorskip("skimage.transform", reason="scikit-image is not installed (the numpy-2 leg, .venv-modern, has it)")
from consistent_resize_tools.libraries._skimage_calls import CALLS  # noqa: E402

#: max |skimage - preset| / max|x| the tests allow [measured: 3.5e-16 order 1, 1.8e-15 order 3, 2000 cases <= 64]
BOUND = 1e-14
PROVEN = [(call, preset, run) for call, preset, run in CALLS if preset != "ORDER0"]
counted = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("call,preset,run", PROVEN, ids=[c for c, _, _ in PROVEN])
@counted
@given(case=image_cases(64))
def test_resize_is_the_preset(call, preset, run, case, library_counter):
    x, size = case
    assert difference(run, preset, x, size, np.float64) <= BOUND, f"{call} {x.shape} -> {size}"
    library_counter("skimage")


@pytest.mark.parametrize("call,preset,run", PROVEN, ids=[c for c, _, _ in PROVEN])
@pytest.mark.parametrize("shapes", EXTREME, ids=str)
def test_extreme_ratios(call, preset, run, shapes):
    (shape, size) = shapes
    assert difference(run, preset, extreme_image(shape), size, np.float64) <= BOUND


def test_clip_changes_only_order_3():
    """``clip=True`` (scikit-image's default) clips to ``[min x, max x]``: no-op for order 1 (convex
    weights), a change for order 3 (overshoot), which is why ``skimage_cubic`` names ``clip=False``."""
    from consistent_resize_tools.libraries._skimage_calls import sk_resize

    x = extreme_image((8, 8))
    assert difference(lambda x, s: sk_resize(x, s, 3, clip=True), "skimage_cubic", x, (20, 20), np.float64) > 1e-3


if __name__ == "__main__":  # python tests/test_presets_skimage.py [cases]: the largest difference per call
    import sys

    from hypothesis import find, strategies as st  # noqa: F401

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rng = np.random.default_rng(1)
    for call, preset, run in PROVEN:
        worst = 0.0
        for _ in range(count):
            shape = tuple(int(v) for v in rng.integers(1, 65, 2))
            size = tuple(int(v) for v in rng.integers(1, 65, 2))
            worst = max(worst, difference(run, preset, rng.standard_normal(shape), size, np.float64))
        for shape, size in EXTREME:
            worst = max(worst, difference(run, preset, extreme_image(shape), size, np.float64))
        print(f"{call}: {preset} max {worst:.3g}")
