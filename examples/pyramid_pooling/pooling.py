"""Adaptive average pooling as one explicit formula, used by every framework.

Libraries' own adaptive pooling layers differ (Chainer has none; Keras has none before 3.x's
``AdaptiveAveragePooling2D``), so the example defines the bins once, with the rule that PyTorch's
``adaptive_avg_pool2d`` documents, and every framework applies the same matrices:

    bin i of out covers input indices [floor(i * n / out), ceil((i + 1) * n / out))

Pooling one axis is then a matrix product with a (out, n) matrix whose row i holds 1 / (bin length) on
that bin; pooling an image is ``P_h @ x @ P_w.T``.
"""

from __future__ import annotations

import functools

import numpy as np


def bin_edges(in_size: int, out_size: int) -> list[tuple[int, int]]:
    """The ``[start, end)`` input range of each of the ``out_size`` bins.

    Example:
        >>> bin_edges(20, 6)
        [(0, 4), (3, 7), (6, 10), (10, 14), (13, 17), (16, 20)]
    """
    if out_size < 1 or in_size < 1:
        raise ValueError(f"in_size and out_size must be positive, got {in_size} and {out_size}")
    return [((i * in_size) // out_size, -((-(i + 1) * in_size) // out_size)) for i in range(out_size)]


@functools.lru_cache(maxsize=None)
def pooling_matrix(in_size: int, out_size: int) -> np.ndarray:
    """The (out_size, in_size) float64 matrix that average-pools one axis (read-only).

    Example:
        >>> pooling_matrix(3, 2).tolist()
        [[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]]
    """
    matrix = np.zeros((out_size, in_size))
    for row, (start, end) in enumerate(bin_edges(in_size, out_size)):
        matrix[row, start:end] = 1.0 / (end - start)
    matrix.flags.writeable = False
    return matrix


def adaptive_avg_pool2d(x: np.ndarray, out_size: int) -> np.ndarray:
    """NumPy reference: pool the last two axes of ``x`` (``..., H, W``) to ``(out_size, out_size)``."""
    ph = pooling_matrix(x.shape[-2], out_size)
    pw = pooling_matrix(x.shape[-1], out_size)
    return ph @ x @ pw.T
