"""The core's size plan and per-axis tables, evaluated with TensorFlow ops for sizes known only when the
graph runs (``keras.Input((None, None, C))``, a ``size`` tensor).

This module is a line-by-line port of ``consistent_resize.arguments.plan_axes``,
``consistent_resize.coordinates.source_coordinates`` and the tap builders of
``consistent_resize.tables``: the same operations in the same order and float precision.
``tests/test_tf_graph_tables.py`` checks it against the NumPy core inside ``tf.function`` and XLA over
random sizes, scales and specs: plans and source coordinates bit for bit, tables as dense matrices
(nearest bit for bit, weights within 1e-14). Shapes known in Python never come here: they use the
cached NumPy tables as constants. When the core gains a formula, port it here (the test fails until
then; an unported ``coordinate_arithmetic`` raises a ValueError naming the ported ones).

Graph optimizers would change the float arithmetic: divisions go through ``_div`` and one
multiplication chain through ``_mul`` (their docstrings say what each prevents).

Differences from the NumPy tables are of form only: rows are not merged or trimmed (``K`` is the
kernel's full tap count), and a zero-weight tap reads the index of its row's largest weight, so a
NaN or Inf reaches only the outputs that read it, as with the NumPy tables.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple, Sequence

import tensorflow as tf

from consistent_resize.spec import ResizeSpec

_SUPPORT = {"linear": 1.0, "cubic": 2.0}


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
    "float64_multiply",
    "float64_reciprocal",
    "float64_accumulate",
    "q16_multiply",
)


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
            if scale is not None:
                r = _div(1.0, _f64(scale))
            elif name in ("float32_multiply", "float32_fma"):
                r = _div(tf.cast(in_i, tf.float32), tf.cast(out_i, tf.float32))
            elif name == "float64_reciprocal":
                r = _div(1.0, _div(_f64(out_i), _f64(in_i)))
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
            coords = tf.cast(_f64(offset) + _div(_f64(x) + 0.5, _f64(a.s)) - 0.5, f)
        else:
            coords = offset + a.to_input(x + half) - half
    elif mode == "pytorch_half_pixel":
        coords = tf.where(a.length > 1, _half_pixel(a, x), tf.zeros_like(x))
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


def _kernel(spec: ResizeSpec, t: tf.Tensor) -> tf.Tensor:
    """Port of ``kernels.linear`` / ``kernels.cubic`` (float64)."""
    if spec.mode == "linear":
        return tf.clip_by_value(1.0 - tf.abs(t), 0.0, 1.0)
    a = spec.cubic_coeff_a
    t = tf.abs(t)
    t2 = t * t
    t3 = t2 * t
    near = (a + 2) * t3 - (a + 3) * t2 + 1
    far = a * t3 - 5 * a * t2 + 8 * a * t - 4 * a
    return tf.where(t <= 1, near, tf.where(t < 2, far, tf.zeros_like(t)))


def _nearest_taps(spec: ResizeSpec, coords: tf.Tensor, in_size: tf.Tensor):
    rounding = {
        "round_prefer_floor": lambda c: tf.math.ceil(c - 0.5),
        "round_prefer_ceil": lambda c: tf.floor(c + 0.5),
        "floor": tf.floor,
        "ceil": tf.math.ceil,
    }[spec.nearest_mode]
    index = tf.clip_by_value(rounding(coords), 0.0, _f64(in_size) - 1.0)
    return index[:, None], tf.ones_like(coords)[:, None]


def _kernel_taps(spec: ResizeSpec, coords: tf.Tensor, in_size: tf.Tensor, scale: Any):
    support = _SUPPORT[spec.mode]
    if spec.antialias:
        sa = tf.minimum(_f64(scale), 1.0)
        i0 = tf.floor(_div(-support, sa)) + 1.0
    else:  # the tap count is known in Python
        sa, i0 = 1.0, math.floor(-support) + 1.0
    base = tf.math.ceil(coords) - 1.0
    index = base[:, None] + tf.range(i0, 2.0 - i0, dtype=tf.float64)[None, :]
    weight = _kernel(spec, (index - coords[:, None]) * sa)
    if spec.antialias:
        weight = _div(weight, tf.reduce_sum(weight, axis=1, keepdims=True))
    last = _f64(in_size) - 1.0
    inside = (index >= 0.0) & (index <= last)
    if spec.exclude_outside:
        weight = tf.where(inside, weight, tf.zeros_like(weight))
        weight = _div(weight, tf.reduce_sum(weight, axis=1, keepdims=True))
    index = tf.clip_by_value(index, 0.0, last)
    return index, weight


@tf.autograph.experimental.do_not_convert  # plain Python control flow on the spec
def axis_table(spec: ResizeSpec, plan: GraphAxisPlan) -> GraphAxisTable:
    """Port of ``tables.axis_table`` (before its canonical form) for one axis of a graph plan."""
    if spec.mode not in _SUPPORT and spec.mode != "nearest":
        raise ValueError(
            f"mode {spec.mode!r} (beyond ONNX) needs static spatial sizes in consistent_resize_tf: the in-graph "
            f"tables for sizes known only when the graph runs exist for modes 'nearest', "
            f"{', '.join(repr(m) for m in _SUPPORT)}; give the input a static shape"
        )
    in_size, out_size = plan.in_size, plan.out_size
    coords = source_coordinates(spec, in_size, out_size, plan.scale, plan.roi)
    if spec.coordinate_transformation_mode == "tf_crop_and_resize":
        outside = (coords < 0.0) | (coords > _f64(in_size) - 1.0)
    else:
        outside = tf.zeros_like(coords, dtype=tf.bool)
    if spec.mode == "nearest":
        index, weight = _nearest_taps(spec, coords, in_size)
    else:
        scale = plan.scale if plan.scale is not None else _div(_f64(out_size), _f64(in_size))
        index, weight = _kernel_taps(spec, tf.where(outside, tf.zeros_like(coords), coords), in_size, scale)
    weight = tf.where(outside[:, None], tf.zeros_like(weight), weight)
    # a zero-weight tap reads the index of its row's largest weight (as the canonical NumPy form does)
    strongest = tf.gather(index, tf.argmax(tf.abs(weight), axis=1), batch_dims=1)
    index = tf.where(weight != 0.0, index, strongest[:, None])
    return GraphAxisTable(tf.cast(index, tf.int32), weight, outside)
