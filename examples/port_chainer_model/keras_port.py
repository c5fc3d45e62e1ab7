"""The Chainer ``Decoder`` ported to Keras (channels last). Each ``F.resize_images(h, shape)`` becomes
``consistent_resize_tf.resize(h, shape, preset="chainer", data_format="channels_last")``.

Two other porting details: kernels go from Chainer's (out, in, kh, kw) to Keras's (kh, kw, in, out),
and Chainer's symmetric ``pad=p`` is ``ZeroPadding2D(p)`` + ``padding="valid"`` (Keras's
``padding="same"`` pads a stride-2 convolution of an even size on the bottom/right only).

``resize="naive"`` is the port most people write first, ``tf.image.resize(h, shape)`` (half-pixel).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

import consistent_resize_tf

from .snapshot import LAYERS

RESIZES = ("consistent", "naive")


class Decoder(keras.Model):
    def __init__(self, resize: str = "consistent", **kwargs):
        super().__init__(**kwargs)
        if resize not in RESIZES:
            raise ValueError(f"resize must be one of {RESIZES}, got {resize!r}")
        self.resize_kind = resize
        for name, (_, out_c, k, stride, pad) in LAYERS.items():
            setattr(self, name, keras.Sequential(
                [keras.layers.ZeroPadding2D(pad), keras.layers.Conv2D(out_c, k, strides=stride, padding="valid")],
                name=name))

    def resize(self, h, size):
        size = tuple(int(s) for s in size)
        if self.resize_kind == "consistent":
            return consistent_resize_tf.resize(h, size, preset="chainer", data_format="channels_last")
        return tf.image.resize(h, size)

    def call(self, x):
        c1 = tf.nn.relu(self.conv1(x))
        c2 = tf.nn.relu(self.conv2(c1))
        h = self.resize(c2, c1.shape[1:3]) + self.lateral(c1)
        return self.resize(self.out(h), x.shape[1:3])


def load_chainer_snapshot(model: Decoder, arrays: dict[str, np.ndarray], input_shape) -> Decoder:
    """Build ``model`` for channels-last ``input_shape`` (N, H, W, C) and copy a Chainer snapshot into
    it, kernels transposed from (out, in, kh, kw) to (kh, kw, in, out)."""
    model(np.zeros(input_shape, np.float32))
    for name in LAYERS:
        kernel = np.transpose(np.asarray(arrays[f"{name}/W"]), (2, 3, 1, 0))
        getattr(model, name).layers[-1].set_weights([kernel, np.asarray(arrays[f"{name}/b"])])
    return model
