"""Run the Chainer model and its PyTorch and Keras ports on the same input, from the same Chainer
snapshot, and print how far apart they are, with the ports using ``preset="chainer"`` and with the
naive ports (``F.interpolate(..., mode="bilinear")``, ``tf.image.resize``).

Usage (from the repository root):  python examples/port_chainer_model/port.py
"""

from __future__ import annotations

import pathlib
import sys
import tempfile

if __package__ in (None, ""):  # run as a script: make the ``examples`` package importable
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
    __package__ = "examples.port_chainer_model"

import numpy as np  # noqa: E402

from .snapshot import load_snapshot, make_input, make_snapshot  # noqa: E402


def run_chainer(arrays_path: str, x: np.ndarray) -> np.ndarray:
    """The original: ``chainer.serializers.load_npz`` of the snapshot into ``Decoder``, run on ``x``."""
    from .chainer_model import Decoder, chainer

    model = Decoder()
    chainer.serializers.load_npz(arrays_path, model)
    with chainer.using_config("train", False), chainer.no_backprop_mode():
        return model(x).array


def run_torch(arrays: dict, x: np.ndarray, resize: str = "consistent") -> np.ndarray:
    """The PyTorch port (channels first) on ``x``."""
    import torch

    from .torch_port import Decoder, load_chainer_snapshot

    model = load_chainer_snapshot(Decoder(resize), arrays).eval()
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy()


def run_keras(arrays: dict, x: np.ndarray, resize: str = "consistent") -> np.ndarray:
    """The Keras port (channels last) on ``x``; the result is transposed back to channels first."""
    from .keras_port import Decoder, load_chainer_snapshot

    x_last = np.ascontiguousarray(np.transpose(x, (0, 2, 3, 1)))
    model = load_chainer_snapshot(Decoder(resize), arrays, x_last.shape)
    return np.transpose(np.asarray(model(x_last)), (0, 3, 1, 2))


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max |b|."""
    return float(np.abs(a.astype(np.float64) - b).max() / np.abs(b).max())


def main() -> int:
    x = make_input()
    with tempfile.TemporaryDirectory() as scratch:
        path = make_snapshot(pathlib.Path(scratch) / "model.npz")
        arrays = load_snapshot(path)
        try:
            original = run_chainer(path, x)
        except ImportError as error:
            print(f"Chainer is not installed ({error}): comparing the ports with each other only")
            original = None
    outputs = {"torch (preset='chainer')": run_torch(arrays, x), "keras (preset='chainer')": run_keras(arrays, x),
               "torch (F.interpolate bilinear)": run_torch(arrays, x, "naive"),
               "keras (tf.image.resize)": run_keras(arrays, x, "naive")}
    reference = original if original is not None else outputs["torch (preset='chainer')"]
    against = "the Chainer original" if original is not None else "the PyTorch port"
    print(f"input {x.shape} float32; max |port - {against}| / max |{against}|:")
    for name, y in outputs.items():
        print(f"  {name:32s} {relative_difference(y, reference):.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
