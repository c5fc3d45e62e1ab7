"""Real-library runners for the OpenCV presets: ``cv2.resize`` on a single-channel float32 image.

Each runner takes ``x`` (H, W) and ``(out_h, out_w)`` and returns the library's output as float64.
``cv2`` is imported inside each runner, so importing this module needs NumPy only.
"""

from __future__ import annotations

import numpy as np

from . import register


def _cv2_resize(x: np.ndarray, size, flag_name: str) -> np.ndarray:
    import cv2

    out_h, out_w = (int(s) for s in size)
    image = np.ascontiguousarray(x, dtype=np.float32)
    y = cv2.resize(image, (out_w, out_h), interpolation=getattr(cv2, flag_name))  # dsize is (width, height)
    return np.asarray(y, dtype=np.float64).reshape(out_h, out_w)


@register("opencv_nearest")
def opencv_nearest(x, size):
    """``cv2.resize(x, (w, h), interpolation=cv2.INTER_NEAREST)``."""
    return _cv2_resize(x, size, "INTER_NEAREST")


@register("opencv_nearest_exact")
@register("opencv4_nearest_exact")
def opencv_nearest_exact(x, size):
    """``cv2.resize(x, (w, h), interpolation=cv2.INTER_NEAREST_EXACT)`` (one call; its arithmetic changed in
    OpenCV 5, hence two presets)."""
    return _cv2_resize(x, size, "INTER_NEAREST_EXACT")


@register("opencv_linear")
def opencv_linear(x, size):
    """``cv2.resize(x, (w, h), interpolation=cv2.INTER_LINEAR)``."""
    return _cv2_resize(x, size, "INTER_LINEAR")


@register("opencv_cubic")
def opencv_cubic(x, size):
    """``cv2.resize(x, (w, h), interpolation=cv2.INTER_CUBIC)``."""
    return _cv2_resize(x, size, "INTER_CUBIC")
