"""The model's layers, and a Chainer snapshot file made with NumPy alone.

``chainer.serializers.save_npz(path, model)`` writes one array per parameter, keyed ``<link>/W`` and
``<link>/b``, kernels in (out, in, kh, kw) layout. ``make_snapshot`` writes such a file from
``RandomState(seed)`` (standing in for a trained model), so the ports can be run, and the test
checks that a real ``save_npz`` of the Chainer model writes the same keys and shapes.
"""

from __future__ import annotations

import os

import numpy as np

#: link name -> (in_channels, out_channels, ksize, stride, pad), in the order the model applies them.
LAYERS = {
    "conv1": (3, 8, 3, 2, 1),
    "conv2": (8, 16, 3, 2, 1),
    "lateral": (8, 16, 1, 1, 0),
    "out": (16, 2, 3, 1, 1),
}
#: the input the example runs: (N, C, H, W), sizes chosen so that no resize has an integer ratio.
INPUT_SHAPE = (2, 3, 23, 30)


def make_snapshot(path: str | os.PathLike, seed: int = 0) -> str:
    """Write a float32 snapshot in ``chainer.serializers.save_npz``'s format to ``path``; return it."""
    rng = np.random.RandomState(seed)
    arrays = {}
    for name, (in_c, out_c, k, _, _) in LAYERS.items():
        arrays[f"{name}/W"] = (rng.standard_normal((out_c, in_c, k, k)) / np.sqrt(in_c * k * k)).astype(np.float32)
        arrays[f"{name}/b"] = (0.1 * rng.standard_normal(out_c)).astype(np.float32)
    np.savez(path, **arrays)
    return os.fspath(path)


def load_snapshot(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The snapshot's arrays: ``"<link>/W"`` and ``"<link>/b"`` -> array."""
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def make_input(seed: int = 1) -> np.ndarray:
    """A float32 input batch of ``INPUT_SHAPE`` (channels first)."""
    return np.random.RandomState(seed).uniform(-1.0, 1.0, INPUT_SHAPE).astype(np.float32)
