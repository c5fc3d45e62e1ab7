"""consistent-resize: one precisely specified image resize for NumPy, PyTorch, TensorFlow/Keras and Chainer.

The core depends on NumPy alone: the spec (``ResizeSpec``), the presets that reproduce real libraries
(``PRESETS``), the per-axis tables (``axis_table``) and the NumPy reference (``resize``).
"""

from .arguments import AxisPlan, plan_axes, resolve_spec
from .coordinates import source_coordinates
from .presets import PRESETS, Preset, preset_spec, presets_equal_to
from .reference import adjoint, plan, resize
from .spec import (
    COORDINATE_ARITHMETICS,
    COORDINATE_TRANSFORMATION_MODES,
    EXTENSION_MODES,
    MODES,
    NEAREST_MODES,
    ONNX_ATTRIBUTES,
    ResizeSpec,
)
from .tables import AxisTable, axis_table

__version__ = "0.1.0"

__all__ = [
    "AxisPlan",
    "AxisTable",
    "COORDINATE_ARITHMETICS",
    "COORDINATE_TRANSFORMATION_MODES",
    "MODES",
    "EXTENSION_MODES",
    "NEAREST_MODES",
    "ONNX_ATTRIBUTES",
    "PRESETS",
    "Preset",
    "ResizeSpec",
    "adjoint",
    "axis_table",
    "plan",
    "plan_axes",
    "preset_spec",
    "presets_equal_to",
    "resize",
    "resolve_spec",
    "source_coordinates",
]
