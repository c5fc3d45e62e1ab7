"""Real-library runners for SciPy: ``scipy.ndimage.zoom`` with ``grid_mode=True`` (the pixel-area grid,
``half_pixel``) on a float64 (H, W) array.

The zoom factors are ``out / in``; SciPy rounds ``in * zoom`` to the output shape, then computes its own
``in / out``. SciPy is imported inside the runners, so importing this module needs NumPy only.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import register


def zoom(x: np.ndarray, size, order: int, mode: str = "constant") -> np.ndarray:
    """``scipy.ndimage.zoom(x, (out_h / in_h, out_w / in_w), order=order, mode=mode, grid_mode=True)``."""
    import scipy.ndimage

    x = np.asarray(x, np.float64)
    factors = tuple(int(s) / n for s, n in zip(size, x.shape))
    with warnings.catch_warnings():  # grid_mode with mode='constant' warns that 'grid-constant' may be meant
        warnings.simplefilter("ignore", UserWarning)
        y = scipy.ndimage.zoom(x, factors, order=order, mode=mode, grid_mode=True)
    return np.asarray(y, np.float64)


def _call(order, mode="constant"):
    def run(x, size):
        return zoom(x, size, order, mode)

    flag = "" if mode == "constant" else f", mode={mode!r}"
    run.__doc__ = f"``scipy.ndimage.zoom(x, out / in, order={order}{flag}, grid_mode=True)``."
    return run


register("scipy_zoom_linear")(_call(1))
register("scipy_zoom_cubic")(_call(3))

#: (the call as a user writes it, preset name, runner): every call of this module and the preset it reproduces
CALLS = [
    ("scipy.ndimage.zoom(x, out / in, order=1, grid_mode=True)", "scipy_zoom_linear", _call(1)),
    ("scipy.ndimage.zoom(x, out / in, order=3, grid_mode=True)", "scipy_zoom_cubic", _call(3)),
    ("scipy.ndimage.zoom(x, out / in, order=1, mode='mirror', grid_mode=True)", "skimage_linear", _call(1, "mirror")),
    ("scipy.ndimage.zoom(x, out / in, order=3, mode='mirror', grid_mode=True)", "skimage_cubic", _call(3, "mirror")),
    ("scipy.ndimage.zoom(x, out / in, order=0, mode='mirror', grid_mode=True)", "skimage_nearest",
     _call(0, "mirror")),
]
