"""The Pillow presets against the real ``PIL.Image.Image.resize`` on mode ``'F'`` (float32) images.

NEAREST must match exactly: Pillow finds the source pixel by a running float64 sum (``xo += in / out``,
``ImagingScaleAffine``), which the preset's ``float64_accumulate`` arithmetic reproduces. BILINEAR and
BICUBIC (``precompute_coeffs``: support stretched by ``in / out`` when downscaling, taps outside the image
dropped, weights normalised) are compared within the bound measured for Pillow's float32 intermediate
image (``BOUNDS``; ``python tests/test_presets_pillow.py`` re-measures it).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from consistent_resize import PRESETS, resize
from consistent_resize.presets import proven_by
from consistent_resize_tools.libraries import RUNNERS
from preset_cases import measure_bounds, measure_inexpressible, check_ties, image_cases, relative_difference  # noqa: E402

pytest.importorskip("PIL.Image")

#: preset -> None if it must match exactly, else the bound on max|Pillow - preset| / max|x| that the test
#: asserts; in brackets the maximum measured over 10000 cases of sizes <= 64 (numpy 1 / numpy 2 venv).
BOUNDS = {
    "pillow_nearest": None,
    "pillow_bilinear": 3e-7,  # [1.1e-7]: the horizontal pass is stored as float32
    "pillow_bicubic": 3e-7,  # [1.4e-7 / 1.6e-7]: idem
}
PILLOW_PRESETS = proven_by("test_presets_pillow.py")
MAX_SIZE = 64
#: the counter fixture only adds to a session total, so sharing it between generated inputs is safe
counted = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def test_every_pillow_preset_is_tested():
    assert sorted(BOUNDS) == PILLOW_PRESETS
    assert all(name in RUNNERS for name in PILLOW_PRESETS)


@counted
@given(case=image_cases(MAX_SIZE))
def test_nearest_matches_exactly(case, library_counter):
    x, size = case
    _, got, want = relative_difference("pillow_nearest", x, size)
    np.testing.assert_array_equal(got, want)
    library_counter("pillow")


@pytest.mark.parametrize("name", [n for n in PILLOW_PRESETS if BOUNDS[n] is not None])
@counted
@given(case=image_cases(MAX_SIZE))
def test_bilinear_and_bicubic_within_the_measured_bound(name, case, library_counter):
    x, size = case
    difference, _, _ = relative_difference(name, x, size)
    assert difference <= BOUNDS[name], f"{name} {x.shape} -> {size}: {difference:.3g} > {BOUNDS[name]}"
    library_counter("pillow")


def test_nearest_ties_follow_the_running_sum(library_counter):
    """Pillow decides ties by its running float64 sum (``float64_accumulate``), not by the product
    ``(x + 1/2) * (in / out)``, on every pair of sizes up to 64 where the two differ."""
    sizes = [(n, m) for n in range(1, 65) for m in range(1, 65)]
    library_counter("pillow", check_ties("pillow_nearest", ["float64_multiply"], sizes))


def test_downscaling_widens_the_kernel(library_counter):
    """Pillow always antialiases: a 2x BILINEAR downscale averages 4 taps (weights 1/8, 3/8, 3/8, 1/8),
    which the non-antialiased half_pixel spec (2 taps, 1/2 and 1/2) does not reproduce."""
    x = np.random.default_rng(0).standard_normal((1, 16)).astype(np.float32)
    got = RUNNERS["pillow_bilinear"](x, (1, 8))
    np.testing.assert_allclose(got, resize(x, (1, 8), preset="pillow_bilinear"), rtol=0, atol=1e-6)
    plain = PRESETS["pillow_bilinear"].spec.replace(antialias=0, exclude_outside=0)
    assert np.abs(got - resize(x, (1, 8), spec=plain)).max() > 1e-2
    library_counter("pillow")


if __name__ == "__main__":  # re-measure BOUNDS: python tests/test_presets_pillow.py [cases]; or: ... --inexpressible
    import sys

    if sys.argv[1:] == ["--inexpressible"]:
        from PIL import Image

        def pil_call(name):
            resample = getattr(Image.Resampling, name)
            return lambda x, size: np.asarray(Image.fromarray(x).resize((size[1], size[0]), resample))

        measure_inexpressible([
            ("Pillow BOX", pil_call("BOX"), "pillow_bilinear"),
            ("Pillow HAMMING", pil_call("HAMMING"), "pillow_bilinear"),
            ("Pillow LANCZOS", pil_call("LANCZOS"), "pillow_bicubic"),
        ])
        sys.exit()
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    measure_bounds([n for n in PILLOW_PRESETS if BOUNDS[n] is not None], MAX_SIZE, count, 'Pillow')
