"""The deterministic synthetic matting data set: soft-edged ellipses (the foreground) on textured
backgrounds, with the ellipse's soft mask as the alpha target.

Everything comes from ``numpy.random.RandomState(seed)``, so every run and every framework sees the same
float64 arrays. Layout: channels first, images ``(N, 3, H, W)`` and alphas ``(N, 1, H, W)``.
"""

from __future__ import annotations

import numpy as np

from . import config


def make_dataset(n: int = config.DATASET_SIZE, size: tuple[int, int] = config.IMAGE_SIZE,
                 seed: int = config.DATA_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(images, alphas)``, float64, channels first.

    Example:
        >>> images, alphas = make_dataset(2)
        >>> images.shape, alphas.shape, float(alphas.min()) >= 0.0, float(alphas.max()) <= 1.0
        ((2, 3, 20, 28), (2, 1, 20, 28), True, True)
    """
    rng = np.random.RandomState(seed)
    h, w = size
    yy, xx = np.meshgrid(np.arange(h) + 0.5, np.arange(w) + 0.5, indexing="ij")
    images = np.empty((n, 3, h, w))
    alphas = np.empty((n, 1, h, w))
    for k in range(n):
        cy, cx = rng.uniform(0.3, 0.7) * h, rng.uniform(0.3, 0.7) * w
        ry, rx = rng.uniform(0.2, 0.4) * h, rng.uniform(0.2, 0.4) * w
        radius = np.sqrt(((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2)
        alpha = 1.0 / (1.0 + np.exp((radius - 1.0) * rng.uniform(4.0, 12.0)))  # soft edge of varying width
        foreground = rng.uniform(0.0, 1.0, (3, 1, 1)) + 0.05 * rng.standard_normal((3, h, w))
        gradient = rng.uniform(-1, 1, (3, 1, 1)) * (xx / w) + rng.uniform(-1, 1, (3, 1, 1)) * (yy / h)
        background = rng.uniform(0.0, 1.0, (3, 1, 1)) + 0.3 * gradient + 0.1 * rng.standard_normal((3, h, w))
        images[k] = alpha * foreground + (1.0 - alpha) * background
        alphas[k, 0] = alpha
    return images, alphas


def batch(images: np.ndarray, alphas: np.ndarray, step: int,
          batch_size: int = config.BATCH_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """The mini-batch of SGD step ``step``: consecutive samples, cycling through the data set in order."""
    n = images.shape[0]
    index = (np.arange(batch_size) + step * batch_size) % n
    return images[index], alphas[index]
