"""Real-library runners for the PyTorch presets: ``torch.nn.functional.interpolate`` on a (1, 1, H, W)
float32 tensor on the CPU.

``interpolate`` is the general call (``size`` or ``scale_factor``, any mode); the preset runners below
fix the mode and flags. ``torch`` is imported inside the functions, so importing this module needs NumPy
only.
"""

from __future__ import annotations

import numpy as np

from consistent_resize.presets import PRESETS

from . import register


def interpolate(
    x: np.ndarray,
    size=None,
    scale_factor=None,
    *,
    mode: str,
    align_corners: bool | None = None,
    antialias: bool = False,
    recompute_scale_factor: bool | None = None,
) -> np.ndarray:
    """``F.interpolate`` of a 2-D float32 image (as a (1, 1, H, W) batch), returned as float64 (H', W').

    Args:
        x: (H, W) array; computed in float32 (PyTorch's arithmetic then follows the input dtype).
        size: ``(out_h, out_w)``; or ``scale_factor``: ``(s_h, s_w)``, passed on as given
            (with ``recompute_scale_factor`` None, its default, the scale enters PyTorch's formula).
        mode, align_corners, antialias, recompute_scale_factor: as ``F.interpolate`` takes them.
    """
    import torch

    image = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))[None, None]
    size = None if size is None else tuple(int(s) for s in size)
    scale_factor = None if scale_factor is None else tuple(float(s) for s in scale_factor)
    with torch.no_grad():
        y = torch.nn.functional.interpolate(
            image, size=size, scale_factor=scale_factor, mode=mode, align_corners=align_corners,
            antialias=antialias, recompute_scale_factor=recompute_scale_factor,
        )
    return y[0, 0].double().numpy()


def __getattr__(name: str):
    """``PRESET_CALLS``: preset name -> the keyword arguments of ``F.interpolate`` it reproduces, read from
    ``consistent_resize_torch.calls`` (the one table; importing it imports torch, so only when asked)."""
    if name == "PRESET_CALLS":
        from consistent_resize_torch.calls import PRESET_CALLS

        return PRESET_CALLS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _runner(preset: str):
    def run(x, size):
        from consistent_resize_torch.calls import PRESET_CALLS

        return interpolate(x, size, **PRESET_CALLS[preset])

    run.__name__ = preset
    run.__doc__ = f"``{PRESETS[preset].call}`` on float32."
    return register(preset)(run)


#: the PyTorch presets of the registry that ``F.interpolate`` runs (``pytorch_area`` has its own runner), each with
#: its ``PRESET_CALLS`` arguments (``pytorch_lanczos_antialias``: ``mode='lanczos', align_corners=False,
#: antialias=True``, the only lanczos call PyTorch takes)
for _preset in [name for name, p in PRESETS.items() if p.library == "torch"]:
    _runner(_preset)
