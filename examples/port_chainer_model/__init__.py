"""A worked port: a Chainer model that upsamples with ``chainer.functions.resize_images``, ported to
PyTorch (``torch_port``) and Keras (``keras_port``) with ``preset="chainer"``, so all three compute the
same outputs from the same Chainer snapshot (``port.py`` shows it; tests/test_example_port.py proves it).
"""
