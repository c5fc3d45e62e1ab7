"""``convert``: a PyTorch model whose resizes run ``consistent_resize_torch.resize``, without editing its code;
``find_resizes``: which resizes a model runs, and the preset of each.

How (docs/convert.md says why): the converted model is a deep copy whose class is a subclass of the
original's (same name and module) with a ``forward`` that runs the original one inside a
``torch.overrides.TorchFunctionMode``. ``F.interpolate`` checks for torch-function handlers before it does
anything, so every call (``F.interpolate``, ``F.upsample``, ``from torch.nn.functional import
interpolate``, library code such as torchvision's heads) reaches the mode with all its arguments, and the
mode runs ``resize`` instead; every other function passes through untouched. The mode is thread-local and
lives only for the duration of ``forward``. The ``nn.Upsample`` family (``nn.UpsamplingBilinear2d``,
``nn.UpsamplingNearest2d``) is also swapped for ``ConvertedUpsample`` modules (same attribute names; they
hold no state, so ``state_dict`` keys stay the original's), which run ``resize`` themselves, show the
preset in the model's repr and name their module path in errors.

Without ``preset``/``spec`` each call gets the spec that reproduces it (``calls.plan_call``: the outputs
stay PyTorch's, nearest bit for bit, linear/cubic to float32 rounding); a call that no spec reproduces
raises ``UnsupportedCall`` naming its module path or file:line and its arguments. With ``preset`` or
``spec`` every call is retargeted to it (the call's ``size``, or its ``scale_factor`` as ONNX ``scales``).
"""

from __future__ import annotations

import copy
import dataclasses
import os
import sys
import threading
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

from consistent_resize.arguments import resolve_spec
from consistent_resize.spec import ResizeSpec

from .calls import MODES, UnsupportedCall, plan_call
from .functional import resize

#: ``F.interpolate``'s parameters, in order (its torch-function dispatch passes them as keywords).
PARAMETERS = ("size", "scale_factor", "mode", "align_corners", "recompute_scale_factor", "antialias")
_DEFAULTS = dict(size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None,
                 antialias=False)
_UPSAMPLE_TYPES = (nn.Upsample,)  # nn.UpsamplingBilinear2d and nn.UpsamplingNearest2d are subclasses
#: ``native``: True in a thread while ``find_resizes`` runs there (converted parts then run PyTorch's resize,
#: which the recording mode lists).
_STATE = threading.local()
_TORCH_DIR = os.path.dirname(torch.__file__) + os.sep  # the separator: torchvision is not torch
_HERE = os.path.dirname(__file__) + os.sep


_DEPRECATED = (F.upsample, F.upsample_nearest, F.upsample_bilinear)
_SHOWN = []


def _show_deprecated_upsample_to_modes() -> None:
    """Make ``torch.compile`` run ``F.upsample`` / ``upsample_nearest`` / ``upsample_bilinear`` as Python.

    Eagerly they call ``F.interpolate``, which the mode catches; but dynamo keeps them as opaque graph calls
    that no torch-function mode sees (torch 2.13), so a compiled converted model would run PyTorch's own
    kernel for them. ``disallow_in_graph`` (once, process-wide) makes dynamo break the graph there and run
    them as Python, where the mode catches their ``F.interpolate``: the same numbers, one graph break per
    call for any compiled model that uses these deprecated functions, and ``fullgraph=True`` raises
    instead of resizing natively.
    """
    if not _SHOWN:
        import torch._dynamo  # here, not at import: it is slow to import

        for function in _DEPRECATED:
            torch._dynamo.disallow_in_graph(function)
        _SHOWN.append(True)


def _arguments(args: tuple, kwargs: dict) -> tuple[torch.Tensor, dict]:
    """``(input, {parameter: value})`` of an ``F.interpolate`` call, defaults filled in."""
    bound = dict(_DEFAULTS)
    bound.update(zip(PARAMETERS, args[1:]))
    bound.update(kwargs)
    x = args[0] if args else bound.pop("input")
    return x, {name: bound[name] for name in PARAMETERS}


def _format_arguments(call: dict) -> str:
    """The call's non-default arguments as ``F.interpolate`` would be written (``size`` or ``scale_factor``
    first)."""
    parts = []
    for name in PARAMETERS:
        value = call[name]
        if name in ("size", "scale_factor"):
            if value is not None:
                parts.append(f"{name}={_short(value)}")
        elif value != _DEFAULTS[name] or name == "mode":
            parts.append(f"{name}={value!r}")
    return ", ".join(parts)


def _short(value: Any) -> str:
    if isinstance(value, (list, tuple, torch.Size)):
        return "(" + ", ".join(_short(v) for v in value) + ")"
    if isinstance(value, float):
        return f"{value:g}"
    return str(int(value)) if isinstance(value, (int, torch.SymInt)) else repr(value)


def _caller() -> str:
    """file:line of the innermost frame outside torch and this package (the code that asked to resize)."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if not name.startswith((_TORCH_DIR, _HERE)) and "contextlib" not in name:
            return f"{os.path.basename(name)}:{frame.f_lineno}"
        frame = frame.f_back
    return "?"


def _run(x: torch.Tensor, call: dict, target: ResizeSpec | None, location: str | None,
         keep_modes: tuple = ()) -> torch.Tensor:
    """``resize`` of one ``F.interpolate`` call: kept (``target`` None, or its mode in ``keep_modes``) or
    retargeted."""
    if call["mode"] in keep_modes:
        target = None
    try:
        planned = plan_call(tuple(x.shape), **call, reproduce=target is None)
    except UnsupportedCall as error:
        where = location if location is not None else _caller()
        raise UnsupportedCall(
            f"{where}: F.interpolate({_format_arguments(call)}) cannot be converted: {error}"
        ) from None
    # under torch.jit.trace size entries are traced values: resize() follows them (consistent_resize_torch._traced)
    return resize(x, planned.size, planned.scale_factor, spec=planned.spec if target is None else target)


class _ResizeMode(TorchFunctionMode):
    """Runs ``F.interpolate`` calls through ``resize`` (or, with ``record``, lists them and runs PyTorch)."""

    def __init__(self, target: ResizeSpec | None = None, record: list | None = None, keep_modes: tuple = ()):
        super().__init__()
        self.target, self.record, self.keep_modes = target, record, keep_modes

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs if kwargs is not None else {}
        if func is not F.interpolate:
            return func(*args, **kwargs)
        x, call = _arguments(args, kwargs)
        if self.record is not None:
            y = func(*args, **kwargs)
            self.record.append(_found(_caller(), x, y, call))
            return y
        return _run(x, call, self.target, None, self.keep_modes)


class ConvertedUpsample(nn.Module):
    """What ``convert`` puts in place of an ``nn.Upsample`` (or ``UpsamplingBilinear2d`` /
    ``UpsamplingNearest2d``): the same arguments, run by ``resize`` (kept or retargeted); no state.

    Args:
        upsample: the module it replaces.
        path: its module path in the model (named in errors).
        target: the retarget spec, or None to reproduce the module.
        target_name: the preset name of ``target`` (for the repr), if it is one.
        keep_modes: modes reproduced even with a ``target`` (``convert``'s argument).
    """

    def __init__(self, upsample: nn.Upsample, path: str = "", target: ResizeSpec | None = None,
                 target_name: str | None = None, keep_modes: tuple = ()):
        super().__init__()
        self.call = dict(size=upsample.size, scale_factor=upsample.scale_factor, mode=upsample.mode,
                         align_corners=upsample.align_corners,
                         recompute_scale_factor=getattr(upsample, "recompute_scale_factor", None), antialias=False)
        self.original = type(upsample).__name__
        self.path, self.target, self.target_name = path, target, target_name
        self.keep_modes = tuple(keep_modes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if getattr(_STATE, "native", False):  # find_resizes: PyTorch's F.interpolate, recorded
            return F.interpolate(x, **self.call)
        return _run(x, self.call, self.target, f"{self.path or 'model'} ({self.original})", self.keep_modes)

    def extra_repr(self) -> str:
        if self.target is None or self.call["mode"] in self.keep_modes:
            kept = "kept"
        else:
            kept = f"preset={self.target_name!r}" if self.target_name else f"spec={self.target.describe()}"
        return f"{self.original}: {_format_arguments(self.call)} -> {kept}"


def _forward(self, *args, **kwargs):
    if getattr(_STATE, "native", False):  # find_resizes: run (and record) PyTorch's resizes
        return super(self._consistent_resize_class, self).forward(*args, **kwargs)
    with _ResizeMode(self._consistent_resize_target, keep_modes=self._consistent_resize_keep):
        return super(self._consistent_resize_class, self).forward(*args, **kwargs)


def _reduce_ex(self, protocol):
    """Pickle (``torch.save(model)``, ``copy.deepcopy``) as the original class plus a re-conversion: the
    made-here subclass has the original's name, so pickle by reference would load an unconverted model."""
    plain = object.__new__(type(self).__mro__[1])
    plain.__dict__.update(self.__dict__)
    return _reconverted, (plain,)


def _reconverted(plain):
    """The converted model again from its pickled original-class form (its attributes hold the target)."""
    plain.__class__ = _converted_class(type(plain))
    return plain


def _converted_class(cls: type) -> type:
    """A subclass of ``cls`` (same name and module) whose ``forward`` runs the original one in the mode."""
    if getattr(cls, "_consistent_resize_converted", False):
        cls = cls.__mro__[1]
    converted = type(cls.__name__, (cls,), {"forward": _forward, "_consistent_resize_converted": True,
                                              "__reduce_ex__": _reduce_ex,
                                              "__module__": cls.__module__, "__qualname__": cls.__qualname__})
    converted._consistent_resize_class = converted
    return converted


def convert(model: nn.Module, *, preset: str | None = None, spec: ResizeSpec | None = None,
            keep_modes: tuple = ("area",)) -> nn.Module:
    """A copy of ``model`` in which every resize runs ``consistent_resize_torch.resize``.

    Caught: ``F.interpolate`` / ``F.upsample`` calls anywhere in ``forward`` (library code included) and
    the ``nn.Upsample`` family. The copy keeps the parameters, buffers and ``state_dict`` keys, trains,
    and runs under ``torch.compile``, ``torch.export``, ``torch.jit.trace`` and ``torch.onnx.export``.

    Args:
        model: an ``nn.Module`` (left unchanged).
        preset, spec: retarget every resize to this preset or spec; neither: each call gets the spec that
            reproduces what it computed (``calls.plan_call``).
        keep_modes: ``F.interpolate`` modes that a retarget leaves as PyTorch computes them (still run by
            ``resize``). Default ``("area",)``: ``mode='area'`` is adaptive average pooling (smp's PSPNet
            pools with it when exporting to ONNX), not an interpolation to port; ``()`` retargets it too.

    Returns:
        The converted copy: an instance of a subclass of ``type(model)`` (same name).

    Raises:
        UnsupportedCall: when the model runs a call that no spec reproduces (kept calls only): the message
            names its module path or file:line and its arguments.

    Example:
        >>> class Up(nn.Module):
        ...     def forward(self, x):
        ...         return F.interpolate(x, scale_factor=2, mode="bilinear")
        >>> x = torch.arange(4.0, dtype=torch.float64).reshape(1, 1, 2, 2)
        >>> bool((convert(Up())(x) == Up()(x)).all())
        True
        >>> convert(Up(), preset="chainer")(x)[0, 0, 0].round(decimals=4).tolist()  # align_corners
        [0.0, 0.3333, 0.6667, 1.0]
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    target = None if (preset is None and spec is None) else resolve_spec(spec, preset)
    _show_deprecated_upsample_to_modes()
    target_name = preset if spec is None else None
    modes = tuple(MODES)
    if isinstance(keep_modes, str) or any(m not in modes for m in keep_modes):
        raise ValueError(f"keep_modes must be a tuple of F.interpolate modes ({', '.join(modes)}); got "
                         f"{keep_modes!r}")
    keep_modes = tuple(keep_modes)
    if isinstance(model, _UPSAMPLE_TYPES):
        return ConvertedUpsample(model, "", target, target_name, keep_modes)
    converted = copy.deepcopy(model)
    for path, module in list(converted.named_modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, _UPSAMPLE_TYPES):
                full = f"{path}.{name}" if path else name
                setattr(module, name, ConvertedUpsample(child, full, target, target_name, keep_modes))
            elif isinstance(child, ConvertedUpsample):
                child.target, child.target_name, child.keep_modes = target, target_name, keep_modes
    converted.__class__ = _converted_class(type(converted))
    converted._consistent_resize_target = target
    converted._consistent_resize_keep = keep_modes
    return converted


@dataclasses.dataclass(frozen=True)
class FoundResize:
    """One resize a model ran: where, its arguments, shapes, and the preset that reproduces it.

    ``preset`` is the preset name, or ``"unsupported: ..."`` with the reason where none reproduces it.
    """

    location: str
    arguments: str
    input_shape: tuple
    output_shape: tuple
    preset: str
    resize_to: str = ""  # the size or scale_factor part of ``arguments``


def _found(location: str, x, y, call: dict) -> FoundResize:
    try:
        planned = plan_call(tuple(x.shape), **call)
        preset = planned.preset
        if planned.spec.coordinate_arithmetic != resolve_spec(preset=preset).coordinate_arithmetic:
            preset += f" ({planned.spec.coordinate_arithmetic})"
    except UnsupportedCall as error:
        preset = f"unsupported: {error}"
    resize_to = _format_arguments({**_DEFAULTS, **{k: call[k] for k in ("size", "scale_factor")}})
    resize_to = resize_to.replace(", mode='nearest'", "")
    if call["recompute_scale_factor"]:
        resize_to += ", recompute"
    return FoundResize(location, _format_arguments(call), tuple(x.shape), tuple(y.shape), preset, resize_to)


def find_resizes(model: nn.Module, *example_inputs, **example_kwargs) -> list[FoundResize]:
    """Run ``model(*example_inputs)`` with PyTorch's own resize (no grad) and list every resize it ran.

    Locations: the module path of an ``nn.Upsample``-family module (with its class), else the file:line
    of the code that called ``F.interpolate``. A converted model is run as the original.

    Example:
        >>> found = find_resizes(nn.Sequential(nn.Upsample(scale_factor=2)), torch.ones(1, 1, 2, 2))
        >>> [(f.location, f.arguments, f.preset) for f in found]
        [('0 (Upsample)', "scale_factor=2, mode='nearest'", 'pytorch_nearest')]
    """
    found: list[FoundResize] = []
    names = {id(m): p for p, m in model.named_modules()}
    hooks = []

    def pre_hook(module, inputs):
        module._consistent_resize_first = len(found)

    def post_hook(module, inputs, output):
        location = f"{names[id(module)] or 'model'} ({getattr(module, 'original', type(module).__name__)})"
        for index in range(module.__dict__.pop("_consistent_resize_first"), len(found)):
            found[index] = dataclasses.replace(found[index], location=location)

    for module in model.modules():
        if isinstance(module, _UPSAMPLE_TYPES + (ConvertedUpsample,)):
            hooks.append(module.register_forward_pre_hook(pre_hook))
            hooks.append(module.register_forward_hook(post_hook))
    forward = type(model).forward
    if getattr(type(model), "_consistent_resize_converted", False):
        forward = type(model).__mro__[1].forward
    _STATE.native = True
    try:
        with torch.no_grad(), _ResizeMode(record=found):
            if isinstance(model, ConvertedUpsample):
                model(*example_inputs)
            else:
                forward(model, *example_inputs, **example_kwargs)
    finally:
        _STATE.native = False
        for hook in hooks:
            hook.remove()
    return found


def format_resizes(found: list[FoundResize], width: int = 80) -> str:
    """``find_resizes`` as a table of at most ``width`` columns (long cells are cut with ``~``): where, the
    call's size or scale_factor (the preset says the rest: mode, align_corners, antialias), the spatial
    shapes and the preset."""
    if not found:
        return "no resizes ran"

    def cell(text: str, size: int) -> str:
        return (text if len(text) <= size else text[:size - 1] + "~").ljust(size)

    shapes = [f"{'x'.join(map(str, f.input_shape[2:]))}->{'x'.join(map(str, f.output_shape[2:]))}" for f in found]
    scales = [f.resize_to for f in found]
    shape_width = max(len(t) for t in shapes + ["in -> out"])
    preset_width = min(max(len(f.preset) for f in found + [FoundResize("", "", (), (), "preset")]), 30)
    rest = max(width - preset_width - shape_width - 3, 20)
    sizes = (rest - rest * 2 // 5 - 1, rest * 2 // 5, shape_width, preset_width)
    header = ("code", "size / scale", "in -> out", "preset")
    lines = [" ".join(cell(t, n) for t, n in zip(header, sizes)).rstrip()]
    for f, shape, scale in zip(found, shapes, scales):
        lines.append(" ".join(cell(t, n) for t, n in zip((f.location, scale, shape, f.preset), sizes)).rstrip())
    return "\n".join(lines)


__all__ = ["ConvertedUpsample", "FoundResize", "UnsupportedCall", "convert", "find_resizes", "format_resizes"]
