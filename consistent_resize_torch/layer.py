"""``Resize``: the module form of ``resize``."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from consistent_resize.arguments import check_scales, check_sizes, entry_count, resolve_spec
from consistent_resize.spec import ResizeSpec

from .functional import resize


class Resize(nn.Module):
    """Resize the spatial axes of (N, C, *spatial) tensors; a drop-in for ``nn.Upsample``.

    Convention: layout (N, C, *spatial) (channels first; channels_last in, channels_last out); the
    coordinate mode is ``spec.coordinate_transformation_mode`` or the one of ``preset``.

    Args:
        size, scale_factor, spec, preset, roi: as ``consistent_resize_torch.resize``. The layer holds no
            parameters and no buffers: its tables live in a per-device cache, rebuilt after loading.

    Example:
        >>> layer = Resize((4, 4), preset="chainer")
        >>> layer
        Resize(size=(4, 4), preset='chainer')
        >>> layer(torch.ones(1, 3, 2, 2)).shape
        torch.Size([1, 3, 4, 4])
    """

    def __init__(
        self,
        size: Any = None,
        scale_factor: Any = None,
        *,
        spec: ResizeSpec | None = None,
        preset: str | None = None,
        roi: Any = None,
    ) -> None:
        super().__init__()
        self.spec = resolve_spec(spec, preset)
        self.preset = preset
        if (size is None) == (scale_factor is None):
            raise ValueError("give exactly one of size and scale_factor")
        count = entry_count(size, scale_factor)
        if size is not None:
            checked = check_sizes(size, count if count is not None else 1)
            self.size = checked if count is not None else checked[0]
        else:
            self.size = None
        if scale_factor is not None:
            checked = check_scales(scale_factor, count if count is not None else 1)
            self.scale_factor = checked if count is not None else checked[0]
        else:
            self.scale_factor = None
        self.roi = None if roi is None else tuple(float(v) for v in roi)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return resize(x, self.size, self.scale_factor, spec=self.spec, roi=self.roi)

    def extra_repr(self) -> str:
        parts = [f"size={self.size!r}" if self.size is not None else f"scale_factor={self.scale_factor!r}"]
        if self.preset is not None:
            parts.append(f"preset={self.preset!r}")
        else:
            parts.append(f"spec={self.spec.describe()}")
        if self.roi is not None:
            parts.append(f"roi={self.roi!r}")
        return ", ".join(parts)
