"""PyTorch rows: ``consistent_resize_torch.resize`` against ``torch.nn.functional.interpolate``.

Forward runs under ``torch.no_grad()`` (inference: nothing saved for backward); forward+backward runs
``y = op(x); y.backward(g)`` on an input that requires grad. ``channels_last`` rows use
``torch.channels_last`` tensors for ours, the native op and the copy.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .case import Case, max_abs_diff, random_arrays
from .workloads import Row

NAME = "torch"


def available(device: str) -> str | None:
    """None if PyTorch can run on ``device``, else why not."""
    if device == "cuda" and not torch.cuda.is_available():
        return "torch.cuda.is_available() is False (no CUDA device or a CPU-only build)"
    return None


def describe() -> str:
    return f"torch {torch.__version__}, {torch.get_num_threads()} threads"


def sync_for(device: str):
    return torch.cuda.synchronize if device == "cuda" else (lambda: None)


def _prep(a, layout: str, device: str) -> torch.Tensor:
    t = torch.from_numpy(a).to(device)
    fmt = torch.channels_last if layout == "channels_last" else torch.contiguous_format
    return t.contiguous(memory_format=fmt)


def _native(row: Row):
    antialias = row.workload.native == "bilinear_antialias"
    size = row.workload.out_hw
    return lambda t: F.interpolate(t, size=size, mode="bilinear", align_corners=False, antialias=antialias)


def _ours(row: Row):
    import consistent_resize_torch

    size = row.workload.out_hw
    if row.preset is not None:
        return lambda t: consistent_resize_torch.resize(t, size, preset=row.preset)
    return lambda t: consistent_resize_torch.resize(t, size, spec=row.spec)


def _fwd(fn, x):
    def call():
        with torch.no_grad():
            return fn(x)

    return call


def _fb(fn, x, g):
    def call():
        xr = x.detach().requires_grad_()
        fn(xr).backward(g)
        return xr.grad

    return call


def make_case(row: Row, device: str) -> Case:
    """The callables of ``row`` on ``device`` (``cpu`` or ``cuda``)."""
    x_np, g_np = random_arrays(row.workload.in_shape, row.workload.out_hw)
    calls = {}
    error = None
    x = _prep(x_np, row.layout, device)
    g = _prep(g_np, row.layout, device)
    try:
        ours = _ours(row)
        calls["ours_fwd"] = _fwd(ours, x)
        calls["ours_fb"] = _fb(ours, x, g)
    except ImportError as exc:
        error = f"consistent_resize_torch not importable: {exc}"
    for layout in row.native_layouts:
        xl, gl = _prep(x_np, layout, device), _prep(g_np, layout, device)
        calls[f"native_fwd:{layout}"] = _fwd(_native(row), xl)
        calls[f"native_fb:{layout}"] = _fb(_native(row), xl, gl)
    out = g.clone()
    calls["copy"] = out.clone
    calls["copy_input"] = x.clone
    diff = None
    if error is None and row.workload.kind == "same":
        native_key = row.layout
        pairs = [
            (calls["ours_fwd"]().cpu().numpy(), calls[f"native_fwd:{native_key}"]().cpu().numpy()),
            (calls["ours_fb"]().cpu().numpy(), calls[f"native_fb:{native_key}"]().cpu().numpy()),
        ]
        diff = max_abs_diff(pairs)
    return Case(calls, x.numel() * x.element_size(), out.numel() * out.element_size(), diff, error)


def layout_kept(row: Row, device: str) -> bool | None:
    """Whether our output keeps the input's memory format (None if our layer is missing)."""
    try:
        ours = _ours(row)
    except ImportError:
        return None
    x_np, _ = random_arrays(row.workload.in_shape, row.workload.out_hw)
    x = _prep(x_np, row.layout, device)
    with torch.no_grad():
        y = ours(x)
    fmt = torch.channels_last if row.layout == "channels_last" else torch.contiguous_format
    return bool(y.is_contiguous(memory_format=fmt))


def overhead_calls(shape, out_hw, device: str) -> dict:
    """``ours`` and ``native`` forward on a tiny tensor: their whole time is per-call overhead."""
    import consistent_resize_torch

    x = torch.randn(shape, device=device)

    def ours():
        with torch.no_grad():
            return consistent_resize_torch.resize(x, out_hw, preset="pytorch_bilinear")

    def native():
        with torch.no_grad():
            return F.interpolate(x, size=out_hw, mode="bilinear", align_corners=False)

    return {"ours": ours, "native": native}


def device_peak_bytes(call, device: str) -> int | None:
    """Peak device memory above what was allocated before ``call`` (CUDA only; None on CPU)."""
    if device != "cuda":
        return None
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    result = call()
    torch.cuda.synchronize()
    peak = torch.cuda.max_memory_allocated() - base
    del result
    return int(peak)
