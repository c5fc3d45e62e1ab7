"""Real-library runners for the presets beyond ONNX (``consistent_resize.presets.EXTENSION_PRESETS``):
Pillow BOX/HAMMING/LANCZOS, OpenCV INTER_AREA/INTER_LANCZOS4, TensorFlow area/lanczos/gaussian/mitchellcubic,
Keras lanczos and PyTorch ``mode='area'``.

Each runner takes ``x`` (H, W) and ``(out_h, out_w)`` and returns the library's output as float64. The
libraries are imported inside the runners (through the per-library helpers), so importing this module
needs NumPy only.
"""

from __future__ import annotations

from . import register
from ._opencv_calls import _cv2_resize
from ._pillow_calls import _pil_resize
from ._tf_calls import _hw, _keras, _nhwc, _tf2
from ._torch_calls import interpolate


def _pillow(filter_name: str):
    def run(x, size):
        return _pil_resize(x, size, filter_name)

    run.__doc__ = f"``Image.fromarray(x.astype(float32)).resize((w, h), Image.{filter_name})`` (mode ``'F'``)."
    return run


def _opencv(flag_name: str):
    def run(x, size):
        return _cv2_resize(x, size, flag_name)

    run.__doc__ = f"``cv2.resize(x, (w, h), interpolation=cv2.{flag_name})``."
    return run


@register("tf1_area")
def tf1_area(x, size):
    """``tf.compat.v1.image.resize_area(x, size)`` (``align_corners=False``)."""
    import tensorflow as tf

    return _hw(tf.compat.v1.image.resize_area(_nhwc(x), [int(s) for s in size]), size)


register("pillow_box")(_pillow("BOX"))
register("pillow_hamming")(_pillow("HAMMING"))
register("pillow_lanczos")(_pillow("LANCZOS"))
register("opencv_area")(_opencv("INTER_AREA"))
register("opencv_lanczos4")(_opencv("INTER_LANCZOS4"))
register("tf_area")(_tf2("area"))
for _method in ("lanczos3", "lanczos5", "gaussian", "mitchellcubic"):
    register(f"tf_{_method}")(_tf2(_method))
    register(f"tf_{_method}_antialias")(_tf2(_method, antialias=True))
register("keras_lanczos3")(_keras("lanczos3"))
register("keras_lanczos5")(_keras("lanczos5"))


@register("pytorch_area")
def pytorch_area(x, size):
    """``torch.nn.functional.interpolate(x, size, mode='area')`` on float32 (``adaptive_avg_pool2d``)."""
    return interpolate(x, size, mode="area")
