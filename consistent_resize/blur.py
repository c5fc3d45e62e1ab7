"""``gaussian_preblur``: a gaussian blur of the input before the resize, as scikit-image's ``anti_aliasing``
and kornia's ``antialias`` run it (not our ``antialias``, which stretches the kernel). A blur is linear per
axis, so the axis' table is the product ``T G`` of the resize table ``T`` (out x in) and the blur matrix
``G`` (in x in), computed with ``+ - * /`` and ``exact_math.exp`` (bit-identical on every machine).

With ``f = in / out`` (float64) of the axis, the rule (``gaussian_preblur``) gives ``sigma`` and the taps
``n = -r .. r``; the axis is blurred only where ``f > 1`` (no blur is the identity):

- 1, scikit-image (``skimage.transform.resize(..., anti_aliasing=True)``, the default when downsizing):
  ``sigma = (f - 1) / 2``, ``r = int(4 sigma + 1/2)`` (``scipy.ndimage.gaussian_filter``, ``truncate=4``).
- 2, kornia (``kornia.geometry.transform.resize(..., antialias=True)``): ``sigma = max((f - 1) / 2,
  0.001)``, kernel size ``k = int(max(4 sigma, 3))``, ``k + 1`` if even, ``r = (k - 1) / 2``; ``r = 0`` when
  ``in = 1``. (Where ``f <= 1`` kornia still blurs with ``sigma = 0.001`` when another axis is downsized:
  its taps ``exp(-1 / (2 sigma^2))`` underflow to 0, the identity.)

Weights ``g_n = e_n / sum(e)``, ``e_n = exp(-n^2 / (2 sigma^2))`` (``sum`` correctly rounded,
``math.fsum``), ``G[i, m(i + n)] += g_n`` with ``m`` the whole-sample mirror fold (SciPy ``'mirror'``,
scikit-image ``'reflect'``, torch ``'reflect'`` padding). kornia computes ``g`` and the blur in float32,
scikit-image in float64.
"""

from __future__ import annotations

import math

import numpy as np

from .exact_math import exp
from .splines import _mirror

#: ``gaussian_preblur`` values: 0 none, then the rule of each library.
PREBLUR_RULES = {0: "none", 1: "scikit-image", 2: "kornia"}


def blur_taps(in_size: int, out_size: int, rule: int) -> np.ndarray | None:
    """The weights ``g_{-r} .. g_r`` of one axis (float64), or None where the axis is not blurred."""
    f = in_size / out_size
    if rule == 0 or f <= 1:
        return None
    if rule == 1:
        sigma = (f - 1) / 2
        radius = int(4.0 * sigma + 0.5)
    else:
        sigma = max((f - 1) / 2, 0.001)
        size = int(max(2.0 * 2 * sigma, 3))
        size = size if size % 2 else size + 1
        radius = 0 if in_size == 1 else (size - 1) // 2
    n = np.arange(-radius, radius + 1, dtype=np.float64)
    e = exp(-(n * n) / (2 * sigma * sigma))
    return e / math.fsum(e.tolist())


def compose(index: np.ndarray, weight: np.ndarray, in_size: int, taps: np.ndarray):
    """``(index, weight)`` of ``T G``: each tap ``(j, w)`` of ``T`` spreads to ``m(j + n)`` with ``w g_n``,
    summed in the order taps, then ``n`` (``np.add.at`` adds sequentially)."""
    out_size, width = index.shape
    radius = len(taps) // 2
    dense = np.zeros((out_size, in_size))
    for k in range(width):
        for n, g in zip(range(-radius, radius + 1), taps):
            np.add.at(dense, (np.arange(out_size), _mirror(index[:, k] + n, in_size)), weight[:, k] * g)
    return np.broadcast_to(np.arange(in_size, dtype=np.int64), dense.shape), dense
