"""``resize``: the spec's resize of a TensorFlow tensor (rank 3 to 5, channels last or first)."""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from consistent_resize.arguments import (
    check_preset_domain,
    check_roi,
    check_scales,
    check_sizes,
    plan_axes,
    resolve_spec,
    table_spec,
)
from consistent_resize.spec import ResizeSpec
from consistent_resize.tables import axis_table

from . import graph_tables
from ._layout import (
    check_rank,
    check_size_arguments,
    compute_dtype,
    is_tensor,
    normalize_data_format,
    rank3_is_image,
    spatial_axes,
)
from .apply import apply_axis, extrapolate
from .static_op import static_resize


@tf.autograph.experimental.do_not_convert
def resize(
    x: Any,
    size: Any = None,
    scale_factor: Any = None,
    *,
    spec: ResizeSpec | None = None,
    preset: str | None = None,
    data_format: str = "channels_last",
    roi: Any = None,
) -> tf.Tensor:
    """Resize every spatial axis of ``x`` exactly as ``spec`` (or ``preset``) says.

    Convention: ``channels_last`` = ``(batch, *spatial, channels)`` (Keras's default) or
    ``channels_first`` = ``(batch, channels, *spatial)``; the coordinate mode is the spec's
    ``coordinate_transformation_mode`` (default ``ResizeSpec()``: ONNX's nearest, ``half_pixel``).

    Args:
        x: float16, bfloat16, float32 or float64 tensor of rank 3, 4 or 5 (1 to 3 spatial axes).
            Rank 3 with a 2-entry ``size``/``scale_factor`` is one unbatched image ``(H, W, C)``
            (``(C, H, W)`` channels first), as ``tf.image.resize`` reads it; with 1 entry it is
            ``(batch, width, channels)``; a single number is refused there as ambiguous.
            float16/bfloat16 are accumulated in float32, float32 in float32, float64 in float64.
        size: output length of each spatial axis: an int (every axis), a sequence of ints, or an
            integer tensor with one entry per axis (e.g. ``tf.shape(feature)[1:3]``).
        scale_factor: instead of ``size``: ONNX ``scales`` (a number or one per spatial axis);
            ``out = floor(in * scale)`` and the scale enters the coordinate formula.
        spec: a ``consistent_resize.ResizeSpec``; or ``preset``: a name in
            ``consistent_resize.PRESETS``; neither: ``ResizeSpec()``.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        roi: ``[starts..., ends...]`` of the spatial axes, for ``tf_crop_and_resize`` only.

    Returns:
        A tensor of ``x``'s dtype. When the spatial sizes and ``size`` are known in Python the
        tables are the core's cached NumPy tables, embedded as constants, applied by
        ``consistent_resize_tf.static_op`` (gradient: the transposed tables; in a graph, XLA-compiled);
        otherwise they are computed in the graph (``consistent_resize_tf.graph_tables``) with the same
        formulas and TensorFlow differentiates the gathers.

    Example:
        >>> import tensorflow as tf
        >>> x = tf.constant([[64.0, 32.0], [64.0, 32.0]])[None, :, :, None]
        >>> y = resize(x, (4, 4), preset="chainer")
        >>> [round(float(v), 2) for v in y[0, 0, :, 0]]
        [64.0, 53.33, 42.67, 32.0]
    """
    spec = resolve_spec(spec, preset)
    data_format = normalize_data_format(data_format)
    check_size_arguments(size, scale_factor)
    x = tf.convert_to_tensor(x)
    if x.shape.rank == 3 and rank3_is_image(size, scale_factor):  # tf.image.resize's unbatched image
        return resize(x[None], size, scale_factor, spec=spec, data_format=data_format, roi=roi)[0]
    work = compute_dtype(x.dtype)
    axes = spatial_axes(check_rank(x.shape.rank), data_format)
    count = len(axes)
    rois = check_roi(roi, spec, count)
    if size is not None and is_tensor(size):
        known = tf.get_static_value(size)
        size = [int(v) for v in known.reshape(-1)] if known is not None else size
    static_in = [x.shape[a] for a in axes]
    y = tf.cast(x, work)
    if all(n is not None for n in static_in) and not is_tensor(size):
        plans = plan_axes(static_in, size, scale_factor, spec, roi)
        check_preset_domain(preset, static_in, size, scale_factor, roi)
        spec = table_spec(spec, plans)  # one rule for every axis (area_or_two_tap: OpenCV INTER_AREA)
        tables = tuple(axis_table(p.in_size, p.out_size, spec, p.scale, p.roi) for p in plans)
        one_tap = spec.mode == "nearest" and not spec.gaussian_preblur  # a pre-blur gives nearest K taps
        op = static_resize(tables, axes, one_tap, float(spec.extrapolation_value))
        y = op(y)
    else:
        y = _resize_in_graph(y, axes, size, scale_factor, spec, rois)
    return tf.cast(y, x.dtype)


def _resize_in_graph(y, axes, size, scale_factor, spec, rois):
    count = len(axes)
    shape = tf.shape(y)
    in_sizes = [y.shape[a] if y.shape[a] is not None else shape[a] for a in axes]
    if size is None:
        sizes, scales = None, check_scales(scale_factor, count)
    elif is_tensor(size):
        sizes = tf.reshape(tf.cast(size, tf.int32), [-1])
        if sizes.shape[0] is not None and sizes.shape[0] != count:
            raise ValueError(f"size has {sizes.shape[0]} entries but the input has {count} spatial axes")
        scales = None
    else:
        sizes, scales = tf.constant(check_sizes(size, count), tf.int32), None
    plans = graph_tables.plan_axes(in_sizes, sizes, scales, spec, rois)
    outside = []
    for axis, table in zip(axes, graph_tables.axis_tables(spec, plans)):
        weight = None if spec.mode == "nearest" else tf.cast(table.weight, y.dtype)
        y = apply_axis(y, table.index, weight, axis)
        outside.append(table.outside)
    if spec.coordinate_transformation_mode == "tf_crop_and_resize":
        y = extrapolate(y, outside, axes, spec.extrapolation_value)
    if not is_tensor(size) and size is not None and spec.keep_aspect_ratio_policy == "stretch":
        static = y.shape.as_list()
        for axis, out in zip(axes, check_sizes(size, count)):
            static[axis] = out
        y.set_shape(static)
    return y
