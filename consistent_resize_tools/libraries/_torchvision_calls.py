"""Real-library calls for torchvision: ``torchvision.transforms.v2.Resize((h, w), interpolation, antialias)``
on a float32 ``(1, H, W)`` tensor (torchvision 0.28, CPU).

On float tensors ``v2.functional.resize_image`` returns the image itself where the size does not change and
otherwise calls ``torch.nn.functional.interpolate(image, size, mode=interpolation.value,
align_corners=False for bilinear/bicubic/lanczos, antialias=antialias)``, with ``antialias`` forced to False for
nearest and nearest-exact: the PyTorch presets (``CALLS``). An ``int`` size (the smaller edge) or
``max_size`` only decide the output size (``_compute_resized_output_size``); give the resulting ``(h, w)``.
uint8 tensors take other kernels (rounded and clamped); no preset claims them.

torchvision imports inside the calls, so importing this module needs NumPy only (on a CPU torch beside
PyPI's CUDA torchvision wheel, import it first as ``tests/torchvision_import.py`` does).
"""

from __future__ import annotations

import numpy as np

#: (interpolation, antialias) -> the preset
PRESET_FOR = {
    ("BILINEAR", True): "pytorch_bilinear_antialias",
    ("BILINEAR", False): "pytorch_bilinear",
    ("BICUBIC", True): "pytorch_bicubic_antialias",
    ("BICUBIC", False): "pytorch_bicubic",
    ("NEAREST", False): "pytorch_nearest",
    ("NEAREST_EXACT", False): "pytorch_nearest_exact",
    ("LANCZOS", True): "pytorch_lanczos_antialias",  # torchvision refuses LANCZOS without antialias
}


def torchvision_resize(x: np.ndarray, size, interpolation: str, antialias: bool) -> np.ndarray:
    """``v2.Resize(size, interpolation=InterpolationMode.<interpolation>, antialias=antialias)`` of a float32
    (H, W) image (as a (1, H, W) tensor), as float64."""
    import torch
    from torchvision.transforms import v2

    image = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))[None]
    transform = v2.Resize(tuple(int(s) for s in size), interpolation=getattr(v2.InterpolationMode, interpolation),
                          antialias=antialias)
    with torch.no_grad():
        return transform(image)[0].double().numpy()


def _call(interpolation, antialias):
    def run(x, size):
        return torchvision_resize(x, size, interpolation, antialias)

    run.__doc__ = (f"``torchvision.transforms.v2.Resize((h, w), interpolation=InterpolationMode.{interpolation}, "
                   f"antialias={antialias})`` on a float tensor.")
    return run


def _written(interpolation: str, antialias: bool) -> str:
    if interpolation == "BILINEAR":  # the default interpolation
        arguments = "" if antialias else ", antialias=False"
    elif interpolation == "BICUBIC":
        arguments = f", interpolation=InterpolationMode.BICUBIC, antialias={antialias}"
    else:  # nearest: antialias does not apply; LANCZOS: antialias on, the default
        arguments = f", interpolation=InterpolationMode.{interpolation}"
    return f"torchvision.transforms.v2.Resize((h, w){arguments})(float_image)"


#: (the call as a user writes it, preset name, runner)
CALLS = [(_written(i, a), preset, _call(i, a)) for (i, a), preset in PRESET_FOR.items()]
