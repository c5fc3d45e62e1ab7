"""Real-library calls for JAX: ``jax.image.resize`` and ``jax.image.scale_and_translate``.

Each call takes ``x`` (H, W) and ``(out_h, out_w)``, runs JAX on the CPU on a float32 array and returns the
output as float64. ``CALLS`` lists every call with the preset it reproduces (the registry's ``also``);
JAX is imported inside the calls, so importing this module needs NumPy only.
"""

from __future__ import annotations

import numpy as np

#: jax.image.resize method -> the preset it reproduces (antialias=True, JAX's default / antialias=False);
#: 'bilinear'/'bicubic' are JAX's aliases of 'linear'/'cubic'. ``method='nearest'`` has no preset: it picks
#: ``floor(float32((x + 1/2) * in) / out)``, the correctly rounded quotient, which no
#: ``coordinate_arithmetic`` computes (``tf_nearest``, float32 ``(x + 1/2) * float32(in / out)``, differs
#: at ties: 11 of the 1600 size pairs up to 40; docs/presets-beside.md).
RESIZE_PRESETS = {
    "linear": ("pytorch_bilinear_antialias", "tf_bilinear"),
    "cubic": ("tf_bicubic_antialias", "tf_bicubic"),
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
for _method, (_aa, _plain) in RESIZE_PRESETS.items():
    for _antialias, _preset in ((True, _aa), (False, _plain)):
        _flag = "" if _antialias else ", antialias=False"
        CALLS.append((f"jax.image.resize(x, shape, method={_method!r}{_flag})", _preset,
                      _call(jax_resize, _method, _antialias)))
        CALLS.append((f"jax.image.scale_and_translate(x, shape, (0, 1), out / in, 0, method={_method!r}{_flag})",
                      _preset, _call(jax_scale_and_translate, _method, _antialias)))
