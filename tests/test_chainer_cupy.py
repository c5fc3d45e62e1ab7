"""The CuPy path of consistent_resize_chainer: the same numbers as the NumPy path (which the other tests tie
to the reference and to Chainer), gradients of first and second order, and the table cache per device.
Runs where CuPy and a CUDA device are present; skipped with the reason elsewhere."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from consistent_resize import reference
try:
    from consistent_resize_chainer._import import import_chainer

    chainer = import_chainer()
except ImportError:
    pytest.skip("Chainer is not installed (the numpy-2 CI leg has none)", allow_module_level=True)
cupy = pytest.importorskip("cupy", reason="CuPy is not installed: the GPU path is checked where it is")
try:
    if cupy.cuda.runtime.getDeviceCount() < 1:
        raise RuntimeError("no device")
except Exception as error:  # noqa: BLE001 - any CUDA failure means: no usable device here
    pytest.skip(f"no CUDA device for CuPy ({error})", allow_module_level=True)

import chainer.functions as F  # noqa: E402
with warnings.catch_warnings():  # chainer.testing marks tests with pytest.mark.gpu, unknown to this project
    warnings.simplefilter("ignore")
    from chainer import gradient_check  # noqa: E402

import consistent_resize_chainer as crc  # noqa: E402
from consistent_resize_chainer import _gather  # noqa: E402

CASES = [
    ("chainer", (2, 3, 6, 6), (60, 60)),
    ("pytorch_bicubic", (1, 2, 9, 7), (4, 13)),
    ("pillow_bicubic", (1, 2, 20, 17), (6, 5)),
    ("tf_nearest", (2, 1, 5), (11,)),
    ("pytorch_bilinear_align_corners", (1, 2, 3, 4, 5), (6, 2, 9)),
]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("preset,shape,size", CASES)
def test_gpu_forward_and_gradient_equal_cpu(preset, shape, size, dtype):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype(dtype)
    axes = tuple(range(2, len(shape)))
    y_shape = reference.resize(x.astype(np.float64), size, preset=preset, axes=axes).shape
    gy = rng.normal(size=y_shape).astype(dtype)
    results = []
    for xp in (np, cupy):
        v = chainer.Variable(xp.asarray(x))
        y = crc.resize(v, size, preset=preset)
        y.grad = xp.asarray(gy)
        y.backward()
        assert isinstance(y.array, xp.ndarray) and y.dtype == dtype and v.grad.dtype == dtype
        results.append((chainer.backend.CpuDevice().send(y.array), chainer.backend.CpuDevice().send(v.grad)))
    tolerance = {np.float16: 1e-2, np.float32: 1e-5, np.float64: 1e-12}[dtype]
    for cpu, gpu in zip(*results):
        np.testing.assert_allclose(gpu.astype(np.float64), cpu.astype(np.float64), rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("preset,shape,size", CASES[:3])
def test_gpu_check_backward_and_double_backward(preset, shape, size):
    rng = np.random.default_rng(1)
    x = cupy.asarray(rng.normal(size=shape))
    y_shape = reference.resize(np.zeros(shape), size, preset=preset, axes=tuple(range(2, len(shape)))).shape
    gy = cupy.asarray(rng.normal(size=y_shape))
    ggx = cupy.asarray(rng.normal(size=shape))

    def f(v):
        return crc.resize(v, size, preset=preset)

    gradient_check.check_backward(f, x, gy, dtype=np.float64, atol=1e-7, rtol=1e-7)
    gradient_check.check_double_backward(f, x, gy, ggx, dtype=np.float64, atol=1e-7, rtol=1e-7)


def test_gpu_drop_in_equals_chainer_on_gpu():
    x = cupy.asarray(np.random.default_rng(2).uniform(0, 255, (8, 16, 6, 6)).astype(np.float32))
    for mode, align_corners in [("bilinear", True), ("bilinear", False), ("nearest", True)]:
        ours = crc.resize_images(x, (60, 37), mode=mode, align_corners=align_corners).array
        theirs = F.resize_images(x, (60, 37), mode=mode, align_corners=align_corners).array
        cupy.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-3)


def test_device_copies_are_cached():
    x = cupy.zeros((1, 1, 4, 4), np.float32)
    crc.resize(x, (8, 8), preset="chainer")
    before = _gather._device_copy.cache_info().hits
    crc.resize(x, (8, 8), preset="chainer")
    assert _gather._device_copy.cache_info().hits > before


@pytest.mark.parametrize("method", [None, "strided"])
@pytest.mark.parametrize("shape,size", [((2, 3, 64, 64), (16, 16)), ((2, 3, 32, 32), (64, 64))])
def test_gpu_strided_kernel_equals_cpu(shape, size, method):
    """The strided kernel (align_corners runs: the benchmark's shapes scaled down) on CuPy: the bits of
    the CPU's strided kernel, forward and gradient, NaN and unread inputs included."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=shape)
    x[0, 1, 5, 7] = np.nan
    gy = rng.normal(size=shape[:2] + size)
    results = []
    for xp in (np, cupy):
        v = chainer.Variable(xp.asarray(x))
        with _gather.forced(method):
            y = crc.resize(v, size, preset="chainer")
            y.grad = xp.asarray(gy)
            y.backward()
        results.append((chainer.backend.CpuDevice().send(y.array), chainer.backend.CpuDevice().send(v.grad)))
    for cpu, gpu in zip(*results):
        np.testing.assert_allclose(gpu, cpu, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(np.isnan(gpu), np.isnan(cpu))
