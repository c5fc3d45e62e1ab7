"""consistent-resize for TensorFlow and Keras: ``resize`` (a function) and ``Resize`` (a Keras layer);
``convert`` / ``find_resizes`` / ``preset_for`` for existing Keras models (``consistent_resize_tf.convert``);
``AspectResize`` for ``Resizing``'s crop/pad to the aspect ratio.

Both compute exactly the resize a ``consistent_resize.ResizeSpec`` (or preset) defines, with the
core's tables: forward equal to the NumPy reference, gradients equal to its adjoint.
"""

from .functional import resize
from .layer import Resize
from .aspect import AspectResize  # noqa: E402  (after Resize, which it wraps)
from .convert import convert, find_resizes, format_resizes, preset_for  # noqa: E402

__all__ = ["AspectResize", "Resize", "convert", "find_resizes", "format_resizes", "preset_for", "resize"]
