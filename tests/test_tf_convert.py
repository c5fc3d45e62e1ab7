"""``consistent_resize_tf.convert``: a Keras model's ``Resizing`` / ``UpSampling2D`` layers replaced by ours,
compared with the real layers (keep) and with the NumPy reference (retarget); nested models, weights,
``.keras`` round trip, TFLite, unknown spatial sizes, and the reports of ``find_resizes``."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")
if keras.backend.backend() != "tensorflow":
    pytest.skip("the TensorFlow backend is needed", allow_module_level=True)

from consistent_resize import resize as reference  # noqa: E402
from consistent_resize_tf import AspectResize, Resize  # noqa: E402
from consistent_resize_tf.aspect import aspect_box  # noqa: E402
from consistent_resize_tf.convert import convert, find_resizes, format_resizes, preset_for  # noqa: E402

#: Keras ``Resizing`` interpolations (Keras 3 refuses gaussian and mitchellcubic in the layer).
INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area")
#: float32 rounding of a resize of 0-255 data (sums of a few float32 products): relative to max|x|.
RELATIVE = 2e-6


def _branches(inp, target=(5, 13)):
    layers = []
    for interpolation in INTERPOLATIONS:
        for antialias in (False, True):
            layers.append(keras.layers.Resizing(*target, interpolation=interpolation, antialias=antialias,
                                                name=f"resizing_{interpolation}_{int(antialias)}"))
    layers.append(keras.layers.Resizing(6, 6, crop_to_aspect_ratio=True, name="crop"))
    layers.append(keras.layers.Resizing(4, 9, pad_to_aspect_ratio=True, fill_value=3.0, name="pad"))
    layers.append(keras.layers.Resizing(9, 4, pad_to_aspect_ratio=True, interpolation="nearest", name="pad_tall"))
    for interpolation in ("nearest", "bilinear"):
        layers.append(keras.layers.UpSampling2D((2, 3), interpolation=interpolation, name=f"up_{interpolation}"))
    return layers, [layer(inp) for layer in layers]


@pytest.fixture(scope="module")
def model():
    inp = keras.Input((7, 10, 2))
    _, outs = _branches(inp)
    return keras.Model(inp, outs)


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(0, 255, (2, 7, 10, 2)).astype(np.float32)


def _differences(names, got, want) -> dict:
    """{layer: max |got - want|} for each output that is not equal (nearest) or not within float32 rounding."""
    bad = {}
    for name, g, w in zip(names, got, want):
        if g.shape != w.shape:
            bad[name] = f"shape {g.shape} != {w.shape}"
            continue
        error = float(np.abs(g - w).max())
        exact = "nearest" in name or name == "pad_tall"
        if error > (0.0 if exact else RELATIVE * float(np.abs(w).max())):
            bad[name] = error
    return bad


def test_find_resizes_lists_every_layer_with_its_preset(model):
    found = find_resizes(model)
    assert [f.path for f in found] == [layer.name for layer in model.layers[1:]]
    by_name = {f.path: f.preset for f in found}
    assert by_name["resizing_bilinear_0"] == "keras_bilinear"
    assert by_name["resizing_bilinear_1"] == "tf_bilinear_antialias"
    assert by_name["up_nearest"] == "spec"
    table = format_resizes(found)
    assert all(len(line) <= 80 for line in table.splitlines()), table


def test_keep_converted_outputs_equal_the_real_layers(model, images):
    converted = convert(model)
    kinds = [type(layer).__name__ for layer in converted.layers[1:]]
    assert set(kinds) == {"Resize", "AspectResize"}
    want = model.predict(images, verbose=0)
    got = converted.predict(images, verbose=0)
    differences = _differences([layer.name for layer in model.layers[1:]], got, want)
    assert differences == {}  # resizing_bicubic_0 too: keras_bicubic reads TF's bicubic table (issue 15, item 1)


def test_retarget_gives_the_reference_of_the_retargeted_calls(model, images):
    converted = convert(model, preset="chainer")
    got = converted.predict(images, verbose=0)
    x = images.astype(np.float64)
    for layer, g in zip(model.layers[1:], got):
        source = x
        if isinstance(layer, keras.layers.UpSampling2D):
            want = reference(source, scale_factor=tuple(float(f) for f in layer.size), preset="chainer", axes=(1, 2))
        else:
            aspect = "crop" if layer.crop_to_aspect_ratio else "pad" if layer.pad_to_aspect_ratio else None
            if aspect is not None:
                rows, cols, top, left = (int(v) for v in aspect_box(7, 10, layer.height, layer.width, aspect))
                if aspect == "crop":
                    source = x[:, top:top + rows, left:left + cols]
                else:
                    source = np.pad(x, [(0, 0), (top, top), (left, left), (0, 0)], constant_values=layer.fill_value)
            want = reference(source, (layer.height, layer.width), preset="chainer", axes=(1, 2))
        assert g.shape == want.shape, layer.name
        assert np.abs(g - want).max() <= RELATIVE * np.abs(want).max(), layer.name


def test_nested_models_weights_and_keras_round_trip(tmp_path, images):
    inner = keras.Sequential([keras.Input((14, 20, 4)), keras.layers.Conv2D(3, 3, padding="same"),
                              keras.layers.Resizing(8, 8, interpolation="bicubic")], name="inner")
    inp = keras.Input((7, 10, 2))
    h = keras.layers.Conv2D(4, 3, padding="same", name="stem")(inp)
    h = keras.layers.UpSampling2D(2, interpolation="bilinear", name="up")(h)
    out = keras.layers.Conv2D(1, 1, name="head")(inner(h))
    model = keras.Model(inp, out)
    converted = convert(model)
    inner_converted = converted.get_layer("inner")
    assert [type(layer).__name__ for layer in inner_converted.layers] == ["Conv2D", "Resize"]
    assert type(converted.get_layer("up")).__name__ == "Resize"
    for a, b in zip(model.get_weights(), converted.get_weights()):
        np.testing.assert_array_equal(a, b)
    want = model.predict(images, verbose=0)
    got = converted.predict(images, verbose=0)
    assert np.abs(got - want).max() <= 1e-4 * np.abs(want).max()
    path = tmp_path / "converted.keras"
    converted.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(images, verbose=0), got)


def test_converted_model_converts_to_tflite_and_equals_keras(images):
    inp = keras.Input((7, 10, 2), batch_size=1)
    outs = [keras.layers.Resizing(5, 13, name="bilinear")(inp),
            keras.layers.Resizing(6, 6, crop_to_aspect_ratio=True, name="crop")(inp),
            keras.layers.Resizing(4, 9, pad_to_aspect_ratio=True, name="pad")(inp),
            keras.layers.UpSampling2D(2, name="up")(inp)]
    converted = convert(keras.Model(inp, outs))
    converter = tf.lite.TFLiteConverter.from_keras_model(converted)
    interpreter = tf.lite.Interpreter(model_content=converter.convert())
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], images[:1])
    interpreter.invoke()
    want = converted.predict(images[:1], verbose=0)
    got = {tuple(d["shape"]): interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()}
    for w in want:
        np.testing.assert_allclose(got[tuple(w.shape)], w, rtol=0, atol=1e-4)


def test_unknown_spatial_sizes():
    inp = keras.Input((None, None, 2))
    # (Keras itself cannot build UpSampling2D(interpolation='bilinear') on unknown sizes)
    outs = [keras.layers.UpSampling2D((2, 3))(inp), keras.layers.Resizing(5, 6)(inp),
            keras.layers.Resizing(5, 6, crop_to_aspect_ratio=True)(inp)]
    model = keras.Model(inp, outs)
    converted = convert(model)
    for shape in [(1, 7, 10, 2), (3, 4, 5, 2)]:
        x = np.random.default_rng(1).uniform(0, 255, shape).astype(np.float32)
        names = [layer.name for layer in model.layers[1:]]
        assert _differences(names, converted.predict(x, verbose=0), model.predict(x, verbose=0)) == {}, shape


def test_lambda_is_reported_not_converted():
    inp = keras.Input((4, 4, 1))

    def upsample(t):
        return tf.image.resize(t, (8, 8))

    model = keras.Model(inp, keras.layers.Lambda(upsample, output_shape=(8, 8, 1))(inp))
    (found,) = find_resizes(model)
    assert found.preset is None and "not converted" in found.note
    assert type(convert(model).layers[1]).__name__ == "Lambda"


def test_errors():
    class Sub(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(TypeError, match="subclassed"):
        convert(Sub())
    model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Resizing(8, 8)])
    with pytest.raises(ValueError, match="did you mean 'chainer'"):
        convert(model, preset="chainr")
    with pytest.raises(ValueError, match="interpolation"):
        preset_for("bilnear")


def test_public_names():
    import consistent_resize_tf

    assert consistent_resize_tf.convert is convert
    assert consistent_resize_tf.preset_for is preset_for
    assert consistent_resize_tf.AspectResize is AspectResize and consistent_resize_tf.Resize is Resize


def test_readme_keras_convert_section(tmp_path, monkeypatch, capsys):
    """The README's Keras "Convert an existing model" block runs and prints the table it shows; kept equals
    the original, ported is the reference of the Chainer preset, and the saved ``.keras`` loads back."""
    from readme_snippets import shown_output, snippet

    code = snippet("Convert an existing model", "Keras")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert capsys.readouterr().out.splitlines() == shown_output(code)
    model, kept, ported = namespace["model"], namespace["kept"], namespace["ported"]
    x = np.random.default_rng(0).uniform(0, 255, (2, 16, 16, 3)).astype(np.float32)
    want = model.predict(x, verbose=0)
    np.testing.assert_allclose(kept.predict(x, verbose=0), want, rtol=0, atol=RELATIVE * np.abs(want).max())
    features = np.asarray(model.layers[1](x))
    expected = reference(reference(features, scale_factor=2, preset="chainer", axes=(1, 2)), (16, 16),
                         preset="chainer", axes=(1, 2))
    got = ported.predict(x, verbose=0)
    np.testing.assert_allclose(got, expected, rtol=0, atol=RELATIVE * np.abs(expected).max())
    assert np.abs(got - want).max() > 1e-2 * np.abs(want).max()  # the retarget changed the numbers
    loaded = keras.models.load_model(tmp_path / "ported.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), got)
