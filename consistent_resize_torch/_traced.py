"""``resize`` under ``torch.jit.trace`` (and so under ``torch.onnx.export(..., dynamo=False)``): the output
sizes follow the input shapes of each later call, as ``F.interpolate`` does, instead of the traced ones.

Under tracing a shape entry (``feat.shape[-2]``) is a 0-d tensor that the tracer follows; ``size`` from such
entries is stacked into one int64 tensor and passed, with ``x``, to ``TracedResize``, an autograd Function
that the trace records as one call. Its ``forward`` plans the axes from the concrete shapes of that call
(``consistent_resize.arguments.plan_axes``: ``size`` as given, or ``floor(in * scale_factor)``), so a traced
module computes for a new shape what eager computes. Its ``symbolic`` (the TorchScript ONNX exporter) writes:

- where the traced graph fixes every spatial size (no dynamic spatial ``dynamic_axes``, ``size`` constant):
  the static export of ``_onnx`` (one ``Resize`` node or the exact table graph, by the export policy);
- else one ``Resize`` node that takes its ``sizes`` from the graph (``Cast`` of the traced sizes) or its
  ``scales`` as constants, where that node computes the spec for every input size
  (``_onnx.dynamic_refusal``); otherwise a ValueError naming the reason. It never bakes the traced sizes
  into a model whose shapes are dynamic.
"""

from __future__ import annotations

import warnings

import torch

from consistent_resize.arguments import check_sizes, plan_axes

from . import _ops


def size_tensor(size, spatial: int):
    """``size`` as a 1-D int64 tensor the tracer follows (None for None): an int or one entry per spatial
    axis, each a Python int or a traced 0-d tensor (``feat.shape[-1]``)."""
    if size is None:
        return None
    entries = list(size) if isinstance(size, (list, tuple)) else [size] * spatial
    if len(entries) != spatial:
        raise ValueError(f"size has {len(entries)} entries but x has {spatial} spatial dimensions")
    values = []
    for v in entries:
        if isinstance(v, torch.Tensor):
            if v.dim() != 0 or v.dtype.is_floating_point or v.dtype == torch.bool:
                raise TypeError(f"size entries must be integers or 0-d integer tensors, got {v!r}")
            values.append(v.to(torch.int64))
        else:
            with warnings.catch_warnings():  # a Python int is meant to be a constant of the trace
                warnings.simplefilter("ignore", torch.jit.TracerWarning)
                values.append(torch.tensor(v, dtype=torch.int64))
    return torch.stack(values)


def concrete_size(size):
    """The traced ``size`` as Python ints (for planning at trace time), without the tracer's warning."""
    if size is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        if isinstance(size, (list, tuple)):
            return tuple(int(v) for v in size)
        return int(size)


def _plan(x, sizes, info):
    spec = _ops._spec(*info["spec_args"])
    with warnings.catch_warnings():  # at trace time the shapes are traced values; each run reads its own
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        size = None if sizes is None else tuple(int(v) for v in sizes.tolist())
        in_sizes = tuple(int(v) for v in x.shape[2:])
    return plan_axes(in_sizes, size, info["scale_factor"], spec, info["roi"])


def _op_arguments(plans):
    sizes = [p.out_size for p in plans]
    scales = None if plans[0].scale is None else [float(p.scale) for p in plans]
    roi = None if plans[0].roi is None else [float(p.roi[0]) for p in plans] + [float(p.roi[1]) for p in plans]
    return sizes, scales, roi


class TracedResize(torch.autograd.Function):
    """``resize`` planned from the shapes of each call (see the module docstring). ``info``: a dict with
    ``spec_args``, ``scale_factor``, ``roi`` and ``requested`` (the caller's ``size`` as ints at trace time)."""

    @staticmethod
    def forward(ctx, x, sizes, info):
        plans = _plan(x, sizes, info)
        out_sizes, scales, roi = _op_arguments(plans)
        ctx.in_sizes = [p.in_size for p in plans]
        ctx.rest = (scales, roi, *info["spec_args"])
        return _ops.resize_op(x, out_sizes, scales, roi, *info["spec_args"])

    @staticmethod
    def backward(ctx, grad):
        return _ops.Adjoint.apply(grad, ctx.in_sizes, *ctx.rest), None, None

    @staticmethod
    def symbolic(g, x, sizes, info):
        from . import _onnx

        return _onnx.traced_symbolic(g, x, sizes, info)


def traced_resize(x: torch.Tensor, size, scale_factor, spec, roi, plans, shape) -> torch.Tensor:
    """``resize`` of ``x`` under ``torch.jit.trace`` (sizes follow the input shapes; see the module).
    ``plans`` and ``shape``: the plan and the input shape at trace time (for a static ONNX export)."""
    spatial = x.dim() - 2
    requested = concrete_size(size)
    info = {
        "spec_args": _ops.spec_args(spec),
        "scale_factor": scale_factor,
        "roi": roi,
        "requested": None if requested is None else check_sizes(requested, spatial),
        "plans": plans,
        "shape": tuple(shape),
        "dtype": x.dtype,
    }
    return TracedResize.apply(x, size_tensor(size, spatial), info)
