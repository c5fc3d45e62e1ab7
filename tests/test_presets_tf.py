"""The TensorFlow 2, TensorFlow 1 (``tf.compat.v1``), Keras and TFLite presets against the real libraries,
run eagerly (TFLite: ``tf.lite.Interpreter``) on float32 NHWC images.

Nearest presets must match exactly (TF computes ``(x + 0.5f) * scale`` or ``x * scale`` in float32 with
``scale = float(in) / float(out)``, the ``float32_multiply`` arithmetic). Bilinear, bicubic (whose
weights without antialias the presets read from TF's 1024-entry coefficient table, ``cubic_table_size``)
and the antialiased kernels are compared within the bound measured for TF's float32 arithmetic
(``BOUNDS``; ``python tests/test_presets_tf.py`` re-measures them, see docs/presets-opencv-pillow-tf.md).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings

from consistent_resize import PRESETS, resize
from consistent_resize.presets import proven_by
from consistent_resize.kernels import cubic_table
from consistent_resize_tools.libraries import RUNNERS, available
from preset_cases import measure_bounds, measure_inexpressible, check_ties, image_cases, relative_difference  # noqa: E402

tf = pytest.importorskip("tensorflow")

#: preset -> None if it must match exactly, else the bound on max|library - preset| / max|x| that the
#: test asserts; in brackets the maximum measured over 2000 cases of sizes <= 48 (TF 2.17.1 / 2.21).
BOUNDS = {
    "tf_nearest": None,
    "tf1_nearest": None,
    "tf1_nearest_align_corners": None,
    "tf1_nearest_half_pixel": None,
    "keras_nearest": None,
    "tf_bilinear": 5e-7,  # [1.9e-7 / 1.9e-7]: float32 lerp
    "tf1_bilinear": 5e-7,  # [1.7e-7 / 1.8e-7]
    "tf1_bilinear_align_corners": 5e-7,  # [1.8e-7 / 1.8e-7]
    "tf1_bilinear_half_pixel": 5e-7,  # [1.8e-7 / 1.8e-7]
    "keras_bilinear": 5e-7,  # [2.1e-7 / 1.6e-7]
    "tf_bilinear_antialias": 1.5e-5,  # [5.1e-6 / 6.9e-6]: float32 weights and sums (scale_and_translate)
    "tf_bicubic_antialias": 1.5e-5,  # [7.6e-6 / 6.5e-6]: idem
    "tf_bicubic": 1e-6,  # [3.5e-7 / 3.2e-7]: table weights renormalised and summed in float32 (cubic_table_size)
    "tf1_bicubic": 1e-6,  # [2.9e-7 / 3.2e-7]: idem (was 2e-3 before the table was modelled, issue 15)
    "tf1_bicubic_align_corners": 1e-6,  # [2.6e-7 / 2.6e-7]: idem
    "tf1_bicubic_half_pixel": 1e-6,  # [3.6e-7 / 3.5e-7]: idem
    "keras_bicubic": 1e-6,  # [3.1e-7 / 3.4e-7]: idem
    "tflite_nearest": None,
    "tflite_nearest_align_corners": None,
    "tflite_nearest_half_pixel": None,
    "tflite_bilinear": 5e-7,  # [2.2e-7 / 2.2e-7]: float32 lerp (builtin kernel)
    "tflite_bilinear_align_corners": 5e-7,  # [1.8e-7 / 1.7e-7]
    "tflite_bilinear_half_pixel": 8e-7,  # [3.8e-7 / 4.0e-7]
}
#: bound on max|TFLite with XNNPACK - preset| / max|x| for constant-size models; in brackets the maximum
#: measured over 25 random shapes of sizes <= 47 (TF 2.17.1)
XNNPACK_BOUNDS = {
    "tflite_bilinear": 5e-7,  # [1.2e-7]
    "tflite_bilinear_align_corners": 5e-7,  # [9.7e-8]
    "tflite_bilinear_half_pixel": 1e-5,  # [4.0e-6]: XNNPACK computes its own float32 weights
    "tflite_nearest": 0.0,
    "tflite_nearest_half_pixel": 0.0,
    "tflite_nearest_align_corners": 0.0,
}
TF_PRESETS = proven_by("test_presets_tf.py")
MAX_SIZE = 48
#: the counter fixture only adds to a session total, so sharing it between generated inputs is safe
counted = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def installed(names):
    """``names`` as pytest params; Keras presets skipped (with the reason) where Keras is missing or not
    on the TensorFlow backend."""
    params = []
    for name in names:
        marks = []
        if PRESETS[name].library == "keras":
            if not available("keras"):
                marks.append(pytest.mark.skip(reason="keras is not installed"))
            else:
                import keras

                if keras.backend.backend() != "tensorflow":
                    marks.append(pytest.mark.skip(
                        reason=f"the keras presets describe the TensorFlow backend, not {keras.backend.backend()}"))
        params.append(pytest.param(name, marks=marks))
    return params


def test_every_tf_and_keras_preset_is_tested():
    assert sorted(BOUNDS) == TF_PRESETS
    assert all(name in RUNNERS for name in TF_PRESETS)


@pytest.mark.parametrize("name", installed(n for n in TF_PRESETS if BOUNDS[n] is None))
@counted
@given(case=image_cases(MAX_SIZE))
def test_nearest_presets_match_exactly(name, case, library_counter):
    x, size = case
    _, got, want = relative_difference(name, x, size)
    np.testing.assert_array_equal(got, want)
    library_counter(PRESETS[name].library)


@pytest.mark.parametrize("name", installed(n for n in TF_PRESETS if BOUNDS[n] is not None))
@counted
@given(case=image_cases(MAX_SIZE))
@example(case=(np.linspace(-1, 1, 37, dtype=np.float32)[None, :], (37, 1)))  # 1 -> 37 up, 37 -> 1 down
@example(case=(np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3), (4096, 5)))  # ties of lrintf
def test_presets_within_the_measured_bound(name, case, library_counter):
    x, size = case
    difference, _, _ = relative_difference(name, x, size)
    assert difference <= BOUNDS[name], f"{name} {x.shape} -> {size}: {difference:.3g} > {BOUNDS[name]}"
    library_counter(PRESETS[name].library)


@pytest.mark.parametrize(
    "name", ["tf_nearest", "tf1_nearest", "tf1_nearest_align_corners", "tflite_nearest_half_pixel"]
)
def test_nearest_ties_are_decided_in_float32(name, library_counter):
    """TF decides ties by its float32 product (``float32_multiply``), not by the float64 one, on every pair
    of sizes up to 48 where the two differ."""
    sizes = [(n, m) for n in range(1, 49) for m in range(1, 49)]
    library_counter("tensorflow", check_ties(name, ["float64_multiply"], sizes))


@pytest.mark.parametrize("name", sorted(XNNPACK_BOUNDS))
def test_tflite_constant_size_models_with_xnnpack(name, library_counter):
    """A model converted with a constant output size runs with TFLite's default delegate (XNNPACK where it
    takes the op); a few shapes, within the bound measured for it (nearest: exactly)."""
    from consistent_resize_tools.libraries._tf_calls import run_tflite, tflite_model

    spec = PRESETS[name].spec
    method = "nearest" if spec.mode == "nearest" else "bilinear"
    align_corners = spec.coordinate_transformation_mode == "align_corners"
    half_pixel = spec.coordinate_transformation_mode in ("half_pixel", "tf_half_pixel_for_nn")
    rng = np.random.default_rng(7)
    for shape, size in [((42, 4), (41, 32)), ((5, 7), (9, 3)), ((30, 26), (22, 46))]:
        x = rng.standard_normal(shape).astype(np.float32)
        model = tflite_model(method, align_corners, half_pixel, size=size, shape=shape)
        got = run_tflite(model, x, size, delegates=True)
        difference = np.abs(got - resize(x, size, preset=name)).max() / np.abs(x).max()
        assert difference <= XNNPACK_BOUNDS[name], f"{name} {shape} -> {size}: {difference:.3g}"
        library_counter("tensorflow")


def test_cubic_table_is_tensorflows_bit_for_bit(library_counter):
    """``kernels.cubic_table(-0.75, 1024)`` is TF's legacy table entry for entry: ``resize_bicubic`` of an
    impulse (legacy branch, no renormalisation) from 4 to 4096 pixels reads the table at offset ``o - 1024``
    for outputs ``o = 1024 .. 2047`` (``c = o / 1024`` exactly), and the products with 1 and 0 are exact."""
    near, far = cubic_table(-0.75, 1024)
    for pixel, entries in [(0, far[:1024]), (1, near[:1024]), (2, near[:0:-1]), (3, far[:0:-1])]:
        x = np.zeros((1, 4), np.float32)
        x[0, pixel] = 1
        got = tf.compat.v1.image.resize_bicubic(x[None, :, :, None], (1, 4096)).numpy()[0, 0, 1024:2048, 0]
        np.testing.assert_array_equal(got, entries, err_msg=f"pixel {pixel}")
    library_counter("tensorflow", 4)


BICUBIC = ["tf_bicubic", "tf1_bicubic", "tf1_bicubic_align_corners", "tf1_bicubic_half_pixel", "keras_bicubic"]
#: (input shape, output size): a 1-pixel axis upscaled 1 -> 37 with the other downscaled 37 -> 1, offsets that
#: are halves of 1/1024 (half_pixel 4 -> 4096: ``lrintf`` rounds them to even), ratios 3 -> 47 and 47 -> 2
BICUBIC_CASES = [((1, 37), (37, 1)), ((37, 1), (1, 37)), ((4, 3), (4096, 5)), ((3, 47), (47, 2)), ((1, 1), (5, 1))]


@pytest.mark.parametrize("name", installed(BICUBIC))
@pytest.mark.parametrize("shape,size", BICUBIC_CASES)
def test_bicubic_presets_explicit_cases(name, shape, size, library_counter):
    x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    difference, _, _ = relative_difference(name, x, size)
    assert difference <= BOUNDS[name], f"{name} {shape} -> {size}: {difference:.3g} > {BOUNDS[name]}"
    library_counter(PRESETS[name].library)


@pytest.mark.parametrize("name", installed(BICUBIC))
def test_bicubic_without_the_table_is_off(name, library_counter):
    """The cubic kernel at the exact offset (``cubic_table_size=0``, the presets before issue 15) is off by
    far more than the bound (measured ~1e-3): the table is what TF computes."""
    x = np.random.default_rng(3).standard_normal((4, 3)).astype(np.float32)
    got = RUNNERS[name](x, (4096, 5))
    exact_kernel = resize(x, (4096, 5), spec=PRESETS[name].spec.replace(cubic_table_size=0))
    assert np.abs(got - exact_kernel).max() / np.abs(x).max() > 100 * BOUNDS[name]
    library_counter(PRESETS[name].library)


if __name__ == "__main__":  # re-measure BOUNDS: python tests/test_presets_tf.py [cases]; or: ... --inexpressible
    import sys

    if sys.argv[1:] == ["--inexpressible"]:
        def tf_call(method):
            return lambda x, size: tf.image.resize(x[None, :, :, None], size, method=method).numpy()

        measure_inexpressible([
            ("tf.image.resize area", tf_call("area"), "tf_bilinear_antialias"),
            ("tf.image.resize lanczos3", tf_call("lanczos3"), "tf_bicubic_antialias"),
            ("tf.image.resize lanczos5", tf_call("lanczos5"), "tf_bicubic_antialias"),
            ("tf.image.resize gaussian", tf_call("gaussian"), "tf_bicubic_antialias"),
            ("tf.image.resize mitchellcubic", tf_call("mitchellcubic"), "tf_bicubic_antialias"),
        ])
        sys.exit()
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    measure_bounds([n for n in TF_PRESETS if BOUNDS[n] is not None], MAX_SIZE, count, 'library')
