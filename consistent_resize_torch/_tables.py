"""Per-axis tables as device tensors, built once per (axis, device, dtype) and cached.

The tables come from the core (``consistent_resize.tables.axis_table``); this module only moves them to
the tensor's device and dtype, and derives the transposed table that the gradient gathers with (the
adjoint ``A^T g`` as a gather-and-sum too, so the backward needs no atomic scatter and is deterministic).
"""

from __future__ import annotations

import collections
import threading
from typing import NamedTuple

import numpy as np
import torch

from consistent_resize.spec import ResizeSpec
from consistent_resize.tables import AxisTable, axis_table, transposed
from consistent_resize.tables import transposed as _core_transposed  # device_table's argument shadows it

#: How many device tables are kept (least recently used ones are dropped first).
CACHE_SIZE = 512


class DeviceTable(NamedTuple):
    """One axis' gather table on a device: ``out[o] = sum_k weight[o, k] * x[index[k][o]]``.

    ``index`` is a tuple of K int64 vectors (one per tap), ``weight`` a tuple of K vectors of the compute
    dtype, ``outside`` a bool vector (or None when no output is outside), all of length ``rows``.
    ``index_matrix`` / ``weight_matrix`` are the same taps as ``(rows, K)`` tensors (``index`` and
    ``weight`` are their columns). ``dense`` is the ``(rows, cols)`` matrix of the map in the compute
    dtype, kept only for short axes (``cols <= DENSE_MAX_COLS``), else None; ``dense_t`` its transpose.
    """

    rows: int
    index: tuple
    weight: tuple
    outside: torch.Tensor | None
    cols: int = 0
    index_matrix: torch.Tensor | None = None
    weight_matrix: torch.Tensor | None = None
    dense: torch.Tensor | None = None
    dense_t: torch.Tensor | None = None
    unread: torch.Tensor | None = None  # transposed tables: the rows (inputs) no output reads, else None


#: Longest axis (input length of the map) for which the dense matrix is kept (the dense product is used
#: only for short axes, where it was measured faster than the gather; see ``_axis``).
DENSE_MAX_COLS = 64


def transpose_table(table: AxisTable) -> tuple[np.ndarray, np.ndarray]:
    """The gather table of ``A^T``: for each input index, the outputs that read it and their weights.

    Returns:
        ``(index, weight)`` of shape ``(in_size, KT)``; rows are padded with weight-0 taps that repeat
        the row's first index (index 0 for an input no output reads).
    """
    index, weight, _ = transposed(table)
    return index, weight


_CACHE: "collections.OrderedDict[tuple, DeviceTable]" = collections.OrderedDict()
_LOCK = threading.Lock()


def device_table(
    in_size: int,
    out_size: int,
    spec: ResizeSpec,
    scale: float | None,
    roi: tuple[float, float] | None,
    device: torch.device,
    dtype: torch.dtype,
    transposed: bool = False,
) -> DeviceTable:
    """The (cached) gather table of one axis on ``device`` with weights of ``dtype``.

    Args:
        in_size, out_size, spec, scale, roi: as ``axis_table``.
        device, dtype: where the table lives and the weights' dtype (the compute dtype).
        transposed: the table of the adjoint (rows are input indices) instead of the forward one.
    """
    key = (in_size, out_size, spec, scale, roi, str(device), dtype, transposed)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    table = axis_table(in_size, out_size, spec, scale, roi)
    unread = None
    if transposed:
        index, weight, read = _core_transposed(table)
        outside = None
        if not read.all():  # their padded taps have weight 0: the kernels fill these rows with 0 after
            unread = torch.from_numpy(np.flatnonzero(~read)).to(device)
    else:
        index, weight = table.index, table.weight
        outside = torch.from_numpy(np.array(table.outside)).to(device) if table.outside.any() else None
    cols = table.out_size if transposed else table.in_size
    index_t = torch.from_numpy(np.array(index, np.int64)).to(device)
    weight_t = torch.from_numpy(np.array(weight)).to(device=device, dtype=dtype)
    dense = None
    if cols <= DENSE_MAX_COLS:
        matrix = table.matrix().T if transposed else table.matrix()
        dense = torch.from_numpy(np.ascontiguousarray(matrix)).to(device=device, dtype=dtype)
    made = DeviceTable(
        index.shape[0],
        tuple(index_t.T.contiguous().unbind(0)),
        tuple(weight_t.T.contiguous().unbind(0)),
        outside,
        cols,
        index_t,
        weight_t,
        dense,
        None if dense is None else dense.t().contiguous(),
        unread,
    )
    with _LOCK:
        _CACHE[key] = made
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return made


def clear_cache() -> None:
    """Drop every cached device table and every cached plan (which holds tables), e.g. to free GPU
    memory."""
    from . import _axis  # the plans (imported here: _axis imports this module)

    with _LOCK:
        _CACHE.clear()
    _axis.clear_cache()
