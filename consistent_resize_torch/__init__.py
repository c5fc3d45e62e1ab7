"""consistent_resize_torch: the spec's resize for PyTorch, a drop-in for ``F.interpolate`` / ``nn.Upsample``.

``resize(x, size=None, scale_factor=None, *, spec=None, preset=None)`` and the module ``Resize`` with the
same arguments. Forward, gradient (and gradients of any order) are the spec's exactly; it works with
``torch.compile(fullgraph=True)``, ``torch.export``, ``torch.func``, DDP, and exports to ONNX as one
standard ``Resize`` node.
"""

from ._onnx import table_graphs
from ._tables import clear_cache
from .functional import resize
from .layer import Resize

__all__ = ["Resize", "clear_cache", "resize", "table_graphs"]
