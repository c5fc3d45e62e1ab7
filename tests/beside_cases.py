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
