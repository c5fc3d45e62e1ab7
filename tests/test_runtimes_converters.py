"""Converter chains of the runtime matrix against the real converters (issue 17): onnx2tf (ONNX -> TFLite, run
by LiteRT), MNN (``_tools.mnnconvert``, run by ``MNN.nn``) and ncnn (pnnx, run by ``ncnn``). Each is skipped with
a reason where absent: they live in ``.venv-converters`` (``make test-converters``,
``requirements/converters.txt``), not in ``.venv`` / ``.venv-modern``.

The cases are the matrix's random single-``Resize`` models (``runtime_matrix.cases``, seed 17, the cases the
rules were measured on, and a few fresh seeds): a case the rules pass must be computed as the spec (0 silent).
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from consistent_resize_tools import runtime_matrix as rm
from consistent_resize_tools.runtimes import CONVERTERS, rules

MODULES = {"onnx2tf": ("onnx2tf", "ai_edge_litert"), "mnn": ("MNN", "_tools"), "ncnn": ("ncnn", "pnnx")}
#: Cases per converter (one case costs about 3 s with onnx2tf, 1.5 s with ncnn, 0.3 s with MNN on 2 cores).
COUNTS = {"onnx2tf": 3, "mnn": 24, "ncnn": 6}


def _need(name: str) -> None:
    for module in MODULES[name]:
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed (make test-converters: requirements/converters.txt)")


def _version_tuple(v: str) -> tuple:
    return tuple(int(part) for part in v.split(".")[:3] if part.isdigit())


@pytest.mark.parametrize("name", CONVERTERS)
def test_installed_version_was_measured(name):
    _need(name)
    low, high = rules(name).MEASURED
    installed = rm._version(rm.RUNNERS[name][0])
    assert _version_tuple(low) <= _version_tuple(installed) <= _version_tuple(high), (
        f"{name} {installed} is outside the measured range {low} .. {high}: rerun the runtime matrix")


@pytest.mark.parametrize("seed", [17, 5])
@pytest.mark.parametrize("name", CONVERTERS)
def test_no_silent_pass(name, seed):
    """Every case the rules pass is computed as the spec by the real converter chain."""
    _need(name)
    for case in rm.cases(COUNTS[name], seed):
        result = rm.run_case(name, case)
        assert not result.silent, (f"{name}: the rules pass {case.describe()}, but the chain gives "
                                   f"{result.verdict} ({result.difference or result.detail})")


def test_mnn_safe_family_is_computed_as_the_spec():
    """A measured-safe family (linear, asymmetric) passes the MNN rules and MNN computes it; a
    keep_aspect_ratio_policy node is flagged and MNN gives another shape (measured)."""
    _need("mnn")
    safe = rm.Case((("antialias", 0), ("coordinate_transformation_mode", "asymmetric"), ("mode", "linear")),
                   (1, 1, 4, 5), sizes=(1, 1, 7, 3))
    result = rm.run_case("mnn", safe)
    assert result.predicted is None and result.verdict == "spec", (result.verdict, result.difference)
    policy = rm.Case((("antialias", 0), ("coordinate_transformation_mode", "half_pixel"),
                      ("keep_aspect_ratio_policy", "not_smaller"), ("mode", "linear")),
                     (1, 1, 3, 6), sizes=(4, 4), axes=(2, 3))
    result = rm.run_case("mnn", policy)
    assert result.predicted is not None and result.verdict == "different", (result.verdict, result.detail)


def test_rules_without_the_tools():
    """The rules answer without the converters installed (what ``audit --runtime`` needs)."""
    from consistent_resize import ResizeSpec
    from consistent_resize.arguments import plan_axes

    cubic = ResizeSpec(mode="cubic")
    plans = plan_axes((4, 4), (8, 8), None, cubic)
    assert "FlexResizeBicubic" in rules("onnx2tf").mismatch(cubic, plans)
    assert rules("ncnn").mismatch(cubic, plans) is not None
    linear = ResizeSpec(mode="linear", coordinate_transformation_mode="asymmetric")
    assert rules("mnn").mismatch(linear, plan_axes((4, 5), (7, 3), None, linear)) is None
    assert np.isfinite(rm.TOLERANCE)


TF_CALLS = {
    "tf1_bilinear": lambda tf, v: tf.compat.v1.image.resize_bilinear(v, (8, 4)),
    "tf_bilinear": lambda tf, v: tf.image.resize(v, (8, 4)),
    "tf1_bicubic": lambda tf, v: tf.compat.v1.image.resize_bicubic(v, (8, 4)),
    "tf1_bicubic_half_pixel": lambda tf, v: tf.compat.v1.image.resize_bicubic(v, (8, 4), half_pixel_centers=True),
    "tf_bicubic": lambda tf, v: tf.image.resize(v, (8, 4), method="bicubic"),
    "tf1_nearest": lambda tf, v: tf.compat.v1.image.resize_nearest_neighbor(v, (8, 4)),
    "tf_nearest": lambda tf, v: tf.image.resize(v, (8, 4), method="nearest"),
    "tf1_nearest_align_corners": lambda tf, v: tf.compat.v1.image.resize_nearest_neighbor(v, (8, 4),
                                                                                           align_corners=True),
    "tf_bilinear_antialias": lambda tf, v: tf.image.resize(v, (3, 4), antialias=True),
}


@pytest.mark.parametrize("preset", sorted(TF_CALLS))
def test_tf2onnx_departs_where_its_rules_say(preset):
    """The TF call converted by tf2onnx (opset 18) and run by onnxruntime equals TF (float32 rounding, nearest
    exactly) where the tf2onnx rules pass it, differs or is refused where they flag it; the node carries
    ``WRITTEN``'s attributes."""
    for module in ("tf2onnx", "tensorflow", "onnxruntime"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed (make test-converters: requirements/converters.txt)")
    import onnxruntime
    import tensorflow as tf
    import tf2onnx

    from consistent_resize_tools.runtimes import tf2onnx as tf2onnx_rules

    assert rm._version("tf2onnx") == tf2onnx_rules.MEASURED[0]
    x = np.random.default_rng(0).random((1, 5, 7, 1), dtype=np.float32)
    fn = tf.function(lambda v: TF_CALLS[preset](tf, v))
    want = fn(x).numpy()
    model, _ = tf2onnx.convert.from_function(fn, input_signature=[tf.TensorSpec(x.shape, tf.float32, name="x")],
                                             opset=18)
    nodes = [n for n in model.graph.node if n.op_type == "Resize"]
    why = tf2onnx_rules.mismatch(preset)
    if tf2onnx_rules.WRITTEN[preset] is None:
        assert not nodes and why is not None
        with pytest.raises(Exception):
            onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        return
    (node,) = nodes
    attrs = {a.name: (a.s.decode() if a.s else a.f if a.type == 1 else a.i) for a in node.attribute}
    for name, value in tf2onnx_rules.WRITTEN[preset].items():
        assert attrs[name] == value, (name, attrs)
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    got = session.run(None, {session.get_inputs()[0].name: x})[0]
    difference = float(np.abs(got - want).max())
    same = difference == 0 if "nearest" in preset else difference <= rm.TOLERANCE
    assert same == (why is None), (preset, difference, why)
