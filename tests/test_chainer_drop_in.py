"""consistent_resize_chainer.resize_images against the real chainer.functions.resize_images: forward and
gradient over shapes, modes and align_corners; its signature and defaults."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from consistent_resize import reference
try:
    from consistent_resize_chainer._import import import_chainer

    chainer = import_chainer()
except ImportError:
    pytest.skip("Chainer is not installed (the numpy-2 CI leg has none)", allow_module_level=True)
import chainer.functions as F  # noqa: E402

import consistent_resize_chainer as crc  # noqa: E402

MODES = [("bilinear", True), ("bilinear", False), ("nearest", True), ("nearest", False)]


@st.composite
def chainer_cases(draw):
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 9)), draw(st.integers(1, 9)))
    output_shape = (draw(st.integers(1, 17)), draw(st.integers(1, 17)))
    mode, align_corners = draw(st.sampled_from(MODES))
    return shape, output_shape, mode, align_corners


def _gradient(fn, x, gy):
    v = chainer.Variable(x)
    y = fn(v)
    y.grad = gy
    y.backward()
    return y.array, v.grad


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])  # ~3 ms each
@given(case=chainer_cases(), seed=st.integers(0, 2**31 - 1))
def test_drop_in_equals_chainer_forward_and_gradient(case, seed, library_counter):
    shape, output_shape, mode, align_corners = case
    rng = np.random.default_rng(seed)
    x = rng.uniform(-100, 100, size=shape).astype(np.float32)
    gy = rng.normal(size=shape[:2] + output_shape).astype(np.float32)
    kwargs = dict(mode=mode, align_corners=align_corners)
    y_ours, gx_ours = _gradient(lambda v: crc.resize_images(v, output_shape, **kwargs), x, gy)
    y_real, gx_real = _gradient(lambda v: F.resize_images(v, output_shape, **kwargs), x, gy)
    assert y_ours.dtype == y_real.dtype == np.float32 and gx_ours.dtype == np.float32
    # Chainer sums four float32 products per output; we apply one axis after the other: a few ulps apart.
    np.testing.assert_allclose(y_ours, y_real, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(gx_ours, gx_real, rtol=1e-5, atol=1e-4)
    library_counter("chainer F.resize_images vs drop-in, forward+gradient")


@pytest.mark.parametrize("mode,align_corners", MODES)
def test_drop_in_float64_is_the_reference_of_the_chainer_preset(mode, align_corners):
    """In float64 the drop-in is the reference of the preset (Chainer itself only takes float32)."""
    x = np.random.default_rng(0).normal(size=(2, 3, 5, 4))
    preset = crc.chainer_preset(mode, align_corners)
    y = crc.resize_images(x, (7, 9), mode=mode, align_corners=align_corners)
    np.testing.assert_allclose(y.array, reference.resize(x, (7, 9), preset=preset, axes=(2, 3)), rtol=1e-12)


def test_the_two_by_two_case_matches_chainer():
    x = np.array([[[[64.0, 32.0], [64.0, 32.0]]]], np.float32)
    np.testing.assert_allclose(crc.resize_images(x, (4, 4)).array, F.resize_images(x, (4, 4)).array, rtol=1e-6)


def test_signature_and_defaults_are_chainers():
    ours = inspect.signature(crc.resize_images).parameters
    theirs = inspect.signature(F.resize_images).parameters
    for name, parameter in theirs.items():
        assert ours[name].default == parameter.default and ours[name].kind == parameter.kind, name
    assert list(ours)[: len(theirs)] == list(theirs)
    assert ours["spec"].default is None and ours["preset"].default is None


def test_spec_and_preset_switch_semantics():
    x = np.random.default_rng(1).normal(size=(1, 2, 3, 4)).astype(np.float32)
    y = crc.resize_images(x, (6, 8), preset="pytorch_bilinear")
    np.testing.assert_allclose(y.array, reference.resize(x, (6, 8), preset="pytorch_bilinear", axes=(2, 3)),
                               rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="leave them at their defaults"):
        crc.resize_images(x, (6, 8), mode="nearest", preset="pytorch_bilinear")


@pytest.mark.parametrize("shape,output_shape", [((1, 2, 5), (9,)), ((1, 1, 3, 4, 5), (6, 2, 7))])
def test_drop_in_other_ranks(shape, output_shape):
    x = np.random.default_rng(2).normal(size=shape)
    y = crc.resize_images(x, output_shape)
    axes = tuple(range(2, len(shape)))
    np.testing.assert_allclose(y.array, reference.resize(x, output_shape, preset="chainer", axes=axes), rtol=1e-12)
