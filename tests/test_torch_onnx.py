"""ONNX export of consistent_resize_torch: onnxruntime's output equals PyTorch's for every spec and size. Where
the onnxruntime rules (``consistent_resize_tools.runtimes.onnxruntime``) pass the node, the export is one
standard ``Resize`` node whose attributes are ``spec.to_onnx()`` normalised, with ``axes`` = the spatial axes;
elsewhere it is the exact table graph, and ``table_graphs("strict")`` refuses with the reason instead (and we
show that the refusal was needed: writing the node anyway gives a different result in onnxruntime)."""

from __future__ import annotations

import io
import itertools
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from consistent_resize import COORDINATE_TRANSFORMATION_MODES, NEAREST_MODES, PRESETS, ResizeSpec  # noqa: E402
from consistent_resize_tools.runtimes import onnxruntime as onnxruntime_rules  # noqa: E402
from consistent_resize_torch import Resize, table_graphs  # noqa: E402
from consistent_resize_torch.functional import plan  # noqa: E402

RUNTIME = "float32_divide"


def _specs():
    """Every mode x coordinate mode x nearest mode / cubic setting x antialias x exclude_outside."""
    out = []
    for ctm in COORDINATE_TRANSFORMATION_MODES:
        extra = dict(coordinate_transformation_mode=ctm, coordinate_arithmetic=RUNTIME)
        if ctm == "tf_crop_and_resize":
            extra["extrapolation_value"] = -2.5
        for nearest_mode in NEAREST_MODES:
            out.append(ResizeSpec(mode="nearest", nearest_mode=nearest_mode, **extra))
        for antialias, exclude in itertools.product((0, 1), (0, 1)):
            out.append(ResizeSpec(mode="linear", antialias=antialias, exclude_outside=exclude, **extra))
            for a in (-0.75, -0.5):
                out.append(ResizeSpec(mode="cubic", cubic_coeff_a=a, antialias=antialias, exclude_outside=exclude,
                                      **extra))
    out.append(ResizeSpec(mode="linear", keep_aspect_ratio_policy="not_larger", coordinate_arithmetic=RUNTIME))
    out.append(ResizeSpec(mode="nearest", keep_aspect_ratio_policy="not_smaller", coordinate_arithmetic=RUNTIME))
    return out


SPECS = _specs()
# (input spatial shape, size, scale_factor, roi): up/down mixed, by sizes and by scales
CASES = [((5, 7), (9, 4), None, None), ((6, 7), None, (1.5, 0.5), None), ((4, 6), (3, 3), None, None)]
ROI = [0.1, -0.2, 0.9, 1.3]


def _export(module, x, opset=19, policy="mismatch"):
    buffer = io.BytesIO()
    with warnings.catch_warnings(), table_graphs(policy):
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (x,), buffer, dynamo=False, opset_version=opset, input_names=["x"])
    return onnx.load_from_string(buffer.getvalue())


def runtime_mismatch(plans, spec, requested=None, rank=4):
    """What the exporter asks: why onnxruntime would not compute ``spec``'s (normalised) node."""
    scales_given = plans[0].scale is not None and requested is None
    written = onnxruntime_rules.normalised(spec, plans, scales_given)
    return onnxruntime_rules.mismatch(written, plans, requested, rank=rank)


def _is_table_graph(model):
    ops = {n.op_type for n in model.graph.node}
    return "Resize" not in ops and "Gather" in ops


def _resize_node(model):
    resizes = [n for n in model.graph.node if n.op_type == "Resize"]
    others = {n.op_type for n in model.graph.node if n.op_type != "Resize"}
    assert len(resizes) == 1 and others <= {"Constant"}, [n.op_type for n in model.graph.node]
    (node,) = resizes
    assert node.domain == ""
    return node


def _attributes(node):
    values = {}
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        values[a.name] = v.decode() if isinstance(v, bytes) else v
    return values


def _assert_attributes_are_the_spec(node, spec, rank=4, plans=None, scales_given=False):
    got = _attributes(node)
    if plans is not None:
        spec = onnxruntime_rules.normalised(spec, plans, scales_given)
    expected = spec.to_onnx()
    assert got.pop("axes") == list(range(2, rank))  # sizes/scales cover the spatial axes: N and C stay free
    assert set(got) == set(expected)
    for name, value in expected.items():
        if isinstance(value, float):
            assert np.float32(got[name]) == np.float32(value), name
        else:
            assert got[name] == value, name


def _run(model, x):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x.numpy()})[0]


def _case_arguments(spec, case):
    in_sizes, size, scale, roi = case
    if spec.coordinate_transformation_mode == "tf_crop_and_resize":
        roi = ROI
    return in_sizes, dict(size=size, scale_factor=scale, spec=spec, roi=roi)


@pytest.mark.parametrize("spec", SPECS, ids=[s.describe() for s in SPECS])
def test_export_is_one_resize_node_and_onnxruntime_agrees(spec, library_counter):
    for case in CASES:
        in_sizes, kwargs = _case_arguments(spec, case)
        if spec.keep_aspect_ratio_policy != "stretch" and kwargs["size"] is None:
            continue
        module = Resize(**kwargs).eval()
        x = torch.randn(2, 3, *in_sizes)
        plans = plan(tuple(x.shape), kwargs["size"], kwargs["scale_factor"], spec, kwargs["roi"])
        why = runtime_mismatch(plans, spec, kwargs["size"])
        model = _export(module, x)
        if why is not None:
            assert _is_table_graph(model), why
            with pytest.raises(ValueError, match="cannot export .* as one ONNX Resize node"):
                _export(module, x, policy="strict")
            library_counter("torch -> ONNX table graph (the node would differ) -> onnxruntime")
        else:
            _assert_attributes_are_the_spec(_resize_node(model), spec, plans=plans,
                                            scales_given=kwargs["size"] is None)
            library_counter("torch -> ONNX Resize -> onnxruntime")
        np.testing.assert_allclose(_run(model, x), module(x).numpy(), rtol=1e-5, atol=1e-5)


# (in, out) where float32_divide rounds a nearest coordinate across an integer that another arithmetic
# does not (found by scanning in <= 40, out <= 80 with runtime_mismatch; one per arithmetic/coordinate mode)
REFUSAL_CANDIDATES = [(14, 2), (2, 41), (6, 74), (4, 75), (2, 7), (2, 5), (2, 49)]  # (2, 49): skimage_nearest


def _refused_case(spec):
    """The first candidate (in, out) that the runtime arithmetic would change, or None."""
    for in_size, out_size in REFUSAL_CANDIDATES:
        if runtime_mismatch(plan((1, 1, in_size, 3), (out_size, 3), None, spec), spec) is not None:
            return in_size, out_size
    return None


#: the presets of the libraries' suites; the JAX scale_and_translate presets (float32_reciprocal) are refused
#: where their weights differ from onnxruntime's by float32 rounding only (a conservative rule: the export is
#: then the exact table graph), so "a refused node really differs" does not hold for them
EXPORT_PRESETS = sorted(n for n, p in PRESETS.items() if p.library != "jax")


@pytest.mark.parametrize("name", EXPORT_PRESETS)
def test_presets_export_exactly_or_refuse_with_reason(name, library_counter):
    """A preset's coordinate_arithmetic is not ONNX's: one node where the runtime computes the same tables
    for these sizes, the table graph where it would not (strict: refused with the reason); and a refused
    node, forced through with the runtime's arithmetic, really gives another result."""
    spec = PRESETS[name].spec
    for in_sizes, size in [((5, 7), (9, 4)), ((4, 6), (12, 18)), ((7, 5), (3, 2))]:
        x = torch.randn(1, 2, *in_sizes)
        module = Resize(size, spec=spec).eval()
        plans = plan(tuple(x.shape), size, None, spec)
        model = _export(module, x)
        if spec.beyond_onnx or runtime_mismatch(plans, spec) is not None:
            assert _is_table_graph(model)
        else:
            _assert_attributes_are_the_spec(_resize_node(model), spec, plans=plans)
        np.testing.assert_allclose(_run(model, x), module(x).numpy(), rtol=1e-5, atol=1e-5)
        library_counter("torch -> ONNX -> onnxruntime (presets)")
    if spec.beyond_onnx:
        return
    refused = _refused_case(spec)
    if spec.mode == "nearest" and spec.coordinate_arithmetic != RUNTIME:
        assert refused is not None  # a tie that the arithmetic decides exists for every such preset
    if refused is None:
        return
    in_size, out_size = refused
    x = torch.arange(2 * in_size * 3, dtype=torch.float32).reshape(1, 2, in_size, 3)
    module = Resize((out_size, 3), spec=spec).eval()
    with pytest.raises(ValueError, match="cannot export"):
        _export(module, x, policy="strict")
    forced = _export(Resize((out_size, 3), spec=spec.replace(coordinate_arithmetic=RUNTIME)).eval(), x)
    difference = np.abs(_run(forced, x) - module(x).numpy()).max()
    assert difference > 1e-6, (refused, difference)
    library_counter("torch ONNX export refusals confirmed by onnxruntime")


def test_rank_3_and_5_export():
    for spatial, spec in [((7,), ResizeSpec(mode="linear", coordinate_arithmetic=RUNTIME)),
                          ((3, 4, 5), ResizeSpec(mode="nearest", coordinate_arithmetic=RUNTIME)),
                          ((3, 4, 5), ResizeSpec(mode="linear", coordinate_transformation_mode="align_corners",
                                                 coordinate_arithmetic=RUNTIME))]:
        x = torch.randn(2, 2, *spatial)
        size = tuple(2 * s - 1 for s in spatial)
        module = Resize(size, spec=spec).eval()
        model = _export(module, x)
        _assert_attributes_are_the_spec(_resize_node(model), spec, rank=x.dim())
        np.testing.assert_allclose(_run(model, x), module(x).numpy(), rtol=1e-5, atol=1e-5)


def test_cubic_on_rank_3_and_5_is_a_table_graph():
    """onnxruntime refuses mode 'cubic' on rank 3 and 5 ("'Cubic' mode only supports 2-D inputs or 4-D
    inputs"): the export writes the table graph, which it runs; strict names the reason; and the refusal is
    real (the node, written anyway, does not run)."""
    spec = ResizeSpec(mode="cubic", coordinate_arithmetic=RUNTIME)
    for spatial in [(7,), (3, 4, 5)]:
        x = torch.randn(2, 2, *spatial)
        module = Resize(tuple(2 * s for s in spatial), spec=spec).eval()
        model = _export(module, x)
        assert _is_table_graph(model)
        np.testing.assert_allclose(_run(model, x), module(x).numpy(), rtol=1e-5, atol=1e-5)
        with pytest.raises(ValueError, match=f"rank-4 inputs only .* not rank {x.dim()}"):
            _export(module, x, policy="strict")
        node = onnx.helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode="cubic")
        graph = onnx.helper.make_graph(
            [node], "g", [onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, list(x.shape))],
            [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, None)],
            [onnx.helper.make_tensor("sizes", onnx.TensorProto.INT64, [x.dim()], [2, 2, *(2 * s for s in spatial)])])
        written = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 19)])
        with pytest.raises(Exception, match="Cubic"):
            _run(written, x)


def test_old_opset_is_refused():
    with pytest.raises(Exception, match="opset_version >= 18"):
        _export(Resize((4, 4), preset="onnx_resize_default"), torch.randn(1, 1, 2, 2), opset=17)


def test_dynamo_exporter_emits_the_same_node():
    pytest.importorskip("onnxscript", reason="the dynamo ONNX exporter needs onnxscript")
    for spec, size, scale in [
        (ResizeSpec(mode="cubic", antialias=1, coordinate_arithmetic=RUNTIME), (3, 5), None),
        (ResizeSpec(mode="nearest", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=3.0,
                    coordinate_arithmetic=RUNTIME), None, (2.0, 1.5)),
    ]:
        module = torch.nn.Sequential(torch.nn.Conv2d(3, 3, 1), Resize(size, scale, spec=spec)).eval()
        x = torch.randn(2, 3, 6, 4)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            program = torch.onnx.export(module, (x,), dynamo=True, opset_version=19, input_names=["x"])
        model = program.model_proto
        resizes = [n for n in model.graph.node if n.op_type == "Resize"]
        assert len(resizes) == 1 and resizes[0].domain == ""
        _assert_attributes_are_the_spec(resizes[0], spec)
        with torch.no_grad():
            np.testing.assert_allclose(_run(model, x), module(x).numpy(), rtol=1e-5, atol=1e-5)


def test_scale_factor_export_keeps_the_batch_dynamic():
    spec = ResizeSpec(mode="linear", coordinate_arithmetic=RUNTIME)
    module = Resize(scale_factor=(2.0, 0.5), spec=spec).eval()
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (torch.randn(2, 3, 4, 6),), buffer, dynamo=False, opset_version=19,
                          input_names=["x"], dynamic_axes={"x": {0: "batch"}})
    model = onnx.load_from_string(buffer.getvalue())
    _assert_attributes_are_the_spec(_resize_node(model), spec)
    x = torch.randn(5, 3, 4, 6)
    np.testing.assert_allclose(_run(model, x), module(x).numpy(), rtol=1e-5, atol=1e-5)
