"""README claims that are data: the preset table is exactly what PRESETS holds, and the seed rows it shows
are what the reference computes under those presets (the real libraries are checked by test_seed.py)."""

from __future__ import annotations

import pathlib
import sys

import numpy as np

from consistent_resize import resize

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from preset_table import preset_rows  # noqa: E402

README = (ROOT / "README.md").read_text()


def test_preset_table_is_the_presets():
    assert "\n".join(preset_rows()) in README


def test_seed_rows_shown_in_the_problem_table():
    seed = np.array([[64.0, 32.0], [64.0, 32.0]])
    for preset, row in [("chainer", "64 53.33 42.67 32"), ("tf1_bilinear", "64 48 32 32"),
                        ("pytorch_bilinear", "64 56 40 32"), ("pillow_bilinear", "64 56 40 32")]:
        got = " ".join(f"{v:.2f}".rstrip("0").rstrip(".") for v in resize(seed, (4, 4), preset=preset)[0])
        assert got == row and f"`{row}`" in README, (preset, got)
