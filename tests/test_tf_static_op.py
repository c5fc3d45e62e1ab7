"""``consistent_resize_tf.static_op``: the static-shape resize with its transposed-table gradient, run
XLA-compiled in graphs (for outputs of at least ``XLA_MIN_ELEMENTS`` elements) and op by op eagerly.

Checked on the compiled path (threshold forced to 0 so small tensors take it): forward equals the NumPy
reference, the gradient equals its adjoint, NaN/Inf reach only the outputs (and input gradients) that
read them, two calls give the same bits, TFLite conversion still gives GATHER/MUL/ADD/SELECT_V2 and the
eager Keras numbers bit for bit; and that the threshold picks the path it says.
"""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from consistent_resize import ResizeSpec, reference  # noqa: E402
from consistent_resize_tf import Resize, resize, static_op  # noqa: E402

CASES = [
    ("tf_bilinear", None, (2, 9, 7, 3), (5, 12)),
    ("pytorch_bicubic", None, (2, 6, 5, 4), (13, 3)),
    ("tf_bilinear_antialias", None, (1, 17, 12, 2), (4, 5)),
    ("tf_nearest", None, (2, 7, 9, 3), (12, 4)),
    ("pillow_lanczos", None, (1, 11, 8, 2), (5, 19)),
    (None, ResizeSpec(mode="cubic", cubic_coeff_a=-0.75, exclude_outside=1), (2, 6, 6, 3), (17, 11)),
    (None, ResizeSpec(mode="linear", coordinate_transformation_mode="tf_crop_and_resize",
                      extrapolation_value=2.5), (1, 8, 9, 2), (6, 7)),
]
IDS = [c[0] or c[1].describe() for c in CASES]


@pytest.fixture
def compiled_always(monkeypatch):
    """Every graph-mode call takes the XLA-compiled path."""
    monkeypatch.setattr(static_op, "USE_XLA", True)
    monkeypatch.setattr(static_op, "XLA_MIN_ELEMENTS", 0)


def _kwargs(preset, spec):
    crop = spec is not None and spec.coordinate_transformation_mode == "tf_crop_and_resize"
    roi = [0.1, -0.2, 0.8, 1.2] if crop else None
    return ({"preset": preset} if preset else {"spec": spec}), roi


def _value_and_grad(fn):
    def run(t, g):
        with tf.GradientTape() as tape:
            tape.watch(t)
            y = fn(t)
        return y, tape.gradient(y, t, output_gradients=g)

    return run


def _uses_xla(function, *args) -> bool:
    graph = function.get_concrete_function(*args).graph
    library = graph.as_graph_def().library.function
    return any(f.attr["_XlaMustCompile"].b for f in library)


@pytest.mark.parametrize("preset,spec,shape,size", CASES, ids=IDS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_compiled_forward_and_gradient_equal_reference_and_adjoint(compiled_always, preset, spec, shape, size, dtype):
    kwargs, roi = _kwargs(preset, spec)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    expected = reference.resize(x, size, roi=roi, axes=(1, 2), **kwargs)
    g = rng.standard_normal(expected.shape)
    expected_grad = reference.adjoint(g, shape, size, roi=roi, axes=(1, 2), **kwargs)
    fn = tf.function(_value_and_grad(lambda t: resize(t, size, roi=roi, **kwargs)))
    args = (tf.constant(x, dtype), tf.constant(g, dtype))
    assert _uses_xla(fn, *args)
    y, grad = fn(*args)
    tol = 1e-12 if dtype == "float64" else 2e-6
    np.testing.assert_allclose(y.numpy(), expected, rtol=tol, atol=tol)
    np.testing.assert_allclose(grad.numpy(), expected_grad, rtol=tol, atol=tol)
    again = fn(*args)  # deterministic: the same bits on every call
    np.testing.assert_array_equal(again[0].numpy(), y.numpy())
    np.testing.assert_array_equal(again[1].numpy(), grad.numpy())


@pytest.mark.parametrize("preset,spec,shape,size", CASES, ids=IDS)
def test_eager_gradient_is_the_adjoint(preset, spec, shape, size):
    """Eagerly the transposed tables run op by op; float64 equals the adjoint to rounding."""
    kwargs, roi = _kwargs(preset, spec)
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    y = reference.resize(x, size, roi=roi, axes=(1, 2), **kwargs)
    g = rng.standard_normal(y.shape)
    _, grad = _value_and_grad(lambda t: resize(t, size, roi=roi, **kwargs))(tf.constant(x), tf.constant(g))
    expected = reference.adjoint(g, shape, size, roi=roi, axes=(1, 2), **kwargs)
    np.testing.assert_allclose(grad.numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "xla"])
def test_non_finite_values_reach_only_what_reads_them(compiled_always, compiled):
    """Forward: a NaN/Inf input reaches only outputs that read it; backward: a NaN/Inf output gradient
    reaches only the inputs those outputs read (no dense products; tf_bilinear 8 -> 3 leaves inputs 2
    and 5 unread, whose transposed rows are weight-0 taps of output 0)."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 8, 8, 2))
    x[0, 3, 5, 0], x[0, 6, 1, 1] = np.nan, np.inf
    for preset, size in (("pytorch_bicubic", (5, 13)), ("tf_bilinear", (3, 3)), ("pillow_bilinear", (13, 5))):
        expected = reference.resize(x, size, preset=preset, axes=(1, 2))
        g = rng.standard_normal(expected.shape)
        g[0, 0, 0, 0], g[0, 1, 2, 0], g[0, -1, -1, 1] = np.nan, np.nan, -np.inf  # [0, 0]: the padding taps' output
        expected_grad = reference.adjoint(np.nan_to_num(g, nan=1e300, posinf=1e300, neginf=1e300),
                                          x.shape, size, preset=preset, axes=(1, 2))
        fn = _value_and_grad(lambda t: resize(t, size, preset=preset))
        fn = tf.function(fn) if compiled else fn
        y, grad = fn(tf.constant(x), tf.constant(g))
        np.testing.assert_array_equal(np.isfinite(y.numpy()), np.isfinite(expected))
        np.testing.assert_array_equal(np.isfinite(grad.numpy()), np.abs(expected_grad) < 1e200)


def test_threshold_picks_the_path(monkeypatch):
    """Below ``XLA_MIN_ELEMENTS`` output elements a graph runs the ops one by one (equal to eager bit for
    bit); above it, the compiled function (weighted modes: equal to eager within float32 rounding)."""
    monkeypatch.setattr(static_op, "USE_XLA", True)
    x = tf.constant(np.random.default_rng(3).standard_normal((2, 40, 30, 3)).astype(np.float32))
    call = tf.function(lambda t: resize(t, (64, 48), preset="pytorch_bicubic"))
    eager = resize(x, (64, 48), preset="pytorch_bicubic").numpy()
    monkeypatch.setattr(static_op, "XLA_MIN_ELEMENTS", 2 * 64 * 48 * 3 + 1)
    assert not _uses_xla(call, x)
    np.testing.assert_array_equal(call(x).numpy(), eager)
    monkeypatch.setattr(static_op, "XLA_MIN_ELEMENTS", 2 * 64 * 48 * 3)
    call = tf.function(lambda t: resize(t, (64, 48), preset="pytorch_bicubic"))
    assert _uses_xla(call, x)
    got = call(x).numpy()
    np.testing.assert_allclose(got, eager, rtol=0, atol=4e-6)
    monkeypatch.setattr(static_op, "USE_XLA", False)
    call = tf.function(lambda t: resize(t, (64, 48), preset="pytorch_bicubic"))
    assert not _uses_xla(call, x)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="needs the TensorFlow Keras backend")
@pytest.mark.parametrize("preset", ["pytorch_bicubic", "tf_bilinear_antialias", "tf_nearest"])
def test_tflite_of_the_compiled_path(compiled_always, preset):
    """The converter inlines the compiled function: builtins only, and the interpreter's output equals the
    eager Keras call (the same ops, op by op) bit for bit."""
    shape = (1, 9, 7, 3)
    inputs = keras.Input(shape[1:], batch_size=1)
    model = keras.Model(inputs, Resize((5, 12), preset=preset)(inputs))
    fn = tf.function(lambda t: model(t), input_signature=[tf.TensorSpec(shape, tf.float32)])
    assert _uses_xla(fn)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], model)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    interpreter = tf.lite.Interpreter(model_content=converter.convert())
    interpreter.allocate_tensors()
    x = np.random.default_rng(4).standard_normal(shape).astype(np.float32)
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    ops = {op["op_name"] for op in interpreter._get_ops_details()}
    assert ops <= {"GATHER", "MUL", "ADD", "SELECT_V2", "DELEGATE"}, ops
    got = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    np.testing.assert_array_equal(got, model(x).numpy())


def test_second_order_gradient(compiled_always):
    """The gradient is itself differentiable (a linear map of dy): d/dg <grad(g), v> = resize(v)."""
    x = tf.constant(np.random.default_rng(5).standard_normal((1, 5, 6, 2)))
    v = tf.constant(np.random.default_rng(6).standard_normal((1, 5, 6, 2)))
    g = tf.constant(np.random.default_rng(7).standard_normal((1, 8, 3, 2)))

    @tf.function
    def second(g):
        with tf.GradientTape() as outer:
            outer.watch(g)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = resize(x, (8, 3), preset="pytorch_bicubic")
            grad = inner.gradient(y, x, output_gradients=g)
            s = tf.reduce_sum(grad * v)
        return outer.gradient(s, g)

    expected = reference.resize(v.numpy(), (8, 3), preset="pytorch_bicubic", axes=(1, 2))
    np.testing.assert_allclose(second(g).numpy(), expected, rtol=1e-12, atol=1e-12)


def test_inside_an_outer_xla_function(compiled_always):
    """Keras ``compile(jit_compile=True)`` compiles the whole step: the inner compiled functions and the
    custom gradient are inlined into the outer XLA cluster."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 7, 6, 3))
    g = rng.standard_normal((2, 11, 4, 3))
    fn = tf.function(_value_and_grad(lambda t: resize(t, (11, 4), preset="pillow_bicubic")), jit_compile=True)
    y, grad = fn(tf.constant(x), tf.constant(g))
    np.testing.assert_allclose(y.numpy(), reference.resize(x, (11, 4), preset="pillow_bicubic", axes=(1, 2)),
                               rtol=1e-12, atol=1e-12)
    expected = reference.adjoint(g, x.shape, (11, 4), preset="pillow_bicubic", axes=(1, 2))
    np.testing.assert_allclose(grad.numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "shape,size,data_format,axes",
    [((2, 11, 3), (4,), "channels_last", (1,)), ((1, 5, 6, 7, 2), (3, 8, 4), "channels_last", (1, 2, 3)),
     ((2, 3, 9, 7), (5, 12), "channels_first", (2, 3))],
)
def test_compiled_other_ranks_and_layouts(compiled_always, shape, size, data_format, axes):
    rng = np.random.default_rng(9)
    x = rng.standard_normal(shape)
    expected = reference.resize(x, size, preset="pytorch_bicubic", axes=axes)
    g = rng.standard_normal(expected.shape)
    fn = tf.function(_value_and_grad(lambda t: resize(t, size, preset="pytorch_bicubic", data_format=data_format)))
    args = (tf.constant(x), tf.constant(g))
    assert _uses_xla(fn, *args)
    y, grad = fn(*args)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-12)
    expected_grad = reference.adjoint(g, shape, size, preset="pytorch_bicubic", axes=axes)
    np.testing.assert_allclose(grad.numpy(), expected_grad, rtol=1e-12, atol=1e-12)


def test_compiled_with_unknown_batch(compiled_always):
    """Static spatial sizes, batch unknown when traced: one trace, compiled per batch size when run."""
    inputs = keras.Input((9, 7, 3), dtype="float64")
    model = keras.Model(inputs, Resize((5, 12), preset="pillow_bilinear", dtype="float64")(inputs))
    fn = tf.function(lambda t: model(t), input_signature=[tf.TensorSpec([None, 9, 7, 3], tf.float64)])
    assert _uses_xla(fn)
    for batch in (1, 3):
        x = np.random.default_rng(batch).standard_normal((batch, 9, 7, 3))
        expected = reference.resize(x, (5, 12), preset="pillow_bilinear", axes=(1, 2))
        np.testing.assert_allclose(fn(tf.constant(x)).numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("split", [True, False], ids=["per-axis", "one-function"])
def test_split_and_fused_passes(compiled_always, monkeypatch, split):
    """One XLA function per axis or one for all (``split_passes`` picks by size): both are the resize."""
    monkeypatch.setattr(static_op, "SPLIT", split)
    for preset, spec, shape, size in CASES:
        kwargs, roi = _kwargs(preset, spec)
        rng = np.random.default_rng(10)
        x = rng.standard_normal(shape)
        expected = reference.resize(x, size, roi=roi, axes=(1, 2), **kwargs)
        g = rng.standard_normal(expected.shape)
        expected_grad = reference.adjoint(g, shape, size, roi=roi, axes=(1, 2), **kwargs)
        static_op.static_resize.cache_clear()  # the choice is made when the op is built
        fn = tf.function(_value_and_grad(lambda t: resize(t, size, roi=roi, **kwargs)))
        y, grad = fn(tf.constant(x), tf.constant(g))
        np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(grad.numpy(), expected_grad, rtol=1e-12, atol=1e-12)
    static_op.static_resize.cache_clear()


def test_split_rule():
    """The measured choices: the cubic pyramid's forward split (intermediate 0.1x the output) and its
    backward fused; the cubic upsample fused (its intermediates, 0.5x and 2x, would cost memory) unless
    the memory fraction allows them; bilinear and antialiased downsample fused."""
    from consistent_resize import PRESETS
    from consistent_resize.tables import axis_table

    cubic = ResizeSpec(mode="cubic", cubic_coeff_a=-0.75, exclude_outside=1)
    bilinear, antialias = PRESETS["tf_bilinear"].spec, PRESETS["tf_bilinear_antialias"].spec
    cases = [(cubic, 512, 1024, False, False), (cubic, 6, 60, True, False), (bilinear, 6, 60, False, False),
             (bilinear, 512, 1024, False, False), (antialias, 1024, 256, False, False)]
    for spec, n, m, forward, backward in cases:
        op = static_op._StaticResize((axis_table(n, m, spec),) * 2, (1, 2), False, 0.0)
        assert (op.split_forward, op.split_backward) == (forward, backward), (spec.describe(), n, m)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(static_op, "SPLIT_MEMORY_FRACTION", 2.0)
        op = static_op._StaticResize((axis_table(512, 1024, cubic),) * 2, (1, 2), False, 0.0)
        assert (op.split_forward, op.split_backward) == (True, True)
