"""The source coordinate of every output index: ``x_original = f(x_resized)``.

Each ``coordinate_transformation_mode`` is written once, in terms of ``to_input(v)``, the map of an
output-space length ``v`` to input space. ``coordinate_arithmetic`` decides how that map and the rest of
the formula are evaluated (which only matters where rounding decides a tie, as in nearest mode):

====================  ============================================================  ===================
arithmetic            ``to_input(v)``, precision                                    used by
====================  ============================================================  ===================
float64_divide        ``v / s`` with ``s = scale`` or ``out / in``; float64          ONNX reference
float32_divide        ``v / float32(s)``; every step in float32                      onnxruntime
float32_multiply      ``v * r``, ``r = float32(in) / float32(out)`` (``float32(1 /   PyTorch, TF, TFLite
                      scale)`` when a scale is given); every step in float32
float64_multiply      ``v * r``, ``r = in / out`` (``1 / scale``); float64           Chainer
float64_reciprocal    ``v * r``, ``r = 1 / (out / in)`` (``1 / scale``); float64     OpenCV
====================  ============================================================  ===================

With ``L`` the resized length (``s * in`` for the divide arithmetics, as ONNX writes it; the integer
``out`` for the multiply ones) and ``x`` the output index:

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
        f = self.dtype
        if self.divide:
            s = float(scale) if scale is not None else out_size / in_size
            self.s = f(s)
            self.length = f(s) * f(in_size)  # ONNX: the resized length is scale * in, a float
        else:
            if scale is not None:
                r = f(1.0 / float(scale))
            elif name == "float32_multiply":
                r = f(in_size) / f(out_size)
            elif name == "float64_reciprocal":
                r = 1.0 / (out_size / in_size)
            else:
                r = in_size / out_size
            self.r = f(r)
            self.length = f(out_size)

    def const(self, value: float):
        return self.dtype(value)

    def to_input(self, v: np.ndarray) -> np.ndarray:
        return v / self.s if self.divide else v * self.r

    def ratio(self, numerator: float, denominator) -> object:
        """``numerator / denominator`` as this arithmetic computes a constant factor."""
        return self.dtype(numerator) / self.dtype(denominator)


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
            coords = a.to_input(x + half) - half
        elif mode == "half_pixel_symmetric":
            offset = n / f(2) * (one - f(out_size) / a.length)
            coords = offset + a.to_input(x + half) - half
        elif mode == "pytorch_half_pixel":
            coords = a.to_input(x + half) - half if a.length > 1 else np.zeros(out_size, f)
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
            coords = a.to_input(x + half)
        elif mode == "tf_crop_and_resize":
            start, end = (0.0, 1.0) if roi is None else roi
            start, end = f(start), f(end)
            if a.length == 1:
                coords = np.full(out_size, (end - start) * (n - one) / f(2) + start * (n - one), f)
            else:
                coords = x * (end - start) * (n - one) / (a.length - one) + start * (n - one)
        else:  # pragma: no cover - ResizeSpec validated it
            check_choice("coordinate_transformation_mode", mode, COORDINATE_TRANSFORMATION_MODES)
    return np.asarray(coords, dtype=np.float64)
