"""OpenVINO's ONNX ``Resize`` (ONNX frontend -> ``Interpolate``, CPU plugin): what it refuses and where it
computes something other than the spec.

Two runtimes: ``openvino`` is the CPU plugin with ``INFERENCE_PRECISION_HINT=f32`` (the rules below);
``openvino-default`` is its default configuration, whose precision is the machine's: ``bf16`` on a CPU with
bf16 support (AVX512-BF16 / AMX), where every node is computed in bfloat16 (even nearest copies lose bits),
``f32`` elsewhere (then the rules of ``openvino``). ``DEFAULT.mismatch`` reads that precision from the
installed OpenVINO (``default_precision``), never assumes it.

Measured on OpenVINO 2026.4.1 (``MEASURED``) with ``consistent_resize_tools.runtime_matrix``
(``docs/runtimes.md``):

- refused at compile time: ``half_pixel_symmetric``, ``tf_crop_and_resize``;
- ``keep_aspect_ratio_policy`` is ignored (the ``sizes`` are the output lengths);
- ``exclude_outside`` is ignored, and antialias is not the spec's (cubic: ignored);
- output lengths from ``scales`` in float32 (``floor(float32(in) * float32(scale))``);
- an axis that keeps its length is copied unchanged (a scale other than 1 would move it);
- nearest picks at a tie that float32 rounding moves.
"""

from __future__ import annotations

import functools
import types
from typing import Sequence

from consistent_resize.arguments import AxisPlan
from consistent_resize.spec import ResizeSpec

from . import _checks, onnxruntime as _ort

NAME = "openvino"
MEASURED = ("2026.4.1", "2026.4.1")
ARITHMETIC = "float32_divide"
#: The nearest modes whose exact ties OpenVINO may round otherwise (measured: a 3.5 with round_prefer_ceil;
#: floor/ceil at an exact integer never departed in 4000 cases).
TIE_MODES = ("round_prefer_floor", "round_prefer_ceil")
RULES = (
    "CPU plugin with `INFERENCE_PRECISION_HINT=f32`",
    "refuses `half_pixel_symmetric` and `tf_crop_and_resize` (compile time)",
    "ignores `keep_aspect_ratio_policy` (the `sizes` are the output lengths)",
    "ignores `exclude_outside`; antialias is not the spec's (cubic: ignored)",
    "output lengths from `scales` in float32: `floor(float32(in) * float32(scale))`",
    "an axis that keeps its length is copied unchanged (`scales` 1.25 on a 3-wide axis would move it)",
    "nearest picks at a `round_prefer_*` tie (asymmetric 7 -> 8 at 3.5: OpenVINO picks 3), or where float32 "
    "rounding moves a pick",
)


def refusal(spec: ResizeSpec) -> str | None:
    """Why OpenVINO refuses (at compile time) the node of ``spec`` (None: it compiles it)."""
    if spec.beyond_onnx:
        return f"{_ort.beyond_onnx_feature(spec)} is beyond ONNX Resize"
    if spec.coordinate_transformation_mode in ("half_pixel_symmetric", "tf_crop_and_resize"):
        return f"OpenVINO refuses coordinate_transformation_mode={spec.coordinate_transformation_mode!r}"
    return None


def normalised(spec: ResizeSpec, plans: Sequence[AxisPlan], scales_given: bool) -> ResizeSpec:
    """The spec to write into the node: attributes OpenVINO ignores are dropped where they change nothing."""
    if scales_given and spec.keep_aspect_ratio_policy != "stretch":
        spec = spec.replace(keep_aspect_ratio_policy="stretch")
    for attribute in ("exclude_outside", "antialias"):
        candidate = spec.replace(**{attribute: 0})
        if getattr(spec, attribute) and _checks.changes_tables(spec, candidate, plans) is None:
            spec = candidate
    return spec


def mismatch(spec: ResizeSpec, plans: Sequence[AxisPlan], requested=None, rank: int | None = None) -> str | None:
    """Why OpenVINO (f32) would not compute ``spec`` for these axis plans (None: it computes the spec)."""
    why = refusal(spec)
    if why is None and spec.keep_aspect_ratio_policy != "stretch" and requested is not None:
        if tuple(p.out_size for p in plans) != tuple(int(r) for r in requested):
            why = (f"OpenVINO ignores keep_aspect_ratio_policy={spec.keep_aspect_ratio_policy!r}: output lengths "
                   f"{[int(r) for r in requested]}, the spec {[p.out_size for p in plans]}")
        else:  # the same lengths, but each axis scaled by its own out / in, not the common scale
            own = [AxisPlan(p.in_size, p.out_size, None, p.roi) for p in plans]
            for axis, (p, q) in enumerate(zip(plans, own)):
                if _checks.changes_tables(spec, spec, [p], 0.0, other_plans=[q]) is not None:
                    why = (f"OpenVINO ignores keep_aspect_ratio_policy={spec.keep_aspect_ratio_policy!r}: axis {axis} "
                           f"scales by {p.out_size}/{p.in_size}, the spec by the common scale {p.scale:.6g}")
                    break
    return (why or _checks.output_sizes(NAME, spec, plans, requested)
            or _checks.ignored(NAME, "exclude_outside", spec, plans, 0)
            or _checks.ignored(NAME, "antialias", spec, plans, 0)
            or _checks.copied_axes(NAME, spec, plans, keeps_length=True)
            or _checks.nearest_picks(NAME, spec, plans, tie_modes=TIE_MODES)
            or _checks.weights(NAME, spec, plans, ARITHMETIC))


@functools.lru_cache(maxsize=1)
def default_precision() -> str | None:
    """The inference precision of OpenVINO's CPU plugin in its default configuration on this machine
    (``"f32"``, ``"bf16"``, ``"f16"``), read from the installed OpenVINO; None where it is not installed."""
    try:
        import openvino
    except ImportError:
        return None
    hint = openvino.Core().get_property("CPU", "INFERENCE_PRECISION_HINT")
    return hint.get_type_name() if hasattr(hint, "get_type_name") else str(hint)


def _default_mismatch(spec: ResizeSpec, plans: Sequence[AxisPlan], requested=None, rank: int | None = None) -> str | None:
    precision = default_precision()
    if precision is None:
        return ("OpenVINO's default precision depends on the machine (bf16 where the CPU has it) and OpenVINO "
                "is not installed here to read it: compile with INFERENCE_PRECISION_HINT='f32'")
    if precision != "f32":
        return (f"OpenVINO's default configuration computes in {precision} on this machine "
                "(INFERENCE_PRECISION_HINT): compile with INFERENCE_PRECISION_HINT='f32'")
    return mismatch(spec, plans, requested)


#: ``openvino-default``: the CPU plugin's default configuration (its precision read from the machine).
DEFAULT = types.SimpleNamespace(
    NAME="openvino-default", MEASURED=MEASURED, ARITHMETIC=ARITHMETIC, refusal=refusal, normalised=normalised,
    mismatch=_default_mismatch, __name__=__name__,
    RULES=("the CPU plugin's default configuration: its `INFERENCE_PRECISION_HINT` is the machine's (bf16 on a "
           "CPU with bf16 support: every node in bfloat16, even nearest); read from the installed OpenVINO",
           "where that precision is f32: the rules of `openvino`"),
)

__all__ = ["ARITHMETIC", "DEFAULT", "MEASURED", "NAME", "RULES", "default_precision", "mismatch", "normalised",
           "refusal"]
