"""Issue 8, PyTorch: the integer-factor reduction path (``_regular``) and the per-call-signature cache
(``_fast``).

``_regular`` must give the reference's forward and adjoint (float64, to 1e-12), keep NaN/Inf where the
spec puts them, and be the path really taken (each test asserts the plan is regular, so no test passes
by falling back). The call cache must give the full path's results, re-check nothing it must not skip
(autograd, forward-mode AD, memory format, spec identity), and step aside under tracing and transforms.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

torch = pytest.importorskip("torch")

from consistent_resize import ResizeSpec, reference  # noqa: E402
from consistent_resize.presets import PRESETS  # noqa: E402
from consistent_resize_torch import _axis, _fast, _ops, _regular, clear_cache, resize  # noqa: E402

@pytest.fixture(autouse=True)
def _fresh_caches(monkeypatch):
    monkeypatch.setattr(_axis, "REGULAR_PLANS", ("forward", "adjoint"))  # test both (default: adjoint)
    clear_cache()
    yield
    _regular.ADJOINT_BUFFER_DIVISOR = _DIVISOR
    _axis.FORCE = None
    clear_cache()


_DIVISOR = _regular.ADJOINT_BUFFER_DIVISOR


def _regular_plans() -> list:
    return [plan for plan in _axis._CACHE.values() if plan.regular is not None]


def _forward_and_grad(x, size, spec, g):
    xr = x.detach().clone().requires_grad_()
    y = resize(xr, size, spec=spec)
    y.backward(g)
    return y.detach(), xr.grad


@st.composite
def _reductions(draw):
    preset = draw(st.sampled_from(["pytorch_bilinear", "tf_bilinear", "pytorch_nearest"]))
    out = (draw(st.integers(1, 6)), draw(st.integers(1, 6)))
    factors = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 4))) + tuple(o * f for o, f in zip(out, factors))
    chunk = draw(st.sampled_from([1, 3, 8, 1 << 20]))  # adjoint: all planes ... one plane per chunk
    return PRESETS[preset].spec, shape, out, chunk


@given(_reductions())
def test_regular_path_equals_reference_forward_and_adjoint(case):
    spec, shape, size, chunk = case
    _regular.ADJOINT_BUFFER_DIVISOR = chunk
    clear_cache()
    x = torch.randn(shape, dtype=torch.float64)
    g = torch.randn(shape[:2] + size, dtype=torch.float64)
    y, grad = _forward_and_grad(x, size, spec, g)
    np.testing.assert_allclose(y.numpy(), reference.resize(x.numpy(), size, spec=spec), rtol=1e-12, atol=1e-12)
    adjoint = reference.adjoint(g.numpy(), shape, size, None, spec=spec)
    np.testing.assert_allclose(grad.numpy(), adjoint, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("preset", ["pytorch_bilinear", "tf_bilinear", "pytorch_nearest", "pytorch_bicubic"])
@pytest.mark.parametrize("chunk", [1, 1 << 20])
def test_regular_path_is_taken_for_integer_factor_reductions(preset, chunk):
    """8x3x64x48 -> 16x12 (factor 4): the plan of the forward and of the adjoint is regular, several chunks
    or one give the reference's numbers, and float32 stays within rounding of the gather path."""
    _regular.ADJOINT_BUFFER_DIVISOR = chunk
    spec = PRESETS[preset].spec
    x = torch.randn(8, 3, 64, 48, dtype=torch.float64)
    g = torch.randn(8, 3, 16, 12, dtype=torch.float64)
    y, grad = _forward_and_grad(x, (16, 12), spec, g)
    assert len(_regular_plans()) == 2  # forward and adjoint
    np.testing.assert_allclose(y.numpy(), reference.resize(x.numpy(), (16, 12), spec=spec), rtol=1e-12,
                               atol=1e-12)
    np.testing.assert_allclose(grad.numpy(), reference.adjoint(g.numpy(), x.shape, (16, 12), None, spec=spec),
                               rtol=1e-12, atol=1e-12)
    y32, grad32 = _forward_and_grad(x.float(), (16, 12), spec, g.float())
    _axis.FORCE = ("gather",)
    clear_cache()
    y0, grad0 = _forward_and_grad(x.float(), (16, 12), spec, g.float())
    assert not _regular_plans()
    torch.testing.assert_close(y32, y0, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(grad32, grad0, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    "preset,shape,size",
    [
        ("pytorch_bilinear", (1, 1, 12, 12), (5, 5)),  # not an integer factor
        ("pytorch_bilinear", (1, 1, 8, 8), (16, 16)),  # upsampling
        ("pytorch_bilinear_align_corners", (1, 1, 16, 16), (4, 4)),  # taps move within the block
        ("pytorch_bilinear_antialias", (1, 1, 16, 16), (4, 4)),  # taps wider than the block, clamped
    ],
)
def test_regular_path_is_not_taken_where_the_table_is_not_regular(preset, shape, size):
    spec = PRESETS[preset].spec
    x = torch.randn(shape, dtype=torch.float64)
    y = resize(x, size, spec=spec)
    assert not _regular_plans()
    np.testing.assert_allclose(y.numpy(), reference.resize(x.numpy(), size, spec=spec), rtol=1e-12, atol=1e-12)


def test_channels_last_and_three_axes_do_not_use_the_regular_path():
    spec = PRESETS["pytorch_bilinear"].spec
    x = torch.randn(2, 3, 16, 16).contiguous(memory_format=torch.channels_last)
    y = resize(x, (4, 4), spec=spec)
    assert y.is_contiguous(memory_format=torch.channels_last) and not _regular_plans()
    resize(torch.randn(1, 2, 8, 8, 8), (4, 4, 4), spec=spec)
    assert not _regular_plans()


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
@pytest.mark.parametrize("preset", ["pytorch_bilinear", "pytorch_bicubic"])
def test_regular_path_keeps_nan_and_inf_where_the_spec_puts_them(value, preset):
    """A non-finite input (or upstream gradient) reaches exactly the outputs (inputs) the reference says,
    including the input rows and columns no output reads (their gradient is 0)."""
    spec = PRESETS[preset].spec
    shape, size = (1, 2, 16, 12), (4, 3)
    x = torch.randn(shape, dtype=torch.float64)
    x[0, 0, 1, 5] = value  # a tap of output (0, 1)
    x[0, 1, 0, 0] = value  # bilinear: read by no output
    g = torch.randn(shape[:2] + size, dtype=torch.float64)
    g[0, 0, 2, 1] = value
    y = resize(x, size, spec=spec)
    grad = _ops.Adjoint.apply(g, list(shape[2:]), None, None, *_ops.spec_args(spec))
    assert len(_regular_plans()) == 2
    for got, want in ((y, reference.resize(x.numpy(), size, spec=spec)),
                      (grad, reference.adjoint(g.numpy(), shape, size, None, spec=spec))):
        want = torch.from_numpy(want)
        assert torch.equal(torch.isfinite(got), torch.isfinite(want))
        assert torch.equal(torch.isnan(got), torch.isnan(want))
        finite = torch.isfinite(want)
        torch.testing.assert_close(got[finite], want[finite], rtol=1e-12, atol=1e-12)


def test_regular_adjoint_is_bitwise_deterministic(torch_deterministic):
    x = torch.randn(4, 3, 64, 64)
    g = torch.randn(4, 3, 16, 16)
    grads = [_forward_and_grad(x, (16, 16), PRESETS["pytorch_bilinear"].spec, g)[1] for _ in range(2)]
    assert _regular_plans()
    assert torch.equal(grads[0], grads[1])


def test_regular_form_of_a_table():
    spec = PRESETS["pytorch_bilinear"].spec
    table = _axis.device_table(1024, 256, spec, None, None, torch.device("cpu"), torch.float32)
    form = _regular.regular_axis(table, 1024)
    assert (form.rows, form.cols, form.step, form.offset, form.weight) == (256, 1024, 4, 1, (0.5, 0.5))
    table = _axis.device_table(12, 5, spec, None, None, torch.device("cpu"), torch.float32)
    assert _regular.regular_axis(table, 12) is None


# -- the call cache ------------------------------------------------------------------------------------
def test_repeated_call_uses_the_cache_and_gives_the_same_result():
    x = torch.randn(2, 3, 7, 5)
    with torch.no_grad():
        first = resize(x, (11, 4), preset="pytorch_bicubic")
        assert len(_fast.CALLS) == 1
        (call,) = _fast.CALLS.values()
        second = resize(x, [11, 4], preset="pytorch_bicubic")  # a list: the same key as the tuple
    assert len(_fast.CALLS) == 1 and next(iter(_fast.CALLS.values())) is call
    assert torch.equal(first, second)
    through_op = _ops.resize_op(x, [11, 4], None, None, *_ops.spec_args(PRESETS["pytorch_bicubic"].spec))
    assert torch.equal(second, through_op)


def test_cached_call_still_records_autograd():
    x = torch.randn(1, 2, 6, 6, dtype=torch.float64)
    resize(x, (9, 4), preset="pytorch_bilinear")  # cached without grad
    xr = x.clone().requires_grad_()
    y = resize(xr, (9, 4), preset="pytorch_bilinear")
    assert y.grad_fn is not None
    g = torch.randn(y.shape, dtype=torch.float64)
    y.backward(g)
    spec = PRESETS["pytorch_bilinear"].spec
    np.testing.assert_allclose(xr.grad.numpy(), reference.adjoint(g.numpy(), x.shape, (9, 4), None, spec=spec),
                               rtol=1e-12, atol=1e-12)
    assert torch.autograd.gradcheck(lambda t: resize(t, (9, 4), preset="pytorch_bilinear"), (xr,))


def test_cached_call_keeps_forward_mode_ad_refusal():
    import torch.autograd.forward_ad as fwAD

    x = torch.randn(1, 1, 4, 4, dtype=torch.float64)
    resize(x, (8, 8), preset="pytorch_bilinear")
    assert len(_fast.CALLS) == 1
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, torch.ones_like(x))
        with pytest.raises(Exception, match="jvp"):
            resize(dual, (8, 8), preset="pytorch_bilinear")


def test_memory_format_and_dtype_are_part_of_the_key():
    x = torch.randn(2, 80, 6, 5)
    a = resize(x, (12, 10), preset="pytorch_bilinear")
    b = resize(x.contiguous(memory_format=torch.channels_last), (12, 10), preset="pytorch_bilinear")
    c = resize(x.double(), (12, 10), preset="pytorch_bilinear")
    assert len(_fast.CALLS) == 3
    assert a.is_contiguous() and b.is_contiguous(memory_format=torch.channels_last) and c.dtype == torch.float64
    torch.testing.assert_close(a, b)
    h = resize(x.half(), (12, 10), preset="pytorch_bilinear")
    h2 = resize(x.half(), (12, 10), preset="pytorch_bilinear")
    assert h.dtype == h2.dtype == torch.float16 and torch.equal(h, h2)


def test_specs_are_keyed_by_identity_and_kept_alive():
    x = torch.randn(1, 1, 5, 5, dtype=torch.float64)
    linear = resize(x, (7, 7), spec=ResizeSpec(mode="linear"))  # the spec object dies after the call...
    cubic = resize(x, (7, 7), spec=ResizeSpec(mode="cubic"))  # ...unless the cache keeps it: no id reuse
    assert not torch.equal(linear, cubic)
    for mode, y in (("linear", linear), ("cubic", cubic)):
        want = reference.resize(x.numpy(), (7, 7), spec=ResizeSpec(mode=mode))
        np.testing.assert_allclose(y.numpy(), want, rtol=1e-12, atol=1e-12)


def test_bad_arguments_still_raise_after_a_cached_call():
    x = torch.randn(1, 1, 4, 4)
    resize(x, (8, 8), preset="pytorch_bilinear")
    with pytest.raises((TypeError, ValueError)):
        resize(x, (8.5, 8), preset="pytorch_bilinear")
    with pytest.raises((TypeError, ValueError)):
        resize(x, (8, 8), preset="no_such_preset")
    with pytest.raises(ValueError):
        resize(x, (8, 8, 8), preset="pytorch_bilinear")


def test_no_cache_under_tracing_transforms_and_modes():
    from torch.utils._python_dispatch import TorchDispatchMode

    class Passthrough(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            return func(*args, **(kwargs or {}))

    x = torch.randn(2, 1, 4, 4)
    assert _fast.call_key(x, (8, 8), None, None, "pytorch_bilinear", None) is not None
    with Passthrough():
        assert _fast.call_key(x, (8, 8), None, None, "pytorch_bilinear", None) is None
    keys = []
    torch.func.vmap(lambda t: keys.append(_fast.call_key(t, (8, 8), None, None, "pytorch_bilinear", None)) or t)(x)
    assert keys == [None]
    traced = torch.jit.trace(lambda t: resize(t, (8, 8), preset="pytorch_bilinear"), (x,), check_trace=False)
    assert not _fast.CALLS  # the traced call took the full path
    torch.testing.assert_close(traced(x), resize(x, (8, 8), preset="pytorch_bilinear"))
    assert _fast.call_key(torch.nn.Parameter(x), (8, 8), None, None, None, None) is None
    assert _fast.call_key(x, (torch.tensor(8), 8), None, None, None, None) is None


def test_clear_cache_drops_cached_calls():
    resize(torch.randn(1, 1, 4, 4), (8, 8), preset="pytorch_bilinear")
    assert _fast.CALLS
    clear_cache()
    assert not _fast.CALLS and not _axis._CACHE


# -- regression: adjoint rows no output reads ----------------------------------------------------------
@pytest.mark.parametrize("kernel", ["gather", "bag", "strided", "dense", "fused", None])
@pytest.mark.parametrize("layout", ["nchw", "channels_last"])
@pytest.mark.parametrize("shape_in,shape_out", [((16, 16), (4, 4)), ((15, 13), (4, 3))])
def test_adjoint_keeps_nan_off_inputs_no_output_reads(kernel, layout, shape_in, shape_out):
    """Bug found in issue 8: the transposed table pads an input no output reads with a weight-0 tap of
    output 0, so every kernel computed ``0 * g[0]`` there and a NaN/Inf in ``g[..., 0, 0]`` reached
    (for 16 -> 4 bilinear) 100 inputs instead of the 4 it is the gradient of. Those rows are now set to
    0 after each step (``DeviceTable.unread``, ``Fused.unread``)."""
    spec = PRESETS["pytorch_bilinear"].spec
    g = torch.randn(1, 70, *shape_out, dtype=torch.float64)
    g[0, 0, 0, 0] = float("nan")
    g[0, 1, 0, 0] = float("inf")
    if layout == "channels_last":
        g = g.contiguous(memory_format=torch.channels_last)
    want = torch.from_numpy(reference.adjoint(g.contiguous().numpy(), (1, 70) + shape_in, shape_out, None,
                                              spec=spec))
    _axis.FORCE = None if kernel is None else (kernel, "gather")
    clear_cache()
    dx = _ops.Adjoint.apply(g, list(shape_in), None, None, *_ops.spec_args(spec))
    assert torch.equal(torch.isnan(dx), torch.isnan(want))
    assert torch.equal(torch.isinf(dx), torch.isinf(want))
    finite = torch.isfinite(want)
    torch.testing.assert_close(dx[finite], want[finite], rtol=1e-12, atol=1e-12)


def test_call_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(_fast, "CALLS_MAX", 3)
    for n in range(6):
        resize(torch.randn(1, 1, 4, 4 + n), (8, 8), preset="pytorch_bilinear")
    assert len(_fast.CALLS) == 3
    assert [key[0][-1] for key in _fast.CALLS] == [7, 8, 9]  # the oldest went first


def test_default_uses_the_regular_plan_for_the_adjoint_only(monkeypatch):
    monkeypatch.setattr(_axis, "REGULAR_PLANS", ("adjoint",))
    x = torch.randn(2, 3, 32, 32, dtype=torch.float64, requires_grad=True)
    y = resize(x, (8, 8), preset="pytorch_bilinear")
    y.backward(torch.ones_like(y))
    assert [plan.adjoint for plan in _regular_plans()] == [True]
    spec = PRESETS["pytorch_bilinear"].spec
    want = reference.adjoint(np.ones((2, 3, 8, 8)), x.shape, (8, 8), None, spec=spec)
    np.testing.assert_allclose(x.grad.numpy(), want, rtol=1e-12, atol=1e-12)
