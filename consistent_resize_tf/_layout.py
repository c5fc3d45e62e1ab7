"""Layout and argument checks of the TensorFlow layer: data format, rank, dtype, and which size
arguments are known in Python (static tables) versus only in the graph (in-graph tables).

Convention: ``channels_last`` is ``(batch, *spatial, channels)``; ``channels_first`` is
``(batch, channels, *spatial)``. Every spatial axis is resized; batch and channels never are.
"""

from __future__ import annotations

import numbers
from typing import Any

import tensorflow as tf

from consistent_resize._names import check_choice
from consistent_resize.arguments import check_scales, check_sizes

DATA_FORMATS = ("channels_last", "channels_first")
RANKS = (3, 4, 5)
#: input dtype -> the dtype the weighted sums are accumulated in
COMPUTE_DTYPES = {
    tf.float16: tf.float32,
    tf.bfloat16: tf.float32,
    tf.float32: tf.float32,
    tf.float64: tf.float64,
}


def normalize_data_format(data_format: Any) -> str:
    """``data_format`` lower-cased and checked (``"channels_last"`` or ``"channels_first"``)."""
    value = data_format.lower() if isinstance(data_format, str) else data_format
    return check_choice("data_format", value, DATA_FORMATS)


def check_rank(rank: Any) -> int:
    """The rank if it is 3, 4 or 5 (one, two or three spatial axes), else a ValueError."""
    if rank is None:
        raise ValueError("the input rank must be known (3, 4 or 5); got an input of unknown rank")
    if rank not in RANKS:
        raise ValueError(
            f"input must have rank 3, 4 or 5 (batch, 1 to 3 spatial axes, channels); got rank {rank}"
        )
    return int(rank)


def spatial_axes(rank: int, data_format: str) -> tuple[int, ...]:
    """The resized axes of an input of ``rank`` in ``data_format``."""
    count = check_rank(rank) - 2
    first = 1 if data_format == "channels_last" else 2
    return tuple(range(first, first + count))


def compute_dtype(dtype: tf.DType) -> tf.DType:
    """The accumulation dtype of a float input dtype; a TypeError for any other dtype."""
    dtype = tf.as_dtype(dtype)
    if dtype not in COMPUTE_DTYPES:
        raise TypeError(
            f"resize needs a float input (float16, bfloat16, float32 or float64); got {dtype.name}"
        )
    return COMPUTE_DTYPES[dtype]


def is_tensor(value: Any) -> bool:
    """Whether ``value`` is a TensorFlow tensor or variable (its values known only in the graph)."""
    return isinstance(value, (tf.Tensor, tf.Variable)) or tf.is_symbolic_tensor(value)


def rank3_is_image(size: Any, scale_factor: Any) -> bool:
    """How a rank-3 input is read: one unbatched image ``(H, W, C)`` when ``size`` (or ``scale_factor``)
    has 2 entries, as ``tf.image.resize`` reads rank 3; ``(batch, width, channels)`` when it has 1.

    A single number would resize ``W`` of a 1-D signal where a ``tf.image.resize`` user means both
    axes of an image, so it is refused (a ValueError saying what to write instead).
    """
    value = size if size is not None else scale_factor
    if is_tensor(value):
        count = value.shape.num_elements() if value.shape.rank not in (None, 0) else value.shape.rank
    elif isinstance(value, numbers.Number):
        count = 0
    else:
        count = len(value)
    if count == 0:
        name = "size" if size is not None else "scale_factor"
        raise ValueError(
            f"{name}={value!r} is ambiguous for a rank-3 input: give {name} as (h, w) for one (H, W, C) "
            f"image (as tf.image.resize reads rank 3), or as (w,) for (batch, width, channels)"
        )
    return count == 2


def check_size_arguments(size: Any, scale_factor: Any) -> None:
    """Early checks of ``size``/``scale_factor`` that need no input (exactly one given, right types).

    A Python ``size`` holds integers >= 1 and a ``scale_factor`` finite numbers > 0; a tensor
    ``size`` must have an integer dtype. The entry count is checked against the input later.
    """
    if (size is None) == (scale_factor is None):
        raise ValueError("give exactly one of size and scale_factor")
    if size is not None:
        if is_tensor(size):
            if not size.dtype.is_integer:
                raise TypeError(f"a size tensor must have an integer dtype, got {size.dtype.name}")
            return
        check_sizes(size, 1 if _is_number(size) else None)
    else:
        if is_tensor(scale_factor):
            raise TypeError("scale_factor must be Python numbers; give a size tensor for sizes known in the graph")
        check_scales(scale_factor, 1 if _is_number(scale_factor) else None)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) or getattr(value, "ndim", None) == 0
