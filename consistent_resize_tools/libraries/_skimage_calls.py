"""Real-library runners for scikit-image: ``skimage.transform.resize`` on a float64 (H, W) array
(``mode='reflect'``, its default, which is SciPy's ``'mirror'``).

scikit-image imports inside the runners, so importing this module needs NumPy only.
"""

from __future__ import annotations

import numpy as np

from . import register


def sk_resize(x: np.ndarray, size, order: int, anti_aliasing: bool = False, clip: bool = True) -> np.ndarray:
    """``skimage.transform.resize(x, size, order=order, anti_aliasing=anti_aliasing, clip=clip)``."""
    import skimage.transform

    y = skimage.transform.resize(np.asarray(x, np.float64), tuple(int(s) for s in size), order=order,
                                 anti_aliasing=anti_aliasing, clip=clip)
    return np.asarray(y, np.float64)


def _call(order, clip=True, anti_aliasing=False):
    def run(x, size):
        return sk_resize(x, size, order, anti_aliasing=anti_aliasing, clip=clip)

    run.__doc__ = (f"``skimage.transform.resize(x, shape, order={order}, anti_aliasing={anti_aliasing}, "
                   f"clip={clip})``.")
    return run


register("skimage_nearest")(_call(0))
register("skimage_linear")(_call(1))
register("skimage_cubic")(_call(3, clip=False))
register("skimage_linear_antialias")(_call(1, anti_aliasing=True))
register("skimage_cubic_antialias")(_call(3, clip=False, anti_aliasing=True))

#: (the call as a user writes it, preset name, runner)
CALLS = [
    ("skimage.transform.resize(x, shape, order=1, anti_aliasing=False)", "skimage_linear", _call(1)),
    ("skimage.transform.resize(x, shape, order=3, anti_aliasing=False, clip=False)", "skimage_cubic",
     _call(3, clip=False)),
    ("skimage.transform.resize(x, shape, order=1, anti_aliasing=True)", "skimage_linear_antialias",
     _call(1, anti_aliasing=True)),
    ("skimage.transform.resize(x, shape, order=1)", "skimage_linear_antialias", lambda x, size: sk_resize(
        x, size, 1, anti_aliasing=None)),
    ("skimage.transform.resize(x, shape, order=3, anti_aliasing=True, clip=False)", "skimage_cubic_antialias",
     _call(3, clip=False, anti_aliasing=True)),
    ("skimage.transform.resize(x, shape, order=0, anti_aliasing=False)", "skimage_nearest", _call(0)),
]
