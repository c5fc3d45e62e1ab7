"""Per-axis interpolation tables: for every output index, the source indices it reads and their weights.

A resize is separable: along each resized axis, output ``o`` is ``sum_k weight[o, k] * x[index[o, k]]``,
plus ``extrapolation_value`` where ``outside[o]`` (``tf_crop_and_resize`` only). Tables are computed once
per ``(in_size, out_size, spec, scale, roi)`` in float64 and cached; every framework layer applies them.

How a table is built from the source coordinate ``c = x_original`` (module ``coordinates``):

- nearest: one tap, ``round(c)`` by ``nearest_mode`` (``round_prefer_floor = ceil(c - 1/2)``,
  ``round_prefer_ceil = floor(c + 1/2)``, ``floor``, ``ceil``), clamped to ``[0, in - 1]``; under
  ``float64_divide`` as onnx's reference code picks it (``_reference_nearest_taps``).
- ``float64_divide`` (nearest, linear, cubic): the window sits where onnx's reference code puts it,
  ``_reference_window_shift`` below.
- adaptive_average (PyTorch ``adaptive_avg_pool``, ``F.interpolate(mode='area')``): output ``o`` reads the
  input pixels ``j = floor(o * in / out) .. ceil((o + 1) * in / out) - 1``, each with weight
  ``1 / (number of them)``; integer arithmetic, exact (the coordinate, its arithmetic and a given scale do
  not enter: only the two lengths).
- area_two_tap (OpenCV ``INTER_AREA`` where it does not run its area code: some axis upscaled): with ``c``
  the source coordinate under ``asymmetric`` (the output pixel's left edge ``x * in / out``, in the spec's
  arithmetic: ``float64_reciprocal`` for OpenCV) and ``s = out / in`` (or the given scale) in float64:
  ``sx = floor(c)``, ``f = float32((x + 1) - (sx + 1) * s)``, ``f = 0`` if ``f <= 0`` else
  ``f - floor(f)``; where ``sx >= in - 1``: ``sx = in - 1``, ``f = 0``. Taps ``sx`` with weight
  ``float32(1 - f)`` and ``sx + 1`` with weight ``f`` (no normalisation). On an upscaled axis ``f`` is the
  part of the output pixel beyond pixel ``sx``: the area overlap; on a downscaled axis it is no average.
- area_or_two_tap (OpenCV ``INTER_AREA`` on any sizes) has no table of its own: its rule depends on every
  resized axis, so ``arguments.table_spec`` turns it into ``area`` or ``area_two_tap`` for the whole call
  before the tables are built (``axis_table`` refuses it).
- every other mode (a kernel ``k`` of ``consistent_resize.kernels``, support ``S``): with
  ``sa = min(s, 1)`` if antialias else 1 (always 1 for ``area``, whose kernel holds the scale itself),
  taps ``j = b + i`` for ``i = i0 .. 1 - i0``, ``i0 = floor(-S / sa) + 1``, ``b = ceil(c) - 1`` (one
  more tap on each side for ``box``, the one kernel non-zero at ``t = +S``, whose taps are also limited to
  Pillow's window ``floor(c + 1 - S / sa) <= j < floor(c + 1 + S / sa)``, so that a tie at the edge is
  decided as Pillow decides it), weight ``k((j - c) * sa)`` (``coordinates.kernel_arguments``; under
  ``float32_reciprocal`` ``sa`` (``coordinates.stretch``) and the argument are float32, as TensorFlow
  computes them, and the window is one tap wider on each side).
  The weights are normalised to sum 1 under antialias and always for the extension kernels (which are no
  partition of unity). ``exclude_outside`` gives taps outside ``[0, in - 1]`` weight 0 and
  renormalises; otherwise their index is clamped to the nearest border (edge replication).
- cubic with ``cubic_table_size = N > 0`` (TensorFlow's bicubic without antialias, ``N = 1024``;
  ``resize_bicubic_op.cc``, ``GetWeightsAndIndices``): ``b = floor(c)``, ``r = rint((c - b) N)`` (half to
  even, as ``lrintf``; exact, ``N`` a power of two), taps ``b - 1 .. b + 2`` with the table's
  (``kernels.cubic_table``) weights ``far[r], near[r], near[N - r], far[N - r]``: the kernel at the offset
  ``r / N`` instead of ``c - b``. ``exclude_outside`` gives taps outside ``[0, in - 1]`` weight 0 and
  renormalises where the sum ``w`` has ``|w| >= 1000 * FLT_MIN`` (TensorFlow's guard; elsewhere the weights
  stay as they are, 0 where no tap is inside); otherwise indices are clamped (TensorFlow's legacy branch).

Under ``antialias`` with ``coordinate_arithmetic="float32_separable"`` (PyTorch's separable antialias kernel)
an axis with ``out == in`` is the identity, whatever its scale (``copies_kept_lengths``).

Canonical form: taps of one row that read the same index are merged (weights summed), taps of weight 0
are dropped (so a NaN or Inf reaches only the outputs that read it with a non-zero weight), rows are
padded to a common width ``K`` with weight-0 taps that repeat an index the row already reads.
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np

from .coordinates import kernel_arguments, source_coordinates, stretch
from .kernels import cubic_table, kernel_for
from .spec import ResizeSpec
from .blur import blur_taps, compose
from .splines import spline_taps


@dataclasses.dataclass(frozen=True, eq=False)
class AxisTable:
    """The tables of one axis. Arrays are read-only.

    Attributes:
        index: int64 ``(out_size, K)``, every entry in ``[0, in_size)``.
        weight: float64 ``(out_size, K)``.
        outside: bool ``(out_size,)``; true where the output takes ``extrapolation_value``.
    """

    in_size: int
    out_size: int
    index: np.ndarray
    weight: np.ndarray
    outside: np.ndarray

    @property
    def taps(self) -> int:
        return self.index.shape[1]

    def matrix(self) -> np.ndarray:
        """The dense ``(out_size, in_size)`` float64 matrix of this axis' linear map."""
        m = np.zeros((self.out_size, self.in_size))
        rows = np.repeat(np.arange(self.out_size), self.taps)
        np.add.at(m, (rows, self.index.ravel()), self.weight.ravel())
        return m


def _nearest_taps(spec: ResizeSpec, coords: np.ndarray, in_size: int):
    if spec.coordinate_arithmetic == "float64_divide":
        return _reference_nearest_taps(spec, coords, in_size)
    rounding = {
        "round_prefer_floor": lambda c: np.ceil(c - 0.5),
        "round_prefer_ceil": lambda c: np.floor(c + 0.5),
        "floor": np.floor,
        "ceil": np.ceil,
    }[spec.nearest_mode]
    index = np.clip(rounding(coords), 0, in_size - 1).astype(np.int64)
    return index[:, None], np.ones((len(coords), 1))


def _reference_window_shift(coords: np.ndarray, pad: int) -> np.ndarray:
    """How far onnx's reference code moves the window of ``c`` (0 or -1 per output).

    ``onnx.reference.ops.op_resize._get_neighbor`` pads the axis by ``p = ceil(n / 2)`` edge pixels for a
    window of ``n`` taps and takes the ``n`` pixels nearest to ``fl(c + p)`` (ties to the smaller), while
    the weights come from ``c`` itself. The window starts at ``ceil(fl(c + p)) - 1 - p`` instead of
    ``ceil(c) - 1``: one pixel lower where ``c`` lies less than half an ulp of ``c + p`` above an integer
    (``1 + 2**-52`` becomes ``2.0``), which ``half_pixel_symmetric``'s offset and a ``sizes`` quotient
    produce (19 by 0.5: ``c = 3.0000000000000004``)."""
    return (np.ceil(coords + pad) - 1 - pad) - (np.ceil(coords) - 1)


def _reference_nearest_taps(spec: ResizeSpec, coords: np.ndarray, in_size: int):
    """Nearest as onnx's reference code picks it (``float64_divide``): ``r = c - floor(c)``; an integer ``c``
    reads ``c``; otherwise the lower or upper pixel of the 2-tap window ``_reference_window_shift`` places,
    upper where ``r > 1/2`` (``round_prefer_floor``), ``r >= 1/2`` (``round_prefer_ceil``), never
    (``floor``) or always (``ceil``). Equal to ``round(c)`` by ``nearest_mode`` except where that window
    moved."""
    ratio = coords - np.floor(coords)
    upper = (ratio == 0) | {
        "round_prefer_floor": ratio > 0.5,
        "round_prefer_ceil": ratio >= 0.5,
        "floor": np.zeros(len(coords), bool),
        "ceil": np.ones(len(coords), bool),
    }[spec.nearest_mode]
    lower = np.ceil(coords) - 1 + _reference_window_shift(coords, 1)
    index = np.clip(lower + upper, 0, in_size - 1).astype(np.int64)
    return index[:, None], np.ones((len(coords), 1))


def _adaptive_average_taps(in_size: int, out_size: int):
    """Taps ``floor(o in / out) .. ceil((o + 1) in / out) - 1`` with equal weights (PyTorch's integer
    ``start_index``/``end_index`` of adaptive pooling)."""
    o = np.arange(out_size, dtype=np.int64)
    start = (o * in_size) // out_size
    end = -((-(o + 1) * in_size) // out_size)  # ceil((o + 1) * in / out)
    count = end - start
    columns = np.arange(int(count.max()))[None, :]
    index = np.minimum(start[:, None] + columns, in_size - 1)
    weight = np.where(columns < count[:, None], 1.0 / count[:, None], 0.0)
    return index, weight


def _area_two_tap_taps(coords: np.ndarray, in_size: int, out_size: int, scale: float | None):
    """OpenCV ``INTER_AREA``'s 2-tap rule (``resize``'s ``area_mode``): pixel ``floor(c)`` and the next one."""
    s = float(scale) if scale is not None else out_size / in_size  # OpenCV's inv_scale_x
    sx = np.maximum(np.floor(coords), 0.0)
    f = ((np.arange(out_size) + 1.0) - (sx + 1.0) * s).astype(np.float32)
    f = np.where(f <= 0, np.float32(0), f - np.floor(f))
    last = sx >= in_size - 1
    sx = np.where(last, in_size - 1, sx).astype(np.int64)
    f = np.where(last, np.float32(0), f).astype(np.float32)
    index = np.stack([sx, np.minimum(sx + 1, in_size - 1)], axis=1)
    weight = np.stack([np.float32(1) - f, f], axis=1).astype(np.float64)
    return index, weight


def _window(spec: ResizeSpec, in_size: int, out_size: int, scale: float | None):
    """``(kernel, sa, i0)`` of an axis: the kernel, its stretch ``sa`` and ``i0 = floor(-S / sa) + 1`` (one
    less for box, closed at ``+S``, and where the argument is rounded to float32): the taps of an output are
    ``b + i0 .. b + 1 - i0``."""
    effective_scale = float(scale) if scale is not None else out_size / in_size
    kernel = kernel_for(spec, effective_scale)
    sa = stretch(spec, in_size, out_size, scale) if spec.antialias and not kernel.scaled else 1.0
    wider = int(kernel.closed or spec.coordinate_arithmetic == "float32_reciprocal")
    return kernel, sa, math.floor(-kernel.support / sa) + 1 - wider


def reference_window_moves(spec: ResizeSpec, in_size: int, out_size: int, scale: float | None = None,
                           roi: tuple[float, float] | None = None) -> bool:
    """Whether some output of this axis has its window where onnx's reference code puts it, one pixel below
    ``ceil(c) - 1`` (``float64_divide``, ``_reference_window_shift``): there a runtime that evaluates the
    formula without that padding (tract) reads other pixels than the spec."""
    if spec.coordinate_arithmetic != "float64_divide" or spec.mode not in ("nearest", "linear", "cubic"):
        return False
    if spec.cubic_table_size or (in_size == out_size and copies_kept_lengths(spec)):
        return False
    coords = source_coordinates(spec, in_size, out_size, scale, roi)
    pad = 1 if spec.mode == "nearest" else 1 - _window(spec, in_size, out_size, scale)[2]
    return bool(np.any(_reference_window_shift(coords, pad) != 0))


def _kernel_taps(spec: ResizeSpec, coords: np.ndarray, in_size: int, out_size: int, scale: float | None):
    kernel, sa, i0 = _window(spec, in_size, out_size, scale)
    base = np.ceil(coords) - 1
    index = base[:, None] + np.arange(i0, 2 - i0)[None, :]
    weight = kernel.function(kernel_arguments(spec, index - coords[:, None], sa))
    if spec.coordinate_arithmetic == "float64_divide" and spec.mode in ("linear", "cubic"):
        index = index + _reference_window_shift(coords, 1 - i0)[:, None]  # the weights stay in place
    if kernel.closed:  # the window decides ties at its edges (Pillow: xmin = int(center - support + 0.5))
        reach = kernel.support / sa
        center = coords[:, None] + 0.5
        weight = np.where((index >= np.floor(center - reach + 0.5)) & (index < np.floor(center + reach + 0.5)),
                          weight, 0.0)
    if spec.antialias or kernel.normalise:
        weight = weight / _checked_sum(weight, spec)
    inside = (index >= 0) & (index <= in_size - 1)
    if spec.exclude_outside:
        weight = np.where(inside, weight, 0.0)
        weight = weight / _checked_sum(weight, spec)
    index = np.clip(index, 0, in_size - 1).astype(np.int64)
    return index, weight


#: TensorFlow's bicubic renormalises a row only if ``|weight_sum| >= 1000 * FLT_MIN``
_TF_WEIGHT_SUM_GUARD = 1000.0 * float(np.finfo(np.float32).tiny)


def _cubic_table_taps(spec: ResizeSpec, coords: np.ndarray, in_size: int):
    """TensorFlow's ``GetWeightsAndIndices``: taps ``floor(c) - 1 .. floor(c) + 2``, weights from the table at
    the offset rounded to ``1/N`` (``lrintf(delta * kTableSize)``)."""
    size = spec.cubic_table_size
    near, far = cubic_table(spec.cubic_coeff_a, size)
    base = np.floor(coords)
    offset = np.rint((coords - base) * size).astype(np.int64)  # exact: N is a power of two
    index = base[:, None] + np.arange(-1, 3)[None, :]
    weight = np.stack([far[offset], near[offset], near[size - offset], far[size - offset]], axis=1)
    weight = weight.astype(np.float64)
    if spec.exclude_outside:
        weight = np.where((index >= 0) & (index <= in_size - 1), weight, 0.0)
        total = weight.sum(axis=1, keepdims=True)
        weight = np.where(np.abs(total) >= _TF_WEIGHT_SUM_GUARD, weight / np.where(total == 0, 1.0, total), weight)
    index = np.clip(index, 0, in_size - 1).astype(np.int64)
    return index, weight


def _checked_sum(weight: np.ndarray, spec: ResizeSpec) -> np.ndarray:
    total = weight.sum(axis=1, keepdims=True)
    if np.any(total == 0):
        raise ValueError(f"the weights of some output sum to 0 under {spec.describe()}; cannot normalise")
    return total


def _canonical(index: np.ndarray, weight: np.ndarray, in_size: int, keep: np.ndarray):
    """Merge taps reading the same index, drop zero weights, pad rows to a common width."""
    out_size = index.shape[0]
    rows = np.repeat(np.arange(out_size), index.shape[1])
    keys = rows * in_size + index.ravel()
    unique, inverse = np.unique(keys, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=weight.ravel(), minlength=len(unique))
    unique_rows = unique // in_size
    nonzero = (summed != 0) & keep[unique_rows]
    unique, summed, unique_rows = unique[nonzero], summed[nonzero], unique_rows[nonzero]
    counts = np.bincount(unique_rows, minlength=out_size)
    width = max(int(counts.max(initial=0)), 1)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    column = np.arange(len(unique)) - starts[unique_rows]
    first = np.zeros(out_size, np.int64)
    has = counts > 0
    first[has] = unique[starts[has]] % in_size
    out_index = np.repeat(first[:, None], width, axis=1)
    out_weight = np.zeros((out_size, width))
    out_index[unique_rows, column] = unique % in_size
    out_weight[unique_rows, column] = summed
    return out_index, out_weight


@functools.lru_cache(maxsize=1024)
def transposed(table: AxisTable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gather table of the adjoint ``A^T`` (cached): for each input index ``i``, the outputs that read
    it and their weights, so the gradient is a gather-and-sum too (no scatter, no atomics).

    Returns:
        ``(index, weight, read)``: int64 and float64 ``(in_size, KT)``, outputs in ascending order, rows
        padded with weight-0 taps that repeat an output the row already reads (output 0 for an input no
        output reads); ``read`` is bool ``(in_size,)``, false for inputs no output reads.

    Example:
        >>> index, weight, read = transposed(axis_table(2, 3, ResizeSpec(mode="linear")))
        >>> (weight.sum(axis=1) * 2).round(6).tolist()  # each input's weights, summed over outputs
        [3.0, 3.0]
    """
    out_size, taps = table.index.shape
    outputs = np.repeat(np.arange(out_size), taps)
    inputs = table.index.ravel()
    weights = table.weight.ravel()
    nonzero = weights != 0
    outputs, inputs, weights = outputs[nonzero], inputs[nonzero], weights[nonzero]
    order = np.argsort(inputs, kind="stable")  # stable: outputs stay ascending within an input
    outputs, inputs, weights = outputs[order], inputs[order], weights[order]
    counts = np.bincount(inputs, minlength=table.in_size)
    width = max(int(counts.max(initial=0)), 1)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    column = np.arange(len(inputs)) - starts[inputs]
    read = counts > 0
    first = np.zeros(table.in_size, np.int64)
    first[read] = outputs[starts[read]]
    index = np.repeat(first[:, None], width, axis=1)
    weight = np.zeros((table.in_size, width))
    index[inputs, column] = outputs
    weight[inputs, column] = weights
    for array in (index, weight, read):
        array.setflags(write=False)
    return index, weight, read


def copies_kept_lengths(spec: ResizeSpec) -> bool:
    """Whether an axis whose output length equals its input length is copied unchanged, whatever its scale:
    under ``antialias`` with ``coordinate_arithmetic="float32_separable"`` (PyTorch's
    ``separable_upsample_generic_Nd_kernel_impl`` resizes only the axes whose length changes)."""
    return bool(spec.antialias) and spec.coordinate_arithmetic == "float32_separable"


def _identity(size: int) -> AxisTable:
    index, weight, outside = np.arange(size, dtype=np.int64)[:, None], np.ones((size, 1)), np.zeros(size, bool)
    for array in (index, weight, outside):
        array.setflags(write=False)
    return AxisTable(size, size, index, weight, outside)


@functools.lru_cache(maxsize=1024)
def axis_table(
    in_size: int,
    out_size: int,
    spec: ResizeSpec,
    scale: float | None = None,
    roi: tuple[float, float] | None = None,
) -> AxisTable:
    """The interpolation table of one axis (cached).

    Args:
        in_size, out_size: lengths before and after, both >= 1.
        spec: the resize spec.
        scale: the ONNX ``scales`` entry when the caller gave scales (it enters the coordinate
            formula); None when sizes were given (the scale is then ``out_size / in_size``).
        roi: ``(start, end)`` of this axis for ``tf_crop_and_resize``.

    Example:
        >>> t = axis_table(2, 4, ResizeSpec(mode="linear", coordinate_transformation_mode="align_corners"))
        >>> (t.weight @ [1.0, 1.0]).round(6).tolist()  # each output's weights sum to 1
        [1.0, 1.0, 1.0, 1.0]
    """
    in_size, out_size = int(in_size), int(out_size)
    if spec.mode == "area_or_two_tap":
        raise ValueError(
            "mode 'area_or_two_tap' picks area or area_two_tap from every resized axis of the call: build the "
            "tables with consistent_resize.arguments.table_spec(spec, plans), not with the spec itself"
        )
    if in_size < 1 or out_size < 1:
        raise ValueError(f"in_size and out_size must be >= 1, got {in_size} and {out_size}")
    if in_size == out_size and copies_kept_lengths(spec):
        return _identity(in_size)
    coords = source_coordinates(spec, in_size, out_size, scale, roi)
    if spec.coordinate_transformation_mode == "tf_crop_and_resize":
        outside = (coords < 0) | (coords > in_size - 1)
    else:
        outside = np.zeros(out_size, bool)
    if spec.mode == "nearest":
        index, weight = _nearest_taps(spec, coords, in_size)
    elif spec.mode == "adaptive_average":
        index, weight = _adaptive_average_taps(in_size, out_size)
    elif spec.mode == "area_two_tap":
        index, weight = _area_two_tap_taps(coords, in_size, out_size, scale)
    elif spec.mode == "spline":  # dense B-spline tables (consistent_resize.splines)
        index, weight, beyond = spline_taps(coords, in_size, spec.spline_order,
                                             "constant" if spec.spline_constant_border else "mirror")
        outside = outside | beyond
    elif spec.cubic_table_size:  # TensorFlow's bicubic coefficient table
        index, weight = _cubic_table_taps(spec, np.where(outside, 0.0, coords), in_size)
    else:
        index, weight = _kernel_taps(spec, np.where(outside, 0.0, coords), in_size, out_size, scale)
    blur = blur_taps(in_size, out_size, spec.gaussian_preblur)
    if blur is not None:  # the table of resize(blur(x)): T G (consistent_resize.blur)
        index, weight = compose(index, weight, in_size, blur)
    index, weight = _canonical(index, weight, in_size, ~outside)
    for array in (index, weight, outside):
        array.setflags(write=False)
    return AxisTable(in_size, out_size, index, weight, outside)
