"""TFLite: a Keras model with the layer converts with builtin ops only (no Flex/select ops) and the TFLite
interpreter's output equals the Keras output bit for bit, for every preset and a list of other specs.

The layer applies tables as GATHER + MUL + ADD (and SELECT_V2 for ``extrapolation_value``); no native
resize kernel is used, so conversion cannot change the semantics.
"""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")
if not hasattr(tf, "lite") or not hasattr(tf.lite, "Interpreter"):
    pytest.skip("tf.lite.Interpreter is not available in this TensorFlow", allow_module_level=True)

from consistent_resize import PRESETS, ResizeSpec, reference  # noqa: E402
from consistent_resize.presets import EXTENSION_PRESETS  # noqa: E402
from consistent_resize_tf import Resize  # noqa: E402

pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="needs the TensorFlow Keras backend")

BUILTINS = {"GATHER", "MUL", "ADD", "SELECT_V2", "DELEGATE"}

EXTRA_SPECS = [
    ResizeSpec(),
    ResizeSpec(mode="nearest", coordinate_transformation_mode="half_pixel_symmetric", nearest_mode="ceil"),
    ResizeSpec(mode="nearest", coordinate_transformation_mode="align_corners", nearest_mode="round_prefer_ceil"),
    ResizeSpec(mode="linear", coordinate_transformation_mode="pytorch_half_pixel"),
    ResizeSpec(mode="linear", coordinate_transformation_mode="half_pixel_symmetric"),
    ResizeSpec(mode="cubic", cubic_coeff_a=-0.5, exclude_outside=0),
    ResizeSpec(mode="cubic", antialias=1, exclude_outside=0, coordinate_arithmetic="float32_divide"),
    ResizeSpec(mode="linear", keep_aspect_ratio_policy="not_smaller"),
    ResizeSpec(mode="linear", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-2.0),
    ResizeSpec(mode="nearest", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=5.0),
]
# beyond ONNX (issue 9): kernel parameters other than the presets', each coordinate mode, exclude_outside
EXTENSION_SPECS = [
    ResizeSpec(mode="lanczos", lanczos_radius=2, coordinate_transformation_mode="align_corners"),
    ResizeSpec(mode="lanczos", lanczos_radius=4, antialias=1, exclude_outside=1, coordinate_arithmetic="float32_reciprocal"),
    ResizeSpec(mode="gaussian", gaussian_sigma=0.8, antialias=1),
    ResizeSpec(mode="gaussian", gaussian_sigma=1.5, coordinate_transformation_mode="asymmetric", exclude_outside=1),
    ResizeSpec(mode="mitchell", mitchell_b=0.0, mitchell_c=0.5, coordinate_transformation_mode="pytorch_half_pixel"),
    ResizeSpec(mode="mitchell", mitchell_b=1.0, mitchell_c=0.0, antialias=1, coordinate_arithmetic="float64_multiply"),
    ResizeSpec(mode="box", coordinate_transformation_mode="half_pixel_symmetric"),
    ResizeSpec(mode="area", exclude_outside=0, coordinate_arithmetic="float64_divide"),
    ResizeSpec(mode="hamming", antialias=1, coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=3.0),
]
CASES = (
    [(name, p.spec) for name, p in PRESETS.items()]
    + [(s.describe(), s) for s in EXTRA_SPECS]
    + [(s.describe(), s) for s in EXTENSION_SPECS]
)


def _convert(model, shape):
    fn = tf.function(lambda t: model(t), input_signature=[tf.TensorSpec(shape, tf.float32)])
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], model)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]  # fails if a Flex op were needed
    return converter.convert()


def _run(flatbuffer, x):
    interpreter = tf.lite.Interpreter(model_content=flatbuffer)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    ops = {op["op_name"] for op in interpreter._get_ops_details()}
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"]), ops


@pytest.mark.parametrize("name,spec", CASES, ids=[c[0] for c in CASES])
def test_tflite_builtins_only_and_same_output(name, spec, library_counter):
    roi = [0.1, -0.2, 0.8, 1.2] if spec.coordinate_transformation_mode == "tf_crop_and_resize" else None
    shape = (1, 9, 7, 3)
    inputs = keras.Input(shape[1:], batch_size=1)
    layer = Resize((5, 12), spec=spec, roi=roi)
    model = keras.Model(inputs, layer(inputs))
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    got, ops = _run(_convert(model, shape), x)
    assert ops <= BUILTINS, f"unexpected ops {ops - BUILTINS}"
    want = model(x).numpy()
    np.testing.assert_array_equal(got, want)
    expected = reference.resize(x.astype(np.float64), (5, 12), spec=spec, axes=(1, 2), roi=roi)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    library_counter("TFLite conversions, builtins only, output == Keras")


@pytest.mark.parametrize(
    "shape,size,data_format",
    [((1, 11, 2), (4,), "channels_last"), ((1, 5, 6, 7, 2), (3, 8, 4), "channels_last"),
     ((1, 2, 9, 7), (5, 12), "channels_first")],
)
def test_tflite_other_ranks_and_layouts(shape, size, data_format, library_counter):
    inputs = keras.Input(shape[1:], batch_size=1)
    model = keras.Model(inputs, Resize(size, preset="pytorch_bicubic", data_format=data_format)(inputs))
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    got, ops = _run(_convert(model, shape), x)
    assert ops <= BUILTINS
    np.testing.assert_array_equal(got, model(x).numpy())
    library_counter("TFLite conversions, builtins only, output == Keras")
