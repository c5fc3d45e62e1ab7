"""Shapes for the preset suites (``tests/test_presets_*.py``): hypothesis strategies that draw the cases
where libraries differ, and the relative difference a preset test asserts on."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

from consistent_resize import PRESETS, axis_table, resize
from consistent_resize_tools.libraries import RUNNERS


@st.composite
def axis_sizes(draw, max_size):
    """(in, out) of one axis: any pair, identity, size 1 on either side, integer and odd ratios.

    ``in / out = p / q`` with small ``p, q`` makes exact nearest-neighbour ties ``(x + 1/2) * in / out``
    frequent, which is where the libraries' arithmetics differ.
    """
    kind = draw(st.sampled_from(["any", "any", "identity", "in_1", "out_1", "up", "down", "odd_ratio"]))
    n = draw(st.integers(1, max_size))
    if kind == "identity":
        return n, n
    if kind == "in_1":
        return 1, n
    if kind == "out_1":
        return n, 1
    if kind in ("up", "down"):
        k = draw(st.integers(2, 6))
        small = max(1, n // k)
        return (small, small * k) if kind == "up" else (small * k, small)
    if kind == "odd_ratio":
        p, q = draw(st.integers(1, 7)), draw(st.integers(1, 7))
        m = max(1, n // max(p, q))
        return p * m, q * m
    return n, draw(st.integers(1, max_size))


@st.composite
def image_cases(draw, max_size):
    """A float32 ``N(0, 1)`` image (every pixel distinct, so a wrong pick shows) and an output size."""
    (in_h, out_h), (in_w, out_w) = draw(axis_sizes(max_size)), draw(axis_sizes(max_size))
    seed = draw(st.integers(0, 2**32 - 1))
    x = np.random.default_rng(seed).standard_normal((in_h, in_w)).astype(np.float32)
    return x, (out_h, out_w)


def relative_difference(name, x, size):
    """``max|library - preset| / max|x|`` and both outputs (float64), the library run by its runner."""
    got = RUNNERS[name](x, size)
    want = resize(x, size, preset=name).astype(np.float64)
    assert got.shape == want.shape == tuple(size)
    return float(np.abs(got - want).max() / np.abs(x).max()), got, want


def check_ties(name, others, sizes):
    """Where the preset's arithmetic and another one pick different source pixels (ties), the library
    must pick the preset's. Every arithmetic in ``others`` must disagree somewhere in ``sizes`` (else the
    check proves nothing); returns how many 1-D resizes ran through the library."""
    spec = PRESETS[name].spec
    disputed = set()
    for other in others:
        alternative = spec.replace(coordinate_arithmetic=other)
        pairs = {(n, m) for n, m in sizes
                 if not np.array_equal(axis_table(n, m, spec).index, axis_table(n, m, alternative).index)}
        assert pairs, f"{other} picks the same pixels as {spec.coordinate_arithmetic} for all sizes tried"
        disputed |= pairs
    for n, m in sorted(disputed):
        x = np.arange(n, dtype=np.float32)[None, :]  # the output holds the source indices
        got = RUNNERS[name](x, (1, m))[0]
        np.testing.assert_array_equal(got, axis_table(n, m, spec).index[:, 0], err_msg=f"{name} {n} -> {m}")
    return len(disputed)


def measure_bounds(names, max_size, count, library):
    """Print, for each preset, the largest ``max|library - preset| / max|x|`` over ``count`` hypothesis
    cases: how the bounds pinned in the preset suites are re-measured (``python tests/test_presets_X.py N``)."""
    for name in names:
        worst = [0.0, None]

        @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=image_cases(max_size))
        def measure(case):
            d = relative_difference(name, *case)[0]
            if d > worst[0]:
                worst[:] = [d, (case[0].shape, case[1])]

        measure()
        print(f"{name}: max |{library} - preset| / max|x| = {worst[0]:.3g} at {worst[1]} over {count} cases")


def measure_inexpressible(rows, cases=200, seed=0):
    """Print ``max|library - closest preset| / max|x|`` for calls no preset can express (``rows`` of
    ``(label, runner(x, size), preset)``), separately for upsampling and downsampling (sizes 1..48)."""
    rng = np.random.default_rng(seed)
    for label, run, preset in rows:
        worst = {"upsampling": 0.0, "downsampling": 0.0}
        for _ in range(cases):
            in_h, in_w, out_h, out_w = (int(v) for v in rng.integers(1, 49, 4))
            x = rng.standard_normal((in_h, in_w)).astype(np.float32)
            got = np.asarray(run(x, (out_h, out_w)), dtype=np.float64).reshape(out_h, out_w)
            d = float(np.abs(got - resize(x, (out_h, out_w), preset=preset)).max() / np.abs(x).max())
            key = "upsampling" if out_h >= in_h and out_w >= in_w else "downsampling"
            worst[key] = max(worst[key], d)
        print(f"{label} vs {preset}: upsampling {worst['upsampling']:.2g}, downsampling {worst['downsampling']:.2g}")
