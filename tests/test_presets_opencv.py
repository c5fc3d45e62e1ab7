"""The OpenCV presets against the real ``cv2.resize`` on float32 single-channel images.

Nearest presets must match exactly (a tie decides a whole pixel, so each preset carries OpenCV's own
coordinate arithmetic). Linear and cubic are compared within the bound measured for OpenCV's float32
weights (``BOUNDS``; ``python tests/test_presets_opencv.py`` re-measures it, see
docs/presets-opencv-pillow-tf.md).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from consistent_resize import PRESETS
from consistent_resize.presets import proven_by
from consistent_resize_tools.libraries import RUNNERS
from preset_cases import measure_bounds, measure_inexpressible, check_ties, image_cases, relative_difference  # noqa: E402

cv2 = pytest.importorskip("cv2")
CV2_MAJOR = int(cv2.__version__.split(".")[0])

#: preset -> None if it must match exactly, else the bound on max|cv2 - preset| / max|x| that the test
#: asserts; in brackets the maximum measured over 10000 cases of sizes <= 64 (OpenCV 4.11 / 5.0).
BOUNDS = {
    "opencv_nearest": None,
    "opencv_nearest_exact": None,  # OpenCV >= 5: float64 running sum, as Pillow
    "opencv4_nearest_exact": None,  # OpenCV 4.x: Q16 fixed point
    "opencv_linear": 5e-6,  # [2.7e-6 / 3.0e-6]: weights from a float32 coordinate, float32 sums
    "opencv_cubic": 8e-6,  # [3.7e-6 / 4.3e-6]: idem
}
#: Which OpenCV major versions each preset describes.
VERSIONS = {"opencv_nearest_exact": range(5, 100), "opencv4_nearest_exact": range(4, 5)}
OPENCV_PRESETS = proven_by("test_presets_opencv.py")
MAX_SIZE = 64


def for_this_version(names):
    """``names`` as pytest params, those describing another OpenCV major version skipped with the reason."""
    params = []
    for name in names:
        marks = []
        if name in VERSIONS and CV2_MAJOR not in VERSIONS[name]:
            reason = f"{name} describes OpenCV {VERSIONS[name].start}.x, installed is {cv2.__version__}"
            marks.append(pytest.mark.skip(reason=reason))
        params.append(pytest.param(name, marks=marks))
    return params


#: the counter fixture only adds to a session total, so sharing it between generated inputs is safe
counted = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def test_every_opencv_preset_is_tested():
    assert sorted(BOUNDS) == OPENCV_PRESETS
    assert all(name in RUNNERS for name in OPENCV_PRESETS)


@pytest.mark.parametrize("name", for_this_version(n for n in OPENCV_PRESETS if BOUNDS[n] is None))
@counted
@given(case=image_cases(MAX_SIZE))
def test_nearest_presets_match_exactly(name, case, library_counter):
    x, size = case
    _, got, want = relative_difference(name, x, size)
    np.testing.assert_array_equal(got, want)
    library_counter("opencv")


@pytest.mark.parametrize("name", [n for n in OPENCV_PRESETS if BOUNDS[n] is not None])
@counted
@given(case=image_cases(MAX_SIZE))
def test_linear_and_cubic_presets_within_the_measured_bound(name, case, library_counter):
    x, size = case
    difference, _, _ = relative_difference(name, x, size)
    assert difference <= BOUNDS[name], f"{name} {x.shape} -> {size}: {difference:.3g} > {BOUNDS[name]}"
    library_counter("opencv")


SIZES = [(n, m) for n in range(1, 65) for m in range(1, 65)]


@pytest.mark.parametrize("name", for_this_version(["opencv_nearest_exact", "opencv4_nearest_exact"]))
def test_nearest_exact_ties_follow_its_own_arithmetic(name, library_counter):
    """INTER_NEAREST_EXACT decides ties by OpenCV's arithmetic (Q16 fixed point in 4.x, a float64 running
    sum in 5): not by the float64 product ``(x + 1/2) * (in / out)``, nor by the other version's."""
    own = PRESETS[name].spec.coordinate_arithmetic
    others = sorted({"float64_multiply", "float64_accumulate", "q16_multiply"} - {own})
    library_counter("opencv", check_ties(name, others, SIZES))


def test_nearest_ties_follow_the_reciprocal_product(library_counter):
    """INTER_NEAREST reads ``floor(x * (1 / (out / in)))`` (the reciprocal of OpenCV's ``inv_scale``) in
    float64, not ``floor(x * (in / out))``."""
    library_counter("opencv", check_ties("opencv_nearest", ["float64_multiply"], SIZES))


if __name__ == "__main__":  # re-measure BOUNDS: python tests/test_presets_opencv.py [cases]; or: ... --inexpressible
    import sys

    if sys.argv[1:] == ["--inexpressible"]:
        def cv2_call(flag):
            return lambda x, size: cv2.resize(x, (size[1], size[0]), interpolation=getattr(cv2, flag))

        measure_inexpressible([
            ("cv2 INTER_AREA", cv2_call("INTER_AREA"), "opencv_linear"),
            ("cv2 INTER_AREA", cv2_call("INTER_AREA"), "pillow_bilinear"),
            ("cv2 INTER_LANCZOS4", cv2_call("INTER_LANCZOS4"), "opencv_cubic"),
            ("cv2 INTER_LINEAR_EXACT", cv2_call("INTER_LINEAR_EXACT"), "opencv_linear"),
        ])
        sys.exit()
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    measure_bounds([n for n in OPENCV_PRESETS if BOUNDS[n] is not None], MAX_SIZE, count, 'cv2')
