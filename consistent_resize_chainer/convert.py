"""``convert``: a Chainer link whose calls of ``chainer.functions.resize_images`` run our function, without
editing its code; ``find_resizes``: which resizes a link runs and the preset of each; ``preset_for``.

How: the converted link is a deep copy whose class is a subclass of the original's (same name) with a
``__call__`` that runs the original ``__call__`` inside a patch. ``F.resize_images(x, output_shape, mode=, align_corners=)`` is, in Chainer 7.8.1, the one line
``ResizeImages(output_shape, mode, align_corners).apply((x,))[0]``, with ``ResizeImages`` looked up in the
module ``chainer.functions.array.resize_images`` when it is called. While a converted link runs, that name
is bound to a stand-in whose ``apply`` runs ``consistent_resize_chainer.resize``; so every call is caught
however the model's code reached the function (``F.resize_images``, ``from chainer.functions import
resize_images``, library code), and nothing changes outside the call. Calls are counted, so nested converted
links and re-entrant calls restore the original once the outermost call returns; a lock keeps two threads from
interleaving their patches (a converted call and an unconverted one running at the same time in two threads
would both see the stand-in: convert every model that runs concurrently).

Without ``preset``/``spec`` each call gets the preset that reproduces it (``preset_for(mode, align_corners)``:
``chainer``, ``chainer_half_pixel`` or ``chainer_nearest``), so the outputs stay Chainer's (to float32
rounding; nearest bit for bit). With ``preset`` or ``spec`` every call is retargeted to it.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import inspect
import os
import threading

from consistent_resize.arguments import resolve_spec
from consistent_resize.spec import ResizeSpec

from ._import import import_chainer
from .drop_in import chainer_preset
from .function import resize

chainer = import_chainer()
_MODULE = __import__("chainer.functions.array.resize_images", fromlist=["ResizeImages"])
_ORIGINAL = _MODULE.ResizeImages

#: ``preset_for(mode='bilinear', align_corners=True)``: the preset of ``F.resize_images(..., mode=,
#: align_corners=)`` (the same function as ``consistent_resize_chainer.chainer_preset``).
preset_for = chainer_preset

_LOCK = threading.RLock()
_DEPTH = [0]


class _Stand_in:  # noqa: N801 (it stands in for the class ResizeImages)
    """What ``ResizeImages(output_shape, mode, align_corners)`` gives inside a converted call."""

    target: tuple = (None, None)  # (spec, preset) of the retarget, or (None, None): keep each call's own
    record = None  # a list while find_resizes runs: the calls are recorded and run by Chainer itself

    def __init__(self, output_shape, mode="bilinear", align_corners=True):
        self.output_shape, self.mode, self.align_corners = tuple(output_shape), mode, align_corners

    def apply(self, inputs):
        (x,) = inputs
        kept = preset_for(self.mode, self.align_corners)
        if _Stand_in.record is not None:
            y = _ORIGINAL(self.output_shape, self.mode, self.align_corners).apply(inputs)
            _Stand_in.record.append(_found(x, y[0], self, kept))
            return y
        spec, preset = _Stand_in.target
        if spec is None and preset is None:
            preset = kept
        return (resize(x, self.output_shape, spec=spec, preset=preset),)


@contextlib.contextmanager
def _patched(target=(None, None), record=None):
    with _LOCK:
        outer = _DEPTH[0] == 0
        saved = (_Stand_in.target, _Stand_in.record)
        _Stand_in.target, _Stand_in.record = target, record
        _DEPTH[0] += 1
        _MODULE.ResizeImages = _Stand_in
        try:
            yield
        finally:
            _DEPTH[0] -= 1
            _Stand_in.target, _Stand_in.record = saved
            if outer:
                _MODULE.ResizeImages = _ORIGINAL


def _converted_call(self, *args, **kwargs):
    with _patched(self._consistent_resize_target):
        return super(type(self), self).__call__(*args, **kwargs)


def _converted_class(cls):
    """A subclass of ``cls`` (same name and module) whose ``__call__`` runs the original one with the stand-in
    in place (whether ``cls`` defines ``forward`` or overrides ``__call__``, as chainercv's models do)."""
    if getattr(cls, "_consistent_resize_converted", False):
        return cls
    return type(cls.__name__, (cls,), {"__call__": _converted_call, "__module__": cls.__module__,
                                       "__qualname__": cls.__qualname__, "_consistent_resize_converted": True})


def convert(link, *, preset: str | None = None, spec: ResizeSpec | None = None):
    """A copy of ``link`` whose calls of ``chainer.functions.resize_images`` run our function.

    Args:
        link: a ``chainer.Link`` (a Chain, ChainList, ...); its parameters and their names are kept (a deep
            copy; save it with ``chainer.serializers.save_npz``: its class is a subclass made here).
        preset, spec: retarget every resize to this semantics; neither: each call keeps Chainer's semantics.

    Returns:
        The converted link (the original is unchanged).

    Example:
        >>> import numpy as np, chainer
        >>> class Up(chainer.Chain):
        ...     def forward(self, x):
        ...         return chainer.functions.resize_images(x, (4, 4))
        >>> y = convert(Up())(np.array([[[[64.0, 32.0], [64.0, 32.0]]]], np.float32))
        >>> type(y.creator).__name__, y.array[0, 0, 0].astype(float).round(2).tolist()
        ('ResizeFunction', [64.0, 53.33, 42.67, 32.0])
    """
    if not isinstance(link, chainer.Link):
        raise TypeError(f"link must be a chainer.Link, got {type(link).__name__}")
    if preset is not None or spec is not None:
        resolve_spec(spec, preset)  # a bad preset fails now, not at the first call
    converted = copy.deepcopy(link)
    converted.__class__ = _converted_class(type(converted))
    converted._consistent_resize_target = (spec, preset)
    return converted


@dataclasses.dataclass(frozen=True)
class FoundResize:
    """One ``resize_images`` call: where, its arguments, shapes, and the preset that reproduces it."""

    location: str
    arguments: str
    input_shape: tuple
    output_shape: tuple
    preset: str


def _caller() -> str:
    chainer_dir = os.path.dirname(chainer.__file__)
    here = os.path.dirname(__file__)
    for frame in inspect.stack()[2:]:
        if not frame.filename.startswith((chainer_dir, here)) and "contextlib" not in frame.filename:
            return f"{os.path.basename(frame.filename)}:{frame.lineno}"
    return "?"


def _found(x, y, call, preset) -> FoundResize:
    arguments = call.mode + ("" if call.mode == "nearest" else f", align_corners={call.align_corners}")
    return FoundResize(_caller(), arguments, tuple(x.shape), tuple(y.shape), preset)


def find_resizes(link, *example_inputs) -> list:
    """Run ``link(*example_inputs)`` with Chainer's own resize and list every ``resize_images`` call."""
    calls: list = []
    with chainer.using_config("train", False), chainer.no_backprop_mode(), _patched(record=calls):
        call = type(link).__mro__[1].__call__ if getattr(type(link), "_consistent_resize_converted", False) \
            else type(link).__call__
        call(link, *example_inputs)
    return calls


def format_resizes(found: list, width: int = 80) -> str:
    """``find_resizes`` as a table of at most ``width`` columns (long cells are cut with ``~``)."""
    if not found:
        return "no resize_images calls ran"

    def cell(text: str, size: int) -> str:
        return (text if len(text) <= size else text[:size - 1] + "~").ljust(size)

    shapes = [f"{'x'.join(map(str, f.input_shape[2:]))}->{'x'.join(map(str, f.output_shape[2:]))}" for f in found]
    preset_width = max(len(f.preset) for f in found + [FoundResize("", "", (), (), "preset")])
    shape_width = max(len(t) for t in shapes + ["in -> out"])
    rest = max(width - preset_width - shape_width - 3, 16)
    sizes = (rest * 2 // 5, rest - rest * 2 // 5 - 1, shape_width)
    lines = [" ".join(cell(t, n) for t, n in zip(("code", "arguments", "in -> out"), sizes)) + " preset"]
    for f, shape in zip(found, shapes):
        lines.append(" ".join(cell(t, n) for t, n in zip((f.location, f.arguments, shape), sizes)) + " " + f.preset)
    return "\n".join(lines)


__all__ = ["FoundResize", "convert", "find_resizes", "format_resizes", "preset_for"]
