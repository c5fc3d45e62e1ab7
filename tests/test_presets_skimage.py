"""``skimage.transform.resize`` (scikit-image 0.26, float64) against its presets.

scikit-image calls ``scipy.ndimage.zoom(..., grid_mode=True)`` (``half_pixel``, ``r = in / out`` in float64)
with its ``mode='reflect'`` translated to SciPy's ``'mirror'``; orders 1 and 3 are the ``spline`` presets
(``consistent_resize.splines``), order 0 is ``skimage_nearest`` (exact: float64 coordinates decide its
ties, where the float32 presets such as ``pytorch_nearest_exact`` pick other pixels). ``anti_aliasing``
(its default when an axis is downsized) blurs first with ``sigma = (in / out - 1) / 2``
(``gaussian_preblur=1``, ``consistent_resize.blur``). SciPy prefilters order 3 by a recursive filter, the
preset by the exact inverse: the same linear map up to float64 rounding (``BOUNDS``; measured in brackets
over 1000 cases of sizes <= 64 plus ``beside_cases.EXTREME``: ``python tests/beside_measure.py
_skimage_calls 1000 float64``).
"""

from __future__ import annotations

import numpy as np
import pytest

from beside_cases import difference, extreme_image, preset_suite
from consistent_resize import axis_table, resize
from consistent_resize.presets import EXTENSION_PRESETS

pytest.importorskip("skimage.transform", reason="scikit-image is not installed (the numpy-2 leg, .venv-modern, has it)")
from consistent_resize_tools.libraries._skimage_calls import CALLS, sk_resize  # noqa: E402

#: preset -> max |skimage - preset| / max|x| allowed (0: exact)
BOUNDS = {
    "skimage_nearest": 0,
    "skimage_linear": 1e-14,  # [3.3e-16]
    "skimage_cubic": 1e-14,  # [2.1e-15]
    "skimage_linear_antialias": 1e-14,  # [5.6e-16]
    "skimage_cubic_antialias": 1e-14,  # [1.7e-15]
}
test_every_call_has_a_bound, test_resize_is_the_preset, test_extreme_ratios = preset_suite(
    CALLS, BOUNDS, "skimage", np.float64)

def test_nearest_ties_follow_float64(library_counter):
    """Where float32 coordinates (``pytorch_nearest_exact``'s) pick another pixel, scikit-image picks ours."""
    spec = EXTENSION_PRESETS["skimage_nearest"].spec
    other = spec.replace(coordinate_arithmetic="float32_multiply")
    disputed = [(n, m) for n in range(1, 65) for m in range(1, 65)
                if not np.array_equal(axis_table(n, m, spec).index, axis_table(n, m, other).index)]
    assert len(disputed) > 10  # the check decides something
    for n, m in disputed:
        got = sk_resize(np.arange(n, dtype=np.float64)[None, :], (1, m), 0)[0]  # the source indices
        np.testing.assert_array_equal(got, axis_table(n, m, spec).index[:, 0], err_msg=f"{n} -> {m}")
    library_counter("skimage", len(disputed))


def test_clip_and_blur_matter():
    """``clip=True`` (the default) clips order 3's overshoot to ``[min x, max x]`` (so ``skimage_cubic``
    names ``clip=False``); the blur of a downsize differs from the plain resize (each test can fail)."""
    x = extreme_image((8, 8))
    assert difference(lambda x, s: sk_resize(x, s, 3, clip=True), "skimage_cubic", x, (20, 20), np.float64) > 1e-3
    big = extreme_image((32, 32))
    blurred = sk_resize(big, (8, 8), 1, anti_aliasing=True)
    assert np.abs(blurred - resize(big, (8, 8), preset="skimage_linear")).max() > 0.05
