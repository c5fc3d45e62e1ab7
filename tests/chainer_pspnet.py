"""A pyramid-pooling network with chainercv's PSPNet structure (chainercv 0.13.1 does not build on Python 3.11):
``ConvBNReLU`` blocks, a ``PyramidPoolingModule`` (bins 6, 3, 2, 1: average pooling with
``ksize = feat_size // bin``, a 1x1 ConvBNReLU, ``F.resize_images`` back to the feature size, concat) and a head
resized to the input with ``F.resize_images``; like chainercv's, its ``__call__`` is overridden (no ``forward``).

At a 72x80 input the features are 18x20 (stride 4): the bins do not divide evenly (6 -> 20 is a scale of
3.33), the case where onnx_chainer's plain export declares 20 rows and onnxruntime computes 19.
"""

from __future__ import annotations

import numpy as np

from consistent_resize_chainer._import import import_chainer

chainer = import_chainer()
F = chainer.functions
L = chainer.links


class ConvBNReLU(chainer.Chain):
    def __init__(self, in_channels, out_channels, ksize, stride=1, pad=0):
        super().__init__()
        with self.init_scope():
            self.conv = L.Convolution2D(in_channels, out_channels, ksize, stride, pad, nobias=True)
            self.bn = L.BatchNormalization(out_channels)

    def __call__(self, x):
        return F.relu(self.bn(self.conv(x)))


class PyramidPoolingModule(chainer.ChainList):
    def __init__(self, in_channels, feat_size, pyramids):
        out_channels = in_channels // len(pyramids)
        super().__init__(*[ConvBNReLU(in_channels, out_channels, 1) for _ in pyramids])
        kh = feat_size[0] // np.array(pyramids)
        kw = feat_size[1] // np.array(pyramids)
        self.ksizes = [(int(h), int(w)) for h, w in zip(kh, kw)]

    def __call__(self, x):
        ys = [x]
        height, width = x.shape[2:]
        for f, ksize in zip(self, self.ksizes):
            h = F.average_pooling_2d(x, ksize, ksize)
            h = f(h)
            h = F.resize_images(h, (height, width))
            ys.append(h)
        return F.concat(ys, axis=1)


class PSPNet(chainer.Chain):
    def __init__(self, n_class=3, input_size=(72, 80), pyramids=(6, 3, 2, 1), seed=0):
        super().__init__()
        feat_size = (input_size[0] // 4, input_size[1] // 4)
        with self.init_scope():
            self.stem1 = ConvBNReLU(3, 16, 3, 2, 1)
            self.stem2 = ConvBNReLU(16, 32, 3, 2, 1)
            self.ppm = PyramidPoolingModule(32, feat_size, pyramids)
            self.head = ConvBNReLU(64, 16, 3, 1, 1)
            self.classifier = L.Convolution2D(16, n_class, 1)
        rng = np.random.default_rng(seed)
        for _, param in sorted(self.namedparams()):
            param.array[...] = rng.normal(0, 0.3, param.shape).astype(param.dtype)
        for link in self.links():
            if isinstance(link, L.BatchNormalization):
                link.avg_mean[...] = rng.normal(0, 0.1, link.avg_mean.shape)
                link.avg_var[...] = rng.uniform(0.5, 1.5, link.avg_var.shape)

    def __call__(self, x):
        height, width = x.shape[2:]
        h = self.ppm(self.stem2(self.stem1(x)))
        h = self.classifier(self.head(h))
        return F.resize_images(h, (height, width))
