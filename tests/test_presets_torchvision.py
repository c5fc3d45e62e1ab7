"""``torchvision.transforms.v2.Resize`` on float tensors (torchvision 0.28, CPU) against the PyTorch presets.

On a float image v2's ``resize_image`` calls ``F.interpolate`` (antialias only for bilinear and bicubic) or,
where the size does not change, returns the image: the presets give the same numbers, to PyTorch's float32
rounding (the bounds of tests/test_presets_torch.py; nearest bit for bit).
"""

from __future__ import annotations

import numpy as np
import pytest

from beside_cases import difference as beside_difference, extreme_image, preset_suite
from consistent_resize import PRESETS, resize
from torchvision_import import import_torchvision

try:
    import_torchvision()
except ImportError as error:  # absent in .venv-modern
    pytest.skip(f"torchvision is not installed ({error}); requirements/full.txt pins it", allow_module_level=True)
from consistent_resize_tools.libraries._torchvision_calls import CALLS  # noqa: E402

#: preset -> max |torchvision - preset| / max|x| allowed (0: exact)
BOUNDS = {
    "pytorch_bilinear_antialias": 1e-5,
    "pytorch_bilinear": 1e-5,
    "pytorch_bicubic_antialias": 1e-5,
    "pytorch_bicubic": 1e-5,
    "pytorch_nearest": 0,
    "pytorch_nearest_exact": 0,
    "pytorch_lanczos_antialias": 1e-5,
}


def difference(run, preset, x, size):
    """``beside_cases.difference``, except where the antialias presets refuse (an output width of 1 with a
    resized height, PyTorch's row-repeating quirk: tests/test_presets_torch.py): there the preset's spec
    with the first row repeated, as PyTorch computes it for small outputs, and the refusal checked."""
    x = np.asarray(x, np.float32)
    if "antialias" in preset and size[1] == 1 and 1 < x.shape[0] != size[0]:
        with pytest.raises(ValueError, match="basic_loop_aa_vertical"):
            resize(x, size, preset=preset)
        want = resize(x.astype(np.float64), size, spec=PRESETS[preset].spec)
        want = np.repeat(want[:1], size[0], axis=0)
        return float(np.abs(run(x, size) - want).max() / max(np.abs(x).max(), 1e-300))
    return beside_difference(run, preset, x, size)


test_every_call_has_a_bound, test_resize_is_the_preset, test_extreme_ratios = preset_suite(
    CALLS, BOUNDS, "torchvision", measure=difference)


@pytest.mark.parametrize("call,preset,run", CALLS, ids=[call for call, _, _ in CALLS])
def test_same_size_returns_the_image(call, preset, run):
    x = extreme_image((5, 7)).astype(np.float32)
    assert np.array_equal(run(x, (5, 7)), x.astype(np.float64))
    assert difference(run, preset, x, (5, 7)) == 0
