"""TFLite conversion of a Keras model with our layers: checked before the converter runs.

A ``Resize`` (or ``AspectResize``) whose input has unknown spatial sizes (``keras.Input((None, None, C))``)
computes its tables in the graph, in float64 (``consistent_resize_tf.graph_tables``): TFLite's builtins have no
float64 arithmetic, and the converter fails with pages of MLIR ("Could not translate MLIR to FlatBuffer",
measured with TF 2.21: about 74 KB for one layer). ``check_tflite`` names each such layer and the fix (static
spatial sizes; the batch axis may stay ``None``); ``to_tflite`` checks, then converts. Static spatial sizes
give constant tables, applied with the GATHER, MUL, ADD (SELECT_V2) builtins.
"""

from __future__ import annotations

from typing import Any, List

import tensorflow as tf


def _our_layers(model) -> list:
    from .aspect import AspectResize
    from .layer import Resize

    found = []
    for layer in getattr(model, "layers", []):
        if isinstance(layer, (Resize, AspectResize)):
            found.append(layer)
        elif hasattr(layer, "layers"):  # a nested model
            found.extend(_our_layers(layer))
    return found


def _input_shape(layer):
    try:
        return tuple(layer.input.shape)
    except (AttributeError, ValueError):  # a layer used several times, or not yet called
        return None


def dynamic_layers(model) -> List[str]:
    """One line per layer of ours whose input has an unknown spatial size."""
    lines = []
    for layer in _our_layers(model):
        shape = _input_shape(layer)
        if shape is None:
            continue
        spatial = shape[1:3] if layer.data_format == "channels_last" else shape[2:4]
        if any(n is None for n in spatial):
            lines.append(f"layer {layer.name!r} has input shape {shape}")
    return lines


def check_tflite(model) -> None:
    """A ValueError, before any conversion, naming every layer of ours that TFLite builtins cannot run."""
    bad = dynamic_layers(model)
    if bad:
        raise ValueError(
            "give static spatial sizes for TFLite, e.g. keras.Input((224, 224, 3)) (only the batch axis may be "
            f"None): {'; '.join(bad)}: with unknown sizes the resize tables are computed in the graph in float64, "
            "which TFLite builtins cannot run")


#: the runtimes a TFLite model of ours is written for: LiteRT (``ai-edge-litert``) and TensorFlow's own
#: ``tf.lite.Interpreter``, with or without XNNPACK: constant tables through GATHER, MUL, ADD (SELECT_V2)
#: compute the spec in each of them (tests/test_tf_tflite.py, and the ``litert`` row of docs/runtimes.md)
TFLITE_RUNTIMES = ("litert",)


def to_tflite(model, *, runtime: str = "litert", **converter_attributes: Any) -> bytes:
    """``check_tflite(model)``, then ``tf.lite.TFLiteConverter.from_keras_model(model).convert()`` with
    ``converter_attributes`` set on the converter (e.g. ``optimizations=[...]``).

    ``runtime`` names the target (``TFLITE_RUNTIMES``; the ONNX runtimes take ONNX models, see
    ``consistent_resize_torch.table_graphs(runtime=...)``): the model is written so that it computes the
    spec there.
    """
    from consistent_resize._names import check_choice

    check_choice("runtime", runtime, TFLITE_RUNTIMES)
    check_tflite(model)
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    for name, value in converter_attributes.items():
        if not hasattr(converter, name):
            raise ValueError(f"TFLiteConverter has no attribute {name!r}")
        setattr(converter, name, value)
    return converter.convert()


__all__ = ["TFLITE_RUNTIMES", "check_tflite", "dynamic_layers", "to_tflite"]
