"""``resize``: the resize as a ``chainer.FunctionNode`` for NumPy and CuPy arrays, with an explicit,
itself differentiable backward.

The forward applies the core's per-axis tables (``consistent_resize.reference.plan``): a weighted sum over
the K taps of each row, by one of three kernels per axis (gather, strided views, dense product: ``_axes``).
The backward is the transposed map, applied the same way (``_gather.transposed_table``), by a
``SeparableLinear`` node whose own backward is the forward map: gradients of any order. float16 is
computed in float32 and rounded once at the end; float32 and float64 are computed in their own precision.
"""

from __future__ import annotations

from typing import Any, Sequence


from consistent_resize.arguments import (
    check_preset_domain,
    check_roi,
    check_scales,
    check_sizes,
    entry_count,
    resolve_spec,
)
from consistent_resize.reference import plan
from consistent_resize.spec import ResizeSpec

from . import _axes, _gather
from ._import import import_chainer

chainer = import_chainer()
from chainer import backend, function_node  # noqa: E402
from chainer.utils import type_check  # noqa: E402

#: Ranks accepted: (N, C, W), (N, C, H, W), (N, C, D, H, W).
RANKS = (3, 4, 5)


def _apply_axes(x, ops, xp):
    """Apply ``ops`` (``(axis, GatherTable)`` pairs) in the compute dtype (``_axes.apply_axes``)."""
    return _axes.apply_axes(x, ops, xp)


def _check_floating(in_types, name: str, ranks: Sequence[int]) -> None:
    type_check._argname(in_types, (name,))
    (t,) = in_types
    type_check.expect(t.dtype.kind == "f", t.ndim >= ranks[0], t.ndim <= ranks[-1])


class SeparableLinear(function_node.FunctionNode):
    """A linear map given by one gather table per axis (the gradient of ``ResizeFunction``, and the
    gradient of that). Its backward is the transposed map, so it is differentiable any number of times."""

    def __init__(self, ops, transposed_ops, input_shape):
        self.ops = tuple(ops)
        self.transposed_ops = tuple(transposed_ops)
        self.input_shape = tuple(input_shape)

    def check_type_forward(self, in_types):
        _check_floating(in_types, "gy", (len(self.input_shape),))
        type_check.expect(in_types[0].shape == self.input_shape)

    def forward(self, inputs):
        (g,) = inputs
        return (_apply_axes(g, self.ops, backend.get_array_module(g)),)

    def backward(self, indexes, grad_outputs):
        output_shape = list(self.input_shape)
        for axis, table in self.ops:
            output_shape[axis] = table.rows
        node = SeparableLinear(self.transposed_ops, self.ops, output_shape)
        return node.apply(grad_outputs)


class ResizeFunction(function_node.FunctionNode):
    """The resize ``x -> A x (+ extrapolation_value outside the crop)`` over the spatial axes of
    ``(N, C, *spatial)``. ``onnx_chainer`` exports it as one ONNX ``Resize`` node
    (``consistent_resize_chainer.onnx``), which finds it by ``custom_function_node_name``."""

    custom_function_node_name = "ConsistentResize"

    def __init__(self, spec: ResizeSpec, size: Any = None, scale_factor: Any = None, roi: Any = None):
        self.spec = spec
        self.size = size
        self.scale_factor = scale_factor
        self.roi = roi
        self.tables = None  # the core's AxisTables, set by forward

    def check_type_forward(self, in_types):
        _check_floating(in_types, "x", RANKS)
        count = entry_count(self.size, self.scale_factor)
        ndim = type_check.eval(in_types[0].ndim)
        if count is not None and ndim != count + 2:  # blame the size, not the input's rank
            name = "size" if self.size is not None else "scale_factor"
            raise ValueError(
                f"{name} has {count} entries but x of shape {type_check.eval(in_types[0].shape)} has "
                f"{ndim - 2} spatial axes (N, C, *spatial): give {ndim - 2} entries or one number"
                + (" (for one (C, H, W) image, resize x[None])" if ndim == 3 and count == 2 else "")
            )

    def forward(self, inputs):
        (x,) = inputs
        xp = backend.get_array_module(x)
        axes = tuple(range(2, x.ndim))
        spec, axes, tables = plan(x.shape, self.size, self.scale_factor, spec=self.spec, axes=axes, roi=self.roi)
        self.tables = tables
        self.axes = axes
        self.input_shape = x.shape
        ops = [(a, _gather.forward_table(t)) for a, t in zip(axes, tables)]
        y = _apply_axes(x, ops, xp)
        if spec.coordinate_transformation_mode == "tf_crop_and_resize":
            mask = xp.zeros((1,) * y.ndim, dtype=bool)
            for axis, table in zip(axes, tables):
                view = [1] * y.ndim
                view[axis] = table.out_size
                mask = mask | xp.asarray(table.outside).reshape(view)
            y = xp.where(mask, xp.full((), spec.extrapolation_value, dtype=y.dtype), y)
        return (y,)

    def backward(self, indexes, grad_outputs):
        forward = [(a, _gather.forward_table(t)) for a, t in zip(self.axes, self.tables)]
        transposed = [(a, _gather.transposed_table(t)) for a, t in zip(self.axes, self.tables)]
        output_shape = list(self.input_shape)
        for axis, table in zip(self.axes, self.tables):
            output_shape[axis] = table.out_size
        return SeparableLinear(transposed, forward, output_shape).apply(grad_outputs)


def check_arguments(size: Any, scale_factor: Any, spec: ResizeSpec | None, preset: str | None,
                    roi: Any = None) -> ResizeSpec:
    """Validate what does not depend on the input (the spec, one of size/scale_factor, their entries,
    the roi); the same errors as ``consistent_resize.resize``. Returns the resolved spec."""
    spec = resolve_spec(spec, preset)
    if (size is None) == (scale_factor is None):
        raise ValueError("give exactly one of size and scale_factor")
    count = entry_count(size, scale_factor)
    if size is not None:
        check_sizes(size, count or 1)
    else:
        check_scales(scale_factor, count or 1)
    if roi is not None:
        check_roi(roi, spec, count if count is not None else len(roi) // 2)
    return spec


def resize(x, size=None, scale_factor=None, *, spec: ResizeSpec | None = None, preset: str | None = None,
           roi=None):
    """Resize the spatial axes of ``x`` exactly as ``spec`` (ONNX ``Resize`` semantics) says.

    Convention: channels first, ``(N, C, W)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``; every axis after
    the second is resized; the coordinate mode is the spec's (default ``ResizeSpec()``: ONNX's defaults,
    nearest with half_pixel); ``preset="chainer"`` is ``F.resize_images``' align_corners bilinear.

    Args:
        x: ``chainer.Variable`` or NumPy/CuPy array, float16, float32 or float64.
        size: output length of each spatial axis (an int applies to all of them).
        scale_factor: instead of ``size``: ONNX ``scales``; ``out = floor(in * scale)``.
        spec: a ``ResizeSpec``; or ``preset``: the name of one in ``consistent_resize.PRESETS``.
        roi: ``[starts..., ends...]`` of the spatial axes (normalised), for ``tf_crop_and_resize`` only
            (default: the whole input).

    Returns:
        ``chainer.Variable`` of ``x``'s dtype, shape ``(N, C, *out)``.

    Example:
        >>> import numpy as np
        >>> x = np.array([[[[64.0, 32.0], [64.0, 32.0]]]], np.float32)
        >>> resize(x, (4, 4), preset="chainer").array[0, 0, 0].astype(float).round(2).tolist()
        [64.0, 53.33, 42.67, 32.0]
    """
    spec = check_arguments(size, scale_factor, spec, preset, roi)
    if len(x.shape) - 2 == (entry_count(size, scale_factor) or len(x.shape) - 2):
        check_preset_domain(preset, tuple(int(n) for n in x.shape[2:]), size, scale_factor, roi)
    return ResizeFunction(spec, size, scale_factor, roi).apply((x,))[0]
