"""The worked port (examples/port_chainer_model): a Chainer model that calls
``chainer.functions.resize_images``, and its PyTorch and Keras ports with ``preset="chainer"``, give the
same outputs on the same input from the same Chainer snapshot; the naive ports do not.

Everything runs in float32, as the Chainer model does (``F.resize_images`` accepts float32 only). Bound:
max |port - original| / max |original| <= 1e-5. The resize itself is within 1e-5 of max|x| of Chainer's
(the ``chainer`` preset's bound, tests/test_presets_chainer.py: Chainer rounds its interpolation weights
to float32; measured 4.8e-7); the convolutions of the three libraries sum in different orders (a few
float32 ulps). Measured on the example: 6.1e-7 (PyTorch), 5.8e-7 (Keras). Tests that need a framework
that is not installed are skipped with the reason; without Chainer the two ports are compared.
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from consistent_resize import resize as reference_resize  # noqa: E402
from examples.port_chainer_model import port  # noqa: E402
from examples.port_chainer_model.snapshot import LAYERS, load_snapshot, make_input, make_snapshot  # noqa: E402

BOUND = 1e-5
#: The naive ports (half-pixel instead of align_corners) are this far off at least (measured: 0.38).
NAIVE_AT_LEAST = 1e-2


def _need(module: str):
    if module == "chainer":
        try:
            from consistent_resize_chainer._import import import_chainer

            return import_chainer()
        except ImportError as error:
            pytest.skip(f"Chainer is not installed (the numpy-2 CI leg has none): {error}")
    return pytest.importorskip(module)


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    path = make_snapshot(tmp_path_factory.mktemp("port") / "model.npz")
    return path, load_snapshot(path)


@pytest.fixture(scope="module")
def x():
    return make_input()


@pytest.fixture(scope="module")
def original(snapshot, x):
    _need("chainer")
    return port.run_chainer(snapshot[0], x)


def test_snapshot_has_the_format_chainer_writes(tmp_path, snapshot):
    chainer = _need("chainer")
    from examples.port_chainer_model.chainer_model import Decoder

    path = tmp_path / "saved.npz"
    chainer.serializers.save_npz(path, Decoder())
    saved = load_snapshot(path)
    assert {k: (v.shape, v.dtype) for k, v in saved.items()} == \
        {k: (v.shape, v.dtype) for k, v in snapshot[1].items()}


@pytest.mark.parametrize("framework", ["torch", "keras"])
def test_port_matches_the_chainer_original(framework, snapshot, x, original, count):
    _need(framework)
    y = getattr(port, f"run_{framework}")(snapshot[1], x)
    assert y.shape == original.shape == (x.shape[0], LAYERS["out"][1], *x.shape[2:])
    assert y.dtype == np.float32
    assert port.relative_difference(y, original) <= BOUND
    naive = getattr(port, f"run_{framework}")(snapshot[1], x, "naive")
    assert port.relative_difference(naive, original) >= NAIVE_AT_LEAST
    count(f"port example: {framework} port equal to the Chainer original")


def test_ports_match_each_other(snapshot, x):
    """Runs without Chainer too (the numpy-2 CI leg): the PyTorch and Keras ports agree."""
    _need("torch")
    _need("keras")
    y_torch, y_keras = port.run_torch(snapshot[1], x), port.run_keras(snapshot[1], x)
    assert port.relative_difference(y_keras, y_torch) <= BOUND
    naive = port.run_torch(snapshot[1], x, "naive")
    assert port.relative_difference(naive, y_torch) >= NAIVE_AT_LEAST


def _model_resizes(snapshot_path, x):
    """The two (input, output size) pairs the Chainer model resizes, taken from the real model."""
    from examples.port_chainer_model.chainer_model import Decoder, F, chainer

    model = Decoder()
    chainer.serializers.load_npz(snapshot_path, model)
    with chainer.no_backprop_mode():
        c1 = F.relu(model.conv1(x))
        c2 = F.relu(model.conv2(c1))
        h = F.resize_images(c2, c1.shape[2:]) + model.lateral(c1)
        return [(c2.array, c1.shape[2:]), (model.out(h).array, x.shape[2:])]


def test_resize_images_in_the_model_equals_the_preset(snapshot, x):
    """Against the real Chainer: each F.resize_images of the model equals preset="chainer" in the NumPy
    reference, PyTorch, Keras and the Chainer drop-in (the inputs and sizes of the model's own calls)."""
    chainer = _need("chainer")
    from consistent_resize_chainer import resize_images as drop_in

    for h, size in _model_resizes(snapshot[0], x):
        expected = chainer.functions.resize_images(h, size).array
        scale = np.abs(h).max()
        results = {"reference": reference_resize(h, size, preset="chainer", axes=(2, 3)),
                   "chainer drop-in": drop_in(h, size).array}
        try:
            import torch

            import consistent_resize_torch

            results["torch"] = consistent_resize_torch.resize(torch.from_numpy(h), size, preset="chainer").numpy()
        except ImportError:
            pass
        try:
            import tensorflow as tf

            import consistent_resize_tf

            last = tf.constant(np.transpose(h, (0, 2, 3, 1)))
            y = consistent_resize_tf.resize(last, size, preset="chainer", data_format="channels_last")
            results["keras"] = np.transpose(y.numpy(), (0, 3, 1, 2))
        except ImportError:
            pass
        for name, y in results.items():
            assert y.shape == expected.shape and y.dtype == np.float32, name
            difference = np.abs(y.astype(np.float64) - expected).max() / scale
            assert difference <= BOUND, f"{name}: {difference:.3g}"
            naive = reference_resize(h, size, preset="chainer_half_pixel", axes=(2, 3))
            assert np.abs(naive.astype(np.float64) - expected).max() / scale >= NAIVE_AT_LEAST
