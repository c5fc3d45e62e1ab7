"""ONNX export through onnx_chainer: our resize becomes one standard Resize node with the spec's attributes
where onnxruntime computes the spec from it (``consistent_resize_tools.runtimes.onnxruntime``), else the exact
table graph, and onnxruntime computes what Chainer computes (no path only warns; ``table_graphs="strict"``
raises with the reason where a node would differ); chainer.functions.resize_images exported by onnx_chainer's
own converter is wrong (ONNX's default half_pixel coordinates), and right with ours."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings, strategies as st

from consistent_resize import ResizeSpec, reference
from consistent_resize.arguments import plan_axes
from consistent_resize.tables import axis_table
try:
    from consistent_resize_chainer._import import import_chainer

    chainer = import_chainer()
except ImportError:
    pytest.skip("Chainer is not installed (the numpy-2 CI leg has none)", allow_module_level=True)
onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402

import chainer.functions as F  # noqa: E402
import onnx_chainer  # noqa: E402

import consistent_resize_chainer as crc  # noqa: E402
import consistent_resize_chainer.onnx as cro  # noqa: E402
from consistent_resize_tools.runtimes import onnxruntime as onnxruntime_rules  # noqa: E402
from test_chainer_function import cases as function_cases  # noqa: E402

# (spec, input shape, size, scale_factor): every mode and coordinate mode, cubic settings, antialias,
# extrapolation, keep_aspect_ratio_policy, ranks 3-5 and both size and scales inputs.
EXPORT_CASES = [
    (ResizeSpec(mode="linear", coordinate_transformation_mode="align_corners",
                coordinate_arithmetic="float64_multiply"), (2, 3, 5, 6), (9, 4), None),
    (ResizeSpec(mode="linear", coordinate_transformation_mode="half_pixel"), (1, 2, 7, 7), (3, 12), None),
    (ResizeSpec(mode="linear", coordinate_transformation_mode="pytorch_half_pixel"), (1, 2, 6, 5), (1, 8), None),
    (ResizeSpec(mode="linear", coordinate_transformation_mode="asymmetric"), (1, 1, 4, 4), None, (2.0, 1.5)),
    (ResizeSpec(mode="linear", coordinate_transformation_mode="half_pixel_symmetric"), (1, 1, 5, 6), (8, 4), None),
    (ResizeSpec(mode="linear", antialias=1), (1, 2, 12, 10), (5, 3), None),
    (ResizeSpec(mode="cubic", cubic_coeff_a=-0.5, exclude_outside=1), (1, 2, 6, 7), (11, 4), None),
    (ResizeSpec(mode="cubic", cubic_coeff_a=-0.75, antialias=1), (1, 1, 9, 9), (4, 6), None),
    (ResizeSpec(mode="cubic", coordinate_transformation_mode="align_corners"), (1, 1, 4, 5), (7, 7), None),
    (ResizeSpec(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor",
                coordinate_arithmetic="float64_multiply"), (1, 2, 5, 7), (10, 3), None),
    (ResizeSpec(mode="nearest", coordinate_transformation_mode="half_pixel", nearest_mode="round_prefer_ceil"),
     (1, 1, 6, 4), (4, 7), None),
    (ResizeSpec(mode="nearest", coordinate_transformation_mode="tf_half_pixel_for_nn", nearest_mode="ceil"),
     (1, 1, 5, 5), (8, 3), None),
    (ResizeSpec(mode="nearest", coordinate_transformation_mode="align_corners", nearest_mode="round_prefer_floor"),
     (1, 1, 5, 4), (9, 7), None),
    (ResizeSpec(mode="linear", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-3.0),
     (1, 1, 5, 5), (7, 3), None),
    (ResizeSpec(mode="linear", keep_aspect_ratio_policy="not_larger"), (1, 1, 4, 6), (8, 9), None),
    (ResizeSpec(mode="nearest", keep_aspect_ratio_policy="not_smaller"), (1, 1, 4, 6), (8, 9), None),
    (ResizeSpec(mode="linear", coordinate_transformation_mode="align_corners"), (1, 2, 3, 4, 5), (5, 2, 7), None),
    (ResizeSpec(mode="nearest", nearest_mode="floor"), (2, 2, 5), (11,), None),
]


def _run(model_proto, x):
    session = ort.InferenceSession(model_proto.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def _ops(model_proto):
    return [node.op_type for node in model_proto.graph.node]


def _attributes(node):
    values = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in values.items()}


def _per_axis(value, count):
    return None if value is None else ([value] * count if np.ndim(value) == 0 else list(value))


def _rules_verdict(spec, shape, size, scale, roi=None):
    """(the normalised spec, why onnxruntime would compute otherwise or None): what the converter asks."""
    plans = plan_axes(shape[2:], size, scale, spec, roi)
    written = onnxruntime_rules.normalised(spec, plans, scales_given=scale is not None)
    requested = _per_axis(size, len(shape) - 2)
    return written, onnxruntime_rules.mismatch(written, plans, requested, rank=len(shape))


def _is_table_graph(proto):
    ops = set(_ops(proto))
    return "Resize" not in ops and "Gather" in ops


@pytest.mark.parametrize("spec,shape,size,scale", EXPORT_CASES, ids=lambda v: getattr(v, "describe", lambda: None)())
def test_export_is_one_resize_node_and_onnxruntime_agrees(spec, shape, size, scale, library_counter):
    x = np.random.default_rng(0).uniform(-10, 10, size=shape).astype(np.float32)
    model = chainer.Sequential(crc.Resize(size, scale, spec=spec))
    expected = model(x).array
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no path only warns
        warnings.filterwarnings("ignore", message=".*opset_version.*")
        proto = onnx_chainer.export(model, x, opset_version=19)
    written, why = _rules_verdict(spec, shape, size, scale)
    ops = _ops(proto)
    if why is not None:
        assert _is_table_graph(proto), (why, ops)
        with pytest.raises(ValueError, match="as one ONNX Resize node for these sizes"):
            cro.export(model, x, table_graphs="strict")
    else:
        assert ops.count("Resize") == 1 and set(ops) <= {"Resize", "Constant"}, ops
        (node,) = [n for n in proto.graph.node if n.op_type == "Resize"]
        attributes = _attributes(node)
        assert attributes.pop("axes") == list(range(2, len(shape)))  # N and C stay free
        onnx_spec = written.to_onnx()
        assert set(attributes) == set(onnx_spec)
        for name, value in onnx_spec.items():
            assert attributes[name] == pytest.approx(value), name
        assert ResizeSpec.from_onnx(attributes, coordinate_arithmetic=spec.coordinate_arithmetic) == written
    got = _run(proto, x)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4)
    library_counter("onnxruntime runs of onnx_chainer exports, equal to Chainer")


def test_opset_11_export_uses_resize_11_attributes():
    spec = ResizeSpec(mode="linear", coordinate_transformation_mode="align_corners")
    x = np.random.default_rng(1).normal(size=(1, 2, 3, 4)).astype(np.float32)
    model = chainer.Sequential(crc.Resize((5, 7), spec=spec))
    proto = onnx_chainer.export(model, x)  # onnx_chainer's default opset (11)
    (node,) = [n for n in proto.graph.node if n.op_type == "Resize"]
    assert "antialias" not in _attributes(node)
    np.testing.assert_allclose(_run(proto, x), model(x).array, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="antialias=1 needs opset_version >= 18"):
        onnx_chainer.export(chainer.Sequential(crc.Resize((2, 2), spec=spec.replace(antialias=1))), x)


def test_runtime_rounding_difference_is_a_table_graph_and_real():
    """Chainer's nearest computes ``x * (in / out)`` in float64, onnxruntime ``x / (out / in)`` in float32:
    where the two pick different pixels (14 -> 2: 1 * 7.0 is 7, 1 / float32(1/7) is 6.9999...), the
    converter writes the table graph (onnxruntime equals Chainer), strict refuses naming the picks, and the
    node written anyway really differs in onnxruntime."""
    spec = ResizeSpec(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor",
                      coordinate_arithmetic="float64_multiply")
    from consistent_resize.tables import axis_table

    runtime = spec.replace(coordinate_arithmetic="float32_divide")
    pairs = [(i, o) for i in range(2, 40) for o in range(2, 80)
             if (axis_table(i, o, spec).index != axis_table(i, o, runtime).index).any()]
    assert pairs, "no rounding difference in the searched sizes"
    in_size, out_size = pairs[0]
    x = np.arange(in_size, dtype=np.float32).reshape(1, 1, in_size)
    model = chainer.Sequential(crc.Resize((out_size,), spec=spec))
    proto = cro.export(model, x)
    assert _is_table_graph(proto)
    np.testing.assert_array_equal(_run(proto, x), model(x).array)
    with pytest.raises(ValueError, match="nearest picks other input indices"):
        cro.export(model, x, table_graphs="strict")
    node = cro.export(chainer.Sequential(crc.Resize((out_size,), spec=runtime)), x)  # the same node attributes
    assert _ops(node).count("Resize") == 1
    assert not np.array_equal(_run(node, x), model(x).array)


def _two_by_two():
    return np.array([[[[64.0, 32.0], [64.0, 32.0]]]], np.float32)


def test_stock_onnx_chainer_converter_exports_resize_images_wrongly():
    """The bug this project started from: onnx_chainer maps F.resize_images to a linear Resize with
    ONNX's default (half_pixel) coordinates, not Chainer's align_corners."""
    x = _two_by_two()
    model = chainer.Sequential(lambda v: F.resize_images(v, (4, 4)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # onnx_chainer's own "differs from each implementation"
        proto = onnx_chainer.export(model, x)
    got = _run(proto, x)
    chainer_y = model(x).array
    assert np.abs(got - chainer_y).max() > 1.0  # [64, 56, 40, 32] against [64, 53.33, 42.67, 32]
    onnx_default_linear = reference.resize(x, (4, 4), spec=ResizeSpec(mode="linear"), axes=(2, 3))
    np.testing.assert_allclose(got, onnx_default_linear, rtol=1e-6)


@pytest.mark.parametrize("mode,align_corners", [("bilinear", True), ("bilinear", False), ("nearest", True)])
@pytest.mark.parametrize(
    "shape,output_shape", [((1, 1, 2, 2), (4, 4)), ((2, 3, 5, 7), (9, 4)), ((1, 2, 6, 6), (60, 13))]
)
def test_our_converter_exports_resize_images_as_chainer_computes_it(mode, align_corners, shape, output_shape,
                                                                     library_counter):
    x = _two_by_two() if shape == (1, 1, 2, 2) else np.random.default_rng(3).uniform(0, 255, shape).astype(np.float32)
    model = chainer.Sequential(lambda v: F.resize_images(v, output_shape, mode=mode, align_corners=align_corners))
    proto = cro.export(model, x)
    assert _ops(proto).count("Resize") == 1
    (node,) = [n for n in proto.graph.node if n.op_type == "Resize"]
    preset = crc.chainer_preset(mode, align_corners)
    from consistent_resize import PRESETS

    assert _attributes(node) == dict(PRESETS[preset].spec.to_onnx(), axes=[2, 3])
    np.testing.assert_allclose(_run(proto, x), model(x).array, rtol=1e-5, atol=1e-4)
    library_counter("onnxruntime runs of F.resize_images exports, equal to Chainer")


@pytest.mark.filterwarnings("ignore:ONNX-Chainer has been tested only:UserWarning")
@pytest.mark.filterwarnings("ignore:external_converters is experimental:FutureWarning")
@pytest.mark.parametrize("opset", [11, 13, 19])
def test_converters_can_be_passed_to_plain_onnx_chainer_export(opset):
    x = _two_by_two()
    model = chainer.Sequential(lambda v: F.resize_images(v, (4, 4)))
    proto = onnx_chainer.export(model, x, opset_version=opset, external_converters=cro.CONVERTERS)
    assert max(o.version for o in proto.opset_import) == opset
    np.testing.assert_allclose(_run(proto, x), model(x).array, rtol=1e-6)


def test_old_opsets_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="opset_version >= 11"):
        cro.onnx_attributes(ResizeSpec(), 10)
    with pytest.raises(ValueError, match="half_pixel_symmetric' needs opset_version >= 19"):
        cro.onnx_attributes(ResizeSpec(coordinate_transformation_mode="half_pixel_symmetric"), 18)


def _node_model(shape, attributes, scales=None, sizes=None):
    """A model of one Resize node over every axis (the node an exporter would write, built by hand)."""
    inputs = ["x", "", "scales" if scales is not None else ""] + (["sizes"] if sizes is not None else [])
    node = helper.make_node("Resize", inputs, ["y"], **attributes)
    initializers = []
    if scales is not None:
        initializers.append(helper.make_tensor("scales", onnx.TensorProto.FLOAT, [len(scales)], scales))
    if sizes is not None:
        initializers.append(helper.make_tensor("sizes", onnx.TensorProto.INT64, [len(sizes)], sizes))
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, list(shape))],
                              [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, None)], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])


def test_runtime_output_length_difference_is_a_table_graph_and_real():
    """``scale_factor`` 2.3 on a length of 50: ``floor(50 * 2.3)`` is 114 in float64 (the spec, ONNX's
    reference) and 115 in float32 (onnxruntime): the converter writes the table graph (Chainer's shape and
    values in onnxruntime), strict names the output size, and the node's shape really differs."""
    x = np.random.default_rng(2).uniform(-10, 10, (1, 1, 50)).astype(np.float32)
    spec = ResizeSpec(mode="linear")
    model = chainer.Sequential(crc.Resize(scale_factor=(2.3,), spec=spec))
    proto = cro.export(model, x)
    assert _is_table_graph(proto)
    np.testing.assert_allclose(_run(proto, x), model(x).array, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="computes output size 115 .*, the spec 114"):
        cro.export(model, x, table_graphs="strict")
    node = _node_model(x.shape, spec.to_onnx(), scales=[1.0, 1.0, 2.3])
    assert _run(node, x).shape != model(x).shape


def _onnx_size_is_zero(spec, shape, size):
    """keep_aspect_ratio_policy rounding an axis to length 0: ONNX gives an empty output, the core
    clamps to 1 (consistent_resize.arguments.plan_axes); not an export question."""
    if size is None or spec.keep_aspect_ratio_policy == "stretch":
        return False
    sizes = [size] * (len(shape) - 2) if np.ndim(size) == 0 else list(size)
    ratios = [o / i for o, i in zip(sizes, shape[2:])]
    common = min(ratios) if spec.keep_aspect_ratio_policy == "not_larger" else max(ratios)
    return any(int(common * i + 0.5) == 0 for i in shape[2:])


def _onnx_reference_agrees(spec, plans):
    """Where onnx.reference (float64, ``L = scale * in``) computes the spec's tables: not for
    ``tf_half_pixel_for_nn`` (which it lacks), nor ``pytorch_half_pixel`` to length 1 (onnx's reference
    code uses the coordinate -1/2 there, the ONNX text, onnxruntime and the core 0: see
    consistent_resize.coordinates), nor where another arithmetic gives other tables."""
    if spec.coordinate_transformation_mode == "tf_half_pixel_for_nn":
        return False
    if spec.coordinate_transformation_mode == "half_pixel_symmetric":
        # onnx.reference computes other coordinates at some sizes: 7 with scale 0.5 gives [0, 3, 5] for nearest
        # and linear where the spec and onnxruntime give [1, 3, 5] (make fuzz seed 3231472733)
        return False
    if spec.coordinate_transformation_mode == "pytorch_half_pixel":
        if any(p.out_size == 1 or (p.scale is not None and p.scale * p.in_size <= 1) for p in plans):
            return False
    other = spec.replace(coordinate_arithmetic="float64_divide")
    for p in plans:  # the same tables to a few float32 ulps of the largest coordinate
        try:
            ours = axis_table(p.in_size, p.out_size, spec, p.scale, p.roi).matrix()
            theirs = axis_table(p.in_size, p.out_size, other, p.scale, p.roi).matrix()
        except ValueError:
            return False
        if np.abs(ours - theirs).max() > 8 * float(np.finfo(np.float32).eps) * max(p.in_size, p.out_size, 1):
            return False
    return True


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])  # ~15 ms each
@given(case=function_cases(), seed=st.integers(0, 2**31 - 1))
@example(case=(ResizeSpec(mode="linear", coordinate_transformation_mode="half_pixel_symmetric",
                          coordinate_arithmetic="float64_divide"), (1, 1, 7), None, (0.5,)), seed=0)  # fuzz 3231472733
def test_random_specs_export_and_run_like_chainer(case, seed, library_counter):
    """Any spec, rank, size or scales: the exported model run by onnxruntime equals Chainer, with no
    warning (one Resize node where it computes the spec, else the table graph); run by onnx.reference it
    equals Chainer where the spec's tables are those of onnx.reference's float64 arithmetic."""
    spec, shape, size, scale = case
    assume(not _onnx_size_is_zero(spec, shape, size))
    x = np.random.default_rng(seed).uniform(-10, 10, size=shape).astype(np.float32)
    model = chainer.Sequential(crc.Resize(size, scale, spec=spec))
    try:
        expected = model(x).array
    except ValueError:
        return  # an output length of 0: tested in test_chainer_errors
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        proto = cro.export(model, x)
    assert not [w for w in caught if issubclass(w.category, UserWarning)], [str(w.message) for w in caught]
    if _is_table_graph(proto) or _onnx_reference_agrees(spec, plan_axes(shape[2:], size, scale, spec)):
        evaluated = ReferenceEvaluator(proto).run(None, {proto.graph.input[0].name: x})[0]
        np.testing.assert_allclose(evaluated, expected, rtol=1e-4, atol=1e-4)
        library_counter("onnx.reference runs of random-spec exports, equal to Chainer")
    np.testing.assert_allclose(_run(proto, x), expected, rtol=1e-4, atol=1e-4)
    library_counter("onnxruntime runs of random-spec exports, equal to Chainer")


@pytest.mark.parametrize(
    "spec,shape,size,scale",
    [
        (ResizeSpec(mode="nearest", nearest_mode="floor"), (1, 1, 2), None, (1.25,)),
        (ResizeSpec(mode="linear", coordinate_transformation_mode="tf_half_pixel_for_nn"), (1, 1, 2, 3), (4, 3), None),
        (ResizeSpec(mode="linear", antialias=1), (1, 1, 3, 4, 3), None, (1.25, 1.5, 0.75)),
        (ResizeSpec(mode="linear", antialias=1), (1, 1, 2, 3), None, (1.25, 0.34)),
    ],
)
def test_onnxruntime_copying_an_axis_of_kept_length_is_a_table_graph_and_real(spec, shape, size, scale):
    """onnxruntime copies an axis whose output length equals its input length, even where the spec (and
    onnx.reference) moves it: a scale other than 1, or tf_half_pixel_for_nn's half-pixel shift. The
    converter writes the table graph (onnxruntime equals Chainer) and strict names the axis; the node
    written anyway really differs in onnxruntime while onnx.reference agrees with Chainer (if a later
    onnxruntime changes this, the test fails and the rule can go)."""
    x = np.random.default_rng(4).uniform(-10, 10, size=shape).astype(np.float32)
    model = chainer.Sequential(crc.Resize(size, scale, spec=spec))
    expected = model(x).array
    proto = cro.export(model, x)
    assert _is_table_graph(proto)
    np.testing.assert_allclose(_run(proto, x), expected, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="keeps its length"):
        cro.export(model, x, table_graphs="strict")
    if scale is not None:
        node = _node_model(shape, spec.to_onnx(), scales=[1.0, 1.0, *scale])
    else:
        node = _node_model(shape, spec.to_onnx(), sizes=[*shape[:2], *size])
    if spec.coordinate_transformation_mode != "tf_half_pixel_for_nn":
        evaluated = ReferenceEvaluator(node).run(None, {"x": x})[0]
        np.testing.assert_allclose(evaluated, expected, rtol=1e-4, atol=1e-4)
    assert np.abs(_run(node, x) - expected).max() > 0.1


@pytest.mark.parametrize(
    "spec,size,scale,changed",
    [
        (ResizeSpec(mode="nearest", exclude_outside=1), (7, 3), None, {"exclude_outside": 0}),
        (ResizeSpec(mode="linear", exclude_outside=1), (7, 3), None, {"exclude_outside": 0}),
        (ResizeSpec(mode="linear", keep_aspect_ratio_policy="not_larger"), None, (1.5, 0.5),
         {"keep_aspect_ratio_policy": "stretch"}),
    ],
)
def test_attributes_without_effect_that_onnxruntime_refuses_are_normalised(spec, size, scale, changed):
    """onnxruntime refuses exclude_outside=1 for nearest and non-antialiased linear, and any
    keep_aspect_ratio_policy with scales; there they change nothing, so the node carries the neutral value
    and onnxruntime runs it with Chainer's result."""
    x = np.random.default_rng(5).uniform(-10, 10, size=(1, 2, 5, 6)).astype(np.float32)
    model = chainer.Sequential(crc.Resize(size, scale, spec=spec))
    proto = cro.export(model, x)
    (node,) = [n for n in proto.graph.node if n.op_type == "Resize"]
    assert _attributes(node) == dict(spec.replace(**changed).to_onnx(), axes=[2, 3])
    np.testing.assert_allclose(_run(proto, x), model(x).array, rtol=1e-5, atol=1e-4)


def test_exclude_outside_is_kept_where_it_matters():
    spec = ResizeSpec(mode="cubic", exclude_outside=1)
    plans = plan_axes((5, 6), (7, 3), None, spec)
    assert onnxruntime_rules.normalised(spec, plans, scales_given=False) == spec


@pytest.mark.parametrize("policy", ["stretch", "not_smaller"])
def test_roi_is_exported(policy):
    """The roi goes into the node (for the spatial axes, which ``axes`` names). With a
    keep_aspect_ratio_policy onnxruntime uses the integer output length where ONNX uses ``scale * in``:
    the converter writes the table graph; onnx.reference and onnxruntime equal Chainer."""
    spec = ResizeSpec(mode="linear", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=7.0,
                      keep_aspect_ratio_policy=policy)
    x = np.random.default_rng(7).uniform(-10, 10, size=(1, 2, 5, 6)).astype(np.float32)
    model = chainer.Sequential(crc.Resize((4, 7), spec=spec, roi=[0.2, -0.1, 0.9, 1.3]))
    expected = model(x).array
    assert (expected == 7.0).any() and (expected != 7.0).any()
    proto = cro.export(model, x)
    assert _is_table_graph(proto) == (policy != "stretch")
    np.testing.assert_allclose(_run(proto, x), expected, rtol=1e-5, atol=1e-4)
    evaluated = ReferenceEvaluator(proto).run(None, {proto.graph.input[0].name: x})[0]
    np.testing.assert_allclose(evaluated, expected, rtol=1e-5, atol=1e-4)
