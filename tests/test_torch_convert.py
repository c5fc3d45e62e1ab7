"""``consistent_resize_torch.convert`` / ``find_resizes`` against the real PyTorch: every ``F.interpolate``
argument kept (and no native upsample kernel runs), retargeting equals the NumPy reference per call, the
``nn.Upsample`` family swapped with ``state_dict`` kept, training, ``torch.compile`` / ``torch.export`` /
``torch.jit.trace`` / ``torch.onnx.export`` (+ onnxruntime, + audit), clear errors; and the models users
have: torchvision's and segmentation_models_pytorch's segmentation models with random weights."""

from __future__ import annotations

import io
import itertools
import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402
from torch.overrides import TorchFunctionMode  # noqa: E402
from torch.utils._python_dispatch import TorchDispatchMode  # noqa: E402

from consistent_resize import reference  # noqa: E402
from consistent_resize_torch import (  # noqa: E402
    ConvertedUpsample, UnsupportedCall, convert, find_resizes, format_resizes, plan_call, preset_for,
)
from consistent_resize_torch.convert import _arguments  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:`nn.functional.upsample` is deprecated")


class NativeResizes(TorchDispatchMode):
    """Counts the aten resize kernels that run (upsample_* and the adaptive pooling of mode='area')."""

    def __init__(self, area=False):
        super().__init__()
        self.names, self.area = [], area

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = func.__name__
        if "upsample" in name or (self.area and "adaptive_avg_pool" in name):
            self.names.append(name)
        return func(*args, **(kwargs or {}))


class Interpolate(nn.Module):
    """A model whose forward calls ``F.interpolate`` with fixed arguments (the user's code)."""

    def __init__(self, **kwargs):
        super().__init__()
        self.kwargs = kwargs

    def forward(self, x):
        return F.interpolate(x, **self.kwargs)


def _calls():
    """(shape, keyword arguments) of F.interpolate calls across modes, flags, ranks, size and scale_factor."""
    shapes = {1: (2, 3, 7), 2: (2, 3, 5, 7), 3: (1, 2, 3, 4, 5)}
    sizes = {1: (11,), 2: (9, 4), 3: (5, 2, 7)}
    scales = {1: (1.7,), 2: (2.0, 0.6), 3: (1.5, 2.0, 0.75)}
    modes = {"nearest": (1, 2, 3), "nearest-exact": (1, 2, 3), "area": (1, 2, 3), "linear": (1,),
             "bilinear": (2,), "trilinear": (3,), "bicubic": (2,), "lanczos": (2,)}
    for mode, ranks in modes.items():
        flag_sets = [dict()]
        if mode == "lanczos":  # PyTorch takes it only with antialias, align_corners None or False
            flag_sets = [dict(antialias=True), dict(align_corners=False, antialias=True)]
        if mode in ("linear", "bilinear", "trilinear", "bicubic"):
            flag_sets = [dict(align_corners=False), dict(align_corners=True)]
            if mode in ("bilinear", "bicubic"):
                flag_sets += [dict(align_corners=False, antialias=True), dict(align_corners=True, antialias=True)]
        for rank, flags in itertools.product(ranks, flag_sets):
            yield shapes[rank], dict(size=sizes[rank], mode=mode, **flags)
            for recompute in (None, True):
                yield shapes[rank], dict(scale_factor=scales[rank], mode=mode, recompute_scale_factor=recompute,
                                         **flags)


CALLS = list(_calls())


def _id(case):
    shape, kwargs = case
    return f"{len(shape) - 2}d-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize("case", CALLS, ids=[_id(c) for c in CALLS])
def test_every_interpolate_call_is_kept_and_no_native_kernel_runs(case, library_counter):
    shape, kwargs = case
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(0))
    model = Interpolate(**kwargs)
    before = model(x)
    with NativeResizes(area=True) as native:
        after = convert(model)(x)
    assert native.names == []
    exact = kwargs["mode"].startswith("nearest")  # a copy: bitwise equal
    tolerance = dict(rtol=0, atol=0) if exact else dict(rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(after, before, **tolerance)
    library_counter("torch F.interpolate (convert)")


def test_calls_are_bound_like_f_interpolate():
    x = torch.ones(1, 1, 2, 2)
    assert _arguments((x, (3, 3), None, "bilinear", True), {})[1] == dict(
        size=(3, 3), scale_factor=None, mode="bilinear", align_corners=True, recompute_scale_factor=None,
        antialias=False)


def test_preset_for_names_each_pytorch_preset():
    assert preset_for("nearest") == "pytorch_nearest"
    assert preset_for("area") == "pytorch_area"
    assert preset_for("linear", align_corners=True) == preset_for("trilinear", True) == \
        "pytorch_bilinear_align_corners"
    assert preset_for("bicubic", None, True) == "pytorch_bicubic_antialias"
    assert preset_for("bilinear", True, True) == "pytorch_bilinear_align_corners_antialias"
    assert preset_for("bicubic", True, True) == "pytorch_bicubic_align_corners_antialias"
    assert preset_for("lanczos", None, True) == preset_for("lanczos", False, True) == "pytorch_lanczos_antialias"
    for bad, fix in [(dict(mode="linear", antialias=True), "only 'bilinear', 'bicubic' and 'lanczos' antialias"),
                     (dict(mode="nearest", align_corners=True), "leave align_corners None"),
                     (dict(mode="nearest", antialias=True), "set antialias=False"),
                     (dict(mode="lanczos"), "set antialias=True with mode='lanczos'"),
                     (dict(mode="lanczos", align_corners=True, antialias=True), "set align_corners False or None"),
                     (dict(mode="cubic"), "mode must be one of")]:
        with pytest.raises(UnsupportedCall, match=fix):
            preset_for(**bad)


def test_nearest_exact_on_one_and_three_axes_is_fused():
    assert plan_call((1, 1, 5), (9,), mode="nearest-exact").spec.coordinate_arithmetic == "float32_fma"
    assert plan_call((1, 1, 5, 5), (9, 9), mode="nearest-exact").spec.coordinate_arithmetic == "float32_multiply"


def test_nn_upsample_family_is_swapped_and_keeps_state_dict(library_counter):
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.Upsample(scale_factor=2, mode="bilinear"),
                          nn.Sequential(nn.UpsamplingBilinear2d(size=(13, 17)), nn.BatchNorm2d(4)),
                          nn.UpsamplingNearest2d(scale_factor=1.5), nn.Upsample(size=(7, 9), mode="bicubic"))
    model.eval()
    converted = convert(model)
    assert list(converted.state_dict()) == list(model.state_dict())
    for a, b in zip(converted.state_dict().values(), model.state_dict().values()):
        assert torch.equal(a, b)
    assert [type(converted[i]).__name__ for i in (1, 3, 4)] == ["ConvertedUpsample"] * 3
    assert isinstance(converted[2][0], ConvertedUpsample) and isinstance(converted, nn.Sequential)
    assert isinstance(model[1], nn.Upsample)  # the original is left unchanged
    assert "UpsamplingBilinear2d: size=(13, 17), mode='bilinear', align_corners=True -> kept" in repr(converted)
    x = torch.randn(2, 3, 6, 5)
    with NativeResizes() as native:
        after = converted(x)
    assert native.names == []
    torch.testing.assert_close(after, model(x), rtol=1e-5, atol=1e-5)
    lone = convert(nn.UpsamplingNearest2d(scale_factor=3))
    assert torch.equal(lone(x), nn.UpsamplingNearest2d(scale_factor=3)(x))
    library_counter("torch nn.Upsample (convert)")


class Mixed(nn.Module):
    """Library-style code: ``F.upsample``, ``from ... import interpolate``, a Sequential with nn.Upsample."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.up = nn.Sequential(nn.Conv2d(4, 4, 1), nn.UpsamplingBilinear2d(scale_factor=2))

    def forward(self, x):
        from torch.nn.functional import interpolate

        y = self.up(self.stem(x))
        y = y + interpolate(self.stem(x), size=y.shape[-2:], mode="bilinear", align_corners=False)
        return F.upsample(y, scale_factor=2, mode="nearest")  # deprecated, still in use (warning filtered)


class ReferenceResizes(TorchFunctionMode):
    """Runs each ``F.interpolate`` call as the NumPy reference of ``spec`` (the independent oracle)."""

    def __init__(self, spec):
        super().__init__()
        self.spec = spec

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is not F.interpolate:
            return func(*args, **kwargs)
        x, call = _arguments(args, kwargs)
        planned = plan_call(tuple(x.shape), **call, reproduce=False)
        spec = planned.spec if call["mode"] == "area" else self.spec  # convert keeps area (pooling)
        y = reference.resize(x.detach().numpy(), planned.size, planned.scale_factor, spec=spec)
        return torch.from_numpy(np.ascontiguousarray(y))


def _reference_model(model, spec):
    """``model`` run with every resize computed by the NumPy reference (nn.Upsample calls F.interpolate)."""

    def run(*args):
        with torch.no_grad(), ReferenceResizes(spec):
            return model(*args)

    return run


def test_library_style_calls_kept_and_retargeted():
    model = Mixed().eval()
    x = torch.randn(1, 3, 10, 12)
    with torch.no_grad():
        before = model(x)
        torch.testing.assert_close(convert(model)(x), before, rtol=1e-5, atol=1e-5)
        for preset in ("chainer", "tf_bicubic", "pytorch_area"):
            after = convert(model, preset=preset)(x)
            from consistent_resize.arguments import resolve_spec

            torch.testing.assert_close(after, _reference_model(model, resolve_spec(preset=preset))(x),
                                       rtol=1e-5, atol=1e-5)
            assert not torch.allclose(after, before, rtol=1e-3, atol=1e-3)  # retargeting changed it
    found = find_resizes(model, x)
    assert [f.preset for f in found] == ["pytorch_bilinear_align_corners", "pytorch_bilinear", "pytorch_nearest"]
    assert found[0].location == "up.1 (UpsamplingBilinear2d)"
    assert re.fullmatch(r"test_torch_convert\.py:\d+", found[1].location)
    assert found[1].input_shape == (1, 4, 5, 6) and found[1].output_shape == (1, 4, 10, 12)


def test_a_call_no_spec_reproduces_names_its_site_and_arguments():
    class Bad(nn.Module):
        def forward(self, x):
            return F.interpolate(x, size=(5, 1), mode="bilinear", align_corners=True, antialias=True)

    x = torch.randn(1, 1, 9, 9)
    with pytest.raises(UnsupportedCall, match=r"test_torch_convert\.py:\d+: F\.interpolate\(size=\(5, 1\), "
                                              r"mode='bilinear', align_corners=True, antialias=True\) cannot be "
                                              r"converted: PyTorch's antialias with output width 1"):
        convert(Bad())(x)
    convert(Bad(), preset="pytorch_bilinear")(x)  # retargeted: its sizes are all that matter
    # nearest-exact 2 -> 41: PyTorch's 2-D kernels read pixel 0 or 1 for output 20, by tensor shape
    ambiguous = nn.Sequential(nn.Identity(), nn.Upsample(size=(41, 3), mode="nearest-exact"))
    with pytest.raises(UnsupportedCall, match=r"1 \(Upsample\): .*mode='nearest-exact'.* length 2 -> 41"):
        convert(ambiguous)(torch.randn(1, 1, 2, 3))
    found = find_resizes(ambiguous, torch.randn(1, 1, 2, 3))
    assert found[0].preset.startswith("unsupported: ") and found[0].location == "1 (Upsample)"


def test_training_gradients_match_the_original():
    torch.manual_seed(0)
    model = Mixed().train()
    converted = convert(model)
    x = torch.randn(2, 3, 10, 12)
    for m in (model, converted):
        m.zero_grad()
        m(x).square().mean().backward()
    for (name, a), (_, b) in zip(model.named_parameters(), converted.named_parameters()):
        torch.testing.assert_close(b.grad, a.grad, rtol=1e-4, atol=1e-6, msg=name)
    optimizer = torch.optim.SGD(converted.parameters(), lr=0.1)
    optimizer.step()
    assert not torch.equal(converted.stem.weight, model.stem.weight)


def test_compile_export_trace_onnx_equal_eager(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    from consistent_resize_tools.audit import audit_model

    model = Mixed().eval()
    x = torch.randn(1, 3, 10, 12)
    for preset in (None, "chainer"):
        converted = convert(model, preset=preset)
        with torch.no_grad():
            eager = converted(x)
            compiled = torch.compile(converted)(x)  # F.upsample breaks the graph (convert.py says why)
            torch.testing.assert_close(compiled, eager, rtol=1e-5, atol=1e-5)  # inductor may fuse the convs
            exported = torch.export.export(converted, (x,))
            assert not [n for n in exported.graph.nodes if "upsample" in str(n.target)]
            torch.testing.assert_close(exported.module()(x), eager, rtol=0, atol=0)
            traced = torch.jit.trace(converted, x)
            torch.testing.assert_close(traced(x), eager, rtol=0, atol=0)
        direct = convert(nn.Sequential(Interpolate(scale_factor=1.5, mode="bicubic"), nn.Upsample(size=(9, 8))),
                         preset=preset)
        with torch.no_grad():
            torch.testing.assert_close(torch.compile(direct, fullgraph=True)(x), direct(x), rtol=0, atol=0)
        path = tmp_path / f"{preset}.onnx"
        torch.onnx.export(converted, (x,), str(path), dynamo=False, opset_version=18)
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        (got,) = session.run(None, {session.get_inputs()[0].name: x.numpy()})
        np.testing.assert_allclose(got, eager.numpy(), rtol=1e-5, atol=1e-5)
        if preset is not None:
            reports = audit_model(str(path), expect=preset)
            assert len(reports) == 3 and not [r.flag for r in reports if r.flag]


def test_dynamo_onnx_export_where_onnxscript_is_installed(tmp_path):
    pytest.importorskip("onnxscript", reason="the dynamo exporter needs onnxscript (.venv-modern has it)")
    ort = pytest.importorskip("onnxruntime")
    model = convert(nn.Sequential(nn.Conv2d(3, 2, 1), nn.Upsample(scale_factor=2, mode="bilinear")),
                    preset="pytorch_bilinear")
    x = torch.randn(1, 3, 6, 7)
    path = tmp_path / "dynamo.onnx"
    torch.onnx.export(model, (x,), str(path), dynamo=True)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {session.get_inputs()[0].name: x.numpy()})
    with torch.no_grad():
        np.testing.assert_allclose(got, model(x).numpy(), rtol=1e-5, atol=1e-5)


# --- the models users have ------------------------------------------------------------------------------

def _torchvision_models():
    from torchvision_import import import_torchvision

    try:
        import_torchvision()
    except ImportError as error:
        pytest.skip(f"torchvision is not installed ({error}); requirements/full.txt pins it")
    from torchvision.models import segmentation as seg

    return {
        "lraspp_mobilenet_v3_large": lambda: seg.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None),
        "deeplabv3_mobilenet_v3_large": lambda: seg.deeplabv3_mobilenet_v3_large(weights=None,
                                                                                  weights_backbone=None),
        "fcn_resnet50": lambda: seg.fcn_resnet50(weights=None, weights_backbone=None),
    }


def _smp_models():
    _torchvision_models()  # smp imports torchvision: through the shim
    smp = pytest.importorskip("segmentation_models_pytorch", reason="requirements/full.txt pins it")
    return {name: (lambda cls=getattr(smp, name): cls("resnet18", encoder_weights=None))
            for name in ("FPN", "PSPNet", "Unet", "DeepLabV3Plus")}


#: model -> (input side, the presets of the resizes it runs, in order of first use)
MODELS = {
    "lraspp_mobilenet_v3_large": (64, ["pytorch_bilinear"]),
    "deeplabv3_mobilenet_v3_large": (64, ["pytorch_bilinear"]),
    "fcn_resnet50": (48, ["pytorch_bilinear"]),
    "FPN": (64, ["pytorch_nearest", "pytorch_bilinear_align_corners"]),
    "PSPNet": (64, ["pytorch_bilinear_align_corners"]),
    "Unet": (64, ["pytorch_nearest"]),
    "DeepLabV3Plus": (64, ["pytorch_bilinear", "pytorch_bilinear_align_corners"]),
}


def _vary_batch_norms(model, generator):
    """Random BatchNorm affine parameters and running statistics: freshly initialised, torchvision's
    deeplabv3_mobilenet_v3_large gives a spatially constant output (resizing it changes nothing)."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                n = module.num_features
                module.weight.copy_(0.5 + torch.rand(n, generator=generator))
                module.bias.copy_(0.5 * torch.randn(n, generator=generator))
                module.running_mean.copy_(0.1 * torch.randn(n, generator=generator))
                module.running_var.copy_(0.5 + torch.rand(n, generator=generator))
    return model


@pytest.fixture(scope="module")
def real_models():
    torch.manual_seed(0)
    built = {}
    builders = {}
    try:
        builders.update(_torchvision_models())
    except pytest.skip.Exception:
        pass
    try:
        builders.update(_smp_models())
    except pytest.skip.Exception:
        pass
    for name, build in builders.items():
        side = MODELS[name][0]
        x = torch.randn(1, 3, side, side, generator=torch.Generator().manual_seed(1))
        built[name] = (_vary_batch_norms(build(), torch.Generator().manual_seed(2)).eval(), x)
    return built


def _out(y):
    return y["out"] if isinstance(y, dict) else y


@pytest.mark.parametrize("name", sorted(MODELS))
def test_real_model_kept_retargeted_and_exported(name, real_models, tmp_path, library_counter):
    if name not in real_models:
        pytest.skip(f"{name}: its package is not installed (requirements/full.txt pins torchvision and "
                    "segmentation-models-pytorch)")
    ort = pytest.importorskip("onnxruntime")
    model, x = real_models[name]
    found = find_resizes(model, x)
    assert list(dict.fromkeys(f.preset for f in found)) == MODELS[name][1]
    assert all(len(line) <= 80 for line in format_resizes(found).splitlines())
    converted = convert(model)
    assert list(converted.state_dict()) == list(model.state_dict())
    with torch.no_grad():
        before = _out(model(x))
        with NativeResizes() as native:
            kept = _out(converted(x))
        assert native.names == []
        exact = all(f.preset == "pytorch_nearest" for f in found)
        torch.testing.assert_close(kept, before, **(dict(rtol=0, atol=0) if exact else dict(rtol=1e-4, atol=1e-5)))
        retargeted = convert(model, preset="tf_bicubic")
        after = _out(retargeted(x))
        expected = _out(_reference_model(model, retargeted._consistent_resize_target)(x))
        torch.testing.assert_close(after, expected.to(after.dtype), rtol=1e-4, atol=1e-5)
        changed = float((after - before).abs().max())
        print(f"{name}: retarget changed the output by {changed:.3g} (max|y| {float(before.abs().max()):.3g})")
        assert changed > 10 * (1e-5 + 1e-4 * float(before.abs().max()))  # far beyond the tolerance above
    path = tmp_path / f"{name}.onnx"
    torch.onnx.export(retargeted, (x,), str(path), dynamo=False, opset_version=18)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, {session.get_inputs()[0].name: x.numpy()})[0]
    # onnxruntime's convolutions round otherwise than PyTorch's: float32 rounding of the whole network
    np.testing.assert_allclose(got, after.numpy(), rtol=1e-4, atol=1e-5 * float(after.abs().max()))
    import onnx

    from consistent_resize_tools.audit import audit_model, find_table_resizes

    # TF's bicubic reads its 1024-entry table (cubic_table_size): beyond ONNX, each resize is exported as
    # a table graph (per resized axis, a Gather group per source), which the audit recognises as tf_bicubic; no Resize node is left
    assert audit_model(str(path), expect="tf_bicubic") == []
    tables = find_table_resizes(onnx.load(str(path)))
    resized = [t for t in tables if "tf_bicubic" in t.presets]
    assert len(resized) >= len(found), [(t.name, t.presets) for t in tables]
    # the other Gather groups are the model's own adaptive average pooling (PSPNet), read as such
    assert all("pytorch_area" in t.presets for t in tables if t not in resized), [(t.name, t.presets) for t in tables]
    library_counter("torch segmentation models (convert)")


def test_readme_convert_section(tmp_path, monkeypatch, capsys):
    """The README's "Convert an existing model" snippet runs; the table it shows is what it prints; the
    kept model equals the original, the ported one exports and passes audit --expect chainer."""
    from readme_snippets import shown_output, snippet

    code = snippet("Convert an existing model", "PyTorch")
    from torchvision_import import import_torchvision

    try:
        import_torchvision()
    except ImportError as error:
        pytest.skip(f"torchvision is not installed ({error}); requirements/full.txt pins it")
    from consistent_resize_tools.audit import audit_model

    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert capsys.readouterr().out.splitlines() == shown_output(code)
    model, x = namespace["model"], namespace["x"]
    with torch.no_grad():
        torch.testing.assert_close(namespace["kept"](x)["out"], model(x)["out"], rtol=1e-5, atol=1e-6)
    reports = audit_model("model.onnx", expect="chainer")
    assert len(reports) == 2 and not [r.flag for r in reports if r.flag]
    torch.onnx.export(model, (x,), "original.onnx", dynamo=False)  # the audit can fail: the original is flagged
    assert all(r.flag for r in audit_model("original.onnx", expect="chainer"))


def test_save_load_deepcopy_and_reconvert_keep_the_conversion():
    model = Mixed().eval()
    converted = convert(model, preset="chainer")
    x = torch.randn(1, 3, 10, 12)
    buffer = io.BytesIO()
    torch.save(converted, buffer)
    buffer.seek(0)
    with torch.no_grad():
        want = converted(x)
        for copy_ in (torch.load(buffer, weights_only=False), __import__("copy").deepcopy(converted)):
            assert type(copy_).__name__ == "Mixed" and isinstance(copy_, Mixed)
            assert torch.equal(copy_(x), want)
        again = convert(converted)  # reconverting retargets back to "keep"
        torch.testing.assert_close(again(x), model(x), rtol=1e-5, atol=1e-5)
        assert type(again).__mro__[1] is Mixed


def test_the_conversion_stays_in_its_thread_and_nested_models_are_found():
    import threading

    model = Interpolate(scale_factor=2, mode="bilinear")
    x = torch.randn(1, 1, 5, 6)
    native = model(x)
    seen = []

    class Slow(nn.Module):
        def forward(self, x):
            # while this converted forward runs, another thread runs the unconverted model
            worker = threading.Thread(target=lambda: seen.append(torch.equal(model(x), native)))
            worker.start()
            worker.join()
            seen.append(torch.equal(model(x), native))
            return F.interpolate(x, scale_factor=2, mode="bilinear")

    converted = convert(Slow(), preset="chainer")
    converted(x)
    assert seen == [True, False]  # the worker: PyTorch's; inside the converted forward: retargeted
    outer = nn.Sequential(converted, nn.Upsample(scale_factor=0.5))
    found = find_resizes(outer, x)  # a converted part is listed as PyTorch runs it
    assert [f.preset for f in found] == ["pytorch_bilinear", "pytorch_bilinear", "pytorch_nearest"]


def test_compile_with_dynamic_shapes():
    class Sizes(nn.Module):
        def forward(self, x):
            y = F.interpolate(x, scale_factor=2, mode="bilinear")
            z = F.interpolate(x, scale_factor=1.5, mode="nearest", recompute_scale_factor=True)
            return y.sum() + z.sum() + F.interpolate(y, size=x.shape[-2:], mode="bicubic").sum()

    for preset in (None, "chainer"):
        converted = convert(Sizes(), preset=preset)
        compiled = torch.compile(converted, dynamic=True)
        for shape in ((5, 6), (7, 9)):
            x = torch.randn(1, 2, *shape)
            torch.testing.assert_close(compiled(x), converted(x), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("in_size,out_size", [((7, 9), (300, 260)), ((5, 3), (97, 211)), ((10, 10), (250, 333))])
def test_nearest_exact_on_large_2d_outputs_is_bit_for_bit_where_planned(in_size, out_size, library_counter):
    """Large 2-D outputs are where PyTorch may fuse; where both arithmetics read the same pixels the call
    is planned, and then equals PyTorch bit for bit whichever kernel it picked."""
    x = torch.randn(1, 2, *in_size)
    model = Interpolate(size=out_size, mode="nearest-exact")
    assert torch.equal(convert(model)(x), model(x))
    library_counter("torch F.interpolate (convert)")
