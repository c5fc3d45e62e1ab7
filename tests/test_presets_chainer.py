"""The Chainer presets against the real ``chainer.functions.resize_images`` (CPU, float32, forward).

``chainer_nearest`` matches exactly (Chainer computes ``floor(x * (in / out))`` in float64:
``float64_multiply``). The bilinear presets are compared within the bound measured for Chainer's float32
weights (``BOUNDS``; ``python tests/test_presets_chainer.py`` re-measures it). Gradients are the Chainer
layer's tests (tests/test_chainer_function.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from consistent_resize import PRESETS, resize
from consistent_resize.presets import proven_by
from consistent_resize_tools.libraries import RUNNERS, available
from preset_cases import measure_bounds, image_cases, relative_difference  # noqa: E402

if not available("chainer"):
    pytest.skip("Chainer is not installed (or cannot be imported here)", allow_module_level=True)

#: preset -> None if it must match exactly, else the bound on max|chainer - preset| / max|x| that the
#: test asserts (measured maximum over 1000 cases of sizes <= 48 in brackets).
BOUNDS = {
    "chainer": 1e-5,  # [1.6e-7] align_corners=True: float32 weights from a float64 linspace
    "chainer_half_pixel": 1e-5,  # [2.2e-7] align_corners=False
    "chainer_nearest": None,
}
CHAINER_PRESETS = proven_by("test_presets_chainer.py")
MAX_SIZE = 48


#: the counter fixture only adds to a session total, so sharing it between generated inputs is safe
counted = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def test_every_chainer_preset_is_tested():
    assert sorted(BOUNDS) == CHAINER_PRESETS
    assert all(name in RUNNERS for name in CHAINER_PRESETS)


@pytest.mark.parametrize("name", CHAINER_PRESETS)
@counted
@given(case=image_cases(MAX_SIZE))
def test_preset(name, case, library_counter):
    x, size = case
    difference, got, want = relative_difference(name, x, size)
    if BOUNDS[name] is None:
        np.testing.assert_array_equal(got, want)
    else:
        assert difference <= BOUNDS[name], f"{name} {x.shape} -> {size}: {difference:.3g} > {BOUNDS[name]}"
    library_counter("chainer")


SIZES = [(n, m) for n in range(1, 49) for m in range(1, 49)]


def test_nearest_every_pair_of_sizes(library_counter):
    """Every pair of lengths up to 48 (ties included), on both axes at once, reads Chainer's pixel; the
    float32 product ``x * float32(in / out)`` misses some (so the arithmetic is what decides)."""
    spec = PRESETS["chainer_nearest"].spec
    float32 = spec.replace(coordinate_arithmetic="float32_multiply")
    misses = 0
    for n, m in SIZES:
        x = np.arange(n * n, dtype=np.float32).reshape(n, n)
        got = RUNNERS["chainer_nearest"](x, (m, m))
        np.testing.assert_array_equal(got, resize(x, (m, m), spec=spec))
        misses += not np.array_equal(got, resize(x, (m, m), spec=float32))
    assert misses > 0
    library_counter("chainer", len(SIZES))


if __name__ == "__main__":  # re-measure BOUNDS: python tests/test_presets_chainer.py [cases]
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    measure_bounds([n for n in CHAINER_PRESETS if BOUNDS[n] is not None], MAX_SIZE, count, 'chainer')
