"""tract's ONNX ``Resize`` (``tract`` Python wheel, CPU): where it computes something other than the spec.

Measured on tract 0.23.9 (``MEASURED``) with ``consistent_resize_tools.runtime_matrix`` (``docs/runtimes.md``):
it loads every ONNX ``Resize`` attribute set (no refusal), its coordinates are the spec's float64 ones
(``ARITHMETIC``) to float32 rounding, and it departs from the spec (``mismatch``) where

- an output length comes from ``scales``: ``floor(float32(in) * float32(scale))`` (20 for 6 x 3.3333333,
  the spec 19);
- ``keep_aspect_ratio_policy``: output lengths ``round(common * in)`` with no floor at 1 (0 where the spec
  has 1);
- an axis has scale 1: copied unchanged, where ``tf_half_pixel_for_nn`` or a ``roi`` moves the spec's
  coordinates;
- ``pytorch_half_pixel`` with an output length 1: not the spec's coordinate;
- ``tf_crop_and_resize`` with a ``roi`` beyond the input (outputs that take ``extrapolation_value``);
- nearest picks that depend on the float arithmetic (a tie moved by float32 rounding);
- a coordinate just above an integer, where onnx's reference code (the spec's ``float64_divide``) moves the
  window one pixel down (``tables.reference_window_moves``) and tract does not.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from consistent_resize.arguments import AxisPlan
from consistent_resize.spec import ResizeSpec

from . import _checks
from . import onnxruntime as _ort

NAME = "tract"
MEASURED = ("0.23.9", "0.23.9")
ARITHMETIC = "float64_divide"
RULES = (
    "loads every ONNX `Resize` attribute set (no refusal measured); coordinates as the spec's float64 ones",
    "output lengths from `scales` in float32: `floor(float32(in) * float32(scale))` (6 x 3.3333333 -> 20, the spec 19)",
    "`keep_aspect_ratio_policy`: output lengths `round(common * in)` with no floor at 1 (0 where the spec has 1)",
    "an axis of scale 1 is copied unchanged (`tf_half_pixel_for_nn`, a `roi` would move it)",
    "`pytorch_half_pixel` with an output length 1: not the spec's coordinate",
    "`tf_crop_and_resize` with a `roi` beyond the input (outputs taking `extrapolation_value`): other values",
    "nearest picks at a tie that float32 rounding moves (e.g. asymmetric 7 -> 8, `round_prefer_ceil`, at 3.5)",
    "a coordinate just above an integer, where onnx's reference code moves the window one pixel down "
    "(`half_pixel_symmetric` 7 -> 5, cubic): tract reads the pixel above",
    "nearest with `exclude_outside=1`: a pick beyond the input is written as 0 (the spec clamps it; found by "
    "random exports for tract, `tests/export_cases.py --runtime tract`)",
)


def refusal(spec: ResizeSpec) -> str | None:
    """Why tract refuses the node of ``spec`` (None: it loads it)."""
    if spec.beyond_onnx:
        return f"{_ort.beyond_onnx_feature(spec)} is beyond ONNX Resize"
    return None


def normalised(spec: ResizeSpec, plans: Sequence[AxisPlan], scales_given: bool) -> ResizeSpec:
    """The spec to write into the node (``keep_aspect_ratio_policy`` has no effect with ``scales``)."""
    if scales_given and spec.keep_aspect_ratio_policy != "stretch":
        spec = spec.replace(keep_aspect_ratio_policy="stretch")
    if spec.mode == "nearest" and spec.exclude_outside:
        candidate = spec.replace(exclude_outside=0)  # no effect in the spec: a nearest pick is clamped
        if _ort.same_tables(spec, candidate, plans):
            spec = candidate
    return spec


def mismatch(spec: ResizeSpec, plans: Sequence[AxisPlan], requested=None, rank: int | None = None) -> str | None:
    """Why tract would not compute ``spec`` for these axis plans (None: it computes the spec)."""
    why = refusal(spec)
    if why is None and spec.mode == "nearest" and spec.exclude_outside:
        why = ("tract writes 0 for a nearest pick beyond the input when exclude_outside=1 (measured: ceil at the "
               "last output of 5 -> 8); the spec clamps it")
    if why is None and spec.keep_aspect_ratio_policy != "stretch" and requested is not None:
        common = plans[0].scale
        lengths = [int(np.floor(np.float32(common) * np.float32(p.in_size) + np.float32(0.5))) for p in plans]
        if lengths != [p.out_size for p in plans]:
            why = (f"tract computes keep_aspect_ratio_policy={spec.keep_aspect_ratio_policy!r} output lengths "
                   f"{lengths} (no floor at 1), the spec {[p.out_size for p in plans]}")
    if why is None and spec.coordinate_transformation_mode == "pytorch_half_pixel":
        if any(p.out_size == 1 < p.in_size for p in plans):  # a 1-pixel input has one pick anyway
            why = "tract computes pytorch_half_pixel with an output length 1 otherwise (not the spec's coordinate)"
    if why is None and spec.coordinate_transformation_mode == "tf_crop_and_resize":
        if any(_checks.extrapolates(p, spec) for p in plans):
            why = ("tract computes tf_crop_and_resize otherwise where a roi reaches beyond the input (outputs that "
                   "take extrapolation_value, and their neighbours)")
    return (why or _checks.output_sizes(NAME, spec, plans, requested)
            or _checks.copied_axes(NAME, spec, plans, keeps_length=False)
            or _checks.reference_window(NAME, spec, plans)
            or _checks.nearest_picks(NAME, spec, plans)
            or _checks.weights(NAME, spec, plans, ARITHMETIC))


__all__ = ["ARITHMETIC", "MEASURED", "NAME", "RULES", "mismatch", "normalised", "refusal"]
