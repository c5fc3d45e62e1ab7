"""Chainer rows: ``consistent_resize_chainer.resize`` against ``chainer.functions.resize_images``.

NCHW NumPy arrays (CuPy with ``--device cuda`` when CuPy is installed). Forward runs under
``chainer.no_backprop_mode()``; forward+backward builds ``y = op(Variable(x))``, sets ``y.grad = g`` and
calls ``y.backward()``.
"""

from __future__ import annotations

from consistent_resize_chainer._import import import_chainer

from .case import Case, max_abs_diff, random_arrays
from .workloads import Row

chainer = import_chainer()
import chainer.functions as F  # noqa: E402

NAME = "chainer"


def available(device: str) -> str | None:
    if device == "cuda" and not chainer.backends.cuda.available:
        return "chainer.backends.cuda.available is False (CuPy not installed or no GPU)"
    return None


def describe() -> str:
    import numpy

    return f"chainer {chainer.__version__}, numpy {numpy.__version__}"


def _xp(device: str):
    if device == "cuda":
        import cupy

        return cupy
    import numpy

    return numpy


def sync_for(device: str):
    if device == "cuda":
        import cupy

        return cupy.cuda.Device().synchronize
    return lambda: None


def _ours(row: Row):
    import consistent_resize_chainer

    size = row.workload.out_hw
    if row.preset is not None:
        return lambda v: consistent_resize_chainer.resize(v, size, preset=row.preset)
    return lambda v: consistent_resize_chainer.resize(v, size, spec=row.spec)


def _native(row: Row):
    size = row.workload.out_hw
    return lambda v: F.resize_images(v, size)


def _fwd(op, x):
    def call():
        with chainer.no_backprop_mode():
            return op(x).array

    return call


def _fb(op, x, g):
    def call():
        v = chainer.Variable(x)
        y = op(v)
        y.grad = g
        y.backward()
        return v.grad

    return call


def _host(a):
    return chainer.backend.CpuDevice().send(a)


def make_case(row: Row, device: str) -> Case:
    x_np, g_np = random_arrays(row.workload.in_shape, row.workload.out_hw)
    xp = _xp(device)
    x, g = xp.asarray(x_np), xp.asarray(g_np)
    out = g.copy()
    calls = {}
    error = None
    try:
        ours = _ours(row)
        calls["ours_fwd"] = _fwd(ours, x)
        calls["ours_fb"] = _fb(ours, x, g)
    except ImportError as exc:
        error = f"consistent_resize_chainer not importable: {exc}"
    for layout in row.native_layouts:
        calls[f"native_fwd:{layout}"] = _fwd(_native(row), x)
        calls[f"native_fb:{layout}"] = _fb(_native(row), x, g)
    calls["copy"] = out.copy
    calls["copy_input"] = x.copy
    diff = None
    if error is None and row.workload.kind == "same":
        pairs = [
            (_host(calls["ours_fwd"]()), _host(calls[f"native_fwd:{row.layout}"]())),
            (_host(calls["ours_fb"]()), _host(calls[f"native_fb:{row.layout}"]())),
        ]
        diff = max_abs_diff(pairs)
    return Case(calls, x.nbytes, out.nbytes, diff, error)


def layout_kept(row: Row, device: str) -> bool | None:
    return None  # NCHW only


def overhead_calls(shape, out_hw, device: str) -> dict:
    import consistent_resize_chainer

    x = _xp(device).ones(shape, dtype="float32")

    def ours():
        with chainer.no_backprop_mode():
            return consistent_resize_chainer.resize(x, out_hw, preset="chainer")

    def native():
        with chainer.no_backprop_mode():
            return F.resize_images(x, out_hw)

    return {"ours": ours, "native": native}


def device_peak_bytes(call, device: str) -> int | None:
    return None  # CuPy's memory pool keeps no peak; CPU peaks come from the RSS worker
