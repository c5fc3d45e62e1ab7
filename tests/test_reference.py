"""The NumPy reference and the tables: properties, dtype policy, non-finite values, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, strategies as st

from consistent_resize import (
    ResizeSpec,
    adjoint,
    axis_table,
    resize,
)

from spec_strategies import specs  # noqa: E402

sizes = st.integers(1, 12)


@given(sizes, sizes, specs())
def test_table_shape_and_range(n, m, spec):
    t = axis_table(n, m, spec)
    assert t.index.shape == t.weight.shape and t.index.shape[0] == m
    assert t.index.min() >= 0 and t.index.max() < n
    assert not t.index.flags.writeable and not t.weight.flags.writeable


@given(sizes, sizes, specs(("linear", "cubic")))
@example(1, 5, ResizeSpec(mode="linear", coordinate_arithmetic="float32_reciprocal"))  # make fuzz, seed 316362195
def test_rows_sum_to_one(n, m, spec):
    """Linear, cubic (Keys kernels are a partition of unity) and every normalised variant keep constants: to
    float64 rounding, or to float32 rounding where the arithmetic computes the weights in float32 (PyTorch's
    ``1 - lambda`` in float32: 1 -> 5 gives rows of 1 - 2^-25)."""
    t = axis_table(n, m, spec)
    rows = t.weight.sum(axis=1)[~t.outside]
    float32 = spec.coordinate_arithmetic.startswith("float32")
    np.testing.assert_allclose(rows, 1.0, rtol=0, atol=float(np.finfo(np.float32).eps) if float32 else 1e-12)


@given(sizes, sizes, specs())
def test_zero_weight_taps_read_only_indices_their_row_reads(n, m, spec):
    t = axis_table(n, m, spec)
    for index, weight in zip(t.index, t.weight):
        assert set(index[weight == 0]) <= set(index[weight != 0]) | {index[0]}


@given(sizes, sizes, specs(), st.integers(0, 2**32 - 1))
def test_adjoint_identity(n, m, spec, seed):
    """<resize(x), g> == <x, adjoint(g)>: the gradient is the transpose of the forward map."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, n, n + 1))
    spec = spec.replace(extrapolation_value=0.0)  # the affine part has no gradient
    y = resize(x, (m, m + 2), spec=spec)
    g = rng.standard_normal(y.shape)
    gx = adjoint(g, x.shape, (m, m + 2), spec=spec)
    assert gx.shape == x.shape
    np.testing.assert_allclose(np.vdot(y, g), np.vdot(x, gx), rtol=1e-10, atol=1e-10)


@given(sizes, sizes, sizes, sizes, specs())
def test_separable_application_equals_dense_matrices(n1, n2, m1, m2, spec):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n1, n2))
    spec = spec.replace(extrapolation_value=0.0)
    a = axis_table(n1, m1, spec).matrix()
    b = axis_table(n2, m2, spec).matrix()
    np.testing.assert_allclose(resize(x, (m1, m2), spec=spec), a @ x @ b.T, atol=1e-12)


def test_identity_size_is_identity_for_every_mode():
    x = np.random.default_rng(1).standard_normal((3, 7, 5))
    for mode in ("nearest", "linear", "cubic"):
        for ctm in ("half_pixel", "align_corners", "asymmetric", "pytorch_half_pixel", "half_pixel_symmetric"):
            spec = ResizeSpec(mode=mode, coordinate_transformation_mode=ctm)
            np.testing.assert_array_equal(resize(x, (7, 5), spec=spec), x)


def test_nan_and_inf_reach_only_the_outputs_that_read_them():
    x = np.zeros((8, 8))
    x[2, 3] = np.nan
    x[6, 6] = np.inf
    spec = ResizeSpec(mode="linear", coordinate_transformation_mode="align_corners")
    y = resize(x, (15, 15), spec=spec)
    ta, tb = axis_table(8, 15, spec), axis_table(8, 15, spec)
    reads = (ta.matrix() != 0).astype(int) @ (np.isnan(x) | np.isinf(x)).astype(int) @ (tb.matrix() != 0).T
    np.testing.assert_array_equal(~np.isfinite(y), reads > 0)
    assert np.isposinf(y[12, 12])  # exactly on the Inf's grid point: weight 1, no 0 * Inf


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_float_dtype_is_kept(dtype):
    x = np.arange(12, dtype=dtype).reshape(3, 4)
    y = resize(x, (5, 7), spec=ResizeSpec(mode="linear"))
    assert y.dtype == np.dtype(dtype)
    np.testing.assert_allclose(y, resize(x.astype(np.float64), (5, 7), spec=ResizeSpec(mode="linear")),
                               rtol=1e-3 if dtype == "float16" else 1e-7)


def test_bfloat16_if_available():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    x = np.arange(12, dtype=ml_dtypes.bfloat16).reshape(3, 4)
    assert resize(x, (5, 7), spec=ResizeSpec(mode="linear")).dtype == x.dtype


def test_integers_round_half_to_even_and_saturate():
    spec = ResizeSpec(mode="cubic", coordinate_transformation_mode="half_pixel")
    x = np.array([[0, 255, 255, 0]], dtype=np.uint8)
    exact = resize(x.astype(np.float64), (1, 9), spec=spec)
    got = resize(x, (1, 9), spec=spec)
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, np.clip(np.rint(exact), 0, 255))
    assert exact.max() > 255 and exact.min() < 0  # the cubic overshoot that saturation clips
    half = resize(np.array([[1, 2]], dtype=np.int32), (1, 4), spec=ResizeSpec(mode="linear"))
    np.testing.assert_array_equal(half, np.rint(resize(np.array([[1.0, 2.0]]), (1, 4), spec=ResizeSpec(mode="linear"))))


def test_scale_factor_enters_the_formula():
    """in=5, scale 1.5: out = floor(7.5) = 7, and the coordinates use 1.5, not 7/5."""
    spec = ResizeSpec(mode="linear")
    x = np.arange(5.0)[None]
    by_scale = resize(x, scale_factor=(1, 1.5), spec=spec)
    assert by_scale.shape == (1, 7)
    expected = np.interp((np.arange(7) + 0.5) / 1.5 - 0.5, np.arange(5), x[0])
    np.testing.assert_allclose(by_scale[0], expected, atol=1e-12)
    assert not np.allclose(by_scale, resize(x, (1, 7), spec=spec))


def test_keep_aspect_ratio_policy():
    x = np.zeros((1, 4, 8))
    assert resize(x, (4, 4), spec=ResizeSpec(keep_aspect_ratio_policy="not_larger")).shape == (1, 2, 4)
    assert resize(x, (4, 4), spec=ResizeSpec(keep_aspect_ratio_policy="not_smaller")).shape == (1, 4, 8)


def test_axes_argument_and_default_trailing_axes():
    x = np.random.default_rng(2).standard_normal((3, 4, 5))
    spec = ResizeSpec(mode="linear")
    a = resize(x, (6,), spec=spec)
    b = resize(x, 6, spec=spec, axes=[2])
    c = np.moveaxis(resize(np.moveaxis(x, 2, 0), (6,), spec=spec, axes=[0]), 0, 2)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)


def test_tf_crop_and_resize_extrapolates_outside_the_roi():
    spec = ResizeSpec(mode="linear", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-7.0)
    x = np.arange(16.0).reshape(4, 4)
    y = resize(x, (3, 3), spec=spec, roi=[-0.5, 0.0, 0.5, 1.0])
    assert (y[0] == -7.0).all() and y[1, 0] == x[0, 0]


@pytest.mark.parametrize(
    "kwargs, error, fragment",
    [
        (dict(size=(2, 2), scale_factor=(2, 2)), ValueError, "exactly one of size and scale_factor"),
        (dict(), ValueError, "exactly one of size and scale_factor"),
        (dict(size=(0, 2)), ValueError, "size entries must be >= 1"),
        (dict(size=(2.5, 2)), TypeError, "size entries must be integers"),
        (dict(scale_factor=(0.0, 2.0)), ValueError, "finite and > 0"),
        (dict(scale_factor=(float("nan"), 2.0)), ValueError, "finite and > 0"),
        (dict(scale_factor=(float("inf"), 2.0)), ValueError, "finite and > 0"),
        (dict(scale_factor=(0.1, 2.0)), ValueError, "output size must be >= 1"),
        (dict(size=(2, 2, 2, 2)), ValueError, "only 3 dimensions"),
        (dict(size=(2, 2), axes=[0]), ValueError, "axes given but size/scale_factor has 2 entries"),
        (dict(size=4), ValueError, "needs the axes"),
        (dict(size=(2, 2), axes=[0, 5]), ValueError, "out of range"),
        (dict(size=(2, 2), axes=[1, 1]), ValueError, "distinct"),
        (dict(size=(2, 2), roi=[0, 0, 1, 1]), ValueError, "roi is only used with"),
        (dict(size=(2, 2), spec=ResizeSpec(), preset="chainer"), ValueError, "not both"),
        (dict(size=(2, 2), spec={"mode": "linear"}), TypeError, "spec must be a ResizeSpec"),
        (dict(size="ab"), TypeError, "size must be a number or a sequence"),
    ],
)
def test_bad_arguments(kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        resize(np.zeros((1, 3, 3)), **kwargs)


@pytest.mark.parametrize("dtype", [bool, complex, object, "U3"])
def test_unsupported_dtypes(dtype):
    with pytest.raises(TypeError, match="unsupported dtype .* expected one of float16, bfloat16"):
        resize(np.zeros((2, 2), dtype=dtype), (3, 3))
