"""``Resize``: the resize as a ``chainer.Link`` for model definitions (it has no parameters)."""

from __future__ import annotations

from typing import Any

from consistent_resize.spec import ResizeSpec

from ._import import import_chainer
from .function import check_arguments, resize

chainer = import_chainer()


class Resize(chainer.Link):
    """A link that resizes the spatial axes of its input; arguments as ``resize``.

    Convention: channels first, ``(N, C, *spatial)``; the coordinate mode is the spec's.
    The arguments are checked when the link is built; the tables are computed (and cached) on the first
    call for each input size.

    Args:
        size: output length of each spatial axis (an int applies to all of them).
        scale_factor: instead of ``size``: ONNX ``scales``.
        spec: a ``ResizeSpec``; or ``preset``: a preset name (``"chainer"`` is ``F.resize_images``).
        roi: ``[starts..., ends...]`` of the spatial axes, for ``tf_crop_and_resize`` only.

    Example:
        >>> import numpy as np
        >>> layer = Resize((4, 4), preset="chainer")
        >>> layer(np.zeros((1, 3, 2, 2), np.float32)).shape
        (1, 3, 4, 4)
    """

    def __init__(self, size: Any = None, scale_factor: Any = None, *, spec: ResizeSpec | None = None,
                 preset: str | None = None, roi: Any = None):
        super().__init__()
        self.spec = check_arguments(size, scale_factor, spec, preset, roi)
        self.size = size
        self.scale_factor = scale_factor
        self.preset = preset
        self.roi = roi

    def forward(self, x):
        return resize(x, self.size, self.scale_factor, spec=self.spec, roi=self.roi)

    def __repr__(self) -> str:
        argument = f"size={self.size!r}" if self.size is not None else f"scale_factor={self.scale_factor!r}"
        named = f"preset={self.preset!r}" if self.preset is not None else f"spec={self.spec.describe()}"
        return f"Resize({argument}, {named})"
