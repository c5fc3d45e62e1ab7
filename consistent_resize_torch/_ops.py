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
import math
from typing import Optional, Sequence

import torch

from consistent_resize.spec import ResizeSpec

from ._tables import DeviceTable, device_table

#: The ResizeSpec fields, in the order the operators take them.
SPEC_FIELDS = (
    "mode",
    "coordinate_transformation_mode",
    "nearest_mode",
    "cubic_coeff_a",
    "exclude_outside",
    "antialias",
    "extrapolation_value",
    "keep_aspect_ratio_policy",
    "coordinate_arithmetic",
)


def spec_args(spec: ResizeSpec) -> tuple:
    """The operator arguments that carry ``spec``."""
    return tuple(getattr(spec, name) for name in SPEC_FIELDS)


@functools.lru_cache(maxsize=256)
def _spec(*fields) -> ResizeSpec:
    return ResizeSpec(**dict(zip(SPEC_FIELDS, fields)))


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


def _axis_plans(in_sizes, out_sizes, scales, roi):
    count = len(in_sizes)
    rois = [None] * count if roi is None else [(float(roi[i]), float(roi[count + i])) for i in range(count)]
    scale_list = [None] * count if scales is None else [float(s) for s in scales]
    return [(int(i), int(o), s, r) for i, o, s, r in zip(in_sizes, out_sizes, scale_list, rois)]


def _gather_sum(y: torch.Tensor, axis: int, table: DeviceTable) -> torch.Tensor:
    """One axis: ``out[:, o, :] = sum_k weight[k][o] * y[:, index[k][o], :]`` on a (before, axis, after)
    view (index_select on a 3-D view: much faster on CPU than on the last axis of a 4-D/5-D tensor)."""
    shape = tuple(y.shape)
    before = math.prod(shape[:axis])
    after = math.prod(shape[axis + 1:])
    y3 = y.reshape(before, shape[axis], after)
    out = None
    for index, weight in zip(table.index, table.weight):
        term = y3.index_select(1, index)
        w = weight.view(1, table.rows, 1)
        out = term.mul_(w) if out is None else out.addcmul_(term, w)
    return out.view(shape[:axis] + (table.rows,) + shape[axis + 1:])


def _cheapest_order(from_sizes, to_sizes) -> list[int]:
    """The axes in the order that keeps intermediate tensors smallest: shrinking axes first. (The axis
    maps act on different axes, so they commute; only float rounding can tell orders apart.)"""
    return sorted(range(len(from_sizes)), key=lambda a: to_sizes[a] / from_sizes[a])


def _outside_view(table: DeviceTable, axis: int, ndim: int) -> torch.Tensor:
    view = [1] * ndim
    view[axis] = table.rows
    return table.outside.view(view)


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
) -> torch.Tensor:
    """``A x`` (+ ``extrapolation_value`` where outside) over the trailing ``len(sizes)`` axes."""
    spec = _spec(mode, coordinate_transformation_mode, nearest_mode, cubic_coeff_a, exclude_outside,
                 antialias, extrapolation_value, keep_aspect_ratio_policy, coordinate_arithmetic)
    first = x.dim() - len(sizes)
    dtype = compute_dtype(x.dtype)
    y = x.to(dtype)
    mask = None
    plans = _axis_plans(x.shape[first:], sizes, scales, roi)
    for offset in _cheapest_order([p[0] for p in plans], [p[1] for p in plans]):
        plan = plans[offset]
        table = device_table(*plan[:2], spec, *plan[2:], x.device, dtype)
        y = _gather_sum(y, first + offset, table)
        if table.outside is not None:
            here = _outside_view(table, first + offset, x.dim())
            mask = here if mask is None else (mask | here)
    if mask is not None:
        y = y.masked_fill_(mask, extrapolation_value)
    return y.to(x.dtype).contiguous(memory_format=output_memory_format(x))


@resize_op.register_fake
def _resize_fake(x, sizes, scales, roi, *spec_fields):
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
) -> torch.Tensor:
    """``A^T grad``: the gradient of ``resize_op`` whose input had trailing sizes ``in_sizes``."""
    spec = _spec(mode, coordinate_transformation_mode, nearest_mode, cubic_coeff_a, exclude_outside,
                 antialias, extrapolation_value, keep_aspect_ratio_policy, coordinate_arithmetic)
    first = grad.dim() - len(in_sizes)
    dtype = compute_dtype(grad.dtype)
    g = grad.to(dtype)
    plans = _axis_plans(in_sizes, grad.shape[first:], scales, roi)
    for offset in _cheapest_order([p[1] for p in plans], [p[0] for p in plans]):
        plan = plans[offset]
        table = device_table(*plan[:2], spec, *plan[2:], grad.device, dtype, transposed=True)
        g = _gather_sum(g, first + offset, table)
    return g.to(grad.dtype).contiguous(memory_format=output_memory_format(grad))


@resize_adjoint_op.register_fake
def _adjoint_fake(grad, in_sizes, scales, roi, *spec_fields):
    shape = list(grad.shape[: grad.dim() - len(in_sizes)]) + list(in_sizes)
    return torch.empty(shape, dtype=grad.dtype, device=grad.device, memory_format=output_memory_format(grad))


# -- autograd: each operator's gradient is the other one ---------------------------------------------
# An autograd.Function (with setup_context and a generated vmap rule) rather than register_autograd on
# the operators, so that torch.func.grad/vjp/jacrev work too.
class Resize(torch.autograd.Function):
    """``resize_op`` with the adjoint as gradient. Call ``Resize.apply(x, sizes, scales, roi, *spec)``."""

    generate_vmap_rule = True

    @staticmethod
    def forward(x, sizes, scales, roi, mode, transformation, nearest, a, exclude, antialias, value, policy,
                arithmetic):  # named, not *args: dynamo needs the explicit signature
        return resize_op(x, sizes, scales, roi, mode, transformation, nearest, a, exclude, antialias, value,
                         policy, arithmetic)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, sizes, scales, roi, *spec_fields = inputs
        ctx.in_sizes = list(x.shape[x.dim() - len(sizes):])
        ctx.rest = (scales, roi, *spec_fields)

    @staticmethod
    def backward(ctx, grad):
        return (Adjoint.apply(grad, ctx.in_sizes, *ctx.rest),) + (None,) * 12


class Adjoint(torch.autograd.Function):
    """``resize_adjoint_op``; its gradient is ``Resize`` without the extrapolation constant."""

    generate_vmap_rule = True

    @staticmethod
    def forward(grad, in_sizes, scales, roi, mode, transformation, nearest, a, exclude, antialias, value,
                policy, arithmetic):
        return resize_adjoint_op(grad, in_sizes, scales, roi, mode, transformation, nearest, a, exclude,
                                 antialias, value, policy, arithmetic)

    @staticmethod
    def setup_context(ctx, inputs, output):
        grad, in_sizes, scales, roi, *spec_fields = inputs
        ctx.out_sizes = list(grad.shape[grad.dim() - len(in_sizes):])
        spec_fields[SPEC_FIELDS.index("extrapolation_value")] = 0.0  # A h: the linear part only
        ctx.rest = (scales, roi, *spec_fields)

    @staticmethod
    def backward(ctx, grad_grad):
        return (Resize.apply(grad_grad, ctx.out_sizes, *ctx.rest),) + (None,) * 12


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
