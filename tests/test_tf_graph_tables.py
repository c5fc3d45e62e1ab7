"""The in-graph tables (``consistent_resize_tf.graph_tables``) equal the core's NumPy tables, and the
in-graph path of ``resize`` (unknown spatial sizes, a size tensor) equals the static one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

tf = pytest.importorskip("tensorflow")

from consistent_resize import (  # noqa: E402
    ResizeSpec,
    axis_table,
    plan_axes,
)
from consistent_resize import arguments  # noqa: E402
from consistent_resize.coordinates import source_coordinates  # noqa: E402
from consistent_resize.presets import EXTENSION_PRESETS, PRESETS  # noqa: E402
from consistent_resize.spec import (  # noqa: E402
    COORDINATE_ARITHMETICS,
    COORDINATE_TRANSFORMATION_MODES,
    EXTENSION_MODES,
    KEEP_ASPECT_RATIO_POLICIES,
)
from consistent_resize_tf import graph_tables, resize  # noqa: E402
from spec_strategies import specs  # noqa: E402

SCALES = [0.25, 0.3, 1 / 3, 0.5, 0.6, 0.75, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 7 / 3]


@st.composite
def plans(draw, spec_strategy=None):
    """A spec, two input sizes and either two sizes or two scales (whose outputs are >= 1), and a roi."""
    spec = draw(spec_strategy if spec_strategy is not None else specs(policies=KEEP_ASPECT_RATIO_POLICIES))
    in_sizes = [draw(st.integers(1, 40)) for _ in range(2)]
    if draw(st.booleans()):
        sizes, scales = [draw(st.integers(1, 40)) for _ in range(2)], None
    else:
        sizes = None
        scales = [draw(st.sampled_from([s for s in SCALES if math.floor(n * s) >= 1])) for n in in_sizes]
    roi = None
    if spec.coordinate_transformation_mode == "tf_crop_and_resize" and draw(st.booleans()):
        roi = [draw(st.sampled_from([-0.2, 0.0, 0.1])) for _ in range(2)] + [
            draw(st.sampled_from([0.7, 1.0, 1.3])) for _ in range(2)
        ]
    return spec, in_sizes, sizes, scales, roi


def _dense(index: np.ndarray, weight: np.ndarray, in_size: int) -> np.ndarray:
    m = np.zeros((index.shape[0], in_size))
    rows = np.repeat(np.arange(index.shape[0]), index.shape[1])
    np.add.at(m, (rows, index.ravel()), weight.ravel())
    return m


def _graph_tables(spec, in_sizes, sizes, scales, roi, jit):
    """The in-graph plan and tables, as ``resize`` builds them: input sizes from the shape of a tensor
    whose shape is unknown when the graph is traced, output sizes Python constants (so graph
    optimizers see a non-constant divided by a constant), in a ``tf.function`` or under XLA."""
    from consistent_resize.arguments import check_roi

    rois = check_roi(roi, spec, 2)

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32)], jit_compile=jit)
    def build(t):
        shape = tf.shape(t)
        outs = tf.constant(sizes, tf.int32) if sizes is not None else None
        plan = graph_tables.plan_axes([shape[0], shape[1]], outs, scales, spec, rois)
        tables = graph_tables.axis_tables(spec, plan)
        coords = [graph_tables.source_coordinates(spec, p.in_size, p.out_size, p.scale, p.roi) for p in plan]
        return [p.out_size for p in plan], [(t.index, t.weight, t.outside, c) for t, c in zip(tables, coords)]

    outs, tables = build(tf.zeros(in_sizes))
    return [int(o) for o in outs], [tuple(a.numpy() for a in t) for t in tables]


@settings(max_examples=30)  # each example traces a function (a quarter of them compiled by XLA)
@given(plans(), st.sampled_from([False, False, False, True]))
def test_graph_tables_equal_numpy_tables(case, jit):
    _check_graph_tables(case, jit)


def _check_graph_tables(case, jit):
    spec, in_sizes, sizes, scales, roi = case
    expected_plan = plan_axes(in_sizes, sizes, scales, spec, roi)
    table_spec = arguments.table_spec(spec, expected_plan)  # the per-call rule (area_or_two_tap)
    weightless = False
    for p in expected_plan:
        try:
            axis_table(p.in_size, p.out_size, table_spec, p.scale, p.roi)
        except ValueError as error:  # a row whose normalised weights sum to 0
            assert "sum to 0" in str(error)
            weightless = True
    if weightless and not jit:  # the graph fails with the same message
        with pytest.raises(tf.errors.InvalidArgumentError, match="sum to 0"):
            _graph_tables(spec, in_sizes, sizes, scales, roi, jit)
        return
    outs, tables = _graph_tables(spec, in_sizes, sizes, scales, roi, jit)
    assert outs == [p.out_size for p in expected_plan]
    for p, (index, weight, outside, coords) in zip(expected_plan, tables):
        try:
            table = axis_table(p.in_size, p.out_size, table_spec, p.scale, p.roi)
        except ValueError:  # under XLA the assertion is a no-op: the row is all 0
            assert (np.abs(weight).sum(axis=1)[~outside] == 0).any()
            continue
        # the source coordinates, in the spec's arithmetic, bit for bit (they decide nearest ties)
        np.testing.assert_array_equal(coords, source_coordinates(spec, p.in_size, p.out_size, p.scale, p.roi))
        np.testing.assert_array_equal(outside, table.outside)
        assert index.min() >= 0 and index.max() < p.in_size
        # a zero-weight tap reads an index its row reads with a non-zero weight (NaN stays local)
        for row_index, row_weight in zip(index, weight):
            if (row_weight != 0).any():
                assert set(row_index[row_weight == 0]) <= set(row_index[row_weight != 0])
        got, want = _dense(index, weight, p.in_size), table.matrix()
        if spec.mode == "nearest":  # the coordinates decide ties: bit for bit
            np.testing.assert_array_equal(got, want)
        else:  # the kernel polynomials and row sums under graph optimizers and XLA's fused multiply-adds:
            # an ulp or two per tap, summed over merged taps (measured 1.8e-15)
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-14)


# -- the extension kernels (beyond ONNX, issue 9) ---------------------------------------------------------
#: the arithmetics of the extension presets, first (each drawn often), then the others
EXTENSION_ARITHMETICS = sorted({p.spec.coordinate_arithmetic for p in EXTENSION_PRESETS.values()})


@st.composite
def extension_specs(draw):
    """A spec of an extension mode with default or other kernel parameters (area: antialias 0)."""
    # spline (dense B-spline tables) has no in-graph port; graph_tables refuses it by name (found by make fuzz,
    # seed 2811573271)
    mode = draw(st.sampled_from([m for m in EXTENSION_MODES if m != "spline"]))
    arithmetics = EXTENSION_ARITHMETICS + [a for a in COORDINATE_ARITHMETICS if a not in EXTENSION_ARITHMETICS]
    # the modes whose tables are built without a kernel allow one coordinate mode
    fixed = {"adaptive_average": "half_pixel", "area_two_tap": "asymmetric", "area_or_two_tap": "half_pixel"}.get(mode)
    return ResizeSpec(
        mode=mode,
        coordinate_transformation_mode=fixed or draw(st.sampled_from(COORDINATE_TRANSFORMATION_MODES)),
        exclude_outside=draw(st.integers(0, 1)),
        antialias=draw(st.integers(0, 1)) if mode in ("box", "lanczos", "hamming", "gaussian", "mitchell") else 0,
        extrapolation_value=draw(st.sampled_from([0.0, -1.5])),
        keep_aspect_ratio_policy=draw(st.sampled_from(KEEP_ASPECT_RATIO_POLICIES)),
        coordinate_arithmetic=draw(st.one_of(st.sampled_from(EXTENSION_ARITHMETICS), st.sampled_from(arithmetics))),
        lanczos_radius=draw(st.sampled_from([3, 1, 2, 4, 5])),
        gaussian_sigma=draw(st.sampled_from([0.5, 0.3, 0.8, 1.5])),
        mitchell_b=draw(st.sampled_from([1 / 3, 0.0, 1.0])),
        mitchell_c=draw(st.sampled_from([1 / 3, 0.5, 0.0])),
    )


@settings(max_examples=40)  # each example traces a function (a quarter of them compiled by XLA)
@given(plans(extension_specs()), st.sampled_from([False, False, False, True]))
def test_graph_tables_equal_numpy_tables_extension_modes(case, jit):
    _check_graph_tables(case, jit)


@st.composite
def cubic_table_specs(draw):
    """Cubic read from TensorFlow's coefficient table (``cubic_table_size``) with the fields it combines with."""
    return ResizeSpec(
        mode="cubic",
        cubic_table_size=draw(st.sampled_from([1024, 1024, 16, 1])),
        cubic_coeff_a=draw(st.sampled_from([-0.5, -0.75])),
        coordinate_transformation_mode=draw(st.sampled_from(COORDINATE_TRANSFORMATION_MODES)),
        exclude_outside=draw(st.integers(0, 1)),
        extrapolation_value=draw(st.sampled_from([0.0, -1.5])),
        keep_aspect_ratio_policy=draw(st.sampled_from(KEEP_ASPECT_RATIO_POLICIES)),
        coordinate_arithmetic=draw(st.sampled_from(["float32_multiply"] + list(COORDINATE_ARITHMETICS))),
    )


@settings(max_examples=25)  # each example traces a function (a quarter of them compiled by XLA)
@given(plans(cubic_table_specs()), st.sampled_from([False, False, False, True]))
def test_graph_tables_equal_numpy_tables_cubic_table(case, jit):
    _check_graph_tables(case, jit)


# the TensorFlow bicubic presets (cubic_table_size=1024): offsets on a half of 1/1024 (4 -> 4096 under
# half_pixel: c - floor(c) = k / 1024 + 1/2048, rounded half to even), 1-pixel axes, one axis up, one down
TABLE_CASES = [
    (PRESETS["tf_bicubic"].spec, [4, 1], [4096, 37], None),
    (PRESETS["tf1_bicubic"].spec, [4, 37], [4096, 1], None),
    (PRESETS["tf1_bicubic_align_corners"].spec, [1, 9], [5, 2], None),
    (PRESETS["tf1_bicubic_half_pixel"].spec, [13, 2], [5, 23], None),
    (PRESETS["keras_bicubic"].spec, [7, 30], None, [2.5, 0.3]),
]


@pytest.mark.parametrize("case", TABLE_CASES, ids=lambda c: f"{c[0].describe()}-{c[1]}-{c[2] or c[3]}")
@pytest.mark.parametrize("jit", [False, True], ids=["function", "xla"])
def test_graph_tables_cubic_table_presets(case, jit):
    spec, in_sizes, sizes, scales = case
    _check_graph_tables((spec, in_sizes, sizes, scales, None), jit)


# fixed cases where a tap lies exactly on a kernel's edge, so the float arithmetic of t = (j - c) * sa and of
# Pillow's box window decides it (a port off by an ulp takes or drops the tap: bound 1e-14 fails)
EDGE_CASES = [
    (EXTENSION_PRESETS["pillow_box"].spec, [13, 13], [6, 6], None),  # box edge on pixel centre 6
    (EXTENSION_PRESETS["pillow_box"].spec, [9, 12], [3, 4], None),  # integer factor: edges on pixel borders
    (ResizeSpec(mode="box"), [6, 7], [12, 21], None),  # upscaling box, |t| = 1/2 ties
    (ResizeSpec(mode="box", coordinate_transformation_mode="asymmetric"), [5, 4], [10, 8], None),
    (EXTENSION_PRESETS["tf_gaussian"].spec, [6, 5], [13, 15], None),  # 6 -> 13, output 6: |t| = 3/2
    (EXTENSION_PRESETS["tf_gaussian_antialias"].spec, [12, 9], [4, 3], None),
    (EXTENSION_PRESETS["opencv_area"].spec, [12, 6], [4, 34], None),
    (EXTENSION_PRESETS["tf_area"].spec, [7, 9], None, [0.5, 1 / 3]),
    (EXTENSION_PRESETS["pillow_lanczos"].spec, [40, 3], None, [0.25, 2.5]),
    (EXTENSION_PRESETS["opencv_lanczos4"].spec, [9, 11], [17, 4], None),
    (EXTENSION_PRESETS["tf_gaussian"].spec.replace(coordinate_arithmetic="float32_multiply"), [6, 5], [13, 15], None),
    (EXTENSION_PRESETS["tf_gaussian_antialias"].spec, [7, 10], None, [0.6, 0.3]),
    (EXTENSION_PRESETS["tf_lanczos3_antialias"].spec, [13, 31], [6, 7], None),  # TF's stretch, in the graph
    (EXTENSION_PRESETS["pytorch_area"].spec, [13, 5], [4, 5], None),
    (EXTENSION_PRESETS["pytorch_area"].spec, [7, 3], [12, 8], None),
    (EXTENSION_PRESETS["opencv_area"].spec, [6, 9], [34, 4], None),  # 2-tap path: 6 -> 34, an edge on a border
    (EXTENSION_PRESETS["opencv_area"].spec, [5, 7], None, [2.5, 3.0]),
    (EXTENSION_PRESETS["opencv_area"].spec, [9, 6], [3, 6], None),  # no axis grows: area
]


@pytest.mark.parametrize("case", EDGE_CASES, ids=lambda c: f"{c[0].describe()}-{c[1]}-{c[2] or c[3]}")
@pytest.mark.parametrize("jit", [False, True], ids=["function", "xla"])
def test_graph_tables_extension_edge_cases(case, jit):
    spec, in_sizes, sizes, scales = case
    _check_graph_tables((spec, in_sizes, sizes, scales, None), jit)


# regression cases found by longer hypothesis runs (300 examples by hand)
REGRESSIONS = [
    # grappler's constant folding regrouped (offset + v) - 0.5 as offset + (v - 0.5): an ulp off (fixed: _sealed)
    (ResizeSpec(mode="nearest", coordinate_transformation_mode="half_pixel_symmetric"), [11, 1], None, [0.3, 1.0]),
]


@pytest.mark.parametrize("case", REGRESSIONS, ids=lambda c: f"{c[0].describe()}-{c[1]}-{c[2] or c[3]}")
@pytest.mark.parametrize("jit", [False, True], ids=["function", "xla"])
def test_graph_tables_regressions(case, jit):
    spec, in_sizes, sizes, scales = case
    _check_graph_tables((spec, in_sizes, sizes, scales, None), jit)


def test_extension_tap_counts():
    """``K`` is known in Python where the kernel's support does not depend on the runtime scale (as for
    linear and cubic), and is the full kernel width (box: one more tap on each side)."""
    plan = graph_tables.GraphAxisPlan(tf.constant(5), tf.constant(3), None, None)
    for spec, taps in [
        (ResizeSpec(mode="box"), 4),
        (ResizeSpec(mode="lanczos"), 6),
        (ResizeSpec(mode="lanczos", lanczos_radius=5), 10),
        (ResizeSpec(mode="hamming"), 2),
        (ResizeSpec(mode="gaussian"), 4),  # support 3/2: taps -1 .. 2
        (ResizeSpec(mode="gaussian", gaussian_sigma=1.0), 6),
        (ResizeSpec(mode="mitchell"), 4),
    ]:
        assert graph_tables.axis_table(spec, plan).index.shape[1] == taps, spec
    # area: the support holds the scale, so with a size K is known only when the graph runs ...
    @tf.function(input_signature=[tf.TensorSpec([], tf.int32)])
    def area_taps(in_size):
        table = graph_tables.axis_table(ResizeSpec(mode="area"), graph_tables.GraphAxisPlan(in_size, 3, None, None))
        assert table.index.shape[1] is None
        return table.index

    assert area_taps(tf.constant(5)).shape == (3, 4)  # support (1 + 5/3) / 2 = 4/3: taps -1 .. 2
    # ... and with a scale given in Python it is known: (1 + 1 / 0.5) / 2 = 3/2 -> taps -1 .. 2
    scaled = graph_tables.GraphAxisPlan(tf.constant(6), tf.constant(3), 0.5, None)
    assert graph_tables.axis_table(ResizeSpec(mode="area"), scaled).index.shape[1] == 4
    assert graph_tables.axis_table(ResizeSpec(mode="lanczos", antialias=1), scaled).index.shape[1] == 12


def test_tap_count_is_static_without_antialias():
    plan = graph_tables.GraphAxisPlan(tf.constant(5), tf.constant(3), None, None)
    for mode, taps in (("linear", 2), ("cubic", 4)):
        index = graph_tables.axis_table(ResizeSpec(mode=mode), plan).index
        assert index.shape[1] == taps


# -- the in-graph path of resize ------------------------------------------------------------------------
CASES = [
    (ResizeSpec(mode="linear"), (4, 9)),
    (ResizeSpec(mode="cubic", antialias=1, cubic_coeff_a=-0.5), (3, 4)),
    (ResizeSpec(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor",
                coordinate_arithmetic="float32_multiply"), (13, 5)),
    (ResizeSpec(mode="linear", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-2.0), (6, 6)),
    (ResizeSpec(mode="cubic", keep_aspect_ratio_policy="not_smaller"), (5, 12)),
    (PRESETS["tf_bicubic"].spec, (3, 13)),  # TF's bicubic table (cubic_table_size), in the graph
    (PRESETS["tf1_bicubic_align_corners"].spec, (13, 1)),
]


@pytest.mark.parametrize("spec,size", CASES, ids=lambda v: v.describe() if isinstance(v, ResizeSpec) else str(v))
def test_unknown_spatial_sizes_and_size_tensor_equal_static_path(spec, size):
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((2, 7, 10, 3)).astype(np.float32))
    roi = [0.1, -0.2, 0.8, 1.1] if spec.coordinate_transformation_mode == "tf_crop_and_resize" else None
    static = resize(x, size, spec=spec, roi=roi).numpy()

    unknown = tf.function(
        lambda t: resize(t, size, spec=spec, roi=roi),
        input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32)],
    )
    size_tensor = tf.function(
        lambda t, s: resize(t, s, spec=spec, roi=roi),
        input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32), tf.TensorSpec([2], tf.int32)],
    )
    for result in (unknown(x), size_tensor(x, tf.constant(size))):
        np.testing.assert_allclose(result.numpy(), static, rtol=2e-6, atol=2e-6)
    if spec.mode == "nearest":  # the same picks: bit for bit (weighted modes: taps not merged, see graph_tables)
        np.testing.assert_array_equal(unknown(x).numpy(), static)
    scaled = tf.function(
        lambda t: resize(t, scale_factor=(0.6, 1.7), spec=spec, roi=roi),
        input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32)],
    )
    np.testing.assert_allclose(
        scaled(x).numpy(), resize(x, scale_factor=(0.6, 1.7), spec=spec, roi=roi).numpy(), rtol=2e-6, atol=2e-6
    )


def test_in_graph_size_below_one_fails_at_run_time():
    f = tf.function(
        lambda t, s: resize(t, s), input_signature=[tf.TensorSpec([1, None, None, 1]), tf.TensorSpec([2], tf.int32)]
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be >= 1"):
        f(tf.zeros((1, 3, 3, 1)), tf.constant([0, 2]))


def test_eager_size_tensor_uses_its_values():
    x = tf.random.normal((1, 5, 6, 2))
    feature = tf.zeros((1, 9, 4, 8))
    np.testing.assert_array_equal(resize(x, tf.shape(feature)[1:3]).numpy(), resize(x, (9, 4)).numpy())
