"""Mode ``spline``: B-spline interpolation of order 1, 2 or 3 (``scipy.ndimage.zoom``/``map_coordinates``,
``skimage.transform.resize``), one dense table per axis, computed with ``+ - * /`` only (bit-identical on
every machine: no reductions, no matmul, no transcendental functions).

With ``c`` the source coordinate (``coordinates.source_coordinates``; SciPy's ``grid_mode=True`` is
``half_pixel`` under ``float64_multiply``, ``r = in / out``), order ``n`` and ``spline_border``:

1. Border of the coordinate. ``mirror`` (SciPy ``'mirror'``, scikit-image ``'reflect'``): ``c < 0`` becomes
   ``-c``, ``c > in - 1`` becomes ``2 (in - 1) - c``, folded until inside (``c = 0`` when ``in = 1``).
   ``constant`` (SciPy's default ``'constant'``): an output with ``c < 0`` or ``c > in - 1`` takes
   ``extrapolation_value`` (SciPy's ``cval``), no interpolation beyond the edge (``AxisTable.outside``).
2. Taps ``j = s .. s + n``, ``s = floor(c) - n // 2`` for odd ``n``, ``floor(c + 1/2) - n // 2`` for even ``n``,
   weights the B-spline ``beta_n(c - j)``: with ``y = c - floor(c)``, ``n = 1``: ``1 - y, y``; ``n = 3``:
   ``(1 - y)^3 / 6, (4 - 6 y^2 + 3 y^3) / 6, (1 + 3 y + 3 y^2 - 3 y^3) / 6, y^3 / 6``; ``n = 2`` with
   ``y = c - floor(c + 1/2)``: ``(1/2 - y)^2 / 2, 3/4 - y^2, (1/2 + y)^2 / 2``. A tap outside ``[0, in - 1]``
   reads its mirror image (``-j``, ``2 (in - 1) - j``), under both borders (as SciPy does).
3. Prefilter (``n >= 2``; SciPy's ``spline_filter`` with ``prefilter=True``): the taps read the spline
   coefficients ``q = P x``, not ``x``, where ``P = A^-1`` and ``A`` is the ``in x in`` matrix that samples
   the spline at the pixels under the mirror boundary: ``A[i, i] = beta_n(0)``, ``A[i, m(i +- 1)] +=
   beta_n(1)`` (``beta_3``: 4/6, 1/6; ``beta_2``: 6/8, 1/8; ``m`` the mirror fold; ``P = 1`` when ``in = 1``).
   ``P`` is the tridiagonal solve (Thomas algorithm, the integer matrix ``6 A`` or ``8 A``) of ``A P = I``,
   rows eliminated in order, each step an elementwise ``+ - * /`` on whole rows. SciPy runs the same
   inverse as a causal and an anticausal recursive filter with pole ``sqrt(3) - 2`` (mirror initial
   conditions): equal to ``P`` up to float64 rounding, not bit for bit.
4. Table: row ``o`` is ``sum_k w[o, k] P[j_k]`` (``P`` is the identity for ``n = 1``), summed tap by tap in
   order ``k = 0 .. n``: a dense row for ``n >= 2``.
"""

from __future__ import annotations

import numpy as np

#: Orders of ``mode="spline"`` (a tridiagonal prefilter; SciPy's orders 4 and 5 are not modelled).
SPLINE_ORDERS = (1, 2, 3)
#: Borders of ``mode="spline"`` (SciPy ``mode`` names).
SPLINE_BORDERS = ("mirror", "constant")


def _mirror(j: np.ndarray, in_size: int) -> np.ndarray:
    """Whole-sample mirror fold of integer (or float) positions into ``[0, in - 1]`` (period ``2 in - 2``)."""
    if in_size == 1:
        return np.zeros_like(j)
    period = 2 * (in_size - 1)
    j = np.abs(j) % period
    return np.where(j > in_size - 1, period - j, j)


def _weights(c: np.ndarray, order: int):
    """``(start, w)``: the first tap ``s`` and the ``order + 1`` B-spline weights of each coordinate."""
    if order == 2:
        start = np.floor(c + 0.5)
        y = c - start
        a, b = 0.5 - y, 0.5 + y
        w = [a * a / 2, 0.75 - y * y, b * b / 2]
        return start - 1, w
    start = np.floor(c)
    y = c - start
    if order == 1:
        return start, [1.0 - y, y]
    z = 1.0 - y
    y2 = y * y
    y3 = y2 * y
    w = [z * z * z / 6, (4.0 - 6.0 * y2 + 3.0 * y3) / 6, (1.0 + 3.0 * y + 3.0 * y2 - 3.0 * y3) / 6, y3 / 6]
    return start - 1, w


def prefilter_matrix(in_size: int, order: int) -> np.ndarray:
    """``P = A^-1`` (float64 ``(in, in)``) of the module docstring: the spline coefficients are ``P x``."""
    if order < 2 or in_size == 1:
        return np.eye(in_size)
    centre, side = (4.0, 1.0) if order == 3 else (6.0, 1.0)  # 6 A or 8 A; the right-hand side is 6 I or 8 I
    total = centre + 2 * side
    n = in_size
    lower = np.full(n, side)
    upper = np.full(n, side)
    upper[0] = 2 * side  # A[0, 1] = 2 beta(1): tap -1 folds onto 1
    lower[n - 1] = 2 * side  # A[n-1, n-2]: tap n folds onto n - 2
    rhs = np.eye(n) * total
    diagonal = np.full(n, centre)
    # forward elimination (row k minus a multiple of row k - 1), then back substitution
    for k in range(1, n):
        factor = lower[k] / diagonal[k - 1]
        diagonal[k] = diagonal[k] - factor * upper[k - 1]
        rhs[k] = rhs[k] - factor * rhs[k - 1]
    rhs[n - 1] = rhs[n - 1] / diagonal[n - 1]
    for k in range(n - 2, -1, -1):
        rhs[k] = (rhs[k] - upper[k] * rhs[k + 1]) / diagonal[k]
    return rhs


def spline_taps(coords: np.ndarray, in_size: int, order: int, border: str):
    """``(index, weight, outside)`` of one axis of ``mode="spline"`` (dense rows for ``order >= 2``)."""
    if border == "constant":
        outside = (coords < 0) | (coords > in_size - 1)
        coords = np.where(outside, 0.0, coords)
    else:
        outside = np.zeros(len(coords), bool)
        coords = _mirror(coords, in_size) if in_size > 1 else np.zeros_like(coords)
    start, w = _weights(coords, order)
    if order == 1:  # no prefilter: the taps themselves
        index = _mirror(start[:, None] + np.arange(2)[None, :], in_size).astype(np.int64)
        return index, np.stack(w, axis=1), outside
    p = prefilter_matrix(in_size, order)
    table = np.zeros((len(coords), in_size))
    for k, wk in enumerate(w):
        rows = p[_mirror(start + k, in_size).astype(np.int64)]
        table = table + wk[:, None] * rows
    index = np.broadcast_to(np.arange(in_size, dtype=np.int64), table.shape)
    return index, table, outside
