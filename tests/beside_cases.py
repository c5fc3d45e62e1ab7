"""Cases for the suites of the libraries beside ours (``tests/test_presets_{jax,kornia,skimage,scipy}.py``):
the shared hypothesis image cases plus extreme ratios, and the check of one call against its preset."""

from __future__ import annotations

import numpy as np

from consistent_resize import PRESETS, resize

#: (in_h, in_w) -> (out_h, out_w): 1-pixel axes, extreme ratios, one axis up and the other down in one call
EXTREME = [
    ((1, 1), (7, 1)), ((1, 200), (97, 3)), ((300, 2), (2, 300)), ((2, 257), (129, 1)), ((5, 1), (1, 64)),
    ((97, 3), (1, 200)),
]


def difference(run, preset, x, size, dtype=np.float32):
    """``max|call - preset| / max|x|`` for ``x`` cast to ``dtype`` (the preset's spec computed in float64: where
    the preset's own library departs from its spec, ``Preset.domain``, the other library is held to the spec)."""
    x = np.asarray(x, dtype)
    got = np.asarray(run(x, size), np.float64)
    want = resize(x.astype(np.float64), size, spec=PRESETS[preset].spec)
    assert got.shape == want.shape == tuple(size), (got.shape, want.shape, size)
    return float(np.abs(got - want).max() / max(np.abs(x).max(), 1e-300))


def extreme_image(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def preset_suite(calls, bounds, library: str, dtype=np.float32, measure=None, max_size: int = 64):
    """The three tests every suite beside ours runs, for ``calls`` (``(call, preset, run)``, a library
    runner module's ``CALLS``) and ``bounds`` (preset -> the max ``measure`` allowed, 0: exact):
    every call has a bound; each call equals its preset on the hypothesis image cases; and on ``EXTREME``.
    ``measure`` (default ``difference``) compares one call with its preset. Assign the returned functions
    to module names starting with ``test_``."""
    import pytest
    from hypothesis import HealthCheck, given, settings

    from preset_cases import image_cases

    measure = measure or (lambda run, preset, x, size: difference(run, preset, x, size, dtype))
    ids = [call for call, _, _ in calls]
    counted = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

    def test_every_call_has_a_bound():
        assert sorted({preset for _, preset, _ in calls}) == sorted(bounds)

    @pytest.mark.parametrize("call,preset,run", calls, ids=ids)
    @counted
    @given(case=image_cases(max_size))
    def test_resize_is_the_preset(call, preset, run, case, library_counter):
        x, size = case
        assert measure(run, preset, x, size) <= bounds[preset], f"{call} {x.shape} -> {size}"
        library_counter(library)

    @pytest.mark.parametrize("call,preset,run", calls, ids=ids)
    @pytest.mark.parametrize("shapes", EXTREME, ids=str)
    def test_extreme_ratios(call, preset, run, shapes):
        shape, size = shapes
        assert measure(run, preset, extreme_image(shape), size) <= bounds[preset], f"{call} {shape} -> {size}"

    return test_every_call_has_a_bound, test_resize_is_the_preset, test_extreme_ratios
