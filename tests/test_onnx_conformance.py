"""The reference against every Resize/Upsample node test of the ONNX backend suite, read from the
installed ``onnx`` package (its shipped test data; nothing is copied into this repo)."""

from __future__ import annotations

import glob
import os

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import helper, numpy_helper  # noqa: E402

from consistent_resize import ResizeSpec, resize  # noqa: E402

NODE_DIR = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node")
CASES = sorted(
    d for d in glob.glob(os.path.join(NODE_DIR, "*"))
    if os.path.basename(d).startswith(("test_resize_", "test_upsample_"))
)


def _load(case: str):
    model = onnx.load(os.path.join(case, "model.onnx"))
    (node,) = model.graph.node
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    data_dir = os.path.join(case, "test_data_set_0")
    inputs = {}
    files = iter(sorted(glob.glob(os.path.join(data_dir, "input_*.pb"))))
    for position, name in enumerate(node.input):
        if name:  # an empty name is an omitted optional input, which has no file
            inputs[position] = numpy_helper.to_array(onnx.load_tensor(next(files)))
    expected = numpy_helper.to_array(onnx.load_tensor(os.path.join(data_dir, "output_0.pb")))
    return node, opset, attributes, inputs, expected


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


@pytest.mark.parametrize("case", CASES, ids=[os.path.basename(c) for c in CASES])
def test_onnx_node_case(case, onnx_counter):
    node, opset, attributes, inputs, expected = _load(case)
    got = _run_with_reference(node, attributes, inputs)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    onnx_counter.append(os.path.basename(case))


def test_the_suite_is_there():
    """The installed onnx ships Resize test data; an empty list would make the suite vacuous."""
    assert len(CASES) >= 30, CASES
