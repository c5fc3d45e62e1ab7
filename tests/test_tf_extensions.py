"""The extension kernels (beyond ONNX, issue 9) in the Keras layer with spatial sizes known only when the graph
runs (``keras.Input((None, None, C))``): the in-graph tables of ``consistent_resize_tf.graph_tables``. Forward
equals ``consistent_resize.reference.resize`` and the gradient equals ``reference.adjoint`` (float64), for
every preset of ``EXTENSION_PRESETS`` and specs with other kernel parameters.

(``tests/test_tf_graph_tables.py`` compares the in-graph tables themselves with the NumPy core;
``tests/test_presets_extensions.py`` covers static shapes.)
"""

from __future__ import annotations

import importlib.util
import textwrap

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from consistent_resize import ResizeSpec, reference  # noqa: E402
from consistent_resize.presets import EXTENSION_PRESETS  # noqa: E402
from consistent_resize_tf import Resize, resize  # noqa: E402
from jax_subprocess import run_under_jax  # noqa: E402

pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="needs the TensorFlow Keras backend")

OTHER_SPECS = [
    ResizeSpec(mode="lanczos", lanczos_radius=2, coordinate_transformation_mode="align_corners"),
    ResizeSpec(mode="lanczos", lanczos_radius=5, antialias=1, coordinate_arithmetic="float64_reciprocal"),
    ResizeSpec(mode="gaussian", gaussian_sigma=0.8, antialias=1, exclude_outside=1),
    ResizeSpec(mode="gaussian", gaussian_sigma=1.5, coordinate_transformation_mode="asymmetric"),
    ResizeSpec(mode="mitchell", mitchell_b=0.0, mitchell_c=0.5, exclude_outside=1),
    ResizeSpec(mode="mitchell", mitchell_b=1.0, mitchell_c=0.0, antialias=1, coordinate_arithmetic="float64_multiply"),
    ResizeSpec(mode="box", coordinate_transformation_mode="pytorch_half_pixel"),
    ResizeSpec(mode="area", coordinate_transformation_mode="half_pixel_symmetric"),
    ResizeSpec(mode="hamming", antialias=1, coordinate_arithmetic="float32_divide"),
]
CASES = [(name, p.spec) for name, p in EXTENSION_PRESETS.items()] + [(s.describe(), s) for s in OTHER_SPECS]
# to SIZE: downscaling on one axis and upscaling on the other, both ways round; a 1-pixel axis (one trace:
# the function's input shape is unknown)
SIZE = (5, 11)
SHAPES = [(9, 7), (4, 13), (1, 8)]


def _unknown_shape_model(spec, size=None, scale_factor=None):
    """A float64 Keras model whose input has unknown spatial sizes, run in a ``tf.function`` whose signature
    keeps them unknown (Keras calls it eagerly with concrete shapes otherwise): forward and gradient."""
    inputs = keras.Input((None, None, 3), dtype="float64")
    model = keras.Model(inputs, Resize(size, scale_factor, spec=spec, dtype="float64")(inputs))
    unknown = tf.TensorSpec([None, None, None, 3], tf.float64)

    @tf.function(input_signature=[unknown, unknown])
    def forward_and_gradient(x, g):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = model(x)
        return y, tape.gradient(y, x, output_gradients=g)

    return model, forward_and_gradient


def _in_graph(function) -> bool:
    """Whether the traced graph computes tables (a ``Range`` of output indices), i.e. took the in-graph path
    rather than embedding the NumPy tables as constants (whose graph has no ``Range``)."""
    graph = function.get_concrete_function().graph.as_graph_def()
    nodes = list(graph.node) + [node for f in graph.library.function for node in f.node_def]
    return any(node.op == "Range" for node in nodes)


def _check(spec, shape, size, function, scale_factor=None):
    rng = np.random.default_rng(sum(shape) + len(spec.mode))
    x = rng.standard_normal((2, *shape, 3))
    want = reference.resize(x, size, scale_factor, spec=spec, axes=(1, 2))
    g = rng.standard_normal(want.shape)
    y, grad = function(tf.constant(x), tf.constant(g))
    np.testing.assert_allclose(y.numpy(), want, rtol=0, atol=1e-12)
    adjoint = reference.adjoint(g, x.shape, size, scale_factor, spec=spec, axes=(1, 2))
    np.testing.assert_allclose(grad.numpy(), adjoint, rtol=0, atol=1e-12)


def _no_in_graph_port(spec) -> bool:
    """Specs whose tables have no TF in-graph port yet: B-spline (dense) tables and the gaussian pre-blur."""
    return spec.mode == "spline" or bool(spec.gaussian_preblur)


@pytest.mark.parametrize("name,spec", CASES, ids=[c[0] for c in CASES])
def test_keras_unknown_spatial_sizes_forward_and_gradient(name, spec, count):
    if _no_in_graph_port(spec):  # refused by name when the graph is traced, never a wrong answer
        model, function = _unknown_shape_model(spec, SIZE)
        with pytest.raises(ValueError, match="no in-graph port|pre-?blur"):
            function.get_concrete_function()
        return
    model, function = _unknown_shape_model(spec, SIZE)
    assert model.output.shape == (None, *SIZE, 3)
    assert _in_graph(function)
    for shape in SHAPES:
        _check(spec, shape, SIZE, function)
    count("Keras models with unknown spatial sizes, extension specs: forward and gradient == reference")


@pytest.mark.parametrize(
    "name", ["tf_area", "opencv_area", "pillow_box", "tf_lanczos3_antialias", "tf_gaussian", "tf_mitchellcubic"]
)
def test_keras_unknown_spatial_sizes_scale_factor(name):
    """With ``scale_factor`` the scale is a Python number: area's support and the antialias tap count are
    known in Python even though the sizes are not."""
    spec = EXTENSION_PRESETS[name].spec
    model, function = _unknown_shape_model(spec, scale_factor=(0.5, 2.5))
    assert _in_graph(function)
    for shape in [(9, 7), (4, 6)]:
        _check(spec, shape, None, function, scale_factor=(0.5, 2.5))


@pytest.mark.parametrize("name", ["pillow_lanczos", "tf_area", "keras_lanczos5"])
def test_size_tensor_and_xla(name):
    """A size tensor (the function form) and XLA (float64): forward equals the reference."""
    spec = EXTENSION_PRESETS[name].spec
    x = tf.constant(np.random.default_rng(3).standard_normal((1, 10, 7, 2)))
    unknown = tf.TensorSpec([None, None, None, 2], tf.float64)
    sized = tf.function(lambda t, s: resize(t, s, spec=spec), input_signature=[unknown, tf.TensorSpec([2], tf.int32)])
    compiled = tf.function(lambda t: resize(t, (4, 15), spec=spec), input_signature=[unknown], jit_compile=True)
    want = reference.resize(x.numpy(), (4, 15), spec=spec, axes=(1, 2))
    np.testing.assert_allclose(sized(x, tf.constant([4, 15])).numpy(), want, rtol=0, atol=1e-12)
    np.testing.assert_allclose(compiled(x).numpy(), want, rtol=0, atol=1e-12)


def test_static_shapes_embed_the_tables():
    """The counter-check of ``_in_graph``: with static spatial sizes the graph has no ``Range``."""
    inputs = keras.Input((9, 7, 3), dtype="float64")
    model = keras.Model(inputs, Resize((5, 11), preset="pillow_lanczos", dtype="float64")(inputs))
    function = tf.function(lambda t: model(t), input_signature=[tf.TensorSpec([None, 9, 7, 3], tf.float64)])
    assert not _in_graph(function)


def test_unported_mode_is_a_clear_error(monkeypatch):
    """A mode the core gains without an in-graph port fails with a ValueError naming it and the ported ones
    (static shapes keep working)."""
    from consistent_resize_tf import graph_tables

    monkeypatch.setattr(graph_tables, "PORTED_MODES", ("nearest", "linear", "cubic"))

    @tf.function(input_signature=[tf.TensorSpec([1, None, None, 1], tf.float32)])
    def unknown_shape(t):
        return resize(t, (5, 7), spec=ResizeSpec(mode="lanczos"))

    with pytest.raises(ValueError, match="mode 'lanczos' has no in-graph port yet.*'nearest', 'linear', 'cubic'"):
        unknown_shape(tf.zeros([1, 9, 9, 1]))


JAX_SCRIPT = textwrap.dedent(
    """
    import json
    import jax
    jax.config.update("jax_enable_x64", True)  # float64, as the other tests here
    import numpy as np, jax.numpy as jnp, keras
    assert keras.backend.backend() == "jax"
    from consistent_resize import reference
    from consistent_resize.presets import EXTENSION_PRESETS
    from consistent_resize_tf import Resize

    result = {"backend": keras.backend.backend(), "cases": 0, "forward": 0.0, "grad": 0.0, "jit": 0.0}
    rng = np.random.default_rng(0)
    for name in EXTENSION_PRESETS:
        inputs = keras.Input((None, None, 3), dtype="float64")
        model = keras.Model(inputs, Resize((5, 11), preset=name, dtype="float64")(inputs))
        for shape in [(2, 9, 7, 3), (1, 4, 13, 3)]:
            x = rng.standard_normal(shape)
            want = reference.resize(x, (5, 11), preset=name, axes=(1, 2))
            y = np.asarray(model(x))
            result["forward"] = max(result["forward"], float(np.abs(y - want).max()))
            result["jit"] = max(result["jit"], float(np.abs(np.asarray(jax.jit(model)(x)) - y).max()))
            g = rng.standard_normal(want.shape)
            grad = jax.grad(lambda t: jnp.sum(model(t) * g))(jnp.asarray(x))
            adjoint = reference.adjoint(g, shape, (5, 11), preset=name, axes=(1, 2))
            result["grad"] = max(result["grad"], float(np.abs(np.asarray(grad) - adjoint).max()))
            result["cases"] += 1
    print("RESULT " + json.dumps(result))
    """
)


def test_extension_presets_under_jax_backend():
    """Keras 3 with the JAX backend (``keras_ops``: the NumPy tables, as JAX traces with concrete shapes): a
    model on ``keras.Input((None, None, 3))`` for every extension preset, float64 (``jax_enable_x64``)."""
    if importlib.util.find_spec("jax") is None:
        pytest.skip("jax is not installed (it is in the numpy-2 CI leg)")
    result = run_under_jax(JAX_SCRIPT, timeout=600)
    assert result["backend"] == "jax" and result["cases"] == 2 * len(EXTENSION_PRESETS)
    assert result["forward"] <= 1e-12 and result["grad"] <= 1e-12 and result["jit"] <= 1e-12, result
