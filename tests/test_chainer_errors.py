"""Bad input to consistent_resize_chainer: Chainer's type check for the array (rank, dtype), the core's
ValueError/TypeError for the arguments, naming the argument and the allowed values."""

from __future__ import annotations

import numpy as np
import pytest

from consistent_resize import ResizeSpec
try:
    from consistent_resize_chainer._import import import_chainer

    chainer = import_chainer()
except ImportError:
    pytest.skip("Chainer is not installed (the numpy-2 CI leg has none)", allow_module_level=True)
from chainer.utils.type_check import InvalidType  # noqa: E402

import consistent_resize_chainer as crc  # noqa: E402

X = np.zeros((1, 2, 3, 4), np.float32)


@pytest.mark.parametrize("shape", [(3, 4), (1, 1, 1, 1, 1, 1)])
def test_rank_outside_3_to_5_is_a_type_error_naming_ndim(shape):
    with pytest.raises(InvalidType, match=r"x\.ndim"):
        crc.resize(np.zeros(shape, np.float32), 2)


@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.bool_])
def test_non_float_dtype_is_a_type_error_naming_dtype(dtype):
    with pytest.raises(InvalidType, match=r"x\.dtype\.kind == f"):
        crc.resize(X.astype(dtype), (2, 2))


@pytest.mark.parametrize(
    "shape,kwargs,match",
    [
        ((1, 2, 3, 4), dict(size=(2, 2, 2)), r"size has 3 entries but x of shape \(1, 2, 3, 4\) has 2 spatial"),
        ((1, 2, 3, 4), dict(size=(2,)), r"size has 1 entries .* give 2 entries"),
        ((1, 2, 3, 4), dict(scale_factor=(2.0, 2.0, 2.0)), r"scale_factor has 3 entries"),
        ((3, 5, 7), dict(size=(4, 6)), r"for one \(C, H, W\) image, resize x\[None\]"),
    ],
)
def test_size_entries_must_match_the_spatial_axes(shape, kwargs, match):
    """The size is blamed, not the input's rank (Chainer's type check would say ``x.ndim == 5``)."""
    with pytest.raises(ValueError, match=match):
        crc.resize(np.zeros(shape, np.float32), **kwargs)


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        (dict(size=(0, 2)), ValueError, "size entries must be >= 1"),
        (dict(size=(2.5, 2)), TypeError, "size entries must be integers"),
        (dict(size=(2, 2), scale_factor=2.0), ValueError, "exactly one of size and scale_factor"),
        (dict(), ValueError, "exactly one of size and scale_factor"),
        (dict(scale_factor=(-1.0, 2.0)), ValueError, "scale_factor entries must be finite and > 0"),
        (dict(scale_factor=(0.1, 2.0)), ValueError, "scale_factor 0.1 gives output size 0"),
        (dict(size=(2, 2), preset="chainr"), ValueError, "unknown preset 'chainr'.*did you mean 'chainer'"),
        (dict(size=(2, 2), spec={"mode": "linear"}), TypeError, "spec must be a ResizeSpec"),
        (dict(size=(2, 2), spec=ResizeSpec(), preset="chainer"), ValueError, "give spec or preset, not both"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, error, match):
    with pytest.raises(error, match=match):
        crc.resize(X, **kwargs)


def test_link_checks_its_arguments_when_built():
    with pytest.raises(ValueError, match="unknown preset"):
        crc.Resize((2, 2), preset="nope")
    with pytest.raises(ValueError, match="exactly one of size and scale_factor"):
        crc.Resize()


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        (dict(mode="bicubic"), ValueError, "unknown mode 'bicubic'; expected one of 'bilinear', 'nearest'"),
        (dict(align_corners="yes"), TypeError, "align_corners must be a bool"),
        (dict(mode="nearest", spec=ResizeSpec()), ValueError, "leave them at their defaults"),
    ],
)
def test_drop_in_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        crc.resize_images(X, (2, 2), **kwargs)


def test_drop_in_output_shape_must_be_a_tuple():
    with pytest.raises(TypeError, match="output_shape must be a tuple"):
        crc.resize_images(X, 4)
