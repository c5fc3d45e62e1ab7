"""Real-library runners for the Pillow presets: ``PIL.Image.Image.resize`` on a mode ``'F'`` (float32) image.

Each runner takes ``x`` (H, W) and ``(out_h, out_w)`` and returns the library's output as float64.
Pillow is imported inside each runner, so importing this module needs NumPy only.
"""

from __future__ import annotations

import numpy as np

from . import register


def _pil_resize(x: np.ndarray, size, filter_name: str) -> np.ndarray:
    from PIL import Image

    out_h, out_w = (int(s) for s in size)
    image = Image.fromarray(np.ascontiguousarray(x, dtype=np.float32))  # a float32 array gives mode 'F'
    if image.mode != "F":
        raise RuntimeError(f"Pillow made a mode {image.mode!r} image from float32 data; expected 'F'")
    y = image.resize((out_w, out_h), getattr(Image.Resampling, filter_name))  # size is (width, height)
    return np.asarray(y, dtype=np.float64).reshape(out_h, out_w)


@register("pillow_nearest")
def pillow_nearest(x, size):
    """``Image.fromarray(x.astype(float32)).resize((w, h), Image.NEAREST)`` (mode ``'F'``)."""
    return _pil_resize(x, size, "NEAREST")


@register("pillow_bilinear")
def pillow_bilinear(x, size):
    """``Image.fromarray(x.astype(float32)).resize((w, h), Image.BILINEAR)`` (mode ``'F'``)."""
    return _pil_resize(x, size, "BILINEAR")


@register("pillow_bicubic")
def pillow_bicubic(x, size):
    """``Image.fromarray(x.astype(float32)).resize((w, h), Image.BICUBIC)`` (mode ``'F'``)."""
    return _pil_resize(x, size, "BICUBIC")
