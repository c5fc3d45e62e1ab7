"""ONNX export of the specs beyond ONNX Resize (``spec.beyond_onnx``: box, area, lanczos, hamming, gaussian,
mitchell, adaptive_average) from PyTorch and Chainer: the table graph of ``consistent_resize.onnx_tables``
(per axis K Gather + Mul + an Add chain, constant tables), run by onnxruntime and compared with the
framework's own output and with ``reference.resize``.

- Chainer: bit for bit equal where Chainer's CPU forward uses its gather kernel (``_gather.forced("gather")``:
  the same products, summed in the same order, axes in the same order); within ``bound`` with its dense
  kernel (a matrix product, another summation order).
- PyTorch: within ``bound`` (its kernels, chosen per shape by a cost model, sum in other orders, and its
  gather kernel uses ``addcmul``).
- ``bound``: two K-term float sums of the same products differ by at most ``(K + 1) eps sum|w x|`` each
  way, per axis, amplified by the later axes' ``max_o sum_k |w|``: ``2 eps max|x| prod_a L1_a sum_a (K_a +
  1)``, plus one ulp of the output for float16 (computed in float32, rounded once).
"""

from __future__ import annotations

import io
import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from consistent_resize import EXTENSION_MODES, ResizeSpec, axis_table, reference
from consistent_resize.arguments import plan_axes, table_spec
from consistent_resize_tools.libraries import available
from consistent_resize.onnx_tables import MIN_OPSET, table_graph
from consistent_resize.presets import EXTENSION_PRESETS

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

FRAMEWORKS = [f for f in ("torch", "chainer") if available(f)]
ROI_3 = [0.1, -0.2, 0.05, 0.8, 1.3, 1.0]  # starts, ends of up to three spatial axes


def _roi(spec, rank):
    if spec.coordinate_transformation_mode != "tf_crop_and_resize":
        return None
    spatial = rank - 2
    return ROI_3[:spatial] + ROI_3[3:3 + spatial]


def _tables(spec, shape, size, roi):
    plans = plan_axes(shape[2:], size, None, spec, roi)
    spec = table_spec(spec, plans)
    return [axis_table(p.in_size, p.out_size, spec, p.scale, p.roi) for p in plans]


def bound(tables, x: np.ndarray, y: np.ndarray) -> float:
    """The largest difference two float sums of the same products may have (module docstring)."""
    compute = np.float64 if x.dtype == np.float64 else np.float32
    eps = float(np.finfo(compute).eps)
    finite = np.isfinite(x)
    scale = float(np.abs(x[finite]).max(initial=0.0))
    l1 = math.prod(float(np.abs(t.weight).sum(axis=1).max()) for t in tables)
    total = 2 * eps * scale * l1 * sum(t.taps + 1 for t in tables)
    if x.dtype == np.float16:
        total += float(np.spacing(np.abs(y[np.isfinite(y)]).max(initial=0.0).astype(np.float16)))
    return total


def dropped_multiplications(tables, dtype) -> int:
    """How many ``Mul`` nodes onnxruntime drops as no-ops: its basic graph optimizer (``NoopElimination``)
    removes a multiplication by a one-element float64 constant that float32 rounds to 1. The graph has one
    for an axis of one output whose only tap has a weight within an ulp of 1 (left by merging clamped taps, e.g.
    gaussian 1 -> 1); onnxruntime then differs from Chainer by that factor, 1 ulp per such axis
    (``test_onnxruntime_drops_a_multiplication_by_almost_one``)."""
    if np.dtype(dtype) != np.float64:
        return 0
    return sum(t.out_size == 1 and t.taps == 1 and t.weight[0, 0] != 1 and np.float32(t.weight[0, 0]) == 1
               for t in tables)


def _session(model_proto):
    return ort.InferenceSession(model_proto.SerializeToString(), providers=["CPUExecutionProvider"])


def _run(model_proto, x):
    session = _session(model_proto)
    return session.run(None, {session.get_inputs()[0].name: x})[0]


# -- exporters ---------------------------------------------------------------------------------------------

def export_torch(spec, x, size, roi=None, opset=19, **kwargs):
    torch = pytest.importorskip("torch")
    from consistent_resize_torch import Resize

    module = Resize(size, spec=spec, roi=roi).eval()
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (torch.from_numpy(x),), buffer, dynamo=False, opset_version=opset,
                          input_names=["x"], **kwargs)
    with torch.no_grad():
        ours = module(torch.from_numpy(x)).numpy()
    return onnx.load_from_string(buffer.getvalue()), ours, None


def export_chainer(spec, x, size, roi=None, opset=19, table_graphs="mismatch"):
    from consistent_resize_chainer._import import import_chainer

    chainer = import_chainer()
    import consistent_resize_chainer as crc
    import consistent_resize_chainer.onnx as cro
    from consistent_resize_chainer import _gather

    model = chainer.Sequential(crc.Resize(size, spec=spec, roi=roi))
    proto = cro.export(model, (x,), opset_version=opset, table_graphs=table_graphs)
    with chainer.using_config("train", False):
        ours = model(x).array
        with _gather.forced("gather"):
            gathered = model(x).array
    return proto, ours, gathered


EXPORT = {"torch": export_torch, "chainer": export_chainer}


def check_export(framework, spec, x, size, roi=None, count=None, **export_kwargs):
    """Export, run in onnxruntime, compare with the framework and the reference; returns the model."""
    proto, ours, gathered = EXPORT[framework](spec, x, size, roi, **export_kwargs)
    ops = {n.op_type for n in proto.graph.node}
    if spec.beyond_onnx or export_kwargs.get("table_graphs") == "always":
        assert ops <= {"Constant", "Gather", "Mul", "Add", "Cast", "Where"}, ops  # no MatMul, no Resize
    got = _run(proto, x)
    axes = tuple(range(2, x.ndim))
    want = reference.resize(x, size, spec=spec, axes=axes, roi=roi)
    assert got.dtype == x.dtype and got.shape == want.shape == ours.shape
    tables = _tables(spec, x.shape, size, roi)
    limit = bound(tables, x, want)
    np.testing.assert_array_equal(np.isfinite(got), np.isfinite(ours))
    finite = np.isfinite(got)
    assert np.abs(got[finite].astype(float) - ours[finite].astype(float)).max(initial=0) <= limit
    assert np.abs(got[finite].astype(float) - want[finite].astype(float)).max(initial=0) <= limit
    if gathered is not None:  # Chainer's gather kernel: the same sums in the same order
        dropped = dropped_multiplications(tables, x.dtype)
        if not dropped:
            np.testing.assert_array_equal(got, gathered)
        else:  # the skipped rounding then travels through the later sums: the general bound
            np.testing.assert_allclose(got, gathered, rtol=0, atol=limit)
    if count is not None:
        count(f"{framework} -> ONNX table graph -> onnxruntime")
    return proto


# -- every extension preset, every mode with non-default parameters ----------------------------------------

@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("name", sorted(EXTENSION_PRESETS))
def test_every_extension_preset_exports(framework, name, count):
    spec = EXTENSION_PRESETS[name].spec
    rng = np.random.default_rng(len(name))
    # down and up on both axes, and one down, one up (opencv_area: one rule for both, arguments.table_spec)
    for shape, size in [((1, 2, 11, 8), (5, 3)), ((2, 1, 4, 6), (9, 13)), ((1, 1, 11, 6), (5, 13))]:
        x = rng.uniform(-4, 4, shape).astype(np.float32)
        check_export(framework, spec, x, size, count=count)


PARAMETER_SPECS = [
    ResizeSpec(mode="lanczos", lanczos_radius=2),
    ResizeSpec(mode="lanczos", lanczos_radius=4, antialias=1, exclude_outside=1),
    ResizeSpec(mode="gaussian", gaussian_sigma=0.8, antialias=1),
    ResizeSpec(mode="gaussian", gaussian_sigma=0.3, exclude_outside=1),
    ResizeSpec(mode="mitchell", mitchell_b=0.0, mitchell_c=0.5),
    ResizeSpec(mode="mitchell", mitchell_b=1.0, mitchell_c=0.0, antialias=1),
]


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("spec", PARAMETER_SPECS, ids=lambda s: s.describe())
def test_kernel_parameters_are_exported(framework, spec, count):
    """The tables carry the parameter: a 1-D and a 3-D case agree, and the parameter changes the output."""
    rng = np.random.default_rng(3)
    for shape, size in [((2, 3, 9), (14,)), ((1, 1, 5, 1, 7), (3, 4, 10))]:
        x = rng.standard_normal(shape).astype(np.float32)
        proto = check_export(framework, spec, x, size, count=count)
    default = ResizeSpec(mode=spec.mode, antialias=spec.antialias, exclude_outside=spec.exclude_outside)
    assert np.abs(_run(proto, x) - reference.resize(x, size, spec=default, axes=(2, 3, 4))).max() > 1e-3


# -- random specs, shapes and sizes ------------------------------------------------------------------------

@st.composite
def cases(draw):
    """A spec beyond ONNX, an input (rank 3-5, 1-3 channels, axes of length 1-12), output sizes 1-12."""
    mode = draw(st.sampled_from(EXTENSION_MODES))
    fields = dict(
        mode=mode,
        coordinate_transformation_mode=draw(st.sampled_from(
            ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "half_pixel_symmetric",
             "tf_crop_and_resize"])),
        antialias=draw(st.integers(0, 1)),
        exclude_outside=draw(st.integers(0, 1)),
        extrapolation_value=draw(st.sampled_from([0.0, -2.5])),
        lanczos_radius=draw(st.integers(1, 5)),
        gaussian_sigma=draw(st.sampled_from([0.5, 0.3, 1.1])),
        mitchell_b=draw(st.sampled_from([1 / 3, 0.0, 1.0])),
        mitchell_c=draw(st.sampled_from([1 / 3, 0.5, 0.0])),
    )
    try:
        spec = ResizeSpec(**fields)
    except ValueError:  # e.g. area with antialias
        assume(False)
    spatial = draw(st.integers(1, 3))
    in_sizes = tuple(draw(st.lists(st.integers(1, 12), min_size=spatial, max_size=spatial)))
    size = tuple(draw(st.lists(st.integers(1, 12), min_size=spatial, max_size=spatial)))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3))) + in_sizes
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    roi = _roi(spec, len(shape))
    try:
        _tables(spec, shape, size, roi)
    except ValueError:  # weights summing to 0 (every tap outside): the resize itself refuses
        assume(False)
    seed = draw(st.integers(0, 2**16))
    x = np.random.default_rng(seed).uniform(-8, 8, shape).astype(dtype)
    return spec, x, size, roi


@pytest.mark.skipif("torch" not in FRAMEWORKS, reason="torch is not installed")
@settings(max_examples=60)
@given(case=cases())
def test_random_extension_specs_torch(case):
    check_export("torch", *case)


@pytest.mark.skipif("chainer" not in FRAMEWORKS, reason="chainer is not installed")
@settings(max_examples=60)
@given(case=cases())
def test_random_extension_specs_chainer(case):
    check_export("chainer", *case)


# -- NaN / Inf locality, dtypes, crop ----------------------------------------------------------------------

@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("mode", ["lanczos", "area", "box", "gaussian"])
def test_nan_and_inf_reach_only_the_outputs_that_read_them(framework, mode, count):
    spec = ResizeSpec(mode=mode, antialias=int(mode != "area"))
    rng = np.random.default_rng(7)
    for size in [(8, 9), (17, 23)]:
        x = rng.standard_normal((1, 2, 12, 14)).astype(np.float32)
        x[0, 0, 5, 6] = np.nan
        x[0, 1, 0, 13] = np.inf
        proto = check_export(framework, spec, x, size, count=count)
        got = _run(proto, x)
        want = reference.resize(x, size, spec=spec, axes=(2, 3))
        np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
        reads = [t.matrix() != 0 for t in _tables(spec, x.shape, size, None)]
        touched_nan = np.outer(reads[0][:, 5], reads[1][:, 6])
        touched_inf = np.outer(reads[0][:, 0], reads[1][:, 13])
        np.testing.assert_array_equal(~np.isfinite(got[0, 0]), touched_nan)
        np.testing.assert_array_equal(~np.isfinite(got[0, 1]), touched_inf)
        assert 0 < touched_nan.sum() < touched_nan.size and 0 < touched_inf.sum() < touched_inf.size


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_float16_and_float64(framework, count):
    """float16 runs in float32 between two Casts, as every framework computes it; float64 in float64."""
    spec = ResizeSpec(mode="lanczos", antialias=1)
    rng = np.random.default_rng(5)
    for dtype in (np.float16, np.float64):
        x = rng.standard_normal((1, 2, 9, 10)).astype(dtype)
        proto = check_export(framework, spec, x, (4, 13), count=count)
        casts = [n for n in proto.graph.node if n.op_type == "Cast"]
        assert len(casts) == (2 if dtype == np.float16 else 0)
        weights = [onnx.numpy_helper.to_array(n.attribute[0].t) for n in proto.graph.node
                   if n.op_type == "Constant" and onnx.numpy_helper.to_array(n.attribute[0].t).dtype.kind == "f"]
        assert {w.dtype for w in weights} == {np.dtype(np.float32 if dtype == np.float16 else np.float64)}


@pytest.mark.skipif("torch" not in FRAMEWORKS, reason="torch is not installed")
def test_torch_bfloat16_graph_casts_to_float32_and_loads():
    """bfloat16: the same two Casts (to float32 and back to bfloat16, ONNX type 16); onnxruntime loads the
    graph (its Python API cannot feed a bfloat16 input, so it is not run here)."""
    import torch
    from consistent_resize_torch import Resize

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Resize((4, 7), spec=ResizeSpec(mode="lanczos", antialias=1)).eval(),
                          (torch.randn(1, 2, 9, 5, dtype=torch.bfloat16),), buffer, dynamo=False, opset_version=19)
    proto = onnx.load_from_string(buffer.getvalue())
    casts = [onnx.helper.get_attribute_value(n.attribute[0]) for n in proto.graph.node if n.op_type == "Cast"]
    assert casts == [onnx.TensorProto.FLOAT, onnx.TensorProto.BFLOAT16]
    _session(proto)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_crop_and_resize_fills_outside(framework, count):
    spec = ResizeSpec(mode="mitchell", coordinate_transformation_mode="tf_crop_and_resize",
                      extrapolation_value=-7.25)
    x = np.random.default_rng(2).standard_normal((1, 1, 6, 8)).astype(np.float32)
    roi = [-0.3, 0.2, 1.4, 0.9]
    proto = check_export(framework, spec, x, (7, 5), roi=roi, count=count)
    assert "Where" in {n.op_type for n in proto.graph.node}
    got = _run(proto, x)
    rows, columns = (t.outside for t in _tables(spec, x.shape, (7, 5), roi))
    outside = rows[:, None] | columns[None, :]
    assert 0 < outside.sum() < outside.size
    assert np.all(got[0, 0][outside] == np.float32(-7.25)) and np.all(got[0, 0][~outside] != np.float32(-7.25))


# -- graph structure, opsets, dynamic axes ---------------------------------------------------------------

def test_graph_is_gather_mul_add_per_tap():
    """K Gathers (int64 (out,) constants), K Muls, K - 1 Adds per axis; one Gather for a one-tap axis."""
    spec = ResizeSpec(mode="lanczos", antialias=1)
    tables = [(2, axis_table(9, 4, spec)), (3, axis_table(3, 5, ResizeSpec()))]  # nearest: one tap of weight 1
    graph = table_graph((2, 3, 9, 3), "float32", tables, spec)
    k = tables[0][1].taps
    assert graph.op_types() == ["Gather", "Mul"] + ["Gather", "Mul", "Add"] * (k - 1) + ["Gather"]
    assert graph.nodes[-1].output == "y" and graph.nodes[-1].shape == (2, 3, 4, 5)
    index = [graph.constants[n.inputs[1]] for n in graph.nodes if n.op_type == "Gather"]
    assert all(i.dtype == np.int64 and i.ndim == 1 for i in index)
    np.testing.assert_array_equal(np.stack(index[:k], axis=1), tables[0][1].index)
    weight = np.concatenate([graph.constants[n.inputs[1]] for n in graph.nodes if n.op_type == "Mul"], axis=1)
    np.testing.assert_array_equal(weight, tables[0][1].weight.astype(np.float32))
    assert "TableGraph(x -> y" in repr(graph)


def test_table_graph_alone_is_valid_onnx():
    """The core's graph, written with onnx.helper only, passes the checker and strict shape inference."""
    from onnx import TensorProto, helper

    spec = ResizeSpec(mode="box", antialias=1, coordinate_transformation_mode="tf_crop_and_resize")
    shape, size, roi = (1, 2, 7, 4, 5), (3, 9, 2), ROI_3
    plans = plan_axes(shape[2:], size, None, spec, roi)
    tables = [(2 + i, axis_table(p.in_size, p.out_size, spec, p.scale, p.roi)) for i, p in enumerate(plans)]
    graph = table_graph(shape, "float64", tables, spec)
    model = helper.make_model(
        helper.make_graph(graph.onnx_nodes(), "g", [helper.make_tensor_value_info("x", TensorProto.DOUBLE, shape)],
                          [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [None] * 5)]),
        opset_imports=[helper.make_opsetid("", MIN_OPSET)])
    onnx.checker.check_model(model)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    dims = [d.dim_value for d in inferred.graph.output[0].type.tensor_type.shape.dim]
    assert dims == [1, 2, 3, 9, 2]
    x = np.random.default_rng(0).standard_normal(shape)
    want = reference.resize(x, size, spec=spec, axes=(2, 3, 4), roi=roi)
    np.testing.assert_allclose(_run(model, x), want, rtol=0, atol=bound([t for _, t in tables], x, want))


def test_reduce_sum_would_round_otherwise():
    """Why an Add chain and not one ``ReduceSum`` over a gathered ``(..., out, K, ...)`` tensor: onnxruntime's
    ReduceSum adds the K taps in an order of its own, so its float32 sums differ from the left-to-right sum
    (which the chain, Chainer's gather kernel and NumPy compute) for K = 40."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 50, 11)).astype(np.float32)
    index = rng.integers(0, 50, (7, 40))
    weight = rng.standard_normal((7, 40)).astype(np.float32)
    nodes = [helper.make_node("Gather", ["x", "i"], ["g"], axis=2), helper.make_node("Mul", ["g", "w"], ["m"]),
             helper.make_node("ReduceSum", ["m", "a"], ["y"], keepdims=0)]
    constants = [numpy_helper.from_array(index, "i"), numpy_helper.from_array(weight[:, :, None], "w"),
                 numpy_helper.from_array(np.array([3]), "a")]
    model = helper.make_model(
        helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape)],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3, 7, 11])], constants),
        opset_imports=[helper.make_opsetid("", 18)])
    left_to_right = x[:, :, index[:, 0]] * weight[:, 0, None]
    for k in range(1, 40):
        left_to_right = left_to_right + x[:, :, index[:, k]] * weight[:, k, None]
    reduced = _run(model, x)
    assert not np.array_equal(reduced, left_to_right)
    np.testing.assert_allclose(reduced, left_to_right, rtol=0, atol=1e-5)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_old_opset_is_refused_and_min_opset_works(framework):
    spec = ResizeSpec(mode="hamming", antialias=1)
    x = np.random.default_rng(0).standard_normal((1, 1, 6, 5)).astype(np.float32)
    with pytest.raises(Exception, match=f"needs opset_version >= {MIN_OPSET}"):
        EXPORT[framework](spec, x, (3, 3), opset=MIN_OPSET - 1)
    proto, ours, _ = EXPORT[framework](spec, x, (3, 3), opset=MIN_OPSET)
    np.testing.assert_allclose(_run(proto, x), ours, rtol=0, atol=bound(_tables(spec, x.shape, (3, 3), None), x, ours))


@pytest.mark.skipif("torch" not in FRAMEWORKS, reason="torch is not installed")
def test_torch_dynamic_batch_exports_and_dynamic_spatial_axis_is_refused():
    spec = ResizeSpec(mode="gaussian", antialias=1)
    x = np.random.default_rng(0).standard_normal((2, 3, 9, 7)).astype(np.float32)
    proto, _, _ = export_torch(spec, x, (4, 5), dynamic_axes={"x": {0: "batch"}})
    bigger = np.random.default_rng(1).standard_normal((5, 3, 9, 7)).astype(np.float32)
    want = reference.resize(bigger, (4, 5), spec=spec, axes=(2, 3))
    np.testing.assert_allclose(_run(proto, bigger), want, rtol=0,
                               atol=bound(_tables(spec, bigger.shape, (4, 5), None), bigger, want))
    with pytest.raises(ValueError, match="with dynamic spatial sizes: mode 'gaussian' is written as constant Gather tables"):
        export_torch(spec, x, (4, 5), dynamic_axes={"x": {0: "batch", 3: "width"}})


DYNAMO_SPECS = [
    (ResizeSpec(mode="lanczos", lanczos_radius=2, antialias=1), (2, 3, 9, 7), (4, 12), None),
    (ResizeSpec(mode="area", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=2.0),
     (1, 2, 5, 6, 4), (3, 7, 2), ROI_3),
]


@pytest.mark.skipif("torch" not in FRAMEWORKS, reason="torch is not installed")
def test_torch_dynamo_exporter_writes_the_table_graph():
    pytest.importorskip("onnxscript", reason="the dynamo ONNX exporter needs onnxscript")
    import torch
    from consistent_resize_torch import Resize

    for spec, shape, size, roi in DYNAMO_SPECS:
        module = Resize(size, spec=spec, roi=roi).eval()
        x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            program = torch.onnx.export(module, (torch.from_numpy(x),), dynamo=True, opset_version=19,
                                        verbose=False)
        ops = {n.op_type for n in program.model_proto.graph.node}
        assert "Gather" in ops and ops <= {"Constant", "Gather", "Mul", "Add", "Where"}, ops
        with torch.no_grad():
            ours = module(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(_run(program.model_proto, x), ours, rtol=0,
                                   atol=bound(_tables(spec, shape, size, roi), x, ours))
    import consistent_resize_torch

    module = Resize((2, 3), preset="pytorch_nearest").eval()  # a Resize node would pick other pixels
    x = np.random.default_rng(1).standard_normal((1, 2, 14, 3)).astype(np.float32)
    with warnings.catch_warnings(), consistent_resize_torch.table_graphs("mismatch"):
        warnings.simplefilter("ignore")
        program = torch.onnx.export(module, (torch.from_numpy(x),), dynamo=True, opset_version=19, verbose=False)
    assert {n.op_type for n in program.model_proto.graph.node} <= {"Constant", "Gather"}
    with torch.no_grad():
        np.testing.assert_array_equal(_run(program.model_proto, x), module(torch.from_numpy(x)).numpy())


@pytest.mark.skipif("torch" not in FRAMEWORKS, reason="torch is not installed")
def test_torch_dynamo_exporter_names_the_reason_for_a_dynamic_spatial_axis():
    pytest.importorskip("onnxscript", reason="the dynamo ONNX exporter needs onnxscript")
    import torch
    from consistent_resize_torch import Resize

    module = Resize((4, 5), spec=ResizeSpec(mode="mitchell")).eval()
    x = torch.randn(1, 2, 9, 7)
    with warnings.catch_warnings(), pytest.raises(Exception) as caught:
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (x,), dynamo=True, opset_version=19, verbose=False,
                          dynamic_shapes={"x": {2: torch.export.Dim("height")}})
    assert "with dynamic spatial sizes: mode 'mitchell' is written as constant Gather tables" in str(caught.value)


@pytest.mark.skipif("chainer" not in FRAMEWORKS, reason="chainer is not installed")
def test_onnxruntime_drops_a_multiplication_by_almost_one():
    """The one case found where onnxruntime's output is not bit for bit Chainer's gather kernel: float64, an
    axis of one output whose one tap has a weight within an ulp of 1 but not 1 (gaussian 1 -> 1: the weight
    our machine-independent table gives, read here, not typed in); onnxruntime's ``NoopElimination`` drops
    that ``Mul`` (1 ulp); with that optimizer disabled it is bit for bit."""
    spec = ResizeSpec(mode="gaussian")
    x = np.array([[[[2.191387]]]])
    tables = _tables(spec, x.shape, (1, 1), None)
    weight = tables[0].weight[0, 0]
    assert weight != 1 and abs(weight - 1) <= 2**-52 and np.float32(weight) == 1
    assert dropped_multiplications(tables, x.dtype) == 2
    proto, _, gathered = export_chainer(spec, x, (1, 1))
    plain = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"],
                                 disabled_optimizers=["NoopElimination"])
    np.testing.assert_array_equal(plain.run(None, {plain.get_inputs()[0].name: x})[0], gathered)
    optimized = _run(proto, x)
    assert optimized[0, 0, 0, 0] != gathered[0, 0, 0, 0]
    assert abs(optimized[0, 0, 0, 0] - gathered[0, 0, 0, 0]) <= 2 * np.spacing(x[0, 0, 0, 0])


# -- the explicit option: table graphs for ONNX specs too ---------------------------------------------------

# (in, out) where onnxruntime's float32 arithmetic flips a nearest rounding tie of some preset (as in
# tests/test_torch_onnx.py)
MISMATCH_CANDIDATES = [(14, 2), (2, 41), (6, 74), (4, 75), (2, 7), (2, 5)]


def _mismatched_presets():
    """(preset name, in, out) for every ONNX preset that some candidate size makes the Resize node miss."""
    from consistent_resize.presets import PRESETS
    from consistent_resize_torch._onnx import node_spec
    from consistent_resize_torch.functional import plan

    out = []
    for name in sorted(n for n, p in PRESETS.items() if not p.beyond_onnx):  # the others are always tables
        spec = PRESETS[name].spec
        if spec.beyond_onnx:  # TF's bicubic table (cubic_table_size): always tables, "strict" too
            continue
        for in_size, out_size in MISMATCH_CANDIDATES:
            if node_spec(plan((1, 1, in_size, 3), (out_size, 3), None, spec), spec)[1] is not None:
                out.append((name, in_size, out_size))
                break
    return out


@pytest.mark.skipif("torch" not in FRAMEWORKS, reason="torch is not installed")
def test_torch_table_graphs_export_what_a_resize_node_would_change(count):
    """The default policy (``table_graphs("mismatch")``): a preset whose Resize node would compute otherwise
    in onnxruntime is exported as a table graph that computes the preset, nearest bit for bit (one Gather);
    ``"strict"`` refuses it with the reason; ``"always"`` writes tables for an exact node too."""
    import consistent_resize_torch
    from consistent_resize.presets import PRESETS

    cases = _mismatched_presets()
    assert len(cases) >= 5, cases
    for name, in_size, out_size in cases:
        spec = PRESETS[name].spec
        x = np.random.default_rng(in_size).standard_normal((1, 2, in_size, 3)).astype(np.float32)
        with pytest.raises(ValueError, match="Leave out table_graphs\\('strict'\\)"):
            with consistent_resize_torch.table_graphs("strict"):
                export_torch(spec, x, (out_size, 3))
        proto = check_export("torch", spec, x, (out_size, 3), count=count)
        assert "Resize" not in {n.op_type for n in proto.graph.node}
        if spec.mode == "nearest":
            assert {n.op_type for n in proto.graph.node} == {"Constant", "Gather"}
            import torch

            want = consistent_resize_torch.resize(torch.from_numpy(x), (out_size, 3), spec=spec).numpy()
            np.testing.assert_array_equal(_run(proto, x), want)
    with consistent_resize_torch.table_graphs("always"):  # an exact Resize node becomes tables too
        proto = check_export("torch", ResizeSpec(mode="cubic", antialias=1), x, (5, 7), count=count)
    assert "Resize" not in {n.op_type for n in proto.graph.node}
    proto, _, _ = export_torch(ResizeSpec(mode="cubic", antialias=1, coordinate_arithmetic="float32_divide"), x,
                               (5, 7))
    assert "Resize" in {n.op_type for n in proto.graph.node}  # outside the block: the node again
    with pytest.raises(ValueError, match="table_graphs must be one of 'mismatch', 'strict', 'always'"):
        with consistent_resize_torch.table_graphs("sometimes"):
            pass


@pytest.mark.skipif("chainer" not in FRAMEWORKS, reason="chainer is not installed")
def test_chainer_table_graphs_export_what_a_resize_node_would_change(count):
    """``cro.export`` (``table_graphs="mismatch"``, the default): where a node would compute otherwise (a
    rounding tie, a float32 output length), the resize becomes a table graph that computes Chainer's result,
    with no warning; ``"strict"`` refuses; ``"always"`` writes tables for any."""
    from consistent_resize_chainer._import import import_chainer

    chainer = import_chainer()
    import consistent_resize_chainer as crc
    import consistent_resize_chainer.onnx as cro

    spec = ResizeSpec(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor",
                      coordinate_arithmetic="float64_multiply")
    x = np.arange(14, dtype=np.float32).reshape(1, 1, 14)
    model = chainer.Sequential(crc.Resize((2,), spec=spec))
    with pytest.raises(ValueError, match="nearest picks other input indices"):
        cro.export(model, x, table_graphs="strict")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no path only warns
        proto = cro.export(model, x)
    assert {n.op_type for n in proto.graph.node} == {"Constant", "Gather"}
    np.testing.assert_array_equal(_run(proto, x), model(x).array)
    x = np.random.default_rng(0).standard_normal((1, 1, 50)).astype(np.float32)
    model = chainer.Sequential(crc.Resize(scale_factor=(2.3,), spec=ResizeSpec(mode="linear")))
    proto = cro.export(model, x)
    got = _run(proto, x)
    assert got.shape == model(x).shape == (1, 1, 114)  # onnxruntime's Resize would give 115
    np.testing.assert_allclose(got, model(x).array, rtol=0, atol=1e-6)
    proto = check_export("chainer", ResizeSpec(mode="linear", antialias=1), x[:, :, :20], (7,), count=count,
                         table_graphs="always")
    assert "Resize" not in {n.op_type for n in proto.graph.node}
    with pytest.raises(ValueError, match="table_graphs must be one of"):
        cro.export(model, x, table_graphs="never")


if __name__ == "__main__":  # measure: python tests/test_onnx_extensions.py [cases]
    import sys

    from hypothesis import HealthCheck

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    for framework in FRAMEWORKS:
        worst = {"framework": 0.0, "reference": 0.0, "of bound": 0.0}
        equal = [0, 0]

        @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=cases())
        def measure(case):
            spec, x, size, roi = case
            proto, ours, gathered = EXPORT[framework](spec, x, size, roi)
            got = _run(proto, x)
            want = reference.resize(x, size, spec=spec, axes=tuple(range(2, x.ndim)), roi=roi)
            unit = np.finfo(x.dtype).eps * max(float(np.abs(x).max()), 1e-300)
            limit = bound(_tables(spec, x.shape, size, roi), x, want)
            for key, other in (("framework", ours), ("reference", want)):
                d = float(np.abs(got.astype(float) - other.astype(float)).max())
                worst[key] = max(worst[key], d / unit)
                worst["of bound"] = max(worst["of bound"], d / limit if limit else 0.0)
            equal[0] += bool(np.array_equal(got, ours))
            equal[1] += 1

        measure()
        print(f"{framework}: max |onnxruntime - {framework}| = {worst['framework']:.2f} eps max|x|, "
              f"max |onnxruntime - reference| = {worst['reference']:.2f} eps max|x|, "
              f"largest fraction of bound {worst['of bound']:.3f}; bit-equal to {framework} (default kernels) "
              f"in {equal[0]}/{equal[1]} cases")
