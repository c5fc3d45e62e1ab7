"""Real-library runners for kornia: ``kornia.geometry.transform.resize`` on a float32 (H, W) tensor on the
CPU (kornia 0.9; with ``antialias=True`` a gaussian blur of each downsized axis, then
``torch.nn.functional.interpolate``).

kornia imports inside the runners, so importing this module needs NumPy only.
"""

from __future__ import annotations

import numpy as np

from . import register


def kornia_resize(x: np.ndarray, size, interpolation: str = "bilinear", antialias: bool = False) -> np.ndarray:
    """``kornia.geometry.transform.resize(x, size, interpolation, antialias=antialias)``, as float64."""
    import kornia
    import torch

    image = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    with torch.no_grad():
        y = kornia.geometry.transform.resize(image, tuple(int(s) for s in size), interpolation=interpolation,
                                             antialias=antialias)
    return y.double().numpy()


def _call(interpolation, antialias):
    def run(x, size):
        return kornia_resize(x, size, interpolation, antialias)

    run.__doc__ = (f"``kornia.geometry.transform.resize(x, size, interpolation={interpolation!r}, "
                   f"antialias={antialias})``.")
    return run


#: kornia interpolation -> the preset without antialias (F.interpolate underneath), and with antialias=True
PRESET_FOR = {
    "bilinear": ("pytorch_bilinear", "kornia_bilinear_antialias"),
    "bicubic": ("pytorch_bicubic", "kornia_bicubic_antialias"),
    "nearest": ("pytorch_nearest", "kornia_nearest_antialias"),
    "nearest-exact": ("pytorch_nearest_exact", None),
    "area": ("pytorch_area", None),
}
#: (the call as a user writes it, preset name, runner)
CALLS = []
for _interpolation, (_plain, _blurred) in PRESET_FOR.items():
    CALLS.append((f"kornia.geometry.transform.resize(x, size, interpolation={_interpolation!r})", _plain,
                  _call(_interpolation, False)))
    if _blurred:
        register(_blurred)(_call(_interpolation, True))
        CALLS.append((f"kornia.geometry.transform.resize(x, size, interpolation={_interpolation!r}, antialias=True)",
                      _blurred, _call(_interpolation, True)))
