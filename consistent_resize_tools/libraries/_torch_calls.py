"""Real-library runners for the PyTorch presets: ``torch.nn.functional.interpolate`` on a (1, 1, H, W)
float32 tensor on the CPU.

``interpolate`` is the general call (``size`` or ``scale_factor``, any mode); the preset runners below
fix the mode and flags. ``torch`` is imported inside the functions, so importing this module needs NumPy
only.
"""

from __future__ import annotations

import numpy as np

from . import register


def interpolate(
    x: np.ndarray,
    size=None,
    scale_factor=None,
    *,
    mode: str,
    align_corners: bool | None = None,
    antialias: bool = False,
) -> np.ndarray:
    """``F.interpolate`` of a 2-D float32 image (as a (1, 1, H, W) batch), returned as float64 (H', W').

    Args:
        x: (H, W) array; computed in float32 (PyTorch's arithmetic then follows the input dtype).
        size: ``(out_h, out_w)``; or ``scale_factor``: ``(s_h, s_w)``, passed on as given
            (``recompute_scale_factor`` left at its default, so the scale enters PyTorch's formula).
        mode, align_corners, antialias: as ``F.interpolate`` takes them.
    """
    import torch

    image = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))[None, None]
    size = None if size is None else tuple(int(s) for s in size)
    scale_factor = None if scale_factor is None else tuple(float(s) for s in scale_factor)
    with torch.no_grad():
        y = torch.nn.functional.interpolate(
            image, size=size, scale_factor=scale_factor, mode=mode, align_corners=align_corners,
            antialias=antialias,
        )
    return y[0, 0].double().numpy()


#: preset name -> the keyword arguments of ``F.interpolate`` it reproduces.
PRESET_CALLS = {
    "pytorch_nearest": dict(mode="nearest"),
    "pytorch_nearest_exact": dict(mode="nearest-exact"),
    "pytorch_bilinear": dict(mode="bilinear", align_corners=False),
    "pytorch_bilinear_align_corners": dict(mode="bilinear", align_corners=True),
    "pytorch_bilinear_antialias": dict(mode="bilinear", align_corners=False, antialias=True),
    "pytorch_bicubic": dict(mode="bicubic", align_corners=False),
    "pytorch_bicubic_align_corners": dict(mode="bicubic", align_corners=True),
    "pytorch_bicubic_antialias": dict(mode="bicubic", align_corners=False, antialias=True),
}


def _runner(preset: str):
    keywords = PRESET_CALLS[preset]

    def run(x, size):
        return interpolate(x, size, **keywords)

    arguments = ", ".join(f"{k}={v!r}" for k, v in keywords.items())
    run.__name__ = preset
    run.__doc__ = f"``torch.nn.functional.interpolate(x, size, {arguments})`` on float32."
    return register(preset)(run)


for _preset in PRESET_CALLS:
    _runner(_preset)
