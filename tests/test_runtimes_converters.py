"""Converter chains of the runtime matrix against the real converters (issue 17): onnx2tf (ONNX -> TFLite, run
by LiteRT), MNN (``_tools.mnnconvert``, run by ``MNN.nn``) and ncnn (pnnx, run by ``ncnn``). Each is skipped with
a reason where absent: they live in ``.venv-converters`` (``make test-converters``,
``requirements/converters.txt``), not in ``.venv`` / ``.venv-modern``.

The cases are the matrix's random single-``Resize`` models (``runtime_matrix.cases``, seed 17, the cases the
rules were measured on, and a few fresh seeds): a case the rules pass must be computed as the spec (0 silent).

tf2onnx (TF -> ONNX) and litert-torch (PyTorch -> TFLite) are checked per framework call instead: the call
converted by the real converter against the framework's own result, where their rules
(``consistent_resize_tools.runtimes.tf2onnx`` / ``litert_torch``) pass or flag it.
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


#: litert-torch (PyTorch -> TFLite): the shapes each F.interpolate call is converted on, (H, W) -> (H, W) with
#: the ``scale_factor`` that gives the same output sizes (non-integer ratios, and 6 -> 60 where 1 / 10 = 6 / 60).
LITERT_TORCH_SHAPES = (((5, 7), (8, 4), (1.7, 0.6)), ((6, 6), (60, 60), (10.0, 10.0)), ((7, 5), (3, 11), (0.45, 2.3)))
#: (mode, align_corners, antialias, "size" or "scale_factor"): one converted model each (~2 s on 2 cores).
LITERT_TORCH_CALLS = (
    ("nearest", None, False, "size"), ("nearest", None, False, "scale_factor"),
    ("nearest-exact", None, False, "scale_factor"), ("area", None, False, "size"),
    ("bilinear", False, False, "size"), ("bilinear", False, False, "scale_factor"),
    ("bilinear", True, False, "scale_factor"), ("bicubic", False, False, "scale_factor"),
    ("bicubic", True, False, "size"), ("bilinear", False, True, "size"), ("bicubic", True, True, "size"),
)


def _need_litert_torch() -> None:
    for module in ("litert_torch", "ai_edge_litert", "torch"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed (make test-converters: requirements/converters.txt)")


def _litert_torch_convert(module, inputs, path):
    """The module converted by litert-torch and written to ``path``; its TFLite ops with the resize flags; and
    a function running it in LiteRT's interpreter on ``inputs``' shapes."""
    import contextlib
    import io

    import litert_torch
    from ai_edge_litert.interpreter import Interpreter

    with contextlib.redirect_stdout(io.StringIO()):
        litert_torch.convert(module.eval(), tuple(inputs)).export(str(path))
    data = path.read_bytes()
    ops = rm.tflite_ops(data)
    runner = Interpreter(model_content=data).get_signature_runner()

    def run(*xs):
        out = runner(**{f"args_{i}": x.numpy() for i, x in enumerate(xs)})
        return [out[f"output_{i}"] for i in range(len(out))]

    return ops, run


def test_litert_torch_version_was_measured():
    _need_litert_torch()
    from consistent_resize_tools.runtimes import litert_torch as lt_rules

    low, high = lt_rules.MEASURED
    installed = rm._version("litert-torch")
    assert _version_tuple(low) <= _version_tuple(installed) <= _version_tuple(high), (
        f"litert-torch {installed} is outside the measured range {low} .. {high}: remeasure")


@pytest.mark.parametrize("mode, align_corners, antialias, how", LITERT_TORCH_CALLS)
def test_litert_torch_departs_where_its_rules_say(mode, align_corners, antialias, how, tmp_path):
    """Each F.interpolate call converted by litert-torch and run by LiteRT equals PyTorch eager (float32 rounding
    on [0, 255), nearest exactly) on every shape the rules pass, differs on every shape they flag, and is
    refused where they say; the model holds the op of ``WRITTEN`` (a resize builtin with its flags, or no
    resize builtin where the call is decomposed)."""
    _need_litert_torch()
    import torch
    import torch.nn.functional as F

    from consistent_resize_torch import preset_for
    from consistent_resize_tools.runtimes import litert_torch as lt_rules

    kwargs = [dict(mode=mode, **({"align_corners": align_corners} if align_corners is not None else {}),
                   **({"antialias": True} if antialias else {}), **({how: outs if how == "size" else scale}))
              for _, outs, scale in LITERT_TORCH_SHAPES]

    class Calls(torch.nn.Module):
        def forward(self, *xs):
            return tuple(F.interpolate(x, **k) for x, k in zip(xs, kwargs))

    generator = torch.Generator().manual_seed(0)
    xs = [torch.rand((1, 2) + ins, generator=generator) * 255 for ins, _, _ in LITERT_TORCH_SHAPES]
    preset = preset_for(mode, align_corners, antialias)
    why = [lt_rules.call_mismatch(tuple(x.shape), mode=mode, align_corners=align_corners, antialias=antialias,
                                  **{how: k[how]}) for x, k in zip(xs, kwargs)]
    written = lt_rules.WRITTEN[preset]
    if written is None:
        assert all(w is not None and lt_rules.REFUSED[preset] in w for w in why), why
        with pytest.raises(Exception, match=lt_rules.REFUSED[preset].split(": ")[1]):
            _litert_torch_convert(Calls(), xs, tmp_path / "m.tflite")
        return
    ops, run = _litert_torch_convert(Calls(), xs, tmp_path / "m.tflite")
    resizes = [op for op in ops if op[0].startswith("RESIZE")]
    assert resizes == ([] if written == lt_rules.DECOMPOSED else [written] * len(xs)), ops
    wants = Calls()(*xs)
    for x, want, got, reason in zip(xs, wants, run(*xs), why):
        want = want.numpy()
        assert got.shape == want.shape
        difference = float(np.abs(got - want).max())
        same = difference == 0 if mode.startswith("nearest") else difference <= rm.TOLERANCE * 255
        assert same == (reason is None), (preset, tuple(x.shape), difference, reason)


@pytest.mark.parametrize("preset", ["pytorch_bilinear", "chainer", "pytorch_nearest"])
def test_litert_torch_refuses_the_layer(preset, tmp_path):
    """litert-torch refuses ``consistent_resize_torch.Resize`` (one opaque custom operator), as the rules say."""
    _need_litert_torch()
    import torch

    import consistent_resize_torch as crt
    from consistent_resize_tools.runtimes import litert_torch as lt_rules

    assert lt_rules.LAYER_REFUSED in lt_rules.layer_mismatch(preset)
    with pytest.raises(Exception, match="consistent_resize.resize"):
        _litert_torch_convert(crt.Resize((8, 4), preset=preset), [torch.rand(1, 2, 5, 7) * 255],
                              tmp_path / "m.tflite")


def test_litert_torch_rules_without_the_tools():
    """The litert-torch rules answer without litert-torch installed (what a user asks before converting)."""
    from consistent_resize_tools.runtimes import litert_torch as lt_rules

    call = lt_rules.call_mismatch
    assert call((1, 3, 6, 6), (60, 60), mode="nearest") is None  # integer upscaling: the same picks
    assert "RESIZE_NEAREST_NEIGHBOR" in call((1, 3, 5, 7), (8, 4), mode="nearest")
    assert call((1, 3, 5, 7), (8, 4), mode="bilinear") is None
    assert "in / out" in call((1, 3, 5, 7), scale_factor=(1.7, 0.6), mode="bilinear")
    assert call((1, 3, 5, 7), scale_factor=(1.7, 0.6), mode="bilinear", recompute_scale_factor=True) is None
    assert call((1, 3, 5, 7), scale_factor=(1.7, 0.6), mode="bilinear", align_corners=True) is None
    assert call((1, 3, 5, 7), scale_factor=(1.7, 0.6), mode="bicubic") is None
    assert "_upsample_bicubic2d_aa" in call((1, 3, 5, 7), (8, 4), mode="bicubic", antialias=True)
    assert call((1, 3, 5), (8,), mode="linear") is not None  # not measured
    assert lt_rules.mismatch("pytorch_bilinear") is None and lt_rules.mismatch("pytorch_nearest") is not None
    assert set(lt_rules.REFUSED) == {p for p, w in lt_rules.WRITTEN.items() if w is None}
