"""The layer's computation in backend-neutral ``keras.ops``, for Keras backends other than TensorFlow
(JAX): the core's NumPy tables as constants, applied per axis as take + multiply + add in a fixed order.

These backends trace with concrete shapes, so the tables are always static here; the in-graph tables
(``graph_tables``) are TensorFlow-only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from keras import backend, ops

from consistent_resize.arguments import plan_axes, table_spec
from consistent_resize.spec import ResizeSpec
from consistent_resize.tables import axis_table

from ._layout import check_rank, spatial_axes

_COMPUTE = {"float16": "float32", "bfloat16": "float32", "float32": "float32", "float64": "float64"}


def resize(x: Any, size: Any, scale_factor: Any, spec: ResizeSpec, data_format: str, roi: Any = None):
    """``consistent_resize_tf.resize`` for a backend tensor ``x`` with known spatial sizes (the layer's
    arguments are already validated)."""
    dtype = backend.standardize_dtype(x.dtype)
    if dtype not in _COMPUTE:
        raise TypeError(f"resize needs a float input (float16, bfloat16, float32 or float64); got {dtype}")
    shape = tuple(x.shape)
    axes = spatial_axes(check_rank(len(shape)), data_format)
    in_sizes = [shape[a] for a in axes]
    if any(n is None for n in in_sizes):
        raise ValueError(f"the {backend.backend()} backend needs known spatial sizes, got shape {shape}")
    plans = plan_axes(in_sizes, size, scale_factor, spec, roi)
    spec = table_spec(spec, plans)  # one rule for every axis (area_or_two_tap: OpenCV INTER_AREA)
    tables = [axis_table(p.in_size, p.out_size, spec, p.scale, p.roi) for p in plans]
    work = _COMPUTE[dtype]
    y = ops.cast(x, work)
    for axis, table in zip(axes, tables):
        index = table.index.astype(np.int32)
        if spec.mode == "nearest" and not spec.gaussian_preblur:  # a pre-blur gives nearest K taps
            y = ops.take(y, index[:, 0], axis=axis)
            continue
        view = [-1] + [1] * (len(shape) - axis - 1)
        total = None
        for k in range(table.taps):
            weight = ops.convert_to_tensor(table.weight[:, k].reshape(view), dtype=work)
            term = ops.take(y, index[:, k], axis=axis) * weight
            total = term if total is None else total + term
        y = total
    if any(t.outside.any() for t in tables):
        mask = np.zeros([1] * len(shape), bool)
        for axis, table in zip(axes, tables):
            view = [1] * len(shape)
            view[axis] = -1
            mask = mask | table.outside.reshape(view)
        y = ops.where(ops.convert_to_tensor(mask), ops.cast(spec.extrapolation_value, work), y)
    return ops.cast(y, dtype)
