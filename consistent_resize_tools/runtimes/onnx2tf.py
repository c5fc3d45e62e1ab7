"""onnx2tf (ONNX -> TensorFlow -> TFLite ``m_float32.tflite``, run by LiteRT): measured, not yet modelled from
onnx2tf's source (``onnx2tf/ops/Resize.py``).

Measured on onnx2tf 1.29.24 (``MEASURED``; the last release for Python 3.11, installed with ``--no-deps``
over TF 2.21 / onnx 1.23 / onnx_graphsurgeon 0.6.1, see ``requirements/converters.txt``) with
``consistent_resize_tools.runtime_matrix`` (the first 120 random cases, seed 17): 14 computed as the spec, 32
other values, 74 refused (cubic converts to ``FlexResizeBicubic``, which LiteRT without Select-TF ops refuses;
others fail in the conversion). No attribute family was computed as the spec in enough cases to pass: the
rules flag every node (``SAFE`` is empty) until onnx2tf's mapping is modelled.
"""

from __future__ import annotations

from typing import Sequence

from consistent_resize.arguments import AxisPlan
from consistent_resize.spec import ResizeSpec

from . import _measured

NAME = "onnx2tf"
MEASURED = ("1.29.24", "1.29.24")
ARITHMETIC = "float32_multiply"
SAFE: tuple = ()
RULES = (
    "cubic becomes `FlexResizeBicubic` (Select-TF op): LiteRT's builtin interpreter refuses it",
    "no attribute family was computed as the spec in every measured case: every node is flagged",
)


def refusal(spec: ResizeSpec) -> str | None:
    if spec.mode == "cubic":
        return "onnx2tf converts cubic to FlexResizeBicubic, which LiteRT without Select-TF ops refuses"
    return None


def normalised(spec: ResizeSpec, plans: Sequence[AxisPlan], scales_given: bool) -> ResizeSpec:
    return spec


def mismatch(spec: ResizeSpec, plans: Sequence[AxisPlan], requested=None, rank: int | None = None) -> str | None:
    """Why onnx2tf + LiteRT are not known to compute ``spec`` (always a reason: no safe family measured)."""
    return refusal(spec) or _measured.mismatch(NAME, SAFE, spec, plans, requested, ARITHMETIC)


__all__ = ["ARITHMETIC", "MEASURED", "NAME", "RULES", "SAFE", "mismatch", "normalised", "refusal"]
