"""ResizeSpec: ONNX names and defaults, round trips, validation messages."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from hypothesis import given, strategies as st

from consistent_resize import (
    COORDINATE_ARITHMETICS,
    COORDINATE_TRANSFORMATION_MODES,
    MODES,
    NEAREST_MODES,
    ONNX_ATTRIBUTES,
    PRESETS,
    ResizeSpec,
    resize,
)

from consistent_resize.spec import KERNEL_PARAMETERS  # noqa: E402

onnx = pytest.importorskip("onnx")


def test_fields_are_the_onnx_resize_attributes_plus_the_arithmetic():
    schema = onnx.defs.get_schema("Resize", 19)
    onnx_names = set(schema.attributes) - {"axes"}  # axes is a call argument: resize(..., axes=...)
    assert set(ONNX_ATTRIBUTES) == onnx_names
    beyond_onnx = {"coordinate_arithmetic"} | set(KERNEL_PARAMETERS)  # issue 9: the extension kernels' parameters
    assert {f.name for f in dataclasses.fields(ResizeSpec)} == onnx_names | beyond_onnx


def test_defaults_are_onnx_defaults():
    schema = onnx.defs.get_schema("Resize", 19)
    spec = ResizeSpec()
    for name in ONNX_ATTRIBUTES:
        default = onnx.helper.get_attribute_value(schema.attributes[name].default_value)
        if isinstance(default, bytes):
            default = default.decode()
        assert getattr(spec, name) == pytest.approx(default), name


def test_allowed_values_are_onnx_ones():
    """Every value is in the opset-19 text, except tf_half_pixel_for_nn, which opset 11 defines."""
    doc = onnx.defs.get_schema("Resize", 19).attributes
    doc11 = onnx.defs.get_schema("Resize", 11).attributes
    for name, values in [
        ("mode", MODES),
        ("coordinate_transformation_mode", COORDINATE_TRANSFORMATION_MODES),
        ("nearest_mode", NEAREST_MODES),
    ]:
        for value in values:
            assert f'"{value}"' in doc[name].description or f'"{value}"' in doc11[name].description, (
                name, value)


specs = st.builds(
    ResizeSpec,
    mode=st.sampled_from(["linear", "cubic"]),
    coordinate_transformation_mode=st.sampled_from(COORDINATE_TRANSFORMATION_MODES),
    nearest_mode=st.sampled_from(NEAREST_MODES),
    cubic_coeff_a=st.floats(-1, 0),
    exclude_outside=st.integers(0, 1),
    antialias=st.integers(0, 1),
    extrapolation_value=st.floats(-10, 10),
    coordinate_arithmetic=st.sampled_from(COORDINATE_ARITHMETICS),
)


@given(specs)
def test_onnx_round_trip(spec):
    back = ResizeSpec.from_onnx(spec.to_onnx(), coordinate_arithmetic=spec.coordinate_arithmetic)
    assert back == spec and hash(back) == hash(spec)


def test_from_onnx_fills_defaults_and_decodes_bytes():
    spec = ResizeSpec.from_onnx({"mode": b"linear", "coordinate_transformation_mode": b"align_corners"})
    assert spec == ResizeSpec(mode="linear", coordinate_transformation_mode="align_corners")


def test_from_onnx_node_attributes():
    node = onnx.helper.make_node("Resize", ["x", "", "", "s"], ["y"], mode="cubic", cubic_coeff_a=-0.5,
                                 exclude_outside=1)
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    assert ResizeSpec.from_onnx(attrs).to_onnx() == {
        **ResizeSpec().to_onnx(), "mode": "cubic", "cubic_coeff_a": -0.5, "exclude_outside": 1}


@pytest.mark.parametrize(
    "field, value, fragment",
    [
        ("mode", "bilinear", "did you mean 'linear'"),
        ("coordinate_transformation_mode", "align_corner", "did you mean 'align_corners'"),
        ("nearest_mode", "round", "expected one of"),
        ("keep_aspect_ratio_policy", "larger", "not_larger"),
        ("coordinate_arithmetic", "float32", "expected one of"),
        ("exclude_outside", 2, "0 or 1"),
        ("antialias", -1, "0 or 1"),
        ("cubic_coeff_a", float("nan"), "finite"),
        ("extrapolation_value", float("inf"), "finite"),
    ],
)
def test_bad_fields_name_the_argument(field, value, fragment):
    with pytest.raises(ValueError) as error:
        ResizeSpec(**{field: value})
    assert field in str(error.value) and fragment in str(error.value)


@pytest.mark.parametrize(
    "fields, fragment",
    [
        (dict(mode="cubic", cubic_table_size=1000), "power of two"),
        (dict(mode="cubic", cubic_table_size=-1024), "power of two"),
        (dict(mode="cubic", cubic_table_size=2 ** 21), "power of two"),
        (dict(mode="cubic", cubic_table_size=1024.5), "power of two"),
        (dict(mode="cubic", cubic_table_size=True), "power of two"),
        (dict(mode="linear", cubic_table_size=1024), "needs mode 'cubic'"),
        (dict(mode="lanczos", cubic_table_size=1024), "needs mode 'cubic'"),
        (dict(mode="cubic", antialias=1, cubic_table_size=1024), "no antialiased form"),
    ],
)
def test_bad_cubic_table_size_names_the_argument(fields, fragment):
    with pytest.raises(ValueError) as error:
        ResizeSpec(**fields)
    assert "cubic_table_size" in str(error.value) and fragment in str(error.value)


def test_cubic_table_size_is_beyond_onnx():
    """TensorFlow's bicubic table (issue 15): no ONNX Resize node reads weights from a table."""
    spec = ResizeSpec(mode="cubic", cubic_table_size=1024.0)  # an integral float, as the torch op passes it
    assert spec.cubic_table_size == 1024 and isinstance(spec.cubic_table_size, int)
    assert spec.beyond_onnx and not spec.replace(cubic_table_size=0).beyond_onnx
    with pytest.raises(ValueError, match="cubic_table_size=1024 reads the cubic weights from a table"):
        spec.to_onnx()
    assert "cubic_table_size=1024" in spec.describe()
    for name in ("tf_bicubic", "tf1_bicubic", "tf1_bicubic_align_corners", "tf1_bicubic_half_pixel",
                 "keras_bicubic"):
        assert PRESETS[name].spec.cubic_table_size == 1024, name


def test_antialias_needs_linear_or_cubic():
    with pytest.raises(ValueError, match="antialias"):
        ResizeSpec(mode="nearest", antialias=1)


def test_from_onnx_rejects_unknown_attributes():
    with pytest.raises(ValueError, match="axes"):
        ResizeSpec.from_onnx({"axes": [2, 3]})
    with pytest.raises(ValueError, match="unknown ONNX Resize attribute"):
        ResizeSpec.from_onnx({"scale": 2})


def test_specs_are_frozen_and_hashable():
    spec = ResizeSpec(mode="linear")
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.mode = "cubic"
    assert {spec: 1}[ResizeSpec(mode="linear")] == 1


def test_every_preset_has_a_call_and_a_valid_spec():
    assert len(PRESETS) >= 20
    for name, preset in PRESETS.items():
        assert preset.name == name and preset.call and isinstance(preset.spec, ResizeSpec)


def test_unknown_preset_suggests_close_names():
    with pytest.raises(ValueError, match="did you mean 'pytorch_bilinear'"):
        resize([[1.0]], (2, 2), preset="pytorch_bilinar")


def test_resize_signature_defaults_are_pinned():
    params = inspect.signature(resize).parameters
    assert [p for p in params] == ["x", "size", "scale_factor", "spec", "preset", "axes", "roi"]
    assert all(params[p].default is None for p in list(params)[1:])
    assert params["spec"].kind is inspect.Parameter.KEYWORD_ONLY
