"""The README's porting claim: a Chainer model's F.resize_images(x, (h, w)) becomes
consistent_resize_torch.Resize((h, w), preset="chainer") or consistent_resize_tf.Resize(..., preset="chainer")
with the same numbers (each compared with the real F.resize_images and with our Chainer drop-in)."""

from __future__ import annotations

import numpy as np
import pytest

try:
    from consistent_resize_chainer._import import import_chainer

    chainer = import_chainer()
except ImportError:
    pytest.skip("Chainer is not installed (the numpy-2 CI leg has none)", allow_module_level=True)
import chainer.functions as F  # noqa: E402

import consistent_resize_chainer as crc  # noqa: E402

X = np.random.default_rng(0).uniform(0, 255, size=(2, 3, 6, 7)).astype(np.float32)
CALLS = [((13, 5), "bilinear", True), ((13, 5), "bilinear", False), ((13, 5), "nearest", True)]


@pytest.mark.parametrize("shape,mode,align_corners", CALLS)
def test_pytorch_layer_with_the_chainer_preset_equals_f_resize_images(shape, mode, align_corners):
    torch_layer = pytest.importorskip("consistent_resize_torch", reason="PyTorch is not installed").Resize
    import torch

    preset = crc.chainer_preset(mode, align_corners)
    real = F.resize_images(X, shape, mode=mode, align_corners=align_corners).array
    ported = torch_layer(shape, preset=preset)(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(ported, real, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(ported, crc.resize_images(X, shape, mode=mode, align_corners=align_corners).array,
                               rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("shape,mode,align_corners", CALLS)
def test_keras_layer_with_the_chainer_preset_equals_f_resize_images(shape, mode, align_corners):
    tf_layer = pytest.importorskip("consistent_resize_tf", reason="TensorFlow/Keras is not installed").Resize

    preset = crc.chainer_preset(mode, align_corners)
    real = F.resize_images(X, shape, mode=mode, align_corners=align_corners).array
    ported = np.asarray(tf_layer(shape, preset=preset, data_format="channels_first")(X))
    np.testing.assert_allclose(ported, real, rtol=1e-5, atol=1e-4)
