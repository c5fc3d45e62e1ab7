"""tf2onnx (TensorFlow -> ONNX): the ``Resize`` node it writes for each TF resize call, and where that node (run
by onnxruntime) computes something other than the TF call.

Measured on tf2onnx 1.17.0 (``MEASURED``, TF 2.21, opset 18, onnxruntime 1.32) by
``tests/test_runtimes_converters.py`` (the TF calls of ``WRITTEN``, 5x7 -> 8x4, the converted model in onnxruntime
against TF itself); the mapping is ``tf2onnx/onnx_opset/nn.py`` (``Resize`` handlers, opset >= 11):

- ``ResizeBicubic`` is always written with ``cubic_coeff_a=-0.5, exclude_outside=1``: right for TF2 / half-pixel
  bicubic (the ``tf_bicubic`` preset), wrong for the legacy ``tf.compat.v1.image.resize_bicubic`` without
  ``half_pixel_centers`` (``tf1_bicubic``: Keys a=-0.75, no exclusion): max diff 0.051 on the measured case;
- nearest is written with ``nearest_mode=floor`` (asymmetric, ``tf_half_pixel_for_nn``) or ``align_corners`` +
  ``round_prefer_ceil``: exactly TF's picks (tf2onnx#2168 is about TensorRT, which reads these otherwise);
- ``tf.image.resize(..., antialias=True)`` (``ScaleAndTranslate``) is left unconverted: onnxruntime refuses
  the model ("invalid model").
"""

from __future__ import annotations

from consistent_resize.spec import ResizeSpec

NAME = "tf2onnx"
MEASURED = ("1.17.0", "1.17.0")
#: TF preset -> the attributes of the Resize node tf2onnx writes (None: no Resize, the op stays unconverted).
WRITTEN = {
    "tf1_bilinear": {"mode": "linear", "coordinate_transformation_mode": "asymmetric"},
    "tf_bilinear": {"mode": "linear", "coordinate_transformation_mode": "half_pixel"},
    "tf1_bicubic": {"mode": "cubic", "coordinate_transformation_mode": "asymmetric", "cubic_coeff_a": -0.5,
                    "exclude_outside": 1},
    "tf1_bicubic_half_pixel": {"mode": "cubic", "coordinate_transformation_mode": "half_pixel",
                               "cubic_coeff_a": -0.5, "exclude_outside": 1},
    "tf_bicubic": {"mode": "cubic", "coordinate_transformation_mode": "half_pixel", "cubic_coeff_a": -0.5,
                   "exclude_outside": 1},
    "tf1_nearest": {"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"},
    "tf_nearest": {"mode": "nearest", "coordinate_transformation_mode": "tf_half_pixel_for_nn",
                   "nearest_mode": "floor"},
    "tf1_nearest_align_corners": {"mode": "nearest", "coordinate_transformation_mode": "align_corners",
                                  "nearest_mode": "round_prefer_ceil"},
    "tf_bilinear_antialias": None,
}
RULES = (
    "bicubic always `cubic_coeff_a=-0.5, exclude_outside=1`: the legacy TF1 bicubic (a=-0.75) is changed",
    "nearest `floor` / align_corners `round_prefer_ceil`: TF's picks exactly",
    "`antialias=True` (ScaleAndTranslate) is left unconverted: onnxruntime refuses the model",
)


def written(preset: str) -> ResizeSpec | None:
    """The spec of the node tf2onnx writes for the TF call of ``preset`` (None: no Resize node)."""
    attrs = WRITTEN[preset]
    return None if attrs is None else ResizeSpec.from_onnx(attrs)


def mismatch(preset: str) -> str | None:
    """Why tf2onnx's node differs from the TF call of ``preset`` (None: the same attributes as the preset)."""
    from consistent_resize.presets import preset_spec

    node = written(preset)
    if node is None:
        return f"tf2onnx leaves {preset} unconverted (ScaleAndTranslate): onnxruntime refuses the model"
    source = preset_spec(preset)
    changed = [a for a in ("mode", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside")
               if getattr(node, a) != getattr(source, a)]
    if source.mode == "nearest" and node.nearest_mode != source.nearest_mode:
        changed.append("nearest_mode")
    if changed:
        return f"tf2onnx writes {preset} with other " + ", ".join(f"{a}={getattr(node, a)!r}" for a in changed)
    return None


__all__ = ["MEASURED", "NAME", "RULES", "WRITTEN", "mismatch", "written"]
