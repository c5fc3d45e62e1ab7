"""Worked examples (not installed with the package): ``pyramid_pooling`` trains one model identically in
PyTorch, Keras and Chainer; ``port_chainer_model`` ports a Chainer model that uses
``chainer.functions.resize_images`` to PyTorch and Keras."""
