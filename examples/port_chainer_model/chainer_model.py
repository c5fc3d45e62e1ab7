"""The original model, in Chainer: a small encoder-decoder that upsamples with
``chainer.functions.resize_images`` (bilinear, align_corners=True: Chainer's default).

    conv1 (stride 2) -> ReLU -> conv2 (stride 2) -> ReLU -> resize to conv1's size
    -> + lateral(conv1) -> out (3x3) -> resize to the input size: 2-channel logits.
"""

from __future__ import annotations

from consistent_resize_chainer._import import import_chainer

from .snapshot import LAYERS

chainer = import_chainer()
F = chainer.functions
L = chainer.links


class Decoder(chainer.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            for name, (in_c, out_c, k, stride, pad) in LAYERS.items():
                setattr(self, name, L.Convolution2D(in_c, out_c, k, stride=stride, pad=pad))

    def forward(self, x):
        c1 = F.relu(self.conv1(x))
        c2 = F.relu(self.conv2(c1))
        h = F.resize_images(c2, c1.shape[2:]) + self.lateral(c1)
        return F.resize_images(self.out(h), x.shape[2:])
