"""onnxruntime's ``Resize`` (opsets 11, 13, 18, 19) and ``Upsample`` (opset 9) against the spec.

Every attribute combination (mode x coordinate_transformation_mode x nearest_mode, x cubic_coeff_a x
exclude_outside, x antialias at opset >= 18, keep_aspect_ratio_policy) is built with ``onnx.helper`` and
run by onnxruntime's CPU provider on hypothesis-generated shapes, with ``sizes`` and with ``scales``, and
compared with ``ResizeSpec.from_onnx(attributes, coordinate_arithmetic="float32_divide")``: nearest
exactly, linear and cubic within ``BOUND`` (float32 weights). ``float32_divide`` is onnxruntime's own
arithmetic (consistent_resize/coordinates.py says how it evaluates each mode).

Where onnxruntime departs from the ONNX operator, ``ort_expected`` models it and a test pins it with
numbers (docs/presets-torch-chainer-onnxruntime.md):

- output length from ``scales``: ``int(float32(scale) * float32(in))`` (ONNX: ``floor(in * scale)``);
- an output of the input's shape is the input, unchanged, whatever the scales;
- an axis whose float32 scale is 1 is copied, without the coordinate transformation (visible with
  ``tf_half_pixel_for_nn`` and with a ``tf_crop_and_resize`` roi);
- with ``antialias=1`` and ``scales``, an axis that keeps its length although its scale is not 1
  (3 x 1.1 -> 3) follows neither its scale nor a copy consistently: the generated cases avoid it and
  ``test_antialias_axis_that_keeps_its_length`` pins one instance;
- ``align_corners``, ``pytorch_half_pixel`` and ``tf_crop_and_resize`` divide by the integer output
  length, where onnx's reference code divides by ``scale * in`` (differs with ``scales``; modelled by
  ``float32_divide``, pinned by ``test_align_corners_with_scales_departs_from_onnx_reference``);
- ``round_prefer_floor``/``round_prefer_ceil`` treat a coordinate within 1e-6 of a half as the half
  (modelled by ``float32_divide``, pinned by ``test_rounding_treats_a_near_half_as_a_half``).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from consistent_resize import (
    COORDINATE_TRANSFORMATION_MODES,
    NEAREST_MODES,
    PRESETS,
    ResizeSpec,
    axis_table,
    resize,
)
from consistent_resize.presets import proven_by
from consistent_resize_tools.libraries import RUNNERS
from consistent_resize.reference import apply_table

pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")
from consistent_resize_tools.libraries._onnxruntime_calls import (  # noqa: E402
    output_length,
    run_resize,
    run_upsample,
)
from preset_cases import axis_sizes  # noqa: E402
from spec_strategies import scale_values  # noqa: E402

onnxruntime.set_default_logger_severity(3)  # tf_half_pixel_for_nn at opset >= 13 logs a warning per node

#: bound on max|onnxruntime - spec| / max|x| for linear and cubic; nearest is exact. Measured over 1000
#: cases each with sizes and scales (``python tests/test_presets_onnxruntime.py``): 2.0e-6. Cubic with
#: exclude_outside=1 gets ``BOUND_EXCLUDE`` [measured 1.8e-5, at 2 -> 41 asymmetric]: onnxruntime's
#: float32 kernel value near |t| = 2 cancels (a(t^3 - 5t^2 + 8t - 4)), and dropping the outside taps
#: renormalises by a small sum.
BOUND = 1e-5
BOUND_EXCLUDE = 1e-4


def bound(attributes) -> float:
    return BOUND_EXCLUDE if attributes["mode"] == "cubic" and attributes.get("exclude_outside") else BOUND


ARITHMETIC = "float32_divide"
OPSETS = (11, 13, 18, 19)
MAX_SIZE = 24


def combinations(opset: int) -> list[dict]:
    """Every valid attribute combination of ``Resize`` at ``opset`` (onnxruntime's CPU kernel)."""
    modes = [m for m in COORDINATE_TRANSFORMATION_MODES if opset >= 19 or m != "half_pixel_symmetric"]
    out = []
    for ctm in modes:
        out += [dict(mode="nearest", coordinate_transformation_mode=ctm, nearest_mode=n) for n in NEAREST_MODES]
        out.append(dict(mode="linear", coordinate_transformation_mode=ctm))
        for a, exclude in itertools.product((-0.75, -0.5), (0, 1)):
            out.append(dict(mode="cubic", coordinate_transformation_mode=ctm, cubic_coeff_a=a,
                            exclude_outside=exclude))
        if opset >= 18:
            for exclude in (0, 1):
                out.append(dict(mode="linear", coordinate_transformation_mode=ctm, antialias=1,
                                exclude_outside=exclude))
                for a in (-0.75, -0.5):
                    out.append(dict(mode="cubic", coordinate_transformation_mode=ctm, cubic_coeff_a=a,
                                    antialias=1, exclude_outside=exclude))
    return out


def _id(attributes: dict) -> str:
    short = {"mode": "", "coordinate_transformation_mode": "", "nearest_mode": "", "cubic_coeff_a": "a=",
             "exclude_outside": "eo=", "antialias": "aa="}
    return "-".join(f"{short.get(k, k)}{v}" for k, v in attributes.items())


def policy_lengths(shape, sizes, policy):
    """onnxruntime's output lengths and common scale under ``keep_aspect_ratio_policy``: the min (max) of
    the float32 ``out / in``, lengths ``std::round(scale * in)`` (half away from zero)."""
    scales32 = [np.float32(o) / np.float32(i) for o, i in zip(sizes, shape)]
    common = (min if policy == "not_larger" else max)(scales32)
    return [int(np.floor(np.float64(common * np.float32(i)) + 0.5)) for i in shape], float(common)


def ort_expected(x, spec, sizes=None, scales=None, roi=None):
    """What onnxruntime computes, from the spec's tables (module docstring: its departures from ONNX)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.ndim
    if scales is not None:
        scales = [float(np.float32(s)) for s in scales]
        outs = [output_length(i, s) for i, s in zip(x.shape, scales)]
    else:
        outs, scales = [int(o) for o in sizes], [None] * n
        if spec.keep_aspect_ratio_policy != "stretch":
            outs, common = policy_lengths(x.shape, sizes, spec.keep_aspect_ratio_policy)
            scales = [common] * n
    if tuple(outs) == x.shape:
        return x  # onnxruntime: an output of the input's shape is the input
    rois = [None] * n
    if spec.coordinate_transformation_mode == "tf_crop_and_resize":
        roi = [0.0] * n + [1.0] * n if roi is None else [float(np.float32(r)) for r in roi]
        rois = [(roi[a], roi[n + a]) for a in range(n)]
    y, outside = x, np.zeros([1] * n, bool)
    for axis in range(n):
        if scales[axis] is not None:
            scale32 = np.float32(scales[axis])
        else:
            scale32 = np.float32(outs[axis]) / np.float32(x.shape[axis])
        if scale32 == 1:
            continue  # onnxruntime copies an axis of scale 1, without transforming its coordinates
        table = axis_table(x.shape[axis], outs[axis], spec, scales[axis], rois[axis])
        y = apply_table(y, table, axis)
        view = [1] * n
        view[axis] = table.out_size
        outside = outside | table.outside.reshape(view)
    return np.where(outside, spec.extrapolation_value, y)


def compare(attributes, x, *, sizes=None, scales=None, roi=None, opset=19, arithmetic=ARITHMETIC):
    """``(max|ort - expected| / max|x|, ort, expected)``; shapes must agree."""
    got = run_resize(x, sizes=sizes, scales=scales, attributes=attributes, opset=opset, roi=roi)
    spec = ResizeSpec.from_onnx(attributes, coordinate_arithmetic=arithmetic)
    want = ort_expected(x, spec, sizes=sizes, scales=scales, roi=roi)
    assert got.shape == want.shape, (got.shape, want.shape)
    if sizes is not None and spec.keep_aspect_ratio_policy == "stretch" and all(np.not_equal(sizes, x.shape)):
        # no departure applies: the expectation is the reference itself
        np.testing.assert_allclose(want, resize(x.astype(np.float64), tuple(sizes), spec=spec, roi=roi),
                                   rtol=0, atol=1e-12)
    return float(np.abs(got - want).max() / max(np.abs(x).max(), 1e-30)), got, want


def check(attributes, x, **kwargs):
    difference, got, want = compare(attributes, x, **kwargs)
    if attributes["mode"] == "nearest":
        np.testing.assert_array_equal(got, want)
    else:
        assert difference <= bound(attributes), f"{attributes} {x.shape} {kwargs}: {difference:.3g}"


@st.composite
def axis_scales(draw, at_least_one=False):
    """(in, float32 scale) with onnxruntime's output length >= 1."""
    n = draw(st.integers(1, MAX_SIZE))
    scale = draw(scale_values(low=1.0 if at_least_one else 0.05))
    if at_least_one:
        scale = max(scale, 1.0)
    scale = float(np.float32(scale))
    if output_length(n, scale) < 1:
        scale = float(np.float32(1.0))
    return n, scale


@st.composite
def roi_for(draw, ndim=2):
    """A tf_crop_and_resize roi ``[starts..., ends...]``, sometimes reaching outside [0, 1]."""
    starts = [draw(st.sampled_from([0.0, 0.1, 0.25, -0.2, 0.4])) for _ in range(ndim)]
    ends = [draw(st.sampled_from([1.0, 0.9, 0.75, 1.2, 0.6])) for _ in range(ndim)]
    return starts + ends


@st.composite
def cases(draw, by):
    if by == "sizes":
        (in_h, out_h), (in_w, out_w) = draw(axis_sizes(MAX_SIZE)), draw(axis_sizes(MAX_SIZE))
        amounts = dict(sizes=(out_h, out_w))
    else:
        (in_h, s_h), (in_w, s_w) = draw(axis_scales()), draw(axis_scales())
        amounts = dict(scales=(s_h, s_w))
    seed = draw(st.integers(0, 2**32 - 1))
    x = np.random.default_rng(seed).standard_normal((in_h, in_w)).astype(np.float32)
    return x, amounts, draw(roi_for())


def _unspecified_antialias_case(attributes, x, amounts):
    """Antialias, ``scales``, and an axis that keeps its length with a scale != 1 (module docstring)."""
    if not attributes.get("antialias") or "scales" not in amounts:
        return False
    return any(output_length(i, s) == i and np.float32(s) != 1 for i, s in zip(x.shape, amounts["scales"]))


def _random(data, shape):
    return np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))).standard_normal(shape).astype(np.float32)


def _with_roi(attributes, roi):
    return roi if attributes["coordinate_transformation_mode"] == "tf_crop_and_resize" else None


#: the counter fixture only adds to a session total, so sharing it between generated inputs is safe
counted = settings(
    max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

COMBINATIONS_19 = combinations(19)


def test_the_combinations_are_every_combination():
    assert len(COMBINATIONS_19) == 7 * (4 + 1 + 4 + 2 + 4)
    assert len(combinations(11)) == 6 * (4 + 1 + 4)


@pytest.mark.parametrize("attributes", COMBINATIONS_19, ids=_id)
@pytest.mark.parametrize("by", ["sizes", "scales"])
@counted
@given(data=st.data())
def test_every_combination(attributes, by, data, library_counter):
    """Opset 19, every attribute combination, with ``sizes`` and with ``scales``."""
    x, amounts, roi = data.draw(cases(by))
    assume(not _unspecified_antialias_case(attributes, x, amounts))
    attributes = dict(attributes)
    if attributes["coordinate_transformation_mode"] == "tf_crop_and_resize":
        attributes["extrapolation_value"] = data.draw(st.sampled_from([0.0, -7.5]))
    check(attributes, x, roi=_with_roi(attributes, roi), **amounts)
    library_counter("onnxruntime")


@pytest.mark.parametrize("opset", OPSETS[:-1])
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_older_opsets(opset, data, library_counter):
    """Opsets 11, 13 and 18 compute as 19 (antialias from 18, half_pixel_symmetric at 19 only)."""
    attributes = data.draw(st.sampled_from(combinations(opset)))
    x, amounts, roi = data.draw(cases(data.draw(st.sampled_from(["sizes", "scales"]))))
    assume(not _unspecified_antialias_case(attributes, x, amounts))
    check(attributes, x, roi=_with_roi(attributes, roi), opset=opset, **amounts)
    library_counter("onnxruntime")


@pytest.mark.parametrize("policy", ["not_larger", "not_smaller"])
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_keep_aspect_ratio_policy(policy, data, library_counter):
    """Opset 18+: one common float32 scale (the min or max of ``out / in``), output ``round(scale * in)``
    (half away from zero), the common scale in the formula."""
    attributes = dict(data.draw(st.sampled_from([c for c in COMBINATIONS_19 if c["mode"] != "cubic"])))
    attributes["keep_aspect_ratio_policy"] = policy
    x, amounts, _ = data.draw(cases("sizes"))
    assume(attributes["coordinate_transformation_mode"] != "tf_crop_and_resize")
    lengths, common = policy_lengths(x.shape, amounts["sizes"], policy)
    assume(min(lengths) >= 1)  # else an empty output
    # antialias with an axis that keeps its length under a common scale != 1: the departure the module
    # docstring describes (unspecified in onnxruntime), found here with keep_aspect_ratio_policy too
    assume(not (attributes.get("antialias") and common != 1 and any(n == i for n, i in zip(lengths, x.shape))))
    difference, got, want = compare(attributes, x, **amounts)
    zero_row = _zero_row_rule(attributes, x.shape, amounts["sizes"])
    if zero_row is not None:  # the rule of consistent_resize_tools.runtimes.onnxruntime, shown real here
        assert difference > bound(attributes), zero_row
        library_counter("onnxruntime departures the runtime rules predict")
        return
    if attributes["mode"] == "nearest":
        np.testing.assert_array_equal(got, want)
    else:
        assert difference <= bound(attributes)
    library_counter("onnxruntime")


def test_antialias_zero_row_is_predicted_and_real():
    """The case of issue 14 (and make fuzz seed 3231472733): onnxruntime writes a row of zeros."""
    attributes = {"mode": "linear", "coordinate_transformation_mode": "tf_half_pixel_for_nn", "antialias": 1,
                  "exclude_outside": 0, "keep_aspect_ratio_policy": "not_larger"}
    x = np.array([[0.12573022, -0.13210486]], np.float32)
    assert _zero_row_rule(attributes, x.shape, (2, 3)) is not None
    difference, got, want = compare(attributes, x, sizes=(2, 3))
    assert difference > bound(attributes) and not got.any(axis=1).all()


def _zero_row_rule(attributes, shape, sizes):
    """The onnxruntime rule's reason where antialias meets an output whose in-range taps all weigh 0 (it writes
    0 there, the spec replicates the edge: 1x2 -> sizes 2x3, not_larger, tf_half_pixel_for_nn, found by
    make fuzz seed 3231472733 as in issue 14), else None."""
    from consistent_resize.arguments import plan_axes
    from consistent_resize_tools.runtimes import onnxruntime as rules

    spec = ResizeSpec.from_onnx(attributes, coordinate_arithmetic=rules.ARITHMETIC)
    why = rules.mismatch(spec, plan_axes(shape, sizes, None, spec), requested=sizes)
    return why if why is not None and "writes 0" in why else None


NEAREST = [c for c in COMBINATIONS_19 if c["mode"] == "nearest"]
PAIRS = [(n, m) for n in range(1, 21) for m in range(1, 21)]


@pytest.mark.parametrize("attributes", NEAREST, ids=_id)
def test_nearest_every_pair_of_sizes(attributes, library_counter):
    """Every pair of lengths up to 20 (ties included) reads onnxruntime's pixel under float32_divide."""
    for n, m in PAIRS:
        x = np.arange(n, dtype=np.float32)[None, :]
        check(attributes, x, sizes=(1, m))
    library_counter("onnxruntime", len(PAIRS))


@pytest.mark.parametrize("mode", ["nearest", "linear"])
@counted
@given(data=st.data())
def test_upsample_opset_9(mode, data, library_counter):
    """``Upsample`` (scales >= 1): asymmetric, nearest rounding down."""
    (in_h, s_h), (in_w, s_w) = (data.draw(axis_scales(at_least_one=True)) for _ in range(2))
    x = _random(data, (in_h, in_w))
    got = run_upsample(x, (s_h, s_w), mode=mode)
    preset = PRESETS[f"onnx_upsample_{mode}"]
    want = ort_expected(x, preset.spec, scales=(s_h, s_w))
    assert got.shape == want.shape
    if mode == "nearest":
        np.testing.assert_array_equal(got, want)
    else:
        assert np.abs(got - want).max() <= BOUND * np.abs(x).max()
    library_counter("onnxruntime")


@pytest.mark.parametrize("name", proven_by("test_presets_onnxruntime.py"))
@counted
@given(data=st.data())
def test_presets(name, data, library_counter):
    """The registered runner of each onnxruntime preset against ``resize(x, size, preset=name)``."""
    (in_h, out_h), (in_w, out_w) = data.draw(axis_sizes(MAX_SIZE)), data.draw(axis_sizes(MAX_SIZE))
    if name.startswith("onnx_upsample"):
        sizes = [(i, o) for i, o in ((in_h, out_h), (in_w, out_w))]
        assume(all(o >= i and output_length(i, np.float32(o) / np.float32(i)) == o for i, o in sizes))
        assume((out_h, out_w) != (in_h, in_w))
    x = _random(data, (in_h, in_w))
    got = RUNNERS[name](x, (out_h, out_w))
    want = resize(x.astype(np.float64), (out_h, out_w), preset=name)
    if PRESETS[name].spec.mode == "nearest":
        np.testing.assert_array_equal(got, want)
    else:
        assert np.abs(got - want).max() <= BOUND * np.abs(x).max()
    library_counter("onnxruntime")


# --- where onnxruntime departs from the ONNX operator: each departure pinned with numbers -------------


def test_output_length_from_scales_is_a_float32_product(library_counter):
    """10 x 0.7f: ONNX ``floor(in * scale)`` = 6 (the spec, ``resize``), onnxruntime 7."""
    x = np.ones((10, 3), np.float32)
    got = run_resize(x, scales=(0.7, 1.0), attributes={"mode": "nearest"})
    assert got.shape == (7, 3)
    assert resize(x, scale_factor=(float(np.float32(0.7)), 1.0), preset="onnx_resize_default").shape == (6, 3)
    library_counter("onnxruntime")


def test_same_shape_is_the_input_and_scale_1_axes_are_copied(library_counter):
    """9 x 1.1 keeps the length 9: onnxruntime returns the input; the spec resamples by 1 / 1.1 (up to a
    whole pixel away). A ``tf_half_pixel_for_nn`` axis of scale 1 is copied; the spec reads ``x + 1/2``
    (round_prefer_ceil: the next pixel)."""
    x = np.arange(9, dtype=np.float32)[None, :]
    asym = {"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"}
    np.testing.assert_array_equal(run_resize(x, scales=(1.0, 1.1), attributes=asym), x)
    spec = resize(x, scale_factor=(1.0, float(np.float32(1.1))), spec=ResizeSpec.from_onnx(asym))
    assert np.abs(spec - x).max() == 1
    nn = {"mode": "nearest", "coordinate_transformation_mode": "tf_half_pixel_for_nn",
          "nearest_mode": "round_prefer_ceil"}
    y = np.arange(12, dtype=np.float32).reshape(3, 4)
    got = run_resize(y, sizes=(3, 8), attributes=nn)
    np.testing.assert_array_equal(got[:, ::2], y)  # rows copied
    assert not np.array_equal(resize(y, (3, 8), spec=ResizeSpec.from_onnx(nn))[:, ::2], y)
    library_counter("onnxruntime", 2)


def test_antialias_axis_that_keeps_its_length(library_counter):
    """Antialiased linear, half_pixel, 3 x 1.1 -> 3 (the other axis doubled): onnxruntime copies the
    axis, the spec resamples it with the scale 1.1 (0.32 max|x| away here)."""
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    attributes = {"mode": "linear", "antialias": 1}
    got = run_resize(x, scales=(2.0, 1.1), attributes=attributes)
    doubled = run_resize(x, sizes=(4, 3), attributes=attributes)
    np.testing.assert_allclose(got, doubled, atol=1e-6)
    difference, _, _ = compare(attributes, x, scales=(2.0, 1.1))
    assert 0.05 < difference < 1
    library_counter("onnxruntime", 2)


def test_align_corners_with_scales_departs_from_onnx_reference(library_counter):
    """With ``scales``, onnxruntime divides by ``out - 1`` where onnx's reference code (our
    ``float64_divide``) divides by ``scale * in - 1``: float32_divide matches onnxruntime, the reference
    differs by 0.35 (linear) and 0.43 (cubic) max|x| here (4 x 1.7: 6 outputs, 6.8 - 1 vs 5)."""
    x = np.random.default_rng(0).standard_normal((1, 4)).astype(np.float32)
    for mode in ("linear", "cubic"):
        attributes = {"mode": mode, "coordinate_transformation_mode": "align_corners"}
        difference, _, _ = compare(attributes, x, scales=(1.0, 1.7))
        assert difference <= BOUND
        reference, _, _ = compare(attributes, x, scales=(1.0, 1.7), arithmetic="float64_divide")
        assert 0.05 < reference <= 0.6
    library_counter("onnxruntime", 2)


def test_rounding_treats_a_near_half_as_a_half(library_counter):
    """7 -> 2 asymmetric: x = 1 maps to 7 / 2 = 3.5, which float32 computes as 3.4999998;
    onnxruntime's round_prefer_ceil still reads pixel 4 (and round_prefer_floor pixel 3): it treats
    coordinates within 1e-6 of a half as the half."""
    assert np.float32(1) / (np.float32(2) / np.float32(7)) < 3.5
    x = np.arange(7, dtype=np.float32)[None, :]
    for nearest_mode, pixel in (("round_prefer_ceil", 4), ("round_prefer_floor", 3)):
        attributes = {"mode": "nearest", "coordinate_transformation_mode": "asymmetric",
                      "nearest_mode": nearest_mode}
        spec = ResizeSpec.from_onnx(attributes, coordinate_arithmetic=ARITHMETIC)
        assert run_resize(x, sizes=(1, 2), attributes=attributes)[0, 1] == pixel
        assert resize(x, (1, 2), spec=spec)[0, 1] == pixel
    library_counter("onnxruntime", 2)


if __name__ == "__main__":  # re-measure BOUND: python tests/test_presets_onnxruntime.py [cases]
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    for by in ("sizes", "scales"):

        @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(attributes=st.sampled_from([c for c in COMBINATIONS_19 if c["mode"] != "nearest"]), case=cases(by))
        def measure(attributes, case):
            x, amounts, roi = case
            if _unspecified_antialias_case(attributes, x, amounts):
                return
            d = compare(attributes, x, roi=_with_roi(attributes, roi), **amounts)[0]
            key = bound(attributes)
            if d > worst.get(key, [0.0])[0]:
                worst[key] = [d, (attributes, x.shape, amounts)]

        worst = {}
        measure()
        for key, (d, where) in sorted(worst.items()):
            print(f"{by}, bound {key}: max |onnxruntime - spec| / max|x| = {d:.3g} at {where} ({count} cases)")
