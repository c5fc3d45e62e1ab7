"""Presets: the spec that reproduces each real library's resize, with the exact call it reproduces.

Every preset is proven against the real library by ``tests/test_presets_*.py``; where a library cannot
be matched exactly, that test pins the measured bound and SPEC.md ("Library quirks") says why.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Callable, Mapping, Optional, Sequence, Tuple

from .spec import ResizeSpec

if TYPE_CHECKING:  # pragma: no cover
    from .arguments import AxisPlan


@dataclasses.dataclass(frozen=True)
class Preset:
    """A named spec, the library call it reproduces, and where that is proven.

    ``proof`` is the test module that compares the spec with the real library (hypothesis cases with
    1-pixel axes, extreme ratios, up and down in one call); ``domain`` says which inputs it is proven for;
    ``also`` lists other libraries' calls proven to compute the same numbers (``tests/test_presets_*.py``
    run each). ``beyond_onnx``: no ONNX ``Resize`` node expresses the spec (exports write tables).
    Where the library is known to compute something else for some shapes, ``resize(..., preset=name)``
    refuses those shapes (``check_domain``) instead of approximating.
    """

    name: str
    spec: ResizeSpec
    call: str
    library: str
    proof: str = ""
    domain: str = ""
    also: Tuple[str, ...] = ()
    departure: Optional[Callable[[Sequence["AxisPlan"]], Optional[str]]] = dataclasses.field(
        default=None, compare=False, repr=False)

    @property
    def beyond_onnx(self) -> bool:
        """Whether no ONNX ``Resize`` node expresses the spec (``ResizeSpec.beyond_onnx``)."""
        return self.spec.beyond_onnx

    def check_domain(self, plans: Sequence["AxisPlan"]) -> None:
        """A ValueError naming the preset and its domain where the library computes something else."""
        why = self.departure(plans) if self.departure is not None else None
        if why:
            raise ValueError(
                f"preset {self.name!r} reproduces {self.library} only for {self.domain}; {why}"
            )


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
       coordinate_arithmetic="float32_separable"),
    _p("pytorch_bilinear_align_corners_antialias", "torch",
       "torch.nn.functional.interpolate(x, size, mode='bilinear', align_corners=True, antialias=True)",
       **_LINEAR, coordinate_transformation_mode="align_corners", antialias=1, exclude_outside=1,
       coordinate_arithmetic="float32_separable"),
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
       exclude_outside=1, coordinate_arithmetic="float32_separable"),
    _p("pytorch_bicubic_align_corners_antialias", "torch",
       "torch.nn.functional.interpolate(x, size, mode='bicubic', align_corners=True, antialias=True)",
       mode="cubic", coordinate_transformation_mode="align_corners", cubic_coeff_a=-0.5, antialias=1,
       exclude_outside=1, coordinate_arithmetic="float32_separable"),
    # HelperInterpLanczos (UpSampleKernel.cpp): interp_size 6, sinc(x) sinc(x / 3), the same separable
    # antialias geometry as bilinear/bicubic; beyond ONNX (mode lanczos). PyTorch refuses antialias=False
    # and align_corners=True for it.
    _p("pytorch_lanczos_antialias", "torch",
       "torch.nn.functional.interpolate(x, size, mode='lanczos', antialias=True)  # align_corners=False",
       mode="lanczos", lanczos_radius=3, coordinate_transformation_mode="half_pixel", antialias=1,
       exclude_outside=1, coordinate_arithmetic="float32_separable"),
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
       coordinate_arithmetic="float32_multiply", cubic_table_size=1024),
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
       coordinate_arithmetic="float32_multiply", cubic_table_size=1024),
    _p("tf1_bicubic_align_corners", "tensorflow",
       "tf.compat.v1.image.resize_bicubic(x, size, align_corners=True)",
       mode="cubic", coordinate_transformation_mode="align_corners", cubic_coeff_a=-0.75,
       coordinate_arithmetic="float32_multiply", cubic_table_size=1024),
    _p("tf1_bicubic_half_pixel", "tensorflow",
       "tf.compat.v1.image.resize_bicubic(x, size, half_pixel_centers=True)",
       mode="cubic", coordinate_transformation_mode="half_pixel", cubic_coeff_a=-0.5, exclude_outside=1,
       coordinate_arithmetic="float32_multiply", cubic_table_size=1024),
    _p("keras_bicubic", "keras", "keras.layers.Resizing(h, w, interpolation='bicubic')",
       mode="cubic", coordinate_transformation_mode="half_pixel", cubic_coeff_a=-0.5, exclude_outside=1,
       coordinate_arithmetic="float32_multiply", cubic_table_size=1024),
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

# --- JAX: jax.image.resize (scale = out / in as Python floats: float32_multiply) and scale_and_translate
# with a float32 scale array (1 / float32(out / in): float32_reciprocal); kernels evaluated exactly -----
_JAX_KERNEL = dict(coordinate_transformation_mode="half_pixel", exclude_outside=1)
_JAX_RESIZE = dict(_JAX_KERNEL, coordinate_arithmetic="float32_multiply")
_JAX_SCALE = dict(_JAX_KERNEL, coordinate_arithmetic="float32_reciprocal")
_SCALE_CALL = "jax.image.scale_and_translate(x, shape, (0, 1), jnp.float32(out / in), 0, method={!r}{})"
_JAX_LIST = [
    _p("jax_cubic", "jax", "jax.image.resize(x, shape, method='cubic', antialias=False)",
       mode="cubic", cubic_coeff_a=-0.5, **_JAX_RESIZE),
    _p("jax_lanczos3", "jax", "jax.image.resize(x, shape, method='lanczos3', antialias=False)",
       mode="lanczos", lanczos_radius=3, **_JAX_RESIZE),
    _p("jax_lanczos3_antialias", "jax", "jax.image.resize(x, shape, method='lanczos3')  # antialias=True",
       mode="lanczos", lanczos_radius=3, antialias=1, **_JAX_RESIZE),
    _p("jax_lanczos5", "jax", "jax.image.resize(x, shape, method='lanczos5', antialias=False)",
       mode="lanczos", lanczos_radius=5, **_JAX_RESIZE),
    _p("jax_lanczos5_antialias", "jax", "jax.image.resize(x, shape, method='lanczos5')  # antialias=True",
       mode="lanczos", lanczos_radius=5, antialias=1, **_JAX_RESIZE),
    _p("jax_scale_and_translate_linear", "jax", _SCALE_CALL.format("linear", ", antialias=False"),
       mode="linear", **_JAX_SCALE),
    _p("jax_scale_and_translate_linear_antialias", "jax", _SCALE_CALL.format("linear", ""),
       mode="linear", antialias=1, **_JAX_SCALE),
    _p("jax_scale_and_translate_cubic", "jax", _SCALE_CALL.format("cubic", ", antialias=False"),
       mode="cubic", cubic_coeff_a=-0.5, **_JAX_SCALE),
    _p("jax_scale_and_translate_cubic_antialias", "jax", _SCALE_CALL.format("cubic", ""),
       mode="cubic", cubic_coeff_a=-0.5, antialias=1, **_JAX_SCALE),
]

# --- one registry -------------------------------------------------------------------------------------
#: library -> the test module that proves its presets of ``_PRESET_LIST`` against it
_LIBRARY_PROOFS = {"chainer": "chainer", "torch": "torch", "tensorflow": "tf", "keras": "tf", "opencv": "opencv",
                   "pillow": "pillow", "onnxruntime": "onnxruntime"}
_EVERY_SIZE = ("every size pair the library takes (1-pixel axes, extreme ratios, up and down in one call); "
               "1 and 3 spatial axes apply the same kernel per axis")
#: preset -> other libraries' calls proven to compute its numbers (the ``CALLS`` lists of
#: ``consistent_resize_tools.libraries``, run by tests/test_presets_{jax,kornia,skimage,scipy,torchvision}.py)
_ALSO = {
    "pytorch_bilinear_antialias": ("jax.image.resize(x, shape, method='linear')",),
    "tf_bilinear": ("jax.image.resize(x, shape, method='linear', antialias=False)",),
    "tf_bicubic_antialias": ("jax.image.resize(x, shape, method='cubic')",),
    "tf_lanczos3_antialias": (_SCALE_CALL.format("lanczos3", ""),),
    "tf_lanczos3": (_SCALE_CALL.format("lanczos3", ", antialias=False"),),
    "tf_lanczos5_antialias": (_SCALE_CALL.format("lanczos5", ""),),
    "tf_lanczos5": (_SCALE_CALL.format("lanczos5", ", antialias=False"),),
    "pytorch_bilinear": ("kornia.geometry.transform.resize(x, size, interpolation='bilinear')",),
    "pytorch_bicubic": ("kornia.geometry.transform.resize(x, size, interpolation='bicubic')",),
    "pytorch_nearest": ("kornia.geometry.transform.resize(x, size, interpolation='nearest')",),
    "pytorch_nearest_exact": ("kornia.geometry.transform.resize(x, size, interpolation='nearest-exact')",),
    "pytorch_area": ("kornia.geometry.transform.resize(x, size, interpolation='area')",),
    "skimage_linear": ("scipy.ndimage.zoom(x, out / in, order=1, mode='mirror', grid_mode=True)",),
    "skimage_cubic": ("scipy.ndimage.zoom(x, out / in, order=3, mode='mirror', grid_mode=True)",),
    "skimage_nearest": ("scipy.ndimage.zoom(x, out / in, order=0, mode='mirror', grid_mode=True)",),
}
_TORCHVISION = "torchvision.transforms.v2.Resize((h, w){})(float_image)"
for _preset, _arguments in (
    ("pytorch_bilinear_antialias", ""),
    ("pytorch_bilinear", ", antialias=False"),
    ("pytorch_bicubic_antialias", ", interpolation=InterpolationMode.BICUBIC, antialias=True"),
    ("pytorch_bicubic", ", interpolation=InterpolationMode.BICUBIC, antialias=False"),
    ("pytorch_nearest", ", interpolation=InterpolationMode.NEAREST"),
    ("pytorch_nearest_exact", ", interpolation=InterpolationMode.NEAREST_EXACT"),
    ("pytorch_lanczos_antialias", ", interpolation=InterpolationMode.LANCZOS"),
):  # run by tests/test_presets_torchvision.py (consistent_resize_tools.libraries._torchvision_calls)
    _ALSO[_preset] = _ALSO.get(_preset, ()) + (_TORCHVISION.format(_arguments),)


def _nearest_exact_departure(plans) -> Optional[str]:
    """PyTorch's ``nearest-exact`` rounds ``(x + 0.5) * scale - 0.5`` once (``float32_fma``) on 1 and 3
    spatial axes and picks by the tensor's shape on 2; the preset rounds twice. Where the two read other
    pixels, the preset does not say what PyTorch computes."""
    import numpy as np

    from .tables import axis_table

    spec = PRESETS["pytorch_nearest_exact"].spec
    fused = spec.replace(coordinate_arithmetic="float32_fma")
    for axis, plan in enumerate(plans):
        ours = axis_table(plan.in_size, plan.out_size, spec, plan.scale, plan.roi).index
        theirs = axis_table(plan.in_size, plan.out_size, fused, plan.scale, plan.roi).index
        if not np.array_equal(ours, theirs):
            return (f"{plan.in_size} -> {plan.out_size} (resized axis {axis}) is not: for one rounding pass "
                    "spec=PRESETS['pytorch_nearest_exact'].spec.replace(coordinate_arithmetic='float32_fma')")
    return None


def _antialias_width_one_departure(plans) -> Optional[str]:
    """PyTorch's antialias with an output width of 1 and a resized height: ``basic_loop_aa_vertical``
    (``UpSampleKernel.cpp``) gives every row of a TensorIterator chunk the taps of the chunk's first row, so
    the result depends on ``N * C`` and the thread count (docs/presets-torch-chainer-onnxruntime.md)."""
    # (an input height of 1 gives every row the same taps anyway)
    if len(plans) >= 2 and plans[-1].out_size == 1 and any(1 < p.in_size != p.out_size for p in plans[:-1]):
        heights = ", ".join(f"{p.in_size} -> {p.out_size}" for p in plans[:-1])
        return (f"an output width of 1 with a resized height ({heights}) is not: PyTorch repeats the taps of one "
                "row there (basic_loop_aa_vertical), by chunks that depend on the thread count")
    return None


_AA_DOMAIN = ("every size pair but an output width of 1 with a resized input height above 1 (1-pixel axes, "
              "extreme ratios, up and down in one call)", _antialias_width_one_departure)
_DOMAINS = {
    "pytorch_nearest_exact": ("lengths where its one and two roundings read the same pixels (all but 23 of the "
                              "length pairs up to 199)", _nearest_exact_departure),
    "pytorch_bilinear_antialias": _AA_DOMAIN,
    "pytorch_bicubic_antialias": _AA_DOMAIN,
    "pytorch_bilinear_align_corners_antialias": _AA_DOMAIN,
    "pytorch_bicubic_align_corners_antialias": _AA_DOMAIN,
    "pytorch_lanczos_antialias": _AA_DOMAIN,
}


def _registered(preset: Preset, proof: str) -> Preset:
    domain, departure = _DOMAINS.get(preset.name, (_EVERY_SIZE, None))
    return dataclasses.replace(preset, proof=proof, domain=domain, departure=departure,
                               also=_ALSO.get(preset.name, ()))


#: Every preset: name -> ``Preset`` (``.spec``, ``.call``, ``.library``, ``.proof``, ``.domain``, ``.also``,
#: ``.beyond_onnx``). ``resize(..., preset=name)`` takes each of them in every framework.
PRESETS: Mapping[str, Preset] = {
    p.name: p for p in [
        *(_registered(p, f"tests/test_presets_{_LIBRARY_PROOFS[p.library]}.py") for p in _PRESET_LIST),
        *(_registered(p, "tests/test_presets_extensions.py") for p in _EXTENSION_LIST),
        *(_registered(p, "tests/test_presets_jax.py") for p in _JAX_LIST),
    ]
}

#: A view of ``PRESETS``: the presets proven by ``tests/test_presets_extensions.py`` (Pillow's, OpenCV's and
#: TensorFlow's kernels beyond the ONNX vocabulary, PyTorch's ``area``, the scikit-image, SciPy and kornia
#: presets); most are ``beyond_onnx``.
EXTENSION_PRESETS: Mapping[str, Preset] = {
    name: p for name, p in PRESETS.items() if p.proof == "tests/test_presets_extensions.py"}


def proven_by(test_module: str) -> list[str]:
    """The names of the presets that ``tests/<test_module>`` proves against their library, sorted."""
    return sorted(name for name, p in PRESETS.items() if p.proof == f"tests/{test_module}")


def preset_spec(name: str) -> ResizeSpec:
    """The spec of a preset, with a clear error (and the closest names) for an unknown one."""
    from .arguments import resolve_spec

    return resolve_spec(preset=name)


def presets_equal_to(spec: ResizeSpec, *, ignore_arithmetic: bool = False) -> list[str]:
    """Names of the presets whose spec equals ``spec`` (optionally ignoring ``coordinate_arithmetic``)."""

    def key(s: ResizeSpec) -> ResizeSpec:
        return s.replace(coordinate_arithmetic="float64_divide") if ignore_arithmetic else s

    return [p.name for p in PRESETS.values() if key(p.spec) == key(spec)]
