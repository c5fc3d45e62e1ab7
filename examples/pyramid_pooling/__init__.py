"""A PSPNet-style pyramid pooling head with a matting-style alpha output, written once per framework
(``torch_model``, ``keras_model``, ``chainer_model``) and trained identically in all three (``train``).

The framework-free parts: ``config`` (sizes, spec, learning rate), ``pooling`` (adaptive average pooling
as one explicit formula), ``dataset`` (the synthetic data) and ``weights`` (the one initial weights file).
"""
