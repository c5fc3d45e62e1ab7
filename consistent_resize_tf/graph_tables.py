"""The core's size plan and per-axis tables, evaluated with TensorFlow ops for sizes known only when the
graph runs (``keras.Input((None, None, C))``, a ``size`` tensor).

This module is a line-by-line port of ``consistent_resize.arguments.plan_axes``,
``consistent_resize.coordinates`` (``source_coordinates``, ``stretch``, ``kernel_arguments``), the kernels
of ``consistent_resize.kernels`` and the tap builders of ``consistent_resize.tables``, for every mode (those
beyond ONNX included: box, area, lanczos, hamming, gaussian, mitchell, adaptive_average, area_two_tap;
cubic read from TensorFlow's table, ``cubic_table_size``, whose table is the core's constant; and
``arguments.table_spec``'s per-call choice for area_or_two_tap: ``axis_tables``):
the same operations in the same order and float precision.
``tests/test_tf_graph_tables.py`` checks it against the NumPy core inside ``tf.function`` and XLA over
random sizes, scales and specs: plans and source coordinates bit for bit, tables as dense matrices
(nearest bit for bit, weights within 1e-14). Shapes known in Python never come here: they use the
cached NumPy tables as constants. When the core gains a formula, port it here (the test fails until
then; an unported ``coordinate_arithmetic`` or ``mode`` raises a ValueError naming the ported ones).

Graph optimizers would change the float arithmetic: divisions go through ``_div``, one
multiplication chain through ``_mul`` and additions followed by a constant through ``_sealed`` (their
docstrings say what each prevents).

Differences from the NumPy tables are of form only: rows are not merged or trimmed (``K`` is the
kernel's full tap count), and a zero-weight tap reads the index of its row's largest weight, so a
NaN or Inf reaches only the outputs that read it, as with the NumPy tables.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple, Sequence

import numpy as np
import tensorflow as tf

from consistent_resize.kernels import cubic_table
from consistent_resize.spec import ResizeSpec

#: the support of the kernels whose support is a constant (``kernels.kernel_for``)
_SUPPORT = {"linear": 1.0, "cubic": 2.0, "box": 0.5, "hamming": 1.0, "mitchell": 2.0}
#: the kernels whose weights are always normalised (``kernels.Kernel.normalise``)
_NORMALISED = ("box", "area", "lanczos", "hamming", "gaussian", "mitchell")
#: the modes this port knows; any other fails with a clear error (static shapes keep working)
PORTED_MODES = ("nearest", "linear", "cubic") + _NORMALISED + ("adaptive_average", "area_two_tap", "area_or_two_tap")


class GraphAxisPlan(NamedTuple):
    """``AxisPlan`` with tensors: int32 lengths, the scale entering the formula (None, a Python float
    or a float64 tensor) and the roi."""

    in_size: Any
    out_size: Any
    scale: Any
    roi: tuple[float, float] | None


class GraphAxisTable(NamedTuple):
    """``AxisTable`` with tensors: ``index`` int32 ``(out, K)``, ``weight`` float64 ``(out, K)``,
    ``outside`` bool ``(out,)``."""

    index: tf.Tensor
    weight: tf.Tensor
    outside: tf.Tensor


@tf.autograph.experimental.do_not_convert  # plain Python control flow on the spec
def plan_axes(
    in_sizes: Sequence[Any],
    sizes: Any,
    scales: Sequence[float] | None,
    spec: ResizeSpec,
    rois: Sequence[tuple[float, float] | None],
) -> list[GraphAxisPlan]:
    """Port of ``arguments.plan_axes`` after validation: ``sizes`` is an int32 tensor (one entry per
    axis) or None, ``scales`` Python floats (already checked) or None.

    Output sizes below 1 (a size tensor holding 0, or a scale that floors to 0) fail a runtime check.
    """
    in_sizes = [tf.cast(i, tf.int32) for i in in_sizes]
    count = len(in_sizes)
    if sizes is not None:
        outs = [sizes[a] for a in range(count)]
        plan_scales = [None] * count
        if spec.keep_aspect_ratio_policy != "stretch":
            ratios = tf.stack([_div(_f64(o), _f64(i)) for o, i in zip(outs, in_sizes)])
            common = tf.reduce_min(ratios) if spec.keep_aspect_ratio_policy == "not_larger" else tf.reduce_max(ratios)
            outs = [tf.maximum(tf.cast(tf.floor(common * _f64(i) + 0.5), tf.int32), 1) for i in in_sizes]
            plan_scales = [common] * count
    else:
        outs = [tf.cast(tf.floor(_f64(i) * s), tf.int32) for i, s in zip(in_sizes, scales)]
        plan_scales = list(scales)
    checked = []
    for axis, out in enumerate(outs):
        with tf.control_dependencies(
            [tf.debugging.assert_positive(out, message=f"output size of resized axis {axis} must be >= 1")]
        ):
            checked.append(tf.identity(out))
    return [GraphAxisPlan(i, o, s, r) for i, o, s, r in zip(in_sizes, checked, plan_scales, rois)]


def _div(numerator: Any, denominator: Any) -> tf.Tensor:
    """``numerator / denominator`` rounded as IEEE division, in a form the graph optimizers keep.

    Grappler's constant folding rewrites ``RealDiv`` by a constant into a multiplication by the
    rounded reciprocal (``5 / 3`` became ``5 * float32(1/3)``, off by an ulp: measured), but leaves
    ``DivNoNan`` alone; XLA's simplifier rewrites a non-constant divided by a (broadcast) constant the
    same way, so a scalar divisor of a vector gets ``+ 0 * numerator`` (non-constant, exact: the
    numerators here are finite). A zero divisor gives 0 (NumPy: inf or NaN); every such quotient here
    is masked by a ``tf.where`` or, for a weight row summing to 0, is an error in the NumPy tables.
    """
    if isinstance(numerator, (int, float)):
        numerator = tf.constant(numerator, denominator.dtype)
    if isinstance(denominator, (int, float)):
        denominator = tf.constant(denominator, numerator.dtype)
    if numerator.shape.rank != 0 and denominator.shape.rank == 0:
        denominator = denominator + numerator * tf.constant(0, numerator.dtype)
    return tf.math.divide_no_nan(numerator, denominator)


def _mul(left: tf.Tensor, right: tf.Tensor) -> tf.Tensor:
    """``left * right`` (finite operands) as an op that ends a multiplication chain: grappler's
    arithmetic optimizer regroups ``vector * scalar * scalar`` as ``vector * (scalar * scalar)``
    (measured: a coordinate off by an ulp), but not through ``MulNoNan``."""
    return tf.math.multiply_no_nan(left, right)


def _sealed(value: tf.Tensor) -> tf.Tensor:
    """``value`` unchanged, as an op that ends an addition chain: grappler's constant folding pushes a
    constant down through additions, ``(a + b) - 0.5`` becoming ``a + (b - 0.5)`` (measured: a
    ``half_pixel_symmetric`` coordinate an ulp off), but not through ``DivNoNan`` (by 1: exact; a
    ``MulNoNan`` by 1 is simplified away)."""
    return tf.math.divide_no_nan(value, tf.constant(1, value.dtype))


def _f64(value: Any) -> tf.Tensor:
    """``value`` as float64; a Python number is converted directly (``tf.cast`` would round it to
    float32 first)."""
    if isinstance(value, (int, float)):
        return tf.constant(value, tf.float64)
    return tf.cast(value, tf.float64)


#: the arithmetics this port knows (``coordinates._Arithmetic``); any other fails with a clear error
PORTED_ARITHMETICS = (
    "float64_divide",
    "float32_divide",
    "float32_multiply",
    "float32_fma",
    "float32_separable",  # float32_multiply without antialias; refused with it (_refuse_separable_antialias)
    "float64_multiply",
    "float64_reciprocal",
    "float32_reciprocal",
    "float64_accumulate",
    "q16_multiply",
)


def _copies_kept_lengths(spec: ResizeSpec) -> bool:
    """Port of ``tables.copies_kept_lengths``."""
    return bool(spec.antialias) and spec.coordinate_arithmetic == "float32_separable"


def _centred(spec: ResizeSpec) -> bool:
    """Port of ``coordinates._centred_align_corners``."""
    return _copies_kept_lengths(spec) and spec.coordinate_transformation_mode == "align_corners"


def _centre_ratio(in_size: Any, out_size: Any) -> tf.Tensor:
    """Port of ``coordinates.to_centre_ratio``: ``float32(in - 1) / float32(out - 1)``, 0 when ``out = 1``."""
    in_i, out_i = tf.cast(in_size, tf.int32), tf.cast(out_size, tf.int32)
    ratio = _div(tf.cast(in_i - 1, tf.float32), tf.cast(tf.maximum(out_i - 1, 1), tf.float32))
    return tf.where(out_i > 1, ratio, tf.zeros_like(ratio))


class _Arithmetic:
    """Port of ``coordinates._Arithmetic`` (sizes are int32 tensors; a scale None, a Python float or a
    float64 tensor)."""

    def __init__(self, name: str, in_size: Any, out_size: Any, scale: Any):
        if name not in PORTED_ARITHMETICS:
            raise ValueError(
                f"coordinate_arithmetic {name!r} has no in-graph port yet (sizes known only in the graph); "
                f"give static spatial sizes, or one of {', '.join(map(repr, PORTED_ARITHMETICS))}"
            )
        self.name = name
        self.dtype = f = tf.float32 if name.startswith("float32") else tf.float64
        self.divide = name.endswith("divide")
        self.in_size = in_i = tf.cast(in_size, tf.int32)
        out_i = tf.cast(out_size, tf.int32)
        if name == "q16_multiply":  # integer fixed point; a scale is ignored
            in64, out64 = tf.cast(in_i, tf.int64), tf.cast(out_i, tf.int64)
            self.q = _f64((in64 * 65536 + out64 // 2) // out64)
            self.length = tf.cast(out_i, f)
        elif self.divide:
            if scale is not None:
                self.s = tf.cast(_f64(scale), f)
            elif name == "float32_divide":
                self.s = _div(tf.cast(out_i, f), tf.cast(in_i, f))
            else:
                self.s = tf.cast(_div(_f64(out_i), _f64(in_i)), f)
            self.scaled_length = self.s * tf.cast(in_i, f)
            self.length = tf.cast(out_i, f) if name == "float32_divide" else self.scaled_length
        else:
            if scale is not None and name == "float32_reciprocal":  # 1 / float64(float32(scale))
                r = _div(1.0, _f64(tf.cast(_f64(scale), tf.float32)))
            elif scale is not None:
                r = _div(1.0, _f64(scale))
            elif name in ("float32_multiply", "float32_fma", "float32_separable"):
                r = _div(tf.cast(in_i, tf.float32), tf.cast(out_i, tf.float32))
            elif name == "float64_reciprocal":
                r = _div(1.0, _div(_f64(out_i), _f64(in_i)))
            elif name == "float32_reciprocal":  # TF: inv_scale = 1.0 / scale (double), stored as float
                r = _div(1.0, _f64(_div(tf.cast(out_i, tf.float32), tf.cast(in_i, tf.float32))))
            else:
                r = _div(_f64(in_i), _f64(out_i))
            self.r = tf.cast(r, f)
            self.length = tf.cast(out_i, f)

    def const(self, value: float) -> tf.Tensor:
        return tf.constant(value, self.dtype)

    def to_input(self, v: tf.Tensor) -> tf.Tensor:
        if self.name == "q16_multiply":
            return (tf.floor(self.q * v) - _f64(self.in_size % 2)) / 65536.0
        if self.name == "float64_accumulate":  # v[0] * r, then + r per index, summed left to right
            return tf.math.cumsum(tf.concat([v[:1] * self.r, tf.fill(tf.shape(v[1:]), self.r)], 0))
        return _div(v, self.s) if self.divide else v * self.r

    def ratio(self, numerator: Any, denominator: Any) -> tf.Tensor:
        return _div(tf.cast(numerator, self.dtype), tf.cast(denominator, self.dtype))


def _half_pixel(a: _Arithmetic, x: tf.Tensor) -> tf.Tensor:
    """Port of ``coordinates._half_pixel``: ``to_input(x + 0.5) - 0.5`` (one rounding under float32_fma)."""
    if a.name == "float32_fma":
        return tf.cast(_f64(a.r) * (_f64(x) + 0.5) - 0.5, a.dtype)
    return a.to_input(x + a.const(0.5)) - a.const(0.5)


@tf.autograph.experimental.do_not_convert  # plain Python control flow on the spec
def source_coordinates(spec: ResizeSpec, in_size: Any, out_size: Any, scale: Any = None, roi=None) -> tf.Tensor:
    """Port of ``coordinates.source_coordinates``: float64 ``(out_size,)``, exact copies of the values
    computed in the spec's ``coordinate_arithmetic``. Python branches on ``L`` become ``tf.where``."""
    name = spec.coordinate_arithmetic
    a = _Arithmetic(name, in_size, out_size, scale)
    f = a.dtype
    out_i = tf.cast(out_size, tf.int32)
    x = tf.cast(tf.range(out_i), f)
    half, one, n = a.const(0.5), a.const(1.0), tf.cast(a.in_size, f)
    mode = spec.coordinate_transformation_mode
    if mode == "half_pixel":
        coords = _half_pixel(a, x)
    elif mode == "half_pixel_symmetric":
        offset = _div(n, a.const(2.0)) * (one - _div(tf.cast(out_i, f), getattr(a, "scaled_length", a.length)))
        if name == "float32_divide":  # onnxruntime: offset + (x + 0.5) / s - 0.5 in float64
            coords = tf.cast(_sealed(_f64(offset) + _div(_f64(x) + 0.5, _f64(a.s))) - 0.5, f)
        else:
            coords = _sealed(offset + a.to_input(x + half)) - half
    elif mode == "pytorch_half_pixel":
        coords = tf.where(a.length > 1, _half_pixel(a, x), tf.zeros_like(x))
    elif mode == "align_corners" and _centred(spec):  # coordinates.to_centre_ratio
        coords = _centre_ratio(a.in_size, out_i) * (x + half) - half
    elif mode == "align_corners":
        if a.divide:
            spread = _div(x * (n - one), a.length - one)
        else:
            spread = x * a.ratio(a.in_size - 1, out_i - 1)
        coords = tf.where(a.length == 1, tf.zeros_like(x), spread)
    elif mode == "asymmetric":
        coords = a.to_input(x)
    elif mode == "tf_half_pixel_for_nn":
        coords = _half_pixel(a, x) + half if name == "float32_fma" else a.to_input(x + half)
    elif mode == "tf_crop_and_resize":
        start, end = (0.0, 1.0) if roi is None else roi
        start, end = a.const(start), a.const(end)
        if name == "float32_divide":  # onnxruntime: in float64, rounded once
            single = tf.cast(0.5 * _f64(start + end) * _f64(n - one), f)
        else:
            single = _div((end - start) * (n - one), a.const(2.0)) + start * (n - one)
        spread = _div(_mul(x * (end - start), n - one), a.length - one) + start * (n - one)
        coords = tf.where(a.length == 1, single * tf.ones_like(x), spread)
    else:  # pragma: no cover - ResizeSpec validated it
        raise ValueError(f"unknown coordinate_transformation_mode {mode!r}")
    coords = _f64(coords)
    if name == "float32_divide" and spec.mode == "nearest" and spec.nearest_mode.startswith("round"):
        half_point = tf.floor(coords) + 0.5  # onnxruntime rounds within 1e-6 of a half as the half
        coords = tf.where(tf.abs(coords - half_point) < 1e-6, half_point, coords)
    return coords


def _sinc(t: tf.Tensor) -> tf.Tensor:
    """Port of ``np.sinc``: ``sin(y) / y`` with ``y = pi * t`` (``t = 0`` replaced by ``1e-20``)."""
    y = math.pi * tf.where(t == 0.0, tf.constant(1.0e-20, tf.float64), t)
    return _div(tf.sin(y), y)


def _kernel(spec: ResizeSpec, t: tf.Tensor, scale: Any) -> tf.Tensor:
    """Port of the kernels of ``consistent_resize.kernels`` (float64); ``scale`` (a Python float or a
    float64 tensor) is used by ``area`` only. Divisions by constants go through ``_div``."""
    mode = spec.mode
    zero = tf.zeros_like(t)
    if mode == "linear":
        return tf.clip_by_value(1.0 - tf.abs(t), 0.0, 1.0)
    if mode == "cubic":
        a = spec.cubic_coeff_a
        t = tf.abs(t)
        t2 = t * t
        t3 = t2 * t
        near = (a + 2) * t3 - (a + 3) * t2 + 1
        far = a * t3 - 5 * a * t2 + 8 * a * t - 4 * a
        return tf.where(t <= 1, near, tf.where(t < 2, far, zero))
    if mode == "box":  # 1 on (-1/2, 1/2]
        return tf.cast((t > -0.5) & (t <= 0.5), tf.float64)
    if mode == "area":  # overlap of [t - 1/2, t + 1/2] with [-1/(2 s), 1/(2 s)]
        half = 0.5 / scale if isinstance(scale, float) else _div(0.5, scale)
        return tf.maximum(zero, tf.minimum(t + 0.5, half) - tf.maximum(t - 0.5, -half))
    if mode == "lanczos":
        radius = spec.lanczos_radius
        return tf.where(tf.abs(t) < radius, _sinc(t) * _sinc(_div(t, float(radius))), zero)
    if mode == "hamming":
        return tf.where(tf.abs(t) < 1, _sinc(t) * (0.54 + 0.46 * tf.cos(math.pi * t)), zero)
    if mode == "gaussian":
        sigma = spec.gaussian_sigma
        return tf.where(tf.abs(t) < 3 * sigma, tf.exp(_div(-t * t, 2 * sigma * sigma)), zero)
    if mode == "mitchell":
        b, c = spec.mitchell_b, spec.mitchell_c
        t = tf.abs(t)
        t2, t3 = t * t, t * t * t
        near = _div((12 - 9 * b - 6 * c) * t3 + (-18 + 12 * b + 6 * c) * t2 + (6 - 2 * b), 6.0)
        far = _div((-b - 6 * c) * t3 + (6 * b + 30 * c) * t2 + (-12 * b - 48 * c) * t + (8 * b + 24 * c), 6.0)
        return tf.where(t < 1, near, tf.where(t < 2, far, zero))
    raise ValueError(  # a mode added to the core without a port here
        f"mode {mode!r} has no in-graph port yet (sizes known only in the graph); give the input a static "
        f"shape, or use one of {', '.join(map(repr, PORTED_MODES))}"
    )


def _nearest_taps(spec: ResizeSpec, coords: tf.Tensor, in_size: tf.Tensor):
    rounding = {
        "round_prefer_floor": lambda c: tf.math.ceil(c - 0.5),
        "round_prefer_ceil": lambda c: tf.floor(c + 0.5),
        "floor": tf.floor,
        "ceil": tf.math.ceil,
    }[spec.nearest_mode]
    index = tf.clip_by_value(rounding(coords), 0.0, _f64(in_size) - 1.0)
    return index[:, None], tf.ones_like(coords)[:, None]


def _support(spec: ResizeSpec, scale: Any) -> Any:
    """Port of ``kernels.kernel_for(...).support``: a Python float, or a float64 tensor for ``area``
    with a scale known only in the graph."""
    if spec.mode == "area":
        if isinstance(scale, float):
            return (1.0 + 1.0 / scale) / 2
        return (1.0 + _div(1.0, scale)) * 0.5  # / 2 and * 0.5 are the same exact operation
    if spec.mode == "lanczos":
        return float(spec.lanczos_radius)
    if spec.mode == "gaussian":
        return 3.0 * spec.gaussian_sigma
    return _SUPPORT[spec.mode]


def _stretch(spec: ResizeSpec, plan: GraphAxisPlan) -> Any:
    """Port of ``coordinates.stretch`` (the antialias stretch ``sa``): ``min(s, 1)`` in float64, under
    ``float32_reciprocal`` ``float32(1 / max(r, 1))``. A Python float when the scale is one."""
    reciprocal = spec.coordinate_arithmetic == "float32_reciprocal"
    if _centred(spec):  # PyTorch's invscale = float32(1 / r) for r >= 1, else 1
        r = _centre_ratio(plan.in_size, plan.out_size)
        inverse = tf.cast(_div(1.0, _f64(tf.maximum(r, 1.0))), tf.float32)
        return _f64(tf.where(r >= 1.0, inverse, tf.ones_like(inverse)))
    if isinstance(plan.scale, float):  # known in Python: the core's formula with NumPy scalars
        if reciprocal:
            r = np.float32(1.0 / np.float64(np.float32(plan.scale)))
            return float(np.float32(1) / max(r, np.float32(1)))
        return min(plan.scale, 1.0)
    if reciprocal:
        r = _Arithmetic("float32_reciprocal", plan.in_size, plan.out_size, plan.scale).r
        return _f64(_div(tf.constant(1.0, tf.float32), tf.maximum(r, 1.0)))
    scale = plan.scale if plan.scale is not None else _div(_f64(plan.out_size), _f64(plan.in_size))
    return tf.minimum(_f64(scale), 1.0)


def _kernel_arguments(spec: ResizeSpec, offsets: tf.Tensor, sa: Any) -> tf.Tensor:
    """Port of ``coordinates.kernel_arguments``: ``(j - c) * sa`` in float64, under ``float32_reciprocal``
    the offset rounded to float32 and multiplied by ``sa`` in float32."""
    if spec.coordinate_arithmetic == "float32_reciprocal":
        return _f64(tf.cast(offsets, tf.float32) * tf.cast(_f64(sa), tf.float32))
    return offsets * sa


def _adaptive_average_taps(in_size: Any, out_size: Any):
    """Port of ``tables._adaptive_average_taps``: taps ``floor(o in / out) .. ceil((o + 1) in / out) - 1``
    with equal weights, in int64 (``//`` is floor division, as NumPy's)."""
    in64, out64 = tf.cast(in_size, tf.int64), tf.cast(out_size, tf.int64)
    o = tf.range(out64)
    start = (o * in64) // out64
    end = -((-(o + 1) * in64) // out64)  # ceil((o + 1) * in / out)
    count = end - start
    columns = tf.range(tf.reduce_max(count))[None, :]
    index = tf.minimum(start[:, None] + columns, in64 - 1)
    share = _div(1.0, _f64(count))[:, None]
    weight = tf.where(columns < count[:, None], share, tf.zeros_like(share))
    return _f64(index), weight


def _area_two_tap_taps(coords: tf.Tensor, plan: GraphAxisPlan):
    """Port of ``tables._area_two_tap_taps`` (OpenCV ``INTER_AREA``'s 2-tap rule): ``sx = floor(c)``,
    ``f = float32((x + 1) - (sx + 1) s)`` reduced to its fraction (0 if ``f <= 0``), taps ``sx`` and ``sx + 1``
    with weights ``float32(1 - f)`` and ``f``; ``f = 0`` where ``sx >= in - 1``."""
    in_size, out_size = plan.in_size, plan.out_size
    s = plan.scale if plan.scale is not None else _div(_f64(out_size), _f64(in_size))  # OpenCV's inv_scale_x
    sx = tf.maximum(tf.floor(coords), 0.0)
    x = tf.cast(tf.range(tf.cast(out_size, tf.int32)), tf.float64)
    f = tf.cast((x + 1.0) - (sx + 1.0) * s, tf.float32)
    zero = tf.zeros_like(f)
    f = tf.where(f <= 0.0, zero, f - tf.floor(f))
    last = _f64(in_size) - 1.0
    at_end = sx >= last
    sx = tf.where(at_end, last * tf.ones_like(sx), sx)
    f = tf.where(at_end, zero, f)
    index = tf.stack([sx, tf.minimum(sx + 1.0, last)], axis=1)
    weight = _f64(tf.stack([1.0 - f, f], axis=1))
    return index, weight


def _kernel_taps(spec: ResizeSpec, coords: tf.Tensor, plan: GraphAxisPlan):
    """Port of ``tables._kernel_taps``. When the scale is a Python float (``scale_factor``) or the tap
    count does not depend on it, ``K`` is known in Python."""
    in_size = plan.in_size
    scale = plan.scale if plan.scale is not None else _div(_f64(plan.out_size), _f64(in_size))
    closed = spec.mode == "box"  # kernels.Kernel.closed
    scaled = spec.mode == "area"  # kernels.Kernel.scaled
    support = _support(spec, scale)
    sa = _stretch(spec, plan) if spec.antialias and not scaled else 1.0
    # one more tap on each side for box (closed at +S) and where the argument is rounded to float32
    wider = int(closed or spec.coordinate_arithmetic == "float32_reciprocal")
    if isinstance(support, float) and isinstance(sa, float):  # the tap count is known in Python
        reach = support / sa
        i0 = float(math.floor(-reach) + 1 - wider)
    else:
        reach = _div(_f64(support), _f64(sa))
        i0 = tf.floor(-reach) + (1.0 - wider)
    base = tf.math.ceil(coords) - 1.0
    index = base[:, None] + tf.range(i0, 2.0 - i0, dtype=tf.float64)[None, :]
    weight = _kernel(spec, _kernel_arguments(spec, index - coords[:, None], sa), scale)
    if closed:  # Pillow's window decides ties at the edges: xmin = int(center - support + 0.5)
        center = _sealed(coords[:, None] + 0.5)
        low, high = _sealed(center - reach) + 0.5, _sealed(center + reach) + 0.5
        window = (index >= tf.floor(low)) & (index < tf.floor(high))
        weight = tf.where(window, weight, tf.zeros_like(weight))
    if spec.antialias or spec.mode in _NORMALISED:
        weight = _normalised(weight, spec)
    last = _f64(in_size) - 1.0
    inside = (index >= 0.0) & (index <= last)
    if spec.exclude_outside:
        weight = tf.where(inside, weight, tf.zeros_like(weight))
        weight = _normalised(weight, spec)
    index = tf.clip_by_value(index, 0.0, last)
    return index, weight


#: ``tables._TF_WEIGHT_SUM_GUARD``: TensorFlow's bicubic renormalises only if ``|weight_sum| >= 1000 * FLT_MIN``
_TF_WEIGHT_SUM_GUARD = 1000.0 * float(np.finfo(np.float32).tiny)


def _cubic_table_taps(spec: ResizeSpec, coords: tf.Tensor, in_size: Any):
    """Port of ``tables._cubic_table_taps`` (TensorFlow's ``GetWeightsAndIndices``): taps ``floor(c) - 1 ..
    floor(c) + 2`` weighted from the table (``kernels.cubic_table``, a constant) at ``rint((c - floor(c)) N)``
    (``tf.round``: half to even, as ``lrintf``; exact, ``N`` a power of two)."""
    size = spec.cubic_table_size
    near, far = (tf.constant(t.astype(np.float64)) for t in cubic_table(spec.cubic_coeff_a, size))
    base = tf.floor(coords)
    offset = tf.cast(tf.round((coords - base) * float(size)), tf.int32)
    index = base[:, None] + tf.constant([-1.0, 0.0, 1.0, 2.0], tf.float64)[None, :]
    weight = tf.stack([tf.gather(far, offset), tf.gather(near, offset),
                       tf.gather(near, size - offset), tf.gather(far, size - offset)], axis=1)
    last = _f64(in_size) - 1.0
    if spec.exclude_outside:
        weight = tf.where((index >= 0.0) & (index <= last), weight, tf.zeros_like(weight))
        total = tf.reduce_sum(weight, axis=1, keepdims=True)
        guarded = tf.abs(total) >= _TF_WEIGHT_SUM_GUARD  # else the weights stay (0 where no tap is inside)
        weight = tf.where(guarded, _div(weight, tf.where(guarded, total, tf.ones_like(total))), weight)
    return tf.clip_by_value(index, 0.0, last), weight


def _normalised(weight: tf.Tensor, spec: ResizeSpec) -> tf.Tensor:
    """Each row divided by its sum; a row summing to 0 (every tap excluded: e.g. linear with
    ``exclude_outside`` whose only non-zero tap lies outside) fails at run time with the NumPy tables'
    message (``tables._checked_sum``) instead of giving zeros. (Under XLA the assertion is a no-op.)"""
    total = tf.reduce_sum(weight, axis=1, keepdims=True)
    check = tf.debugging.assert_none_equal(
        total, tf.zeros_like(total),
        message=f"the weights of some output sum to 0 under {spec.describe()}; cannot normalise")
    with tf.control_dependencies([check]):
        return _div(weight, tf.identity(total))


@tf.autograph.experimental.do_not_convert  # plain Python control flow on the spec
def axis_table(spec: ResizeSpec, plan: GraphAxisPlan) -> GraphAxisTable:
    """Port of ``tables.axis_table`` (before its canonical form) for one axis of a graph plan."""
    if spec.mode not in PORTED_MODES:  # a mode added to the core without a port here
        raise ValueError(
            f"mode {spec.mode!r} has no in-graph port yet (sizes known only when the graph runs); give the "
            f"input a static shape, or use one of {', '.join(map(repr, PORTED_MODES))}"
        )
    if spec.mode == "area_or_two_tap":  # as tables.axis_table: the rule depends on every axis
        raise ValueError("mode 'area_or_two_tap' picks area or area_two_tap from every resized axis of the call: "
                         "build the tables with axis_tables(spec, plans)")
    if spec.gaussian_preblur:  # consistent_resize.blur: the composed table T G is not ported
        raise ValueError("gaussian_preblur has no in-graph port yet (sizes known only when the graph runs); give "
                         "the input a static shape, or gaussian_preblur=0")
    in_size, out_size = plan.in_size, plan.out_size
    coords = source_coordinates(spec, in_size, out_size, plan.scale, plan.roi)
    if spec.coordinate_transformation_mode == "tf_crop_and_resize":
        outside = (coords < 0.0) | (coords > _f64(in_size) - 1.0)
    else:
        outside = tf.zeros_like(coords, dtype=tf.bool)
    if spec.mode == "nearest":
        index, weight = _nearest_taps(spec, coords, in_size)
    elif spec.mode == "adaptive_average":
        index, weight = _adaptive_average_taps(in_size, out_size)
    elif spec.mode == "area_two_tap":
        index, weight = _area_two_tap_taps(coords, plan)
    elif spec.cubic_table_size:  # TensorFlow's bicubic coefficient table
        index, weight = _cubic_table_taps(spec, tf.where(outside, tf.zeros_like(coords), coords), in_size)
    else:
        index, weight = _kernel_taps(spec, tf.where(outside, tf.zeros_like(coords), coords), plan)
    weight = tf.where(outside[:, None], tf.zeros_like(weight), weight)
    # a zero-weight tap reads the index of its row's largest weight (as the canonical NumPy form does)
    strongest = tf.gather(index, tf.argmax(tf.abs(weight), axis=1), batch_dims=1)
    index = tf.where(weight != 0.0, index, strongest[:, None])
    if _copies_kept_lengths(spec):  # an axis that keeps its length is the identity
        kept = tf.equal(tf.cast(in_size, tf.int32), tf.cast(out_size, tf.int32))
        rows = tf.cast(tf.range(tf.shape(index)[0]), index.dtype)[:, None] + tf.zeros_like(index)
        first = tf.cast(tf.equal(tf.range(tf.shape(weight)[1]), 0), weight.dtype)[None, :] + tf.zeros_like(weight)
        index, weight = tf.where(kept, rows, index), tf.where(kept, first, weight)
        outside = tf.where(kept, tf.zeros_like(outside), outside)
    return GraphAxisTable(tf.cast(index, tf.int32), weight, outside)


def _grows(plan: GraphAxisPlan) -> Any:
    """Port of ``arguments.axis_grows``: a Python bool for a Python scale, else ``out > in`` (int32; for
    integer sizes the same as ``1 / (out / in) < 1`` in float64, since ``out / in`` is then at least
    ``1 + 1 / in``)."""
    if plan.scale is not None and isinstance(plan.scale, (int, float)):
        return 1.0 / float(plan.scale) < 1.0
    if plan.scale is not None:
        return _div(tf.constant(1.0, tf.float64), _f64(plan.scale)) < 1.0
    return tf.cast(plan.out_size, tf.int32) > tf.cast(plan.in_size, tf.int32)


def _padded(table: GraphAxisTable, taps: Any) -> GraphAxisTable:
    """``table`` widened to ``taps`` columns with weight-0 taps that read the row's first index."""
    extra = taps - tf.shape(table.index)[1]
    index = tf.concat([table.index, tf.tile(table.index[:, :1], tf.stack([1, extra]))], axis=1)
    weight = tf.pad(table.weight, tf.stack([tf.constant([0, 0]), tf.stack([0, extra])]))
    return GraphAxisTable(index, weight, table.outside)


@tf.autograph.experimental.do_not_convert  # plain Python control flow on the spec
def axis_tables(spec: ResizeSpec, plans: Sequence[GraphAxisPlan]) -> list[GraphAxisTable]:
    """The tables of every resized axis of one call: ``axis_table`` after the port of
    ``arguments.table_spec``. For ``area_or_two_tap`` the choice (``area`` when no axis grows, else
    ``area_two_tap`` on every axis) is made in Python when every ``_grows`` is known there, else when the
    graph runs: both tables are built, padded to one width and selected with ``tf.where``."""
    if spec.mode != "area_or_two_tap":
        return [axis_table(spec, p) for p in plans]
    area = spec.replace(mode="area")
    two_tap = spec.replace(mode="area_two_tap", coordinate_transformation_mode="asymmetric")
    grows = [_grows(p) for p in plans]
    if all(isinstance(g, bool) for g in grows):
        chosen = two_tap if any(grows) else area
        return [axis_table(chosen, p) for p in plans]
    any_grows = tf.reduce_any(tf.stack([tf.convert_to_tensor(g) for g in grows]))
    tables = []
    for p in plans:
        a, b = axis_table(two_tap, p), axis_table(area, p)
        taps = tf.maximum(tf.shape(a.index)[1], tf.shape(b.index)[1])
        a, b = _padded(a, taps), _padded(b, taps)
        tables.append(GraphAxisTable(tf.where(any_grows, a.index, b.index), tf.where(any_grows, a.weight, b.weight),
                                     tf.where(any_grows, a.outside, b.outside)))
    return tables
