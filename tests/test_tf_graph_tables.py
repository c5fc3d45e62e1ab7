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
from consistent_resize.coordinates import source_coordinates  # noqa: E402
from consistent_resize.spec import KEEP_ASPECT_RATIO_POLICIES  # noqa: E402
from consistent_resize_tf import graph_tables, resize  # noqa: E402
from spec_strategies import specs  # noqa: E402

SCALES = [0.25, 0.3, 1 / 3, 0.5, 0.6, 0.75, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 7 / 3]


@st.composite
def plans(draw):
    """A spec, two input sizes and either two sizes or two scales (whose outputs are >= 1), and a roi."""
    spec = draw(specs(policies=KEEP_ASPECT_RATIO_POLICIES))
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
        tables = [graph_tables.axis_table(spec, p) for p in plan]
        coords = [graph_tables.source_coordinates(spec, p.in_size, p.out_size, p.scale, p.roi) for p in plan]
        return [p.out_size for p in plan], [(t.index, t.weight, t.outside, c) for t, c in zip(tables, coords)]

    outs, tables = build(tf.zeros(in_sizes))
    return [int(o) for o in outs], [tuple(a.numpy() for a in t) for t in tables]


@settings(max_examples=30)  # each example traces a function (a quarter of them compiled by XLA)
@given(plans(), st.sampled_from([False, False, False, True]))
def test_graph_tables_equal_numpy_tables(case, jit):
    spec, in_sizes, sizes, scales, roi = case
    expected_plan = plan_axes(in_sizes, sizes, scales, spec, roi)
    outs, tables = _graph_tables(spec, in_sizes, sizes, scales, roi, jit)
    assert outs == [p.out_size for p in expected_plan]
    for p, (index, weight, outside, coords) in zip(expected_plan, tables):
        try:
            table = axis_table(p.in_size, p.out_size, spec, p.scale, p.roi)
        except ValueError as error:  # a row whose normalised weights sum to 0: the in-graph row is all 0
            assert "sum to 0" in str(error)
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
