"""The PyTorch layer's fast kernels (issue 8) compute exactly what the gather path and the NumPy
reference compute: ``bag`` (embedding_bag), ``dense`` (matrix product, CPU, finite inputs only),
``strided`` (periodic tables as strided views), the ``fused`` channels_last step, the whole-plan
finiteness check of small dense plans, and the eager fast path that skips the custom operator's dispatch.

Every test forces a kernel with ``_axis.FORCE`` and asserts that the plan really uses it, so a test cannot
pass by silently falling back to the gather path.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

torch = pytest.importorskip("torch")

from consistent_resize import COORDINATE_TRANSFORMATION_MODES, ResizeSpec, reference  # noqa: E402
from consistent_resize.presets import PRESETS  # noqa: E402
from consistent_resize_torch import _axis, _ops, resize  # noqa: E402

KERNELS = ("bag", "dense", "strided", "gather")


@pytest.fixture(autouse=True)
def _restore_force():
    yield
    _axis.FORCE = None
    _axis.clear_cache()


def _force(*names):
    _axis.FORCE = names or None
    _axis.clear_cache()


def _kernels_used() -> set:
    used = set()
    for plan in _axis._CACHE.values():
        for step in plan.steps:
            used.add("fused" if isinstance(step, _axis.Fused) else step.kernel)
    return used


def _forward_and_grad(x, size, spec, g):
    xr = x.detach().clone().requires_grad_()
    y = resize(xr, size, spec=spec)
    y.backward(g)
    return y.detach(), xr.grad


def _assert_reference(x, size, spec, y, grad, g):
    expected = reference.resize(x.numpy(), size, spec=spec)
    adjoint = reference.adjoint(g.numpy(), tuple(x.shape), size, None, spec=spec)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad.numpy(), adjoint, rtol=1e-12, atol=1e-12)


@st.composite
def _cases(draw):
    mode = draw(st.sampled_from(["nearest", "linear", "cubic"]))
    transformation = draw(st.sampled_from(COORDINATE_TRANSFORMATION_MODES))
    fields = dict(mode=mode, coordinate_transformation_mode=transformation)
    if mode != "nearest":
        fields["antialias"] = draw(st.sampled_from([0, 1]))
        fields["exclude_outside"] = draw(st.sampled_from([0, 1]))
    spec = ResizeSpec(**fields)
    spatial = draw(st.integers(1, 3))
    in_sizes = [draw(st.integers(1, 9)) for _ in range(spatial)]
    size = tuple(draw(st.sampled_from([1, max(i // 3, 1), i + 1, 2 * i, 3 * i, 4 * i + 1])) for i in in_sizes)
    channels = draw(st.sampled_from([1, 3, 70]))  # 70: long channels_last rows (bag, fused)
    layout = draw(st.sampled_from(["nchw", "channels_last"])) if spatial >= 2 else "nchw"
    kernel = draw(st.sampled_from(KERNELS))
    return spec, (2, channels, *in_sizes), size, layout, kernel


@given(_cases())
def test_each_kernel_equals_reference_forward_and_gradient(case):
    spec, shape, size, layout, kernel = case
    x = torch.randn(shape, dtype=torch.float64)
    g = torch.randn(shape[:2] + size, dtype=torch.float64)
    if layout == "channels_last":
        fmt = torch.channels_last if len(shape) == 4 else torch.channels_last_3d
        x, g = x.contiguous(memory_format=fmt), g.contiguous(memory_format=fmt)
    _force(kernel, "gather")
    y, grad = _forward_and_grad(x, size, spec, g)
    _assert_reference(x.contiguous(), size, spec, y, grad, g.contiguous())


@pytest.mark.parametrize("kernel", ["bag", "dense", "strided", "fused"])
@pytest.mark.parametrize(
    "preset", ["pytorch_bilinear", "pytorch_bicubic", "pytorch_nearest", "tf_bilinear_antialias", "chainer"]
)
@pytest.mark.parametrize("layout", ["nchw", "channels_last"])
def test_kernel_is_used_and_equals_gather_path(kernel, preset, layout):
    """Each kernel, where it applies, gives the gather path's numbers (float32, one rounding apart)."""
    spec = PRESETS[preset].spec
    shape, size = ((2, 96, 6, 5), (24, 15)) if kernel in ("dense", "fused") else ((2, 96, 16, 12), (32, 6))
    x = torch.randn(shape)
    g = torch.randn(shape[:2] + size)
    if layout == "channels_last":
        fmt = torch.channels_last
        x, g = x.contiguous(memory_format=fmt), g.contiguous(memory_format=fmt)
    _force("gather")
    y0, grad0 = _forward_and_grad(x, size, spec, g)
    assert _kernels_used() == {"gather"}
    _force(kernel, "gather")
    y1, grad1 = _forward_and_grad(x, size, spec, g)
    if kernel == "fused" and layout == "nchw":
        assert "fused" not in _kernels_used()  # rows of one element: never fused
    else:
        assert kernel in _kernels_used()
    torch.testing.assert_close(y1, y0, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(grad1, grad0, rtol=1e-5, atol=1e-4)
    fmt = torch.channels_last if layout == "channels_last" else torch.contiguous_format
    assert y1.is_contiguous(memory_format=fmt)


def _nonfinite_input(shape, where, value):
    x = torch.randn(shape, dtype=torch.float64)
    for index in where:
        x[index] = value
    return x


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize(
    "shape,size", [((1, 2, 6, 6), (60, 60)), ((3, 2, 40, 5), (4, 30)), ((1, 1, 3, 4), (7, 9))]
)
@pytest.mark.parametrize(
    "preset", ["pytorch_bilinear", "pytorch_bicubic_align_corners", "tf_bilinear_antialias"]
)
def test_dense_kernel_keeps_nan_and_inf_where_the_spec_puts_them(value, shape, size, preset):
    """A dense product would spread a NaN/Inf through zero weights: the dense kernel checks and falls back,
    so non-finite values reach exactly the outputs the reference says (forward and gradient; compared as
    isfinite masks: ``0 * inf`` may give NaN where the reference gives Inf)."""
    spec = PRESETS[preset].spec
    x = _nonfinite_input(shape, [(0, 0, 1, 2), (0, shape[1] - 1, shape[2] - 1, 0)], value)
    g = _nonfinite_input(shape[:2] + size, [(0, 0, size[0] // 2, 1)], value)
    _force("dense", "gather")
    y = resize(x, size, spec=spec)
    grad = _ops.Adjoint.apply(g, list(shape[2:]), None, None, *_ops.spec_args(spec))
    assert "dense" in _kernels_used()
    expected = reference.resize(x.numpy(), size, spec=spec)
    adjoint = reference.adjoint(g.numpy(), shape, size, None, spec=spec)
    for got, want in ((y, expected), (grad, adjoint)):
        want = torch.from_numpy(want)
        assert torch.equal(torch.isfinite(got), torch.isfinite(want))
        finite = torch.isfinite(want)
        torch.testing.assert_close(got[finite], want[finite], rtol=1e-12, atol=1e-12)


def test_dense_kernel_falls_back_on_overflow():
    """Finite inputs whose weighted sums overflow: the dense check sees a non-finite sum and the gather
    path gives the reference's numbers (inf only where the reference has inf)."""
    spec = PRESETS["pytorch_bicubic"].spec
    x = torch.full((1, 1, 4, 4), 3.0e38, dtype=torch.float32)
    x[0, 0, :, 0] = -3.0e38
    _force("gather")
    want = resize(x, (13, 11), spec=spec)
    _force("dense", "gather")
    got = resize(x, (13, 11), spec=spec)
    assert "dense" in _kernels_used()
    assert torch.equal(torch.isfinite(got), torch.isfinite(want))
    torch.testing.assert_close(got[torch.isfinite(got)], want[torch.isfinite(want)])


@pytest.mark.parametrize("layout", ["nchw", "channels_last"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), None])
def test_small_dense_plans_use_one_kronecker_product_checked_once(layout, value):
    """Small all-dense plans are one product with the Kronecker matrix, checked finite once (on the
    output); a NaN/Inf still lands exactly where the spec says (the gather path takes over)."""
    spec = PRESETS["pytorch_bicubic"].spec
    x = torch.randn(2, 3, 4, 5, dtype=torch.float64)
    if value is not None:
        x[0, 1, 0, 0] = value
    if layout == "channels_last":
        x = x.contiguous(memory_format=torch.channels_last)
    _force("dense")
    y = resize(x, (8, 7), spec=spec)
    (plan,) = _axis._CACHE.values()
    assert plan.whole_check and plan.kron is not None
    expected = torch.from_numpy(reference.resize(x.contiguous().numpy(), (8, 7), spec=spec))
    assert torch.equal(torch.isfinite(y), torch.isfinite(expected))
    finite = torch.isfinite(expected)
    torch.testing.assert_close(y[finite], expected[finite], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("in_size,out_size", [(512, 1024), (1024, 256), (6, 60), (9, 4), (12, 30)])
@pytest.mark.parametrize(
    "preset", ["pytorch_bilinear", "pytorch_bicubic", "tf_bilinear_antialias", "pytorch_nearest"]
)
def test_strided_form_describes_the_table(in_size, out_size, preset):
    """The periodic form plus the gathered head/tail rows is the table itself."""
    from consistent_resize.tables import axis_table

    spec = PRESETS[preset].spec
    for transposed in (False, True):
        args = (out_size, in_size) if transposed else (in_size, out_size)
        table = _axis.device_table(*args, spec, None, None, torch.device("cpu"), torch.float64, transposed)
        cols = out_size if transposed else in_size
        form = _axis._strided_form(table, cols)
        if form is None:
            continue
        core = axis_table(in_size, out_size, spec, None, None)
        index = table.index_matrix.numpy()
        for r in range(form.period):
            for k, offset in enumerate(form.offset[r]):
                rows = np.arange(form.first, form.last) * form.period + r
                assert (index[rows, k] == form.step * np.arange(form.first, form.last) + offset).all()
        if not transposed:
            assert table.rows == core.out_size


def test_strided_form_refuses_long_periods():
    table = _axis.device_table(17, 28, PRESETS["pytorch_bilinear"].spec, None, None, torch.device("cpu"),
                               torch.float64)
    assert _axis._strided_form(table, 17) is None  # 28/17: period 28 > STRIDED_MAX_PERIOD


def test_plan_is_cached_per_shape():
    x = torch.randn(1, 2, 9, 7)
    resize(x, (5, 13), preset="tf_bicubic")
    plans = dict(_axis._CACHE)
    resize(x, (5, 13), preset="tf_bicubic")
    assert dict(_axis._CACHE) == plans and all(_axis._CACHE[k] is v for k, v in plans.items())
    resize(torch.randn(1, 2, 9, 8), (5, 13), preset="tf_bicubic")
    assert len(_axis._CACHE) == len(plans) + 1


def test_eager_fast_path_matches_the_operator_path():
    """Inference calls skip the custom operator's dispatch (and autograd); the numbers are the same as
    through the registered operator, and a call that needs autograd still records it."""
    x = torch.randn(2, 3, 7, 5)
    with torch.no_grad():
        fast = resize(x, (11, 4), preset="pytorch_bicubic")
    args = ([11, 4], None, None, *_ops.spec_args(PRESETS["pytorch_bicubic"].spec))
    through_op = _ops.resize_op(x, *args)
    assert torch.equal(fast, through_op)
    assert fast.grad_fn is None
    y = resize(x.requires_grad_(), (11, 4), preset="pytorch_bicubic")
    assert y.grad_fn is not None and torch.equal(y.detach(), through_op)


def test_forward_mode_ad_is_not_silently_dropped():
    import torch.autograd.forward_ad as fwAD

    x = torch.randn(1, 1, 4, 4, dtype=torch.float64)
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, torch.ones_like(x))
        with pytest.raises(Exception, match="jvp"):  # as before the fast path: no jvp rule
            resize(dual, (8, 8), preset="pytorch_bilinear")


@pytest.mark.parametrize("kernel", ["bag", "dense", "strided", "fused"])
def test_backward_is_bitwise_deterministic_for_each_kernel(kernel, torch_deterministic):
    x = torch.randn(2, 80, 6, 8).contiguous(memory_format=torch.channels_last)
    g = torch.randn(2, 80, 24, 16).contiguous(memory_format=torch.channels_last)
    _force(kernel, "gather")
    grads = [_forward_and_grad(x, (24, 16), PRESETS["pytorch_bicubic"].spec, g)[1] for _ in range(2)]
    assert kernel in _kernels_used()
    assert torch.equal(grads[0], grads[1])


@pytest.mark.parametrize("shape", [(0, 3, 64, 64), (2, 0, 6, 6), (0, 96, 6, 6)])
@pytest.mark.parametrize("layout", ["nchw", "channels_last"])
def test_empty_batch_or_channels(shape, layout):
    fmt = torch.channels_last if layout == "channels_last" else torch.contiguous_format
    x = torch.randn(shape).contiguous(memory_format=fmt).requires_grad_()
    y = resize(x, (128, 60), preset="pytorch_bilinear")
    y.sum().backward()
    assert y.shape == shape[:2] + (128, 60) and x.grad.shape == shape
