"""The PyTorch presets against the real ``torch.nn.functional.interpolate`` (CPU, float32, NCHW).

Nearest presets match exactly, with ``size`` and with ``scale_factor`` (the scale enters PyTorch's
formula, as in ``resize(..., scale_factor=...)``). Linear and cubic presets are compared within the bound
measured for PyTorch's float32 weights (``BOUNDS``; ``python tests/test_presets_torch.py`` re-measures
it). Two behaviours of PyTorch that no spec expresses are pinned (see docs/presets-torch-chainer-onnxruntime.md):

- with ``scale_factor``, an axis whose output length equals its input length although the scale is not
  1 is sometimes resized as if ``size`` had been given (the scale ignored), depending on the kernel
  PyTorch picks for the whole tensor; the generated scales avoid that case for the presets without
  antialias and ``test_scale_ignored_when_the_length_is_kept`` pins it. With ``antialias=True`` PyTorch
  always copies such an axis, and the antialias presets (``float32_separable``) model it: their scales
  keep lengths too (``test_antialias_preset_with_any_scale_factor``);
- with ``antialias=True``, an output width of 1 and a resized height, every output row is the first of its
  TensorIterator chunk (the first row here: fewer than 32768 output elements), which no per-axis table
  expresses (modelled in ``expected``; ``consistent_resize_torch.plan_call`` refuses the call);
- nearest-exact computes ``(x + 0.5) * scale`` either with two roundings (``float32_multiply``, the
  preset) or as a fused multiply-add (``float32_fma``), depending on the rank and on the shape of the
  whole tensor: it decides exact ties only, so on each axis the test accepts either arithmetic, and
  ``test_nearest_exact_arithmetic_depends_on_the_rank_and_shape`` pins both.

``mode='area'`` (adaptive average pooling) is the extension preset ``pytorch_area`` (tests/test_presets_extensions.py).
``mode='lanczos'`` (PyTorch takes it only with ``antialias=True`` and ``align_corners=False``) is
``pytorch_lanczos_antialias``: the Lanczos-3 kernel (beyond ONNX) in the same separable antialias geometry, proven
here like the other antialias presets.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from consistent_resize import PRESETS, resize
from consistent_resize.presets import proven_by
from consistent_resize_tools.libraries import RUNNERS

torch = pytest.importorskip("torch")
from consistent_resize_tools.libraries._torch_calls import PRESET_CALLS, interpolate  # noqa: E402
from preset_cases import axis_sizes  # noqa: E402
from spec_strategies import scale_values  # noqa: E402

#: preset -> None if it must match exactly, else the bound on max|torch - preset| / max|x| that the
#: test asserts (measured maximum in brackets: 1500 hypothesis cases with size or scale_factor, sizes
#: <= 48, plus 1500 random ones with sizes < 60).
BOUNDS = {
    "pytorch_nearest": None,
    "pytorch_nearest_exact": None,
    "pytorch_bilinear": 1e-5,  # [2.6e-6] float32 weights
    "pytorch_bilinear_align_corners": 1e-5,  # [1.7e-7]
    "pytorch_bilinear_antialias": 1e-5,  # [3.5e-7; 3.2e-7 with kept lengths by scale]
    "pytorch_bicubic": 1e-5,  # [3.1e-6]
    "pytorch_bicubic_align_corners": 1e-5,  # [9.8e-7]
    "pytorch_bicubic_antialias": 1e-5,  # [1.0e-6; 1.1e-6 with kept lengths by scale]
    "pytorch_bilinear_align_corners_antialias": 1e-5,  # [4.2e-7]
    "pytorch_bicubic_align_corners_antialias": 1e-5,  # [9.5e-7]
    "pytorch_lanczos_antialias": 1e-5,  # [5.5e-7 over 5000 cases, kept lengths by scale included] float32 weights
}
ANTIALIAS_PRESETS = sorted(name for name, call in PRESET_CALLS.items() if call.get("antialias"))
TORCH_PRESETS = proven_by("test_presets_torch.py")
MAX_SIZE = 48


@st.composite
def size_cases(draw):
    (in_h, out_h), (in_w, out_w) = draw(axis_sizes(MAX_SIZE)), draw(axis_sizes(MAX_SIZE))
    seed = draw(st.integers(0, 2**32 - 1))
    x = np.random.default_rng(seed).standard_normal((in_h, in_w)).astype(np.float32)
    return x, (out_h, out_w)


@st.composite
def axis_scale(draw, keep_lengths=False):
    """(in, scale) with ``floor(in * scale) >= 1``: integer, simple-fraction and arbitrary scales, 1.
    Unless ``keep_lengths``, a scale other than 1 and 2 whose output length is ``in`` or ``2 in`` is
    replaced by 1 or 2 (PyTorch may ignore such a scale without antialias: pinned separately)."""
    n = draw(st.integers(1, 32))
    scale = draw(scale_values())
    if int(np.floor(n * scale)) < 1:
        scale = 1.0 / n
    if not keep_lengths and int(np.floor(n * scale)) in (n, 2 * n):
        scale = float(int(np.floor(n * scale)) // n)
    return n, scale


@st.composite
def scale_cases(draw, keep_lengths=False):
    (in_h, s_h), (in_w, s_w) = draw(axis_scale(keep_lengths)), draw(axis_scale(keep_lengths))
    seed = draw(st.integers(0, 2**32 - 1))
    x = np.random.default_rng(seed).standard_normal((in_h, in_w)).astype(np.float32)
    return x, (s_h, s_w)


def expected(name, x, size=None, scale_factor=None, recompute_scale_factor=None):
    """The preset's output, with PyTorch's antialias quirk modelled (module docstring)."""
    x = np.asarray(x, dtype=np.float64)
    call = PRESET_CALLS[name]
    if scale_factor is not None and recompute_scale_factor:  # PyTorch: size = floor(in * scale)
        size, scale_factor = tuple(int(np.floor(n * s)) for n, s in zip(x.shape, scale_factor)), None
    if call.get("antialias"):  # the preset refuses width 1 with a resized height: model it from its spec
        y = resize(x, size, scale_factor=scale_factor, spec=PRESETS[name].spec)
        if y.shape[1] == 1 and y.shape[0] != x.shape[0]:
            assert _refused(name, x, size, scale_factor) == (x.shape[0] > 1)
            y = np.repeat(y[:1], y.shape[0], axis=0)  # PyTorch: every row is the first (output width 1)
        return y
    if scale_factor is not None:
        return resize(x, scale_factor=scale_factor, preset=name)
    return resize(x, size, preset=name)


def _refused(name, x, size, scale_factor) -> bool:
    try:
        resize(x, size, scale_factor=scale_factor, preset=name)
    except ValueError as error:
        return "basic_loop_aa_vertical" in str(error) and name in str(error)
    return False


def relative_difference(name, x, size=None, scale_factor=None, recompute_scale_factor=None):
    """``max|torch - preset| / max|x|`` and both outputs (float64)."""
    if scale_factor is None:
        got = RUNNERS[name](x, size)
    else:
        got = interpolate(x, scale_factor=scale_factor, recompute_scale_factor=recompute_scale_factor,
                          **PRESET_CALLS[name])
    want = expected(name, x, size, scale_factor, recompute_scale_factor)
    assert got.shape == want.shape, (got.shape, want.shape)
    return float(np.abs(got - want).max() / np.abs(x).max()), got, want


def either_arithmetic(name, x, size=None, scale_factor=None):
    """The nearest-exact outputs PyTorch may give: each axis in ``float32_multiply`` or ``float32_fma``."""
    outputs = []
    for arithmetics in itertools.product(("float32_multiply", "float32_fma"), repeat=2):
        y = np.asarray(x, dtype=np.float64)
        for axis, arithmetic in enumerate(arithmetics):
            spec = PRESETS[name].spec.replace(coordinate_arithmetic=arithmetic)
            if scale_factor is None:
                y = resize(y, (size[axis],), axes=(axis,), spec=spec)
            else:
                y = resize(y, scale_factor=(scale_factor[axis],), axes=(axis,), spec=spec)
        outputs.append(y)
    return outputs


def check(name, x, size=None, scale_factor=None):
    difference, got, want = relative_difference(name, x, size, scale_factor)
    if name == "pytorch_nearest_exact":
        assert any(np.array_equal(got, y) for y in either_arithmetic(name, x, size, scale_factor))
    elif BOUNDS[name] is None:
        np.testing.assert_array_equal(got, want)
    else:
        assert difference <= BOUNDS[name], f"{name} {x.shape} -> {size or scale_factor}: {difference:.3g}"


#: the counter fixture only adds to a session total, so sharing it between generated inputs is safe
counted = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def test_every_torch_preset_is_tested():
    assert sorted(BOUNDS) == TORCH_PRESETS == sorted(PRESET_CALLS)
    assert all(name in RUNNERS for name in TORCH_PRESETS)


@pytest.mark.parametrize("name", TORCH_PRESETS)
@counted
@given(case=size_cases())
def test_preset_with_size(name, case, library_counter):
    check(name, *case)
    library_counter("torch")


@pytest.mark.parametrize("name", TORCH_PRESETS)
@counted
@given(case=scale_cases())
def test_preset_with_scale_factor(name, case, library_counter):
    x, scale_factor = case
    check(name, x, scale_factor=scale_factor)
    library_counter("torch")


def _image(h, w, seed=0):
    return np.random.default_rng(seed).standard_normal((h, w)).astype(np.float32)


@pytest.mark.parametrize("name", ANTIALIAS_PRESETS)
@counted
@given(case=scale_cases(keep_lengths=True), recompute=st.sampled_from([None, True]))
@example(case=(_image(3, 4), (1.25, 2.0)), recompute=None)  # height 3 kept by 1.25: copied
@example(case=(_image(2, 3), (1.2, 1.9)), recompute=None)  # height kept, width 3 -> 5
@example(case=(_image(1, 2), (1.5, 1.25)), recompute=None)  # both kept: the input
@example(case=(_image(37, 1), (1 / 37, 37.0)), recompute=None)  # 37 -> 1 and 1 -> 37 in one call
@example(case=(_image(1, 37), (37.0, 1 / 37 + 1e-9)), recompute=True)  # 1 -> 37 rows, 37 -> 1 column
@example(case=(_image(5, 7), (0.77, 1.25)), recompute=None)  # 5 -> 3, 7 -> 8
def test_antialias_preset_with_any_scale_factor(name, case, recompute, library_counter):
    """Every scale, those that keep a length included, with and without ``recompute_scale_factor``."""
    x, scale_factor = case
    difference = relative_difference(name, x, scale_factor=scale_factor, recompute_scale_factor=recompute)[0]
    assert difference <= BOUNDS[name], f"{name} {x.shape} * {scale_factor}: {difference:.3g}"
    library_counter("torch")


@pytest.mark.parametrize("name", ANTIALIAS_PRESETS)
@pytest.mark.parametrize("shape, size", [
    ((1, 37), (37, 2)), ((37, 1), (1, 37)), ((37, 37), (1, 2)), ((2, 37), (37, 2)), ((200, 3), (2, 3)),
    ((3, 500), (7, 2)), ((61, 1), (2, 5)), ((1, 1), (9, 9)), ((1, 1), (1, 9)), ((5, 5), (5, 5)), ((48, 2), (1, 1)),
])
def test_antialias_preset_at_extreme_ratios(name, shape, size, library_counter):
    """1-pixel axes, ratios up to 1:250, up- and downscaling in one call."""
    check(name, _image(*shape), size)
    library_counter("torch")


def test_antialias_copies_an_axis_that_keeps_its_length(library_counter):
    """PyTorch's antialias kernel skips an axis whose length is kept, whatever its scale
    (``separable_upsample_generic_Nd_kernel_impl``): the rows of 3 -> 3 by 1.25 are the input's. The same
    spec in ``float32_multiply`` moves them (whole pixels' worth)."""
    x = _image(3, 4)
    for name in ANTIALIAS_PRESETS:
        got = interpolate(x, scale_factor=(1.25, 2.0), **PRESET_CALLS[name])
        np.testing.assert_allclose(got, resize(x.astype(np.float64), (3, 8), preset=name), rtol=0, atol=1e-5)
        moved = PRESETS[name].spec.replace(coordinate_arithmetic="float32_multiply")
        if not PRESET_CALLS[name]["align_corners"]:  # align_corners ignores the scale
            assert np.abs(got - resize(x, scale_factor=(1.25, 2.0), spec=moved)).max() > 0.1
    library_counter("torch", len(ANTIALIAS_PRESETS))


def test_antialias_align_corners_places_kernels_at_pixel_centres(library_counter):
    """With ``align_corners=True`` PyTorch's antialias kernel centres output ``x`` at ``(x + 0.5) * (in - 1) /
    (out - 1)`` (``_compute_indices_min_size_weights_aa``), not at ONNX's ``x * (in - 1) / (out - 1)``, and
    stretches by ``(out - 1) / (in - 1)``: the ONNX align_corners antialias spec misses it by far."""
    x = _image(9, 13)
    for name in ("pytorch_bilinear_align_corners_antialias", "pytorch_bicubic_align_corners_antialias"):
        got = RUNNERS[name](x, (4, 5))
        np.testing.assert_allclose(got, resize(x.astype(np.float64), (4, 5), preset=name), rtol=0, atol=1e-5)
        onnx = PRESETS[name].spec.replace(coordinate_arithmetic="float32_multiply")
        assert np.abs(got - resize(x, (4, 5), spec=onnx)).max() > 0.1
    library_counter("torch", 2)


SIZES = [(n, m) for n in range(1, 49) for m in range(1, 49)]


def nearest_mismatches(mode, spec, rank, sizes=SIZES):
    """How many 1-axis resizes ``n -> m`` of ``sizes`` read another pixel in PyTorch (a rank-``rank``
    ``F.interpolate``, the last axis resized) than ``resize`` under ``spec``."""
    count = 0
    for n, m in sizes:
        x = np.arange(n, dtype=np.float32)
        t = torch.from_numpy(x).reshape((1, 1) + (1,) * (rank - 1) + (n,))
        got = torch.nn.functional.interpolate(t, size=(1,) * (rank - 1) + (m,), mode=mode).numpy().ravel()
        count += not np.array_equal(got, resize(x, (m,), spec=spec))
    return count


@pytest.mark.parametrize("name", ["pytorch_nearest", "pytorch_nearest_exact"])
def test_nearest_every_pair_of_sizes(name, library_counter):
    """Every pair of lengths up to 48 (ties included) on each image axis reads PyTorch's pixel."""
    spec = PRESETS[name].spec
    for n, m in SIZES[::7]:
        x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
        np.testing.assert_array_equal(RUNNERS[name](x, (m, 3)), resize(x, (m, 3), spec=spec))
    assert nearest_mismatches(PRESET_CALLS[name]["mode"], spec, rank=2) == 0
    library_counter("torch", len(SIZES) + len(SIZES[::7]))


def test_nearest_exact_arithmetic_depends_on_the_rank_and_shape(library_counter):
    """PyTorch's ``(x + 0.5) * scale - 0.5`` of nearest-exact is a fused multiply-add in its 1-D and 3-D
    CPU kernels (built for AVX2/AVX512) and, for 2-D, in large outputs; two roundings in small 2-D ones:
    ``float32_fma`` and ``float32_multiply`` each match every pair of sizes up to 48 where they apply
    and miss some ties of the other (e.g. 2 -> 41, output 20 reads pixel 1 or 0). (1, 2) -> (87, 41)
    rounds twice, (1, 2) -> (88, 41) fuses."""
    spec = PRESETS["pytorch_nearest_exact"].spec
    fma = spec.replace(coordinate_arithmetic="float32_fma")
    assert nearest_mismatches("nearest-exact", spec, rank=2) == 0
    assert nearest_mismatches("nearest-exact", fma, rank=2) > 0
    if torch.backends.cpu.get_cpu_capability() == "DEFAULT":
        pytest.skip("PyTorch runs its DEFAULT (non-FMA) CPU kernels here")
    assert nearest_mismatches("nearest-exact", fma, rank=1) == 0
    assert nearest_mismatches("nearest-exact", spec, rank=1) > 0
    x = np.arange(2, dtype=np.float32)[None, :]
    for rows, arithmetic in ((87, spec), (88, fma)):
        got = RUNNERS["pytorch_nearest_exact"](x, (rows, 41))
        np.testing.assert_array_equal(got, resize(x, (rows, 41), spec=arithmetic))
        assert got[0, 20] == (0.0 if arithmetic is spec else 1.0)
    library_counter("torch", 4 * len(SIZES) + 2)


def test_antialias_with_output_width_1_repeats_the_first_row(library_counter):
    """The pinned PyTorch quirk is real: without the repeat, rows after the first differ."""
    x = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)
    for name in ANTIALIAS_PRESETS:
        got = RUNNERS[name](x, (4, 1))
        np.testing.assert_array_equal(got, np.repeat(got[:1], 4, axis=0))
        assert np.abs(got - resize(x, (4, 1), spec=PRESETS[name].spec)).max() > 0.1
        assert _refused(name, x, (4, 1), None)  # the preset says so instead of approximating
    library_counter("torch", len(ANTIALIAS_PRESETS))
    # basic_loop_aa_vertical reads the taps at the start of its loop: with 32768 output elements or more
    # (at::internal::GRAIN_SIZE) split between threads, each chunk repeats its own first row
    if torch.get_num_threads() > 1:
        got = RUNNERS["pytorch_bilinear_antialias"](_image(3, 5), (40000, 1))
        assert not np.array_equal(got, np.repeat(got[:1], 40000, axis=0))
        library_counter("torch")


def test_lanczos_is_lanczos3_in_the_separable_geometry(library_counter):
    """``HelperInterpLanczos`` is ``sinc(t) sinc(t / 3)`` (``interp_size = 6``) in PyTorch's antialias geometry
    (``float32_separable``, the kept-length copy is tested above): the preset is Pillow's Lanczos spec in that
    arithmetic and matches within float32 rounding, where Lanczos-2, Lanczos-4 and the bicubic antialias
    kernel are far off, upscaling and downscaling."""
    name = "pytorch_lanczos_antialias"
    spec = PRESETS[name].spec
    assert spec.beyond_onnx
    assert spec == PRESETS["pillow_lanczos"].spec.replace(coordinate_arithmetic="float32_separable")
    others = [spec.replace(lanczos_radius=2), spec.replace(lanczos_radius=4), PRESETS["pytorch_bicubic_antialias"].spec]
    for shape, size in (((9, 13), (4, 31)), ((40, 6), (7, 17)), ((5, 5), (23, 2))):
        x = _image(*shape, seed=sum(shape))
        difference, got, _ = relative_difference(name, x, size)
        assert difference <= BOUNDS[name]
        for other in others:
            assert np.abs(got - resize(x.astype(np.float64), size, spec=other)).max() / np.abs(x).max() > 1e-3
    library_counter("torch", 3)


def test_lanczos_takes_only_antialias_without_align_corners(library_counter):
    """PyTorch refuses ``mode='lanczos'`` without antialias or with ``align_corners=True``, and so does
    ``preset_for`` (hence ``convert``), naming the fix; ``align_corners=None`` is False."""
    from consistent_resize_torch.calls import UnsupportedCall, preset_for

    x = torch.zeros(1, 1, 4, 4)
    for kwargs, message in ((dict(antialias=False), "requires antialias=True"),
                            (dict(antialias=True, align_corners=True), "does not support align_corners=True")):
        with pytest.raises(ValueError, match=message):
            torch.nn.functional.interpolate(x, size=(2, 2), mode="lanczos", **kwargs)
        with pytest.raises(UnsupportedCall, match=message):
            preset_for("lanczos", kwargs.get("align_corners"), kwargs["antialias"])
    assert preset_for("lanczos", None, True) == preset_for("lanczos", False, True) == "pytorch_lanczos_antialias"
    library_counter("torch", 2)


def test_lanczos_float32_sine_is_not_zero_at_integer_offsets(library_counter):
    """PyTorch's ``sinc_filter`` is ``std::sin(x * c10::pi<float>)`` in float32: at an integer offset ``k != 0``
    it is about ``(-1)^k 8.7e-8 k`` instead of 0, so upscaling 6 -> 18 (outputs 1, 4, 7, ... on pixel centres) gives
    taps of weight ~2e-8 where the kernel (and the preset's table) has none. Within float32 rounding of the
    values (2.3e-8 of max|x|), but a NaN reaches more outputs in PyTorch than the spec lets it."""
    name = "pytorch_lanczos_antialias"
    spike = np.zeros((1, 6), np.float32)
    spike[0, 3] = 1e6
    got, want = RUNNERS[name](spike, (1, 18)), resize(spike.astype(np.float64), (1, 18), preset=name)
    np.testing.assert_array_equal(want[0, [4, 7, 13, 16]], 0.0)
    np.testing.assert_allclose(got[0, [4, 7, 13, 16]], [1.15e-2, -2.3e-2, -2.3e-2, 1.15e-2], rtol=0.01)
    assert np.abs(got - want).max() / 1e6 < 1e-7
    nan = np.ones((1, 6), np.float32)
    nan[0, 3] = np.nan
    got, want = RUNNERS[name](nan, (1, 18)), resize(nan.astype(np.float64), (1, 18), preset=name)
    assert np.isnan(want).sum() < np.isnan(got).sum() and np.all(np.isnan(got[0, 1:]))
    library_counter("torch", 2)


def test_scale_ignored_when_the_length_is_kept(library_counter):
    """Height 2 with scale 1.25 keeps the length 2: PyTorch ignores the scale next to a width scaled by
    3 (one kernel) and uses it next to a width scaled by 4 (another), so row 1 reads input row 1 or 0.
    The spec follows the scale (row 0); the difference is a whole pixel."""
    x = np.arange(64, dtype=np.float32).reshape(2, 32)
    spec_rows = [resize(x, scale_factor=(1.25, s), preset="pytorch_nearest")[1, 0] for s in (3.0, 4.0)]
    torch_rows = [interpolate(x, scale_factor=(1.25, s), mode="nearest")[1, 0] for s in (3.0, 4.0)]
    assert spec_rows == [0.0, 0.0]
    assert torch_rows == [32.0, 0.0]
    library_counter("torch", 2)


def test_scale_factor_enters_the_formula(library_counter):
    """Where the scale is not ``out / in``, ``scale_factor`` and ``size`` give different PyTorch results,
    and the preset follows each (so the scale test above can fail)."""
    x = np.arange(5, dtype=np.float32)[None, :]
    by_scale = interpolate(x, scale_factor=(1.0, 1.7), mode="nearest")  # out = 8; 1 / 1.7 != 5 / 8
    by_size = interpolate(x, (1, 8), mode="nearest")
    assert not np.array_equal(by_scale, by_size)
    np.testing.assert_array_equal(by_scale, resize(x, scale_factor=(1.0, 1.7), preset="pytorch_nearest"))
    np.testing.assert_array_equal(by_size, resize(x, (1, 8), preset="pytorch_nearest"))
    library_counter("torch", 2)


if __name__ == "__main__":  # re-measure BOUNDS: python tests/test_presets_torch.py [cases] [preset ...]
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    for name in [n for n in TORCH_PRESETS if BOUNDS[n] is not None and (n in sys.argv[2:] or len(sys.argv) < 3)]:
        worst = [0.0, None]

        scales = scale_cases(keep_lengths=name in ANTIALIAS_PRESETS)

        @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(size_cases(), scales.map(lambda c: (c[0], None, c[1]))))
        def measure(case):
            d = relative_difference(name, *case)[0]
            if d > worst[0]:
                worst[:] = [d, (case[0].shape, case[1:])]

        measure()
        print(f"{name}: max |torch - preset| / max|x| = {worst[0]:.3g} at {worst[1]} over {count} cases")
