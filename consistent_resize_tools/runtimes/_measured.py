"""Shared logic of the converter-chain rules that are measured, not yet modelled from source (``mnn``, ``ncnn``,
``onnx2tf``): a node passes only where its attribute family (mode, ``coordinate_transformation_mode``,
``nearest_mode``, ``antialias``) was computed as the spec in every measured case, and the generic float32
checks of ``_checks`` pass too. Everything else is flagged: conservative (false alarms, never silent on the
measured cases)."""

from __future__ import annotations

from typing import Sequence

from consistent_resize.arguments import AxisPlan
from consistent_resize.spec import ResizeSpec

from . import _checks


def family(spec: ResizeSpec) -> tuple:
    """The attribute family a measurement is grouped by."""
    nearest = spec.nearest_mode if spec.mode == "nearest" else ""
    return (spec.mode, spec.coordinate_transformation_mode, nearest, int(spec.antialias))


def mismatch(name: str, safe: Sequence[tuple], spec: ResizeSpec, plans: Sequence[AxisPlan], requested=None,
             arithmetic: str = "float32_multiply") -> str | None:
    """Why ``name`` is not known to compute ``spec`` for these plans (None: a measured-safe family, and the
    float32 output-size, copied-axis, nearest-tie and weight checks pass)."""
    if spec.beyond_onnx:
        return f"mode {spec.mode!r} is beyond ONNX Resize"
    if spec.keep_aspect_ratio_policy != "stretch" and requested is not None:
        return f"{name}: keep_aspect_ratio_policy={spec.keep_aspect_ratio_policy!r} gave other output shapes"
    if spec.coordinate_transformation_mode == "tf_crop_and_resize":
        return f"{name}: tf_crop_and_resize (roi, extrapolation_value) gave other values"
    if family(spec) not in safe:
        return (f"{name}: {spec.mode} / {spec.coordinate_transformation_mode}"
                f"{' / ' + spec.nearest_mode if spec.mode == 'nearest' else ''}"
                f"{' / antialias' if spec.antialias else ''} was not computed as the spec in every measured case")
    return (_checks.output_sizes(name, spec, plans, requested)
            or _checks.copied_axes(name, spec, plans, keeps_length=True)
            or _checks.nearest_picks(name, spec, plans)
            or _checks.weights(name, spec, plans, arithmetic))
