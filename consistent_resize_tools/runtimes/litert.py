"""LiteRT (``ai-edge-litert``, TFLite's runtime): which specs its builtin resize kernels compute.

LiteRT runs TFLite models, not ONNX: its resizes are the builtins ``RESIZE_BILINEAR`` and
``RESIZE_NEAREST_NEIGHBOR`` with the flags ``align_corners`` / ``half_pixel_centers`` and integer output
sizes. Measured on ai-edge-litert 2.3.0 (``MEASURED``) by ``consistent_resize_tools.runtime_matrix``
(``litert_results``: models converted from ``tf.compat.v1.image.resize_*`` with random sizes): each builtin
computes its preset (``BUILTINS``) exactly for nearest and to float32 rounding for bilinear. So a spec runs
on LiteRT as a builtin exactly where its tables for the sizes at hand are those of one of these presets
(``mismatch``); anything else (cubic, antialias, ``exclude_outside``, a scale other than ``out / in``, the other
coordinate modes) needs the exact table graph (Gather/Mul/Add: TFLite builtins too).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from consistent_resize.arguments import AxisPlan
from consistent_resize.spec import ResizeSpec

from . import _checks

NAME = "litert"
MEASURED = ("2.3.0", "2.3.0")
ARITHMETIC = "float32_multiply"
#: (builtin, align_corners, half_pixel_centers) -> the preset it computes (``consistent_resize.presets``).
BUILTINS = {
    ("RESIZE_BILINEAR", False, False): "tflite_bilinear",
    ("RESIZE_BILINEAR", True, False): "tflite_bilinear_align_corners",
    ("RESIZE_BILINEAR", False, True): "tflite_bilinear_half_pixel",
    ("RESIZE_NEAREST_NEIGHBOR", False, False): "tflite_nearest",
    ("RESIZE_NEAREST_NEIGHBOR", True, False): "tflite_nearest_align_corners",
    ("RESIZE_NEAREST_NEIGHBOR", False, True): "tflite_nearest_half_pixel",
}
RULES = (
    "TFLite builtins only: `RESIZE_BILINEAR` / `RESIZE_NEAREST_NEIGHBOR` with `align_corners` or "
    "`half_pixel_centers`, integer output sizes",
    "each builtin computes its `tflite_*` preset (nearest exactly, bilinear to float32 rounding)",
    "any other spec (cubic, antialias, exclude_outside, other coordinate modes, a scale other than out / in) "
    "is no builtin: export the exact table graph",
)


def refusal(spec: ResizeSpec) -> str | None:
    """Why no TFLite builtin resize expresses ``spec`` at all (None: one may, depending on the sizes)."""
    if spec.mode not in ("nearest", "linear") or spec.antialias:
        return f"no TFLite builtin resize computes {spec.describe()} (builtins: bilinear and nearest, no antialias)"
    return None


def builtin_for(spec: ResizeSpec, plans: Sequence[AxisPlan]):
    """The ``(builtin, align_corners, half_pixel_centers)`` that computes ``spec`` for ``plans`` (None: none)."""
    from consistent_resize.presets import preset_spec

    if refusal(spec) is not None:
        return None
    sized = [AxisPlan(p.in_size, p.out_size, None, p.roi) for p in plans]
    tolerance = 0.0 if spec.mode == "nearest" else 1e-6
    for key, name in BUILTINS.items():
        if (key[0] == "RESIZE_NEAREST_NEIGHBOR") != (spec.mode == "nearest"):
            continue
        if _checks.changes_tables(spec, preset_spec(name), plans, tolerance, other_plans=sized) is None:
            return key
    return None


def normalised(spec: ResizeSpec, plans: Sequence[AxisPlan], scales_given: bool) -> ResizeSpec:
    return spec


def mismatch(spec: ResizeSpec, plans: Sequence[AxisPlan], requested=None, rank: int | None = None) -> str | None:
    """Why no LiteRT builtin computes ``spec`` for these plans (None: one does, ``builtin_for``)."""
    why = refusal(spec)
    if why is not None:
        return why
    if builtin_for(spec, plans) is None:
        sizes = [f"{p.in_size} -> {p.out_size}" for p in plans]
        return (f"no TFLite builtin computes {spec.describe()} for {', '.join(sizes)} (they compute the tflite_* "
                "presets only)")
    return None


__all__ = ["ARITHMETIC", "BUILTINS", "MEASURED", "NAME", "RULES", "builtin_for", "mismatch", "normalised",
           "refusal"]
