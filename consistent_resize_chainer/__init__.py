"""consistent-resize for Chainer: ``resize`` (a FunctionNode with a differentiable backward), the
``Resize`` link, the drop-in ``resize_images`` for ``chainer.functions.resize_images``, ``convert`` (an existing
model's ``resize_images`` calls run ours; ``find_resizes`` lists them first), and ONNX export
converters in ``consistent_resize_chainer.onnx`` (imported on demand: it needs ``onnx``).

Convention: channels first, ``(N, C, *spatial)``; the coordinate mode is the spec's.
"""

from ._import import import_chainer

chainer = import_chainer()

from .drop_in import chainer_preset, resize_images  # noqa: E402
from .function import ResizeFunction, SeparableLinear, resize  # noqa: E402
from .link import Resize  # noqa: E402

from .convert import convert, find_resizes, format_resizes, preset_for  # noqa: E402

__all__ = ["Resize", "ResizeFunction", "SeparableLinear", "chainer_preset", "convert", "find_resizes",
           "format_resizes", "preset_for", "resize", "resize_images"]
