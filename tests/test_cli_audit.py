"""``consistent-resize audit``: hand-built Upsample/Resize nodes of every operator version, models exported
by ``torch.onnx.export`` and ``onnx_chainer.export``, and the error paths.

The spec that audit reads from a node is checked against onnxruntime running that node: the NumPy
reference under the audited spec must reproduce the runtime's output.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper  # noqa: E402

from consistent_resize import PRESETS, resize  # noqa: E402
from consistent_resize_tools.audit import audit_model, semantic_spec  # noqa: E402
from consistent_resize_tools.cli import main  # noqa: E402


def _model(path, op_type, opset, attributes, *, scales=None, sizes=None, roi=None, in_shape=(1, 1, 5, 7),
           scales_as_attribute=False):
    """A one-node model; constant inputs as initializers (Upsample-7 takes scales as an attribute)."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(in_shape))
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    initializers, inputs = [], ["x"]

    def constant(name, values, dtype):
        if values is None and not (opset < 13 and name in ("roi", "scales")):
            inputs.append("")
            return
        values = [] if values is None else values  # Resize-11 requires roi and scales: empty tensors
        array = np.asarray(values, dtype=dtype)
        initializers.append(onnx.numpy_helper.from_array(array, name))
        inputs.append(name)

    if scales_as_attribute:
        attributes = dict(attributes, scales=[float(s) for s in scales])
    elif op_type == "Upsample" or opset == 10:
        constant("scales", scales, np.float32)
    else:
        constant("roi", roi, np.float32)
        constant("scales", scales, np.float32)
        constant("sizes", sizes, np.int64)
        while inputs[-1] == "":
            inputs.pop()
    node = helper.make_node(op_type, inputs, ["y"], name=f"{op_type.lower()}_{opset}", **attributes)
    graph = helper.make_graph([node], "g", [x], [y], initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7 if opset < 15 else 8
    onnx.save(model, str(path))
    return str(path)


# (op_type, opset, attributes, scales, sizes, roi, presets that must be among those it equals)
HAND_BUILT = [
    ("Upsample", 7, {"mode": "nearest"}, [1, 1, 2, 3], None, None, ["onnx_upsample_nearest", "pytorch_nearest"]),
    ("Upsample", 9, {"mode": "linear"}, [1, 1, 2, 1.5], None, None, ["onnx_upsample_linear", "tf1_bilinear"]),
    ("Upsample", 9, {}, [1, 1, 3, 2], None, None, ["onnx_upsample_nearest"]),
    ("Resize", 10, {"mode": "nearest"}, [1, 1, 2, 2], None, None, ["onnx_upsample_nearest"]),
    ("Resize", 10, {"mode": "linear"}, [1, 1, 0.6, 0.5], None, None, ["onnx_upsample_linear"]),
    ("Resize", 11, {}, None, [1, 1, 9, 4], None, ["onnx_resize_default"]),
    ("Resize", 11, {"mode": "linear", "coordinate_transformation_mode": "align_corners"}, None, [1, 1, 9, 11],
     None, ["chainer", "pytorch_bilinear_align_corners"]),
    # no preset: tf_bicubic reads TF's coefficient table (cubic_table_size), which this node does not
    ("Resize", 11, {"mode": "cubic", "cubic_coeff_a": -0.5, "exclude_outside": 1}, None, [1, 1, 8, 13], None, []),
    ("Resize", 11, {"mode": "nearest", "coordinate_transformation_mode": "tf_half_pixel_for_nn",
                    "nearest_mode": "floor"}, None, [1, 1, 8, 10], None, ["tf_nearest"]),
    ("Resize", 13, {"mode": "linear", "coordinate_transformation_mode": "tf_crop_and_resize",
                    "extrapolation_value": -1.0}, None, [1, 1, 6, 6], [0, 0, -0.2, 0.1, 1, 1, 0.9, 1.3], []),
    ("Resize", 18, {"mode": "linear", "antialias": 1, "axes": [2, 3]}, [0.5, 0.5], None, None, []),
    ("Resize", 19, {"mode": "linear", "coordinate_transformation_mode": "half_pixel_symmetric"},
     [1, 1, 1.6, 0.75], None, None, []),
    ("Resize", 19, {"mode": "cubic", "coordinate_transformation_mode": "pytorch_half_pixel"}, None,
     [1, 1, 1, 3], None, []),
]


def _run_onnxruntime(path, x):
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0]


@pytest.mark.parametrize("case", HAND_BUILT, ids=lambda c: f"{c[0]}{c[1]}-{c[2].get('mode', 'nearest')}")
def test_hand_built_node_spec_reproduces_onnxruntime(case, tmp_path):
    op_type, opset, attributes, scales, sizes, roi, must_equal = case
    path = _model(tmp_path / "m.onnx", op_type, opset, attributes, scales=scales, sizes=sizes, roi=roi,
                  scales_as_attribute=(op_type == "Upsample" and opset == 7))
    (report,) = audit_model(path)
    assert (report.op_type, report.opset) == (op_type, opset)
    # every attribute of that operator version is listed, defaults filled in from the onnx schema
    schema = onnx.defs.get_schema(op_type, opset)
    assert set(report.attributes) == set(schema.attributes)
    for name, value in attributes.items():
        assert report.attributes[name] == value
    if opset >= 11:
        assert report.attributes["coordinate_transformation_mode"] == attributes.get(
            "coordinate_transformation_mode", "half_pixel")
        assert report.attributes["nearest_mode"] == attributes.get("nearest_mode", "round_prefer_floor")
    assert report.sizes == sizes
    assert report.scales == (None if scales is None else [float(np.float32(s)) for s in scales])
    for name in must_equal:
        assert name in report.presets
    # the audited spec, run by the NumPy reference, reproduces onnxruntime running the node
    x = np.random.default_rng(0).standard_normal((1, 1, 5, 7)).astype(np.float32)
    expected = _run_onnxruntime(path, x)
    spec = report.spec.replace(coordinate_arithmetic="float32_divide")
    axes = (2, 3)
    if sizes is not None:
        ours = resize(x.astype(np.float64), sizes[2:], spec=spec, axes=axes,
                      roi=None if roi is None else roi[2:4] + roi[6:8])
    else:
        ours = resize(x.astype(np.float64), scale_factor=[float(np.float32(s)) for s in scales[-2:]],
                      spec=spec, axes=axes)
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)


def test_presets_are_in_semantic_form():
    """audit compares nodes with presets after dropping unused attributes: presets must not carry any."""
    for name, preset in PRESETS.items():
        assert semantic_spec(preset.spec) == preset.spec, name


def test_expect_flags_and_exit_status(tmp_path, capsys):
    path = _model(tmp_path / "up.onnx", "Upsample", 9, {"mode": "linear"}, scales=[1, 1, 2, 2])
    assert main(["audit", path, "--expect", "onnx_upsample_linear"]) == 0
    out = capsys.readouterr().out
    assert "ok: same semantics as 'onnx_upsample_linear'" in out and "0 of 1" in out
    assert main(["audit", path, "--expect", "pytorch_bilinear"]) == 1
    out = capsys.readouterr().out
    assert "FLAGGED" in out and "coordinate_transformation_mode='asymmetric' (expected 'half_pixel')" in out
    assert main(["audit", path]) == 0  # no --expect: nothing is flagged
    capsys.readouterr()
    assert main(["audit", path, "--json", "--expect", "chainer"]) == 1
    report = json.loads(capsys.readouterr().out)
    (node,) = report["nodes"]
    assert report["flagged"] == 1 and node["op_type"] == "Upsample" and node["scales"] == [1, 1, 2, 2]
    assert node["spec"]["coordinate_transformation_mode"] == "asymmetric" and node["flag"]


def test_pytorch_half_pixel_equals_half_pixel_only_when_no_length_is_one(tmp_path):
    attributes = {"mode": "linear", "coordinate_transformation_mode": "pytorch_half_pixel"}
    long = _model(tmp_path / "long.onnx", "Resize", 13, attributes, sizes=[1, 1, 8, 3])
    short = _model(tmp_path / "short.onnx", "Resize", 13, attributes, sizes=[1, 1, 8, 1])
    assert "pytorch_bilinear" in audit_model(long)[0].presets
    assert audit_model(long, expect="pytorch_bilinear")[0].flag is None
    assert "pytorch_bilinear" not in audit_model(short)[0].presets
    assert audit_model(short, expect="pytorch_bilinear")[0].flag


def test_model_without_resize(tmp_path, capsys):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x], [y])
    path = str(tmp_path / "relu.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    assert main(["audit", path, "--expect", "chainer"]) == 0
    assert "no Resize or Upsample node" in capsys.readouterr().out


# -- models exported by the real converters -------------------------------------------------------------


@pytest.mark.parametrize("align_corners", [False, True])
def test_torch_onnx_export(align_corners, tmp_path, capsys):
    torch = pytest.importorskip("torch")
    ort = pytest.importorskip("onnxruntime")

    class Model(torch.nn.Module):
        def forward(self, x):
            return torch.nn.functional.interpolate(x, size=(9, 11), mode="bilinear", align_corners=align_corners)

    path = str(tmp_path / "torch.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Model(), torch.zeros(1, 1, 5, 7), path, dynamo=False, opset_version=17)
    expected = "pytorch_bilinear_align_corners" if align_corners else "pytorch_bilinear"
    other = "pytorch_bilinear" if align_corners else "pytorch_bilinear_align_corners"
    (report,) = audit_model(path)
    assert report.op_type == "Resize" and expected in report.presets and other not in report.presets
    # the preset audit names reproduces what onnxruntime computes with the exported model
    x = np.random.default_rng(1).standard_normal((1, 1, 5, 7)).astype(np.float32)
    got = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    np.testing.assert_allclose(resize(x.astype(np.float64), (9, 11), preset=expected), got, atol=1e-5)
    assert main(["audit", path, "--expect", expected]) == 0
    assert main(["audit", path, "--expect", other]) == 1
    assert main(["audit", path, "--expect", "chainer"]) == (0 if align_corners else 1)
    capsys.readouterr()


def _chainer():
    try:
        from consistent_resize_chainer._import import import_chainer

        return import_chainer()
    except ImportError as error:
        pytest.skip(f"Chainer is not installed ({error})")


@pytest.mark.parametrize("opset", [9, 10, 11])
def test_onnx_chainer_export_of_resize_images_is_flagged(opset, tmp_path, capsys):
    """The stock onnx_chainer converter exports Chainer's align_corners resize as Upsample/Resize-10
    (asymmetric) or Resize-11 with default attributes (half_pixel): audit --expect chainer flags it."""
    chainer = _chainer()
    import onnx_chainer

    ort = pytest.importorskip("onnxruntime")

    class Model(chainer.Chain):
        def forward(self, x):
            return chainer.functions.resize_images(x, (9, 11))

    x = np.random.default_rng(2).standard_normal((1, 1, 5, 7)).astype(np.float32)
    path = str(tmp_path / "chainer.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        onnx_chainer.export(Model(), x, filename=path, opset_version=opset)
    (report,) = audit_model(path, expect="chainer")
    assert report.op_type == ("Upsample" if opset == 9 else "Resize")
    assert "chainer" not in report.presets and report.flag
    assert report.spec.coordinate_transformation_mode == ("half_pixel" if opset == 11 else "asymmetric")
    assert main(["audit", path, "--expect", "chainer"]) == 1
    assert "FLAGGED" in capsys.readouterr().out
    # the flag is real: the exported model computes something else than Chainer itself
    with chainer.using_config("train", False):
        native = Model()(x).array
    got = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"Input_0": x})[0]
    assert np.max(np.abs(got - native)) > 0.1


# -- errors ---------------------------------------------------------------------------------------------


def _error(capsys, argv):
    status = main(argv)
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert status == 2 and len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


def test_missing_model(tmp_path, capsys):
    assert "no such file" in _error(capsys, ["audit", str(tmp_path / "nope.onnx")])


def test_corrupt_model(tmp_path, capsys):
    path = tmp_path / "bad.onnx"
    path.write_bytes(b"\x08\x07this is not a protobuf model \xff\xfe\x00" * 5)
    assert "cannot read" in _error(capsys, ["audit", str(path)])
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    assert "cannot read" in _error(capsys, ["audit", str(empty)])


def test_model_is_a_directory(tmp_path, capsys):
    assert "directory" in _error(capsys, ["audit", str(tmp_path)])


def test_unknown_expect_preset_suggests(tmp_path, capsys):
    path = _model(tmp_path / "up.onnx", "Upsample", 9, {}, scales=[1, 1, 2, 2])
    line = _error(capsys, ["audit", path, "--expect", "pytorch_bilinar"])
    assert "unknown preset 'pytorch_bilinar'" in line and "did you mean 'pytorch_bilinear'" in line


def test_audit_help(capsys):
    assert main(["audit", "--help"]) == 0
    assert "--expect" in capsys.readouterr().out


@pytest.mark.parametrize("which", ["F.resize_images", "consistent_resize_chainer.resize_images"])
def test_export_with_our_chainer_converters_passes(which, tmp_path, capsys):
    """Exported with ``consistent_resize_chainer.onnx.export`` (our converters), Chainer's resize keeps
    its align_corners semantics: audit --expect chainer passes, and onnxruntime matches Chainer."""
    chainer = _chainer()
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    import consistent_resize_chainer
    from consistent_resize_chainer.onnx import export

    function = chainer.functions.resize_images if which == "F.resize_images" else consistent_resize_chainer.resize_images

    class Model(chainer.Chain):
        def forward(self, x):
            return function(x, (9, 11))

    x = np.random.default_rng(4).standard_normal((1, 1, 5, 7)).astype(np.float32)
    path = str(tmp_path / "ours.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export(Model(), x, filename=path)
    (report,) = audit_model(path, expect="chainer")
    assert report.flag is None and "chainer" in report.presets
    assert main(["audit", path, "--expect", "chainer"]) == 0
    capsys.readouterr()
    with chainer.using_config("train", False):
        native = chainer.functions.resize_images(x, (9, 11)).array
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    got = session.run(None, {session.get_inputs()[0].name: x})[0]
    np.testing.assert_allclose(got, native, atol=1e-5)


# -- --runtime, several presets, --input-shape (issue 17) ------------------------------------------------


def test_runtime_flags_what_the_rules_flag_and_exit_status(tmp_path, capsys):
    """A scale 10/3 on 6 rows: onnxruntime computes 20 rows (float32), the spec 19: exit 1, the node named
    with the deviation; the same node by sizes passes (exit 0)."""
    by_scales = _model(tmp_path / "s.onnx", "Resize", 19, {"mode": "nearest"},
                       scales=[1, 1, float(np.float32(10 / 3)), 1], in_shape=(1, 1, 6, 2))
    assert main(["audit", by_scales, "--runtime", "onnxruntime"]) == 1
    out = capsys.readouterr().out
    assert "'resize_19'" in out and "output size 20" in out and "the spec 19" in out
    assert "rules measured on onnxruntime" in out
    by_sizes = _model(tmp_path / "z.onnx", "Resize", 19, {"mode": "nearest"}, sizes=[1, 1, 19, 2],
                      in_shape=(1, 1, 6, 2))
    assert main(["audit", by_sizes, "--runtime", "onnxruntime"]) == 0
    assert "computes the spec" in capsys.readouterr().out


def test_runtime_agrees_with_the_runtime_matrix_rules(tmp_path):
    """audit --runtime reads the node back and asks the same rules as the matrix (which runs the runtime)."""
    from consistent_resize.arguments import plan_axes
    from consistent_resize_tools.runtimes import rules
    from consistent_resize_tools import runtime_matrix as rm

    for i, case in enumerate(rm.cases(60, seed=2)):
        path = str(tmp_path / f"m{i}.onnx")
        onnx.save(rm.model(case), path)
        spec = case.spec
        shape = case.shape if case.axes is None else [case.shape[a] for a in case.axes]
        try:
            plans = plan_axes(shape, case.sizes, case.scales, spec, case.roi)
        except ValueError:
            continue
        want = rules("onnxruntime").mismatch(spec, plans, requested=case.sizes)
        (report,) = audit_model(path, runtime="onnxruntime")
        assert (report.runtime_flag is None) == (want is None), (case.describe(), report.runtime_flag, want)


def test_runtime_needs_static_shapes_or_input_shape(tmp_path, capsys):
    path = _model(tmp_path / "d.onnx", "Resize", 19, {"mode": "linear"}, scales=[1, 1, 2, 2],
                  in_shape=("n", 1, "h", "w"))
    assert main(["audit", path, "--runtime", "tract"]) == 1
    assert "--input-shape" in capsys.readouterr().out
    assert main(["audit", path, "--runtime", "tract", "--input-shape", "x=1x1x4x5"]) == 0
    capsys.readouterr()


def test_expect_several_presets_and_per_node(tmp_path, capsys):
    path = _model(tmp_path / "n.onnx", "Resize", 11, {}, sizes=[1, 1, 9, 4])
    assert main(["audit", path, "--expect", "pytorch_bilinear,onnx_resize_default"]) == 0
    assert main(["audit", path, "--expect", "pytorch_bilinear,chainer"]) == 1
    assert "equals none of the presets" in capsys.readouterr().out
    assert main(["audit", path, "--expect", "pytorch_bilinear,resize_11=onnx_resize_default"]) == 0
    assert main(["audit", path, "--expect", "onnx_resize_default,resize_11=chainer"]) == 1
    capsys.readouterr()


def test_runtime_bad_usage(tmp_path, capsys):
    path = _model(tmp_path / "u.onnx", "Upsample", 9, {}, scales=[1, 1, 2, 2])
    line = _error(capsys, ["audit", path, "--runtime", "openvno"])
    assert "unknown runtime 'openvno'" in line and "openvino" in line
    assert "--input-shape" in _error(capsys, ["audit", path, "--runtime", "tract", "--input-shape", "x=1xa"])
    assert "not an input" in _error(capsys, ["audit", path, "--runtime", "tract", "--input-shape", "y=1x1x2x2"])


def test_table_graph_resizes_are_listed(tmp_path, capsys):
    """A resize written as a table graph (onnx_tables, as the exporters and ``fix`` write it) is seen by its
    structure, with the presets whose table it is; a lone Gather elsewhere is not a resize."""
    from consistent_resize import ResizeSpec, axis_table
    from consistent_resize.onnx_tables import table_graph

    spec = ResizeSpec(mode="linear", coordinate_transformation_mode="align_corners")
    graph = table_graph((1, 1, 5, 7), "float32", [(2, axis_table(5, 9, spec)), (3, axis_table(7, 11, spec))],
                        spec, input="x", output="y", prefix="up")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 5, 7])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    other = helper.make_node("Gather", ["x", "pick"], ["z"], axis=1, name="embedding")
    z = helper.make_tensor_value_info("z", TensorProto.FLOAT, None)
    pick = onnx.numpy_helper.from_array(np.array([0, 0], np.int64), "pick")
    model = helper.make_model(helper.make_graph(graph.onnx_nodes() + [other], "g", [x], [y, z], initializer=[pick]),
                              opset_imports=[helper.make_opsetid("", 17)])
    path = str(tmp_path / "tables.onnx")
    onnx.save(model, path)
    assert main(["audit", path, "--runtime", "onnxruntime"]) == 0
    out = capsys.readouterr().out
    assert "x axis 2, 5 -> 9, 2 tap(s)" in out and "axis 3, 7 -> 11, 2 tap(s)" in out
    assert "chainer" in out and "embedding" not in out


def test_run_measures_each_node_on_the_runtime(tmp_path, capsys):
    """--run: a node the rules pass measures within float32 rounding; a flagged one shows its departure."""
    pytest.importorskip("onnxruntime")
    good = _model(tmp_path / "g.onnx", "Resize", 19, {"mode": "linear"}, sizes=[1, 1, 9, 4], in_shape=(1, 1, 5, 7))
    (report,) = audit_model(good, runtime="onnxruntime", run=True)
    assert report.runtime_flag is None and report.measured <= 1e-6
    bad = _model(tmp_path / "b.onnx", "Resize", 19, {"mode": "linear", "antialias": 1}, scales=[1, 1, 1.25, 2],
                 in_shape=(1, 1, 3, 2))
    (report,) = audit_model(bad, runtime="onnxruntime", run=True)
    assert report.runtime_flag is not None and report.measured > 1e-3
    assert main(["audit", bad, "--runtime", "onnxruntime", "--run"]) == 1
    assert "--run: max |onnxruntime - reference|" in capsys.readouterr().out
    assert "--run needs --runtime" in _error(capsys, ["audit", bad, "--run"])
