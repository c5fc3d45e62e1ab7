"""ncnn (``pnnx`` wheel converts ONNX -> ``.ncnn.param/.bin``, the ``ncnn`` wheel runs it, CPU): measured, not
yet modelled from ncnn's source (``src/layer/interp.cpp``).

Measured on ncnn 1.0.20261020 with pnnx 20261020 (``MEASURED``) with ``consistent_resize_tools.runtime_matrix``
(300 random cases, seed 17): 49 computed as the spec, 116 other values, 5 other shapes, 130 not run (129 of
them: the converted net has no blob ``out0``, where pnnx folds the node or names its output otherwise; the
runner does not read the output name from the param file yet). No attribute family was computed as the spec
in every measured case: the rules flag every node (``SAFE`` is empty).
"""

from __future__ import annotations

from typing import Sequence

from consistent_resize.arguments import AxisPlan
from consistent_resize.spec import ResizeSpec

from . import _measured

NAME = "ncnn"
MEASURED = ("1.0.20261020", "1.0.20261020")
ARITHMETIC = "float32_divide"
SAFE: tuple = ()
RULES = (
    "pnnx maps `Resize` to ncnn `Interp` (resize_type, output size, align_corner only: no nearest_mode, "
    "cubic_coeff_a, exclude_outside or antialias parameter)",
    "no attribute family was computed as the spec in every measured case: every node is flagged",
)


def refusal(spec: ResizeSpec) -> str | None:
    return None


def normalised(spec: ResizeSpec, plans: Sequence[AxisPlan], scales_given: bool) -> ResizeSpec:
    return spec


def mismatch(spec: ResizeSpec, plans: Sequence[AxisPlan], requested=None, rank: int | None = None) -> str | None:
    """Why ncnn is not known to compute ``spec`` (always a reason: no safe family measured)."""
    return _measured.mismatch(NAME, SAFE, spec, plans, requested, ARITHMETIC)


__all__ = ["ARITHMETIC", "MEASURED", "NAME", "RULES", "SAFE", "mismatch", "normalised", "refusal"]
