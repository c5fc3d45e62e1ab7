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


def weighted_taps(x: tf.Tensor, indices: Sequence, weights: Sequence | None, axis: int) -> tf.Tensor:
    """``((w_0 * x[i_0] + w_1 * x[i_1]) + ...)`` along ``axis``, added left to right (GATHER, MUL, ADD).

    Args:
        x: the tensor, already in the compute dtype.
        indices: one int32 ``(out,)`` index per tap (tensors or arrays).
        weights: one ``(out,)`` weight per tap in ``x``'s dtype, or None for one tap of weight 1.
        axis: a non-negative axis of ``x``.
    """
    if weights is None:
        return tf.gather(x, indices[0], axis=axis)
    trailing = [1] * (x.shape.rank - axis - 1)
    total = None
    for index, weight in zip(indices, weights):
        term = tf.gather(x, index, axis=axis) * tf.reshape(weight, [-1] + trailing)
        total = term if total is None else total + term
    return total


def apply_axis(x: tf.Tensor, index: tf.Tensor, weight: tf.Tensor | None, axis: int) -> tf.Tensor:
    """``out[..., o, ...] = sum_k weight[o, k] * x[..., index[o, k], ...]`` along ``axis``.

    Args:
        x: the tensor, already in the compute dtype.
        index: int32 ``(out, K)``.
        weight: ``(out, K)`` in ``x``'s dtype, or None for one tap of weight 1 (nearest).
        axis: a non-negative axis of ``x``.
    """
    taps = index.shape[1]
    if weight is None:
        return weighted_taps(x, [index[:, 0]], None, axis)
    if taps is not None:
        return weighted_taps(x, [index[:, k] for k in range(taps)], [weight[:, k] for k in range(taps)], axis)
    trailing = [1] * (x.shape.rank - axis - 1)
    gathered = tf.gather(x, index, axis=axis)  # x.shape[:axis] + (out, K) + x.shape[axis + 1:]
    w = tf.reshape(weight, tf.concat([tf.shape(weight), tf.ones([len(trailing)], tf.int32)], 0))
    return tf.reduce_sum(gathered * w, axis=axis + 1)


def extrapolate(y: tf.Tensor, outside: Sequence, axes: Sequence[int], value: float) -> tf.Tensor:
    """``value`` where the output's source lies outside the input on any resized axis (``outside``: one
    bool ``(out,)`` flag vector per axis, or None for an axis with no such output)."""
    rank = y.shape.rank
    mask = None
    for axis, flags in zip(axes, outside):
        if flags is None:
            continue
        shape = [1] * rank
        shape[axis] = -1
        flags = tf.reshape(flags, shape)
        mask = flags if mask is None else tf.logical_or(mask, flags)
    return y if mask is None else tf.where(mask, tf.constant(value, y.dtype), y)
