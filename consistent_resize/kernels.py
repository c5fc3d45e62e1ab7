"""Interpolation kernels, each with its support (the half-width beyond which it is zero).

ONNX kernels:

- linear (triangle): ``k(t) = max(0, 1 - |t|)``, support 1.
- cubic (Keys, parameter ``a``): ``k(t) = (a + 2)|t|^3 - (a + 3)|t|^2 + 1`` for ``|t| <= 1``,
  ``a|t|^3 - 5a|t|^2 + 8a|t| - 4a`` for ``1 < |t| < 2``, else 0; support 2.

Beyond ONNX, the cubic kernel read from a table (``cubic_table_size = N > 0``, TensorFlow's bicubic without
antialias, ``N = 1024``; ``cubic_table``): entry ``i = 0 .. N`` holds ``near[i] = k(i / N)`` and
``far[i] = k(1 + i / N)``, each the Horner form ``((a + 2) x - (a + 3)) x x + 1`` or
``((a y - 5a) y + 8a) y - 4a`` evaluated in float64 and stored as a float32 (TensorFlow's
``InitCoeffsTable``); ``consistent_resize.tables`` reads it at the offset rounded to a multiple of ``1/N``.

Beyond ONNX (``EXTENSION_MODES``; their weights are always normalised to sum 1):

- box: ``k(t) = 1`` for ``-1/2 < t <= 1/2``, else 0; support 1/2 (Pillow's ``box_filter``: the interval
  is half-open, so a source pixel exactly on the right edge of the window counts, one on the left does
  not). Non-zero at ``t = +support``, so its taps are also limited to Pillow's window: ``j`` is a tap only
  if ``floor(c + 1 - support / sa) <= j < floor(c + 1 + support / sa)`` (float64), which decides the
  ties that float rounding of ``(j - c) * sa`` would otherwise decide.
- area: the weight of source pixel ``j`` is the length of the overlap of the pixel ``[j - 1/2, j + 1/2]``
  with the output pixel's footprint ``[c - 1/(2s), c + 1/(2s)]`` (``s`` the scale, ``c`` the source
  coordinate): ``k(t) = max(0, min(t + 1/2, 1/(2s)) - max(t - 1/2, -1/(2s)))``, support
  ``(1 + 1/s) / 2``; the box of width ``1/s`` integrated over each pixel. The scale enters the kernel
  itself, at every scale, so ``antialias`` does not apply (it must be 0).
- lanczos (radius ``a``): ``k(t) = sinc(t) sinc(t / a)`` for ``|t| < a``, else 0, with
  ``sinc(t) = sin(pi t) / (pi t)``, ``sinc(0) = 1``; support ``a``.
- hamming: ``k(t) = sinc(t) (0.54 + 0.46 cos(pi t))`` for ``|t| < 1``, else 0; support 1 (Pillow).
- gaussian (``sigma``): ``k(t) = exp(-t^2 / (2 sigma^2))`` for ``|t| < 3 sigma``, else 0; support
  ``3 sigma`` (TF: ``sigma = 1/2``, support 3/2).
- mitchell (Mitchell-Netravali ``B, C``): ``6 k(t) = (12 - 9B - 6C)|t|^3 + (-18 + 12B + 6C)|t|^2 + (6 - 2B)``
  for ``|t| < 1``, ``(-B - 6C)|t|^3 + (6B + 30C)|t|^2 + (-12B - 48C)|t| + (8B + 24C)`` for
  ``1 <= |t| < 2``, else 0; support 2 (TF ``mitchellcubic``: ``B = C = 1/3``).

``sin``, ``cos`` and ``exp`` are ``consistent_resize.exact_math``'s (``sin(pi t)``, ``cos(pi t)``, ``e^x`` from
``+ - * /`` only), not NumPy's, whose SIMD code differs in the last bit between CPUs: every table is the same on
every machine.

Antialiasing (one rule for every kernel but area): when downscaling by ``s < 1`` the kernel is stretched to
``k(t * s)`` and its support to ``support / s``; the weights are then normalised to sum 1.
"""

from __future__ import annotations

import functools
from typing import Callable, NamedTuple

import numpy as np

from . import exact_math
from .spec import ResizeSpec


class Kernel(NamedTuple):
    """A kernel and its support.

    Attributes:
        function: ``k(t)`` on a float64 array.
        support: ``k(t) = 0`` for ``|t| > support``.
        normalise: the weights are normalised to sum 1 at every scale (extension kernels; the ONNX kernels
            only under antialias).
        closed: ``k(support) != 0`` (box): the tap window must include a tap at exactly ``+support``.
        scaled: the scale is part of the kernel (area): antialias stretching does not apply.
    """

    function: Callable[[np.ndarray], np.ndarray]
    support: float
    normalise: bool = False
    closed: bool = False
    scaled: bool = False


def linear(t: np.ndarray) -> np.ndarray:
    return np.clip(1.0 - np.abs(t), 0.0, 1.0)


def cubic(a: float) -> Callable[[np.ndarray], np.ndarray]:
    def keys(t: np.ndarray) -> np.ndarray:
        t = np.abs(t)
        t2 = t * t
        t3 = t2 * t
        near = (a + 2) * t3 - (a + 3) * t2 + 1
        far = a * t3 - 5 * a * t2 + 8 * a * t - 4 * a
        return np.where(t <= 1, near, np.where(t < 2, far, 0.0))

    return keys


@functools.lru_cache(maxsize=16)
def cubic_table(a: float, size: int) -> tuple[np.ndarray, np.ndarray]:
    """TensorFlow's bicubic coefficient table (``resize_bicubic_op.cc``, ``InitCoeffsTable``), read-only.

    Returns:
        ``(near, far)``: float32 ``(size + 1,)``; ``near[i] = float32(((a + 2) x - (a + 3)) x x + 1)`` and
        ``far[i] = float32(((a y - 5a) y + 8a) y - 4a)`` with ``x = i / size``, ``y = x + 1``, the
        polynomials evaluated in float64 as TensorFlow's C++ does (``a`` is a double there, ``x`` a float).

    Example:
        >>> near, far = cubic_table(-0.5, 1024)
        >>> float(near[0]), float(near[1024]), float(far[1024])
        (1.0, 0.0, 0.0)
    """
    x = np.arange(size + 1, dtype=np.float64) / size  # i * 1.0 / kTableSize, exact in float32
    near = (((a + 2) * x - (a + 3)) * x * x + 1).astype(np.float32)
    y = x + 1.0
    far = (((a * y - 5 * a) * y + 8 * a) * y - 4 * a).astype(np.float32)
    for array in (near, far):
        array.setflags(write=False)
    return near, far


def box(t: np.ndarray) -> np.ndarray:
    """``1`` on ``(-1/2, 1/2]``, else 0 (support 1/2)."""
    t = np.asarray(t, dtype=np.float64)
    return ((t > -0.5) & (t <= 0.5)).astype(np.float64)


def area(scale: float) -> Callable[[np.ndarray], np.ndarray]:
    """The overlap of ``[t - 1/2, t + 1/2]`` with ``[-1/(2 scale), 1/(2 scale)]`` (support ``(1 + 1/scale) / 2``)."""
    half = 0.5 / scale

    def overlap(t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=np.float64)
        return np.maximum(0.0, np.minimum(t + 0.5, half) - np.maximum(t - 0.5, -half))

    return overlap


def _sinc(t: np.ndarray) -> np.ndarray:
    return exact_math.sinc(t)  # sin(pi t) / (pi t), 1 at 0; the same bits on every machine


def lanczos(radius: int) -> Callable[[np.ndarray], np.ndarray]:
    """``sinc(t) sinc(t / radius)`` for ``|t| < radius`` (support ``radius``)."""

    def window(t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=np.float64)
        return np.where(np.abs(t) < radius, _sinc(t) * _sinc(t / radius), 0.0)

    return window


def hamming(t: np.ndarray) -> np.ndarray:
    """``sinc(t) (0.54 + 0.46 cos(pi t))`` for ``|t| < 1`` (support 1)."""
    t = np.asarray(t, dtype=np.float64)
    return np.where(np.abs(t) < 1, _sinc(t) * (0.54 + 0.46 * exact_math.cos_pi(t)), 0.0)


def gaussian(sigma: float) -> Callable[[np.ndarray], np.ndarray]:
    """``exp(-t^2 / (2 sigma^2))`` for ``|t| < 3 sigma`` (support ``3 sigma``)."""

    def bell(t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=np.float64)
        return np.where(np.abs(t) < 3 * sigma, exact_math.exp(-t * t / (2 * sigma * sigma)), 0.0)

    return bell


def mitchell(b: float, c: float) -> Callable[[np.ndarray], np.ndarray]:
    """The Mitchell-Netravali cubic with parameters ``B, C`` (support 2)."""

    def bc(t: np.ndarray) -> np.ndarray:
        t = np.abs(np.asarray(t, dtype=np.float64))
        t2, t3 = t * t, t * t * t
        near = ((12 - 9 * b - 6 * c) * t3 + (-18 + 12 * b + 6 * c) * t2 + (6 - 2 * b)) / 6
        far = ((-b - 6 * c) * t3 + (6 * b + 30 * c) * t2 + (-12 * b - 48 * c) * t + (8 * b + 24 * c)) / 6
        return np.where(t < 1, near, np.where(t < 2, far, 0.0))

    return bc


def kernel_for(spec: ResizeSpec, scale: float = 1.0) -> Kernel:
    """The kernel of a spec (nearest has no kernel: it picks one tap).

    Args:
        spec: the spec (its ``mode`` and the kernel's parameters).
        scale: ``out / in`` of the axis (or the given scale); only ``area`` depends on it.
    """
    mode = spec.mode
    if mode == "linear":
        return Kernel(linear, 1.0)
    if mode == "cubic":
        return Kernel(cubic(spec.cubic_coeff_a), 2.0)
    if mode == "box":
        return Kernel(box, 0.5, normalise=True, closed=True)
    if mode == "area":
        return Kernel(area(scale), (1.0 + 1.0 / scale) / 2, normalise=True, scaled=True)
    if mode == "lanczos":
        return Kernel(lanczos(spec.lanczos_radius), float(spec.lanczos_radius), normalise=True)
    if mode == "hamming":
        return Kernel(hamming, 1.0, normalise=True)
    if mode == "gaussian":
        return Kernel(gaussian(spec.gaussian_sigma), 3.0 * spec.gaussian_sigma, normalise=True)
    if mode == "mitchell":
        return Kernel(mitchell(spec.mitchell_b, spec.mitchell_c), 2.0, normalise=True)
    raise ValueError(
        f"mode {mode!r} has no interpolation kernel; expected one of 'linear', 'cubic', "
        "'box', 'area', 'lanczos', 'hamming', 'gaussian', 'mitchell' ('nearest', 'adaptive_average' and "
        "'area_two_tap' build their tables without one; 'area_or_two_tap' is planned into 'area' or "
        "'area_two_tap' by consistent_resize.arguments.table_spec)"
    )

