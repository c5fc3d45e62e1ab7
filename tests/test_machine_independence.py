"""Every table and every NumPy reference output is the same, bit for bit, whatever SIMD code NumPy dispatches to.

NumPy picks its SIMD loops per CPU at run time; ``NPY_DISABLE_CPU_FEATURES`` makes a subprocess pick the loops
of an older CPU (no AVX-512, no AVX2, baseline only). Each subprocess hashes the tables of every preset and of
fixed extension specs, at sizes and scales that include ties, 1-pixel axes and large ratios, and the reference
outputs on a fixed input; the hashes must equal this process's. ``np.sinc``/``np.cos``/``np.exp`` failed this
(13 presets differed without AVX-512); ``consistent_resize.exact_math`` passes it. Also: the accuracy of
``exact_math`` against ``mpmath`` (correct to 120 bits), in ulps."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from consistent_resize import exact_math

HASH_SCRIPT = textwrap.dedent(
    r"""
    import hashlib, json, sys
    import numpy as np
    from consistent_resize import ResizeSpec, axis_table, resize
    from consistent_resize import presets

    registry = dict(presets.PRESETS)
    registry.update(getattr(presets, "EXTENSION_PRESETS", {}))
    specs = {name: p.spec for name, p in registry.items()}
    for i, (mode, extra) in enumerate([
        ("lanczos", dict(lanczos_radius=2)), ("lanczos", dict(lanczos_radius=4, antialias=1)),
        ("hamming", dict(antialias=1)), ("hamming", dict(coordinate_transformation_mode="align_corners")),
        ("gaussian", dict(gaussian_sigma=0.3)), ("gaussian", dict(gaussian_sigma=1.7, antialias=1)),
        ("gaussian", dict(coordinate_arithmetic="float32_reciprocal", antialias=1)),
        ("mitchell", dict(mitchell_b=0.0, mitchell_c=0.5)), ("cubic", dict(antialias=1, exclude_outside=1)),
    ]):
        specs[f"extension_{i}_{mode}"] = ResizeSpec(mode=mode, **extra)
    pairs = [(1, 1), (1, 5), (5, 1), (2, 7), (7, 2), (3, 3), (6, 20), (20, 6), (9, 13), (13, 9), (64, 7), (5, 48)]
    scales = [(4, 0.5), (3, 1.25), (7, 2.0), (10, 0.3)]
    x = (np.arange(13 * 11, dtype=np.float64).reshape(13, 11) * 37 % 101) / 7.0
    out = {}
    for name in sorted(specs):
        spec = specs[name]
        h = hashlib.sha256()
        for n_in, n_out in pairs:
            try:
                t = axis_table(n_in, n_out, spec, None, None)
            except ValueError as error:
                h.update(str(error).encode())
                continue
            h.update(t.index.tobytes() + t.weight.tobytes() + t.outside.tobytes())
        for n_in, s in scales:
            try:
                t = axis_table(n_in, int(np.floor(n_in * s)), spec, s, None)
            except ValueError as error:
                h.update(str(error).encode())
                continue
            h.update(t.index.tobytes() + t.weight.tobytes())
        for size in [(5, 17), (26, 4)]:
            try:
                y = resize(x, size, spec=spec)
            except ValueError as error:
                h.update(str(error).encode())
                continue
            h.update(y.tobytes() + y.astype(np.float32).tobytes())
        out[name] = h.hexdigest()
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:
        from numpy.core import _multiarray_umath as umath
    enabled = sorted(k for k, v in umath.__cpu_features__.items() if v)
    json.dump({"hashes": out, "enabled": enabled}, sys.stdout)
    """
)


def _umath():
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:
        from numpy.core import _multiarray_umath as umath
    return umath


def simd_levels() -> dict:
    """``{name: features to disable}``: NumPy's dispatched features this CPU has, from a level up (no
    AVX-512; no AVX2 either; baseline only), in this NumPy's own feature names (1.x lists AVX512F..., 2.x
    groups them as X86_V3, X86_V4)."""
    umath = _umath()
    have = {k for k, v in umath.__cpu_features__.items() if v}
    dispatch = [f for f in umath.__cpu_dispatch__ if f in have]

    def from_first(prefixes):
        for i, f in enumerate(dispatch):
            if f.startswith(prefixes):
                return dispatch[i:]
        return []

    levels = {
        "no_avx512": from_first(("AVX512", "X86_V4")),
        "no_avx2": from_first(("AVX2", "FMA3", "X86_V3")),
        "baseline": list(dispatch),
    }
    return {name: features for name, features in levels.items() if features}


def _hashes(disable: list | None):
    env = dict(os.environ)
    env.pop("NPY_DISABLE_CPU_FEATURES", None)
    if disable:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(disable)
    result = subprocess.run([sys.executable, "-c", HASH_SCRIPT], capture_output=True, text=True, env=env,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def reference_hashes():
    return _hashes(None)


LEVELS = simd_levels()


@pytest.mark.skipif(not LEVELS, reason="NumPy dispatches no SIMD code on this CPU: nothing to switch off")
@pytest.mark.parametrize("level", sorted(LEVELS))
def test_tables_and_reference_are_the_same_at_every_simd_level(level, reference_hashes):
    got = _hashes(LEVELS[level])
    # the setting took effect: the subprocess's NumPy no longer uses the features switched off
    assert not set(LEVELS[level]) & set(got["enabled"]), got["enabled"]
    assert set(got["hashes"]) == set(reference_hashes["hashes"])
    differing = sorted(k for k, v in got["hashes"].items() if v != reference_hashes["hashes"][k])
    assert differing == [], f"{len(differing)} presets/specs differ without {LEVELS[level]}: {differing[:10]}"


def test_every_preset_is_hashed(reference_hashes):
    from consistent_resize import presets

    names = set(presets.PRESETS) | set(getattr(presets, "EXTENSION_PRESETS", {}))
    assert names <= set(reference_hashes["hashes"])


# -- accuracy of exact_math against mpmath -------------------------------------------------------------------

mpmath = pytest.importorskip("mpmath")


def _worst_ulps(got: np.ndarray, exact, points: np.ndarray) -> float:
    mpmath.mp.prec = 120
    worst = 0.0
    for g, t in zip(got.tolist(), points.tolist()):
        value = exact(mpmath.mpf(t))
        if value == 0:
            assert g == 0, (t, g)
            continue
        worst = max(worst, float(abs(mpmath.mpf(g) - value) / np.spacing(abs(float(value)))))
    return worst


POINTS = np.concatenate([np.random.default_rng(0).uniform(-6, 6, 1500), np.arange(-12, 12.25, 0.25),
                         np.random.default_rng(1).uniform(-1e-6, 1e-6, 50)])


@pytest.mark.parametrize("name, function, exact, bound", [
    ("sin_pi", exact_math.sin_pi, lambda t: mpmath.sinpi(t), 3.0),
    ("cos_pi", exact_math.cos_pi, lambda t: mpmath.cospi(t), 3.0),
    ("sinc", exact_math.sinc, lambda t: mpmath.sinpi(t) / (mpmath.pi * t) if t != 0 else mpmath.mpf(1), 3.0),
])
def test_trigonometry_within_three_ulps(name, function, exact, bound):
    assert _worst_ulps(function(POINTS), exact, POINTS) <= bound


def test_exp_within_one_ulp():
    x = np.concatenate([np.random.default_rng(2).uniform(-20, 0, 1500),
                        np.random.default_rng(3).uniform(-700, 700, 500), [0.0, -1e-300, 1e-12, -4.5]])
    assert _worst_ulps(exact_math.exp(x), mpmath.exp, x) <= 1.0


def test_special_values():
    np.testing.assert_array_equal(exact_math.sin_pi([0.0, 0.5, 1.0, -0.5, 2.0]), [0.0, 1.0, 0.0, -1.0, 0.0])
    np.testing.assert_array_equal(exact_math.cos_pi([0.0, 0.5, 1.0, 1.5]), [1.0, 0.0, -1.0, 0.0])
    assert exact_math.sinc([0.0]).tolist() == [1.0]
    y = exact_math.exp([-800.0, 800.0, -np.inf, np.inf, np.nan])
    assert y[:4].tolist() == [0.0, np.inf, 0.0, np.inf] and np.isnan(y[4])
    assert np.isnan(exact_math.sin_pi([np.inf, np.nan])).all()
