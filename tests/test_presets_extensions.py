"""The presets beyond ONNX (``consistent_resize.presets.EXTENSION_PRESETS``: box, area, lanczos, hamming,
gaussian, mitchell, adaptive_average) against the real libraries, and the framework layers against the NumPy
reference for the extension modes.

Every preset is compared on hypothesis cases within the bound measured for the library's float32
arithmetic (``BOUNDS``; ``python tests/test_presets_extensions.py [cases]`` re-measures them). The TF
``ScaleAndTranslate`` presets (lanczos, gaussian, mitchellcubic) use ``float32_reciprocal``, TF's own
``1 / float32(out / in)`` scale and float32 kernel argument, so the gaussian's truncation at ``|t| = 3/2``
is decided as TF decides it (``test_tf_scale_and_translate_ties``). ``opencv_area`` is INTER_AREA on any
sizes (mode ``area_or_two_tap``: area when no axis grows, else the 2-tap path on both axes, planned per call
by ``arguments.table_spec``); its own suite, with the mixed-direction, 1-pixel and extreme cases, is
``tests/test_presets_opencv.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consistent_resize import EXTENSION_MODES, MODES, ResizeSpec, axis_table, reference, resize, source_coordinates
from consistent_resize.coordinates import kernel_arguments, stretch
from consistent_resize_tools.libraries import RUNNERS, available
from consistent_resize.presets import EXTENSION_PRESETS, PRESETS
from preset_cases import image_cases  # noqa: E402

#: preset -> the bound on max|library - preset| / max|x| that the test asserts; in brackets the maximum
#: measured over 1000 cases of sizes <= 48 (Pillow 13, OpenCV 4.11, TF 2.17.1, PyTorch 2.13).
BOUNDS = {
    "pillow_box": 3e-7,  # [4.6e-8]: Pillow's horizontal pass is stored as float32
    "pillow_hamming": 3e-7,  # [1.1e-7]: idem
    "pillow_lanczos": 3e-7,  # [1.5e-7]: idem
    "opencv_area": 3e-7,  # [1.1e-7]: float32 weights; any sizes (tests/test_presets_opencv.py: AREA_BOUND)
    "opencv_lanczos4": 8e-6,  # [2.7e-6]: float32 coordinate and sin/cos coefficients
    "pytorch_area": 3e-7,  # [8.3e-8]: float32 window sums (adaptive_avg_pool2d)
    "tf_area": 1.5e-5,  # [3.7e-6]: float32 overlaps and sums (resize_area)
    "tf1_area": 1.5e-5,  # [5.7e-6]: idem
    # the TF ScaleAndTranslate presets (float32_reciprocal: TF's own coordinate; with float32_multiply, an ulp
    # off, they measured 1.2e-5 lanczos, 3.8e-6 gaussian, 6.7e-6 mitchellcubic and 1.2e-2 at gaussian ties)
    "tf_lanczos3": 3e-6,  # [4.3e-7]: float32 kernel (1 for |t| <= 1e-3: up to 1.6e-6), weights and sums
    "tf_lanczos3_antialias": 3e-6,  # [5.7e-7]: idem
    "tf_lanczos5": 3e-6,  # [7.6e-7]: idem
    "tf_lanczos5_antialias": 3e-6,  # [6.5e-7]: idem
    "tf_gaussian": 1e-6,  # [2.5e-7]: float32 weights and sums (ties at |t| = 3/2 decided as TF decides them)
    "tf_gaussian_antialias": 1e-6,  # [2.7e-7]: idem
    "tf_mitchellcubic": 6e-6,  # [2.0e-6]: float32 polynomial, weights and sums
    "tf_mitchellcubic_antialias": 6e-6,  # [1.9e-6]: idem
    "keras_lanczos3": 3e-6,  # [4.7e-7]: tf.image.resize(method='lanczos3') underneath
    "keras_lanczos5": 3e-6,  # [5.8e-7]: idem
    # B-splines (float64 in SciPy; here the float32 input's preset output is rounded to float32); proven in
    # float64 to 1e-14 by tests/test_presets_scipy.py and tests/test_presets_skimage.py
    "skimage_linear": 3e-7,  # [4.0e-8]
    "skimage_cubic": 3e-7,  # [3.5e-8]
    "scipy_zoom_linear": 3e-7,  # [1.8e-8]
    "scipy_zoom_cubic": 3e-7,  # [2.7e-8]
    "skimage_nearest": 0,  # exact (float64_multiply decides its ties: tests/test_presets_skimage.py)
    "skimage_linear_antialias": 3e-7,  # [1.8e-8]: gaussian pre-blur (float64 in scikit-image)
    "skimage_cubic_antialias": 3e-7,  # [2.1e-8]
    # kornia antialias: float32 gaussian pre-blur, then F.interpolate (tests/test_presets_kornia.py)
    "kornia_bilinear_antialias": 1e-5,  # [2.1e-6]
    "kornia_bicubic_antialias": 1e-5,  # [2.8e-6]
    "kornia_nearest_antialias": 2e-6,  # [2.0e-7]
}
MAX_SIZE = 48
#: the counter fixture only adds to a session total, so sharing it between generated inputs is safe
counted = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _skip_reason(library):
    if not available(library):
        return f"{library} is not installed"
    if library == "keras":
        import keras

        if keras.backend.backend() != "tensorflow":
            return f"the keras presets describe the TensorFlow backend, not {keras.backend.backend()}"
    return None


def installed(names):
    params = []
    for name in names:
        reason = _skip_reason(EXTENSION_PRESETS[name].library)
        params.append(pytest.param(name, marks=[pytest.mark.skip(reason=reason)] if reason else []))
    return params


@st.composite
def cases(draw, name):
    """``image_cases`` (any pair of shapes, for every preset)."""
    return draw(image_cases(MAX_SIZE))


def area_edge_ties(n, m):
    """Outputs of an ``n -> m`` upscale whose left edge ``o * n / m`` is exactly an input pixel boundary.

    OpenCV's INTER_AREA upscaling reads the pixel ``floor(o * (1 / (m / n)))`` (float64), which rounds such
    an edge down to the previous pixel at some ``(n, m)`` (6 -> 34, output 17: 2.9999999999999996), and
    then gives that pixel the whole weight: the whole output is another pixel's value there.
    """
    if m <= n:
        return np.zeros(m, bool)
    return np.array([o > 0 and (o * n) % m == 0 for o in range(m)])


def difference(name, x, size):
    """``max|library - preset| / max|x|``."""
    got = RUNNERS[name](x, size)
    want = resize(x, size, preset=name)
    assert got.shape == want.shape == tuple(size)
    return float(np.abs(got - want).max() / np.abs(x).max())


def test_every_extension_preset_is_tested():
    assert sorted(BOUNDS) == sorted(EXTENSION_PRESETS)
    assert all(name in RUNNERS for name in EXTENSION_PRESETS)
    assert set(EXTENSION_PRESETS) <= set(PRESETS)  # a view of the one registry
    beyond = [p for p in EXTENSION_PRESETS.values() if p.spec.beyond_onnx and not p.spec.gaussian_preblur]
    # area_two_tap: the rule opencv_area's area_or_two_tap plans where some axis grows (arguments.table_spec)
    assert {p.spec.mode for p in beyond} == set(EXTENSION_MODES) - {"area_two_tap"}
    assert all(p.spec.mode in MODES for p in PRESETS.values() if not p.beyond_onnx)


@pytest.mark.parametrize("name", installed(sorted(BOUNDS)))
@counted
@given(data=st.data())
def test_preset_within_the_measured_bound(name, data, library_counter):
    x, size = data.draw(cases(name))
    d = difference(name, x, size)
    assert d <= BOUNDS[name], f"{name} {x.shape} -> {size}: {d:.3g} > {BOUNDS[name]}"
    library_counter(EXTENSION_PRESETS[name].library)


def test_extension_kernels_differ_from_the_onnx_ones():
    """The bounds above are far below the gap to the closest ONNX preset: each comparison can fail."""
    x = np.random.default_rng(3).standard_normal((23, 17)).astype(np.float32)
    for extension, onnx_preset in [("pillow_lanczos", "pillow_bicubic"), ("pillow_hamming", "pillow_bilinear"),
                                   ("pillow_box", "pillow_bilinear"), ("opencv_area", "opencv_linear"),
                                   ("tf_mitchellcubic", "tf_bicubic"), ("tf_gaussian", "tf_bilinear"),
                                   ("opencv_lanczos4", "opencv_cubic")]:
        gap = np.abs(resize(x, (10, 7), preset=extension) - resize(x, (10, 7), preset=onnx_preset)).max()
        assert gap / np.abs(x).max() > 100 * BOUNDS[extension], (extension, onnx_preset, gap)


@pytest.mark.skipif(_skip_reason("opencv") is not None, reason=str(_skip_reason("opencv")))
def test_opencv_area_upscaling_differs_only_at_edge_ties(library_counter):
    """1-D upscales n -> m (n < 30, m < 60): INTER_AREA equals ``opencv_area`` (its 2-tap path on an upscale)
    bit for bit on every row, edge ties included; the plain area spec differs from it only at outputs whose
    left edge is exactly a pixel boundary, and somewhere there (why an upscale is not planned as area)."""
    area = ResizeSpec(mode="area", exclude_outside=1, coordinate_arithmetic="float64_reciprocal")
    differing = runs = 0
    for n in range(1, 30):
        x = np.eye(n, dtype=np.float32)
        for m in range(n + 1, 60):
            runs += 1
            got = RUNNERS["opencv_area"](x, (m, n))
            np.testing.assert_array_equal(got, resize(x, (m, n), preset="opencv_area"), err_msg=f"{n} -> {m}")
            rows = np.abs(got - resize(x, (m, n), spec=area)).max(axis=1) > 1e-6
            assert not (rows & ~area_edge_ties(n, m)).any(), f"{n} -> {m}: rows {np.flatnonzero(rows)}"
            differing += int(rows.any())
    assert differing > 0
    library_counter("opencv", runs)


@pytest.mark.skipif(_skip_reason("pillow") is not None, reason=str(_skip_reason("pillow")))
def test_pillow_box_ties_at_the_window_edge(library_counter):
    """Where the edge of BOX's stretched window falls exactly on a pixel centre (13 -> 6: edge at pixel 6),
    the pixel counts on the right edge and not on the left, as Pillow's window decides; all pairs of lengths
    up to 40, one axis at a time, must match Pillow to float32 rounding."""
    for n in range(1, 41):
        x = np.eye(n, dtype=np.float32)  # the output's rows are the rows of the resize matrix
        for m in range(1, 41):
            got = RUNNERS["pillow_box"](x, (m, n))
            want = resize(x, (m, n), preset="pillow_box")
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-6, err_msg=f"{n} -> {m}")
    library_counter("pillow", 1600)


def _tf_matrix(name, n, m):
    """TF's ``n -> m`` matrix of preset ``name`` along the rows (a width-1 image, so the other axis is the
    identity even for the gaussian, which blurs at equal sizes)."""
    import tensorflow as tf

    call = name[len("tf_"):].removesuffix("_antialias")
    eye = np.eye(n, dtype=np.float32)[:, :, None, None]  # n images of n x 1 pixels
    y = tf.image.resize(eye, [m, 1], method=call, antialias=name.endswith("_antialias")).numpy()
    return y[:, :, 0, 0].T.astype(np.float64)  # (m, n)


@pytest.mark.skipif(_skip_reason("tensorflow") is not None, reason=str(_skip_reason("tensorflow")))
@pytest.mark.parametrize("name", ["tf_gaussian", "tf_gaussian_antialias"])
def test_tf_scale_and_translate_ties(name, library_counter):
    """Where TF's ``float32_reciprocal`` arithmetic and a plausible other one (``float32_multiply``, which
    these presets used before, 1.2e-2 of ``max|x|`` off at such ties; ``float64_reciprocal``;
    ``float64_divide``; under antialias also TF's coordinate with a float64 kernel argument) keep different
    taps at the gaussian's truncation ``|t| = 3/2`` (for lengths up to 40), TF keeps the preset's taps, with
    the preset's weights to float32 rounding. Each alternative must
    disagree somewhere, so the check can fail. 6 -> 13 (output 6: TF's coordinate is 2.4999998, not 2.5, so
    pixel 1 gets weight 0.009 and pixel 4 none) is the regression case."""
    spec = EXTENSION_PRESETS[name].spec
    assert spec.coordinate_arithmetic == "float32_reciprocal"

    def taps(table):
        return [frozenset(i for i, w in zip(row_i, row_w) if w != 0) for row_i, row_w in zip(table.index, table.weight)]

    def float64_argument_taps(n, m):
        """TF's coordinate, but the kernel argument ``|j - c| * min(out / in, 1)`` in float64."""
        c = source_coordinates(spec, n, m)
        sa = min(m / n, 1.0) if spec.antialias else 1.0
        j = np.arange(n)
        keep = np.abs(j[None, :] - c[:, None]) * sa < 3 * spec.gaussian_sigma
        return [frozenset(j[row]) for row in keep]

    disputed = {(6, 13)}
    for other in ("float32_multiply", "float64_reciprocal", "float64_divide", "float64 argument"):
        if other == "float64 argument":
            if not spec.antialias:  # without antialias the argument j - c is exact either way
                continue
            pairs = {(n, m) for n in range(1, 41) for m in range(1, 41)
                     if taps(axis_table(n, m, spec)) != float64_argument_taps(n, m)}
        else:
            alternative = spec.replace(coordinate_arithmetic=other)
            pairs = {(n, m) for n in range(1, 41) for m in range(1, 41)
                     if taps(axis_table(n, m, spec)) != taps(axis_table(n, m, alternative))}
        assert pairs, f"{other} keeps the same taps as float32_reciprocal for every pair of lengths"
        disputed |= pairs
    for n, m in sorted(disputed):
        got, want = _tf_matrix(name, n, m), axis_table(n, m, spec).matrix()
        np.testing.assert_array_equal(got != 0, want != 0, err_msg=f"{name} {n} -> {m}: taps")
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6, err_msg=f"{name} {n} -> {m}")
    library_counter("tensorflow", len(disputed))


def test_float32_reciprocal_arithmetic():
    """``r = float32(1 / float64(float32(out) / float32(in)))`` and the float32 kernel argument: 6 -> 13,
    output 6 lies at 2.4999998 (float32_multiply: 2.5), and antialias stretches by ``float32(1 / max(r, 1))``."""
    spec = ResizeSpec(mode="gaussian", exclude_outside=1, coordinate_arithmetic="float32_reciprocal")
    r = np.float32(1.0 / np.float64(np.float32(13) / np.float32(6)))
    c = source_coordinates(spec, 6, 13)[6]
    assert c == np.float32(np.float32(6.5) * r - np.float32(0.5)) == np.float32(2.4999998)
    assert source_coordinates(spec.replace(coordinate_arithmetic="float32_multiply"), 6, 13)[6] == 2.5
    assert axis_table(6, 13, spec).index[6].tolist() == [1, 2, 3]  # |t| = 1.4999998 kept, 1.5000002 dropped
    assert stretch(spec, 7, 4) == float(np.float32(1) / np.float32(np.float32(1.0 / np.float64(np.float32(4 / 7)))))
    assert stretch(spec, 4, 7) == 1.0
    assert stretch(spec.replace(coordinate_arithmetic="float64_divide"), 7, 4) == 4 / 7
    offsets = np.array([1 / 3, 1.5, -2.25])
    assert kernel_arguments(spec, offsets, 0.7).tolist() == (offsets.astype(np.float32) * np.float32(0.7)).tolist()
    assert kernel_arguments(spec.replace(coordinate_arithmetic="float64_divide"), offsets, 0.7).tolist() == \
        (offsets * 0.7).tolist()


def test_area_two_tap_table():
    """OpenCV's 2-tap rule: 6 -> 34, output 17 has its left edge at ``17 * 6 / 34 = 3`` exactly, but
    ``17 * (1 / (34 / 6)) = 2.9999999999999996`` in float64, so it reads pixel 2 with weight 1 (area: pixel 3);
    a downscale 5 -> 2 gives output 0 the pixels 0, 1 with ``f = frac(1 - 1 * 2/5) = 0.6``."""
    spec = ResizeSpec(mode="area_two_tap", coordinate_transformation_mode="asymmetric",
                      coordinate_arithmetic="float64_reciprocal")
    row = axis_table(6, 34, spec).matrix()[17]
    assert row.tolist() == [0, 0, 1, 0, 0, 0]
    np.testing.assert_allclose(axis_table(6, 34, ResizeSpec(mode="area", exclude_outside=1)).matrix()[17],
                               [0, 0, 0, 1, 0, 0], atol=1e-12)
    f = np.float32(0.6)
    np.testing.assert_allclose(axis_table(5, 2, spec).matrix()[0], [np.float32(1) - f, f, 0, 0, 0])
    # upscaling without edge ties: the area overlaps (to float32 weights)
    for n, m in [(3, 7), (5, 8), (7, 10)]:
        np.testing.assert_allclose(axis_table(n, m, spec).matrix(),
                                   axis_table(n, m, ResizeSpec(mode="area", exclude_outside=1)).matrix(), atol=1e-7)
    with pytest.raises(ValueError, match="must be 'asymmetric'"):
        ResizeSpec(mode="area_two_tap")
    with pytest.raises(ValueError, match="antialias=0"):
        ResizeSpec(mode="area_two_tap", coordinate_transformation_mode="asymmetric", antialias=1)


def test_adaptive_average_table():
    """Output ``o`` averages pixels ``floor(o in / out) .. ceil((o + 1) in / out) - 1`` with equal weights;
    it equals ``area`` for integer downscaling factors (and identity), and differs otherwise (5 -> 3)."""
    spec = ResizeSpec(mode="adaptive_average")
    table = axis_table(5, 3, spec)
    np.testing.assert_array_equal(table.matrix(), [[1 / 2, 1 / 2, 0, 0, 0], [0, 1 / 3, 1 / 3, 1 / 3, 0],
                                                  [0, 0, 0, 1 / 2, 1 / 2]])
    for n in range(1, 30):
        for m in range(1, 30):
            matrix = axis_table(n, m, spec).matrix()
            starts, ends = [o * n // m for o in range(m)], [-(-(o + 1) * n // m) for o in range(m)]
            for o in range(m):
                np.testing.assert_allclose(matrix[o, starts[o]:ends[o]], 1 / (ends[o] - starts[o]), rtol=1e-15)
                assert matrix[o].sum() == pytest.approx(1, abs=1e-15)
                assert np.count_nonzero(matrix[o]) == ends[o] - starts[o]
            area = axis_table(n, m, ResizeSpec(mode="area", exclude_outside=1)).matrix()
            if n % m == 0:
                np.testing.assert_allclose(matrix, area, rtol=0, atol=1e-15)
    area = axis_table(5, 3, ResizeSpec(mode="area", exclude_outside=1)).matrix()
    assert np.abs(axis_table(5, 3, spec).matrix() - area).max() > 0.1
    # a given scale does not enter (only the lengths), as in PyTorch, which computes the output size first
    np.testing.assert_array_equal(axis_table(10, 3, spec, 0.35).matrix(), axis_table(10, 3, spec).matrix())


def test_adaptive_average_spec_validation():
    with pytest.raises(ValueError, match="antialias=0"):
        ResizeSpec(mode="adaptive_average", antialias=1)
    with pytest.raises(ValueError, match="coordinate_transformation_mode must be 'half_pixel'"):
        ResizeSpec(mode="adaptive_average", coordinate_transformation_mode="align_corners")
    with pytest.raises(ValueError, match="beyond ONNX"):
        ResizeSpec(mode="adaptive_average").to_onnx()


@pytest.mark.skipif(not available("torch"), reason="torch is not installed")
@pytest.mark.parametrize("rank", [1, 3])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_pytorch_area_1d_and_3d(rank, data):
    """``F.interpolate(mode='area')`` on 3-D and 5-D float64 tensors (adaptive_avg_pool1d/3d) equals the
    preset along every axis, to float64 rounding."""
    import torch

    shape = data.draw(st.tuples(*[st.integers(1, 13)] * rank))
    size = data.draw(st.tuples(*[st.integers(1, 13)] * rank))
    x = np.random.default_rng(sum(shape)).standard_normal((1, 2, *shape))
    got = torch.nn.functional.interpolate(torch.from_numpy(x), size=size, mode="area").numpy()
    want = resize(x, size, preset="pytorch_area")
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-13)


def test_spec_extension_fields():
    spec = ResizeSpec(mode="lanczos")
    assert (spec.lanczos_radius, spec.gaussian_sigma, spec.mitchell_b, spec.mitchell_c) == (3, 0.5, 1 / 3, 1 / 3)
    assert spec.beyond_onnx and not ResizeSpec(mode="cubic").beyond_onnx
    with pytest.raises(ValueError, match="mode 'lanczos' is beyond ONNX Resize"):
        spec.to_onnx()
    for mode in EXTENSION_MODES:
        ctm = "asymmetric" if mode == "area_two_tap" else "half_pixel"  # the one mode it allows
        with pytest.raises(ValueError, match="beyond ONNX"):
            ResizeSpec(mode=mode, coordinate_transformation_mode=ctm).to_onnx()
        with pytest.raises(ValueError, match="unknown mode"):
            ResizeSpec.from_onnx({"mode": mode})  # an ONNX node never names an extension mode
    with pytest.raises(ValueError, match="antialias=0"):
        ResizeSpec(mode="area", antialias=1)
    with pytest.raises(ValueError, match="lanczos_radius"):
        ResizeSpec(mode="lanczos", lanczos_radius=2.5)
    with pytest.raises(ValueError, match="gaussian_sigma"):
        ResizeSpec(mode="gaussian", gaussian_sigma=0)
    with pytest.raises(ValueError, match="unknown mode 'lanczos3'"):
        ResizeSpec(mode="lanczos3")
    # the new fields leave ONNX specs and their attributes as they were
    assert ResizeSpec(mode="linear").to_onnx() == ResizeSpec.from_onnx({"mode": "linear"}).to_onnx()


def test_from_onnx_rejects_extension_mode():
    with pytest.raises(ValueError, match="unknown mode"):
        ResizeSpec.from_onnx({"mode": "box"})


# -- framework layers: they apply the core's tables, so the extension modes work unchanged ------------------
FRAMEWORK_SPECS = [
    ResizeSpec(mode="lanczos", antialias=1, exclude_outside=1),
    ResizeSpec(mode="lanczos", lanczos_radius=5, coordinate_transformation_mode="asymmetric"),
    ResizeSpec(mode="box", antialias=1, exclude_outside=1),
    ResizeSpec(mode="area", exclude_outside=1),
    ResizeSpec(mode="hamming", coordinate_transformation_mode="align_corners"),
    ResizeSpec(mode="gaussian", gaussian_sigma=0.8, antialias=1),
    ResizeSpec(mode="mitchell", mitchell_b=0.0, mitchell_c=0.5, exclude_outside=1),
    ResizeSpec(mode="gaussian", antialias=1, exclude_outside=1, coordinate_arithmetic="float32_reciprocal"),
    ResizeSpec(mode="adaptive_average"),
    ResizeSpec(mode="area_two_tap", coordinate_transformation_mode="asymmetric"),
    EXTENSION_PRESETS["opencv_area"].spec,  # area_or_two_tap: SHAPES resize one axis down, the other up
]
SHAPES = [((9, 7), (5, 11)), ((4, 6), (13, 3))]


def _input(shape):
    return np.random.default_rng(sum(shape)).standard_normal((2, 3, *shape))


@pytest.mark.parametrize("spec", FRAMEWORK_SPECS, ids=lambda s: s.describe())
def test_torch_forward_and_gradient(spec):
    torch = pytest.importorskip("torch")
    import consistent_resize_torch

    for shape, size in SHAPES:
        x = torch.tensor(_input(shape), requires_grad=True)
        y = consistent_resize_torch.resize(x, size, spec=spec)
        want = reference.resize(x.detach().numpy(), size, spec=spec, axes=(2, 3))
        np.testing.assert_allclose(y.detach().numpy(), want, rtol=0, atol=1e-12)
        grad = np.random.default_rng(1).standard_normal(want.shape)
        y.backward(torch.tensor(grad))
        adjoint = reference.adjoint(grad, x.shape, size, None, spec=spec, axes=(2, 3))
        np.testing.assert_allclose(x.grad.numpy(), adjoint, rtol=0, atol=1e-12)


@pytest.mark.parametrize("spec", FRAMEWORK_SPECS, ids=lambda s: s.describe())
def test_chainer_forward_and_gradient(spec):
    if not available("chainer"):
        pytest.skip("chainer is not installed")
    from consistent_resize_chainer._import import import_chainer

    chainer = import_chainer()
    import consistent_resize_chainer

    for shape, size in SHAPES:
        x = chainer.Variable(_input(shape))
        y = consistent_resize_chainer.resize(x, size, spec=spec)
        want = reference.resize(x.array, size, spec=spec, axes=(2, 3))
        np.testing.assert_allclose(y.array, want, rtol=0, atol=1e-12)
        grad = np.random.default_rng(1).standard_normal(want.shape)
        y.grad = grad
        y.backward()
        adjoint = reference.adjoint(grad, x.shape, size, None, spec=spec, axes=(2, 3))
        np.testing.assert_allclose(x.grad, adjoint, rtol=0, atol=1e-12)


@pytest.mark.parametrize("spec", FRAMEWORK_SPECS, ids=lambda s: s.describe())
def test_tf_static_shapes_forward_and_gradient(spec):
    tf = pytest.importorskip("tensorflow")
    import consistent_resize_tf

    for shape, size in SHAPES:
        x = tf.constant(_input(shape))
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = consistent_resize_tf.resize(x, size, spec=spec, data_format="channels_first")
        want = reference.resize(x.numpy(), size, spec=spec, axes=(2, 3))
        np.testing.assert_allclose(y.numpy(), want, rtol=0, atol=1e-12)
        grad = np.random.default_rng(1).standard_normal(want.shape)
        adjoint = reference.adjoint(grad, x.shape, size, None, spec=spec, axes=(2, 3))
        np.testing.assert_allclose(tape.gradient(y, x, output_gradients=tf.constant(grad)).numpy(), adjoint,
                                   rtol=0, atol=1e-12)


@pytest.mark.parametrize("spec, name", [
    (ResizeSpec(mode="adaptive_average"), "adaptive_average"),
    (ResizeSpec(mode="area_two_tap", coordinate_transformation_mode="asymmetric"), "area_two_tap"),
    (EXTENSION_PRESETS["opencv_area"].spec, "area_or_two_tap"),
    (EXTENSION_PRESETS["tf_gaussian_antialias"].spec, "float32_reciprocal"),
    (ResizeSpec(mode="lanczos"), "lanczos"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_tf_in_graph_tables_port_or_refuse_clearly(spec, name):
    """Sizes known only in the graph (``consistent_resize_tf.graph_tables``, the in-graph port of the core's
    tables): the newest extension modes and arithmetics either give the reference's result, or a clear
    ValueError naming what has no port yet, never a crash inside TensorFlow."""
    tf = pytest.importorskip("tensorflow")
    import consistent_resize_tf

    @tf.function(input_signature=[tf.TensorSpec([1, None, None, 1], tf.float64)])
    def unknown_shape(t):
        return consistent_resize_tf.resize(t, (5, 7), spec=spec)

    x = np.random.default_rng(0).standard_normal((1, 9, 9, 1))
    try:
        got = unknown_shape(tf.constant(x)).numpy()
    except ValueError as error:
        assert name in str(error)
    else:
        want = reference.resize(x, (5, 7), spec=spec, axes=(1, 2))
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


# ONNX export of the extension modes (a table graph of Gather/Mul/Add): tests/test_onnx_extensions.py


if __name__ == "__main__":  # re-measure BOUNDS: python tests/test_presets_extensions.py [cases] [names...]
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for name in sys.argv[2:] or sorted(BOUNDS):
        worst = [0.0, None]

        @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=cases(name))
        def measure(case):
            d = difference(name, *case)
            if d > worst[0]:
                worst[:] = [d, (case[0].shape, case[1])]

        measure()
        print(f"{name}: max |library - preset| / max|x| = {worst[0]:.3g} at {worst[1]} over {count} cases")
