"""Calls into the real libraries, one runner per preset, shared by the preset tests and ``compare``.

A runner takes a 2-D float array ``x`` (H, W) and the output size ``(out_h, out_w)`` and returns the
library's result as a float64 (H', W') array. Libraries are imported lazily inside each runner, so the
core keeps depending on NumPy alone; ``available(library)`` says whether one is installed.
"""

from __future__ import annotations

import importlib
from typing import Callable, Dict

import numpy as np

Runner = Callable[[np.ndarray, "tuple[int, int]"], np.ndarray]

#: library name (as in ``Preset.library``) -> module to import to check that it is installed
LIBRARY_MODULES = {
    "torch": "torch",
    "tensorflow": "tensorflow",
    "keras": "keras",
    "chainer": "consistent_resize_chainer._import",
    "opencv": "cv2",
    "pillow": "PIL.Image",
    "onnxruntime": "onnxruntime",
    "jax": "jax",
    "kornia": "kornia",
    "skimage": "skimage.transform",
    "scipy": "scipy.ndimage",
    "torchvision": "torchvision",
}

#: preset name -> runner; filled by the per-library modules below.
RUNNERS: Dict[str, Runner] = {}


def register(preset: str) -> Callable[[Runner], Runner]:
    """Decorator: register ``runner`` as the real-library call of ``preset``."""

    def wrap(runner: Runner) -> Runner:
        RUNNERS[preset] = runner
        return runner

    return wrap


def available(library: str) -> bool:
    """Whether ``library`` (a ``Preset.library`` name) can be imported here."""
    try:
        module = importlib.import_module(LIBRARY_MODULES[library])
        if library == "chainer":  # the helper module imports without Chainer: import Chainer itself
            module.import_chainer()
    except Exception:  # an installed but broken library counts as not available
        return False
    return True


for _module in (
    "_torch_calls", "_chainer_calls", "_onnxruntime_calls", "_opencv_calls", "_pillow_calls", "_tf_calls",
    "_extension_calls", "_jax_calls", "_kornia_calls", "_skimage_calls", "_scipy_calls", "_torchvision_calls",
):
    try:
        importlib.import_module(f"{__name__}.{_module}")
    except ModuleNotFoundError as error:  # the module itself not written yet
        if error.name != f"{__name__}.{_module}":
            raise
