"""Real-library runners for the onnxruntime presets: one ONNX ``Upsample`` or ``Resize`` node, built with
``onnx.helper`` and run by onnxruntime's CPU provider on a float32 (H, W) input.

``run_resize`` is the general call (any attributes, ``sizes`` or ``scales``, any opset); the preset
runners below fix the attributes. The input and the ``sizes``/``scales`` are graph inputs, so one
session (cached per node) runs every shape. ``onnx`` and ``onnxruntime`` are imported inside the
functions, so importing this module needs NumPy only.
"""

from __future__ import annotations

import functools
from typing import Any, Mapping

import numpy as np

from . import register


def _attribute_key(attributes: Mapping[str, Any]) -> tuple:
    return tuple(sorted((k, v.decode() if isinstance(v, bytes) else v) for k, v in attributes.items()))


@functools.lru_cache(maxsize=512)
def _session(op: str, opset: int, attribute_key: tuple, by: str, rank: int):
    """An onnxruntime session holding one ``op`` node; ``by`` is ``"sizes"`` or ``"scales"``."""
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper

    attributes = dict(attribute_key)
    initializers = []
    x_info = helper.make_tensor_value_info("X", TensorProto.FLOAT, [None] * rank)
    y_info = helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None] * rank)
    if op == "Upsample":
        inputs = [x_info, helper.make_tensor_value_info("scales", TensorProto.FLOAT, [rank])]
        node = helper.make_node("Upsample", ["X", "scales"], ["Y"], **attributes)
    else:
        inputs = [x_info, helper.make_tensor_value_info("roi", TensorProto.FLOAT, [2 * rank])]
        if by == "sizes":
            inputs.append(helper.make_tensor_value_info("sizes", TensorProto.INT64, [rank]))
            # opsets 11-12 need a scales input: an empty one (13+ also accept it)
            initializers.append(helper.make_tensor("no_scales", TensorProto.FLOAT, [0], []))
            names = ["X", "roi", "no_scales", "sizes"]
        else:
            inputs.append(helper.make_tensor_value_info("scales", TensorProto.FLOAT, [rank]))
            names = ["X", "roi", "scales"]
        node = helper.make_node("Resize", names, ["Y"], **attributes)
    graph = helper.make_graph([node], f"{op.lower()}_{opset}", inputs, [y_info], initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = min(model.ir_version, 8)  # onnxruntime reads IR 8 for every opset used here
    onnx.checker.check_model(model)
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = 1
    return onnxruntime.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )


def run_resize(
    x: np.ndarray,
    sizes=None,
    scales=None,
    *,
    attributes: Mapping[str, Any] | None = None,
    opset: int = 19,
    roi=None,
) -> np.ndarray:
    """onnxruntime's ``Resize`` (opset ``opset``) of every axis of ``x`` (float32), as float64.

    Args:
        x: the input, any rank >= 1; every axis is listed in ``sizes``/``scales``.
        sizes, scales: exactly one, one entry per axis of ``x``.
        attributes: the node's attributes (ONNX names); missing ones take ONNX's defaults.
        opset: 11, 13, 18 or 19.
        roi: ``[starts..., ends...]`` for ``tf_crop_and_resize`` (default: the whole input).
    """
    x = np.ascontiguousarray(x, dtype=np.float32)
    if (sizes is None) == (scales is None):
        raise ValueError("give exactly one of sizes and scales")
    by = "sizes" if sizes is not None else "scales"
    session = _session("Resize", int(opset), _attribute_key(attributes or {}), by, x.ndim)
    if roi is None:
        roi = [0.0] * x.ndim + [1.0] * x.ndim
    feeds = {"X": x, "roi": np.asarray(roi, dtype=np.float32)}
    if by == "sizes":
        feeds["sizes"] = np.asarray(sizes, dtype=np.int64)
    else:
        feeds["scales"] = np.asarray(scales, dtype=np.float32)
    (y,) = session.run(["Y"], feeds)
    return np.asarray(y, dtype=np.float64)


def run_upsample(x: np.ndarray, scales, *, mode: str = "nearest") -> np.ndarray:
    """onnxruntime's ``Upsample`` (opset 9; every scale >= 1) of every axis of ``x``, as float64."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    session = _session("Upsample", 9, (("mode", mode),), "scales", x.ndim)
    (y,) = session.run(["Y"], {"X": x, "scales": np.asarray(scales, dtype=np.float32)})
    return np.asarray(y, dtype=np.float64)


def output_length(in_size: int, scale: float) -> int:
    """onnxruntime's output length for a ``scales`` entry: ``int(float32(scale) * float32(in))``, the
    product rounded to float32 before truncation (ONNX says ``floor(in * scale)``: 10 x 0.7f gives 7 here,
    6 there)."""
    return int(np.float32(scale) * np.float32(in_size))


def _upsample_scales(x: np.ndarray, size) -> tuple[float, ...]:
    """The float32 scales ``out / in`` that make ``Upsample`` produce ``size`` (it takes scales only)."""
    scales = tuple(float(np.float32(o) / np.float32(i)) for o, i in zip(size, x.shape))
    if any(s < 1 for s in scales):
        raise ValueError(f"Upsample only enlarges (scales >= 1); got sizes {tuple(size)} for input {x.shape}")
    if any(output_length(i, s) != o for i, s, o in zip(x.shape, scales, size)):
        raise ValueError(
            f"no float32 scale out / in gives sizes {tuple(size)} for input {x.shape} in onnxruntime"
        )
    return scales


@register("onnx_upsample_nearest")
def onnx_upsample_nearest(x, size):
    """onnx ``Upsample(mode='nearest')`` (opset 9) with ``scales = out / in`` (>= 1), run by onnxruntime."""
    return run_upsample(x, _upsample_scales(np.asarray(x), size), mode="nearest")


@register("onnx_upsample_linear")
def onnx_upsample_linear(x, size):
    """onnx ``Upsample(mode='linear')`` (opset 9) with ``scales = out / in`` (>= 1), run by onnxruntime."""
    return run_upsample(x, _upsample_scales(np.asarray(x), size), mode="linear")


@register("onnx_resize_default")
def onnx_resize_default(x, size):
    """onnx ``Resize`` (opset 19) with default attributes and ``sizes``, run by onnxruntime."""
    return run_resize(x, sizes=tuple(size), attributes={}, opset=19)
