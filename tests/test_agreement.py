"""Proof of agreement: the NumPy reference, PyTorch, Keras/TensorFlow and Chainer compute the same
forward values and the same input gradients for every spec, and each layer's gradient is the adjoint.

One hypothesis matrix (spec x rank x shapes x dtype x upstream gradient) plus a fixed table of named
regression cases that always runs. Frameworks that are not installed are skipped with a reason. The
tolerances are those of SPEC.md section 9; the session prints how many cases each framework ran.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from consistent_resize import (
    PRESETS,
    ResizeSpec,
    adjoint,
    resize,
)

from spec_strategies import specs  # noqa: E402

#: SPEC.md section 9: bound on |layer - reference| / scale, per dtype.
TOLERANCE = {"float64": 1e-12, "float32": 2e-6, "float16": 2e-3, "bfloat16": 1.6e-2}


def _framework(name):
    try:
        return importlib.import_module(name)
    except ImportError as error:
        return error


FRAMEWORKS = {
    "torch": "consistent_resize_torch",
    "tf": "consistent_resize_tf",
    "chainer": "consistent_resize_chainer",
}


def _run_torch(module, x, g, size, spec, dtype):
    import torch

    tdtype = getattr(torch, dtype)
    xt = torch.tensor(x).to(tdtype).requires_grad_(True)
    y = module.resize(xt, size, spec=spec)
    (y * torch.tensor(g).to(tdtype)).sum().backward()
    return y.detach().double().numpy(), xt.grad.double().numpy()


def _run_tf(module, x, g, size, spec, dtype):
    import tensorflow as tf

    xt = tf.cast(tf.constant(x), dtype)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = module.resize(xt, size, spec=spec, data_format="channels_first")
        loss = tf.reduce_sum(y * tf.cast(tf.constant(g), dtype))
    grad = tape.gradient(loss, xt)
    return tf.cast(y, tf.float64).numpy(), tf.cast(grad, tf.float64).numpy()


def _run_chainer(module, x, g, size, spec, dtype):
    chainer = module.chainer
    xv = chainer.Variable(x.astype(dtype))
    y = module.resize(xv, size, spec=spec)
    y.grad = g.astype(dtype)
    y.backward()
    return y.array.astype(np.float64), xv.grad.astype(np.float64)


RUNNERS = {"torch": _run_torch, "tf": _run_tf, "chainer": _run_chainer}
DTYPES = {"torch": ("float64", "float32", "float16", "bfloat16"), "tf": ("float64", "float32", "float16", "bfloat16"),
          "chainer": ("float64", "float32", "float16")}


def check_case(framework, x, size, spec, dtype, seed=0, counter=None):
    """Run one case in ``framework`` and compare forward, gradient and the adjoint identity."""
    module = _framework(FRAMEWORKS[framework])
    if isinstance(module, ImportError):
        pytest.skip(f"{FRAMEWORKS[framework]} is not importable here: {module}")
    if dtype not in DTYPES[framework]:
        pytest.skip(f"{framework} does not support {dtype}")
    rng = np.random.default_rng(seed)
    want = resize(x, size, spec=spec)
    g = rng.standard_normal(want.shape)
    if dtype in ("float16", "bfloat16"):
        x = x.astype(np.float32)
        import ml_dtypes  # noqa: F401  (bfloat16 rounding of the reference input)

        x = x.astype(getattr(ml_dtypes, "bfloat16") if dtype == "bfloat16" else np.float16).astype(np.float64)
        g = g.astype(np.float16).astype(np.float64) if dtype == "float16" else g.astype(
            getattr(ml_dtypes, "bfloat16")).astype(np.float64)
        want = resize(x, size, spec=spec)
    elif dtype == "float32":
        x = x.astype(np.float32).astype(np.float64)
        g = g.astype(np.float32).astype(np.float64)
        want = resize(x, size, spec=spec)
    want_grad = adjoint(g, x.shape, size, spec=spec)
    got, got_grad = RUNNERS[framework](module, x, g, size, spec, dtype)
    tol = TOLERANCE[dtype]
    scale = max(np.abs(x).max(), 1e-300)
    assert got.shape == want.shape
    assert np.abs(got - want).max() <= tol * scale * 4, (framework, dtype, spec, np.abs(got - want).max() / scale)
    gscale = max(np.abs(g).max(), 1e-300) * max(np.abs(want_grad).max() / max(np.abs(g).max(), 1e-300), 1.0)
    assert np.abs(got_grad - want_grad).max() <= tol * gscale * 8, (
        framework, dtype, spec, np.abs(got_grad - want_grad).max() / gscale)
    if dtype == "float64":
        np.testing.assert_allclose(np.vdot(got, g), np.vdot(x, got_grad), rtol=1e-10, atol=1e-10)
    if counter is not None:
        counter(framework)


@st.composite
def cases(draw):
    spec = draw(specs(extrapolation_values=(0.0,)))
    rank = draw(st.integers(1, 3))
    in_sizes = draw(st.lists(st.integers(1, 9), min_size=rank, max_size=rank))
    out_sizes = tuple(draw(st.lists(st.integers(1, 13), min_size=rank, max_size=rank)))
    dtype = draw(st.sampled_from(["float64", "float64", "float32", "float16", "bfloat16"]))
    seed = draw(st.integers(0, 2**31))
    x = np.random.default_rng(seed).standard_normal((2, 3, *in_sizes))
    return x, out_sizes, spec, dtype, seed


@pytest.fixture
def agreement_counter(count):
    return lambda framework: count(f"agreement cases passed ({framework})")


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # the fixture only counts
@given(case=cases())
def test_random_matrix(framework, case, agreement_counter):
    x, size, spec, dtype, seed = case
    assume(dtype in DTYPES[framework])  # e.g. Chainer has no bfloat16: draw another case
    check_case(framework, x, size, spec, dtype, seed, agreement_counter)


def _named_cases():
    rng = np.random.default_rng(7)
    seed = np.array([[[[64.0, 32.0], [64.0, 32.0]]]])
    linear = ResizeSpec(mode="linear")
    yield "seed_chainer", seed, (4, 4), PRESETS["chainer"].spec
    yield "seed_half_pixel", seed, (4, 4), PRESETS["pytorch_bilinear"].spec
    yield "seed_asymmetric", seed, (4, 4), PRESETS["tf1_bilinear"].spec
    yield "size1_to_7", rng.standard_normal((1, 2, 1, 1)), (7, 7), ResizeSpec(mode="cubic")
    yield "size7_to_1", rng.standard_normal((1, 2, 7, 7)), (1, 1), linear.replace(antialias=1)
    yield "extreme_up_1d", rng.standard_normal((1, 1, 3)), (97,), linear
    yield "extreme_down_aa", rng.standard_normal((1, 1, 95, 4)), (3, 4), ResizeSpec(mode="cubic", antialias=1)
    yield "mixed_up_down_3d", rng.standard_normal((1, 1, 3, 9, 4)), (7, 2, 4), linear
    yield "identity", rng.standard_normal((2, 1, 5, 6)), (5, 6), ResizeSpec(mode="cubic")
    yield "crop_and_resize", rng.standard_normal((1, 1, 5, 5)), (3, 4), ResizeSpec(
        mode="linear", coordinate_transformation_mode="tf_crop_and_resize")
    for name, preset in sorted(PRESETS.items()):
        yield f"preset_{name}", rng.standard_normal((1, 2, 5, 7)), (8, 3), preset.spec


NAMED = list(_named_cases())


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
@pytest.mark.parametrize("name, x, size, spec", NAMED, ids=[c[0] for c in NAMED])
def test_named_case(framework, name, x, size, spec, agreement_counter):
    for dtype in ("float64", "float32"):
        check_case(framework, x, size, spec, dtype, 0, agreement_counter)
