"""``scipy.ndimage.zoom(x, out / in, order, grid_mode=True)`` (SciPy 1.17, float64) against its presets.

``grid_mode=True`` is ``half_pixel`` with ``r = in / out`` in float64. SciPy's default border,
``mode='constant'`` (``cval=0``), gives an output whose source lies outside ``[0, in - 1]`` the constant
(``scipy_zoom_*``, ``spline_constant_border=1``); ``mode='mirror'`` is scikit-image's default
(``skimage_*``). SciPy prefilters order 3 by a recursive filter, the preset by the exact inverse
(``consistent_resize.splines``): the same linear map up to float64 rounding (``BOUNDS``; measured in
brackets over 1000 cases of sizes <= 64 plus ``beside_cases.EXTREME``: ``python tests/beside_measure.py
_scipy_calls 1000 float64``). Order 0 with the default constant border is not modelled (no preset).
"""

from __future__ import annotations

import numpy as np
import pytest

from beside_cases import difference, extreme_image, preset_suite

pytest.importorskip("scipy.ndimage", reason="scipy is not installed (the numpy-2 leg, .venv-modern, has it)")
from consistent_resize_tools.libraries._scipy_calls import CALLS  # noqa: E402

#: preset -> max |scipy - preset| / max|x| allowed (0: exact)
BOUNDS = {
    "scipy_zoom_linear": 1e-14,  # [3.5e-16]
    "scipy_zoom_cubic": 1e-14,  # [1.8e-15]
    "skimage_linear": 1e-14,  # [3.9e-16]
    "skimage_cubic": 1e-14,  # [1.8e-15]
    "skimage_nearest": 0,
}
test_every_call_has_a_bound, test_zoom_is_the_preset, test_extreme_ratios = preset_suite(
    CALLS, BOUNDS, "scipy", np.float64)

def test_the_border_matters():
    """The constant border gives 0 where the source lies outside the input; mirror interpolates there:
    the two presets differ (so each test can fail)."""
    x = extreme_image((4, 4))
    runs = {call: run for call, _, run in CALLS}
    assert difference(runs[CALLS[0][0]], "skimage_linear", x, (6, 6), np.float64) > 0.1
    assert difference(runs[CALLS[1][0]], "skimage_cubic", x, (6, 6), np.float64) > 0.1
