"""consistent_resize_chainer.resize against the NumPy reference: forward, gradient (the spec's adjoint),
Chainer's gradient checks of first and second order, the adjoint identity, dtypes and non-finite values."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from consistent_resize import (
    COORDINATE_ARITHMETICS,
    COORDINATE_TRANSFORMATION_MODES,
    MODES,
    NEAREST_MODES,
    ResizeSpec,
    reference,
)
from consistent_resize.spec import KEEP_ASPECT_RATIO_POLICIES

try:
    from consistent_resize_chainer._import import import_chainer

    chainer = import_chainer()
except ImportError:
    pytest.skip("Chainer is not installed (the numpy-2 CI leg has none)", allow_module_level=True)
import consistent_resize_chainer as crc  # noqa: E402
from consistent_resize_chainer import _gather  # noqa: E402
with warnings.catch_warnings():  # chainer.testing marks tests with pytest.mark.gpu, unknown to this project
    warnings.simplefilter("ignore")
    from chainer import gradient_check  # noqa: E402

SCALES = (0.34, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)


@st.composite
def specs(draw):
    mode = draw(st.sampled_from(MODES))
    return ResizeSpec(
        mode=mode,
        coordinate_transformation_mode=draw(st.sampled_from(COORDINATE_TRANSFORMATION_MODES)),
        nearest_mode=draw(st.sampled_from(NEAREST_MODES)),
        cubic_coeff_a=draw(st.sampled_from((-0.5, -0.75))),
        exclude_outside=draw(st.sampled_from((0, 1))),
        antialias=0 if mode == "nearest" else draw(st.sampled_from((0, 1))),
        extrapolation_value=draw(st.sampled_from((0.0, -1.5))),
        keep_aspect_ratio_policy=draw(st.sampled_from(KEEP_ASPECT_RATIO_POLICIES)),
        coordinate_arithmetic=draw(st.sampled_from(COORDINATE_ARITHMETICS)),
    )


@st.composite
def cases(draw):
    """(spec, input shape, size, scale_factor) over ranks 3-5."""
    spec = draw(specs())
    rank = draw(st.sampled_from((3, 4, 5)))
    top = 7 if rank < 5 else 4
    spatial = draw(st.lists(st.integers(1, top), min_size=rank - 2, max_size=rank - 2))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), *spatial)
    n = rank - 2
    if draw(st.booleans()):
        size = tuple(draw(st.lists(st.integers(1, 2 * top), min_size=n, max_size=n)))
        if draw(st.booleans()) and len(set(size)) == 1:
            size = size[0]  # one int for every spatial axis
        return spec, shape, size, None
    scale = tuple(draw(st.lists(st.sampled_from(SCALES), min_size=n, max_size=n)))
    return spec, shape, None, scale


#: How the tables are applied on the CPU: chosen per axis (None), or forced (both paths are tested).
METHODS = st.sampled_from([None, "gather", "dense"])


def _expected_or_error(fn):
    try:
        return fn(), None
    except ValueError as error:
        return None, error


def _forward(x, spec, size, scale):
    return crc.resize(x, size, scale, spec=spec)


@settings(max_examples=120)  # each example takes ~2 ms
@given(cases(), st.integers(0, 2**31 - 1), METHODS)
def test_forward_equals_reference(case, seed, method):
    spec, shape, size, scale = case
    x = np.random.default_rng(seed).normal(size=shape)
    axes = tuple(range(2, len(shape)))
    expected, error = _expected_or_error(lambda: reference.resize(x, size, scale, spec=spec, axes=axes))
    if error is not None:
        with pytest.raises(ValueError, match=str(error)[:40].replace("(", r"\(").replace(")", r"\)")):
            _forward(x, spec, size, scale)
        return
    with _gather.forced(method):
        y = _forward(x, spec, size, scale)
        y32 = _forward(x.astype(np.float32), spec, size, scale)
    assert y.dtype == np.float64 and y.shape == expected.shape
    np.testing.assert_allclose(y.array, expected, rtol=1e-12, atol=1e-12)
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32.array, expected, rtol=2e-5, atol=2e-5)


@settings(max_examples=120)  # each example takes ~2 ms
@given(cases(), st.integers(0, 2**31 - 1), METHODS)
def test_gradient_equals_reference_adjoint(case, seed, method):
    spec, shape, size, scale = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    axes = tuple(range(2, len(shape)))
    expected_y, error = _expected_or_error(lambda: reference.resize(x, size, scale, spec=spec, axes=axes))
    if error is not None:
        return  # the error is tested above
    g = rng.normal(size=expected_y.shape)
    v = chainer.Variable(x)
    with _gather.forced(method):
        y = _forward(v, spec, size, scale)
        y.grad = g
        y.backward()
    expected = reference.adjoint(g, shape, size, scale, spec=spec, axes=axes)
    np.testing.assert_allclose(v.grad, expected, rtol=1e-12, atol=1e-12)


@settings(max_examples=120)  # each example takes ~2 ms
@given(cases(), st.integers(0, 2**31 - 1))
def test_adjoint_identity(case, seed):
    """<A x, g> == <x, A^T g> with A our forward and A^T our backward (an independent check of the
    transposed tables that does not go through the reference)."""
    spec, shape, size, scale = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    v = chainer.Variable(x)
    try:
        y = _forward(v, spec, size, scale)
    except ValueError:
        return
    g = rng.normal(size=y.shape)
    (gx,) = chainer.grad([y], [v], [chainer.Variable(g)])
    offset = _forward(np.zeros_like(x), spec, size, scale).array  # extrapolation_value outside a crop
    lhs = float(np.vdot(y.array - offset, g))
    rhs = float(np.vdot(x, gx.array))
    assert lhs == pytest.approx(rhs, rel=1e-10, abs=1e-10)


GRADCHECK_CASES = [
    (ResizeSpec(mode="linear", coordinate_transformation_mode="align_corners"), (2, 2, 3, 4), (5, 7), None),
    (ResizeSpec(mode="cubic", coordinate_transformation_mode="half_pixel"), (1, 2, 5), (3,), None),
    (ResizeSpec(mode="linear", antialias=1, exclude_outside=1), (1, 1, 7, 6), (3, 2), None),
    (ResizeSpec(mode="nearest", nearest_mode="floor"), (1, 2, 2, 3, 3), None, (2.0, 1.5, 0.5)),
    (ResizeSpec(mode="linear", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=2.0),
     (1, 1, 4, 4), None, (1.5, 0.75)),
]


@pytest.mark.parametrize("method", [None, "gather", "dense"])
@pytest.mark.parametrize("spec,shape,size,scale", GRADCHECK_CASES)
def test_check_backward_and_double_backward(spec, shape, size, scale, method):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    y_shape = reference.resize(x, size, scale, spec=spec, axes=tuple(range(2, len(shape)))).shape
    gy = rng.normal(size=y_shape)
    ggx = rng.normal(size=shape)

    def f(v):
        return crc.resize(v, size, scale, spec=spec)

    with _gather.forced(method):
        gradient_check.check_backward(f, x, gy, dtype=np.float64, atol=1e-7, rtol=1e-7)
        gradient_check.check_double_backward(f, x, gy, ggx, dtype=np.float64, atol=1e-7, rtol=1e-7)


def test_second_order_gradient_is_the_forward_map():
    """d/dgy <grad_x(y . gy), ggx> = A ggx: the backward of the backward is the resize itself."""
    spec = ResizeSpec(mode="cubic", coordinate_transformation_mode="pytorch_half_pixel")
    rng = np.random.default_rng(1)
    x = chainer.Variable(rng.normal(size=(1, 2, 4, 5)))
    y = crc.resize(x, (7, 3), spec=spec)
    gy = chainer.Variable(rng.normal(size=y.shape))
    (gx,) = chainer.grad([y], [x], [gy], enable_double_backprop=True)
    ggx = rng.normal(size=x.shape)
    (ggy,) = chainer.grad([gx], [gy], [chainer.Variable(ggx)])
    expected = reference.resize(ggx, (7, 3), spec=spec, axes=(2, 3))
    np.testing.assert_allclose(ggy.array, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("preset", ["chainer", "pytorch_bicubic", "pillow_bilinear", "tf_nearest"])
def test_float16_accumulates_in_float32(preset):
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 100, size=(2, 3, 9, 7)).astype(np.float16)
    y = crc.resize(x, (5, 13), preset=preset)
    assert y.dtype == np.float16
    expected = reference.resize(x.astype(np.float64), (5, 13), preset=preset, axes=(2, 3))
    # one rounding to float16 at the end (a float16 accumulation would be off by several float16 ulps)
    np.testing.assert_allclose(y.array.astype(np.float64), expected, rtol=2 ** -10, atol=0.05)
    v = chainer.Variable(x)
    out = crc.resize(v, (5, 13), preset=preset)
    out.grad = np.ones(out.shape, np.float16)
    out.backward()
    assert v.grad.dtype == np.float16
    expected_grad = reference.adjoint(np.ones(out.shape), x.shape, (5, 13), preset=preset, axes=(2, 3))
    np.testing.assert_allclose(v.grad.astype(np.float64), expected_grad, rtol=2 ** -10, atol=0.01)


@pytest.mark.parametrize("method", [None, "gather", "dense"])
@pytest.mark.parametrize("preset", ["chainer", "pytorch_bicubic", "tf_bicubic_antialias"])
def test_non_finite_values_reach_only_the_outputs_that_read_them(preset, method):
    x = np.zeros((1, 1, 6, 6))
    x[0, 0, 1, 4] = np.nan
    x[0, 0, 4, 2] = np.inf
    with _gather.forced(method):
        y = crc.resize(x, (11, 4), preset=preset).array
    expected = reference.resize(x, (11, 4), preset=preset, axes=(2, 3))
    np.testing.assert_array_equal(np.isfinite(y), np.isfinite(expected))
    assert np.isfinite(expected).any() and not np.isfinite(expected).all()


@pytest.mark.parametrize("method", [None, "gather", "dense"])
def test_unread_inputs_get_zero_gradient_even_for_a_nan_upstream_gradient(method):
    """Nearest 8 -> 3 reads 3 of 8 inputs; the others get exactly 0, as in the reference adjoint."""
    v = chainer.Variable(np.ones((1, 1, 8)))
    with _gather.forced(method):
        y = crc.resize(v, (3,), preset="pytorch_nearest")
        g = np.array([[[np.nan, 1.0, 2.0]]])
        y.grad = g
        y.backward()
    expected = reference.adjoint(g, (1, 1, 8), (3,), preset="pytorch_nearest", axes=(2,))
    np.testing.assert_array_equal(np.isnan(v.grad), np.isnan(expected))
    np.testing.assert_array_equal(np.nan_to_num(v.grad), np.nan_to_num(expected))


def test_dense_product_is_chosen_for_short_sources_and_finite_input():
    """The CPU path choice: the 60 -> 6 gradient of a 6 -> 60 upscale (24 taps a row) is a matrix
    product; the 6 -> 60 forward (2 taps) too; a 512 -> 1024 axis (2 taps) is a gather; NaN: a gather."""
    from consistent_resize import PRESETS, axis_table

    up = axis_table(6, 60, PRESETS["chainer"].spec)
    big = axis_table(512, 1024, PRESETS["chainer"].spec)
    finite = np.zeros((2, 60, 3))
    assert _gather._use_dense(finite, _gather.transposed_table(up))
    assert _gather._use_dense(finite[:, :6], _gather.forward_table(up))
    assert not _gather._use_dense(np.zeros((2, 512)), _gather.forward_table(big))
    finite[1, 2, 0] = np.nan
    assert not _gather._use_dense(finite, _gather.transposed_table(up))


def test_link_matches_function_and_has_no_parameters():
    layer = crc.Resize(scale_factor=2.0, preset="pytorch_bilinear")
    x = np.random.default_rng(3).normal(size=(2, 3, 4, 5)).astype(np.float32)
    np.testing.assert_array_equal(layer(x).array, crc.resize(x, scale_factor=2.0, preset="pytorch_bilinear").array)
    assert list(layer.params()) == []
    assert "pytorch_bilinear" in repr(layer)


@pytest.mark.parametrize("mode", ["nearest", "linear", "cubic"])
def test_roi_of_tf_crop_and_resize(mode):
    spec = ResizeSpec(mode=mode, coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=7.0)
    roi = [0.2, -0.1, 0.9, 1.3]
    rng = np.random.default_rng(6)
    v = chainer.Variable(rng.normal(size=(1, 2, 5, 6)))
    y = crc.Resize((4, 7), spec=spec, roi=roi)(v)
    np.testing.assert_allclose(y.array, reference.resize(v.array, (4, 7), spec=spec, roi=roi, axes=(2, 3)), rtol=1e-12)
    g = rng.normal(size=y.shape)
    y.grad = g
    y.backward()
    expected = reference.adjoint(g, v.shape, (4, 7), spec=spec, roi=roi, axes=(2, 3))
    np.testing.assert_allclose(v.grad, expected, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="roi is only used with"):
        crc.resize(v, (4, 7), preset="chainer", roi=roi)
