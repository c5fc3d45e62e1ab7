"""Presets: the spec that reproduces each real library's resize, with the exact call it reproduces.

Every preset is proven against the real library by ``tests/test_presets_*.py``; where a library cannot
be matched exactly, that test pins the measured bound and SPEC.md ("Library quirks") says why.
"""

from __future__ import annotations

import dataclasses
from typing import Mapping

from .spec import ResizeSpec


@dataclasses.dataclass(frozen=True)
class Preset:
    """A named spec and the library call it reproduces."""

    name: str
    spec: ResizeSpec
    call: str
    library: str


def _p(name: str, library: str, call: str, **fields) -> Preset:
    return Preset(name, ResizeSpec(**fields), call, library)


_LINEAR = dict(mode="linear")
_PRESET_LIST = [
    # --- Chainer -----------------------------------------------------------------------------------
    _p("chainer", "chainer", "chainer.functions.resize_images(x, output_shape)  # mode='bilinear', align_corners=True",
       **_LINEAR, coordinate_transformation_mode="align_corners", coordinate_arithmetic="float64_multiply"),
    _p("chainer_half_pixel", "chainer", "chainer.functions.resize_images(x, output_shape, align_corners=False)",
       **_LINEAR, coordinate_transformation_mode="half_pixel", coordinate_arithmetic="float64_multiply"),
    _p("chainer_nearest", "chainer", "chainer.functions.resize_images(x, output_shape, mode='nearest')",
       mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor",
       coordinate_arithmetic="float64_multiply"),
    # --- PyTorch -----------------------------------------------------------------------------------
    _p("pytorch_nearest", "torch", "torch.nn.functional.interpolate(x, size, mode='nearest')",
       mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor",
       coordinate_arithmetic="float32_multiply"),
    _p("pytorch_nearest_exact", "torch", "torch.nn.functional.interpolate(x, size, mode='nearest-exact')",
       mode="nearest", coordinate_transformation_mode="tf_half_pixel_for_nn", nearest_mode="floor",
       coordinate_arithmetic="float32_multiply"),  # small 2-D outputs; 1-D, 3-D, larger 2-D: float32_fma
    _p("pytorch_bilinear", "torch", "torch.nn.functional.interpolate(x, size, mode='bilinear', align_corners=False)",
       **_LINEAR, coordinate_transformation_mode="half_pixel", coordinate_arithmetic="float32_multiply"),
    _p("pytorch_bilinear_align_corners", "torch",
       "torch.nn.functional.interpolate(x, size, mode='bilinear', align_corners=True)",
       **_LINEAR, coordinate_transformation_mode="align_corners", coordinate_arithmetic="float32_multiply"),
    _p("pytorch_bilinear_antialias", "torch",
       "torch.nn.functional.interpolate(x, size, mode='bilinear', align_corners=False, antialias=True)",
       **_LINEAR, coordinate_transformation_mode="half_pixel", antialias=1, exclude_outside=1,
       coordinate_arithmetic="float32_multiply"),
    _p("pytorch_bicubic", "torch", "torch.nn.functional.interpolate(x, size, mode='bicubic', align_corners=False)",
       mode="cubic", coordinate_transformation_mode="half_pixel", cubic_coeff_a=-0.75,
       coordinate_arithmetic="float32_multiply"),
    _p("pytorch_bicubic_align_corners", "torch",
       "torch.nn.functional.interpolate(x, size, mode='bicubic', align_corners=True)",
       mode="cubic", coordinate_transformation_mode="align_corners", cubic_coeff_a=-0.75,
       coordinate_arithmetic="float32_multiply"),
    _p("pytorch_bicubic_antialias", "torch",
       "torch.nn.functional.interpolate(x, size, mode='bicubic', align_corners=False, antialias=True)",
       mode="cubic", coordinate_transformation_mode="half_pixel", cubic_coeff_a=-0.5, antialias=1,
       exclude_outside=1, coordinate_arithmetic="float32_multiply"),
    # --- TensorFlow 2 / Keras ------------------------------------------------------------------------
    _p("tf_bilinear", "tensorflow", "tf.image.resize(x, size)  # method='bilinear', antialias=False",
       **_LINEAR, coordinate_transformation_mode="half_pixel", coordinate_arithmetic="float32_multiply"),
    _p("tf_bilinear_antialias", "tensorflow", "tf.image.resize(x, size, method='bilinear', antialias=True)",
       **_LINEAR, coordinate_transformation_mode="half_pixel", antialias=1, exclude_outside=1,
       coordinate_arithmetic="float32_multiply"),
    _p("tf_nearest", "tensorflow", "tf.image.resize(x, size, method='nearest')",
       mode="nearest", coordinate_transformation_mode="tf_half_pixel_for_nn", nearest_mode="floor",
       coordinate_arithmetic="float32_multiply"),
    _p("tf_bicubic", "tensorflow", "tf.image.resize(x, size, method='bicubic')  # antialias=False",
       mode="cubic", coordinate_transformation_mode="half_pixel", cubic_coeff_a=-0.5, exclude_outside=1,
       coordinate_arithmetic="float32_multiply"),
    _p("tf_bicubic_antialias", "tensorflow", "tf.image.resize(x, size, method='bicubic', antialias=True)",
       mode="cubic", coordinate_transformation_mode="half_pixel", cubic_coeff_a=-0.5, antialias=1,
       exclude_outside=1, coordinate_arithmetic="float32_multiply"),
    _p("keras_bilinear", "keras", "keras.layers.Resizing(h, w)  # interpolation='bilinear'",
       **_LINEAR, coordinate_transformation_mode="half_pixel", coordinate_arithmetic="float32_multiply"),
    _p("keras_nearest", "keras", "keras.layers.Resizing(h, w, interpolation='nearest')",
       mode="nearest", coordinate_transformation_mode="tf_half_pixel_for_nn", nearest_mode="floor",
       coordinate_arithmetic="float32_multiply"),
    # --- TensorFlow 1 (tf.compat.v1) and TFLite --------------------------------------------------------
    _p("tf1_bilinear", "tensorflow", "tf.compat.v1.image.resize_bilinear(x, size)  # align_corners=False, half_pixel_centers=False",
       **_LINEAR, coordinate_transformation_mode="asymmetric", coordinate_arithmetic="float32_multiply"),
    _p("tf1_bilinear_align_corners", "tensorflow", "tf.compat.v1.image.resize_bilinear(x, size, align_corners=True)",
       **_LINEAR, coordinate_transformation_mode="align_corners", coordinate_arithmetic="float32_multiply"),
    _p("tf1_bilinear_half_pixel", "tensorflow",
       "tf.compat.v1.image.resize_bilinear(x, size, half_pixel_centers=True)",
       **_LINEAR, coordinate_transformation_mode="half_pixel", coordinate_arithmetic="float32_multiply"),
    _p("tf1_nearest", "tensorflow", "tf.compat.v1.image.resize_nearest_neighbor(x, size)  # align_corners=False, half_pixel_centers=False",
       mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor",
       coordinate_arithmetic="float32_multiply"),
    _p("tf1_nearest_align_corners", "tensorflow",
       "tf.compat.v1.image.resize_nearest_neighbor(x, size, align_corners=True)",
       mode="nearest", coordinate_transformation_mode="align_corners", nearest_mode="round_prefer_ceil",
       coordinate_arithmetic="float32_multiply"),
    _p("tf1_nearest_half_pixel", "tensorflow",
       "tf.compat.v1.image.resize_nearest_neighbor(x, size, half_pixel_centers=True)",
       mode="nearest", coordinate_transformation_mode="tf_half_pixel_for_nn", nearest_mode="floor",
       coordinate_arithmetic="float32_multiply"),
    _p("tf1_bicubic", "tensorflow",
       "tf.compat.v1.image.resize_bicubic(x, size)  # align_corners=False, half_pixel_centers=False",
       mode="cubic", coordinate_transformation_mode="asymmetric", cubic_coeff_a=-0.75,
       coordinate_arithmetic="float32_multiply"),
    _p("tf1_bicubic_align_corners", "tensorflow",
       "tf.compat.v1.image.resize_bicubic(x, size, align_corners=True)",
       mode="cubic", coordinate_transformation_mode="align_corners", cubic_coeff_a=-0.75,
       coordinate_arithmetic="float32_multiply"),
    _p("tf1_bicubic_half_pixel", "tensorflow",
       "tf.compat.v1.image.resize_bicubic(x, size, half_pixel_centers=True)",
       mode="cubic", coordinate_transformation_mode="half_pixel", cubic_coeff_a=-0.5, exclude_outside=1,
       coordinate_arithmetic="float32_multiply"),
    _p("keras_bicubic", "keras", "keras.layers.Resizing(h, w, interpolation='bicubic')",
       mode="cubic", coordinate_transformation_mode="half_pixel", cubic_coeff_a=-0.5, exclude_outside=1,
       coordinate_arithmetic="float32_multiply"),
    # TFLite builtin kernels (float32); a model converted from tf.compat.v1.image.resize_* keeps its flags
    _p("tflite_bilinear", "tensorflow", "TFLite RESIZE_BILINEAR(align_corners=False, half_pixel_centers=False)",
       **_LINEAR, coordinate_transformation_mode="asymmetric", coordinate_arithmetic="float32_multiply"),
    _p("tflite_bilinear_align_corners", "tensorflow", "TFLite RESIZE_BILINEAR(align_corners=True)",
       **_LINEAR, coordinate_transformation_mode="align_corners", coordinate_arithmetic="float32_multiply"),
    _p("tflite_bilinear_half_pixel", "tensorflow", "TFLite RESIZE_BILINEAR(half_pixel_centers=True)",
       **_LINEAR, coordinate_transformation_mode="half_pixel", coordinate_arithmetic="float32_multiply"),
    _p("tflite_nearest", "tensorflow",
       "TFLite RESIZE_NEAREST_NEIGHBOR(align_corners=False, half_pixel_centers=False)",
       mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor",
       coordinate_arithmetic="float32_multiply"),
    _p("tflite_nearest_align_corners", "tensorflow", "TFLite RESIZE_NEAREST_NEIGHBOR(align_corners=True)",
       mode="nearest", coordinate_transformation_mode="align_corners", nearest_mode="round_prefer_ceil",
       coordinate_arithmetic="float32_multiply"),
    _p("tflite_nearest_half_pixel", "tensorflow", "TFLite RESIZE_NEAREST_NEIGHBOR(half_pixel_centers=True)",
       mode="nearest", coordinate_transformation_mode="tf_half_pixel_for_nn", nearest_mode="floor",
       coordinate_arithmetic="float32_multiply"),
    # --- OpenCV ----------------------------------------------------------------------------------------
    _p("opencv_nearest", "opencv", "cv2.resize(x, (w, h), interpolation=cv2.INTER_NEAREST)",
       mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor",
       coordinate_arithmetic="float64_reciprocal"),
    _p("opencv_nearest_exact", "opencv", "cv2.resize(x, (w, h), interpolation=cv2.INTER_NEAREST_EXACT)  # OpenCV >= 5",
       mode="nearest", coordinate_transformation_mode="tf_half_pixel_for_nn", nearest_mode="floor",
       coordinate_arithmetic="float64_accumulate"),
    _p("opencv4_nearest_exact", "opencv",
       "cv2.resize(x, (w, h), interpolation=cv2.INTER_NEAREST_EXACT)  # OpenCV 4.x (Q16 fixed point)",
       mode="nearest", coordinate_transformation_mode="tf_half_pixel_for_nn", nearest_mode="floor",
       coordinate_arithmetic="q16_multiply"),
    _p("opencv_linear", "opencv", "cv2.resize(x, (w, h), interpolation=cv2.INTER_LINEAR)",
       **_LINEAR, coordinate_transformation_mode="half_pixel", coordinate_arithmetic="float64_reciprocal"),
    _p("opencv_cubic", "opencv", "cv2.resize(x, (w, h), interpolation=cv2.INTER_CUBIC)",
       mode="cubic", coordinate_transformation_mode="half_pixel", cubic_coeff_a=-0.75,
       coordinate_arithmetic="float64_reciprocal"),
    # --- Pillow ----------------------------------------------------------------------------------------
    _p("pillow_nearest", "pillow", "PIL.Image.Image.resize((w, h), PIL.Image.NEAREST)  # mode 'F'",
       mode="nearest", coordinate_transformation_mode="tf_half_pixel_for_nn", nearest_mode="floor",
       coordinate_arithmetic="float64_accumulate"),
    _p("pillow_bilinear", "pillow", "PIL.Image.Image.resize((w, h), PIL.Image.BILINEAR)  # mode 'F'",
       **_LINEAR, coordinate_transformation_mode="half_pixel", antialias=1, exclude_outside=1,
       coordinate_arithmetic="float64_multiply"),
    _p("pillow_bicubic", "pillow", "PIL.Image.Image.resize((w, h), PIL.Image.BICUBIC)  # mode 'F'",
       mode="cubic", coordinate_transformation_mode="half_pixel", cubic_coeff_a=-0.5, antialias=1,
       exclude_outside=1, coordinate_arithmetic="float64_multiply"),
    # --- onnxruntime -------------------------------------------------------------------------------------
    _p("onnx_upsample_nearest", "onnxruntime", "onnx Upsample(mode='nearest') run by onnxruntime",
       mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor",
       coordinate_arithmetic="float32_divide"),
    _p("onnx_upsample_linear", "onnxruntime", "onnx Upsample(mode='linear') run by onnxruntime",
       **_LINEAR, coordinate_transformation_mode="asymmetric", coordinate_arithmetic="float32_divide"),
    _p("onnx_resize_default", "onnxruntime", "onnx Resize() with default attributes run by onnxruntime",
       mode="nearest", coordinate_transformation_mode="half_pixel", nearest_mode="round_prefer_floor",
       coordinate_arithmetic="float32_divide"),
]

#: Preset name -> ``Preset`` (``.spec``, ``.call``, ``.library``).
PRESETS: Mapping[str, Preset] = {p.name: p for p in _PRESET_LIST}

# --- Beyond ONNX (issue 9): kernels no ONNX Resize node expresses -----------------------------------------
_PIL = dict(coordinate_transformation_mode="half_pixel", antialias=1, exclude_outside=1,
            coordinate_arithmetic="float64_multiply")
_TF = dict(coordinate_transformation_mode="half_pixel", exclude_outside=1, coordinate_arithmetic="float32_multiply")
# tf.image.resize's lanczos/gaussian/mitchellcubic run ScaleAndTranslate: inv_scale = 1 / float32(out / in)
_TF_SCALE_AND_TRANSLATE = dict(_TF, coordinate_arithmetic="float32_reciprocal")
_SPLINE = dict(coordinate_transformation_mode="half_pixel", coordinate_arithmetic="float64_multiply")
_EXTENSION_LIST = [
    _p("pillow_box", "pillow", "PIL.Image.Image.resize((w, h), PIL.Image.BOX)  # mode 'F'", mode="box", **_PIL),
    _p("pillow_hamming", "pillow", "PIL.Image.Image.resize((w, h), PIL.Image.HAMMING)  # mode 'F'",
       mode="hamming", **_PIL),
    _p("pillow_lanczos", "pillow", "PIL.Image.Image.resize((w, h), PIL.Image.LANCZOS)  # mode 'F'",
       mode="lanczos", lanczos_radius=3, **_PIL),
    # INTER_AREA averages areas only when no axis grows, else runs its 2-tap path on both axes (one call,
    # one rule: arguments.table_spec)
    _p("opencv_area", "opencv", "cv2.resize(x, (w, h), interpolation=cv2.INTER_AREA)",
       mode="area_or_two_tap", coordinate_transformation_mode="half_pixel", exclude_outside=1,
       coordinate_arithmetic="float64_reciprocal"),
    _p("opencv_lanczos4", "opencv", "cv2.resize(x, (w, h), interpolation=cv2.INTER_LANCZOS4)",
       mode="lanczos", lanczos_radius=4, coordinate_transformation_mode="half_pixel",
       coordinate_arithmetic="float64_reciprocal"),
    _p("tf_area", "tensorflow", "tf.image.resize(x, size, method='area')", mode="area", **_TF),
    _p("tf1_area", "tensorflow", "tf.compat.v1.image.resize_area(x, size)  # align_corners=False",
       mode="area", **_TF),
    _p("tf_lanczos3", "tensorflow", "tf.image.resize(x, size, method='lanczos3')  # antialias=False",
       mode="lanczos", lanczos_radius=3, **_TF_SCALE_AND_TRANSLATE),
    _p("tf_lanczos3_antialias", "tensorflow", "tf.image.resize(x, size, method='lanczos3', antialias=True)",
       mode="lanczos", lanczos_radius=3, antialias=1, **_TF_SCALE_AND_TRANSLATE),
    _p("tf_lanczos5", "tensorflow", "tf.image.resize(x, size, method='lanczos5')  # antialias=False",
       mode="lanczos", lanczos_radius=5, **_TF_SCALE_AND_TRANSLATE),
    _p("tf_lanczos5_antialias", "tensorflow", "tf.image.resize(x, size, method='lanczos5', antialias=True)",
       mode="lanczos", lanczos_radius=5, antialias=1, **_TF_SCALE_AND_TRANSLATE),
    _p("tf_gaussian", "tensorflow", "tf.image.resize(x, size, method='gaussian')  # antialias=False",
       mode="gaussian", gaussian_sigma=0.5, **_TF_SCALE_AND_TRANSLATE),
    _p("tf_gaussian_antialias", "tensorflow", "tf.image.resize(x, size, method='gaussian', antialias=True)",
       mode="gaussian", gaussian_sigma=0.5, antialias=1, **_TF_SCALE_AND_TRANSLATE),
    _p("tf_mitchellcubic", "tensorflow", "tf.image.resize(x, size, method='mitchellcubic')  # antialias=False",
       mode="mitchell", mitchell_b=1 / 3, mitchell_c=1 / 3, **_TF_SCALE_AND_TRANSLATE),
    _p("tf_mitchellcubic_antialias", "tensorflow",
       "tf.image.resize(x, size, method='mitchellcubic', antialias=True)",
       mode="mitchell", mitchell_b=1 / 3, mitchell_c=1 / 3, antialias=1, **_TF_SCALE_AND_TRANSLATE),
    _p("pytorch_area", "torch", "torch.nn.functional.interpolate(x, size, mode='area')  # adaptive_avg_pool",
       mode="adaptive_average"),
    _p("keras_lanczos3", "keras", "keras.layers.Resizing(h, w, interpolation='lanczos3')",
       mode="lanczos", lanczos_radius=3, **_TF_SCALE_AND_TRANSLATE),
    _p("keras_lanczos5", "keras", "keras.layers.Resizing(h, w, interpolation='lanczos5')",
       mode="lanczos", lanczos_radius=5, **_TF_SCALE_AND_TRANSLATE),
    # SciPy / scikit-image B-splines (consistent_resize.splines): grid_mode=True is half_pixel, r = in / out
    _p("skimage_linear", "skimage", "skimage.transform.resize(x, shape, order=1, anti_aliasing=False)  # mode='reflect'",
       mode="spline", spline_order=1, **_SPLINE),
    _p("skimage_cubic", "skimage",
       "skimage.transform.resize(x, shape, order=3, anti_aliasing=False, clip=False)  # mode='reflect'",
       mode="spline", spline_order=3, **_SPLINE),
    _p("scipy_zoom_linear", "scipy", "scipy.ndimage.zoom(x, (out_h / in_h, out_w / in_w), order=1, grid_mode=True)"
       "  # mode='constant', cval=0", mode="spline", spline_order=1, spline_constant_border=1, **_SPLINE),
    _p("scipy_zoom_cubic", "scipy", "scipy.ndimage.zoom(x, (out_h / in_h, out_w / in_w), order=3, grid_mode=True)"
       "  # mode='constant', cval=0", mode="spline", spline_order=3, spline_constant_border=1, **_SPLINE),
    _p("skimage_nearest", "skimage", "skimage.transform.resize(x, shape, order=0, anti_aliasing=False)",
       mode="nearest", coordinate_transformation_mode="tf_half_pixel_for_nn", nearest_mode="floor",
       coordinate_arithmetic="float64_multiply"),  # also scipy.ndimage.zoom(order=0, mode='mirror', grid_mode=True)
    # gaussian pre-blur + resize (consistent_resize.blur): scikit-image anti_aliasing, kornia antialias
    _p("skimage_linear_antialias", "skimage",
       "skimage.transform.resize(x, shape, order=1)  # anti_aliasing=True, its default when downsizing",
       mode="spline", spline_order=1, gaussian_preblur=1, **_SPLINE),
    _p("skimage_cubic_antialias", "skimage",
       "skimage.transform.resize(x, shape, order=3, anti_aliasing=True, clip=False)",
       mode="spline", spline_order=3, gaussian_preblur=1, **_SPLINE),
    _p("kornia_bilinear_antialias", "kornia", "kornia.geometry.transform.resize(x, size, antialias=True)"
       "  # interpolation='bilinear'", **_LINEAR, coordinate_transformation_mode="half_pixel",
       coordinate_arithmetic="float32_multiply", gaussian_preblur=2),
    _p("kornia_bicubic_antialias", "kornia",
       "kornia.geometry.transform.resize(x, size, interpolation='bicubic', antialias=True)",
       mode="cubic", coordinate_transformation_mode="half_pixel", cubic_coeff_a=-0.75,
       coordinate_arithmetic="float32_multiply", gaussian_preblur=2),
    _p("kornia_nearest_antialias", "kornia",
       "kornia.geometry.transform.resize(x, size, interpolation='nearest', antialias=True)",
       mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor",
       coordinate_arithmetic="float32_multiply", gaussian_preblur=2),
]

#: Presets beyond ONNX (``spec.mode`` in ``EXTENSION_MODES``; ``spec.to_onnx()`` refuses them), proven by
#: ``tests/test_presets_extensions.py``. Kept apart from ``PRESETS`` (the ONNX-expressible table that the
#: exporters, the README table and ``compare`` walk) until every framework layer exports them;
#: ``resize(..., preset=name)`` accepts both.
EXTENSION_PRESETS: Mapping[str, Preset] = {p.name: p for p in _EXTENSION_LIST}


def preset_spec(name: str) -> ResizeSpec:
    """The spec of a preset, with a clear error (and the closest names) for an unknown one."""
    from .arguments import resolve_spec

    return resolve_spec(preset=name)


def presets_equal_to(spec: ResizeSpec, *, ignore_arithmetic: bool = False) -> list[str]:
    """Names of the presets whose spec equals ``spec`` (optionally ignoring ``coordinate_arithmetic``)."""

    def key(s: ResizeSpec) -> ResizeSpec:
        return s.replace(coordinate_arithmetic="float64_divide") if ignore_arithmetic else s

    return [p.name for p in PRESETS.values() if key(p.spec) == key(spec)]
