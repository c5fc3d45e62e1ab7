"""The one initial weights file: generated with NumPy, stored as ``.npz`` in PyTorch/Chainer layout, and
converted per framework by each model module's ``load_weights``.

Layout of the file: convolution kernels ``<name>.W`` are ``(out, in, kh, kw)`` (PyTorch's and Chainer's
layout; Keras converts to ``(kh, kw, in, out)``), biases ``<name>.b`` are ``(out,)``, all float64.
"""

from __future__ import annotations

import os

import numpy as np

from . import config


def layer_shapes() -> dict[str, tuple[int, int, int]]:
    """Layer name -> (out_channels, in_channels, kernel_size) of every convolution, in model order."""
    shapes = {"stem": (config.FEATURES, config.IN_CHANNELS, 3)}
    for b in config.BINS:
        shapes[f"branch{b}"] = (config.BRANCH_CHANNELS, config.FEATURES, 1)
    concat = config.FEATURES + len(config.BINS) * config.BRANCH_CHANNELS
    shapes["fuse"] = (config.FUSE_CHANNELS, concat, 3)
    shapes["head"] = (1, config.FUSE_CHANNELS, 1)
    return shapes


def make_weights(seed: int = config.WEIGHTS_SEED) -> dict[str, np.ndarray]:
    """He-normal kernels and small random biases, float64, from ``RandomState(seed)``."""
    rng = np.random.RandomState(seed)
    arrays = {}
    for name, (out_c, in_c, k) in layer_shapes().items():
        fan_in = in_c * k * k
        arrays[f"{name}.W"] = rng.standard_normal((out_c, in_c, k, k)) * np.sqrt(2.0 / fan_in)
        arrays[f"{name}.b"] = 0.1 * rng.standard_normal(out_c)
    return arrays


def save_weights(path: str | os.PathLike, seed: int = config.WEIGHTS_SEED) -> str:
    """Write ``make_weights(seed)`` to ``path`` (``.npz``) and return the path."""
    np.savez(path, **make_weights(seed))
    return os.fspath(path)


def load_weights(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read the weights file back: name -> float64 array, checked against ``layer_shapes``."""
    with np.load(path) as data:
        arrays = {key: np.asarray(data[key], dtype=np.float64) for key in data.files}
    for name, (out_c, in_c, k) in layer_shapes().items():
        if arrays[f"{name}.W"].shape != (out_c, in_c, k, k) or arrays[f"{name}.b"].shape != (out_c,):
            raise ValueError(f"weights file {os.fspath(path)!r}: layer {name!r} has the wrong shape")
    return arrays
