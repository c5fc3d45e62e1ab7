"""Gather tables: one axis of a resize (or of its transpose) as ``y[r] = sum_k weight[r, k] * x[index[r, k]]``.

The forward table of an axis is the core's ``AxisTable`` as it is. The transposed table (the gradient)
lists, for every input index ``i``, the outputs ``o`` that read it with a non-zero weight: applying it is
the scatter-add ``gx[i] += weight * gy[o]`` written as a gather, so the backward needs no atomics, is
deterministic on GPU and is itself a gather table (whose transpose is the forward one: double backprop).

Rows with no non-zero tap (an input that no output reads, an output outside the crop of
``tf_crop_and_resize``) are marked ``empty`` and set to 0 after the weighted sum, so a NaN or Inf in a
padding tap reaches no row that does not read it. Tables are cached per ``AxisTable`` (the core caches
those) and their device copies per device and dtype.

On the CPU, an axis whose source is short compared with its tap count (``source_size <= DENSE_RATIO * K``,
as in the gradient of a large upscale: 60 -> 6 reads 24 taps per row) is applied as one matrix product
with the dense ``(rows, source)`` matrix instead, when the array is finite (checked by one sum: a
non-finite element makes the sum non-finite). The dense product multiplies every zero entry too, so
with a NaN or Inf in the array it would spread them; then another kernel runs. Both give the same numbers up
to the order of summation. On GPU the gather always runs (no host synchronisation for the check).
Where a table has long regular runs, ``_strided`` applies it without index gathers; ``_axes`` chooses
the kernel per axis and cuts large CPU arrays into units of work.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math

import numpy as np

from consistent_resize.tables import AxisTable, transposed


@dataclasses.dataclass(frozen=True, eq=False)
class GatherTable:
    """One axis of a linear map, read as a gather.

    Attributes:
        source_size: length of the axis that is read.
        index: int64 ``(rows, K)``, entries in ``[0, source_size)``.
        weight: float64 ``(rows, K)``.
        empty: bool ``(rows,)``, true where a row has no non-zero weight; None if no row is empty.
    """

    source_size: int
    index: np.ndarray
    weight: np.ndarray
    empty: np.ndarray | None

    @property
    def rows(self) -> int:
        return self.index.shape[0]

    @functools.cached_property
    def dense(self) -> np.ndarray:
        """The ``(rows, source_size)`` float64 matrix of this gather."""
        m = np.zeros((self.rows, self.source_size))
        np.add.at(m, (np.repeat(np.arange(self.rows), self.index.shape[1]), self.index.ravel()),
                  self.weight.ravel())
        return m


@functools.lru_cache(maxsize=4096)
def row_range(table: GatherTable, first: int, end: int) -> GatherTable:
    """Rows ``first..end`` of ``table``, as a table of their own (cached)."""
    empty = None if table.empty is None else table.empty[first:end]
    return GatherTable(table.source_size, table.index[first:end], table.weight[first:end],
                       empty if empty is not None and empty.any() else None)


def _empty_rows(weight: np.ndarray) -> np.ndarray | None:
    empty = ~(weight != 0).any(axis=1)
    return empty if empty.any() else None


@functools.lru_cache(maxsize=1024)
def forward_table(table: AxisTable) -> GatherTable:
    """The core table of one axis as a gather table (cached)."""
    return GatherTable(table.in_size, table.index, table.weight, _empty_rows(table.weight))


@functools.lru_cache(maxsize=1024)
def transposed_table(table: AxisTable) -> GatherTable:
    """The transpose of one axis' table: row ``i`` gathers the outputs that read input ``i`` (cached).

    Example:
        >>> from consistent_resize import ResizeSpec, axis_table
        >>> t = transposed_table(axis_table(2, 3, ResizeSpec(mode="linear")))
        >>> (t.weight.sum(axis=1) * 2).round(6).tolist()  # each input's weights, summed over outputs
        [3.0, 3.0]
    """
    index, weight, read = transposed(table)
    return GatherTable(table.out_size, index, weight, None if read.all() else ~read)


@functools.lru_cache(maxsize=4096)
def _device_copy(table: GatherTable, device_key, dtype_name: str):
    """``(index, weight, empty)`` as arrays of the device named by ``device_key`` (cached)."""
    if device_key is None:
        xp_asarray = np.asarray
    else:
        import cupy

        def xp_asarray(a, dtype=None):
            with cupy.cuda.Device(device_key):
                return cupy.asarray(a, dtype=dtype)

    index = xp_asarray(table.index)
    weight = xp_asarray(table.weight, dtype=dtype_name)
    empty = None if table.empty is None else xp_asarray(table.empty)
    return index, weight, empty


def device_arrays(table: GatherTable, x, compute_dtype: np.dtype):
    """The table's arrays on ``x``'s device, weights in ``compute_dtype``."""
    device_key = None if isinstance(x, np.ndarray) else int(x.device.id)
    return _device_copy(table, device_key, np.dtype(compute_dtype).name)


#: CPU: a table with ``source_size <= DENSE_RATIO * taps`` is applied as a dense matrix product.
DENSE_RATIO = 4
#: None: choose per table (``_axes.method``); "gather", "strided" or "dense": force one (tests of every
#: path). Set with ``forced``.
_FORCED: str | None = None
METHODS = (None, "gather", "strided", "dense")


@contextlib.contextmanager
def forced(method: str | None):
    """Within the block, apply every table by ``method`` (``"gather"``, ``"strided"``, ``"dense"``; the
    dense product still falls back to the gather for a non-finite array)."""
    global _FORCED
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    previous, _FORCED = _FORCED, method
    try:
        yield
    finally:
        _FORCED = previous


def forced_method() -> str | None:
    """The method forced by ``forced`` (None: none)."""
    return _FORCED


@functools.lru_cache(maxsize=1024)
def _dense_copy(table: GatherTable, dtype_name: str) -> np.ndarray:
    return np.ascontiguousarray(table.dense, dtype=dtype_name)


def dense_candidate(x, table: GatherTable) -> bool:
    """Whether ``table`` on ``x`` takes the dense product if ``x`` is finite (see ``_use_dense``)."""
    if not isinstance(x, np.ndarray) or _FORCED in ("gather", "strided"):
        return False
    return _FORCED == "dense" or table.source_size <= DENSE_RATIO * table.index.shape[1]


def _use_dense(x, table: GatherTable) -> bool:
    if not dense_candidate(x, table):
        return False
    with np.errstate(all="ignore"):  # the sum of a non-finite (or huge) array is the answer, not an error
        return bool(np.isfinite(x.sum()))


def _apply_dense(x: np.ndarray, table: GatherTable, axis: int) -> np.ndarray:
    matrix = _dense_copy(table, x.dtype.name)
    before, after = x.shape[:axis], x.shape[axis + 1:]
    if not after:
        y = x.reshape(-1, table.source_size) @ matrix.T
    else:
        y = np.matmul(matrix, x.reshape(math.prod(before), table.source_size, math.prod(after)))
    return y.reshape(before + (table.rows,) + after)


def apply(x, table: GatherTable, axis: int, xp):
    """``y[..., r, ...] = sum_k weight[r, k] * x[..., index[r, k], ...]`` along ``axis``; one ``take``
    per tap (K is small: 1 nearest, 2 linear, 4 cubic, more only when antialiasing), no Python loop over
    elements; or the dense product on the CPU, see the module text."""
    if _use_dense(x, table):
        return _apply_dense(x, table, axis)
    index, weight, empty = device_arrays(table, x, x.dtype)
    view = (table.rows,) + (1,) * (x.ndim - axis - 1)
    y = None
    with np.errstate(invalid="ignore", over="ignore"):  # 0 * inf on a padding tap: see the module text
        for k in range(index.shape[1]):
            term = xp.take(x, index[:, k], axis=axis)
            term *= weight[:, k].reshape(view)
            if y is None:
                y = term
            else:
                y += term
    if empty is not None:
        y = xp.where(empty.reshape(view), xp.zeros((), y.dtype), y)
    return y
