"""consistent-resize for TensorFlow and Keras: ``resize`` (a function) and ``Resize`` (a Keras layer).

Both compute exactly the resize a ``consistent_resize.ResizeSpec`` (or preset) defines, with the
core's tables: forward equal to the NumPy reference, gradients equal to its adjoint.
"""

from .functional import resize
from .layer import Resize

__all__ = ["resize", "Resize"]
