"""consistent_resize_torch: the spec's resize for PyTorch, a drop-in for ``F.interpolate`` / ``nn.Upsample``.

``resize(x, size=None, scale_factor=None, *, spec=None, preset=None)`` and the module ``Resize`` with the
same arguments. Forward, gradient (and gradients of any order) are the spec's exactly; it works with
``torch.compile(fullgraph=True)``, ``torch.export``, ``torch.func``, DDP, and exports to ONNX as one
standard ``Resize`` node.

``convert(model)`` makes an existing model's resizes (``F.interpolate`` anywhere in its ``forward``, the
``nn.Upsample`` family) run ``resize``, reproducing each call or retargeted to a preset; ``find_resizes``
lists them; ``preset_for`` names the preset of an ``F.interpolate`` call.
"""

from ._onnx import table_graphs
from ._tables import clear_cache
from .calls import UnsupportedCall, plan_call, preset_for
from .convert import ConvertedUpsample, FoundResize, convert, find_resizes, format_resizes
from .functional import resize
from .layer import Resize

__all__ = [
    "ConvertedUpsample", "FoundResize", "Resize", "UnsupportedCall", "clear_cache", "convert", "find_resizes",
    "format_resizes", "plan_call", "preset_for", "resize", "table_graphs",
]
