"""The README's drop-in claims, against the real libraries: ``resize(..., preset=...)`` / ``Resize``
equal ``F.interpolate``, ``nn.Upsample`` and Chainer's ``resize_images`` in forward and gradient."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402

from consistent_resize import PRESETS  # noqa: E402
from consistent_resize.presets import proven_by  # noqa: E402
from consistent_resize_torch import Resize, resize  # noqa: E402
from consistent_resize_torch.calls import PRESET_CALLS, preset_for  # noqa: E402

#: preset -> the F.interpolate keyword arguments that PRESETS[preset].call names (consistent_resize_torch.calls,
#: the table that the preset suite checks against the real F.interpolate and that convert() uses)
INTERPOLATE = PRESET_CALLS
SIZES = [((5, 7), (9, 4)), ((8, 8), (3, 17)), ((13, 6), (26, 12)), ((1, 4), (3, 1))]


def test_every_pytorch_preset_is_covered():
    assert sorted(INTERPOLATE) == proven_by("test_presets_torch.py")
    for name, kwargs in INTERPOLATE.items():
        assert f"mode='{kwargs['mode']}'" in PRESETS[name].call
        assert preset_for(**kwargs) == name  # the table and preset_for are one mapping


def _value_and_grad(fn, x, g):
    x = x.clone().requires_grad_()
    y = fn(x)
    (grad,) = torch.autograd.grad(y, x, g)
    return y.detach(), grad


@pytest.mark.parametrize("name", sorted(INTERPOLATE))
def test_f_interpolate_before_after(name, library_counter):
    for in_sizes, size in SIZES:
        x = torch.randn(2, 3, *in_sizes)
        g = torch.randn(2, 3, *size)
        before = _value_and_grad(lambda t: F.interpolate(t, size, **INTERPOLATE[name]), x, g)
        after = _value_and_grad(lambda t: resize(t, size, preset=name), x, g)
        exact = INTERPOLATE[name]["mode"].startswith("nearest")  # a copy: bitwise equal
        tolerance = dict(rtol=0, atol=0) if exact else dict(rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(after[0], before[0], **tolerance)
        # gradients sum several float32 terms, in another order than PyTorch's
        torch.testing.assert_close(after[1], before[1], rtol=1e-5, atol=1e-5)
        library_counter("torch F.interpolate")


@pytest.mark.parametrize("mode,preset", [("bilinear", "pytorch_bilinear"), ("nearest", "pytorch_nearest"),
                                         ("bicubic", "pytorch_bicubic")])
def test_nn_upsample_before_after_with_scale_factor(mode, preset, library_counter):
    for scale in (2.0, 0.5, 1.7):
        x = torch.randn(2, 3, 9, 10)
        kwargs = {} if mode == "nearest" else dict(align_corners=False)
        before = torch.nn.Upsample(scale_factor=scale, mode=mode, **kwargs)(x)
        after = Resize(scale_factor=scale, preset=preset)(x)
        torch.testing.assert_close(after, before, rtol=1e-5, atol=1e-5)
        library_counter("torch nn.Upsample")


def test_trilinear_volume(library_counter):
    x = torch.randn(1, 2, 4, 5, 6)
    before = F.interpolate(x, (7, 3, 9), mode="trilinear", align_corners=False)
    torch.testing.assert_close(resize(x, (7, 3, 9), preset="pytorch_bilinear"), before, rtol=1e-5, atol=1e-5)
    library_counter("torch F.interpolate")


def test_chainer_port_before_after(library_counter):
    chainer_import = pytest.importorskip("consistent_resize_chainer._import")
    try:
        chainer = chainer_import.import_chainer()
    except Exception as error:  # pragma: no cover - depends on the environment
        pytest.skip(f"Chainer is not importable here: {error}")
    import chainer.functions as CF

    for in_sizes, size in SIZES:
        x = np.random.default_rng(0).standard_normal((2, 3, *in_sizes)).astype(np.float32)
        g = np.random.default_rng(1).standard_normal((2, 3, *size)).astype(np.float32)
        variable = chainer.Variable(x)
        before = CF.resize_images(variable, size)
        (grad_before,) = chainer.grad([before], [variable], grad_outputs=[chainer.Variable(g)])
        after, grad_after = _value_and_grad(lambda t: resize(t, size, preset="chainer"), torch.tensor(x),
                                            torch.tensor(g))
        np.testing.assert_allclose(after.numpy(), before.array, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(grad_after.numpy(), grad_before.array, rtol=1e-5, atol=1e-5)
        library_counter("chainer resize_images (torch layer)")


def test_why_no_native_dispatch_nan_through_zero_weight_taps():
    """F.interpolate reads a neighbour with weight 0 where the source coordinate is an integer, so a NaN
    spreads to outputs that the spec says do not read it: dispatching to it would not be identical."""
    from consistent_resize import reference

    x = torch.zeros(1, 1, 4, 4, dtype=torch.float64)
    x[0, 0, 1, 1] = float("nan")
    native = F.interpolate(x, (7, 7), mode="bilinear", align_corners=True)
    ours = resize(x, (7, 7), preset="pytorch_bilinear_align_corners")
    expected = reference.resize(x.numpy(), (7, 7), preset="pytorch_bilinear_align_corners")
    np.testing.assert_array_equal(torch.isnan(ours).numpy(), np.isnan(expected))
    assert int(torch.isnan(native).sum()) > int(np.isnan(expected).sum())
    finite = ~torch.isnan(native)
    torch.testing.assert_close(ours[finite], native[finite])
