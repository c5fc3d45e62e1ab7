"""The before/after snippets of the README's TensorFlow/Keras section, checked against the real calls
they replace (tolerances: float32 rounding of the library's own formula; nearest: bit for bit)."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from consistent_resize_tf import Resize, resize  # noqa: E402

pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="needs the TensorFlow Keras backend")

X = np.random.default_rng(0).uniform(0, 255, (2, 9, 7, 3)).astype(np.float32)
TOL = dict(rtol=2e-6, atol=2e-4)  # ~1 float32 ulp of values up to 255


def test_tf_image_resize(library_counter):
    before = tf.image.resize(X, (5, 12))  # bilinear, half-pixel centres
    after = resize(X, (5, 12), preset="tf_bilinear")
    np.testing.assert_allclose(after.numpy(), before.numpy(), **TOL)
    before = tf.image.resize(X, (5, 12), method="nearest")
    np.testing.assert_array_equal(resize(X, (5, 12), preset="tf_nearest").numpy(), before.numpy())
    library_counter("tensorflow (README snippets)", 2)


def test_keras_resizing_layer(library_counter):
    before = keras.layers.Resizing(5, 12)(X)
    after = Resize((5, 12), preset="keras_bilinear")(X)
    np.testing.assert_allclose(after.numpy(), before.numpy(), **TOL)
    library_counter("keras (README snippets)")


def test_upsampling2d(library_counter):
    before = keras.layers.UpSampling2D(2)(X)  # nearest: every pixel repeated
    after = Resize(scale_factor=2, preset="tf1_nearest")(X)
    np.testing.assert_array_equal(after.numpy(), before.numpy())
    before = keras.layers.UpSampling2D(2, interpolation="bilinear")(X)
    after = Resize(scale_factor=2, preset="tf_bilinear")(X)
    np.testing.assert_allclose(after.numpy(), before.numpy(), **TOL)
    library_counter("keras (README snippets)", 2)


def test_chainer_port(library_counter):
    chainer_import = pytest.importorskip("consistent_resize_chainer._import")
    try:
        chainer = chainer_import.import_chainer()
    except Exception as error:  # pragma: no cover - depends on the environment
        pytest.skip(f"Chainer is not importable here: {error}")
    nchw = np.ascontiguousarray(X.transpose(0, 3, 1, 2))
    before = chainer.functions.resize_images(nchw, (5, 12)).array
    after = Resize((5, 12), preset="chainer", data_format="channels_first")(nchw)
    np.testing.assert_allclose(after.numpy(), before, **TOL)
    library_counter("chainer (README snippets)")
