"""Real-library calls for JAX: ``jax.image.resize`` and ``jax.image.scale_and_translate``.

Each call takes ``x`` (H, W) and ``(out_h, out_w)``, runs JAX on the CPU on a float32 array and returns the
output as float64. ``CALLS`` lists every call with the preset it reproduces (the registry's ``also``);
JAX is imported inside the calls, so importing this module needs NumPy only.
"""

from __future__ import annotations

import numpy as np

from . import register

#: method -> the preset of ``jax.image.resize`` (antialias=True, JAX's default / antialias=False) and of
#: ``jax.image.scale_and_translate`` with a float32 scale array (JAX rounds ``1 / scale`` there:
#: ``float32_reciprocal``; ``resize`` passes Python floats, ``float32(in / out)``: ``float32_multiply``).
#: 'bilinear'/'bicubic' are JAX's aliases of 'linear'/'cubic'. ``method='nearest'`` has no preset: it picks
#: ``floor(float32((x + 1/2) * in) / out)``, the correctly rounded quotient, which no
#: ``coordinate_arithmetic`` computes (``tf_nearest``, float32 ``(x + 1/2) * float32(in / out)``, differs
#: at ties: 11 of the 1600 size pairs up to 40).
RESIZE_PRESETS = {
    "linear": ("pytorch_bilinear_antialias", "tf_bilinear"),
    "cubic": ("tf_bicubic_antialias", "jax_cubic"),
    "lanczos3": ("jax_lanczos3_antialias", "jax_lanczos3"),
    "lanczos5": ("jax_lanczos5_antialias", "jax_lanczos5"),
}
SCALE_AND_TRANSLATE_PRESETS = {
    "linear": ("jax_scale_and_translate_linear_antialias", "jax_scale_and_translate_linear"),
    "cubic": ("jax_scale_and_translate_cubic_antialias", "jax_scale_and_translate_cubic"),
    "lanczos3": ("tf_lanczos3_antialias", "tf_lanczos3"),
    "lanczos5": ("tf_lanczos5_antialias", "tf_lanczos5"),
}


def jax_resize(x: np.ndarray, size, method: str, antialias: bool = True) -> np.ndarray:
    """``jax.image.resize(x, size, method, antialias)`` of a float32 (H, W) array, as float64."""
    import jax

    y = jax.image.resize(np.asarray(x, np.float32), tuple(int(s) for s in size), method=method, antialias=antialias)
    return np.asarray(y, dtype=np.float64)


def jax_scale_and_translate(x: np.ndarray, size, method: str, antialias: bool = True) -> np.ndarray:
    """``jax.image.scale_and_translate(x, size, (0, 1), scale=out / in, translation=0, method, antialias)``:
    the resize as JAX's general call (``jax.image.resize`` calls it with these arguments)."""
    import jax
    import jax.numpy as jnp

    size = tuple(int(s) for s in size)
    scale = jnp.array([size[0] / x.shape[0], size[1] / x.shape[1]], jnp.float32)
    y = jax.image.scale_and_translate(np.asarray(x, np.float32), size, (0, 1), scale, jnp.zeros(2, jnp.float32),
                                      method=method, antialias=antialias)
    return np.asarray(y, dtype=np.float64)


def _call(function, method, antialias):
    def run(x, size):
        return function(x, size, method, antialias)

    return run


#: (the call as a user writes it, preset name, runner)
CALLS = []
for _method in RESIZE_PRESETS:
    for _antialias, _flag in ((True, ""), (False, ", antialias=False")):
        _which = 0 if _antialias else 1
        CALLS.append((f"jax.image.resize(x, shape, method={_method!r}{_flag})", RESIZE_PRESETS[_method][_which],
                      _call(jax_resize, _method, _antialias)))
        CALLS.append((f"jax.image.scale_and_translate(x, shape, (0, 1), jnp.float32(out / in), 0, "
                      f"method={_method!r}{_flag})", SCALE_AND_TRANSLATE_PRESETS[_method][_which],
                      _call(jax_scale_and_translate, _method, _antialias)))

for _call_text, _preset, _run in CALLS:  # the runner of each JAX preset (compare, tests/test_seed.py)
    if _preset.startswith("jax_"):
        register(_preset)(_run)
