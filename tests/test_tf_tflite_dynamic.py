"""TFLite with dynamic spatial sizes (issue 17, item 5): ``consistent_resize_tf.tflite`` says what to fix before
the converter runs; with static spatial sizes (the batch may stay None) the model converts to builtins and
computes the reference."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from consistent_resize import resize as reference  # noqa: E402
from consistent_resize_tf import Resize  # noqa: E402
from consistent_resize_tf.tflite import check_tflite, to_tflite  # noqa: E402


def _model(shape):
    inputs = keras.Input(shape)
    return keras.Model(inputs, Resize((8, 9), preset="pytorch_bilinear")(inputs))


def test_dynamic_spatial_sizes_are_named_before_conversion():
    model = _model((None, None, 3))
    with pytest.raises(ValueError) as error:
        to_tflite(model)
    message = str(error.value)
    assert message.startswith("give static spatial sizes") and "(None, None, None, 3)" in message
    assert len(message) < 400
    check_tflite(_model((5, 7, 3)))  # static: no complaint


def test_static_spatial_sizes_convert_and_compute_the_reference():
    if not hasattr(tf, "lite") or not hasattr(tf.lite, "Interpreter"):
        pytest.skip("tf.lite.Interpreter is not available")
    flatbuffer = to_tflite(_model((5, 7, 3)))
    interpreter = tf.lite.Interpreter(model_content=flatbuffer)
    interpreter.allocate_tensors()
    x = np.random.default_rng(0).random((1, 5, 7, 3), dtype=np.float32)
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    got = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    want = reference(x.astype(np.float64), (8, 9), preset="pytorch_bilinear", axes=(1, 2))
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


def test_runtime_is_checked_and_litert_runs_the_spec():
    """``to_tflite(..., runtime=...)`` names its target; an ONNX runtime there is refused by name, and the
    model for LiteRT computes the spec in LiteRT itself (ai-edge-litert, where installed)."""
    with pytest.raises(ValueError, match="runtime.*'openvino'.*litert"):
        to_tflite(_model((5, 7, 3)), runtime="openvino")
    flatbuffer = to_tflite(_model((5, 7, 3)), runtime="litert")
    litert = pytest.importorskip("ai_edge_litert.interpreter", reason="ai-edge-litert is in .venv-modern")
    interpreter = litert.Interpreter(model_content=flatbuffer)
    interpreter.allocate_tensors()
    x = np.random.default_rng(1).random((1, 5, 7, 3), dtype=np.float32)
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    got = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    want = reference(x.astype(np.float64), (8, 9), preset="pytorch_bilinear", axes=(1, 2))
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
