"""``resize``: the functional PyTorch API."""

from __future__ import annotations

import math
from typing import Any

import torch

from consistent_resize.arguments import (
    AxisPlan,
    check_preset_domain,
    check_roi,
    check_scales,
    check_sizes,
    entry_count,
    plan_axes,
    resolve_spec,
)
from consistent_resize.spec import ResizeSpec

from . import _fast, _ops

#: Input dtypes: float16 and bfloat16 accumulate in float32.
DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
#: Device types the tables can follow.
DEVICE_TYPES = ("cpu", "cuda", "xpu", "mps", "meta")


def check_input(x: Any) -> None:
    """Raise a TypeError/ValueError unless ``x`` is a floating tensor of rank 3-5 on a supported device."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if x.dim() not in (3, 4, 5):
        raise ValueError(
            f"x must have rank 3, 4 or 5 (N, C, *spatial), got rank {x.dim()} (shape {tuple(x.shape)})"
        )
    if x.layout != torch.strided:
        raise TypeError(f"x must be a dense (strided) tensor, got layout {x.layout}")
    if x.dtype not in DTYPES:
        names = ", ".join(str(d).replace("torch.", "") for d in DTYPES)
        raise TypeError(f"x has dtype {str(x.dtype).replace('torch.', '')}; expected one of {names}")
    if x.device.type not in DEVICE_TYPES:
        raise ValueError(
            f"x is on device {x.device}; the tables can follow tensors on {', '.join(DEVICE_TYPES)}"
        )
    if x.device.type == "mps" and x.dtype == torch.float64:
        raise TypeError("float64 is not supported on mps; use float32")


def _is_static(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def plan(x_shape, size, scale_factor, spec: ResizeSpec, roi=None) -> list[AxisPlan]:
    """Validate the arguments and plan every spatial axis (sizes may be symbolic under torch.compile).

    With concrete sizes this is ``consistent_resize.arguments.plan_axes`` (the same checks and errors as
    every framework). With symbolic sizes (``torch.compile(dynamic=True)``) the output sizes stay
    symbolic for ``size`` with ``keep_aspect_ratio_policy="stretch"`` and for ``scale_factor``; other
    cases specialise on the concrete sizes.
    """
    spatial = len(x_shape) - 2
    count = entry_count(size, scale_factor)
    if count is not None and count != spatial:
        name = "size" if size is not None else "scale_factor"
        raise ValueError(
            f"{name} has {count} entries but x has {spatial} spatial dimensions (shape {tuple(x_shape)})"
        )
    in_sizes = tuple(x_shape[2:])
    if isinstance(size, (list, tuple)):  # also torch.Size
        size = tuple(size)
    static = all(_is_static(v) for v in in_sizes)
    if size is not None and isinstance(size, tuple):
        static = static and all(not isinstance(v, torch.SymInt) for v in size)
    if isinstance(size, torch.SymInt):
        static = False
    for axis, length in enumerate(in_sizes):
        if _is_static(length) and length < 1:
            raise ValueError(f"x has an empty spatial dimension (axis {axis + 2} of shape {tuple(x_shape)})")
    if static or (size is not None and spec.keep_aspect_ratio_policy != "stretch"):
        in_sizes = tuple(int(v) for v in in_sizes)
        if isinstance(size, tuple):
            size = tuple(int(v) if isinstance(v, torch.SymInt) else v for v in size)
        return plan_axes(in_sizes, size, scale_factor, spec, roi)
    if (size is None) == (scale_factor is None):
        raise ValueError("give exactly one of size and scale_factor")
    rois = check_roi(roi, spec, spatial)
    if size is not None:
        sizes = size if isinstance(size, tuple) else (size,) * spatial
        return [AxisPlan(i, o, None, r) for i, o, r in zip(in_sizes, sizes, rois)]
    scales = check_scales(scale_factor, spatial)
    return [AxisPlan(i, math.floor(i * s), s, r) for i, s, r in zip(in_sizes, scales, rois)]


def resize(
    x: torch.Tensor,
    size: Any = None,
    scale_factor: Any = None,
    *,
    spec: ResizeSpec | None = None,
    preset: str | None = None,
    roi: Any = None,
) -> torch.Tensor:
    """Resize the spatial axes of ``x`` exactly as ``spec`` (ONNX ``Resize`` semantics) says.

    Convention: layout (N, C, *spatial) (channels first; a ``torch.channels_last`` input gives a
    channels_last output); the coordinate mode is ``spec.coordinate_transformation_mode`` (default
    ``half_pixel``, ONNX's default), or the one of ``preset``.

    Args:
        x: float16, bfloat16, float32 or float64 tensor of rank 3, 4 or 5 (1-3 spatial axes).
        size: output spatial size: an int for every spatial axis, or one int per axis
            (``feat.shape[-2:]`` works).
        scale_factor: instead of ``size``: ONNX ``scales`` of the spatial axes; ``out = floor(in * s)``
            and ``s`` enters the coordinate formula.
        spec: a ``ResizeSpec``; or ``preset``: a name in ``consistent_resize.PRESETS``; neither:
            ``ResizeSpec()`` (ONNX's defaults: nearest, half_pixel, round_prefer_floor).
        roi: ``[starts..., ends...]`` of the spatial axes (``tf_crop_and_resize`` only; default the
            whole input).

    Returns:
        The resized tensor, of ``x``'s dtype, device and memory format.

    Example:
        >>> x = torch.tensor([[[[64.0, 32.0], [64.0, 32.0]]]], dtype=torch.float64)
        >>> resize(x, (4, 4), preset="chainer")[0, 0, 0].round(decimals=2).tolist()
        [64.0, 53.33, 42.67, 32.0]
    """
    key = _fast.call_key(x, size, scale_factor, spec, preset, roi)
    if key is not None:
        call = _fast.CALLS.get(key)
        if call is not None:
            return call(x)
    check_input(x)
    given = spec
    spec = resolve_spec(spec, preset)
    if torch.jit.is_tracing():  # torch.jit.trace, torch.onnx.export(dynamo=False): sizes follow the shapes
        from . import _traced

        shape = _traced.concrete_size(tuple(x.shape))
        plans = plan(shape, _traced.concrete_size(size), scale_factor, spec, roi)
        return _traced.traced_resize(x, size, scale_factor, spec, roi, plans, shape)
    plans = plan(tuple(x.shape), size, scale_factor, spec, roi)
    check_preset_domain(preset, [p.in_size for p in plans], size, scale_factor, roi)
    sizes = [p.out_size for p in plans]
    scales = None if plans[0].scale is None else [float(p.scale) for p in plans]
    roi_flat = None
    if plans[0].roi is not None:
        roi_flat = [float(p.roi[0]) for p in plans] + [float(p.roi[1]) for p in plans]
    if torch.onnx.is_in_onnx_export():
        from ._onnx import export_resize

        requested = None
        if size is not None:
            entries = tuple(size) if isinstance(size, (list, tuple)) else (size,) * len(plans)
            static = all(_is_static(v) for v in entries)  # else symbolic (dynamo with dynamic_shapes)
            requested = check_sizes(entries, len(plans)) if static else entries
        return export_resize(x, plans, spec, requested)
    args = (sizes, scales, roi_flat, *_ops.spec_args(spec))
    if key is not None:
        _fast.remember(key, x, given, spec, args)
    return _ops.Resize.apply(x, *args)
