"""The two PyTorch operators: ``consistent_resize::resize`` (``y = A x``, plus ``extrapolation_value``
where a source lies outside, ``tf_crop_and_resize`` only) and ``consistent_resize::resize_adjoint``
(``A^T g``).

They are ``torch.library`` custom operators, so ``torch.compile`` (also with ``dynamic=True``),
``torch.export``, ``torch.func`` and ``vmap`` see one opaque operator whose tables are looked up when it
runs, with the concrete sizes, from the per-device cache (``_tables``); nothing in the forward syncs with
the host. The autograd Functions ``Resize`` and ``Adjoint`` below make each operator's gradient the
other one, so gradients of any order are exact (call those, not the bare operators, to differentiate).

Every axis is one gather-and-sum over K taps: ``out = sum_k weight[:, k] * x.index_select(axis,
index[:, k])``, accumulated in float32 (float16/bfloat16/float32 inputs) or float64. The adjoint gathers
with the transposed table (no atomic scatter): deterministic on every device.
"""

from __future__ import annotations

import functools
from typing import Optional, Sequence

import torch

from consistent_resize.spec import KERNEL_PARAMETERS as KERNEL_PARAMETER_FIELDS, ONNX_ATTRIBUTES, ResizeSpec

from . import _axis

#: The ResizeSpec fields, in the order the operators take them.
SPEC_FIELDS = ONNX_ATTRIBUTES + ("coordinate_arithmetic", "kernel_parameters")
#: The kernel parameters of the modes beyond ONNX, carried as one float list (the last operator argument).
KERNEL_PARAMETERS = tuple(KERNEL_PARAMETER_FIELDS)


def spec_args(spec: ResizeSpec) -> tuple:
    """The operator arguments that carry ``spec``."""
    fields = tuple(getattr(spec, name) for name in SPEC_FIELDS[:-1])
    return fields + ([float(getattr(spec, name)) for name in KERNEL_PARAMETERS],)


@functools.lru_cache(maxsize=256)
def _cached_spec(*fields) -> ResizeSpec:
    *onnx_fields, kernel_parameters = fields
    return ResizeSpec(**dict(zip(SPEC_FIELDS[:-1], onnx_fields)), **dict(zip(KERNEL_PARAMETERS, kernel_parameters)))


def _spec(*fields) -> ResizeSpec:
    *onnx_fields, kernel_parameters = fields
    return _cached_spec(*onnx_fields, tuple(kernel_parameters))


def compute_dtype(dtype: torch.dtype) -> torch.dtype:
    """float64 stays float64; float16, bfloat16 and float32 accumulate in float32."""
    return torch.float64 if dtype == torch.float64 else torch.float32


def output_memory_format(x: torch.Tensor) -> torch.memory_format:
    """channels_last (channels_last_3d) when ``x`` is laid out that way and not also plainly contiguous."""
    if x.dim() == 4 and not x.is_contiguous() and x.is_contiguous(memory_format=torch.channels_last):
        return torch.channels_last
    if x.dim() == 5 and not x.is_contiguous() and x.is_contiguous(memory_format=torch.channels_last_3d):
        return torch.channels_last_3d
    return torch.contiguous_format


def _resize_impl(x, sizes, scales, roi, *spec_fields):
    """The body of ``resize_op`` (also called directly by the eager fast path)."""
    spec = _spec(*spec_fields)
    fmt = output_memory_format(x)
    y = _axis.run(x, sizes, scales, roi, spec, compute_dtype(x.dtype), fmt != torch.contiguous_format,
                  False, spec.extrapolation_value)
    return y.to(x.dtype).contiguous(memory_format=fmt)


def _adjoint_impl(grad, in_sizes, scales, roi, *spec_fields):
    """The body of ``resize_adjoint_op`` (also called directly by the eager fast path)."""
    spec = _spec(*spec_fields)
    fmt = output_memory_format(grad)
    channels_last = fmt != torch.contiguous_format
    g = _axis.run(grad, in_sizes, scales, roi, spec, compute_dtype(grad.dtype), channels_last, True)
    return g.to(grad.dtype).contiguous(memory_format=fmt)


def _plain_eager(t: torch.Tensor) -> bool:
    """True when nothing traces or transforms this call: a plain CPU/CUDA tensor, no torch.compile /
    export / jit trace, no functorch transform, no TorchDispatchMode. Then the operator's body is called
    directly (the custom operator's Python dispatch costs tens of microseconds per call); otherwise the
    registered operator is called, so every tracer sees one opaque ``consistent_resize::resize``."""
    return (
        type(t) is torch.Tensor
        and t.device.type in ("cpu", "cuda")
        and not torch.compiler.is_compiling()
        and not torch._C._are_functorch_transforms_active()
        and not torch.jit.is_tracing()
        and not _dispatch_mode_active()
    )


def _dispatch_mode_active() -> bool:
    return torch._C._len_torch_dispatch_stack() > 0


@torch.library.custom_op("consistent_resize::resize", mutates_args=())
def resize_op(
    x: torch.Tensor,
    sizes: Sequence[int],
    scales: Optional[Sequence[float]],
    roi: Optional[Sequence[float]],
    mode: str,
    coordinate_transformation_mode: str,
    nearest_mode: str,
    cubic_coeff_a: float,
    exclude_outside: int,
    antialias: int,
    extrapolation_value: float,
    keep_aspect_ratio_policy: str,
    coordinate_arithmetic: str,
    kernel_parameters: Sequence[float],
) -> torch.Tensor:
    """``A x`` (+ ``extrapolation_value`` where outside) over the trailing ``len(sizes)`` axes."""
    return _resize_impl(x, sizes, scales, roi, mode, coordinate_transformation_mode, nearest_mode,
                        cubic_coeff_a, exclude_outside, antialias, extrapolation_value,
                        keep_aspect_ratio_policy, coordinate_arithmetic, kernel_parameters)


@resize_op.register_fake
def _resize_fake(x, sizes, scales, roi, *spec_fields):
    if torch.onnx.is_in_onnx_export():  # torch.onnx.export(dynamo=True)'s strict capture (see _onnx)
        from ._onnx import strict_capture_error; raise strict_capture_error()  # noqa: E702
    shape = list(x.shape[: x.dim() - len(sizes)]) + list(sizes)
    return torch.empty(shape, dtype=x.dtype, device=x.device, memory_format=output_memory_format(x))


@torch.library.custom_op("consistent_resize::resize_adjoint", mutates_args=())
def resize_adjoint_op(
    grad: torch.Tensor,
    in_sizes: Sequence[int],
    scales: Optional[Sequence[float]],
    roi: Optional[Sequence[float]],
    mode: str,
    coordinate_transformation_mode: str,
    nearest_mode: str,
    cubic_coeff_a: float,
    exclude_outside: int,
    antialias: int,
    extrapolation_value: float,
    keep_aspect_ratio_policy: str,
    coordinate_arithmetic: str,
    kernel_parameters: Sequence[float],
) -> torch.Tensor:
    """``A^T grad``: the gradient of ``resize_op`` whose input had trailing sizes ``in_sizes``."""
    return _adjoint_impl(grad, in_sizes, scales, roi, mode, coordinate_transformation_mode, nearest_mode,
                         cubic_coeff_a, exclude_outside, antialias, extrapolation_value,
                         keep_aspect_ratio_policy, coordinate_arithmetic, kernel_parameters)


@resize_adjoint_op.register_fake
def _adjoint_fake(grad, in_sizes, scales, roi, *spec_fields):
    shape = list(grad.shape[: grad.dim() - len(in_sizes)]) + list(in_sizes)
    return torch.empty(shape, dtype=grad.dtype, device=grad.device, memory_format=output_memory_format(grad))


def _fast_apply(function_cls, impl, args):
    """``Function.apply`` without its per-call ``inspect.signature`` binding (the operators are always
    called with all 14 arguments positionally, so the binding changes nothing). In plain eager mode
    where autograd would record nothing (grad disabled or no input requiring grad, no forward-mode AD
    level), the operator body runs directly. Functorch transforms take the standard path."""
    if torch._C._are_functorch_transforms_active():
        return torch.autograd.Function.apply.__func__(function_cls, *args)
    x = args[0]
    if (
        _plain_eager(x)
        and not (x.requires_grad and torch.is_grad_enabled())
        and torch.autograd.forward_ad._current_level < 0
    ):
        return impl(*args)
    args = torch._functorch.utils.unwrap_dead_wrappers(args)
    return super(torch.autograd.Function, function_cls).apply(*args)


# -- autograd: each operator's gradient is the other one ---------------------------------------------
# An autograd.Function (with setup_context and a generated vmap rule) rather than register_autograd on
# the operators, so that torch.func.grad/vjp/jacrev work too.
class Resize(torch.autograd.Function):
    """``resize_op`` with the adjoint as gradient. Call ``Resize.apply(x, sizes, scales, roi, *spec)``."""

    generate_vmap_rule = True

    @classmethod
    def apply(cls, *args, **kwargs):  # torch.compile never runs this: dynamo traces forward/backward
        if kwargs:
            return super().apply(*args, **kwargs)
        return _fast_apply(cls, _resize_impl, args)

    @staticmethod
    def forward(x, sizes, scales, roi, mode, transformation, nearest, a, exclude, antialias, value, policy,
                arithmetic, kernel_parameters):  # named, not *args: dynamo needs the explicit signature
        op = _resize_impl if _plain_eager(x) else resize_op
        return op(x, sizes, scales, roi, mode, transformation, nearest, a, exclude, antialias, value, policy,
                  arithmetic, kernel_parameters)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, sizes, scales, roi, *spec_fields = inputs
        ctx.in_sizes = list(x.shape[x.dim() - len(sizes):])
        ctx.rest = (scales, roi, *spec_fields)

    @staticmethod
    def backward(ctx, grad):
        return (Adjoint.apply(grad, ctx.in_sizes, *ctx.rest),) + (None,) * 13


class Adjoint(torch.autograd.Function):
    """``resize_adjoint_op``; its gradient is ``Resize`` without the extrapolation constant."""

    generate_vmap_rule = True

    @classmethod
    def apply(cls, *args, **kwargs):
        if kwargs:
            return super().apply(*args, **kwargs)
        return _fast_apply(cls, _adjoint_impl, args)

    @staticmethod
    def forward(grad, in_sizes, scales, roi, mode, transformation, nearest, a, exclude, antialias, value,
                policy, arithmetic, kernel_parameters):
        op = _adjoint_impl if _plain_eager(grad) else resize_adjoint_op
        return op(grad, in_sizes, scales, roi, mode, transformation, nearest, a, exclude, antialias, value,
                  policy, arithmetic, kernel_parameters)

    @staticmethod
    def setup_context(ctx, inputs, output):
        grad, in_sizes, scales, roi, *spec_fields = inputs
        ctx.out_sizes = list(grad.shape[grad.dim() - len(in_sizes):])
        spec_fields[SPEC_FIELDS.index("extrapolation_value")] = 0.0  # A h: the linear part only
        ctx.rest = (scales, roi, *spec_fields)

    @staticmethod
    def backward(ctx, grad_grad):
        return (Resize.apply(grad_grad, ctx.out_sizes, *ctx.rest),) + (None,) * 13


# -- vmap: a vmapped dimension is folded into the batch dimension ------------------------------------
def _vmap_rule(op):
    def rule(info, in_dims, x, sizes, *rest):
        bdim = in_dims[0]
        if bdim is None:
            return op(x, sizes, *rest), None
        x = x.movedim(bdim, 0)
        batch = x.shape[0]
        y = op(x.flatten(0, 1), sizes, *rest)
        return y.unflatten(0, (batch, -1)), 0

    return rule


torch.library.register_vmap(resize_op, _vmap_rule(resize_op))
torch.library.register_vmap(resize_adjoint_op, _vmap_rule(resize_adjoint_op))
