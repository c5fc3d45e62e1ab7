"""The pyramid pooling example (examples/pyramid_pooling) trains identically in every installed framework.

A short run (3 SGD steps, float64) of ``train.run``: with consistent-resize every pair of frameworks
agrees within the example's promise (1e-4 relative loss difference, and in fact float64 round-off);
with each framework's native default resize the same pairs drift apart further. Pairs with a framework
that is not installed are skipped with the reason (the numpy-2 CI leg has no Chainer: torch-keras runs).
"""

from __future__ import annotations

import itertools
import pathlib
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from examples.pyramid_pooling import config, pooling, train  # noqa: E402

STEPS = 3
#: Float64 training: the loss differs only by round-off in the order of sums (measured: < 1e-15).
FLOAT64_BOUND = 1e-10


@pytest.fixture(scope="module")
def frameworks():
    return train.available_frameworks()


@pytest.fixture(scope="module")
def runs(frameworks, tmp_path_factory):
    found, _ = frameworks
    if len(found) < 2:
        pytest.skip(f"fewer than two frameworks installed ({sorted(found)})")
    weights = tmp_path_factory.mktemp("pyramid") / "weights.npz"
    return {resize: train.run(STEPS, resize, found, weights) for resize in ("ours", "native")}


@pytest.mark.parametrize("pair", list(itertools.combinations(train.FRAMEWORKS, 2)), ids="-".join)
def test_training_agrees_and_native_resizes_drift(pair, frameworks, runs, count):
    missing = {name: reason for name, reason in frameworks[1].items() if name in pair}
    if missing:
        pytest.skip("; ".join(missing.values()))
    ours = {name: runs["ours"][name] for name in pair}
    native = {name: runs["native"][name] for name in pair}
    spread = train.relative_spread(ours)
    assert spread.shape == (STEPS,)
    assert (spread <= train.TARGET).all(), f"{pair}: relative loss differences {spread}"
    assert (spread <= FLOAT64_BOUND).all(), f"{pair}: relative loss differences {spread}"
    native_spread = train.relative_spread(native)
    assert native_spread.max() > spread.max(), f"{pair}: native {native_spread}, ours {spread}"
    for name in pair:  # it trains: step 2 sees step 0's batch again (2 batches) with a lower loss
        assert ours[name][2] < ours[name][0]
    count("pyramid example: framework pairs agreeing over 3 SGD steps")


def test_native_chainer_drifts_beyond_the_target(frameworks, runs):
    """Chainer's F.resize_images (align_corners) against half-pixel resizes: visibly different losses."""
    if "chainer" in frameworks[1]:
        pytest.skip(frameworks[1]["chainer"])
    assert train.relative_spread(runs["native"]).max() > train.TARGET


def test_every_framework_starts_from_the_same_loss(runs):
    """The first loss is computed before any update: equal weights and data give equal losses, and the
    native and our runs start from the same weights (their losses differ only through the resize)."""
    first = [losses[0] for losses in runs["ours"].values()]
    np.testing.assert_allclose(first, first[0], rtol=FLOAT64_BOUND)


def test_pooling_matches_torch_adaptive_avg_pool():
    """The example's explicit bins equal PyTorch's adaptive_avg_pool2d (the rule they are taken from)."""
    torch = pytest.importorskip("torch")
    x = np.random.RandomState(0).standard_normal((2, 3, *config.IMAGE_SIZE))
    for bins in config.BINS:
        expected = torch.nn.functional.adaptive_avg_pool2d(torch.from_numpy(x), bins).numpy()
        np.testing.assert_allclose(pooling.adaptive_avg_pool2d(x, bins), expected, rtol=1e-13, atol=1e-15)


def test_pooling_bins_cover_the_input():
    for n, out in [(20, 6), (28, 3), (7, 7), (5, 1), (3, 5)]:
        edges = pooling.bin_edges(n, out)
        assert edges[0][0] == 0 and edges[-1][1] == n
        assert all(start < end for start, end in edges)
        np.testing.assert_allclose(pooling.pooling_matrix(n, out).sum(axis=1), 1.0)


def test_script_prints_both_tables(frameworks, capsys):
    found, _ = frameworks
    if len(found) < 2:
        pytest.skip(f"fewer than two frameworks installed ({sorted(found)})")
    assert train.main(["--steps", "1"]) == 0
    out = capsys.readouterr().out
    assert "With consistent-resize" in out and "native default resize" in out
    assert "target 1e-04: met" in out


def test_example_doctests():
    import doctest

    from examples.pyramid_pooling import dataset

    for module in (pooling, dataset):
        failed, attempted = doctest.testmod(module)
        assert attempted > 0 and failed == 0, module.__name__
