"""``Resize``: the Keras layer form of ``consistent_resize_tf.resize``."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import keras

from consistent_resize.arguments import check_roi, check_scales, check_sizes, plan_axes, resolve_spec
from consistent_resize.spec import ResizeSpec

from ._layout import check_rank, check_size_arguments, is_tensor, normalize_data_format, spatial_axes
from .functional import resize


@keras.saving.register_keras_serializable(package="consistent_resize")
class Resize(keras.layers.Layer):
    """Resize every spatial axis exactly as ``spec`` (or ``preset``) says; no weights.

    Convention: ``channels_last`` = ``(batch, *spatial, channels)`` (Keras's default) or
    ``channels_first``; the coordinate mode is the spec's ``coordinate_transformation_mode``.

    Args:
        size: output length of each spatial axis (an int for all, or a sequence of ints).
        scale_factor: instead of ``size``: ONNX ``scales``; ``out = floor(in * scale)``.
        spec: a ``consistent_resize.ResizeSpec`` (``get_config`` stores it as a dict of its fields;
            a dict is accepted here too), or ``preset``: a name in ``consistent_resize.PRESETS``.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        roi: ``[starts..., ends...]``, for ``tf_crop_and_resize`` only.
        **kwargs: ``keras.layers.Layer`` arguments (``name``, ``dtype`` policy, ...).

    Input shape: rank 3, 4 or 5; spatial sizes may be unknown (``keras.Input((None, None, C))``).
    Output shape: the same with each spatial axis resized. Float inputs only (float16, bfloat16,
    float32, float64); under a mixed-precision policy the layer computes in its compute dtype and
    accumulates half precision in float32.

    Example:
        >>> import keras
        >>> layer = Resize((4, 4), preset="chainer")
        >>> layer.compute_output_shape((None, 2, 2, 3))
        (None, 4, 4, 3)
    """

    def __init__(
        self,
        size: Any = None,
        scale_factor: Any = None,
        *,
        spec: ResizeSpec | dict | None = None,
        preset: str | None = None,
        data_format: str = "channels_last",
        roi: Any = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if isinstance(spec, dict):
            spec = ResizeSpec(**spec)
        if is_tensor(size):
            raise TypeError(
                "the Resize layer takes Python ints as size; pass a size tensor to the call "
                "(layer(x, size=...)) or to consistent_resize_tf.resize"
            )
        check_size_arguments(size, scale_factor)
        self.size = size
        self.scale_factor = scale_factor
        self.spec = spec
        self.preset = preset
        self.resolved_spec = resolve_spec(spec, preset)
        self.data_format = normalize_data_format(data_format)
        self.roi = roi
        if roi is not None:  # the mode and the pairing now; the entry count once the rank is known
            check_roi(roi, self.resolved_spec, max(len(list(roi)) // 2, 1))

    def _axes(self, rank: int) -> tuple[int, ...]:
        axes = spatial_axes(check_rank(rank), self.data_format)
        # check the entry counts as soon as the rank is known (build time in a functional model)
        if self.size is not None:
            check_sizes(self.size, len(axes))
        else:
            check_scales(self.scale_factor, len(axes))
        check_roi(self.roi, self.resolved_spec, len(axes))
        return axes

    def build(self, input_shape):
        self._axes(len(input_shape))
        super().build(input_shape)

    def call(self, inputs, size=None):
        """Resize ``inputs``; ``size`` (TensorFlow backend) overrides the configured size for this call
        and may be a tensor, e.g. ``tf.shape(feature)[1:3]`` in a subclassed model."""
        if size is not None and keras.backend.backend() != "tensorflow":
            raise ValueError("a call-time size needs the TensorFlow backend")
        if keras.backend.backend() != "tensorflow":  # JAX: static tables through keras.ops
            from . import keras_ops

            return keras_ops.resize(
                inputs, self.size, self.scale_factor, self.resolved_spec, self.data_format, self.roi
            )
        return resize(
            inputs,
            self.size if size is None else size,
            self.scale_factor if size is None else None,
            spec=self.resolved_spec,
            data_format=self.data_format,
            roi=self.roi,
        )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        axes = self._axes(len(input_shape))
        in_sizes = [input_shape[a] for a in axes]
        out = list(input_shape)
        spec = self.resolved_spec
        if all(n is not None for n in in_sizes):
            for axis, p in zip(axes, plan_axes(in_sizes, self.size, self.scale_factor, spec, self.roi)):
                out[axis] = p.out_size
        elif self.size is not None and spec.keep_aspect_ratio_policy == "stretch":
            for axis, n in zip(axes, check_sizes(self.size, len(axes))):
                out[axis] = n
        else:
            scales = check_scales(self.scale_factor, len(axes)) if self.size is None else None
            for i, axis in enumerate(axes):
                known = scales is not None and in_sizes[i] is not None
                out[axis] = int(math.floor(in_sizes[i] * scales[i])) if known else None
        return tuple(out)

    def get_config(self):
        config = super().get_config()
        spec = dataclasses.asdict(self.spec) if self.spec is not None else None
        return {
            **config,
            "size": _plain(self.size),
            "scale_factor": _plain(self.scale_factor),
            "spec": spec,
            "preset": self.preset,
            "data_format": self.data_format,
            "roi": _plain(self.roi),
        }


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a size/scale/roi argument (tuples and NumPy values become lists/numbers)."""
    if value is None:
        return None
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
