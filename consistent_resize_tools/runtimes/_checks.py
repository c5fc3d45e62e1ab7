"""Checks shared by the runtime rules (OpenVINO, tract): each returns None (this departure does not apply to
the sizes at hand) or the reason in words. A runtime's ``mismatch`` is the first reason of its checks.

The departures were measured with ``consistent_resize_tools.runtime_matrix`` (see ``docs/runtimes.md``).
Where the measurement shows a runtime departs somewhere in a family of nodes but not exactly where, the check
flags the family wherever the departure *could* change the result (a false alarm is counted; a silent pass
is a bug).
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from consistent_resize.arguments import AxisPlan
from consistent_resize.coordinates import source_coordinates
from consistent_resize.spec import ResizeSpec
from consistent_resize.tables import axis_table, reference_window_moves

from . import onnxruntime as _ort

#: The arithmetics a float32 runtime of unknown coordinate arithmetic may use: where nearest picks differ
#: between them, the runtime's picks are not known.
FLOAT32_ARITHMETICS = ("float64_divide", "float32_divide", "float32_multiply")


def _table(p: AxisPlan, spec: ResizeSpec):
    return axis_table(p.in_size, p.out_size, spec, p.scale, p.roi)


def _matrix(p: AxisPlan, spec: ResizeSpec):
    try:
        return _table(p, spec).matrix()
    except ValueError:  # weights summing to 0: no table
        return None


def extrapolates(p: AxisPlan, spec: ResizeSpec) -> bool:
    """Whether some output of the axis takes ``extrapolation_value`` (``tf_crop_and_resize`` beyond the input)."""
    try:
        return bool(_table(p, spec).outside.any())
    except ValueError:
        return True


def changes_tables(spec: ResizeSpec, other: ResizeSpec, plans: Sequence[AxisPlan], tolerance: float = 0.0,
                   other_plans: Optional[Sequence[AxisPlan]] = None):
    """The first axis where ``spec`` (with ``plans``) and ``other`` (with ``other_plans``, default ``plans``)
    give different matrices (beyond ``tolerance``), or None."""
    for axis, (p, q) in enumerate(zip(plans, other_plans if other_plans is not None else plans)):
        a, b = _matrix(p, spec), _matrix(q, other)
        if a is None or b is None:
            if a is not b:
                return axis
            continue
        if a.shape != b.shape or np.abs(a - b).max(initial=0.0) > tolerance:
            return axis
    return None


def output_sizes(name: str, spec: ResizeSpec, plans: Sequence[AxisPlan], requested=None) -> Optional[str]:
    """Output lengths from ``scales`` computed as ``floor(float32(in) * float32(scale))`` (6 x 3.3333333 gives
    20 in float32, 19 in the spec's float64)."""
    if spec.keep_aspect_ratio_policy != "stretch" and requested is not None:
        return None  # lengths from the policy: each runtime's own rule
    actual = _ort.runtime_plans(plans, spec.replace(keep_aspect_ratio_policy="stretch"), requested)
    for axis, (p, r) in enumerate(zip(plans, actual)):
        if r.out_size != p.out_size:
            return f"axis {axis}: {name} computes output size {r.out_size} (float32 arithmetic), the spec {p.out_size}"
    return None


def _scale32(p: AxisPlan) -> np.float32:
    if p.scale is not None:
        return np.float32(p.scale)
    return np.float32(p.out_size) / np.float32(p.in_size)


def copied_axes(name: str, spec: ResizeSpec, plans: Sequence[AxisPlan], keeps_length: bool) -> Optional[str]:
    """An axis of scale 1 (or, with ``keeps_length``, any axis that keeps its length) is copied unchanged by
    the runtime, where the spec may move its coordinates (``tf_half_pixel_for_nn``, a ``roi``, a scale other
    than ``out / in``)."""
    for axis, p in enumerate(plans):
        if _scale32(p) == 1 or (keeps_length and p.out_size == p.in_size):
            m = _matrix(p, spec)
            if m is None or m.shape != (p.in_size, p.in_size) or not np.array_equal(m, np.eye(p.in_size)):
                return (f"axis {axis} keeps its length {p.in_size}: {name} copies it unchanged, the spec moves "
                        "its coordinates")
    return None


#: Relative distance of a nearest coordinate from a rounding boundary within which a float32 runtime's pick
#: is not known (float32 rounding of the coordinate is ~6e-8 relative; ties computed in another order too).
TIE_DISTANCE = 1e-5


def _round(c: np.ndarray, nearest_mode: str, in_size: int) -> np.ndarray:
    picks = {"round_prefer_floor": np.ceil(c - 0.5), "round_prefer_ceil": np.floor(c + 0.5),
             "floor": np.floor(c), "ceil": np.ceil(c)}[nearest_mode]
    return np.clip(picks, 0, in_size - 1)


def nearest_picks(name: str, spec: ResizeSpec, plans: Sequence[AxisPlan], arithmetics=FLOAT32_ARITHMETICS,
                  tie_modes=("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")):
    """Nearest picks that depend on the float arithmetic: a coordinate at or within ``TIE_DISTANCE`` of a
    rounding boundary (asymmetric 7 -> 8 at 3.5: tract and OpenVINO pick 3 where ``round_prefer_ceil`` says 4),
    or picks that differ between ``arithmetics``: the runtime's picks there are not the spec's for certain.
    ``tie_modes``: the nearest modes whose ties count (a runtime measured to round ``floor``/``ceil`` ties as the
    spec leaves them out)."""
    if spec.mode != "nearest":
        return None
    for axis, p in enumerate(plans):
        c = source_coordinates(spec, p.in_size, p.out_size, p.scale, p.roi)
        eps = TIE_DISTANCE * np.maximum(1.0, np.abs(c))
        if spec.nearest_mode in tie_modes and not np.array_equal(_round(c - eps, spec.nearest_mode, p.in_size), _round(c + eps, spec.nearest_mode, p.in_size)):
            return (f"axis {axis} ({p.in_size} -> {p.out_size}): a nearest coordinate lies at (or within float32 "
                    f"rounding of) a tie of {spec.nearest_mode}; {name} may pick the other pixel")
        ours = _table(p, spec).index
        for arithmetic in arithmetics:
            other = _table(p, spec.replace(coordinate_arithmetic=arithmetic)).index
            if not np.array_equal(ours, other):
                return (f"axis {axis} ({p.in_size} -> {p.out_size}): nearest picks depend on the float arithmetic "
                        f"({spec.coordinate_arithmetic} and {arithmetic} differ); {name} may pick the other")
    return None


def reference_window(name: str, spec: ResizeSpec, plans: Sequence[AxisPlan]) -> Optional[str]:
    """The spec's window sits where onnx's reference code puts it (``float64_divide``: one pixel lower where
    ``c`` is just above an integer, ``tables.reference_window_moves``); a runtime evaluating the formula
    without that padding reads the pixel above there."""
    for axis, p in enumerate(plans):
        if reference_window_moves(spec, p.in_size, p.out_size, p.scale, p.roi):
            return (f"axis {axis} ({p.in_size} -> {p.out_size}): a coordinate lies just above an integer, where "
                    f"onnx's reference code (the spec's float64_divide) reads one pixel lower; {name} reads "
                    "the pixel above")
    return None


def weights(name: str, spec: ResizeSpec, plans: Sequence[AxisPlan], arithmetic: str) -> Optional[str]:
    """Linear/cubic weights of the runtime's arithmetic beyond the float32 tolerance of the spec's."""
    if spec.mode == "nearest" or spec.coordinate_arithmetic == arithmetic:
        return None
    runtime = spec.replace(coordinate_arithmetic=arithmetic)
    for axis, p in enumerate(plans):
        try:
            why = _ort._tables_differ(_table(p, spec), _table(p, runtime), spec)
        except ValueError:
            why = "the runtime's arithmetic gives an output with no weight"
        if why is not None:
            return f"axis {axis} ({p.in_size} -> {p.out_size}): {why} ({name} computes in {arithmetic})"
    return None


def ignored(name: str, attribute: str, spec: ResizeSpec, plans: Sequence[AxisPlan], default) -> Optional[str]:
    """The runtime ignores ``attribute``: a departure wherever setting it to ``default`` changes the tables."""
    if getattr(spec, attribute) == default:
        return None
    axis = changes_tables(spec, spec.replace(**{attribute: default}), plans)
    if axis is not None:
        return f"{name} ignores {attribute}={getattr(spec, attribute)!r} (axis {axis} changes without it)"
    return None


__all__ = ["FLOAT32_ARITHMETICS", "changes_tables", "copied_axes", "extrapolates", "ignored", "nearest_picks", "output_sizes",
           "reference_window", "weights"]
