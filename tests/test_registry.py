"""One registry: ``consistent_resize.PRESETS`` holds every preset with the test that proves it, its proven
domain, the other libraries' calls proven equal (``also``), and ``beyond_onnx``; a preset used outside its
domain, where its library is known to compute otherwise, is refused by name in every framework."""

from __future__ import annotations

import importlib
import os

import numpy as np
import pytest

from consistent_resize import PRESETS, resize
from consistent_resize.presets import EXTENSION_PRESETS, proven_by

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: the library runners whose CALLS name other libraries' calls equal to a preset
BESIDE = ("_jax_calls", "_kornia_calls", "_skimage_calls", "_scipy_calls", "_torchvision_calls")


def test_every_preset_names_its_proof_and_domain():
    assert len(PRESETS) >= 80 and set(EXTENSION_PRESETS) <= set(PRESETS)
    for name, preset in PRESETS.items():
        assert preset.name == name and preset.call and preset.domain, name
        assert os.path.exists(os.path.join(ROOT, preset.proof)), (name, preset.proof)
        assert preset.beyond_onnx == preset.spec.beyond_onnx
    assert sum(len(proven_by(f)) for f in {p.proof[len("tests/"):] for p in PRESETS.values()}) == len(PRESETS)


def test_also_is_every_call_of_another_library_proven_equal():
    """``also`` is exactly what the suites beside ours run: each CALLS entry of another library than the
    preset's own (tests/test_presets_{jax,kornia,skimage,scipy,torchvision}.py compare each with its preset)."""
    expected = {}
    for module in BESIDE:
        calls = importlib.import_module(f"consistent_resize_tools.libraries.{module}").CALLS
        for call, preset, _ in calls:
            assert preset in PRESETS, (call, preset)
            if call.split(".")[0] != PRESETS[preset].library:
                expected.setdefault(preset, set()).add(call)
    assert {n: set(p.also) for n, p in PRESETS.items() if p.also} == expected


#: 2 -> 41: PyTorch's one-rounding nearest-exact (1 and 3 spatial axes) reads other pixels than two roundings
OUTSIDE = (2, 41)


def test_nearest_exact_domain_is_real():
    """Outside the domain the preset is not what PyTorch computes (1-D: one rounding), inside it is."""
    torch = pytest.importorskip("torch")
    for (n, m), inside in ((OUTSIDE, False), ((5, 9), True)):
        x = torch.arange(float(n))[None, None]
        theirs = torch.nn.functional.interpolate(x, size=m, mode="nearest-exact")[0, 0].numpy()
        spec = PRESETS["pytorch_nearest_exact"].spec
        ours = resize(x[0, 0].numpy().astype(np.float64), (m,), spec=spec)
        assert np.array_equal(theirs, ours) == inside


def _frameworks():
    yield "reference", lambda x, size, **kw: resize(x[0, 0], size, **kw)
    try:
        import torch

        import consistent_resize_torch

        yield "torch", lambda x, size, **kw: consistent_resize_torch.resize(torch.from_numpy(x), size, **kw)
    except ImportError:
        pass
    try:
        import consistent_resize_tf

        yield "tensorflow", lambda x, size, **kw: consistent_resize_tf.resize(
            x, size, data_format="channels_first", **kw)
    except ImportError:
        pass
    try:
        import consistent_resize_chainer

        yield "chainer", lambda x, size, **kw: consistent_resize_chainer.resize(x, size, **kw)
    except ImportError:
        pass


@pytest.mark.parametrize("framework,run", list(_frameworks()), ids=lambda v: v if isinstance(v, str) else "")
def test_preset_outside_its_domain_is_refused_by_name(framework, run):
    x = np.zeros((1, 1, OUTSIDE[0], 3), np.float32)
    with pytest.raises(ValueError, match=r"preset 'pytorch_nearest_exact' reproduces torch only for .* "
                                         r"2 -> 41 \(resized axis 0\) is not: .*float32_fma"):
        run(x, (OUTSIDE[1], 3), preset="pytorch_nearest_exact")
    assert tuple(run(x, (9, 3), preset="pytorch_nearest_exact").shape)[-2:] == (9, 3)
    spec = PRESETS["pytorch_nearest_exact"].spec  # a spec is a spec: its computation is the promise
    assert tuple(run(x, (OUTSIDE[1], 3), spec=spec).shape)[-2:] == (OUTSIDE[1], 3)
