"""Real-library runners for the Chainer presets: ``chainer.functions.resize_images`` on a (1, 1, H, W)
float32 array (the only dtype it accepts).

Chainer is imported inside the runners through ``consistent_resize_chainer._import.import_chainer``
(which handles the setuptools/distutils clash), so importing this module needs NumPy only.
"""

from __future__ import annotations

import numpy as np

from . import register


def resize_images(x: np.ndarray, size, *, mode: str = "bilinear", align_corners: bool = True) -> np.ndarray:
    """``F.resize_images(x[None, None], size, mode=mode, align_corners=align_corners)`` as float64 (H', W')."""
    from consistent_resize_chainer._import import import_chainer

    chainer = import_chainer()
    image = np.ascontiguousarray(x, dtype=np.float32)[None, None]
    out_h, out_w = (int(s) for s in size)
    with chainer.using_config("enable_backprop", False):
        y = chainer.functions.resize_images(image, (out_h, out_w), mode=mode, align_corners=align_corners)
    return np.asarray(y.array, dtype=np.float64)[0, 0]


@register("chainer")
def chainer_bilinear(x, size):
    """``chainer.functions.resize_images(x, output_shape)`` (mode='bilinear', align_corners=True)."""
    return resize_images(x, size, mode="bilinear", align_corners=True)


@register("chainer_half_pixel")
def chainer_half_pixel(x, size):
    """``chainer.functions.resize_images(x, output_shape, align_corners=False)``."""
    return resize_images(x, size, mode="bilinear", align_corners=False)


@register("chainer_nearest")
def chainer_nearest(x, size):
    """``chainer.functions.resize_images(x, output_shape, mode='nearest')``."""
    return resize_images(x, size, mode="nearest")
