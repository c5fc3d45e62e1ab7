"""``consistent_resize_tf.resize``: forward equals the NumPy reference and gradients equal its adjoint, for
every mode, coordinate mode, nearest mode, cubic setting, antialias and arithmetic; dtypes; eager,
``tf.function`` and XLA agree."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

tf = pytest.importorskip("tensorflow")

from consistent_resize import (  # noqa: E402
    PRESETS,
    ResizeSpec,
    reference,
)
from consistent_resize.spec import KEEP_ASPECT_RATIO_POLICIES  # noqa: E402
from consistent_resize_tf import resize  # noqa: E402
from spec_strategies import specs  # noqa: E402

SCALES = [0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 7 / 3]


@st.composite
def cases(draw):
    spec = draw(specs(policies=KEEP_ASPECT_RATIO_POLICIES))
    rank = draw(st.integers(3, 5))
    data_format = draw(st.sampled_from(["channels_last", "channels_first"]))
    spatial = [draw(st.integers(1, 7 if rank < 5 else 4)) for _ in range(rank - 2)]
    if draw(st.booleans()):
        size, scale = [draw(st.integers(1, 9 if rank < 5 else 5)) for _ in spatial], None
    else:
        size = None
        scale = [draw(st.sampled_from([s for s in SCALES if math.floor(n * s) >= 1])) for n in spatial]
    roi = None
    if spec.coordinate_transformation_mode == "tf_crop_and_resize" and draw(st.booleans()):
        roi = [draw(st.sampled_from([-0.3, 0.0, 0.2])) for _ in spatial] + [
            draw(st.sampled_from([0.6, 1.0, 1.25])) for _ in spatial
        ]
    shape = [2] + spatial + [3] if data_format == "channels_last" else [2, 3] + spatial
    axes = tuple(range(1, rank - 1)) if data_format == "channels_last" else tuple(range(2, rank))
    return spec, shape, axes, data_format, size, scale, roi, draw(st.integers(0, 2**31 - 1))


def _value_and_grad(fn, x, g):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
        loss = tf.reduce_sum(y * g)
    return y, tape.gradient(loss, x)


@settings(max_examples=30)  # each example traces a tf.function
@given(cases())
def test_forward_and_gradient_equal_reference_and_adjoint(case):
    """Static shapes (NumPy tables as constants) and unknown shapes (in-graph tables), float64."""
    spec, shape, axes, data_format, size, scale, roi, seed = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    try:
        expected = reference.resize(x, size, scale, spec=spec, axes=axes, roi=roi)
    except ValueError as exc:  # a row of weights sums to 0 (e.g. linear + exclude_outside at 1 pixel)
        assert "sum to 0" in str(exc)
        _check_weightless_row_refused(x, size, scale, spec, data_format, roi, axes)
        return
    g = rng.standard_normal(expected.shape)
    expected_grad = reference.adjoint(g, shape, size, scale, spec=spec, axes=axes, roi=roi)

    def call(t):
        return resize(t, size, scale, spec=spec, data_format=data_format, roi=roi)

    unknown = [None if a in axes else n for a, n in enumerate(shape)]
    graph = tf.function(call, input_signature=[tf.TensorSpec(unknown, tf.float64)])
    for fn in (call, graph):
        y, grad = _value_and_grad(fn, tf.constant(x), tf.constant(g))
        np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(grad.numpy(), expected_grad, rtol=1e-12, atol=1e-12)


def _check_weightless_row_refused(x, size, scale, spec, data_format, roi, axes):
    """Static shapes raise the core's ValueError; the in-graph tables fail at run time with its message."""
    with pytest.raises(ValueError, match="sum to 0"):
        resize(tf.constant(x), size, scale, spec=spec, data_format=data_format, roi=roi)
    unknown = [None if a in axes else n for a, n in enumerate(x.shape)]
    graph = tf.function(lambda t: resize(t, size, scale, spec=spec, data_format=data_format, roi=roi),
                        input_signature=[tf.TensorSpec(unknown, tf.float64)])
    with pytest.raises(tf.errors.InvalidArgumentError, match="sum to 0"):
        graph(tf.constant(x))


def test_weightless_row_is_an_error_not_zeros():
    """Regression: linear with exclude_outside, 1x3 -> 1x1 under not_larger (scale 1/3 on the 1-pixel axis
    puts the coordinate at 1: its one non-zero tap lies outside); the in-graph tables gave zeros."""
    spec = ResizeSpec(mode="linear", exclude_outside=1, keep_aspect_ratio_policy="not_larger")
    x = np.random.default_rng(0).standard_normal((2, 1, 3, 3))
    _check_weightless_row_refused(x, (1, 1), None, spec, "channels_last", None, (1, 2))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
@pytest.mark.parametrize("preset", ["pytorch_bicubic", "tf_bilinear_antialias", "opencv_nearest", "chainer"])
def test_low_precision_dtypes_accumulate_in_float32(dtype, preset):
    rng = np.random.default_rng(1)
    x64 = rng.uniform(-4, 4, (2, 9, 7, 3))
    x = tf.cast(tf.constant(x64), dtype)
    y = resize(x, (5, 12), preset=preset)
    assert y.dtype == tf.as_dtype(dtype)
    # the reference on the rounded input, in float64; we differ by float32 accumulation and one rounding
    expected = reference.resize(tf.cast(x, tf.float64).numpy(), (5, 12), preset=preset, axes=(1, 2))
    eps = {"float16": 2**-10, "bfloat16": 2**-7, "float32": 2**-23}[dtype]
    np.testing.assert_allclose(tf.cast(y, tf.float64).numpy(), expected, rtol=eps, atol=8 * eps)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(resize(x, (5, 12), preset=preset))
    assert tape.gradient(loss, x).dtype == tf.as_dtype(dtype)


@pytest.mark.parametrize(
    "spec",
    [
        ResizeSpec(mode="linear", coordinate_transformation_mode="align_corners"),
        ResizeSpec(mode="cubic", antialias=1, exclude_outside=1, cubic_coeff_a=-0.5),
        ResizeSpec(mode="nearest", nearest_mode="ceil"),
        ResizeSpec(mode="linear", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=3.0),
    ],
    ids=lambda s: s.describe(),
)
def test_compute_gradient_float64(spec):
    """TensorFlow's numerical Jacobian agrees with the analytic one (gather's gradient)."""
    x = tf.constant(np.random.default_rng(2).standard_normal((1, 4, 5, 2)))
    roi = [0.1, -0.2, 0.9, 1.1] if spec.coordinate_transformation_mode == "tf_crop_and_resize" else None
    theoretical, numerical = tf.test.compute_gradient(lambda t: resize(t, (3, 7), spec=spec, roi=roi), [x])
    np.testing.assert_allclose(theoretical[0], numerical[0], rtol=1e-6, atol=1e-6)
    assert np.abs(theoretical[0]).sum() > 0


@pytest.mark.parametrize("preset", ["pillow_bicubic", "pytorch_bilinear_align_corners", "tf_nearest"])
def test_adjoint_identity(preset):
    """<resize(x), g> == <x, grad(g)>: the tape gradient is the transpose of the forward map."""
    rng = np.random.default_rng(3)
    x = tf.constant(rng.standard_normal((2, 3, 11, 6, 2)))
    g = tf.constant(rng.standard_normal((2, 3, 3, 4, 9)))
    y, grad = _value_and_grad(lambda t: resize(t, (3, 4, 9), preset=preset, data_format="channels_first"), x, g)
    lhs = float(tf.reduce_sum(y * g))
    rhs = float(tf.reduce_sum(x * grad))
    assert lhs == pytest.approx(rhs, rel=1e-12, abs=1e-12)


def test_non_finite_values_reach_only_outputs_that_read_them():
    x = np.random.default_rng(4).standard_normal((1, 8, 8, 1))
    x[0, 3, 5, 0] = np.nan
    x[0, 6, 1, 0] = np.inf
    for preset in ("pytorch_bicubic", "pillow_bilinear", "tf1_nearest"):
        y = resize(tf.constant(x), (5, 13), preset=preset).numpy()
        expected = reference.resize(x, (5, 13), preset=preset, axes=(1, 2))
        np.testing.assert_array_equal(np.isfinite(y), np.isfinite(expected))


SAME_EVERYWHERE = [
    "pytorch_bicubic", "tf_bilinear_antialias", "chainer", "pillow_bicubic",
    "onnx_resize_default", "tf_nearest", "opencv_nearest",
]


@pytest.mark.parametrize("preset", SAME_EVERYWHERE)
def test_eager_tf_function_and_xla_agree(preset):
    """Each compiled path compared with eager, static and unknown spatial sizes. Nearest is bit for bit
    everywhere. Weighted modes agree within float32 rounding (measured up to ~5e-6 on N(0, 1) data): XLA on
    CPU contracts ``w * x + acc`` into fused multiply-adds, grappler may regroup the additions, and the
    in-graph tables are not merged (``w1 * x + w2 * x`` for a border pixel read twice)."""
    x = tf.constant(np.random.default_rng(5).standard_normal((2, 10, 7, 3)).astype(np.float32))

    def call(t):
        return resize(t, (6, 15), preset=preset)

    eager = call(x).numpy()
    static = tf.TensorSpec(x.shape, tf.float32)
    unknown = tf.TensorSpec([None, None, None, 3], tf.float32)
    for signature in (static, unknown):
        for jit in (False, True):
            got = tf.function(call, input_signature=[signature], jit_compile=jit)(x).numpy()
            if PRESETS[preset].spec.mode == "nearest":
                np.testing.assert_array_equal(got, eager)
            else:
                np.testing.assert_allclose(got, eager, rtol=0, atol=2e-5)
