"""The Chainer ``Decoder`` ported to PyTorch. Each ``F.resize_images(h, shape)`` becomes
``consistent_resize_torch.resize(h, shape, preset="chainer")``: the same numbers, not just the same idea.

``resize="naive"`` is the port most people write first, ``F.interpolate(h, shape, mode="bilinear")``
(align_corners=False), kept to show how far it is from the original.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import consistent_resize_torch

from .snapshot import LAYERS

RESIZES = ("consistent", "naive")


class Decoder(nn.Module):
    def __init__(self, resize: str = "consistent"):
        super().__init__()
        if resize not in RESIZES:
            raise ValueError(f"resize must be one of {RESIZES}, got {resize!r}")
        self.resize_kind = resize
        for name, (in_c, out_c, k, stride, pad) in LAYERS.items():
            self.add_module(name, nn.Conv2d(in_c, out_c, k, stride=stride, padding=pad))

    def resize(self, h: torch.Tensor, size) -> torch.Tensor:
        if self.resize_kind == "consistent":
            return consistent_resize_torch.resize(h, tuple(size), preset="chainer")
        return F.interpolate(h, size=tuple(size), mode="bilinear")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c1 = torch.relu(self.conv1(x))
        c2 = torch.relu(self.conv2(c1))
        h = self.resize(c2, c1.shape[2:]) + self.lateral(c1)
        return self.resize(self.out(h), x.shape[2:])


def load_chainer_snapshot(model: Decoder, arrays: dict[str, np.ndarray]) -> Decoder:
    """Copy a Chainer snapshot (``save_npz`` keys ``<link>/W``, ``<link>/b``) into ``model``: PyTorch
    and Chainer share the (out, in, kh, kw) kernel layout, so the arrays are copied as they are."""
    state = {}
    for name in LAYERS:
        state[f"{name}.weight"] = torch.from_numpy(np.asarray(arrays[f"{name}/W"]))
        state[f"{name}.bias"] = torch.from_numpy(np.asarray(arrays[f"{name}/b"]))
    model.load_state_dict(state)
    return model
