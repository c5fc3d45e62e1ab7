"""The seed case: 2x2 [[64, 32], [64, 32]] upsampled to 4x4 by every installed library, beside the
output of the preset that claims to reproduce it, grouped by coordinate_transformation_mode."""

from __future__ import annotations

import numpy as np
import pytest

from consistent_resize import PRESETS, resize
from consistent_resize_tools.libraries import RUNNERS, available

SEED = np.array([[64.0, 32.0], [64.0, 32.0]], dtype=np.float32)
SIZE = (4, 4)
SEEDED = sorted(name for name in RUNNERS if name in PRESETS  # RUNNERS also holds the EXTENSION_PRESETS
                and PRESETS[name].spec.mode == "linear" and not PRESETS[name].spec.antialias)


def _library_row(name):
    if not available(PRESETS[name].library):
        pytest.skip(f"{PRESETS[name].library} is not installed")
    return np.asarray(RUNNERS[name](SEED, SIZE), dtype=np.float64)


@pytest.mark.parametrize("name", SEEDED)
def test_library_equals_its_preset_on_the_seed(name, library_counter):
    got = _library_row(name)
    np.testing.assert_allclose(got, resize(SEED.astype(np.float64), SIZE, preset=name), rtol=0, atol=1e-4)
    library_counter(PRESETS[name].library)


def test_the_three_families():
    """Libraries of one coordinate_transformation_mode agree with each other, and the three modes give
    three different rows: what "bilinear" means depends on the library."""
    rows: dict[str, list[np.ndarray]] = {}
    for name in SEEDED:
        if available(PRESETS[name].library):
            mode = PRESETS[name].spec.coordinate_transformation_mode
            rows.setdefault(mode, []).append(np.asarray(RUNNERS[name](SEED, SIZE))[0])
    if len(rows) < 3:
        pytest.skip(f"libraries of only {sorted(rows)} are installed")
    for mode in ("align_corners", "asymmetric", "half_pixel"):
        for row in rows[mode][1:]:
            np.testing.assert_allclose(row, rows[mode][0], atol=1e-4)
    firsts = [rows[m][0] for m in ("align_corners", "asymmetric", "half_pixel")]
    assert all(np.abs(a - b).max() > 1 for i, a in enumerate(firsts) for b in firsts[i + 1:])
