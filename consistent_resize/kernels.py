"""Interpolation kernels, each with its support (the half-width beyond which it is zero).

- linear (triangle): ``k(t) = max(0, 1 - |t|)``, support 1.
- cubic (Keys, parameter ``a``): ``k(t) = (a + 2)|t|^3 - (a + 3)|t|^2 + 1`` for ``|t| <= 1``,
  ``a|t|^3 - 5a|t|^2 + 8a|t| - 4a`` for ``1 < |t| < 2``, else 0; support 2.

Antialiasing (one rule for every kernel): when downscaling by ``s < 1`` the kernel is stretched to
``k(t * s)`` and its support to ``support / s``; the weights are then normalised to sum to 1.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .spec import ResizeSpec


class Kernel(NamedTuple):
    function: Callable[[np.ndarray], np.ndarray]
    support: float


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


def kernel_for(spec: ResizeSpec) -> Kernel:
    """The kernel of a linear or cubic spec (nearest has no kernel: it picks one tap)."""
    if spec.mode == "linear":
        return Kernel(linear, 1.0)
    if spec.mode == "cubic":
        return Kernel(cubic(spec.cubic_coeff_a), 2.0)
    raise ValueError(f"mode {spec.mode!r} has no interpolation kernel; expected 'linear' or 'cubic'")
