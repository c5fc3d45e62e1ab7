"""consistent_resize_torch under PyTorch's transforms: torch.compile (fullgraph, also dynamic), torch.func
grad and vmap, torch.export and deterministic mode (DDP: test_torch_ddp.py)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from consistent_resize import ResizeSpec, reference  # noqa: E402
from consistent_resize_torch import Resize, resize  # noqa: E402

SPEC = ResizeSpec(mode="cubic", antialias=1, coordinate_transformation_mode="half_pixel_symmetric")
CROP = ResizeSpec(mode="linear", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-1.0)


def _eager_and_grad(fn, *args):
    x = args[0].detach().clone().requires_grad_()
    y = fn(x, *args[1:])
    (grad,) = torch.autograd.grad(y, x, torch.ones_like(y))
    return y.detach(), grad


def test_compile_fullgraph_equals_eager_forward_and_gradient():
    torch._dynamo.reset()

    def fn(x):
        return resize(torch.tanh(x), (7, 3), spec=SPEC) * 2 + resize(x, scale_factor=1.5, spec=CROP).mean()

    # aot_eager: dynamo + AOTAutograd (fake tensors, functionalization, the backward graph) without
    # inductor's C++ build; inductor runs in the dynamic test below
    compiled = torch.compile(fn, fullgraph=True, backend="aot_eager")
    x = torch.randn(2, 3, 6, 5)
    y_eager, g_eager = _eager_and_grad(fn, x)
    y_comp, g_comp = _eager_and_grad(compiled, x)
    torch.testing.assert_close(y_comp, y_eager, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(g_comp, g_eager, rtol=1e-6, atol=1e-6)


def test_compile_dynamic_follows_new_sizes_without_recompiling():
    torch._dynamo.reset()

    def fn(x, feat):
        return resize(x, feat.shape[-2:], preset="pytorch_bilinear") + feat

    compiled = torch.compile(fn, fullgraph=True, dynamic=True)
    for shape, target in [((2, 3, 5, 7), (9, 4)), ((3, 3, 6, 8), (11, 5)), ((4, 3, 4, 4), (2, 13))]:
        x, feat = torch.randn(shape), torch.randn(1, 3, *target)
        if shape[0] != 2:
            with torch._dynamo.config.patch(error_on_recompile=True):
                y = compiled(x, feat)
        else:
            y = compiled(x, feat)
        torch.testing.assert_close(y, fn(x, feat), rtol=0, atol=0)
        expected = reference.resize(x.double().numpy(), target, preset="pytorch_bilinear") + feat.double().numpy()
        np.testing.assert_allclose(y.numpy(), expected, rtol=1e-5, atol=1e-5)


def test_func_grad_and_vmap_equal_eager():
    from torch.func import grad, vmap

    def loss(x):
        return resize(x, (4, 9), spec=CROP, roi=[0.1, -0.2, 1.1, 0.8]).square().sum()

    xs = torch.randn(3, 2, 2, 5, 6, dtype=torch.float64)
    eager = []
    for x in xs:
        xr = x.clone().requires_grad_()
        loss(xr).backward()
        eager.append(xr.grad)
    torch.testing.assert_close(grad(loss)(xs[0]), eager[0], rtol=0, atol=0)
    torch.testing.assert_close(vmap(grad(loss))(xs), torch.stack(eager), rtol=1e-12, atol=1e-12)
    batched = vmap(lambda t: resize(t, (4, 9), spec=SPEC), in_dims=1)(xs.transpose(0, 1))
    torch.testing.assert_close(batched, torch.stack([resize(x, (4, 9), spec=SPEC) for x in xs]), rtol=0, atol=0)


def test_torch_export_equals_eager_with_a_dynamic_batch():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 1), Resize((7, 5), spec=SPEC))
    x = torch.randn(2, 3, 6, 4)
    batch = torch.export.Dim("batch", min=1, max=64)
    program = torch.export.export(model, (x,), dynamic_shapes=({0: batch},))
    ops = [n.target for n in program.graph.nodes if n.op == "call_function"]
    assert torch.ops.consistent_resize.resize.default in ops
    for n in (2, 5):
        x = torch.randn(n, 3, 6, 4)
        torch.testing.assert_close(program.module()(x), model(x), rtol=0, atol=0)


def test_deterministic_mode_and_bitwise_equal_backward_passes(torch_deterministic):
    x = torch.randn(4, 3, 32, 24)
    g = torch.randn(4, 3, 80, 10)
    grads = []
    for _ in range(2):
        xr = x.clone().requires_grad_()
        (grad,) = torch.autograd.grad(resize(xr, (80, 10), preset="pytorch_bicubic_antialias"), xr, g)
        grads.append(grad)
    assert torch.equal(grads[0], grads[1])
