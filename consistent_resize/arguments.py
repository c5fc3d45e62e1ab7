"""Argument handling shared by the NumPy reference and every framework layer: which spec, which axes,
and the output size of each resized axis.

Output size (ONNX):
- ``size`` given: ``out = size``; the coordinate formula uses ``out / in`` (``scale=None`` here).
  With ``keep_aspect_ratio_policy`` ``not_larger`` (``not_smaller``) the common scale
  ``s = min`` (``max``) of ``size / in`` over the resized axes gives ``out = floor(s * in + 1/2)``, and
  ``s`` enters the formula.
- ``scale_factor`` given: ``out = floor(in * scale)``, and ``scale`` enters the coordinate formula.
"""

from __future__ import annotations

import math
import os
import numbers
from typing import Any, NamedTuple, Sequence

from ._names import check_choice
from .spec import ResizeSpec


#: Where a user sees every preset name (named in the error for an unknown preset).
PRESET_LISTING = "`consistent-resize presets`"

#: The largest output, in elements, that planning accepts (2**31: 8 GiB of float32). A larger one is
#: refused before anything is allocated (``check_output_size``). Override: set this attribute, or the
#: environment variable ``CONSISTENT_RESIZE_MAX_OUTPUT_ELEMENTS`` (read at each call); either wins
#: over the default, the attribute over the variable once set to something other than None.
MAX_OUTPUT_ELEMENTS: int | None = None
DEFAULT_MAX_OUTPUT_ELEMENTS = 2**31
_LIMIT_VARIABLE = "CONSISTENT_RESIZE_MAX_OUTPUT_ELEMENTS"


class AxisPlan(NamedTuple):
    """What one resized axis needs: lengths, the scale that enters the formula, and its roi."""

    in_size: int
    out_size: int
    scale: float | None
    roi: tuple[float, float] | None


def resolve_spec(spec: ResizeSpec | None = None, preset: str | None = None) -> ResizeSpec:
    """The spec named by ``spec`` or ``preset`` (not both); ``ResizeSpec()`` (ONNX's defaults) if neither."""
    if spec is not None and preset is not None:
        raise ValueError("give spec or preset, not both")
    if preset is not None:
        from .presets import PRESETS

        return PRESETS[check_choice("preset", preset, PRESETS, listing=PRESET_LISTING)].spec
    if spec is None:
        return ResizeSpec()
    if not isinstance(spec, ResizeSpec):
        raise TypeError(f"spec must be a ResizeSpec, got {type(spec).__name__}")
    return spec


def check_preset_domain(preset: str | None, in_sizes: Sequence[int], size: Any = None, scale_factor: Any = None,
                        roi: Any = None) -> None:
    """A ValueError naming ``preset`` and its proven domain where its library computes something else for
    these sizes (``Preset.check_domain``); nothing for ``preset=None`` or a preset proven for every size."""
    if preset is None:
        return
    from .presets import PRESETS

    chosen = PRESETS[preset]
    if chosen.departure is not None and all(isinstance(n, int) for n in in_sizes):
        chosen.check_domain(plan_axes(in_sizes, size, scale_factor, chosen.spec, roi))


def _as_tuple(name: str, value: Any, count: int | None) -> tuple:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a number or a sequence of numbers, got {value!r}")
    if isinstance(value, (numbers.Number,)) or getattr(value, "ndim", None) == 0:
        if count is None:
            raise ValueError(
                f"a single {name} needs the axes to resize; give a sequence with one entry per axis"
            )
        return (value,) * count
    try:
        values = tuple(value)
    except TypeError:
        raise TypeError(f"{name} must be a number or a sequence of numbers, got {value!r}") from None
    if count is not None and len(values) != count:
        raise ValueError(f"{name} has {len(values)} entries but {count} axes are resized")
    if not values:
        raise ValueError(f"{name} must not be empty")
    return values


def check_sizes(size: Any, count: int | None) -> tuple[int, ...]:
    """``size`` as a tuple of ints >= 1 (one per axis)."""
    values = _as_tuple("size", size, count)
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            if isinstance(v, numbers.Real) and float(v).is_integer() and not isinstance(v, bool):
                v = int(v)
            else:
                raise TypeError(f"size entries must be integers, got {v!r}")
        if v < 1:
            raise ValueError(f"size entries must be >= 1, got {int(v)}")
        out.append(int(v))
    return tuple(out)


def check_scales(scale_factor: Any, count: int | None) -> tuple[float, ...]:
    """``scale_factor`` as a tuple of finite floats > 0 (one per axis)."""
    values = _as_tuple("scale_factor", scale_factor, count)
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"scale_factor entries must be real numbers, got {v!r}")
        v = float(v)
        if not math.isfinite(v) or v <= 0:
            raise ValueError(f"scale_factor entries must be finite and > 0, got {v!r}")
        out.append(v)
    return tuple(out)


def check_roi(roi: Any, spec: ResizeSpec, count: int) -> list[tuple[float, float] | None]:
    """Per-axis ``(start, end)`` from an ONNX-style roi ``[starts..., ends...]`` of the resized axes."""
    if spec.coordinate_transformation_mode != "tf_crop_and_resize":
        if roi is not None:
            raise ValueError(
                "roi is only used with coordinate_transformation_mode='tf_crop_and_resize', "
                f"not {spec.coordinate_transformation_mode!r}"
            )
        return [None] * count
    if roi is None:
        return [(0.0, 1.0)] * count
    values = [float(v) for v in roi]
    if len(values) != 2 * count or not all(math.isfinite(v) for v in values):
        raise ValueError(f"roi must hold {2 * count} finite numbers (starts then ends), got {roi!r}")
    return [(values[i], values[count + i]) for i in range(count)]


def plan_axes(
    in_sizes: Sequence[int],
    size: Any = None,
    scale_factor: Any = None,
    spec: ResizeSpec | None = None,
    roi: Any = None,
) -> list[AxisPlan]:
    """Validate the size arguments and compute each resized axis' plan.

    Args:
        in_sizes: lengths of the resized axes.
        size, scale_factor: exactly one of them; a number applies to every axis.
        spec: the resolved spec.
        roi: for ``tf_crop_and_resize``: ``[starts..., ends...]`` (default: the whole input).
    """
    spec = spec if spec is not None else ResizeSpec()
    count = len(in_sizes)
    check_size_or_scale(size, scale_factor)
    rois = check_roi(roi, spec, count)
    if size is not None:
        sizes = check_sizes(size, count)
        scales: list[float | None] = [None] * count
        if spec.keep_aspect_ratio_policy != "stretch":
            ratios = [o / i for o, i in zip(sizes, in_sizes)]
            common = min(ratios) if spec.keep_aspect_ratio_policy == "not_larger" else max(ratios)
            sizes = tuple(max(int(common * i + 0.5), 1) for i in in_sizes)
            scales = [common] * count
    else:
        scales = list(check_scales(scale_factor, count))
        sizes = tuple(int(math.floor(i * s)) for i, s in zip(in_sizes, scales))
        for axis, (i, s, o) in enumerate(zip(in_sizes, scales, sizes)):
            if o < 1:
                raise ValueError(
                    f"scale_factor {s!r} gives output size {o} for input size {i} (resized axis {axis}); "
                    "the output size must be >= 1"
                )
    check_output_size(sizes)
    return [AxisPlan(int(i), o, s, r) for i, o, s, r in zip(in_sizes, sizes, scales, rois)]


def axis_grows(plan: Any) -> bool:
    """Whether an axis is upscaled as OpenCV's ``hal::resize`` decides it: ``1 / inv_scale < 1`` in float64,
    ``inv_scale`` the given scale or ``out / in`` (``plan``: anything with ``in_size``, ``out_size`` and
    ``scale``, e.g. an ``AxisPlan``)."""
    inv_scale = float(plan.scale) if plan.scale is not None else int(plan.out_size) / int(plan.in_size)
    return 1.0 / inv_scale < 1.0


def table_spec(spec: ResizeSpec, plans: Sequence[Any]) -> ResizeSpec:
    """The spec every resized axis' table is built with, planned from all resized axes at once.

    Every table is separable, but one mode picks its rule per call: ``area_or_two_tap`` (OpenCV
    ``INTER_AREA``, ``cv::hal::resize`` in modules/imgproc/src/resize.cpp) averages areas only when
    ``scale_x >= 1 and scale_y >= 1`` (no axis grows); otherwise it runs the linear path with area
    coefficients on every axis, the downscaled ones included. So, with ``grows`` = ``axis_grows(p)`` for
    some plan ``p``:

    - no axis grows: ``spec.replace(mode="area")`` (half_pixel; ``resizeArea_`` / ``resizeAreaFast_``);
    - some axis grows: ``spec.replace(mode="area_two_tap", coordinate_transformation_mode="asymmetric")``
      on every axis (``fx = (dx + 1) - (sx + 1) * inv_scale_x``, formula in ``consistent_resize.tables``).

    Any other spec is returned unchanged. Every layer (NumPy, PyTorch, TensorFlow, Chainer, the ONNX table
    graphs) builds its tables with this spec, so they all make the same choice; ``tables.axis_table``
    refuses the unplanned mode.

    Args:
        spec: the resolved spec of the call.
        plans: one entry per resized axis with ``in_size``, ``out_size`` and ``scale`` (``AxisPlan``).
    """
    if spec.mode != "area_or_two_tap":
        return spec
    if any(axis_grows(p) for p in plans):
        return spec.replace(mode="area_two_tap", coordinate_transformation_mode="asymmetric")
    return spec.replace(mode="area")


def output_limit() -> int:
    """The largest number of output elements per image and channel that planning accepts (see
    ``MAX_OUTPUT_ELEMENTS``)."""
    if MAX_OUTPUT_ELEMENTS is not None:
        return int(MAX_OUTPUT_ELEMENTS)
    value = os.environ.get(_LIMIT_VARIABLE)
    if value is None:
        return DEFAULT_MAX_OUTPUT_ELEMENTS
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{_LIMIT_VARIABLE} must be an integer, got {value!r}") from None


def check_output_size(sizes) -> None:
    """Refuse, before anything is allocated, resized axes whose product exceeds ``output_limit()`` (the
    output of one image and channel), naming the size and the float32 memory it would need."""
    elements = 1
    for v in sizes:  # a plain loop: torch.compile(fullgraph=True) traces this and takes no generator here
        elements *= int(v)
    limit = output_limit()
    if elements > limit:
        shape = "x".join(str(int(v)) for v in sizes)
        raise ValueError(
            f"output size {shape} is too large: {elements} elements per image and channel "
            f"({elements * 4 / 2**30:.3g} GiB of float32), over the limit of {limit}; give a smaller size or "
            f"scale_factor, or raise consistent_resize.arguments.MAX_OUTPUT_ELEMENTS ({_LIMIT_VARIABLE})"
        )


def check_size_or_scale(size: Any, scale_factor: Any) -> None:
    """Exactly one of ``size`` and ``scale_factor`` must be given."""
    if (size is None) == (scale_factor is None):
        raise ValueError("give exactly one of size and scale_factor")


def check_axes(ndim: int, axes: Any, count: int | None) -> tuple[int, ...]:
    """Normalised, distinct axes; default: the trailing ``count`` axes."""
    if axes is None:
        if count is None:
            raise ValueError(
                "a single number as size/scale_factor needs the axes to resize: give axes=..., "
                "or a sequence with one entry per axis"
            )
        if count > ndim:
            raise ValueError(f"{count} axes are resized but the input has only {ndim} dimensions")
        return tuple(range(ndim - count, ndim))
    axes = (axes,) if isinstance(axes, numbers.Integral) else tuple(axes)
    normal = []
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, numbers.Integral):
            raise TypeError(f"axes entries must be integers, got {a!r}")
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of range for an input with {ndim} dimensions")
        normal.append(int(a) % ndim)
    if len(set(normal)) != len(normal):
        raise ValueError(f"axes must be distinct, got {axes!r}")
    if count is not None and len(normal) != count:
        raise ValueError(f"{len(normal)} axes given but size/scale_factor has {count} entries")
    return tuple(normal)


def entry_count(size: Any, scale_factor: Any) -> int | None:
    """How many axes a sequence ``size``/``scale_factor`` names (None for a single number)."""
    value = size if size is not None else scale_factor
    if value is None or isinstance(value, numbers.Number) or getattr(value, "ndim", None) == 0:
        return None
    try:
        return len(value)
    except TypeError:
        return None
