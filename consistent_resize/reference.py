"""The NumPy reference: the oracle every framework layer is tested against.

``y = A_k ... A_1 x + e * M``: one table per resized axis, applied in the order of ``axes``; ``e`` is
``extrapolation_value`` and ``M`` marks outputs whose source lies outside the input on any axis
(``tf_crop_and_resize``). The reference computes in float64 and rounds once to the input's dtype
(integers: round half to even, then saturate to the dtype's range). The gradient of ``y`` with respect
to ``x`` is the adjoint ``A_1^T ... A_k^T g`` (``adjoint`` below).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .arguments import (
    AxisPlan,
    check_axes,
    check_preset_domain,
    check_size_or_scale,
    entry_count,
    plan_axes,
    resolve_spec,
    table_spec,
)
from .spec import ResizeSpec
from .tables import AxisTable, axis_table

#: dtype names the reference accepts (bfloat16 via ml_dtypes when installed).
FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")
INTEGER_DTYPES = ("uint8", "int8", "uint16", "int16", "uint32", "int32", "int64")


def check_dtype(dtype: Any) -> np.dtype:
    """The dtype if the reference supports it, else a TypeError naming the allowed ones."""
    dtype = np.dtype(dtype)
    if dtype.name not in FLOAT_DTYPES + INTEGER_DTYPES:
        raise TypeError(
            f"unsupported dtype {dtype.name}; expected one of {', '.join(FLOAT_DTYPES + INTEGER_DTYPES)}"
        )
    return dtype


def apply_table(y: np.ndarray, table: AxisTable, axis: int) -> np.ndarray:
    """``out[..., o, ...] = sum_k weight[o, k] * y[..., index[o, k], ...]`` along ``axis``; taps of
    weight 0 contribute nothing, so non-finite values reach only the outputs that read them."""
    moved = np.moveaxis(y, axis, -1)
    gathered = moved[..., table.index]  # (..., out, K)
    with np.errstate(invalid="ignore", over="ignore"):
        products = np.where(table.weight != 0, gathered * table.weight, 0.0)
    return np.moveaxis(products.sum(axis=-1), -1, axis)


def apply_table_adjoint(g: np.ndarray, table: AxisTable, axis: int) -> np.ndarray:
    """The transpose of ``apply_table``: scatter-add ``weight * g`` back to the source indices."""
    moved = np.moveaxis(g, axis, -1)
    out = np.zeros(moved.shape[:-1] + (table.in_size,), dtype=np.float64)
    contributions = moved[..., :, None] * table.weight  # (..., out, K)
    flat_out = out.reshape(-1, table.in_size)
    np.add.at(flat_out, (slice(None), table.index.ravel()), contributions.reshape(flat_out.shape[0], -1))
    return np.moveaxis(out, -1, axis)


def _prepare(x_shape, size, scale_factor, spec, preset, axes, roi):
    spec = resolve_spec(spec, preset)
    check_size_or_scale(size, scale_factor)
    axes = check_axes(len(x_shape), axes, entry_count(size, scale_factor))
    plans = plan_axes([x_shape[a] for a in axes], size, scale_factor, spec, roi)
    check_preset_domain(preset, [p.in_size for p in plans], size, scale_factor, roi)
    spec = table_spec(spec, plans)  # the per-call rule of area_or_two_tap (OpenCV INTER_AREA)
    tables = [axis_table(p.in_size, p.out_size, spec, p.scale, p.roi) for p in plans]
    return spec, axes, tables


def _outside_mask(shape: Sequence[int], axes: Sequence[int], tables: Sequence[AxisTable]) -> np.ndarray:
    mask = np.zeros([1] * len(shape), bool)
    for axis, table in zip(axes, tables):
        view = [1] * len(shape)
        view[axis] = table.out_size
        mask = mask | table.outside.reshape(view)
    return mask


def _to_dtype(y: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.clip(np.rint(y), info.min, info.max).astype(dtype)
    return y.astype(dtype)


def resize(
    x: Any,
    size: Any = None,
    scale_factor: Any = None,
    *,
    spec: ResizeSpec | None = None,
    preset: str | None = None,
    axes: Any = None,
    roi: Any = None,
) -> np.ndarray:
    """Resize ``x`` along ``axes`` (default: the trailing ``len(size)`` axes) exactly as ``spec`` says.

    Args:
        x: array of a float dtype (float16, bfloat16, float32, float64) or an integer dtype.
        size: output length of each resized axis (a sequence; a single int needs ``axes``).
        scale_factor: instead of ``size``: ONNX ``scales``; ``out = floor(in * scale)``.
        spec: a ``ResizeSpec``; or ``preset``: the name of one in ``PRESETS``; neither: ``ResizeSpec()``.
        axes: the axes to resize.
        roi: ``[starts..., ends...]`` of the resized axes, for ``tf_crop_and_resize``.

    Returns:
        The resized array, of ``x``'s dtype.

    Example:
        >>> resize(np.array([[64.0, 32.0], [64.0, 32.0]]), (4, 4), preset="chainer")[0].round(2).tolist()
        [64.0, 53.33, 42.67, 32.0]
    """
    x = np.asarray(x)
    dtype = check_dtype(x.dtype)
    spec, axes, tables = _prepare(x.shape, size, scale_factor, spec, preset, axes, roi)
    y = x.astype(np.float64)
    for axis, table in zip(axes, tables):
        y = apply_table(y, table, axis)
    if spec.coordinate_transformation_mode == "tf_crop_and_resize":
        y = np.where(_outside_mask(y.shape, axes, tables), spec.extrapolation_value, y)
    return _to_dtype(y, dtype)


def adjoint(
    grad: Any,
    input_shape: Sequence[int],
    size: Any = None,
    scale_factor: Any = None,
    *,
    spec: ResizeSpec | None = None,
    preset: str | None = None,
    axes: Any = None,
    roi: Any = None,
) -> np.ndarray:
    """The gradient of ``resize`` with respect to its input, for upstream gradient ``grad`` (float64):
    the transpose of the forward linear map (``extrapolation_value`` adds a constant: no gradient)."""
    grad = np.asarray(grad, dtype=np.float64)
    spec, axes, tables = _prepare(tuple(input_shape), size, scale_factor, spec, preset, axes, roi)
    g = grad
    for axis, table in reversed(list(zip(axes, tables))):
        g = apply_table_adjoint(g, table, axis)
    return g


def plan(
    input_shape: Sequence[int],
    size: Any = None,
    scale_factor: Any = None,
    *,
    spec: ResizeSpec | None = None,
    preset: str | None = None,
    axes: Any = None,
    roi: Any = None,
) -> tuple[ResizeSpec, tuple[int, ...], list[AxisTable]]:
    """Resolve the arguments as ``resize`` does: the spec, the resized axes and one table per axis."""
    return _prepare(tuple(input_shape), size, scale_factor, spec, preset, axes, roi)


__all__ = ["resize", "adjoint", "plan", "apply_table", "apply_table_adjoint", "check_dtype", "AxisPlan"]
