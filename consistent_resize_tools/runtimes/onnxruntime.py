"""onnxruntime's CPU ``Resize``: what it refuses and where it computes something other than the spec.

Measured on onnxruntime 1.32 (``MEASURED``) by ``tests/test_export_policy.py`` (random exports from PyTorch and Chainer), the runtime
matrix and the preset suites; the
source is ``onnxruntime/core/providers/cpu/tensor/upsamplebase.h`` and ``upsample_antialias.h``.

Refused at load time (``refusal``):
- ``mode="cubic"`` on a tensor of rank other than 4 (2 spatial axes; "'Cubic' mode only supports 2-D inputs
  ('Bicubic') or 4-D inputs ...": measured on rank 3 and 5, up, down and mixed scales, with and without
  antialias);
- ``exclude_outside=1`` unless the mode is cubic, or linear with antialias ("exclude_outside can be set to 1
  when (1) mode is CUBIC, or (2) mode is LINEAR when anti-aliasing is enabled");
- ``antialias=1`` with nearest.

Computed otherwise (``mismatch``), for the sizes at hand:
- arithmetic: onnxruntime computes coordinates in float32 (``float32_divide``, see
  ``consistent_resize.coordinates``); a spec with another ``coordinate_arithmetic`` is computed the same only
  where both give the same nearest picks and weights within ``weight_tolerance`` (float32 rounding);
- output sizes from ``scales`` (and ``keep_aspect_ratio_policy``) in float32: ``floor(float32(in) *
  float32(scale))`` can be one less than the spec's (6 -> 20 with scale 10/3 gives 19);
- an output shape equal to the input shape is copied unchanged, whatever ``scales`` say (scale 1.25 on an
  axis of 3 keeps its length but moves the coordinates); with antialias every axis that keeps its length is
  copied unchanged, even when others change;
- with antialias, an output whose in-range taps all weigh 0 (a coordinate beyond the last pixel, e.g.
  ``tf_half_pixel_for_nn`` upscaling 1 -> 2 by 1.5) is written as 0, where the spec replicates the edge.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from consistent_resize.arguments import AxisPlan
from consistent_resize.spec import ResizeSpec
from consistent_resize.tables import axis_table

NAME = "onnxruntime"
#: Versions these rules were measured on (the tests read the installed version and say if it is outside).
MEASURED = ("1.32.0", "1.32.0")
#: The arithmetic of onnxruntime's Resize (see consistent_resize.coordinates).
ARITHMETIC = "float32_divide"
#: Weight tolerance of the arithmetic check (linear/cubic): at least this, and at least four float32 ulps of
#: the largest source coordinate (``4 * spacing(float32(in_size))``; a kernel's slope is at most ~1.5). Below
#: that the tables differ only by the float32 rounding of the coordinate that every float32 runtime has;
#: nearest picks (which such a rounding can flip) must match exactly.
WEIGHT_TOLERANCE = 1e-6


def weight_tolerance(in_size: int) -> float:
    """The largest weight difference the arithmetic check accepts for an axis of length ``in_size``."""
    return max(WEIGHT_TOLERANCE, 4 * float(np.spacing(np.float32(in_size))))


def _table(p: AxisPlan, spec: ResizeSpec):
    return axis_table(p.in_size, p.out_size, spec, p.scale, p.roi)


def same_tables(spec: ResizeSpec, other: ResizeSpec, plans: Sequence[AxisPlan]) -> bool:
    """Whether ``spec`` and ``other`` give the same per-axis matrices for ``plans``, exactly (False where one
    of them has no table: weights that sum to 0)."""
    for p in plans:
        try:
            if not np.array_equal(_table(p, spec).matrix(), _table(p, other).matrix()):
                return False
        except ValueError:
            return False
    return True


def normalised(spec: ResizeSpec, plans: Sequence[AxisPlan], scales_given: bool) -> ResizeSpec:
    """The spec to write into the node: ``spec``, except attributes that have no effect for these sizes and
    that onnxruntime refuses or misreads: ``keep_aspect_ratio_policy`` with ``scales`` (ONNX applies it to
    ``sizes`` only) becomes ``stretch``; ``exclude_outside=1`` becomes 0 on nearest and on linear without
    antialias where it gives the same tables (clamping and renormalising agree)."""
    if scales_given and spec.keep_aspect_ratio_policy != "stretch":
        spec = spec.replace(keep_aspect_ratio_policy="stretch")
    if spec.exclude_outside and not (spec.mode == "cubic" or (spec.mode == "linear" and spec.antialias)):
        candidate = spec.replace(exclude_outside=0)
        if same_tables(spec, candidate, plans):
            spec = candidate
    return spec


def beyond_onnx_feature(spec: ResizeSpec) -> str:
    """What puts ``spec`` beyond ONNX Resize, in words (``spec.beyond_onnx``): its extension mode, else its
    ``cubic_table_size`` (TensorFlow's bicubic table: a Resize node evaluates the kernel itself), else the mode
    (``gaussian_preblur``)."""
    if spec.mode == "cubic" and spec.cubic_table_size:
        return f"cubic_table_size={spec.cubic_table_size} (weights read from TensorFlow's bicubic table)"
    return f"mode {spec.mode!r}"


def refusal(spec: ResizeSpec, rank: int | None = None) -> str | None:
    """Why onnxruntime refuses to load the node of ``spec`` (None: it loads it); ``rank``: the input's rank,
    where known."""
    if spec.beyond_onnx:
        return f"{beyond_onnx_feature(spec)} is beyond ONNX Resize"
    if spec.mode == "cubic" and rank is not None and rank != 4:
        return f"onnxruntime runs mode 'cubic' on rank-4 inputs only (N, C, H, W), not rank {rank}"
    if spec.exclude_outside and not (spec.mode == "cubic" or (spec.mode == "linear" and spec.antialias)):
        return "onnxruntime refuses exclude_outside=1 except for cubic, or linear with antialias"
    if spec.antialias and spec.mode == "nearest":
        return "onnxruntime refuses antialias=1 with mode 'nearest'"
    return None


def runtime_plans(plans: Sequence[AxisPlan], spec: ResizeSpec, requested=None) -> list[AxisPlan]:
    """What onnxruntime computes (in float32) from the node: the output size and the scale of every axis.

    Args:
        plans: our plan of each resized axis.
        spec: the resolved spec.
        requested: the ``size`` asked for (needed when ``keep_aspect_ratio_policy`` is not ``stretch``: the
            node then carries it, with ``axes`` naming the resized axes).
    """
    f32 = np.float32
    if spec.keep_aspect_ratio_policy != "stretch" and plans[0].scale is not None and requested is not None:
        ratios = [f32(r) / f32(p.in_size) for r, p in zip(requested, plans)]
        common = min(ratios) if spec.keep_aspect_ratio_policy == "not_larger" else max(ratios)
        return [AxisPlan(p.in_size, int(np.floor(common * f32(p.in_size) + f32(0.5))), float(common), p.roi)
                for p in plans]
    if plans[0].scale is not None:
        return [AxisPlan(p.in_size, int(np.floor(f32(p.in_size) * f32(p.scale))), p.scale, p.roi) for p in plans]
    return list(plans)


def _tables_differ(ours, theirs, spec: ResizeSpec) -> str | None:
    if not np.array_equal(ours.outside, theirs.outside):
        return "a different set of outputs takes extrapolation_value"
    if spec.mode == "nearest":
        if not np.array_equal(ours.index, theirs.index):
            rows = np.flatnonzero((ours.index != theirs.index).any(axis=1))
            return f"nearest picks other input indices at outputs {rows[:8].tolist()}"
        return None
    if ours.index.shape == theirs.index.shape and np.array_equal(ours.index, theirs.index):
        error = float(np.abs(ours.weight - theirs.weight).max(initial=0.0))
    else:
        error = float(np.abs(ours.matrix() - theirs.matrix()).max(initial=0.0))
    tolerance = weight_tolerance(ours.in_size)
    if error > tolerance:
        return f"weights differ by up to {error:.3g} (tolerance {tolerance:.3g})"
    return None


def _copied_axes(plans: Sequence[AxisPlan], spec: ResizeSpec) -> list[int]:
    """The axes onnxruntime copies unchanged: all of them where no axis changes its length, and with antialias
    every axis that keeps its length."""
    keeps = [p.out_size == p.in_size for p in plans]
    if all(keeps):
        return list(range(len(plans)))
    # an axis of float32 scale 1 is skipped (measured: tf_half_pixel_for_nn, a roi would move it)
    unit = [i for i, p in enumerate(plans)
            if (np.float32(p.scale) if p.scale is not None else np.float32(p.out_size) / np.float32(p.in_size)) == 1]
    return sorted(set(unit) | ({i for i, k in enumerate(keeps) if k} if spec.antialias else set()))


def mismatch(spec: ResizeSpec, plans: Sequence[AxisPlan], requested=None, rank: int | None = None) -> str | None:
    """Why onnxruntime would not compute ``spec`` from its node for these axis plans (None: it would).

    Args:
        spec: the spec the node is written from (after ``normalised``).
        plans: one ``AxisPlan`` per resized axis (as ``consistent_resize.arguments.plan_axes`` gives).
        requested: the caller's ``size`` (see ``runtime_plans``).
        rank: the input's rank, where known (see ``refusal``).
    """
    why = refusal(spec, rank)
    if why is not None:
        return why
    runtime = spec.replace(coordinate_arithmetic=ARITHMETIC)
    actual = runtime_plans(plans, spec, requested)
    for axis, (p, r) in enumerate(zip(plans, actual)):
        if r.out_size != p.out_size:
            return (f"axis {axis}: onnxruntime computes output size {r.out_size} (float32 arithmetic), "
                    f"the spec {p.out_size}")
    copied = _copied_axes(plans, spec)
    for axis in copied:
        p = plans[axis]
        if not np.array_equal(_table(p, spec).matrix(), np.eye(p.in_size)):
            return (f"axis {axis} keeps its length {p.in_size}: onnxruntime copies it unchanged, but the spec "
                    "moves its coordinates (a scale other than 1)")
    if spec.antialias and not spec.exclude_outside:
        for axis, p in enumerate(plans):
            try:
                _table(p, spec.replace(exclude_outside=1))
            except ValueError:
                return (f"axis {axis} ({p.in_size} -> {p.out_size}): with antialias onnxruntime writes 0 where "
                        "an output's in-range taps all weigh 0; the spec replicates the edge there")
    for axis, (p, r) in enumerate(zip(plans, actual)):
        if axis in copied or (spec.coordinate_arithmetic == ARITHMETIC and r.scale == p.scale):
            continue  # a copied axis is the identity in both (checked above)
        why = _tables_differ(_table(p, spec), _table(r, runtime), spec)
        if why is not None:
            return f"axis {axis} ({p.in_size} -> {p.out_size}): {why}"
    return None


__all__ = ["ARITHMETIC", "MEASURED", "NAME", "mismatch", "normalised", "refusal", "runtime_plans", "same_tables",
           "weight_tolerance"]
