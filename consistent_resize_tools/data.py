"""Built-in example data for ``consistent-resize compare``: small, generated in code, no files.

- ``seed()``: the 2x2 ``[[64, 32], [64, 32]]`` image whose 4x4 resize differs between libraries.
- ``ramp(n)``: a 1-D ramp ``0, 10, 20, ...`` as a ``(1, n)`` image (resized along its width only).
- ``zone_plate(n)``: an ``n x n`` zone plate (a chirp ``cos(k r^2)``) whose local frequency grows from 0 at
  the centre to the Nyquist frequency at the edge, so a downsampling without a low-pass filter aliases.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from consistent_resize.exact_math import cos_pi


class Case(NamedTuple):
    """One resize to compare: an input image (H, W) and the output size (out_h, out_w)."""

    name: str
    title: str
    x: np.ndarray
    size: tuple


def seed() -> np.ndarray:
    """The seed image: 2x2 ``[[64, 32], [64, 32]]`` (float64).

    Example:
        >>> seed().tolist()
        [[64.0, 32.0], [64.0, 32.0]]
    """
    return np.array([[64.0, 32.0], [64.0, 32.0]])


def ramp(n: int) -> np.ndarray:
    """A ``(1, n)`` ramp ``0, 10, ..., 10 (n - 1)`` (float64).

    Example:
        >>> ramp(4).tolist()
        [[0.0, 10.0, 20.0, 30.0]]
    """
    return 10.0 * np.arange(n, dtype=np.float64)[None, :]


def zone_plate(n: int = 128) -> np.ndarray:
    """An ``n x n`` zone plate with values in ``[0, 255]`` (float64).

    Intensity ``127.5 (1 + cos(pi r^2 / n))`` with ``r`` the distance from the centre in pixels: the local
    frequency ``r / n`` cycles per pixel is 0 at the centre and 1/2 (Nyquist) at the middle of each edge.
    The cosine is ``consistent_resize.exact_math.cos_pi`` (not ``np.cos``, which differs in the last bit between
    CPUs), so the image is the same on every machine.

    Example:
        >>> z = zone_plate(16); z.shape, float(z.max()) <= 255.0
        ((16, 16), True)
    """
    c = (np.arange(n, dtype=np.float64) - (n - 1) / 2.0)
    r2 = c[:, None] ** 2 + c[None, :] ** 2
    return 127.5 * (1.0 + cos_pi(r2 / n))


def default_cases(seed_size: tuple = (4, 4)) -> list:
    """The cases ``compare`` runs without ``--input``: the seed to ``seed_size``, a ramp of 5 up to 8 and
    a ramp of 8 down to 3 (width only), and a 128x128 zone plate down 4x to 32x32."""
    return [
        Case("seed", f"seed: 2x2 [[64, 32], [64, 32]] -> {seed_size[0]}x{seed_size[1]} (first output row)",
             seed(), tuple(seed_size)),
        Case("ramp_up", "ramp up: 1-D [0, 10, 20, 30, 40] -> 8", ramp(5), (1, 8)),
        Case("ramp_down", "ramp down: 1-D [0, 10, ..., 70] -> 3", ramp(8), (1, 3)),
        Case("zone_plate", "zone plate 128x128 -> 32x32 (4x down; rms = distance from the 4x4 block mean)",
             zone_plate(128), (32, 32)),
    ]
