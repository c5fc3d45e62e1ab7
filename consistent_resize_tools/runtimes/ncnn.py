"""ncnn (``pnnx`` wheel converts ONNX -> ``.ncnn.param/.bin``, the ``ncnn`` wheel runs it, CPU): measured, not
yet modelled from ncnn's source (``src/layer/interp.cpp``).

Measured on ncnn 1.0.20261020 with pnnx 20261020 (``MEASURED``) with ``consistent_resize_tools.runtime_matrix``
(the first 100 random cases, seed 17): 16 computed as the spec, 39 other values, 2 other shapes, 43 refused
(pnnx prints "todo Resize" and writes a ``Resize`` layer, which ncnn has not: ``load_param`` fails; e.g.
asymmetric nearest ``round_prefer_ceil``). No attribute family was computed as the spec in every measured
case: the rules flag every node (``SAFE`` is empty).
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
    "nodes pnnx cannot map (it prints `todo Resize`) become a `Resize` layer ncnn cannot load: refused",
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
