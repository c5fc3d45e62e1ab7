"""``jax.image.resize`` and ``jax.image.scale_and_translate`` (JAX on the CPU, float32) against the presets
they equal (``consistent_resize_tools.libraries._jax_calls.CALLS``, the registry's ``also``).

JAX's resize is ``scale_and_translate`` with ``scale = out / in`` and translation 0: a separable kernel
evaluated exactly (no coefficient table), stretched by ``1 / scale`` when downsizing with ``antialias=True``
(its default), out-of-range taps dropped and each row renormalised. ``linear`` with antialias is
PyTorch's antialiased bilinear; the other kernels are TensorFlow's ``ScaleAndTranslate`` kernels.
``method='nearest'`` has no preset (the module docstring of ``_jax_calls`` says why). JAX computes in
float32: the bound is float32 rounding.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from beside_cases import EXTREME, difference, extreme_image
from preset_cases import image_cases

pytest.importorskip("jax", reason="JAX is not installed (the numpy-2 leg, .venv-modern, has it)")
from consistent_resize_tools.libraries._jax_calls import CALLS  # noqa: E402

#: max |JAX - preset| / max|x| over the hypothesis cases and EXTREME (float32 kernels and sums)
BOUND = 1e-5
IDS = [call for call, _, _ in CALLS]
counted = settings(max_examples=25, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("call,preset,run", CALLS, ids=IDS)
@counted
@given(case=image_cases(48))
def test_resize_is_the_preset(call, preset, run, case):
    x, size = case
    assert difference(run, preset, x, size) <= BOUND, f"{call} {x.shape} -> {size}"


@pytest.mark.parametrize("call,preset,run", CALLS, ids=IDS)
@pytest.mark.parametrize("shapes", EXTREME, ids=str)
def test_extreme_ratios(call, preset, run, shapes):
    shape, size = shapes
    assert difference(run, preset, extreme_image(shape), size) <= BOUND, f"{call} {shape} -> {size}"
