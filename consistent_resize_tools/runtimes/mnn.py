"""MNN (``mnn`` wheel: ``_tools.mnnconvert`` ONNX -> ``.mnn``, run by ``MNN.nn``, CPU): measured, not yet
modelled from MNN's source.

Measured on mnn 3.6.1 (``MEASURED``) with ``consistent_resize_tools.runtime_matrix`` (300 random single-Resize
cases, seed 17): 102 computed as the spec, 164 other values, 34 other shapes, no refusal: MNN converts every
node and computes something else silently (keep_aspect_ratio_policy, tf_crop_and_resize, antialias,
half_pixel_symmetric, cubic in most cases, nearest ceil / round_prefer_ceil in some). The rules pass only the
attribute families computed as the spec in every measured case (``SAFE``) and flag the rest.

Caution: ``MNN.tools.mnnconvert`` (the Python entry point) imports ``MNN.tools.utils.log``, which runs
``pip install -U aliyun-log-python-sdk`` with whatever ``pip`` is on PATH: the matrix calls ``_tools.mnnconvert``
with a PATH without pip.
"""

from __future__ import annotations

from typing import Sequence

from consistent_resize.arguments import AxisPlan
from consistent_resize.spec import ResizeSpec

from . import _measured

NAME = "mnn"
MEASURED = ("3.6.1", "3.6.1")
ARITHMETIC = "float32_divide"
#: (mode, coordinate_transformation_mode, nearest_mode, antialias) computed as the spec in every measured case.
SAFE = (
    ("linear", "asymmetric", "", 0),
    ("linear", "pytorch_half_pixel", "", 0),
    ("nearest", "asymmetric", "round_prefer_floor", 0),
    ("nearest", "half_pixel", "floor", 0),
    ("nearest", "half_pixel", "round_prefer_floor", 0),
    ("nearest", "pytorch_half_pixel", "floor", 0),
    ("nearest", "align_corners", "round_prefer_floor", 0),
)
RULES = (
    "converts and runs every ONNX `Resize` attribute set (no refusal measured): departures are silent",
    "computed as the spec in every measured case only: " + ", ".join("/".join(str(v) for v in f if v != "")
                                                                       for f in SAFE),
    "everything else is flagged (measured departures: keep_aspect_ratio_policy shapes, tf_crop_and_resize, "
    "antialias, half_pixel_symmetric, most cubic, nearest ceil / round_prefer_ceil)",
)


def refusal(spec: ResizeSpec) -> str | None:
    return None


def normalised(spec: ResizeSpec, plans: Sequence[AxisPlan], scales_given: bool) -> ResizeSpec:
    return spec


def mismatch(spec: ResizeSpec, plans: Sequence[AxisPlan], requested=None, rank: int | None = None) -> str | None:
    """Why MNN is not known to compute ``spec`` for these plans (None: a measured-safe family)."""
    return _measured.mismatch(NAME, SAFE, spec, plans, requested, ARITHMETIC)


__all__ = ["ARITHMETIC", "MEASURED", "NAME", "RULES", "SAFE", "mismatch", "normalised", "refusal"]
