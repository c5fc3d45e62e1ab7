"""Applying per-axis tables to a tensor: a gather along the axis and a weighted sum over the K taps.

The same code applies the NumPy tables (as constants, ``static_op``: forward, and backward with the
transposed tables) and the in-graph ones (``functional``), whose backward pass is TensorFlow's gradient
of ``tf.gather`` (a scatter-add of ``weight * grad``): the exact adjoint either way.

When ``K`` is known in Python the taps are added one after the other (``((t0 + t1) + t2) + ...``), not
by a reduction whose order each runtime picks: eager, ``tf.function``, XLA and the TFLite interpreter
then round identically (TFLite: GATHER, MUL and ADD builtins). Only in-graph antialias tables, whose
``K`` depends on the runtime scale, use ``reduce_sum``.
"""

from __future__ import annotations

from typing import Sequence

import tensorflow as tf


def apply_axis(x: tf.Tensor, index: tf.Tensor, weight: tf.Tensor | None, axis: int) -> tf.Tensor:
    """``out[..., o, ...] = sum_k weight[o, k] * x[..., index[o, k], ...]`` along ``axis``.

    Args:
        x: the tensor, already in the compute dtype.
        index: int32 ``(out, K)``.
        weight: ``(out, K)`` in ``x``'s dtype, or None for one tap of weight 1 (nearest).
        axis: a non-negative axis of ``x``.
    """
    if weight is None:
        return tf.gather(x, index[:, 0], axis=axis)
    trailing = [1] * (x.shape.rank - axis - 1)
    taps = index.shape[1]
    if taps is not None:
        total = None
        for k in range(taps):
            w = tf.reshape(weight[:, k], [-1] + trailing)
            term = tf.gather(x, index[:, k], axis=axis) * w
            total = term if total is None else total + term
        return total
    gathered = tf.gather(x, index, axis=axis)  # x.shape[:axis] + (out, K) + x.shape[axis + 1:]
    w = tf.reshape(weight, tf.concat([tf.shape(weight), tf.ones([len(trailing)], tf.int32)], 0))
    return tf.reduce_sum(gathered * w, axis=axis + 1)


def extrapolate(y: tf.Tensor, outside: Sequence[tf.Tensor], axes: Sequence[int], value: float) -> tf.Tensor:
    """``value`` where the output's source lies outside the input on any resized axis."""
    rank = y.shape.rank
    mask = None
    for axis, flags in zip(axes, outside):
        shape = [1] * rank
        shape[axis] = -1
        flags = tf.reshape(flags, shape)
        mask = flags if mask is None else tf.logical_or(mask, flags)
    return tf.where(mask, tf.constant(value, y.dtype), y)
