"""The pyramid pooling matting head in Chainer (channels first, ``(N, C, H, W)``), float64 throughout.

The same layers as ``torch_model``; the weights file is already in Chainer's (out, in, kh, kw) layout.
"""

from __future__ import annotations

import numpy as np

import consistent_resize_chainer
from consistent_resize_chainer._import import import_chainer

from . import config
from .dataset import batch
from .pooling import pooling_matrix

chainer = import_chainer()
F = chainer.functions
L = chainer.links

#: "ours": ``consistent_resize_chainer.Resize`` with ``config.SPEC``; "native": Chainer's own
#: ``F.resize_images`` (bilinear, align_corners=True by default; float32 only, so cast there and back).
RESIZES = ("ours", "native")


def adaptive_avg_pool(x, bins: int):
    """Adaptive average pooling of ``x`` (N, C, H, W) to (bins, bins), with the example's explicit bins."""
    h, w = x.shape[2:]
    ph = pooling_matrix(h, bins).astype(x.dtype)
    pw = pooling_matrix(w, bins).astype(x.dtype)
    return F.einsum("ih,nchw,jw->ncij", ph, x, pw)


class PyramidMatting(chainer.Chain):
    """The example model; ``resize`` chooses the resize of the pyramid branches."""

    def __init__(self, arrays: dict[str, np.ndarray], resize: str = "ours"):
        super().__init__()
        if resize not in RESIZES:
            raise ValueError(f"resize must be one of {RESIZES}, got {resize!r}")
        self.resize = resize

        def conv(name: str, pad: int) -> L.Convolution2D:
            weight, bias = arrays[f"{name}.W"], arrays[f"{name}.b"]
            return L.Convolution2D(weight.shape[1], weight.shape[0], weight.shape[2], pad=pad,
                                   initialW=weight.copy(), initial_bias=bias.copy())

        # chainer.config.dtype decides the parameters' dtype (float32 by default): build in float64.
        with self.init_scope(), chainer.using_config("dtype", np.float64):
            self.stem = conv("stem", 1)
            for b in config.BINS:
                setattr(self, f"branch{b}", conv(f"branch{b}", 0))
            self.fuse = conv("fuse", 1)
            self.head = conv("head", 0)
            if resize == "ours":
                self.resizer = consistent_resize_chainer.Resize(config.IMAGE_SIZE, spec=config.SPEC)

    def _resize(self, x):
        if self.resize == "ours":
            return self.resizer(x)
        # F.resize_images accepts float32 only: cast there and back.
        return F.cast(F.resize_images(F.cast(x, np.float32), config.IMAGE_SIZE), x.dtype)

    def forward(self, x):
        features = F.relu(self.stem(x))
        pyramid = [features]
        for b in config.BINS:
            branch = getattr(self, f"branch{b}")
            pyramid.append(self._resize(F.relu(branch(adaptive_avg_pool(features, b)))))
        fused = F.relu(self.fuse(F.concat(pyramid, axis=1)))
        return F.sigmoid(self.head(fused))


def alpha_loss(alpha, target):
    """Charbonnier alpha loss: mean(sqrt((alpha - target)^2 + eps^2))."""
    return F.mean(F.sqrt(F.square(alpha - target) + config.LOSS_EPS ** 2))


def train(arrays: dict[str, np.ndarray], images: np.ndarray, alphas: np.ndarray, steps: int,
          resize: str = "ours") -> list[float]:
    """Train ``steps`` plain SGD steps from ``arrays``; return the loss of each step (before its update)."""
    model = PyramidMatting(arrays, resize)
    optimizer = chainer.optimizers.SGD(lr=config.LEARNING_RATE)
    optimizer.setup(model)
    losses = []
    for step in range(steps):
        x, t = batch(images, alphas, step)
        model.cleargrads()
        loss = alpha_loss(model(x), t)
        loss.backward()
        optimizer.update()
        losses.append(float(loss.array))
    return losses
