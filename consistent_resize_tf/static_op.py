"""The resize of a tensor whose spatial sizes are known in Python: one op with its own gradient.

Forward, along each resized axis in turn: ``y[o] = ((w[o, 0] * x[i[o, 0]] + w[o, 1] * x[i[o, 1]]) + ...)``
with the core's cached table ``(i, w)`` (GATHER, MUL, ADD: ``apply.weighted_taps``), then
``extrapolation_value`` where the source lies outside the input (SELECT_V2).

Backward (``tf.custom_gradient``): the exact adjoint, applied as a gather too. Along each axis, in the
reverse order, ``dx[i] = sum_j wt[i, j] * dy[it[i, j]]`` with the transposed table
``consistent_resize.tables.transposed`` (for input ``i``, the outputs that read it and their weights);
inputs no output reads get 0. TensorFlow's own gradient of ``tf.gather`` along a non-leading axis
transposes the gradient, scatter-adds it (``UnsortedSegmentSum``) and transposes it back: 30-66% of
the forward+backward time before (``docs/bench.md``, TensorFlow). The outputs set to
``extrapolation_value`` read no input (their rows have no non-zero weight), so they pass no gradient.

Where the ops run:

* **In a graph** (``tf.function``, Keras ``fit``/``predict``, a SavedModel), for outputs of at least
  ``XLA_MIN_ELEMENTS`` elements (an unknown batch size counts as 1), forward and backward are
  XLA-compiled (``jit_compile=True``; one function for all axes, or one per axis as ``split_passes``
  decides): XLA fuses the gathers, products and sums into loops (the benchmark's rows: one loop that
  reads the input and writes the output), which the separate kernels cannot (each writes a full-size
  intermediate). XLA on CPU contracts ``w * x + acc`` into fused multiply-adds (the products are not
  rounded separately), so weighted modes differ from the op-by-op result by float32 rounding; nearest
  is bit for bit. Set ``CONSISTENT_RESIZE_TF_XLA=0`` (read at import) or ``static_op.USE_XLA = False``
  to run the same ops without XLA (TensorFlow builds without XLA).
* **Eagerly** the same ops run one by one, not compiled: a Keras model called eagerly gives the numbers
  the TFLite interpreter gives bit for bit (the converter inlines the compiled function's body: GATHER,
  MUL, ADD, SELECT_V2 builtins, ``tests/test_tf_tflite.py``).

Axis order: the axis that shrinks most goes first, then (for equal ratios) the inner axis, so the
costly gathers of short rows run on the smaller tensor. Rounding does not depend on the order beyond
float32 rounding; the order is fixed per table set, so a call is deterministic.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from typing import Sequence

import numpy as np
import tensorflow as tf

from consistent_resize.tables import AxisTable, transposed

from .apply import extrapolate, weighted_taps


#: Graph-mode forward and backward as XLA-compiled functions (see the module docstring).
USE_XLA = os.environ.get("CONSISTENT_RESIZE_TF_XLA", "1") != "0"
#: ... for outputs of at least this many elements (an unknown batch size counts as 1).
#: Launching a compiled function costs ~100-250 us on the benchmark machine, more than running the ops
#: one by one on a small tensor (``docs/bench.md``, per-call overhead).
XLA_MIN_ELEMENTS = 1 << 15


@dataclasses.dataclass(frozen=True, eq=False)
class _AxisStep:
    """One axis of the forward (or backward) pass: ``index`` int32 ``(rows, K)``, ``weight`` float64
    ``(rows, K)`` or None (one tap of weight 1), ``keep`` bool ``(rows,)`` or None (rows to zero: an
    input no output reads)."""

    axis: int
    index: np.ndarray
    weight: np.ndarray | None
    keep: np.ndarray | None


def _order(tables: Sequence[AxisTable], axes: Sequence[int]) -> list[int]:
    """Positions of ``tables`` in application order: the smallest ``out / in`` first, then the inner axis."""
    return sorted(range(len(tables)), key=lambda i: (tables[i].out_size / tables[i].in_size, -axes[i]))


def _forward_steps(tables, axes, nearest: bool) -> tuple[_AxisStep, ...]:
    return tuple(
        _AxisStep(axes[i], tables[i].index.astype(np.int32), None if nearest else tables[i].weight, None)
        for i in _order(tables, axes)
    )


def _backward_steps(tables, axes) -> tuple[_AxisStep, ...]:
    steps = []
    for i in reversed(_order(tables, axes)):
        index, weight, read = transposed(tables[i])
        ones = index.shape[1] == 1 and bool((weight == 1).all())
        steps.append(_AxisStep(axes[i], index.astype(np.int32), None if ones else weight,
                               None if read.all() else read))
    return tuple(steps)


def _apply(y: tf.Tensor, steps: Sequence[_AxisStep]) -> tf.Tensor:
    """The steps in order, each as ``apply.weighted_taps`` with one constant per tap (no slicing of the
    tables in the graph); then the rows no output reads set to 0."""
    for step in steps:
        weights = None if step.weight is None else [tf.constant(w, y.dtype) for w in step.weight.T]
        y = weighted_taps(y, [tf.constant(i) for i in step.index.T], weights, step.axis)
        if step.keep is not None:
            shape = [1] * y.shape.rank
            shape[step.axis] = -1
            y = tf.where(tf.reshape(tf.constant(step.keep), shape), y, tf.zeros([], y.dtype))
    return y


def _extrapolate(y: tf.Tensor, outside: Sequence[np.ndarray | None], axes, value: float) -> tf.Tensor:
    return extrapolate(y, [None if o is None else tf.constant(o) for o in outside], axes, value)


#: None: fuse or split the axes by ``split_passes``; True/False: always split / fuse.
SPLIT: bool | None = None
#: ``split_passes`` splits only where every intermediate is at most this fraction of the final tensor,
#: so the peak memory stays within 1.2x of the native resize's (issue 8).
SPLIT_MEMORY_FRACTION = 0.2


def split_passes(steps: Sequence[_AxisStep], source: dict[int, int]) -> bool:
    """Whether to compile one XLA function per axis instead of one for all axes.

    One function becomes one loop that recomputes the earlier axes for every output element:
    ``out * K1 * K2 * ...`` taps, against ``sum(pass_out * K)`` for separate passes, which write their
    intermediates. Measured (``docs/bench.md``, TensorFlow; ratios to the native bilinear): separate
    passes win where they save >= 2.5x the taps (cubic upsample 8x3x512x512 -> 1024x1024: forward 1.60
    -> 1.15, backward 0.78 -> 0.48; cubic pyramid forward 1.30 -> 1.15) and lose otherwise (bilinear
    pyramid 1.01 vs 1.20, antialiased downsample 0.52 vs 0.62, the cubic pyramid's backward 0.61 vs
    0.71, whose 60 -> 6 intermediate is 10x its result). The intermediate costs memory, so passes are
    split only where every intermediate is at most ``SPLIT_MEMORY_FRACTION`` of the final tensor (the
    cubic upsample's are 0.5x forward and 2x backward: one function by default; split, its peak memory
    was 1.5x / 1.63x native in the benchmark; ``SPLIT = True`` chooses that speed). Sizes are per
    batch entry and channel (common factors).

    Args:
        steps: the passes in order.
        source: the spatial sizes before the first pass, by axis.
    """
    if SPLIT is not None:
        return SPLIT
    if len(steps) < 2:
        return False
    sizes = dict(source)
    separate, sizes_after = 0, []
    for step in steps:
        sizes[step.axis] = step.index.shape[0]
        elements = int(np.prod(list(sizes.values())))
        separate += elements * step.index.shape[1]
        sizes_after.append(elements)
    fused = sizes_after[-1] * int(np.prod([step.index.shape[1] for step in steps]))
    return fused >= 2.5 * separate and max(sizes_after[:-1]) <= SPLIT_MEMORY_FRACTION * sizes_after[-1]


class _StaticResize:
    """The op for one set of tables, axes and extrapolation; builds its compiled functions once."""

    def __init__(self, tables, axes, nearest: bool, extrapolation_value: float):
        self.forward_steps = _forward_steps(tables, axes, nearest)
        self.backward_steps = _backward_steps(tables, axes)
        outside = [t.outside if t.outside.any() else None for t in tables]
        self.outside = outside if any(o is not None for o in outside) else None
        self.axes = tuple(axes)
        self.out_sizes = {axis: t.out_size for axis, t in zip(axes, tables)}
        self.value = extrapolation_value
        in_sizes = {axis: t.in_size for axis, t in zip(axes, tables)}
        self.split_forward = split_passes(self.forward_steps, in_sizes)
        self.split_backward = split_passes(self.backward_steps, self.out_sizes)
        self._forward_stages = self._stages(self.forward_steps, self.split_forward, self.outside is not None)
        self._backward_stages = self._stages(self.backward_steps, self.split_backward, False)

    def _stages(self, steps, split: bool, extrapolate: bool):
        """XLA-compiled functions applying ``steps``: one per axis if ``split``, else one for all."""
        groups = [steps[i:i + 1] for i in range(len(steps))] if split else [steps]

        def stage(group, last):
            def run(t):
                t = _apply(t, group)
                if last and extrapolate:
                    t = _extrapolate(t, self.outside, self.axes, self.value)
                return t

            return tf.function(run, jit_compile=True, autograph=False)

        return [stage(group, i == len(groups) - 1) for i, group in enumerate(groups)]

    def compiled_forward(self, x: tf.Tensor) -> tf.Tensor:
        for stage in self._forward_stages:
            x = stage(x)
        return x

    def compiled_backward(self, dy: tf.Tensor) -> tf.Tensor:
        for stage in self._backward_stages:
            dy = stage(dy)
        return dy

    def forward(self, x: tf.Tensor) -> tf.Tensor:
        y = _apply(x, self.forward_steps)
        if self.outside is not None:
            y = _extrapolate(y, self.outside, self.axes, self.value)
        return y

    def backward(self, dy: tf.Tensor) -> tf.Tensor:
        return _apply(dy, self.backward_steps)

    def compiled(self, x: tf.Tensor) -> bool:
        """Whether a call on ``x`` runs the XLA-compiled functions: in a graph, for a large enough output."""
        if not USE_XLA or tf.executing_eagerly():
            return False
        elements = 1
        for axis, n in enumerate(x.shape.as_list()[1:], start=1):
            elements *= self.out_sizes.get(axis, n if n is not None else 1)
        return elements * (x.shape[0] or 1) >= XLA_MIN_ELEMENTS

    def __call__(self, x: tf.Tensor) -> tf.Tensor:
        compiled = self.compiled(x)

        @tf.custom_gradient
        def op(t):
            y = self.compiled_forward(t) if compiled else self.forward(t)

            def grad(dy):
                return self.compiled_backward(dy) if compiled else self.backward(dy)

            return y, grad

        return op(x)


@functools.lru_cache(maxsize=256)
def static_resize(tables: tuple[AxisTable, ...], axes: tuple[int, ...], nearest: bool,
                  extrapolation_value: float) -> _StaticResize:
    """The op applying ``tables`` along ``axes`` (cached per table set; the core caches the tables)."""
    return _StaticResize(tables, axes, nearest, extrapolation_value)
