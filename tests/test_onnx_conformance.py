"""The reference against every Resize/Upsample node test of the ONNX backend suite, read from the
installed ``onnx`` package: its shipped node test data where the version has it, otherwise the cases and
expected outputs computed by onnx's own test-case code (``onnx.backend.test.case.node``). Nothing is
copied into this repo."""

from __future__ import annotations

import glob
import os

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import helper, numpy_helper  # noqa: E402

from consistent_resize import ResizeSpec, resize  # noqa: E402

NODE_DIR = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node")
PREFIXES = ("test_resize_", "test_upsample_")


def _shipped_cases():
    """name -> loader, from the node test data the installed onnx ships (onnx < 1.20 or so)."""
    dirs = sorted(d for d in glob.glob(os.path.join(NODE_DIR, "*")) if os.path.basename(d).startswith(PREFIXES))
    return {os.path.basename(d): (lambda d=d: _load_shipped(d)) for d in dirs}


def _generated_cases():
    """name -> loader, from onnx's own test-case code (the expected outputs it computes), where the
    installed onnx ships no node test data."""
    import warnings

    from onnx.backend.test.case import node as node_cases

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = node_cases.collect_testcases("Resize") + node_cases.collect_testcases("Upsample")

    def loader(case):
        (inputs, outputs), = case.data_sets
        (node,) = case.model.graph.node
        return _unpack(case.model, node, dict(zip(_positions(node), inputs)), outputs[0])

    return {c.name: (lambda c=c: loader(c)) for c in cases if c.name.startswith(PREFIXES)}


def _positions(node):
    return [position for position, name in enumerate(node.input) if name]


def _unpack(model, node, inputs, expected):
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    return node, opset, attributes, inputs, np.asarray(expected)


def _load_shipped(case: str):
    model = onnx.load(os.path.join(case, "model.onnx"))
    (node,) = model.graph.node
    data_dir = os.path.join(case, "test_data_set_0")
    files = sorted(glob.glob(os.path.join(data_dir, "input_*.pb")))
    # an empty input name is an omitted optional input, which has no file
    inputs = {position: numpy_helper.to_array(onnx.load_tensor(f)) for position, f in zip(_positions(node), files)}
    expected = numpy_helper.to_array(onnx.load_tensor(os.path.join(data_dir, "output_0.pb")))
    return _unpack(model, node, inputs, expected)


CASES = _shipped_cases() or _generated_cases()


def _run_with_reference(node, attributes, inputs):
    x = inputs[0]
    if node.op_type == "Upsample":
        scales = inputs[1]
        mode = attributes.get("mode", b"nearest")
        spec = ResizeSpec(
            mode=mode.decode() if isinstance(mode, bytes) else mode,
            coordinate_transformation_mode="asymmetric",
            nearest_mode="floor",
        )
        return resize(x, scale_factor=tuple(scales), spec=spec, axes=range(x.ndim))
    axes = attributes.pop("axes", None)
    roi = inputs.get(1)
    scales = inputs.get(2)
    sizes = inputs.get(3)
    spec = ResizeSpec.from_onnx(attributes)
    n_axes = len(axes) if axes is not None else x.ndim
    axes = list(axes) if axes is not None else list(range(x.ndim))
    if roi is not None and roi.size == 0:
        roi = None
    if spec.coordinate_transformation_mode != "tf_crop_and_resize":
        roi = None
    if scales is not None and scales.size:
        return resize(x, scale_factor=tuple(float(s) for s in scales), spec=spec, axes=axes, roi=roi)
    assert sizes is not None and len(sizes) == n_axes
    return resize(x, tuple(int(s) for s in sizes), spec=spec, axes=axes, roi=roi)


@pytest.mark.parametrize("case", sorted(CASES))
def test_onnx_node_case(case, onnx_counter):
    node, opset, attributes, inputs, expected = CASES[case]()
    got = _run_with_reference(node, attributes, inputs)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    onnx_counter.append(os.path.basename(case))


def test_the_suite_is_there():
    """The installed onnx has Resize test cases (shipped data or its test-case code); an empty list would
    make the suite vacuous."""
    assert len(CASES) >= 30, sorted(CASES)
