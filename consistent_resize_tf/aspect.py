"""``AspectResize``: Keras ``Resizing(crop_to_aspect_ratio=True)`` / ``pad_to_aspect_ratio=True`` with the
resize itself run by ``consistent_resize_tf.resize``.

Keras first crops (or pads) the image to the target's aspect ratio, then resizes (``keras/src/backend/
tensorflow/image.py``, ``resize``), with ``H x W`` the input and ``h x w`` the target, in int32 / float32:

- crop: ``ch = clip(int(float32(W * h) / w), 1, H)``, ``cw = clip(int(float32(H * w) / h), 1, W)``; the crop
  starts at ``(int(float32(H - ch) / 2), int(float32(W - cw) / 2))`` (``int`` truncates toward zero).
- pad: ``ph = max(H, int(float32(W * h) / w))``, ``pw = max(W, int(float32(H * w) / h))``; with
  ``t = int(float32(ph - H) / 2)`` and ``l = int(float32(pw - W) / 2)``, ``t`` rows of ``fill_value`` go above
  the image and ``t`` below (Keras pads both sides by the same ``t``, so an odd ``ph - H`` gives one row fewer
  than ``ph``), then ``l`` columns on the left and ``l`` on the right.

The geometry is Keras's, computed here the same way; the resize that follows is the spec's.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from consistent_resize._names import check_choice
from consistent_resize.spec import ResizeSpec

from .layer import Resize

#: The two aspect-ratio treatments of ``keras.layers.Resizing``.
ASPECT_MODES = ("crop", "pad")


def aspect_box(height, width, target_height: int, target_width: int, aspect: str):
    """``(rows, cols, top, left)``: the crop size and start (``crop``), or the padded size and the padding
    before the image (``pad``), as Keras computes them; works on Python ints and int32 tensors."""
    f32 = tf.float32
    h = tf.cast(tf.cast(width * target_height, f32) / target_width, tf.int32)
    w = tf.cast(tf.cast(height * target_width, f32) / target_height, tf.int32)
    if aspect == "crop":
        h = tf.maximum(tf.minimum(height, h), 1)
        w = tf.maximum(tf.minimum(width, w), 1)
        top = tf.cast(tf.cast(height - h, f32) / 2, tf.int32)
        left = tf.cast(tf.cast(width - w, f32) / 2, tf.int32)
    else:
        h = tf.maximum(height, h)
        w = tf.maximum(width, w)
        top = tf.cast(tf.cast(h - height, f32) / 2, tf.int32)
        left = tf.cast(tf.cast(w - width, f32) / 2, tf.int32)
    return h, w, top, left


@keras.saving.register_keras_serializable(package="consistent_resize")
class AspectResize(keras.layers.Layer):
    """Crop or pad to the target's aspect ratio as ``keras.layers.Resizing`` does, then resize with the spec.

    Convention: ``channels_last`` ``(batch, H, W, C)`` or ``channels_first``; 2 spatial axes; the coordinate
    mode is the spec's.

    Args:
        height, width: the output size.
        aspect: ``"crop"`` (``crop_to_aspect_ratio=True``) or ``"pad"`` (``pad_to_aspect_ratio=True``).
        fill_value: the value of padded pixels (``pad``).
        spec, preset: the resize (as ``consistent_resize_tf.Resize``).
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> layer = AspectResize(4, 8, aspect="crop", preset="keras_bilinear")
        >>> layer.compute_output_shape((None, 6, 6, 3))
        (None, 4, 8, 3)
    """

    def __init__(self, height: int, width: int, *, aspect: str = "crop", fill_value: float = 0.0,
                 spec: ResizeSpec | dict | None = None, preset: str | None = None,
                 data_format: str = "channels_last", **kwargs: Any):
        super().__init__(**kwargs)
        self.aspect = check_choice("aspect", aspect, ASPECT_MODES)
        self.height, self.width = int(height), int(width)
        self.fill_value = float(fill_value)
        self.resize = Resize((self.height, self.width), spec=spec, preset=preset, data_format=data_format,
                             dtype=self.dtype_policy, name="resize")
        self.data_format = self.resize.data_format

    def call(self, inputs):
        x = inputs if self.data_format == "channels_last" else tf.transpose(inputs, (0, 2, 3, 1))
        shape = tf.shape(x)
        height, width = shape[1], shape[2]
        rows, cols, top, left = aspect_box(height, width, self.height, self.width, self.aspect)
        if self.aspect == "crop":
            x = x[:, top:top + rows, left:left + cols, :]
        else:
            fill = tf.cast(self.fill_value, x.dtype)
            x = tf.pad(x, [[0, 0], [top, top], [0, 0], [0, 0]], constant_values=fill)
            x = tf.pad(x, [[0, 0], [0, 0], [left, left], [0, 0]], constant_values=fill)
        if self.data_format == "channels_first":
            x = tf.transpose(x, (0, 3, 1, 2))
        return self.resize(x)

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        axes = (1, 2) if self.data_format == "channels_last" else (2, 3)
        out[axes[0]], out[axes[1]] = self.height, self.width
        return tuple(out)

    def get_config(self):
        inner = self.resize.get_config()
        return {**super().get_config(), "height": self.height, "width": self.width, "aspect": self.aspect,
                "fill_value": self.fill_value, "preset": inner["preset"], "spec": inner["spec"],
                "data_format": self.data_format}
