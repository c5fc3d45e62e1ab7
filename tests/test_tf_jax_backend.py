"""Issue item 9: the ``Resize`` layer under the JAX Keras backend (keras.ops, static tables): forward
equals the reference, ``jax.grad`` equals the adjoint, ``jax.jit`` equals eager, ``.keras`` round trip.
The Keras backend is fixed when Keras is imported, so this runs in a fresh process."""

from __future__ import annotations

import importlib.util
import textwrap

import pytest

if importlib.util.find_spec("jax") is None:
    pytest.skip("jax is not installed (it is in the numpy-2 CI leg)", allow_module_level=True)
pytest.importorskip("keras")

from jax_subprocess import run_under_jax  # noqa: E402

SCRIPT = textwrap.dedent(
    """
    import json, os, sys, tempfile
    import numpy as np, jax, jax.numpy as jnp, keras
    assert keras.backend.backend() == "jax"
    from consistent_resize import ResizeSpec, reference
    from consistent_resize_tf import Resize

    crop = ResizeSpec(mode="linear", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-2.0)
    cases = [
        (dict(size=(5, 12), preset="pytorch_bicubic"), (2, 9, 7, 3), (1, 2)),
        (dict(size=(5, 12), preset="chainer", data_format="channels_first"), (2, 3, 9, 7), (2, 3)),
        (dict(size=(3, 4), preset="pillow_bicubic"), (2, 9, 7, 3), (1, 2)),
        (dict(size=(5, 12), preset="tf_nearest"), (2, 9, 7, 3), (1, 2)),
        (dict(size=(6, 6), spec=crop, roi=[0.1, -0.2, 0.8, 1.2]), (2, 9, 7, 3), (1, 2)),
        (dict(size=(3, 8, 4), preset="opencv_linear"), (1, 5, 6, 7, 2), (1, 2, 3)),
    ]
    result = {"backend": keras.backend.backend(), "forward": 0.0, "grad": 0.0, "jit": 0.0, "saved": 0.0}
    rng = np.random.default_rng(0)
    for kwargs, shape, axes in cases:
        layer = Resize(**kwargs)
        x = rng.standard_normal(shape).astype(np.float32)
        ref_kwargs = {k: v for k, v in kwargs.items() if k not in ("size", "data_format")}
        expected = reference.resize(x.astype(np.float64), kwargs["size"], axes=axes, **ref_kwargs)
        y = np.asarray(layer(x))
        result["forward"] = max(result["forward"], float(np.abs(y - expected).max()))
        result["jit"] = max(result["jit"], float(np.abs(np.asarray(jax.jit(layer)(x)) - y).max()))
        g = rng.standard_normal(expected.shape).astype(np.float32)
        grad = jax.grad(lambda t: jnp.sum(layer(t) * g))(jnp.asarray(x))
        adjoint = reference.adjoint(g, shape, kwargs["size"], axes=axes, **ref_kwargs)
        result["grad"] = max(result["grad"], float(np.abs(np.asarray(grad) - adjoint).max()))
    inputs = keras.Input((None, None, 3))
    model = keras.Model(inputs, Resize((5, 12), preset="pytorch_bicubic")(inputs))
    path = os.path.join(tempfile.mkdtemp(), "m.keras")
    model.save(path)
    x = rng.standard_normal((2, 9, 7, 3)).astype(np.float32)
    loaded = keras.models.load_model(path)
    result["saved"] = float(np.abs(np.asarray(loaded(x)) - np.asarray(model(x))).max())
    print("RESULT " + json.dumps(result))
    """
)


def test_layer_under_jax_backend():
    result = run_under_jax(SCRIPT, timeout=300)
    assert result["backend"] == "jax"
    assert result["forward"] <= 1e-5 and result["grad"] <= 1e-5  # float32 against the float64 reference
    assert result["jit"] <= 1e-5  # XLA may fuse multiply-adds
    assert result["saved"] == 0.0
