"""The OpenCV presets against the real ``cv2.resize`` on float32 single-channel images.

Nearest presets must match exactly (a tie decides a whole pixel, so each preset carries OpenCV's own
coordinate arithmetic). Linear and cubic are compared within the bound measured for OpenCV's float32
weights (``BOUNDS``; ``python tests/test_presets_opencv.py`` re-measures it, see
docs/presets-opencv-pillow-tf.md).

``INTER_AREA`` (the preset ``opencv_area``, beyond ONNX, mode ``area_or_two_tap``) on any pair of shapes:
``cv::hal::resize`` averages areas only when ``scale_x >= 1 and scale_y >= 1`` (``resizeAreaFast_`` for
integer factors on both axes, else ``resizeArea_``), otherwise it runs its linear path with area
coefficients on *both* axes. The choice is per call, not per axis (``test_inter_area_rule_is_per_call``);
``consistent_resize.arguments.table_spec`` plans it for every layer.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from consistent_resize import PRESETS, ResizeSpec, arguments, resize
from consistent_resize.presets import EXTENSION_PRESETS, proven_by
from consistent_resize_tools.libraries import RUNNERS
from preset_cases import axis_sizes, measure_bounds, measure_inexpressible, check_ties, image_cases, relative_difference  # noqa: E402

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


# -- INTER_AREA: one preset for any pair of shapes ---------------------------------------------------------
#: max|cv2 - opencv_area| / max|x| on float32 N(0, 1) images; in brackets the maximum measured over 20000
#: cases of this strategy (``python tests/test_presets_opencv.py --area 20000``; OpenCV 4.11): float32
#: weights and sums (resizeArea_'s float32 overlaps, resizeAreaFast_'s float32 ``1 / (kx ky)``, the
#: linear path's float32 ``fx`` and ``1 - fx``) against float64 weights rounded once.
AREA_BOUND = 3e-7  # [1.4e-7]
AREA_MAX_SIZE = 64


@st.composite
def area_axis_sizes(draw):
    """``preset_cases.axis_sizes`` (any pair, identity, 1-pixel sides, integer and odd ratios) plus extreme
    ratios: ``1 -> 37..64`` and back, and an integer factor up to 32 (resizeAreaFast_)."""
    kind = draw(st.sampled_from(["usual", "usual", "usual", "extreme_up", "extreme_down", "integer_factor"]))
    if kind == "usual":
        return draw(axis_sizes(AREA_MAX_SIZE))
    n = draw(st.integers(37, AREA_MAX_SIZE))
    if kind == "extreme_up":
        return 1, n
    if kind == "extreme_down":
        return n, 1
    k = draw(st.integers(2, 32))
    small = draw(st.integers(1, max(1, AREA_MAX_SIZE // k)))
    return small * k, small


@st.composite
def area_cases(draw):
    """A float32 N(0, 1) image and an output size; each axis drawn on its own, so one axis up and the other
    down is frequent."""
    (in_h, out_h), (in_w, out_w) = draw(area_axis_sizes()), draw(area_axis_sizes())
    seed = draw(st.integers(0, 2**32 - 1))
    return np.random.default_rng(seed).standard_normal((in_h, in_w)).astype(np.float32), (out_h, out_w)


def _case(in_shape, size, seed=0):
    return np.random.default_rng(seed).standard_normal(in_shape).astype(np.float32), size


@counted
@given(case=area_cases())
@example(case=_case((15, 8), (4, 19)))  # rows down, columns up: the 2-tap path on both axes
@example(case=_case((12, 6), (4, 34)))  # idem; 6 -> 34: output 17's edge 2.9999999999999996 (pixel 2)
@example(case=_case((6, 9), (34, 4)))  # columns down, rows up
@example(case=_case((1, 37), (37, 1)))  # extreme, one each way
@example(case=_case((37, 1), (1, 37)))
@example(case=_case((1, 1), (64, 1)))  # 1-pixel axes
@example(case=_case((64, 5), (1, 5)))  # down and an unchanged axis: area (scale_x = 1 counts as >= 1)
@example(case=_case((5, 5), (7, 5)))  # up and an unchanged axis: 2-tap
@example(case=_case((8, 12), (4, 4)))  # integer factors on both axes: resizeAreaFast_
@example(case=_case((8, 12), (4, 5)))  # one integer factor: resizeArea_
@example(case=_case((64, 33), (2, 11)))  # integer 32 and 3
@example(case=_case((7, 9), (7, 9)))  # identity: a copy
def test_opencv_area_any_shapes(case, library_counter):
    x, size = case
    got = cv2.resize(x, (size[1], size[0]), interpolation=cv2.INTER_AREA).reshape(size).astype(np.float64)
    want = resize(x, size, preset="opencv_area").astype(np.float64)
    difference = float(np.abs(got - want).max() / np.abs(x).max())
    assert difference <= AREA_BOUND, f"opencv_area {x.shape} -> {size}: {difference:.3g} > {AREA_BOUND}"
    library_counter("opencv")


def _per_axis(x, size):
    """What a per-axis choice would give: each axis by its own direction (area where it shrinks, the 2-tap
    rule where it grows), the rows first."""
    spec = EXTENSION_PRESETS["opencv_area"].spec
    for axis in (0, 1):
        one = [arguments.AxisPlan(x.shape[axis], size[axis], None, None)]
        x = resize(x, size[axis], spec=arguments.table_spec(spec, one), axes=(axis,))
    return x


@pytest.mark.parametrize("in_shape, size", [((15, 8), (4, 19)), ((6, 9), (34, 4)), ((37, 1), (1, 37)),
                                            ((30, 10), (3, 11))])
def test_inter_area_rule_is_per_call(in_shape, size, library_counter):
    """One axis up and the other down: OpenCV runs the 2-tap path on both (``scale_x >= 1 && scale_y >= 1``
    fails), so the shrinking axis gets no area average. ``opencv_area`` plans that (``table_spec``:
    area_two_tap on every axis) and matches; a per-axis choice is far off (over 0.1 of max|x|)."""
    x, _ = _case(in_shape, size, seed=5)
    spec = EXTENSION_PRESETS["opencv_area"].spec
    plans = arguments.plan_axes(in_shape, size, None, spec)
    assert arguments.table_spec(spec, plans).mode == "area_two_tap"
    got = cv2.resize(x, (size[1], size[0]), interpolation=cv2.INTER_AREA).reshape(size)
    scale = np.abs(x).max()
    assert np.abs(got - resize(x, size, preset="opencv_area")).max() / scale <= AREA_BOUND
    assert np.abs(got - _per_axis(x, size)).max() / scale > 0.1
    library_counter("opencv")


def test_table_spec_plans_one_rule_per_call():
    """``arguments.table_spec``: area when no axis grows (an unchanged axis included), else area_two_tap
    (asymmetric) on every axis; a scale enters as OpenCV's ``inv_scale``; other specs pass unchanged."""
    spec = EXTENSION_PRESETS["opencv_area"].spec

    def planned(in_sizes, size=None, scales=None):
        return arguments.table_spec(spec, arguments.plan_axes(in_sizes, size, scales, spec))

    assert planned((8, 8), (4, 8)) == spec.replace(mode="area")
    assert planned((8, 8), (8, 8)).mode == "area"
    assert planned((8, 8), (9, 1)) == spec.replace(mode="area_two_tap", coordinate_transformation_mode="asymmetric")
    assert planned((8,), (9,)).mode == "area_two_tap"
    assert planned((8, 8), scales=(0.5, 1.5)).mode == "area_two_tap"
    assert planned((8, 8), scales=(0.5, 1.0)).mode == "area"
    other = ResizeSpec(mode="area")
    assert arguments.table_spec(other, arguments.plan_axes((4,), (9,), None, other)) is other
    with pytest.raises(ValueError, match="table_spec"):
        from consistent_resize import axis_table

        axis_table(4, 9, spec)
    with pytest.raises(ValueError, match="half_pixel"):
        spec.replace(coordinate_transformation_mode="asymmetric")


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
    if sys.argv[1:2] == ["--area"]:  # re-measure AREA_BOUND: python tests/test_presets_opencv.py --area [cases]
        worst = [0.0, None]

        @settings(max_examples=int(sys.argv[2]) if len(sys.argv) > 2 else 2000, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=area_cases())
        def measure(case):
            x, size = case
            got = cv2.resize(x, (size[1], size[0]), interpolation=cv2.INTER_AREA).reshape(size)
            d = float(np.abs(got - resize(x, size, preset="opencv_area")).max() / np.abs(x).max())
            if d > worst[0]:
                worst[:] = [d, (x.shape, size)]

        measure()
        print(f"opencv_area: max |cv2 - preset| / max|x| = {worst[0]:.3g} at {worst[1]}")
        sys.exit()
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    measure_bounds([n for n in OPENCV_PRESETS if BOUNDS[n] is not None], MAX_SIZE, count, 'cv2')
