"""litert-torch (PyTorch -> TFLite, run by LiteRT): what each ``F.interpolate`` call becomes in the ``.tflite``
model, and where the converted model computes something other than PyTorch eager.

Measured on litert-torch 0.10.0 (``MEASURED``; torch 2.13 CPU, ai-edge-litert 2.3.0's ``Interpreter``) by
``tools/litert_torch_sweep.py`` (97 converted models; its table is in ``docs/torch.md``, "litert-torch (PyTorch
-> TFLite)") and ``tests/test_runtimes_converters.py``: ``litert_torch.convert(module.eval(), (x,)).export(path)``,
4-D float32 inputs in [0, 255), the shapes 5x7 -> 8x4, 6x6 -> 60x60, 7x5 -> 3x11 (``size=``, and ``scale_factor=``
(1.7, 0.6), 10, (0.45, 2.3)), 4x4 -> 8x8 (``scale_factor=2``) and edge cases (8x8 -> 4x4, outputs of length
1, ``recompute_scale_factor=True``). The mapping is litert-torch's
``_convert/fx_passes/build_aten_composite_pass.py`` (composites ``odml.upsample_bilinear2d`` and
``tfl.resize_nearest_neighbor``) and ``backend/lowerings/_decomp_registry.py`` (the rest: PyTorch's own
decompositions):

- ``mode='bilinear'`` becomes one ``RESIZE_BILINEAR`` (``half_pixel_centers=True``; ``align_corners=True`` with
  ``align_corners=True``): the same as eager for every ``size=`` (max diff 9.2e-5 on [0, 255), float32
  rounding; the tables agree for every length pair 1..64 -> 1..64). The composite keeps the output size only,
  so TFLite's scale is ``in / out``: with a ``scale_factor`` whose ``1 / scale`` is not ``in / out`` (and
  ``align_corners=False``) eager uses ``1 / scale`` and the model differs: 5x7 by (1.7, 0.6): 50.4, 7x5 by
  (0.45, 2.3): 45.7, 5x7 by (2.5, 1.5): 55.7; with scale 10 on 6 (6 -> 60), 2 or 0.5, or
  ``recompute_scale_factor=True`` it is the same.
- ``mode='nearest'`` becomes ``RESIZE_NEAREST_NEIGHBOR`` with ``half_pixel_centers=True``, which picks
  ``floor((i + 0.5) * in / out)``, not PyTorch's ``floor(i * in / out)``: the same only where the picks agree
  (integer upscaling: 6x6 -> 60x60, 4x4 -> 8x8, 5x7 -> 10x21; 284 of the 4096 length pairs 1..64 -> 1..64);
  otherwise other pixels: 5x7 -> 8x4: 246, 7x5 -> 3x11: 206, 8x8 -> 4x4: 242, 5x7 -> 1x1: 72.3 (a
  litert-torch bug: the composite should not set ``half_pixel_centers``).
- ``nearest-exact`` (``GATHER_ND``), ``area`` (``GATHER_ND`` / ``SLICE`` / ``ADD`` / ``MUL`` or ``SUM``) and
  ``bicubic`` with either ``align_corners`` (``GATHER_ND`` / ``MUL`` / ``ADD``) are decomposed into gathers
  and arithmetic: the same as eager for every measured call (nearest-exact exactly; area max diff 1.5e-5,
  bicubic 3.4e-4 on [0, 255), float32 rounding), ``scale_factor`` included.
- a call whose eager result is no single spec (``consistent_resize_torch.plan_call`` refuses it: a
  ``scale_factor`` that keeps a length, 5 by 1.1) is flagged, not known (measured: the same as eager, a false
  alarm).
- ``antialias=True`` (bilinear, bicubic) is refused: "Lowering not found: aten._upsample_bilinear2d_aa.default"
  (``_upsample_bicubic2d_aa`` for bicubic).
- ``consistent_resize_torch.resize`` / ``Resize`` (every preset: pytorch_bilinear, chainer, tf1_bilinear,
  pillow_lanczos, pytorch_nearest, tf_nearest, tflite_bilinear_half_pixel measured) is refused: "Lowering not
  found: consistent_resize.resize.default" (the layer is one opaque ``torch.library`` operator and
  litert-torch lowers ATen ops only; registering the operator's body as a litert-torch decomposition fails
  too: "Could not guard on data-dependent expression"). For TFLite, export a spec through
  ``consistent_resize_tf`` (the ``litert`` rules) or use an ``F.interpolate`` call these rules pass.
"""

from __future__ import annotations

from typing import Any, Sequence

NAME = "litert-torch"
MEASURED = ("0.10.0", "0.10.0")
#: Written for a call that is decomposed into PyTorch's own gathers and arithmetic (computes eager).
DECOMPOSED = "decomposed"
#: The ``F.interpolate`` call on a 4-D input, by its preset (``consistent_resize_torch.preset_for``) -> what
#: litert-torch writes: a TFLite builtin ``(op, align_corners, half_pixel_centers)`` (a key of
#: ``litert.BUILTINS``: computed as that builtin's ``tflite_*`` preset, scale ``in / out``), ``DECOMPOSED``, or
#: None (the conversion is refused, ``REFUSED``).
WRITTEN = {
    "pytorch_nearest": ("RESIZE_NEAREST_NEIGHBOR", False, True),
    "pytorch_nearest_exact": DECOMPOSED,
    "pytorch_area": DECOMPOSED,
    "pytorch_bilinear": ("RESIZE_BILINEAR", False, True),
    "pytorch_bilinear_align_corners": ("RESIZE_BILINEAR", True, False),
    "pytorch_bicubic": DECOMPOSED,
    "pytorch_bicubic_align_corners": DECOMPOSED,
    "pytorch_bilinear_antialias": None,
    "pytorch_bilinear_align_corners_antialias": None,
    "pytorch_bicubic_antialias": None,
    "pytorch_bicubic_align_corners_antialias": None,
}
#: The first line of litert-torch's error for each refused call.
REFUSED = {
    "pytorch_bilinear_antialias": "Lowering not found: aten._upsample_bilinear2d_aa.default",
    "pytorch_bilinear_align_corners_antialias": "Lowering not found: aten._upsample_bilinear2d_aa.default",
    "pytorch_bicubic_antialias": "Lowering not found: aten._upsample_bicubic2d_aa.default",
    "pytorch_bicubic_align_corners_antialias": "Lowering not found: aten._upsample_bicubic2d_aa.default",
}
#: litert-torch's error for ``consistent_resize_torch.resize`` / ``Resize`` (any preset).
LAYER_REFUSED = "Lowering not found: consistent_resize.resize.default"
#: The ``F.interpolate`` modes measured (on 4-D inputs); ``linear`` / ``trilinear`` were not.
MODES = ("nearest", "nearest-exact", "area", "bilinear", "bicubic")
RULES = (
    "bilinear: one `RESIZE_BILINEAR` (half_pixel_centers, or align_corners): eager for every `size=`; a "
    "`scale_factor` is dropped (TFLite uses in / out), so eager's 1 / scale differs where it is not in / out",
    "nearest: `RESIZE_NEAREST_NEIGHBOR(half_pixel_centers=True)`: other pixels than eager's floor(i * in / out) "
    "except where the picks agree (integer upscaling)",
    "nearest-exact, area, bicubic: decomposed into GATHER_ND / arithmetic: eager (float32 rounding)",
    "antialias=True: refused (no lowering of `aten._upsample_*_aa`)",
    "`consistent_resize_torch.resize` / `Resize`: refused (no lowering of `consistent_resize.resize`)",
)


def written(preset: str):
    """What litert-torch writes for the ``F.interpolate`` call of ``preset`` (see ``WRITTEN``)."""
    from consistent_resize._names import check_choice

    return WRITTEN[check_choice("preset", preset, WRITTEN)]


def _builtin_mismatch(preset: str, key: tuple, in_sizes, out_sizes, scale_factor) -> str | None:
    from consistent_resize.arguments import AxisPlan, plan_axes
    from consistent_resize.presets import preset_spec

    from . import _checks, litert

    spec = preset_spec(preset)
    plans = plan_axes(tuple(in_sizes), None if scale_factor is not None else tuple(out_sizes), scale_factor, spec)
    if out_sizes is not None and [p.out_size for p in plans] != list(out_sizes):
        raise ValueError(f"scale_factor {scale_factor!r} gives output sizes {[p.out_size for p in plans]}, "
                         f"not {list(out_sizes)}")
    sized = [AxisPlan(p.in_size, p.out_size, None, p.roi) for p in plans]
    builtin = litert.BUILTINS[key]
    tolerance = 0.0 if spec.mode == "nearest" else 1e-6
    axis = _checks.changes_tables(spec, preset_spec(builtin), plans, tolerance, other_plans=sized)
    if axis is None:
        return None
    p = plans[axis]
    flags = f"align_corners={key[1]}, half_pixel_centers={key[2]}"
    scale = "" if p.scale is None else f" (eager's scale 1 / {p.scale!r}, TFLite's in / out)"
    return (f"litert-torch writes {preset} as {key[0]}({flags}), which computes {builtin}: other values for "
            f"axis {axis + 2} ({p.in_size} -> {p.out_size}){scale}")


def mismatch(preset: str, in_sizes: Sequence[int] | None = None, out_sizes: Sequence[int] | None = None,
             scale_factor: Any = None) -> str | None:
    """Why the model litert-torch converts from the ``F.interpolate`` call of ``preset`` (on a 4-D input)
    computes something other than PyTorch eager (None: the same, to float32 rounding, nearest exactly).

    ``in_sizes`` / ``out_sizes`` (H, W) and ``scale_factor`` (as passed to ``F.interpolate``, without
    ``recompute_scale_factor``; give ``out_sizes`` alone for ``size=`` or a recomputed scale) decide the calls
    that become a TFLite builtin; without sizes, a builtin that departs for some sizes is flagged.
    """
    what = written(preset)
    if what is None:
        return f"litert-torch refuses the call of {preset}: {REFUSED[preset]}"
    if what == DECOMPOSED:
        return None
    if in_sizes is None:
        if preset == "pytorch_nearest":
            return ("litert-torch writes nearest as RESIZE_NEAREST_NEIGHBOR(half_pixel_centers=True): other "
                    "pixels than PyTorch's except where the picks agree (pass the sizes)")
        if scale_factor is not None:
            return (f"litert-torch drops the scale_factor of {preset} (RESIZE_BILINEAR uses in / out): other "
                    "values where 1 / scale is not in / out (pass the sizes)")
        return None
    return _builtin_mismatch(preset, what, in_sizes, out_sizes, scale_factor)


def call_mismatch(shape: Sequence[int], size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                  align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                  antialias: bool = False) -> str | None:
    """``mismatch`` for ``F.interpolate(x, size, scale_factor, mode, align_corners, recompute_scale_factor,
    antialias)`` with ``x`` of ``shape`` (N, C, H, W): None where the converted model computes the call."""
    from consistent_resize_torch.calls import UnsupportedCall, plan_call, preset_for

    if mode not in MODES or len(shape) != 4:
        return (f"litert-torch was measured on 4-D inputs with the modes {', '.join(MODES)}; not {mode!r} on "
                f"{len(shape)}-D")
    preset = preset_for(mode, align_corners, antialias)
    if written(preset) is None:
        return mismatch(preset)
    try:
        plan = plan_call(tuple(shape), size, scale_factor, mode, align_corners, recompute_scale_factor, antialias)
    except UnsupportedCall as error:
        return f"PyTorch's own result for this call is not one spec ({error}): not known"
    in_sizes = tuple(shape[2:])
    if plan.scale_factor is None:
        size = plan.size
        out_sizes = [size] * 2 if isinstance(size, int) else list(size)
        return mismatch(preset, in_sizes, out_sizes)
    return mismatch(preset, in_sizes, None, plan.scale_factor)


def layer_mismatch(preset: str | None = None) -> str:
    """Why the model litert-torch converts from ``consistent_resize_torch.resize`` / ``Resize`` (any preset or
    spec) does not compute it: the conversion is refused."""
    return f"litert-torch refuses consistent_resize_torch.resize ({preset or 'any preset'}): {LAYER_REFUSED}"


__all__ = ["DECOMPOSED", "LAYER_REFUSED", "MEASURED", "MODES", "NAME", "REFUSED", "RULES", "WRITTEN",
           "call_mismatch", "layer_mismatch", "mismatch", "written"]
