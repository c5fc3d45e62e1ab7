"""What an ``F.interpolate`` call computes, as a preset and a spec: ``preset_for`` and ``plan_call``.

``preset_for(mode, align_corners, antialias)`` names the preset whose spec reproduces
``F.interpolate(x, size, mode=mode, align_corners=align_corners, antialias=antialias)`` (the table
``PRESET_CALLS`` holds the keyword arguments of each PyTorch preset, the other way round);
``plan_call(shape, size, scale_factor, mode, ...)`` takes every argument of ``F.interpolate`` and returns the
spec and the ``size`` or ``scale_factor`` for ``consistent_resize_torch.resize`` that compute the same
numbers, or raises ``UnsupportedCall`` where no spec does. ``convert`` and ``find_resizes`` use these two,
and so do the library runners and the drop-in test (one source).

Rules (measured on torch 2.13 CPU; docs/presets-torch-chainer-onnxruntime.md has the evidence):

- ``linear`` / ``bilinear`` / ``trilinear`` are one mode (``pytorch_bilinear*`` specs are n-D);
  ``align_corners=None`` means False.
- ``scale_factor`` with ``recompute_scale_factor`` not True: the scale enters PyTorch's coordinate formula
  (``in = (out + 0.5) / s - 0.5``, ``1 / s`` rounded to float32), as ``resize(..., scale_factor=s)`` does;
  the output length is ``floor(in * s)`` in float64 in both. With ``recompute_scale_factor=True`` the call is
  ``size=floor(in * s)``. ``area`` (adaptive average pooling) reads only the lengths: always ``size``.
- ``nearest-exact`` computes ``(x + 0.5) * scale - 0.5`` with one rounding (``float32_fma``) on 1 and 3
  spatial axes; on 2 spatial axes PyTorch picks by shape between that and two roundings
  (``float32_multiply``, the preset's). Where the two read the same pixels (every length pair <= 48, most
  others) the call is planned; where they differ it raises ``UnsupportedCall``.
- ``scale_factor`` that keeps an axis' length although it is not 1: PyTorch sometimes ignores the scale
  there (by kernel); where that changes the pixels read, ``UnsupportedCall``. With ``antialias=True`` PyTorch
  always copies such an axis, and so do the antialias presets (``float32_separable``): planned.
- ``antialias=True`` with ``align_corners=True``: ``pytorch_{bilinear,bicubic}_align_corners_antialias``
  (kernels at the pixel centres ``(x + 0.5) * (in - 1) / (out - 1) - 0.5``).
- ``lanczos`` (4-D input only) takes only ``antialias=True`` and ``align_corners`` None or False, as PyTorch
  (which raises otherwise): ``pytorch_lanczos_antialias`` (Lanczos-3, the same separable antialias kernel).
- ``antialias=True`` with output width 1 and a resized height: PyTorch's vertical pass
  (``basic_loop_aa_vertical``) reads the taps of the first row of each TensorIterator chunk for every row of
  it (the first output row where the output has fewer than 32768 elements or one thread runs), which no
  per-axis table expresses; ``UnsupportedCall``.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from consistent_resize.arguments import check_scales, resolve_spec
from consistent_resize.spec import ResizeSpec

#: preset name -> the keyword arguments of ``F.interpolate`` it reproduces (2 spatial axes).
PRESET_CALLS = {
    "pytorch_nearest": dict(mode="nearest"),
    "pytorch_nearest_exact": dict(mode="nearest-exact"),
    "pytorch_bilinear": dict(mode="bilinear", align_corners=False),
    "pytorch_bilinear_align_corners": dict(mode="bilinear", align_corners=True),
    "pytorch_bilinear_antialias": dict(mode="bilinear", align_corners=False, antialias=True),
    "pytorch_bicubic": dict(mode="bicubic", align_corners=False),
    "pytorch_bicubic_align_corners": dict(mode="bicubic", align_corners=True),
    "pytorch_bicubic_antialias": dict(mode="bicubic", align_corners=False, antialias=True),
    "pytorch_bilinear_align_corners_antialias": dict(mode="bilinear", align_corners=True, antialias=True),
    "pytorch_bicubic_align_corners_antialias": dict(mode="bicubic", align_corners=True, antialias=True),
    "pytorch_lanczos_antialias": dict(mode="lanczos", align_corners=False, antialias=True),
}

#: ``mode`` -> the number of spatial axes it takes (None: any of 1-3).
MODES = {"nearest": None, "nearest-exact": None, "area": None, "linear": 1, "bilinear": 2, "trilinear": 3,
         "bicubic": 2, "lanczos": 2}


class UnsupportedCall(ValueError):
    """An ``F.interpolate`` call that no spec reproduces (the message names its arguments and the fix)."""


def _describe(mode, align_corners, antialias) -> str:
    return f"mode={mode!r}, align_corners={align_corners!r}, antialias={antialias!r}"


def preset_for(mode: str = "nearest", align_corners: bool | None = None, antialias: bool = False) -> str:
    """The preset of ``F.interpolate(x, size, mode=mode, align_corners=align_corners, antialias=antialias)``.

    Args:
        mode: ``F.interpolate``'s mode: one of ``MODES``.
        align_corners: None (False for the linear modes, bicubic and lanczos) or a bool; only for the linear
            modes, bicubic and lanczos (False only), as in PyTorch.
        antialias: only with ``bilinear`` / ``bicubic`` / ``lanczos`` (which requires it).

    Raises:
        UnsupportedCall: no preset reproduces the arguments (the message says which are allowed).

    Example:
        >>> preset_for("bilinear", align_corners=True)
        'pytorch_bilinear_align_corners'
        >>> preset_for("trilinear")
        'pytorch_bilinear'
        >>> preset_for("bicubic", align_corners=True, antialias=True)
        'pytorch_bicubic_align_corners_antialias'
        >>> preset_for("lanczos", antialias=True)
        'pytorch_lanczos_antialias'
    """
    if mode not in MODES:
        raise UnsupportedCall(f"mode must be one of {', '.join(map(repr, MODES))}; got {mode!r}")
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners is not None:
            raise UnsupportedCall(
                f"leave align_corners None with mode={mode!r} (only the linear modes, bicubic and lanczos take it); "
                f"got {_describe(mode, align_corners, antialias)}"
            )
        if antialias:
            raise UnsupportedCall(
                f"set antialias=False with mode={mode!r} (only 'bilinear', 'bicubic' and 'lanczos' antialias); "
                f"got {_describe(mode, align_corners, antialias)}"
            )
        return {"nearest": "pytorch_nearest", "nearest-exact": "pytorch_nearest_exact",
                "area": "pytorch_area"}[mode]
    if mode == "lanczos":  # F.interpolate raises for these (UpSampleKernel.cpp has only the antialias kernel)
        if align_corners:
            raise UnsupportedCall(
                "set align_corners False or None with mode='lanczos' (PyTorch: 'Lanczos mode does not support "
                f"align_corners=True'); got {_describe(mode, align_corners, antialias)}"
            )
        if not antialias:
            raise UnsupportedCall(
                "set antialias=True with mode='lanczos' (PyTorch: 'Lanczos mode requires antialias=True'); "
                f"got {_describe(mode, align_corners, antialias)}"
            )
        return "pytorch_lanczos_antialias"
    family = "bicubic" if mode == "bicubic" else "bilinear"
    if antialias:
        if mode not in ("bilinear", "bicubic"):  # lanczos returned above
            raise UnsupportedCall(
                f"set antialias=False with mode={mode!r} (only 'bilinear', 'bicubic' and 'lanczos' antialias); "
                f"got {_describe(mode, align_corners, antialias)}"
            )
        return f"pytorch_{family}_align_corners_antialias" if align_corners else f"pytorch_{family}_antialias"
    return f"pytorch_{family}_align_corners" if align_corners else f"pytorch_{family}"


@dataclasses.dataclass(frozen=True)
class PlannedCall:
    """``resize(x, size, scale_factor, spec=spec)`` computes what the ``F.interpolate`` call computed.

    ``preset`` is the preset the spec comes from (``spec`` may differ from it in ``coordinate_arithmetic``
    only: ``nearest-exact`` on 1 or 3 spatial axes uses ``float32_fma``).
    """

    preset: str
    spec: ResizeSpec
    size: Any
    scale_factor: Any


def _tables_equal(in_size: int, out_size: int, spec_a: ResizeSpec, scale_a, spec_b: ResizeSpec, scale_b) -> bool:
    import numpy as np

    from consistent_resize.tables import axis_table

    a, b = axis_table(in_size, out_size, spec_a, scale_a), axis_table(in_size, out_size, spec_b, scale_b)
    return np.array_equal(a.index, b.index) and np.array_equal(a.weight, b.weight)


def _static(values) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def plan_call(
    shape,
    size: Any = None,
    scale_factor: Any = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
    reproduce: bool = True,
) -> PlannedCall:
    """Plan ``F.interpolate(x, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias)``
    for ``x`` of ``shape`` (N, C, *spatial) as a call of ``consistent_resize_torch.resize``.

    ``reproduce=False`` (a retargeted call: only its sizes matter) skips the checks that the spec
    reproduces PyTorch's pixels; the arguments PyTorch refuses are refused either way.

    Raises:
        UnsupportedCall: the arguments are ones PyTorch refuses, or no spec reproduces the call (see the
            module docstring); the message names the arguments.
    """
    preset = preset_for(mode, align_corners, antialias)
    spatial = len(shape) - 2
    wanted = MODES[mode]
    if spatial not in (1, 2, 3) or (wanted is not None and wanted != spatial):
        takes = "1-3 spatial axes (a rank 3-5 input)" if wanted is None else \
            f"{wanted} spatial axes (a rank-{wanted + 2} input)"
        raise UnsupportedCall(f"mode={mode!r} takes {takes}; got shape {tuple(shape)}")
    if antialias and spatial != 2:
        raise UnsupportedCall(f"antialias=True needs a 4-D input (N, C, H, W); got shape {tuple(shape)}")
    spec = resolve_spec(preset=preset)
    if mode == "nearest-exact" and spatial != 2:
        spec = spec.replace(coordinate_arithmetic="float32_fma")
    in_sizes = tuple(shape[2:])
    if (size is None) == (scale_factor is None):
        raise UnsupportedCall("give exactly one of size and scale_factor")
    scales = None
    if scale_factor is not None:
        scales = check_scales(scale_factor, spatial)
        if recompute_scale_factor or mode == "area" or not _static(in_sizes):
            if not _static(in_sizes):  # symbolic lengths: keep the scale only where PyTorch keeps it
                if recompute_scale_factor or mode == "area":
                    size = [math.floor(i * s) for i, s in zip(in_sizes, scales)]
                    scale_factor = None
            else:
                size = [int(math.floor(i * s)) for i, s in zip(in_sizes, scales)]
                scale_factor = None
        else:
            scale_factor = scales
    if not _static(in_sizes):
        return PlannedCall(preset, spec, size, scale_factor)
    out_sizes = None
    if scale_factor is not None:
        out_sizes = [int(math.floor(i * s)) for i, s in zip(in_sizes, scale_factor)]
    elif isinstance(size, (list, tuple)) and _static(size):
        out_sizes = list(size)
    elif isinstance(size, int) and not isinstance(size, bool):
        out_sizes = [size] * spatial
    if out_sizes is None or not reproduce:
        return PlannedCall(preset, spec, size, scale_factor)
    where = f"{_describe(mode, align_corners, antialias)}, shape {tuple(shape)} -> {tuple(out_sizes)}"
    if mode == "nearest-exact" and spatial == 2:
        fused = spec.replace(coordinate_arithmetic="float32_fma")
        for axis, (i, o) in enumerate(zip(in_sizes, out_sizes)):
            s = None if scale_factor is None else scale_factor[axis]
            if not _tables_equal(i, o, spec, s, fused, s):
                raise UnsupportedCall(
                    f"PyTorch's nearest-exact reads one of two pixel sets for length {i} -> {o} (axis "
                    f"{axis + 2}), chosen by the tensor's shape; pass preset='pytorch_nearest_exact' "
                    f"(two roundings) or a spec with coordinate_arithmetic='float32_fma' to choose ({where})"
                )
    if scale_factor is not None and mode not in ("area",) and not align_corners:
        for axis, (i, o, s) in enumerate(zip(in_sizes, out_sizes, scale_factor)):
            if o == i and s != 1 and not _tables_equal(i, o, spec, s, spec, None):
                raise UnsupportedCall(
                    f"scale_factor {s!r} keeps length {i} of axis {axis + 2}, and PyTorch then ignores the "
                    "scale or not depending on its kernel; pass recompute_scale_factor=True or a size to "
                    f"make it one resize ({where}, scale_factor={tuple(scale_factor)!r})"
                )
    if antialias and out_sizes[-1] == 1 and out_sizes[0] != in_sizes[0]:
        raise UnsupportedCall(
            "PyTorch's antialias with output width 1 and a resized height repeats the first row, which no "
            f"spec reproduces; resize the two axes in two calls ({where})"
        )
    return PlannedCall(preset, spec, size, scale_factor)


__all__ = ["MODES", "PRESET_CALLS", "PlannedCall", "UnsupportedCall", "plan_call", "preset_for"]
