"""The Keras layer ``consistent_resize_tf.Resize``: models with unknown spatial sizes, mixed precision,
configuration, ``.keras`` save/load, ``model.export()``, and bad input."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from consistent_resize import ResizeSpec, reference  # noqa: E402
from consistent_resize_tf import Resize, resize  # noqa: E402

pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="needs the TensorFlow Keras backend")


def _x(shape=(2, 9, 7, 3), seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def test_signature_defaults():
    """The defaults are part of the promise: the same arguments for the function and the layer."""
    for fn in (resize, Resize.__init__):
        params = inspect.signature(fn).parameters
        assert params["size"].default is None and params["scale_factor"].default is None
        assert params["spec"].default is None and params["preset"].default is None
        assert params["data_format"].default == "channels_last"
        assert params["spec"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize(
    "layer_kwargs,shape,axes",
    [
        (dict(size=(5, 12), preset="pytorch_bicubic"), (2, 9, 7, 3), (1, 2)),
        (dict(size=(5, 12), preset="chainer", data_format="channels_first"), (2, 3, 9, 7), (2, 3)),
        (dict(scale_factor=1.5, spec=ResizeSpec(mode="cubic", antialias=1)), (2, 9, 7, 3), (1, 2)),
        (dict(size=(4,), preset="tf_nearest"), (2, 11, 3), (1,)),
        (dict(size=(3, 4, 5), preset="pillow_bilinear"), (1, 5, 6, 7, 2), (1, 2, 3)),
        (dict(size=6, spec=ResizeSpec(mode="linear", keep_aspect_ratio_policy="not_larger")), (2, 9, 7, 3), (1, 2)),
    ],
)
def test_model_with_unknown_spatial_sizes_equals_reference(layer_kwargs, shape, axes):
    """A functional model on ``keras.Input`` with unknown spatial sizes: eager call (static tables),
    ``predict`` (traced: in-graph tables) and ``compute_output_shape`` agree with the reference."""
    data_format = layer_kwargs.get("data_format", "channels_last")
    input_shape = [None] * (len(shape) - 1)
    input_shape[0 if data_format == "channels_first" else -1] = shape[1 if data_format == "channels_first" else -1]
    inputs = keras.Input(tuple(input_shape))
    layer = Resize(**layer_kwargs)
    model = keras.Model(inputs, layer(inputs))
    x = _x(shape)
    ref_kwargs = {k: v for k, v in layer_kwargs.items() if k not in ("data_format",)}
    size, scale = ref_kwargs.pop("size", None), ref_kwargs.pop("scale_factor", None)
    if size is not None and not isinstance(size, tuple):
        size = (size,) * len(axes)
    if scale is not None and not isinstance(scale, tuple):
        scale = (scale,) * len(axes)
    expected = reference.resize(x.astype(np.float64), size, scale, axes=axes, **ref_kwargs)
    for got in (model(x).numpy(), model.predict(x, verbose=0)):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert layer.compute_output_shape(shape) == expected.shape


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision_policy(policy):
    inputs = keras.Input((None, None, 3))
    layer = Resize((5, 12), preset="tf_bicubic", dtype=policy)
    model = keras.Model(inputs, layer(inputs))
    x = _x()
    y = model(x)
    assert y.dtype == tf.as_dtype(layer.compute_dtype)
    expected = reference.resize(tf.cast(tf.cast(x, layer.compute_dtype), tf.float64).numpy(), (5, 12),
                                preset="tf_bicubic", axes=(1, 2))
    eps = 2**-10 if policy == "mixed_float16" else 2**-7
    np.testing.assert_allclose(tf.cast(y, tf.float64).numpy(), expected, rtol=eps, atol=8 * eps)


def test_config_round_trip_keeps_arguments_and_outputs():
    spec = ResizeSpec(mode="cubic", coordinate_transformation_mode="half_pixel_symmetric", cubic_coeff_a=-0.5,
                      exclude_outside=1, coordinate_arithmetic="float32_multiply")
    for layer in (
        Resize((5, 12), spec=spec, name="r1"),
        Resize(scale_factor=(0.5, 2.0), preset="opencv_linear", data_format="channels_first"),
        Resize([6, 6], spec=ResizeSpec(mode="linear", coordinate_transformation_mode="tf_crop_and_resize",
                                       extrapolation_value=-1.0), roi=[0.1, -0.2, 0.9, 1.3]),
    ):
        config = layer.get_config()
        assert isinstance(config["spec"], (dict, type(None)))
        clone = Resize.from_config(config)
        assert clone.get_config() == config
        assert clone.resolved_spec == layer.resolved_spec
        x = _x((2, 3, 9, 7)) if layer.data_format == "channels_first" else _x()
        np.testing.assert_array_equal(clone(x).numpy(), layer(x).numpy())
    serialized = keras.saving.serialize_keras_object(Resize((4, 4), preset="chainer"))
    assert serialized["registered_name"] == "consistent_resize>Resize"
    assert keras.saving.deserialize_keras_object(serialized).resolved_spec.coordinate_arithmetic == "float64_multiply"


def _model(preset, static):
    inputs = keras.Input((9, 7, 3) if static else (None, None, 3))
    y = Resize((5, 12), preset=preset)(inputs)
    y = keras.layers.Conv2D(2, 1)(y)  # a layer with weights next to it
    return keras.Model(inputs, Resize(scale_factor=0.5, preset=preset)(y))


@pytest.mark.parametrize("preset", ["pytorch_bicubic", "tf_nearest"])
def test_keras_file_save_load_gives_identical_outputs(tmp_path, preset):
    model = _model(preset, static=False)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    x = _x()
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("static", [True, False], ids=["static-sizes", "unknown-sizes"])
def test_exported_saved_model_serves_the_same_numbers(tmp_path, static):
    """``model.export()``: a SavedModel whose serving function embeds the tables (static sizes) or
    computes them in the graph (unknown sizes)."""
    for preset in ("pytorch_bilinear", "tf1_nearest"):
        model = _model(preset, static)
        path = str(tmp_path / f"{preset}-{static}")
        model.export(path, verbose=False)
        loaded = tf.saved_model.load(path)  # keep it alive: serve references its variables
        served = loaded.serve
        x = _x()
        got, want = served(tf.constant(x)).numpy(), model(x).numpy()
        if static:  # the same XLA-compiled graph as the model's own tf.function: bit for bit
            np.testing.assert_array_equal(got, tf.function(model)(x).numpy())
        if preset == "tf1_nearest":
            np.testing.assert_array_equal(got, want)
        elif static:  # eager runs the ops one by one, XLA fuses multiply-adds (static_op): float32 rounding
            np.testing.assert_allclose(got, want, rtol=0, atol=2e-6)
        else:  # in-graph tables, not merged: float32 rounding
            np.testing.assert_allclose(got, want, rtol=0, atol=2e-5)
        if not static:  # other sizes through the same exported graph
            x2 = _x((1, 13, 4, 3), seed=1)
            np.testing.assert_allclose(served(tf.constant(x2)).numpy(), model(x2).numpy(), rtol=0, atol=2e-5)


def test_chainer_port():
    """A Chainer ``F.resize_images(x, (h, w))`` (NCHW, align_corners) becomes ``preset="chainer"``."""
    x = _x((2, 3, 9, 7))
    y = Resize((5, 12), preset="chainer", data_format="channels_first")(x)
    expected = reference.resize(x.astype(np.float64), (5, 12), preset="chainer", axes=(2, 3))
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-6, atol=1e-6)


# -- bad input ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        (dict(size=(4, 4), data_format="NHWC"), ValueError, "data_format"),
        (dict(size=(4, 4), preset="pytorch_bilnear"), ValueError, "pytorch_bilinear"),
        (dict(size=(4, 4), scale_factor=2.0), ValueError, "exactly one of size and scale_factor"),
        (dict(), ValueError, "exactly one of size and scale_factor"),
        (dict(size=(4, 0)), ValueError, "size entries must be >= 1"),
        (dict(size=(4, 2.5)), TypeError, "size entries must be integers"),
        (dict(size="44"), TypeError, "size must be a number or a sequence"),
        (dict(scale_factor=-1.0), ValueError, "scale_factor entries must be finite and > 0"),
        (dict(size=(4, 4), spec=ResizeSpec(), preset="chainer"), ValueError, "spec or preset"),
        (dict(size=(4, 4), spec="linear"), TypeError, "spec must be a ResizeSpec"),
        (dict(size=(4, 4), roi=[0, 0, 1, 1]), ValueError, "roi is only used"),
    ],
)
def test_bad_arguments_fail_at_construction_and_call(kwargs, error, match):
    with pytest.raises(error, match=match):
        Resize(**kwargs)
    with pytest.raises(error, match=match):
        resize(tf.zeros((1, 4, 4, 1)), **kwargs)


def test_bad_inputs_fail_at_build_or_call():
    with pytest.raises(ValueError, match="rank 3, 4 or 5"):
        Resize((4, 4))(keras.Input((4,)))
    with pytest.raises(ValueError, match="rank 3, 4 or 5"):
        resize(tf.zeros((1, 2, 2, 2, 2, 2)), 3)
    with pytest.raises(ValueError, match="size has 3 entries but 2 axes"):
        Resize((4, 4, 4))(keras.Input((None, None, 3)))
    with pytest.raises(ValueError, match="gives output size 0"):
        resize(tf.zeros((1, 3, 3, 1)), scale_factor=0.2)
    with pytest.raises(TypeError, match="float input"):
        resize(tf.zeros((1, 3, 3, 1), tf.int32), (4, 4))
    with pytest.raises(TypeError, match="float input"):
        Resize((4, 4))(np.zeros((1, 3, 3, 1), np.uint8))
    with pytest.raises(TypeError, match="integer dtype"):
        resize(tf.zeros((1, 3, 3, 1)), tf.constant([2.0, 3.0]))
    with pytest.raises(TypeError, match="Python numbers"):
        resize(tf.zeros((1, 3, 3, 1)), scale_factor=tf.constant([2.0, 3.0]))
    with pytest.raises(TypeError, match="Python ints"):
        Resize(tf.constant([2, 3]))
    f = tf.function(lambda t, s: resize(t, s), input_signature=[tf.TensorSpec([1, None, None, 1]),
                                                                   tf.TensorSpec([3], tf.int32)])
    with pytest.raises(ValueError, match="size has 3 entries but the input has 2 spatial axes"):
        f.get_concrete_function()


def test_docstring_examples():
    """The package is outside ``testpaths``: run its doctests here."""
    import doctest

    import consistent_resize_tf.functional
    import consistent_resize_tf.layer

    for module in (consistent_resize_tf.functional, consistent_resize_tf.layer):
        failed, attempted = doctest.testmod(module)
        assert failed == 0 and attempted > 0


def test_call_time_size_tensor_in_a_subclassed_model():
    """``layer(x, size=tf.shape(feature)[1:3])``: the size known only in the graph."""

    class Decoder(keras.Model):
        def __init__(self):
            super().__init__()
            self.up = Resize(1, preset="pytorch_bilinear")  # the configured size is overridden per call

        def call(self, inputs):
            x, feature = inputs
            return self.up(x, size=tf.shape(feature)[1:3])

    model = Decoder()
    x, feature = _x((2, 5, 4, 3)), _x((2, 11, 9, 8), seed=1)
    expected = reference.resize(x.astype(np.float64), (11, 9), preset="pytorch_bilinear", axes=(1, 2))
    graph = tf.function(model, input_signature=[(tf.TensorSpec([None, None, None, 3]),
                                                 tf.TensorSpec([None, None, None, 8]))])
    for got in (model((x, feature)), graph((x, feature))):
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("method,preset", [("bilinear", "tf_bilinear"), ("nearest", "tf_nearest")])
@pytest.mark.parametrize("size", [(4, 6), (11, 3), (1, 14)])
def test_rank3_image_is_resized_as_tf_image_resize_reads_it(method, preset, size):
    """A rank-3 input with a 2-entry size is one (H, W, C) image, as in tf.image.resize (a number would
    resize only W of (batch, W, C): refused as ambiguous; 1 entry is the 1-D signal)."""
    x = tf.constant(_x((5, 7, 3)))
    want = tf.image.resize(x, size, method=method).numpy()
    tol = 0 if method == "nearest" else 1e-6  # bilinear: float32 rounding of another summation order
    np.testing.assert_allclose(resize(x, size, preset=preset).numpy(), want, rtol=tol, atol=tol)
    graph = tf.function(lambda t: resize(t, tf.constant(size), preset=preset),
                        input_signature=[tf.TensorSpec([None, None, 3])])
    np.testing.assert_allclose(graph(x).numpy(), want, rtol=tol, atol=tol)
    assert resize(x, (4,), preset=preset).shape == (5, 4, 3)


@pytest.mark.parametrize("kwargs", [dict(size=4), dict(scale_factor=2.0)])
def test_rank3_single_number_is_refused_as_ambiguous(kwargs):
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=rf"{name}=.* is ambiguous for a rank-3 input: give {name} as \(h, w\)"):
        resize(tf.zeros((5, 7, 3)), **kwargs)
