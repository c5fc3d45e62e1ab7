"""Sizes from tensor shapes (``size=feat.shape[-2:]``, ``x.shape[2] * 2``) and ``scale_factor`` under
``torch.jit.trace``, ``torch.onnx.export`` (TorchScript with ``dynamic_axes``, dynamo with ``dynamic_shapes``)
and ``torch.export``: the traced or exported model follows new input shapes as eager does (run in onnxruntime
at other batch and image sizes), or the export refuses with the reason; it never bakes the traced sizes in."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")

import consistent_resize_torch as crt  # noqa: E402
from consistent_resize import ResizeSpec  # noqa: E402

#: (batch, input spatial, feature spatial) shapes to run the traced/exported model at; the first is traced.
SHAPES = [(2, (5, 6), (8, 9)), (1, (4, 4), (7, 3)), (3, (9, 7), (2, 11)), (2, (1, 3), (6, 1))]
#: Specs one Resize node computes at every size (``_onnx.dynamic_refusal`` passes them) and ones it refuses.
DYNAMIC_PRESETS = ["pytorch_bilinear", "pytorch_bicubic", "pytorch_bilinear_align_corners", "onnx_resize_default"]
REFUSED = {"pytorch_nearest": "nearest with coordinate_arithmetic", "pillow_lanczos": "constant Gather tables",
           "linear_tf_half_pixel_for_nn": "moves an axis that keeps"}
SPECS = {"linear_tf_half_pixel_for_nn": ResizeSpec(mode="linear", coordinate_transformation_mode="tf_half_pixel_for_nn",
                                                       coordinate_arithmetic="float32_divide")}


def _spec(name):
    """``resize`` keywords for a preset name or a named spec of ``SPECS``."""
    return {"spec": SPECS[name]} if name in SPECS else {"preset": name}


class FromFeature(torch.nn.Module):
    def __init__(self, preset):
        super().__init__()
        self.preset = preset

    def forward(self, x, feat):
        return crt.resize(x, size=feat.shape[-2:], **_spec(self.preset))


class Doubled(torch.nn.Module):
    def __init__(self, preset):
        super().__init__()
        self.preset = preset

    def forward(self, x, feat):
        return crt.resize(x, size=(x.shape[2] * 2, x.shape[3] + 1), **_spec(self.preset)) + 0 * feat.sum()


class Scaled(torch.nn.Module):
    def __init__(self, preset, scale=2.0):
        super().__init__()
        self.preset, self.scale = preset, scale

    def forward(self, x, feat):
        return crt.resize(x, scale_factor=self.scale, **_spec(self.preset)) + 0 * feat.sum()


MODULES = [FromFeature, Doubled, Scaled]


def _inputs(batch, spatial, feature, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(batch, 2, *spatial, generator=g) * 255, torch.rand(1, 1, *feature, generator=g)


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
@pytest.mark.parametrize("preset", DYNAMIC_PRESETS + sorted(REFUSED))
def test_jit_trace_follows_new_shapes(module, preset):
    """A traced module computes, for every later shape, what eager computes (any spec: the traced call
    plans the axes from each call's shapes), values and gradients."""
    model = module(preset)
    traced = _quiet(lambda: torch.jit.trace(model, _inputs(*SHAPES[0])))
    for batch, spatial, feature in SHAPES[1:]:
        x, feat = _inputs(batch, spatial, feature, seed=batch)
        want = model(x, feat)
        got = traced(x, feat)
        assert got.shape == want.shape
        torch.testing.assert_close(got, want, rtol=0, atol=0)
    x = _inputs(*SHAPES[2])[0].requires_grad_()
    feat = _inputs(*SHAPES[2])[1]
    (gx,) = torch.autograd.grad(traced(x, feat).square().sum(), x)
    (wx,) = torch.autograd.grad(model(x, feat).square().sum(), x)
    torch.testing.assert_close(gx, wx)


def _torchscript_onnx(model, dynamic=True):
    buffer = io.BytesIO()
    axes = {"x": {0: "batch", 2: "h", 3: "w"}, "feat": {2: "fh", 3: "fw"}} if dynamic else None
    _quiet(lambda: torch.onnx.export(model, _inputs(*SHAPES[0]), buffer, dynamo=False, opset_version=19,
                                     input_names=["x", "feat"], dynamic_axes=axes))
    return buffer.getvalue()


def _run(model_bytes, x, feat):
    session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    feeds = {"x": x.numpy(), "feat": feat.numpy()}
    return session.run(None, {n: feeds[n] for n in names})[0]


def _assert_follows(model, model_bytes, library_counter, label):
    for batch, spatial, feature in SHAPES:
        x, feat = _inputs(batch, spatial, feature, seed=batch + 7)
        want = model(x, feat).numpy()
        got = _run(model_bytes, x, feat)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=2e-3)  # 0-255 inputs, float32 rounding
        library_counter(label)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
@pytest.mark.parametrize("preset", DYNAMIC_PRESETS)
def test_torchscript_onnx_with_dynamic_axes_follows_new_shapes(module, preset, library_counter):
    model = module(preset)
    proto = onnx.load_from_string(_torchscript_onnx(model))
    assert [n.op_type for n in proto.graph.node].count("Resize") == 1
    _assert_follows(model, proto.SerializeToString(), library_counter, "dynamic-axes ONNX exports in onnxruntime")


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
@pytest.mark.parametrize("preset", sorted(REFUSED))
def test_dynamic_export_that_one_node_cannot_compute_is_refused(module, preset):
    """Where one Resize node would not compute the spec at every size, a dynamic export raises naming the
    reason; the same model with static shapes exports (a node or the table graph) and computes eager."""
    with pytest.raises(ValueError, match=f"cannot export .* with dynamic spatial sizes: .*{REFUSED[preset]}"):
        _torchscript_onnx(module(preset))
    model = module(preset)
    static = _torchscript_onnx(model, dynamic=False)
    x, feat = _inputs(*SHAPES[0])
    np.testing.assert_allclose(_run(static, x, feat), model(x, feat).numpy(), rtol=1e-5, atol=2e-3)


@pytest.mark.parametrize("scale", [1.5, 2.3])
def test_dynamic_scale_factor_that_rounds_apart_is_refused(scale):
    with pytest.raises(ValueError, match=f"scale_factor {scale}"):
        _torchscript_onnx(Scaled("pytorch_bilinear", scale))


def test_torch_export_with_dynamic_shapes_follows_new_shapes():
    dim = torch.export.Dim
    shapes = {"x": {0: dim("batch"), 2: dim("h"), 3: dim("w")}, "feat": {2: dim("fh"), 3: dim("fw")}}
    for module in MODULES:
        model = module("pytorch_bilinear")
        program = _quiet(lambda: torch.export.export(model, _inputs(*SHAPES[0]), dynamic_shapes=shapes))
        for batch, spatial, feature in SHAPES[1:]:
            x, feat = _inputs(batch, spatial, feature, seed=3)
            torch.testing.assert_close(program.module()(x, feat), model(x, feat), rtol=0, atol=0)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_dynamo_onnx_with_dynamic_shapes_follows_new_shapes(module, library_counter):
    pytest.importorskip("onnxscript", reason="the dynamo ONNX exporter needs onnxscript")
    dim = torch.export.Dim
    shapes = {"x": {0: dim("batch"), 2: dim("h"), 3: dim("w")}, "feat": {2: dim("fh"), 3: dim("fw")}}
    model = module("pytorch_bilinear")
    program = _quiet(lambda: torch.onnx.export(model, _inputs(*SHAPES[0]), dynamo=True, opset_version=19,
                                               input_names=["x", "feat"], dynamic_shapes=shapes, verbose=False))
    _assert_follows(model, program.model_proto.SerializeToString(), library_counter,
                    "dynamic-shapes dynamo ONNX exports in onnxruntime")
    with pytest.raises(Exception, match="nearest with coordinate_arithmetic"):
        _quiet(lambda: torch.onnx.export(module("pytorch_nearest"), _inputs(*SHAPES[0]), dynamo=True,
                                         opset_version=19, input_names=["x", "feat"], dynamic_shapes=shapes))


def test_converted_model_traced_follows_new_shapes():
    """``consistent_resize_torch.convert`` of ``F.interpolate(x, size=feat.shape[-2:])`` and of
    ``scale_factor=2``: the traced converted model equals the converted eager one at other shapes."""
    import torch.nn.functional as F

    class Model(torch.nn.Module):
        def forward(self, x, feat):
            up = F.interpolate(x, size=feat.shape[-2:], mode="bilinear", align_corners=False)
            return up + F.interpolate(x, scale_factor=2, mode="nearest")[..., : up.shape[2], : up.shape[3]].mean()

    converted = crt.convert(Model())
    traced = _quiet(lambda: torch.jit.trace(converted, _inputs(*SHAPES[0])))
    for batch, spatial, feature in SHAPES[1:]:
        x, feat = _inputs(batch, spatial, feature, seed=5)
        torch.testing.assert_close(traced(x, feat), converted(x, feat), rtol=0, atol=0)
