"""The pyramid pooling matting head in PyTorch (channels first, ``(N, C, H, W)``).

stem 3x3 conv -> ReLU -> for each bin b in BINS: adaptive average pool to (b, b) -> 1x1 conv -> ReLU ->
resize to (H, W); concatenate [features, branches] -> 3x3 conv -> ReLU -> 1x1 conv -> sigmoid (alpha).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import consistent_resize_torch

from . import config
from .dataset import batch
from .pooling import pooling_matrix

#: "ours": ``consistent_resize_torch.Resize`` with ``config.SPEC``; "native": PyTorch's own bilinear
#: ``F.interpolate`` (align_corners=False).
RESIZES = ("ours", "native")


class AdaptiveAvgPool(nn.Module):
    """Adaptive average pooling to ``(bins, bins)`` with the example's explicit bins (``pooling.py``)."""

    def __init__(self, bins: int, in_size: tuple[int, int], dtype: torch.dtype):
        super().__init__()
        self.register_buffer("ph", torch.tensor(pooling_matrix(in_size[0], bins), dtype=dtype), persistent=False)
        self.register_buffer("pw", torch.tensor(pooling_matrix(in_size[1], bins), dtype=dtype), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.ph @ x @ self.pw.T


class NativeResize(nn.Module):
    """PyTorch's default bilinear resize, for the comparison run."""

    def __init__(self, size: tuple[int, int]):
        super().__init__()
        self.size = size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.interpolate(x, size=self.size, mode="bilinear", align_corners=False)


class PyramidMatting(nn.Module):
    """The example model; ``resize`` chooses the resize of the pyramid branches."""

    def __init__(self, resize: str = "ours", dtype: torch.dtype = torch.float64):
        super().__init__()
        if resize not in RESIZES:
            raise ValueError(f"resize must be one of {RESIZES}, got {resize!r}")
        size = config.IMAGE_SIZE
        concat = config.FEATURES + len(config.BINS) * config.BRANCH_CHANNELS
        self.stem = nn.Conv2d(config.IN_CHANNELS, config.FEATURES, 3, padding=1, dtype=dtype)
        self.pools = nn.ModuleList(AdaptiveAvgPool(b, size, dtype) for b in config.BINS)
        self.branches = nn.ModuleList(
            nn.Conv2d(config.FEATURES, config.BRANCH_CHANNELS, 1, dtype=dtype) for _ in config.BINS)
        make_resize = (lambda: consistent_resize_torch.Resize(size, spec=config.SPEC)) if resize == "ours" \
            else (lambda: NativeResize(size))
        self.resizes = nn.ModuleList(make_resize() for _ in config.BINS)
        self.fuse = nn.Conv2d(concat, config.FUSE_CHANNELS, 3, padding=1, dtype=dtype)
        self.head = nn.Conv2d(config.FUSE_CHANNELS, 1, 1, dtype=dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = torch.relu(self.stem(x))
        pyramid = [features]
        for pool, branch, resize in zip(self.pools, self.branches, self.resizes):
            pyramid.append(resize(torch.relu(branch(pool(features)))))
        fused = torch.relu(self.fuse(torch.cat(pyramid, dim=1)))
        return torch.sigmoid(self.head(fused))

    def load_weights(self, arrays: dict[str, np.ndarray]) -> None:
        """Copy the weights file's arrays (already in PyTorch's (out, in, kh, kw) layout) into the model."""
        convs = {"stem": self.stem, "fuse": self.fuse, "head": self.head}
        convs.update({f"branch{b}": conv for b, conv in zip(config.BINS, self.branches)})
        with torch.no_grad():
            for name, conv in convs.items():
                conv.weight.copy_(torch.from_numpy(arrays[f"{name}.W"]))
                conv.bias.copy_(torch.from_numpy(arrays[f"{name}.b"]))


def alpha_loss(alpha: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Charbonnier alpha loss: mean(sqrt((alpha - target)^2 + eps^2))."""
    return torch.sqrt((alpha - target) ** 2 + config.LOSS_EPS ** 2).mean()


def train(arrays: dict[str, np.ndarray], images: np.ndarray, alphas: np.ndarray, steps: int,
          resize: str = "ours") -> list[float]:
    """Train ``steps`` plain SGD steps from ``arrays``; return the loss of each step (before its update)."""
    model = PyramidMatting(resize)
    model.load_weights(arrays)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.LEARNING_RATE)
    losses = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tensors this small train faster on one thread (and never oversubscribe)
    try:
        for step in range(steps):
            x, t = batch(images, alphas, step)
            optimizer.zero_grad()
            loss = alpha_loss(model(torch.from_numpy(x)), torch.from_numpy(t))
            loss.backward()
            optimizer.step()
            losses.append(float(loss.detach()))
    finally:
        torch.set_num_threads(threads)
    return losses
