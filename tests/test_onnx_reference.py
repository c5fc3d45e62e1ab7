"""The default arithmetic (``float64_divide``) against onnx's reference code (``onnx.reference``), the
executable form of the ONNX operator: the same coordinate in float64, and the same window.

onnx's reference pads an axis by ``ceil(n / 2)`` pixels and looks for the ``n`` taps nearest to
``c + pad``, rounded; where ``c`` sits less than half an ulp above an integer that moves the window one
pixel down (``tables._reference_window_shift``): a whole pixel, found where ``half_pixel_symmetric``'s
offset or a ``sizes`` quotient is inexact. Not covered here, by decision (SPEC.md section 10):
``tf_half_pixel_for_nn`` (the reference code has no such mode), ``tf_crop_and_resize`` (covered by the
ONNX node tests) and ``pytorch_half_pixel`` with a resized length of 1 (we follow the operator's text).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402

from consistent_resize import NEAREST_MODES, ResizeSpec, resize  # noqa: E402
from consistent_resize.coordinates import source_coordinates  # noqa: E402
from consistent_resize.tables import _reference_window_shift  # noqa: E402

MODES = ("half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners", "asymmetric")


def _reference(x: np.ndarray, attributes: dict, *, scales=None, sizes=None) -> np.ndarray:
    inputs, initializers = ["x", ""], []
    if scales is not None:
        initializers.append(helper.make_tensor("scales", TensorProto.FLOAT, [len(scales)], list(scales)))
        inputs.append("scales")
    else:
        initializers.append(helper.make_tensor("sizes", TensorProto.INT64, [len(sizes)], list(sizes)))
        inputs += ["", "sizes"]
    node = helper.make_node("Resize", inputs, ["y"], **attributes)
    graph = helper.make_graph(
        [node], "resize", [helper.make_tensor_value_info("x", TensorProto.FLOAT, None)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])
    return ReferenceEvaluator(model).run(None, {"x": x})[0]


def _ours(x: np.ndarray, attributes: dict, *, scales=None, sizes=None) -> np.ndarray:
    spec = ResizeSpec.from_onnx(attributes)
    if scales is not None:
        return resize(x, scale_factor=tuple(float(s) for s in np.float32(scales)), spec=spec)
    return resize(x, size=tuple(sizes), spec=spec)


@st.composite
def attribute_sets(draw):
    mode = draw(st.sampled_from(["nearest", "linear", "cubic"]))
    attributes = {"mode": mode, "coordinate_transformation_mode": draw(st.sampled_from(MODES))}
    if mode == "nearest":
        attributes["nearest_mode"] = draw(st.sampled_from(NEAREST_MODES))
    else:
        attributes["antialias"] = draw(st.integers(0, 1))
    if mode == "cubic":
        attributes["exclude_outside"] = draw(st.integers(0, 1))
        attributes["cubic_coeff_a"] = draw(st.sampled_from([-0.75, -0.5]))
    return attributes


def _assert_equal(ours: np.ndarray, expected: np.ndarray, attributes: dict) -> None:
    assert ours.shape == expected.shape
    if attributes["mode"] == "nearest":
        np.testing.assert_array_equal(ours, expected)
    else:  # float rounding: the reference sums the taps in float64 in its own order
        np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-4 * max(1.0, float(np.abs(expected).max(initial=0))))


@given(attributes=attribute_sets(), length=st.integers(1, 12), numerator=st.integers(1, 9),
       denominator=st.integers(1, 8), by_sizes=st.booleans(), seed=st.integers(0, 2**16))
def test_default_arithmetic_computes_the_onnx_reference(attributes, length, numerator, denominator, by_sizes, seed):
    """Random attribute sets x lengths x simple-fraction scales (where ties and near-integers lie), given as
    ``scales`` or as ``sizes``: nearest bit for bit, linear and cubic within float rounding."""
    scale = np.float32(numerator / denominator)
    out = int(np.float64(scale) * length)
    assume(out >= 1)
    assume(not (attributes["coordinate_transformation_mode"] == "pytorch_half_pixel" and out == 1))
    x = np.random.default_rng(seed).integers(0, 256, (1, length)).astype(np.float32)
    kwargs = {"sizes": (1, out)} if by_sizes else {"scales": (1.0, float(scale))}
    _assert_equal(_ours(x, attributes, **kwargs), _reference(x, attributes, **kwargs), attributes)


@pytest.mark.parametrize("attributes, length, scale, expected", [
    # 19 by 0.5 under floor: c = 2x + 1 + 4.4e-16, and 3.0000000000000004 + 1 rounds to 4.0: pixel 2, not 3
    ({"mode": "nearest", "coordinate_transformation_mode": "half_pixel_symmetric", "nearest_mode": "floor"},
     19, 0.5, [1, 2, 5, 7, 9, 11, 13, 15, 17]),
    # 7 by 0.5: c = 1.0000000000000002 for x = 0, and 2.0000000000000002 rounds to 2.0: pixel 0
    ({"mode": "nearest", "coordinate_transformation_mode": "half_pixel_symmetric",
      "nearest_mode": "round_prefer_floor"}, 7, 0.5, [0, 3, 5]),
])
def test_window_moved_by_the_padding(attributes, length, scale, expected):
    """Regression cases where the exact formula reads the pixel above and onnx's reference the one below."""
    x = np.arange(length, dtype=np.float32)[None, :]
    assert _reference(x, attributes, scales=(1.0, scale))[0].tolist() == expected
    assert _ours(x, attributes, scales=(1.0, scale))[0].tolist() == expected


def test_linear_window_moved_by_the_padding():
    """The same shift moves a linear window: 7 by 0.5 under half_pixel_symmetric reads pixels 0 and 1 for
    output 0 (weights 1 and 2e-16), where the exact coordinate 1 reads pixel 1."""
    attributes = {"mode": "linear", "coordinate_transformation_mode": "half_pixel_symmetric"}
    x = np.array([[0.0, 100.0, 0, 0, 0, 0, 0]], np.float32)
    assert abs(_reference(x, attributes, scales=(1.0, 0.5))[0, 0]) < 1e-9  # not 100
    assert abs(_ours(x, attributes, scales=(1.0, 0.5))[0, 0]) < 1e-9



@pytest.mark.parametrize("coordinate_transformation_mode", ["half_pixel_symmetric", "half_pixel"])
def test_nearest_on_a_grid_of_ties(coordinate_transformation_mode):
    """Every nearest mode, lengths 1-12, scales p / q (p <= 8, q <= 6) given as ``scales`` and as
    ``sizes``: thousands of ties, among them the cases where the window moves (a random draw rarely finds
    them; the test counts them and requires some)."""
    moved = 0
    scales = sorted({float(np.float32(p / q)) for p in range(1, 9) for q in range(1, 7)})
    for nearest_mode in NEAREST_MODES:
        attributes = {"mode": "nearest", "coordinate_transformation_mode": coordinate_transformation_mode,
                      "nearest_mode": nearest_mode}
        spec = ResizeSpec.from_onnx(attributes)
        for length in range(1, 13):
            x = np.arange(length, dtype=np.float32)[None, :]
            for scale in scales:
                out = int(scale * length)
                if out < 1:
                    continue
                for kwargs, given in (({"scales": (1.0, scale)}, scale), ({"sizes": (1, out)}, None)):
                    np.testing.assert_array_equal(_ours(x, attributes, **kwargs), _reference(x, attributes, **kwargs))
                    coords = source_coordinates(spec, length, out, given)
                    moved += int(np.any(_reference_window_shift(coords, 1) != 0))
    assert moved > 0
