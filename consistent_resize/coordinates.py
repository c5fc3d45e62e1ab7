"""The source coordinate of every output index: ``x_original = f(x_resized)``.

Each ``coordinate_transformation_mode`` is written once, in terms of ``to_input(v)``, the map of an
output-space length ``v`` to input space. ``coordinate_arithmetic`` decides how that map and the rest of
the formula are evaluated (which only matters where rounding decides a tie, as in nearest mode):

====================  ============================================================  ===================
arithmetic            ``to_input(v)``, precision                                    used by
====================  ============================================================  ===================
float64_divide        ``v / s`` with ``s = scale`` or ``out / in``; float64          ONNX reference
float32_divide        ``v / float32(s)``, ``s = float32(out) / float32(in)`` when    onnxruntime
                      sizes are given; every step in float32 (see the notes below)
float32_multiply      ``v * r``, ``r = float32(in) / float32(out)`` (``float32(1 /   PyTorch, TF, TFLite
                      scale)`` when a scale is given); every step in float32
float32_fma           as ``float32_multiply``, but ``to_input(x + 0.5) - 0.5`` is    PyTorch's
                      one fused multiply-add (rounded once), as compilers contract  nearest-exact CPU
                      ``scale * (x + 0.5) - 0.5`` on FMA hardware; and             kernels (x86 AVX2/
                      ``tf_half_pixel_for_nn`` is evaluated as PyTorch's            AVX512) in 1-D, 3-D
                      nearest-exact does: ``fl(fl(fma(r, x + 0.5, -0.5)) + 0.5)``   and large 2-D
                                                                                    outputs
float32_separable     as ``float32_multiply``; under ``antialias`` the rules of         PyTorch
                      PyTorch's separable antialias kernel (below)                  ``antialias=True``
float64_multiply      ``v * r``, ``r = in / out`` (``1 / scale``); float64           Chainer
float64_reciprocal    ``v * r``, ``r = 1 / (out / in)`` (``1 / scale``); float64     OpenCV
float32_reciprocal    ``v * r``, ``r = float32(1 / float64(s))``, ``s =             TF lanczos,
                      float32(out) / float32(in)`` (``float32(scale)`` when given);  gaussian,
                      every step in float32; also the kernel argument (below)       mitchellcubic
                                                                                    (ScaleAndTranslate)
float64_accumulate    ``v0 * r`` then ``+ r`` once per output index (a running      Pillow NEAREST,
                      float64 sum, not ``v * r``); ``r = in / out`` (``1 / scale``)  OpenCV 5
                                                                                    INTER_NEAREST_EXACT
q16_multiply          ``(floor(q * v) - in % 2) / 2**16``, integer                  OpenCV 4
                      ``q = (in * 2**16 + out // 2) // out``; exact (the ``- in %   INTER_NEAREST_EXACT
                      2`` is OpenCV's own bias); sizes only, a scale is ignored
====================  ============================================================  ===================

With ``L`` the resized length (``s * in`` for ``float64_divide``, as onnx's reference code writes it; the
integer ``out`` for the others) and ``x`` the output index:

- ``half_pixel``:           ``to_input(x + 0.5) - 0.5``
- ``half_pixel_symmetric``: ``in / 2 * (1 - out / L) + to_input(x + 0.5) - 0.5``
- ``pytorch_half_pixel``:   ``to_input(x + 0.5) - 0.5`` if ``L > 1`` else ``0`` (the ONNX text and
  onnxruntime; onnx's reference code uses ``-0.5``, which differs only for cubic, see SPEC.md)
- ``align_corners``:        ``x * (in - 1) / (L - 1)`` if ``L > 1`` else ``0``
- ``asymmetric``:           ``to_input(x)``
- ``tf_half_pixel_for_nn``: ``to_input(x + 0.5)``
- ``tf_crop_and_resize``:   ``start * (in - 1) + x * (end - start) * (in - 1) / (L - 1)`` if ``L > 1``
  else ``(start + end) / 2 * (in - 1)``; outputs with a coordinate outside ``[0, in - 1]`` take
  ``extrapolation_value``.

``float32_divide`` follows onnxruntime's CPU ``Resize`` (``upsamplebase.h``), measured against
onnxruntime 1.32 by ``tests/test_presets_onnxruntime.py``: ``L`` is the integer ``out`` (onnxruntime
passes the output length), except in ``half_pixel_symmetric``, whose ``out / (s * in)`` uses the float
``s * in``; there ``offset + (x + 0.5) / s - 0.5`` is summed in float64 and rounded once to float32, and
``tf_crop_and_resize`` with ``L = 1`` is ``0.5 * (start + end) * (in - 1)`` in float64, rounded once.
In nearest mode with ``round_prefer_floor``/``round_prefer_ceil``, onnxruntime treats a coordinate
within ``1e-6`` of ``k + 1/2`` as the tie ``k + 1/2`` (a float32 quotient that misses an exact half by
an ulp still rounds as the half): the coordinate is snapped to ``k + 1/2`` there.

``float32_separable`` follows PyTorch's ``F.interpolate(..., antialias=True)`` on the CPU (bilinear, bicubic
and lanczos: ``HelperInterpLinear``/``Cubic``/``Lanczos`` in ``aten/src/ATen/native/cpu/UpSampleKernel.cpp``):
without ``antialias`` it is ``float32_multiply``. Under
``antialias``, (1) ``separable_upsample_generic_Nd_kernel_impl`` resizes only the axes whose length changes,
so an axis with ``out == in`` is copied unchanged whatever its scale (``tables.axis_table``); (2)
``HelperInterpBase::_compute_indices_min_size_weights_aa`` places every kernel at the pixel centre
``center = r * (x + 0.5)`` with the ``r`` of ``area_pixel_compute_scale`` (``UpSample.h``), which under
``align_corners`` is ``r = float32(in - 1) / float32(out - 1)`` (``0`` when ``out = 1``), so
``align_corners`` gives ``x_original = r * (x + 0.5) - 0.5`` in float32 (not ``x * r``), and the kernel is
stretched by ``1 / max(r, 1)`` (``invscale``; ``stretch`` below) instead of ``min(out / in, 1)``.

``float32_reciprocal`` follows TensorFlow's ``ScaleAndTranslate`` kernel (``scale_and_translate_op.cc``,
behind ``tf.image.resize`` with ``lanczos3``, ``lanczos5``, ``gaussian``, ``mitchellcubic``): the Python
side passes ``scale = float32(out) / float32(in)`` (a float32 tensor division), the kernel computes
``inv_scale = 1.0 / scale`` in double and stores it as a float32, and ``sample = (x + 0.5f) * inv_scale``
in float32. It also evaluates the kernel's argument in float32: ``kernel(|float32(j + 0.5f - sample) *
(1.0f / kernel_scale)|)`` with ``kernel_scale = max(inv_scale, 1)`` under antialias (else 1), so a tap at
exactly the support (the gaussian's truncation ``|t| = 3 sigma``, where the kernel jumps) is kept or dropped
as TensorFlow decides. ``kernel_arguments`` and ``stretch`` below give that argument and that stretch
factor (``(j - c) * sa`` in float64 with ``sa = min(s, 1)`` for every other arithmetic).
"""

from __future__ import annotations

import numpy as np

from ._names import check_choice
from .spec import COORDINATE_ARITHMETICS, COORDINATE_TRANSFORMATION_MODES, ResizeSpec


class _Arithmetic:
    """How one arithmetic evaluates ``to_input`` and the constants of the formulas."""

    def __init__(self, name: str, in_size: int, out_size: int, scale: float | None):
        self.name = name
        self.dtype = np.float32 if name.startswith("float32") else np.float64
        self.divide = name.endswith("divide")
        self.in_size = in_size
        f = self.dtype
        if name == "q16_multiply":
            self.q = (in_size * 65536 + out_size // 2) // out_size
            self.length = f(out_size)
        elif self.divide:
            if scale is not None:
                self.s = f(float(scale))
            elif name == "float32_divide":
                self.s = f(out_size) / f(in_size)  # onnxruntime: float(out) / float(in)
            else:
                self.s = f(out_size / in_size)
            self.scaled_length = self.s * f(in_size)  # ONNX: the resized length is scale * in, a float
            # onnx's reference code uses scale * in as L; onnxruntime passes the integer output length
            self.length = f(out_size) if name == "float32_divide" else self.scaled_length
        else:
            if scale is not None:
                r = f(1.0 / np.float64(f(scale))) if name == "float32_reciprocal" else f(1.0 / float(scale))
            elif name in ("float32_multiply", "float32_fma", "float32_separable"):
                r = f(in_size) / f(out_size)
            elif name == "float64_reciprocal":
                r = 1.0 / (out_size / in_size)
            elif name == "float32_reciprocal":  # TF: inv_scale = 1.0 / scale (double), stored as float
                r = 1.0 / np.float64(f(out_size) / f(in_size))
            else:
                r = in_size / out_size
            self.r = f(r)
            self.length = f(out_size)

    def const(self, value: float):
        return self.dtype(value)

    def to_input(self, v: np.ndarray) -> np.ndarray:
        if self.name == "q16_multiply":
            return (np.floor(self.q * v) - self.in_size % 2) / 65536.0
        if self.name == "float64_accumulate":
            return _running_sum(v, self.r)
        return v / self.s if self.divide else v * self.r

    def ratio(self, numerator: float, denominator) -> object:
        """``numerator / denominator`` as this arithmetic computes a constant factor."""
        return self.dtype(numerator) / self.dtype(denominator)


def _running_sum(v: np.ndarray, step: float) -> np.ndarray:
    """``v[0] * step, then + step`` per index, summed left to right in float64 (``v`` equally spaced by 1).

    ``np.cumsum`` (``np.add.accumulate``) adds sequentially, exactly as a C loop ``xo += step`` does.
    """
    if len(v) == 0:
        return np.asarray(v, dtype=np.float64)
    steps = np.full(len(v), step, dtype=np.float64)
    steps[0] = np.float64(v[0]) * step
    return np.cumsum(steps)


def source_coordinates(
    spec: ResizeSpec,
    in_size: int,
    out_size: int,
    scale: float | None = None,
    roi: tuple[float, float] | None = None,
) -> np.ndarray:
    """``x_original`` for ``x_resized = 0 .. out_size - 1`` as float64 (exact copies of the values the
    arithmetic computed).

    Args:
        spec: the resize spec (its ``coordinate_transformation_mode`` and ``coordinate_arithmetic``).
        in_size, out_size: lengths of the axis before and after.
        scale: the ONNX ``scales`` entry when the caller gave a scale, else None (then ``out / in``).
        roi: ``(start, end)`` for ``tf_crop_and_resize`` (default ``(0, 1)``).
    """
    name = check_choice("coordinate_arithmetic", spec.coordinate_arithmetic, COORDINATE_ARITHMETICS)
    a = _Arithmetic(name, in_size, out_size, scale)
    f = a.dtype
    x = np.arange(out_size, dtype=f)
    half = f(0.5)
    n = f(in_size)
    one = f(1)
    mode = spec.coordinate_transformation_mode
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == "half_pixel":
            coords = _half_pixel(a, x)
        elif mode == "half_pixel_symmetric":
            offset = n / f(2) * (one - f(out_size) / getattr(a, "scaled_length", a.length))
            if name == "float32_divide":  # onnxruntime: offset + (x + 0.5) / s - 0.5 in float64
                coords = f(np.float64(offset) + (x.astype(np.float64) + 0.5) / np.float64(a.s) - 0.5)
            else:
                coords = offset + a.to_input(x + half) - half
        elif mode == "pytorch_half_pixel":
            coords = _half_pixel(a, x) if a.length > 1 else np.zeros(out_size, f)
        elif mode == "align_corners" and _centred_align_corners(spec):
            coords = to_centre_ratio(in_size, out_size) * (x + half) - half
        elif mode == "align_corners":
            if a.length == 1:
                coords = np.zeros(out_size, f)
            elif a.divide:
                coords = x * (n - one) / (a.length - one)
            else:
                coords = x * a.ratio(in_size - 1, out_size - 1)
        elif mode == "asymmetric":
            coords = a.to_input(x)
        elif mode == "tf_half_pixel_for_nn":
            coords = _half_pixel(a, x) + half if name == "float32_fma" else a.to_input(x + half)
        elif mode == "tf_crop_and_resize":
            start, end = (0.0, 1.0) if roi is None else roi
            start, end = f(start), f(end)
            if a.length == 1 and name == "float32_divide":  # onnxruntime: in float64, rounded once
                coords = np.full(out_size, 0.5 * np.float64(start + end) * np.float64(n - one), f)
            elif a.length == 1:
                coords = np.full(out_size, (end - start) * (n - one) / f(2) + start * (n - one), f)
            else:
                coords = x * (end - start) * (n - one) / (a.length - one) + start * (n - one)
        else:  # pragma: no cover - ResizeSpec validated it
            check_choice("coordinate_transformation_mode", mode, COORDINATE_TRANSFORMATION_MODES)
    coords = np.asarray(coords, dtype=np.float64)
    if name == "float32_divide" and spec.mode == "nearest" and spec.nearest_mode.startswith("round"):
        half_point = np.floor(coords) + 0.5  # onnxruntime rounds within 1e-6 of a half as the half
        coords = np.where(np.abs(coords - half_point) < 1e-6, half_point, coords)
    return coords


def _half_pixel(a: _Arithmetic, x: np.ndarray) -> np.ndarray:
    """``to_input(x + 0.5) - 0.5``; under ``float32_fma`` one fused multiply-add, rounded once (the float64
    product of two float32 values and the subtraction of 0.5 are exact for any size below 2**23)."""
    f = a.dtype
    if a.name == "float32_fma":
        return f(np.float64(a.r) * (x.astype(np.float64) + 0.5) - 0.5)
    return a.to_input(x + f(0.5)) - f(0.5)


def _centred_align_corners(spec: ResizeSpec) -> bool:
    """PyTorch's antialias kernel under ``align_corners``: pixel centres scaled by ``(in - 1) / (out - 1)``."""
    return (spec.coordinate_arithmetic == "float32_separable" and bool(spec.antialias)
            and spec.coordinate_transformation_mode == "align_corners")


def to_centre_ratio(in_size: int, out_size: int) -> np.float32:
    """PyTorch's ``area_pixel_compute_scale`` under ``align_corners``: ``float32(in - 1) / float32(out - 1)``,
    ``0`` when ``out = 1``."""
    f = np.float32
    return f(in_size - 1) / f(out_size - 1) if out_size > 1 else f(0)


def stretch(spec: ResizeSpec, in_size: int, out_size: int, scale: float | None = None) -> float:
    """The antialias stretch ``sa`` of the kernel when downscaling (the caller applies it only under
    ``antialias``): ``min(s, 1)`` with ``s = scale`` or ``out / in`` (float64); under
    ``float32_reciprocal`` TensorFlow's ``float32(1 / max(r, 1))`` with the arithmetic's ``r``; under
    ``float32_separable`` with ``align_corners`` PyTorch's ``invscale = float32(1 / r)`` for ``r >= 1``, else 1,
    with ``r = to_centre_ratio(in, out)``.

    Example:
        >>> stretch(ResizeSpec(mode="gaussian"), 3, 2)
        0.6666666666666666
    """
    if spec.coordinate_arithmetic == "float32_reciprocal":
        r = _Arithmetic("float32_reciprocal", in_size, out_size, scale).r
        return float(np.float32(1) / max(r, np.float32(1)))
    if _centred_align_corners(spec):
        r = to_centre_ratio(in_size, out_size)
        return float(np.float32(1.0 / np.float64(r))) if r >= 1 else 1.0
    return min(float(scale) if scale is not None else out_size / in_size, 1.0)


def kernel_arguments(spec: ResizeSpec, offsets: np.ndarray, sa: float) -> np.ndarray:
    """The kernel's argument ``(j - c) * sa`` for the offsets ``j - c`` (float64) of the taps from the source
    coordinate: in float64, except under ``float32_reciprocal``, where (as TensorFlow's ``ScaleAndTranslate``)
    the offset is rounded to float32 and multiplied by ``sa`` in float32."""
    if spec.coordinate_arithmetic == "float32_reciprocal":
        return (offsets.astype(np.float32) * np.float32(sa)).astype(np.float64)
    return offsets * sa
