"""The pyramid pooling matting head in Keras (channels last, ``(N, H, W, C)``), float64 throughout.

The same layers as ``torch_model``; kernels are converted from the weights file's (out, in, kh, kw) to
Keras's (kh, kw, in, out), and images from (N, C, H, W) to (N, H, W, C).
"""

from __future__ import annotations

import numpy as np
import keras
import tensorflow as tf

import consistent_resize_tf

from . import config
from .dataset import batch
from .pooling import pooling_matrix

#: "ours": ``consistent_resize_tf.Resize`` with ``config.SPEC``; "native": ``tf.image.resize`` (bilinear,
#: half-pixel; its output is float32 whatever the input, so it is cast back to the model's float64).
RESIZES = ("ours", "native")
DTYPE = "float64"


class AdaptiveAvgPool(keras.layers.Layer):
    """Adaptive average pooling to ``(bins, bins)`` with the example's explicit bins, channels last."""

    def __init__(self, bins: int, in_size: tuple[int, int], **kwargs):
        super().__init__(**kwargs)
        self.bins, self.in_size = bins, tuple(in_size)
        self._ph = pooling_matrix(self.in_size[0], bins)
        self._pw = pooling_matrix(self.in_size[1], bins)

    def call(self, x):
        ph = keras.ops.convert_to_tensor(self._ph, dtype=x.dtype)
        pw = keras.ops.convert_to_tensor(self._pw, dtype=x.dtype)
        return keras.ops.einsum("ih,nhwc,jw->nijc", ph, x, pw)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.bins, self.bins, input_shape[-1])


class NativeResize(keras.layers.Layer):
    """TensorFlow's default ``tf.image.resize`` (bilinear), for the comparison run."""

    def __init__(self, size: tuple[int, int], **kwargs):
        super().__init__(**kwargs)
        self.size = tuple(size)

    def call(self, x):
        return tf.cast(tf.image.resize(x, self.size), x.dtype)


def _conv(name: str, filters: int, kernel: int) -> keras.layers.Conv2D:
    return keras.layers.Conv2D(filters, kernel, padding="same", name=name, dtype=DTYPE)


def build_model(resize: str = "ours") -> keras.Model:
    """The example model as a functional Keras model; ``resize`` chooses the branches' resize."""
    if resize not in RESIZES:
        raise ValueError(f"resize must be one of {RESIZES}, got {resize!r}")
    size = config.IMAGE_SIZE
    inputs = keras.Input((*size, config.IN_CHANNELS), dtype=DTYPE)
    features = keras.layers.ReLU(dtype=DTYPE)(_conv("stem", config.FEATURES, 3)(inputs))
    pyramid = [features]
    for b in config.BINS:
        pooled = AdaptiveAvgPool(b, size, dtype=DTYPE)(features)
        branch = keras.layers.ReLU(dtype=DTYPE)(_conv(f"branch{b}", config.BRANCH_CHANNELS, 1)(pooled))
        if resize == "ours":
            resizer = consistent_resize_tf.Resize(size, spec=config.SPEC, data_format="channels_last", dtype=DTYPE)
        else:
            resizer = NativeResize(size, dtype=DTYPE)
        pyramid.append(resizer(branch))
    concat = keras.layers.Concatenate(axis=-1, dtype=DTYPE)(pyramid)
    fused = keras.layers.ReLU(dtype=DTYPE)(_conv("fuse", config.FUSE_CHANNELS, 3)(concat))
    alpha = keras.layers.Activation("sigmoid", dtype=DTYPE)(_conv("head", 1, 1)(fused))
    return keras.Model(inputs, alpha)


def load_weights(model: keras.Model, arrays: dict[str, np.ndarray]) -> None:
    """Copy the weights file's arrays into ``model``, kernels transposed to (kh, kw, in, out)."""
    for name in ["stem", *(f"branch{b}" for b in config.BINS), "fuse", "head"]:
        kernel = np.transpose(arrays[f"{name}.W"], (2, 3, 1, 0))
        model.get_layer(name).set_weights([kernel, arrays[f"{name}.b"]])


def to_channels_last(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> (N, H, W, C)."""
    return np.ascontiguousarray(np.transpose(x, (0, 2, 3, 1)))


def alpha_loss(alpha, target):
    """Charbonnier alpha loss: mean(sqrt((alpha - target)^2 + eps^2))."""
    return tf.reduce_mean(tf.sqrt(tf.square(alpha - target) + config.LOSS_EPS ** 2))


def train(arrays: dict[str, np.ndarray], images: np.ndarray, alphas: np.ndarray, steps: int,
          resize: str = "ours") -> list[float]:
    """Train ``steps`` plain SGD steps from ``arrays``; return the loss of each step (before its update).

    ``images`` and ``alphas`` are channels first, as the data set makes them; they are transposed here.
    """
    model = build_model(resize)
    load_weights(model, arrays)
    optimizer = keras.optimizers.SGD(learning_rate=config.LEARNING_RATE)
    optimizer.build(model.trainable_variables)

    @tf.function  # one traced step: eager TensorFlow would spend most of the time dispatching ops
    def train_step(x, t):
        with tf.GradientTape() as tape:
            loss = alpha_loss(model(x, training=True), t)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for step in range(steps):
        x, t = batch(images, alphas, step)
        loss = train_step(tf.constant(to_channels_last(x)), tf.constant(to_channels_last(t)))
        losses.append(float(loss.numpy()))
    return losses
