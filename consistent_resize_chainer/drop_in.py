"""``resize_images``: ``chainer.functions.resize_images`` with its signature and defaults, reproduced by
the ``chainer*`` presets, plus ``spec=``/``preset=`` to switch semantics."""

from __future__ import annotations

from consistent_resize._names import check_choice
from consistent_resize.spec import ResizeSpec

from .function import resize

#: (mode, align_corners) -> the preset that reproduces ``F.resize_images(x, shape, mode=, align_corners=)``.
#: Chainer's nearest mode ignores ``align_corners``.
CHAINER_PRESETS = {
    ("bilinear", True): "chainer",
    ("bilinear", False): "chainer_half_pixel",
    ("nearest", True): "chainer_nearest",
    ("nearest", False): "chainer_nearest",
}


def chainer_preset(mode: str = "bilinear", align_corners: bool = True) -> str:
    """The preset name of ``F.resize_images(..., mode=mode, align_corners=align_corners)``."""
    check_choice("mode", mode, ("bilinear", "nearest"))
    if not isinstance(align_corners, (bool, int)) or align_corners not in (0, 1):
        raise TypeError(f"align_corners must be a bool, got {align_corners!r}")
    return CHAINER_PRESETS[(mode, bool(align_corners))]


def resize_images(x, output_shape, *, mode: str = "bilinear", align_corners: bool = True,
                  spec: ResizeSpec | None = None, preset: str | None = None):
    """A drop-in for ``chainer.functions.resize_images``: the same numbers for the same arguments.

    Convention: channels first, ``(N, C, H, W)`` (also ``(N, C, W)`` and ``(N, C, D, H, W)``, with one
    ``output_shape`` entry per spatial axis); ``mode='bilinear'`` uses ``align_corners`` coordinates
    (``align_corners=False``: half_pixel, clamped at 0), ``mode='nearest'`` asymmetric with floor, all as
    Chainer computes them (float64 ``in / out``).

    Args:
        x: ``chainer.Variable`` or array, float16, float32 or float64.
        output_shape: ``(h_O, w_O)``: the output size of the spatial axes.
        mode: ``'bilinear'`` or ``'nearest'``, as in Chainer.
        align_corners: as in Chainer (bilinear only).
        spec, preset: other semantics instead of Chainer's; then ``mode`` and ``align_corners`` must be
            left at their defaults.

    Returns:
        ``chainer.Variable`` of shape ``(N, C, h_O, w_O)``.

    Example:
        >>> import numpy as np
        >>> x = np.array([[[[64.0, 32.0], [64.0, 32.0]]]], np.float32)
        >>> resize_images(x, (4, 4)).array[0, 0, 0].astype(float).round(2).tolist()
        [64.0, 53.33, 42.67, 32.0]
    """
    name = chainer_preset(mode, align_corners)
    if spec is not None or preset is not None:
        if (mode, align_corners) != ("bilinear", True):
            raise ValueError(
                "mode and align_corners choose one of Chainer's own resizes; with spec or preset "
                f"leave them at their defaults (got mode={mode!r}, align_corners={align_corners!r})"
            )
    else:
        preset = name
    if isinstance(output_shape, (str, bytes)) or not hasattr(output_shape, "__len__"):
        raise TypeError(f"output_shape must be a tuple of ints, one per spatial axis, got {output_shape!r}")
    return resize(x, tuple(output_shape), spec=spec, preset=preset)
