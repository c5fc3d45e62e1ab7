"""``kornia.geometry.transform.resize`` (kornia 0.9, float32, CPU) against its presets.

Without antialias kornia calls ``torch.nn.functional.interpolate``: the PyTorch presets. With
``antialias=True`` it blurs each downsized axis with a gaussian (``sigma = max((in / out - 1) / 2, 0.001)``,
an odd kernel of at least ``4 sigma`` taps, reflect padding) first: the ``kornia_*_antialias`` presets
(``gaussian_preblur=2``, ``consistent_resize.blur``), whose table is the blur matrix times the resize
table. kornia's float32 weights, blur and interpolation bound the difference (``BOUNDS``: nearest is exact
without the blur; ``python tests/beside_measure.py _kornia_calls N`` re-measures them).
"""

from __future__ import annotations

import numpy as np
import pytest

from beside_cases import extreme_image, preset_suite
from consistent_resize import resize

pytest.importorskip("kornia", reason="kornia is not installed (the numpy-2 leg, .venv-modern, has it)")
from consistent_resize_tools.libraries._kornia_calls import CALLS  # noqa: E402

#: preset -> max |kornia - preset| / max|x| allowed (0: exact) [measured, 300 cases <= 64 + EXTREME]
BOUNDS = {
    "pytorch_bilinear": 1e-5,  # [2.5e-6] float32 weights (as tests/test_presets_torch.py)
    "pytorch_bicubic": 1e-5,  # [2.7e-6]
    "pytorch_nearest": 0,
    "pytorch_nearest_exact": 0,
    "pytorch_area": 1e-6,  # [6.9e-8]
    "kornia_bilinear_antialias": 1e-5,  # [2.1e-6] float32 blur, then float32 interpolation
    "kornia_bicubic_antialias": 1e-5,  # [2.8e-6]
    "kornia_nearest_antialias": 2e-6,  # [2.0e-7] float32 blur only
}
test_every_call_has_a_bound, test_resize_is_the_preset, test_extreme_ratios = preset_suite(CALLS, BOUNDS, "kornia")

def test_the_blur_matters():
    """A 4x downsize with the blur differs from the plain resize by far more than the bound."""
    x = extreme_image((32, 32)).astype(np.float32)
    runs = {preset: run for _, preset, run in CALLS}
    blurred = runs["kornia_bilinear_antialias"](x, (8, 8))
    assert np.abs(blurred - resize(x.astype(np.float64), (8, 8), preset="pytorch_bilinear")).max() > 0.05
