"""An output beyond ``consistent_resize.arguments.output_limit()`` (default 2**31 elements per image and
channel) fails at once in every framework, naming the size and the memory, before anything is allocated."""

from __future__ import annotations

import importlib.util
import time

import numpy as np
import pytest

from consistent_resize import reference
from consistent_resize import arguments

MESSAGE = r"output size 100000x100000 is too large: 10000000000 elements .*37.3 GiB of float32"


def _fast(fn):
    start = time.perf_counter()
    with pytest.raises(ValueError, match=MESSAGE):
        fn()
    assert time.perf_counter() - start < 5.0  # refused before allocating (allocating 37 GiB takes far longer)


def test_reference_refuses_a_huge_output():
    _fast(lambda: reference.resize(np.zeros((4, 4)), (100000, 100000), preset="pytorch_bilinear"))


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
def test_torch_refuses_a_huge_output():
    import torch

    import consistent_resize_torch as crt

    _fast(lambda: crt.resize(torch.zeros(1, 1, 4, 4), (100000, 100000), preset="pytorch_bilinear"))


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="tensorflow is not installed")
def test_tf_and_keras_refuse_a_huge_output():
    import tensorflow as tf

    import consistent_resize_tf as crtf

    _fast(lambda: crtf.resize(tf.zeros((1, 4, 4, 1)), (100000, 100000), preset="tf_bilinear"))
    layer = crtf.Resize((100000, 100000), preset="tf_bilinear")
    _fast(lambda: layer.compute_output_shape((1, 4, 4, 1)) and layer(tf.zeros((1, 4, 4, 1))))


def test_the_limit_can_be_raised(monkeypatch):
    monkeypatch.setattr(arguments, "MAX_OUTPUT_ELEMENTS", 15)
    with pytest.raises(ValueError, match="output size 4x4 is too large: 16 elements"):
        reference.resize(np.zeros((2, 2)), (4, 4), preset="pytorch_bilinear")
    monkeypatch.setattr(arguments, "MAX_OUTPUT_ELEMENTS", None)
    monkeypatch.setenv("CONSISTENT_RESIZE_MAX_OUTPUT_ELEMENTS", "16")
    assert reference.resize(np.zeros((2, 2)), (4, 4), preset="pytorch_bilinear").shape == (4, 4)


@pytest.mark.skipif(importlib.util.find_spec("chainer") is None, reason="Chainer is not installed")
def test_chainer_refuses_a_huge_output():
    import consistent_resize_chainer as crc

    _fast(lambda: crc.resize(np.zeros((1, 1, 4, 4), np.float32), (100000, 100000), preset="chainer"))
