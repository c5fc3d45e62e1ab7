"""The per-call-signature cache of ``resize``: a repeated eager call skips argument checking, planning and
the operator's dispatch.

``resize`` builds a key from what decides its result: the input's shape, strides (so its memory format),
dtype and device, and the arguments ``size``, ``scale_factor``, ``spec`` (by identity: the cached entry
holds the object, so its id cannot be reused), ``preset`` and ``roi``. The first call with a key validates
and plans as usual and stores a ``Call``: the operator arguments and the forward ``Plan`` (see
``_axis``). A later call with the same key runs that plan directly when autograd records nothing (grad
disabled or no input requiring grad, no forward-mode AD level), else it goes through the autograd
Function with the stored arguments. Nothing is cached, and the full path runs, while anything traces or
transforms the call (``torch.compile``/``torch.export``, ``torch.jit`` tracing, ONNX export, functorch
transforms, dispatch or function modes) or for tensor subclasses; arguments that are not plain ints,
floats, strings or tuples/lists of them are never cached.

``_axis.clear_cache`` (and ``consistent_resize_torch.clear_cache``) drops these entries with the plans.
"""

from __future__ import annotations

import torch
import torch.autograd.forward_ad as _forward_ad

from . import _axis, _ops

try:  # the flags torch.onnx.is_in_onnx_export reads (that function imports them on every call: ~5 us)
    from torch.onnx._internal.exporter import _flags as _onnx_flags
    from torch.onnx._internal.torchscript_exporter._globals import GLOBALS as _ONNX_GLOBALS

    def _onnx_exporting() -> bool:
        return _ONNX_GLOBALS.in_onnx_export or _onnx_flags._is_onnx_exporting

except ImportError:  # another torch version: the public (slower) check
    _onnx_exporting = torch.onnx.is_in_onnx_export

#: The cached calls (key -> Call); ``_axis.CALL_CACHES`` lets ``_axis.clear_cache`` drop them.
CALLS: dict = {}
_axis.CALL_CACHES.append(CALLS)
#: How many call signatures are kept (the oldest is dropped first).
CALLS_MAX = 256

_Tensor = torch.Tensor
_is_compiling = torch.compiler.is_compiling
_tracing_state = torch._C._get_tracing_state
_functorch_active = torch._C._are_functorch_transforms_active
_dispatch_depth = torch._C._len_torch_dispatch_stack
_function_mode = torch._C._is_torch_function_mode_enabled
_is_grad_enabled = torch.is_grad_enabled


def _part(value, allowed):
    """``value`` as a hashable key part: None, a number of an ``allowed`` type, or a tuple of them;
    a TypeError for anything else (the call is then not cached)."""
    kind = type(value)
    if value is None or kind in allowed:
        return value
    if kind is tuple or kind is list or kind is torch.Size:
        for v in value:
            if type(v) not in allowed:
                raise TypeError
        return tuple(value)
    raise TypeError


_INT = (int,)
_NUMBER = (int, float)


def call_key(x, size, scale_factor, spec, preset, roi):
    """The cache key of this call, or None when it must take the full path (see the module docstring)."""
    if (
        type(x) is not _Tensor
        or _is_compiling()
        or _tracing_state() is not None
        or _functorch_active()
        or _dispatch_depth() > 0
        or _function_mode()
        or _onnx_exporting()
    ):
        return None
    try:
        if preset is not None and type(preset) is not str:
            return None
        return (x.shape, x.stride(), x.dtype, x.device, _part(size, _INT), _part(scale_factor, _NUMBER),
                None if spec is None else id(spec), preset, _part(roi, _NUMBER))
    except (TypeError, RuntimeError):  # unhashable / unusual arguments; a tensor without strides
        return None


class Call:
    """One cached call signature: the operator arguments and the forward plan."""

    __slots__ = ("owner", "args", "plan", "dtype", "compute", "channels_last", "fmt", "fill")

    def __init__(self, x: torch.Tensor, owner, spec, args: tuple) -> None:
        self.owner = owner  # keeps the spec object (keyed by id) alive while the entry exists
        self.args = args
        self.dtype = x.dtype
        self.compute = _ops.compute_dtype(x.dtype)
        self.fmt = _ops.output_memory_format(x)
        self.channels_last = self.fmt != torch.contiguous_format
        sizes, scales, roi = args[:3]
        self.fill = spec.extrapolation_value
        self.plan = _axis.get_plan(tuple(x.shape), sizes, scales, roi, spec, x.device, self.compute,
                                   self.channels_last, False)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if (x.requires_grad and _is_grad_enabled()) or _forward_ad._current_level >= 0:
            return _ops.Resize.apply(x, *self.args)
        y = _axis.run_plan(x, self.plan, self.compute, self.channels_last, self.fill)
        if y.dtype != self.dtype:
            y = y.to(self.dtype)
        return y.contiguous(memory_format=self.fmt)


def remember(key, x: torch.Tensor, owner, spec, args: tuple) -> None:
    """Store the call of ``key`` (CPU and CUDA tensors with elements only)."""
    if x.device.type not in ("cpu", "cuda") or x.numel() == 0:
        return
    if len(CALLS) >= CALLS_MAX:
        try:
            CALLS.pop(next(iter(CALLS)), None)
        except (StopIteration, RuntimeError):  # emptied or changed by another thread meanwhile
            pass
    CALLS[key] = Call(x, owner, spec, args)
