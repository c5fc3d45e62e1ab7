"""consistent_resize_torch against the NumPy reference: forward, gradient (the spec's adjoint), higher
gradients, dtypes, layouts, the layer and bad input."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import given, strategies as st

torch = pytest.importorskip("torch")

from consistent_resize import COORDINATE_ARITHMETICS, COORDINATE_TRANSFORMATION_MODES, NEAREST_MODES  # noqa: E402
from consistent_resize import ResizeSpec, reference  # noqa: E402
from consistent_resize_torch import Resize, resize  # noqa: E402


@st.composite
def specs(draw):
    mode = draw(st.sampled_from(["nearest", "linear", "cubic"]))
    fields = dict(
        mode=mode,
        coordinate_transformation_mode=draw(st.sampled_from(COORDINATE_TRANSFORMATION_MODES)),
        coordinate_arithmetic=draw(st.sampled_from(COORDINATE_ARITHMETICS)),
        keep_aspect_ratio_policy=draw(st.sampled_from(["stretch", "stretch", "not_larger", "not_smaller"])),
        extrapolation_value=draw(st.sampled_from([0.0, -2.5])),
    )
    if mode == "nearest":
        fields["nearest_mode"] = draw(st.sampled_from(NEAREST_MODES))
    else:
        fields["antialias"] = draw(st.sampled_from([0, 1]))
        fields["exclude_outside"] = draw(st.sampled_from([0, 1]))
    if mode == "cubic":
        fields["cubic_coeff_a"] = draw(st.sampled_from([-0.75, -0.5]))
    return ResizeSpec(**fields)


@st.composite
def cases(draw):
    """(spec, x shape, size or None, scale_factor or None, roi or None)."""
    spec = draw(specs())
    spatial = draw(st.integers(1, 3))
    in_sizes = draw(st.lists(st.integers(1, 6), min_size=spatial, max_size=spatial))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), *in_sizes)
    size = scale = roi = None
    if draw(st.booleans()):
        # up, down and size 1
        size = tuple(draw(st.sampled_from([1, max(i // 2, 1), i + 1, 2 * i + 1])) for i in in_sizes)
    else:
        scale = tuple(draw(st.sampled_from([0.5, 0.75, 1.0, 1.5, 2.0, 3.0])) for _ in in_sizes)
    if spec.coordinate_transformation_mode == "tf_crop_and_resize" and draw(st.booleans()):
        starts = [draw(st.sampled_from([-0.2, 0.0, 0.3])) for _ in in_sizes]
        ends = [draw(st.sampled_from([0.6, 1.0, 1.3])) for _ in in_sizes]
        roi = starts + ends
    return spec, shape, size, scale, roi


def _call_reference(x, size, scale, spec, roi):
    try:
        return reference.resize(x, size, scale, spec=spec, roi=roi), None
    except ValueError as error:
        return None, error


@given(cases(), st.integers(0, 2**31 - 1))
def test_forward_and_gradient_equal_reference(case, seed):
    spec, shape, size, scale, roi = case
    rng = np.random.default_rng(seed)
    x_np = rng.standard_normal(shape)
    expected, error = _call_reference(x_np, size, scale, spec, roi)
    x = torch.tensor(x_np, requires_grad=True)
    if error is not None:  # the core refuses (e.g. antialias weights summing to 0): so must we
        with pytest.raises(ValueError):
            resize(x, size, scale, spec=spec, roi=roi)
        return
    y = resize(x, size, scale, spec=spec, roi=roi)
    assert y.shape == expected.shape and y.dtype == torch.float64
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-12, atol=1e-12)
    g = rng.standard_normal(expected.shape)
    (grad,) = torch.autograd.grad(y, x, torch.tensor(g))
    adjoint = reference.adjoint(g, shape, size, scale, spec=spec, roi=roi)
    np.testing.assert_allclose(grad.numpy(), adjoint, rtol=1e-12, atol=1e-12)
    # the adjoint identity <resize(x), g> == <x, grad> (extrapolation adds a constant: remove it)
    with torch.no_grad():
        y0 = resize(x, size, scale, spec=spec.replace(extrapolation_value=0.0), roi=roi)
        assert float((y0 * torch.tensor(g)).sum()) == pytest.approx(float((x * grad).sum()), rel=1e-10, abs=1e-10)


GRADCHECK_SPECS = [
    (ResizeSpec(mode="linear"), (5, 7)),
    (ResizeSpec(mode="cubic", antialias=1, exclude_outside=1, cubic_coeff_a=-0.5), (3, 4)),
    (ResizeSpec(mode="nearest", coordinate_transformation_mode="align_corners", nearest_mode="ceil"), (6, 2)),
    (ResizeSpec(mode="linear", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=1.5),
     (4, 9)),
]


def _id(value):
    return value.describe() if isinstance(value, ResizeSpec) else str(value)


@pytest.mark.parametrize("spec,size", GRADCHECK_SPECS, ids=_id)
def test_gradcheck_and_gradgradcheck(spec, size):
    x = torch.randn(2, 2, 4, 5, dtype=torch.float64, requires_grad=True)
    roi = [-0.1, 0.2, 1.2, 0.9] if spec.coordinate_transformation_mode == "tf_crop_and_resize" else None
    fn = lambda t: resize(t, size, spec=spec, roi=roi)  # noqa: E731
    assert torch.autograd.gradcheck(fn, (x,))
    assert torch.autograd.gradgradcheck(fn, (x,))


def test_second_derivative_is_the_forward_map():
    """d/dg <A^T g, h> = A h: the gradient of the gradient applies the forward tables again."""
    spec = ResizeSpec(mode="cubic", coordinate_transformation_mode="half_pixel_symmetric")
    x = torch.randn(1, 1, 5, 4, dtype=torch.float64, requires_grad=True)
    g = torch.randn(1, 1, 7, 3, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(resize(x, (7, 3), spec=spec), x, g, create_graph=True)
    h = torch.randn_like(x)
    (gg,) = torch.autograd.grad(grad, g, h)
    np.testing.assert_allclose(gg.numpy(), reference.resize(h.numpy(), (7, 3), spec=spec), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32])
@pytest.mark.parametrize("preset", ["pytorch_bicubic", "chainer", "pillow_bilinear", "tf_nearest"])
def test_low_precision_dtypes_round_once(dtype, preset):
    x = torch.randn(2, 3, 9, 6).to(dtype)
    y = resize(x, (5, 13), preset=preset)
    assert y.dtype == dtype
    expected = reference.resize(x.double().numpy(), (5, 13), preset=preset)
    # accumulated in float32 and rounded once: within the dtype's rounding of the exact result
    torch.testing.assert_close(y.double(), torch.tensor(expected).to(dtype).double(),
                               rtol=torch.finfo(dtype).eps, atol=1e-6)
    xg = x.clone().requires_grad_()
    g = torch.randn(2, 3, 5, 13).to(dtype)
    (grad,) = torch.autograd.grad(resize(xg, (5, 13), preset=preset), xg, g)
    assert grad.dtype == dtype
    adjoint = reference.adjoint(g.double().numpy(), x.shape, (5, 13), preset=preset)
    torch.testing.assert_close(grad.double(), torch.tensor(adjoint).to(dtype).double(),
                               rtol=torch.finfo(dtype).eps, atol=1e-6)


@pytest.mark.parametrize("rank,fmt", [(4, torch.channels_last), (5, torch.channels_last_3d)])
def test_channels_last_in_channels_last_out(rank, fmt):
    x = torch.randn(2, 3, *([5, 4, 6][: rank - 2]), dtype=torch.float64)
    xl = x.contiguous(memory_format=fmt).requires_grad_()
    size = [7, 3, 9][: rank - 2]
    y = resize(xl, size, preset="pytorch_bilinear")
    assert y.is_contiguous(memory_format=fmt) and not y.is_contiguous()
    np.testing.assert_allclose(y.detach().numpy(), reference.resize(x.numpy(), size, preset="pytorch_bilinear"),
                               rtol=1e-12, atol=1e-12)
    g = torch.randn(y.shape, dtype=torch.float64).contiguous(memory_format=fmt)
    (grad,) = torch.autograd.grad(y, xl, g)
    adjoint = reference.adjoint(g.numpy(), x.shape, size, preset="pytorch_bilinear")
    np.testing.assert_allclose(grad.numpy(), adjoint, rtol=1e-12, atol=1e-12)


def test_size_from_another_tensor_and_single_int():
    x = torch.randn(1, 2, 4, 6, dtype=torch.float64)
    feat = torch.randn(1, 8, 7, 5)
    y = resize(x, feat.shape[-2:], preset="pytorch_bicubic")
    np.testing.assert_allclose(y.numpy(), reference.resize(x.numpy(), (7, 5), preset="pytorch_bicubic"))
    assert resize(x, 3).shape == (1, 2, 3, 3)
    assert resize(torch.randn(1, 1, 4, 4, 4), scale_factor=2).shape == (1, 1, 8, 8, 8)


def test_nan_reaches_only_the_outputs_that_read_it():
    x = torch.zeros(1, 1, 8, 8, dtype=torch.float64)
    x[0, 0, 3, 5] = float("nan")
    for preset in ["pytorch_bicubic", "pillow_bicubic", "tf_nearest"]:
        y = resize(x, (5, 11), preset=preset).numpy()
        expected = reference.resize(x.numpy(), (5, 11), preset=preset)
        np.testing.assert_array_equal(np.isfinite(y), np.isfinite(expected))


def test_module_matches_function_and_has_a_readable_repr():
    layer = Resize((4, 6), preset="chainer")
    assert repr(layer) == "Resize(size=(4, 6), preset='chainer')"
    spec = ResizeSpec(mode="cubic", antialias=1)
    assert "ResizeSpec(mode='cubic', antialias=1)" in repr(Resize(scale_factor=0.5, spec=spec))
    x = torch.randn(2, 3, 5, 5)
    assert torch.equal(layer(x), resize(x, (4, 6), preset="chainer"))
    assert list(layer.parameters()) == [] and list(layer.buffers()) == []
    assert layer.state_dict() == {}


def test_signature_defaults():
    params = inspect.signature(resize).parameters
    assert [p for p in params][:3] == ["x", "size", "scale_factor"]
    assert params["size"].default is None and params["scale_factor"].default is None
    assert params["spec"].default is None and params["preset"].default is None
    assert params["spec"].kind is inspect.Parameter.KEYWORD_ONLY
    layer_params = inspect.signature(Resize).parameters
    assert list(layer_params)[:2] == ["size", "scale_factor"]
    # neither spec nor preset: ONNX's default Resize (nearest, half_pixel, round_prefer_floor)
    x = torch.randn(1, 1, 5, 3, dtype=torch.float64)
    expected = reference.resize(x.numpy(), (7, 2), spec=ResizeSpec())
    np.testing.assert_array_equal(resize(x, (7, 2)).numpy(), expected)


BAD_INPUT = [
    (lambda: resize(torch.randn(4, 4), (2, 2)), ValueError, "rank 3, 4 or 5"),
    (lambda: resize(torch.randn(1, 1, 1, 1, 1, 4), (2, 2, 2, 2)), ValueError, "rank 3, 4 or 5"),
    (lambda: resize(torch.ones(1, 1, 4, 4, dtype=torch.int64), (2, 2)), TypeError, "float16, bfloat16"),
    (lambda: resize(torch.ones(1, 1, 4, 4, dtype=torch.uint8), (2, 2)), TypeError, "dtype uint8"),
    (lambda: resize(np.ones((1, 1, 4, 4)), (2, 2)), TypeError, "torch.Tensor"),
    (lambda: resize(torch.randn(1, 1, 4, 4).to_sparse(), (2, 2)), TypeError, "dense"),
    (lambda: resize(torch.randn(1, 1, 4, 4), (2, 2), scale_factor=2.0), ValueError, "exactly one of size"),
    (lambda: resize(torch.randn(1, 1, 4, 4)), ValueError, "exactly one of size"),
    (lambda: resize(torch.randn(1, 1, 4, 4), (2, 2, 2)), ValueError, "size has 3 entries but x has 2 spatial"),
    (lambda: resize(torch.randn(1, 1, 4, 4), scale_factor=(2.0,)), ValueError, "scale_factor has 1 entries"),
    (lambda: resize(torch.randn(1, 1, 4, 4), (0, 2)), ValueError, "size entries must be >= 1"),
    (lambda: resize(torch.randn(1, 1, 4, 4), (2.5, 2)), TypeError, "size entries must be integers"),
    (lambda: resize(torch.randn(1, 1, 4, 4), scale_factor=0.1), ValueError, "output size must be >= 1"),
    (lambda: resize(torch.randn(1, 1, 4, 4), scale_factor=-1.0), ValueError, "finite and > 0"),
    (lambda: resize(torch.randn(1, 1, 0, 4), (2, 2)), ValueError, "empty spatial dimension"),
    (lambda: resize(torch.randn(1, 1, 4, 4), (2, 2), preset="pytorch_bilinar"), ValueError, "pytorch_bilinear"),
    (lambda: resize(torch.randn(1, 1, 4, 4), (2, 2), spec=ResizeSpec(), preset="chainer"), ValueError, "not both"),
    (lambda: resize(torch.randn(1, 1, 4, 4), (2, 2), spec={"mode": "linear"}), TypeError, "ResizeSpec"),
    (lambda: resize(torch.randn(1, 1, 4, 4), (2, 2), roi=[0, 0, 1, 1]), ValueError, "roi is only used"),
    (lambda: Resize(), ValueError, "exactly one of size"),
    (lambda: Resize((2, 0)), ValueError, ">= 1"),
    (lambda: Resize((2, 2), preset="nope"), ValueError, "unknown preset"),
]


@pytest.mark.parametrize("call,error,message", BAD_INPUT, ids=[m for _, _, m in BAD_INPUT])
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_meta_tensors_give_shapes_only():
    """The tables follow tensors to any supported device; on 'meta' only the shape is computed."""
    y = resize(torch.empty(2, 3, 5, 4, device="meta"), (7, 9), preset="pytorch_bicubic")
    assert y.device.type == "meta" and y.shape == (2, 3, 7, 9)


def test_device_tables_are_built_once():
    from consistent_resize_torch import _tables

    x = torch.randn(1, 2, 11, 7)
    resize(x, (5, 13), preset="tf_bicubic")
    entries = dict(_tables._CACHE)
    resize(x, (5, 13), preset="tf_bicubic")
    assert all(_tables._CACHE[k] is v for k, v in entries.items()) and len(_tables._CACHE) == len(entries)
    assert any(k[0] == 11 and k[1] == 5 and k[-3:] == ("cpu", torch.float32, False) for k in entries)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available")
def test_cuda_matches_cpu_and_caches_tables_once():
    from consistent_resize_torch import _tables

    x = torch.randn(2, 3, 17, 13, dtype=torch.float64)
    y_cpu = resize(x, (9, 30), preset="pytorch_bicubic")
    before = len(_tables._CACHE)
    y_gpu = resize(x.cuda(), (9, 30), preset="pytorch_bicubic")
    after = len(_tables._CACHE)
    resize(x.cuda(), (9, 30), preset="pytorch_bicubic")
    assert len(_tables._CACHE) == after > before
    torch.testing.assert_close(y_gpu.cpu(), y_cpu, rtol=1e-12, atol=1e-12)


def test_layer_pickles_and_deepcopies_without_tables():
    import copy
    import io
    import pickle

    model = torch.nn.Sequential(torch.nn.Conv2d(2, 2, 1), Resize((5, 3), preset="pytorch_bicubic"))
    x = torch.randn(1, 2, 4, 4)
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        torch.testing.assert_close(clone(x), model(x), rtol=0, atol=0)
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    assert not any(k.startswith("1.") for k in model.state_dict())  # the layer adds nothing to a checkpoint


def test_docstring_examples():
    import doctest

    from consistent_resize_torch import functional, layer

    for module in (functional, layer):
        result = doctest.testmod(module, extraglobs={"torch": torch})
        assert result.attempted > 0 and result.failed == 0, module.__name__
