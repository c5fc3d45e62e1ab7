"""Real-library runners for the TensorFlow 2, TensorFlow 1 (``tf.compat.v1``), Keras and TFLite presets.

Each runner takes ``x`` (H, W) and ``(out_h, out_w)``, runs the library eagerly on a float32
``(1, H, W, 1)`` (NHWC) tensor and returns the output as a float64 (H', W') array. TensorFlow and Keras
are imported inside each runner, so importing this module needs NumPy only.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import register


def _nhwc(x: np.ndarray):
    import tensorflow as tf

    return tf.constant(np.ascontiguousarray(x, dtype=np.float32)[None, :, :, None])


def _hw(y, size) -> np.ndarray:
    out_h, out_w = (int(s) for s in size)
    return np.asarray(y.numpy() if hasattr(y, "numpy") else y, dtype=np.float64).reshape(out_h, out_w)


def _tf2(method: str, antialias: bool = False):
    def run(x, size):
        import tensorflow as tf

        y = tf.image.resize(_nhwc(x), [int(s) for s in size], method=method, antialias=antialias)
        return _hw(y, size)

    run.__doc__ = f"``tf.image.resize(x, size, method={method!r}, antialias={antialias})``."
    return run


def _tf1(function: str, align_corners: bool = False, half_pixel_centers: bool = False):
    def run(x, size):
        import tensorflow as tf

        call = getattr(tf.compat.v1.image, function)
        y = call(_nhwc(x), [int(s) for s in size], align_corners=align_corners,
                 half_pixel_centers=half_pixel_centers)
        return _hw(y, size)

    run.__doc__ = (f"``tf.compat.v1.image.{function}(x, size, align_corners={align_corners}, "
                   f"half_pixel_centers={half_pixel_centers})``.")
    return run


def _keras(interpolation: str):
    def run(x, size):
        import keras

        backend = keras.backend.backend()
        if backend != "tensorflow":
            raise RuntimeError(f"the Keras presets are defined on the TensorFlow backend, not {backend!r}")
        layer = keras.layers.Resizing(int(size[0]), int(size[1]), interpolation=interpolation)
        return _hw(layer(_nhwc(x)), size)

    run.__doc__ = f"``keras.layers.Resizing(h, w, interpolation={interpolation!r})`` (TensorFlow backend)."
    return run


# TensorFlow 2: tf.image.resize
register("tf_bilinear")(_tf2("bilinear"))
register("tf_bilinear_antialias")(_tf2("bilinear", antialias=True))
register("tf_nearest")(_tf2("nearest"))
register("tf_bicubic")(_tf2("bicubic"))
register("tf_bicubic_antialias")(_tf2("bicubic", antialias=True))
# TensorFlow 1: tf.compat.v1.image.resize_*
register("tf1_bilinear")(_tf1("resize_bilinear"))
register("tf1_bilinear_align_corners")(_tf1("resize_bilinear", align_corners=True))
register("tf1_bilinear_half_pixel")(_tf1("resize_bilinear", half_pixel_centers=True))
register("tf1_nearest")(_tf1("resize_nearest_neighbor"))
register("tf1_nearest_align_corners")(_tf1("resize_nearest_neighbor", align_corners=True))
register("tf1_nearest_half_pixel")(_tf1("resize_nearest_neighbor", half_pixel_centers=True))
register("tf1_bicubic")(_tf1("resize_bicubic"))
register("tf1_bicubic_align_corners")(_tf1("resize_bicubic", align_corners=True))
register("tf1_bicubic_half_pixel")(_tf1("resize_bicubic", half_pixel_centers=True))
# Keras
register("keras_bilinear")(_keras("bilinear"))
register("keras_nearest")(_keras("nearest"))
register("keras_bicubic")(_keras("bicubic"))


# TFLite: the builtin RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR kernels of tf.lite.Interpreter
_TFLITE_OPS = {"bilinear": "ResizeBilinear", "nearest": "ResizeNearestNeighbor"}


def tflite_model(method: str, align_corners: bool, half_pixel_centers: bool, size=None, shape=None) -> bytes:
    """A converted TFLite model of one resize op (``method`` ``'bilinear'`` or ``'nearest'``).

    With ``size=None`` the output size is a second model input (the op keeps a dynamic size, as a model
    converted with a non-constant size does); with ``size`` and ``shape`` both are constants (the input is
    ``(1, *shape, 1)``), as in a typical converted model.
    """
    import tensorflow as tf

    op = getattr(tf.raw_ops, _TFLITE_OPS[method])
    if size is None:
        signature = [tf.TensorSpec([1, None, None, 1], tf.float32), tf.TensorSpec([2], tf.int32)]

        @tf.function(input_signature=signature)
        def model(x, out_size):
            return op(images=x, size=out_size, align_corners=align_corners, half_pixel_centers=half_pixel_centers)
    else:
        constant = [int(s) for s in size]

        @tf.function(input_signature=[tf.TensorSpec([1, *shape, 1], tf.float32)])
        def model(x):
            return op(images=x, size=tf.constant(constant, tf.int32), align_corners=align_corners,
                      half_pixel_centers=half_pixel_centers)

    converter = tf.lite.TFLiteConverter.from_concrete_functions([model.get_concrete_function()], model)
    return converter.convert()


def run_tflite(content: bytes, x: np.ndarray, size, delegates: bool = False) -> np.ndarray:
    """Run a model of ``tflite_model`` on ``x`` (H, W); ``delegates=False`` keeps TFLite's builtin kernels
    (no XNNPACK)."""
    import tensorflow as tf

    resolver = tf.lite.experimental.OpResolverType
    with warnings.catch_warnings():  # TF >= 2.20 points to ai_edge_litert; the interpreter still works
        warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated", category=UserWarning)
        interpreter = tf.lite.Interpreter(
            model_content=content,
            experimental_op_resolver_type=resolver.AUTO if delegates else resolver.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
        )
    inputs = interpreter.get_input_details()
    image = next(d for d in inputs if len(d["shape"]) == 4)
    interpreter.resize_tensor_input(image["index"], [1, *x.shape, 1])
    interpreter.allocate_tensors()
    interpreter.set_tensor(image["index"], np.ascontiguousarray(x, dtype=np.float32)[None, :, :, None])
    for detail in inputs:
        if detail is not image:
            interpreter.set_tensor(detail["index"], np.asarray([int(s) for s in size], np.int32))
    interpreter.invoke()
    return _hw(interpreter.get_tensor(interpreter.get_output_details()[0]["index"]), size)


_TFLITE_MODELS: dict = {}


def _tflite(method: str, align_corners: bool = False, half_pixel_centers: bool = False):
    def run(x, size):
        key = (method, align_corners, half_pixel_centers)
        if key not in _TFLITE_MODELS:  # one conversion per op configuration (dynamic output size)
            _TFLITE_MODELS[key] = tflite_model(method, align_corners, half_pixel_centers)
        return run_tflite(_TFLITE_MODELS[key], x, size)

    op = "RESIZE_BILINEAR" if method == "bilinear" else "RESIZE_NEAREST_NEIGHBOR"
    run.__doc__ = (f"TFLite {op}(align_corners={align_corners}, half_pixel_centers={half_pixel_centers}), "
                   "builtin kernel, run by ``tf.lite.Interpreter``.")
    return run


register("tflite_bilinear")(_tflite("bilinear"))
register("tflite_bilinear_align_corners")(_tflite("bilinear", align_corners=True))
register("tflite_bilinear_half_pixel")(_tflite("bilinear", half_pixel_centers=True))
register("tflite_nearest")(_tflite("nearest"))
register("tflite_nearest_align_corners")(_tflite("nearest", align_corners=True))
register("tflite_nearest_half_pixel")(_tflite("nearest", half_pixel_centers=True))
