"""Strided application of a gather table: runs of rows as multiply-adds of strided views, no index gather.

A ``GatherTable`` (``_gather``) is covered by the core's ``table_patterns.strided_cover``: runs of rows
``r_j = r_0 + s j`` whose tap ``k`` reads ``i_k + q j``. Over a run, along ``axis``,

    y[..., r_0::s, ...] = sum_k w[r_j, k] * x[..., i_k::q, ...]        (k = 0, 1, ..., K - 1 in order)

computed as ``multiply(x_0, w_0, out=y_run)`` then ``y_run += x_k * w_k``: the same products, summed in
the same order, as the gather (``_gather.apply``), so both give the same bits. The few rows that follow no
run (clamped borders) are gathered; rows with no non-zero weight (``table.empty``) are set to 0 (by runs
too: slices, not an index). Every row of the result is written, so it can be allocated with ``empty``:
NumPy's ``zeros`` of a large array maps 4 KiB zero pages that fault one at a time when written (5x slower
to fill here than ``empty``, which asks for huge pages). A NaN or Inf reaches exactly the rows whose taps
read it, as in the gather. The same code runs on NumPy and CuPy (basic slicing, ``take``
and ufuncs with ``out=``); GPU runs need no host synchronisation.

A cover is used (``useful``) when its runs are long (``MIN_MEAN_RUN`` rows on average) and few rows are
left over: otherwise the per-run calls cost more than the gather.
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np

from consistent_resize.table_patterns import StridedCover, StridedRun, strided_cover

from ._gather import GatherTable

#: A cover is used when its runs have at least this many rows on average ...
MIN_MEAN_RUN = 16
#: ... and at most this fraction of the table's rows is left over to the gather.
MAX_LEFTOVER = 0.125
#: CPU: bytes of result per block of a run (see ``_program``).
BLOCK_BYTES = 1 << 18


@dataclasses.dataclass(frozen=True, eq=False)
class StridedPlan:
    """A table and its strided cover.

    Attributes:
        table: the gather table.
        cover: its runs and left-over rows (``table.empty`` rows are in neither).
    """

    table: GatherTable
    cover: StridedCover
    zero_cover: StridedCover | None

    @functools.cached_property
    def useful(self) -> bool:
        """Whether the cover is worth using (see the module text)."""
        runs = self.cover.runs
        if not runs:
            return False
        return (self.cover.covered >= MIN_MEAN_RUN * len(runs)
                and len(self.cover.leftover) <= MAX_LEFTOVER * self.table.rows)


@functools.lru_cache(maxsize=1024)
def strided_plan(table: GatherTable) -> StridedPlan:
    """The strided cover of ``table`` (cached)."""
    zero_cover = None
    if table.empty is not None:  # the empty rows, as runs of a table whose rows all read input 0
        zero_cover = strided_cover(np.zeros((table.rows, 1), np.int64), ~table.empty)
    return StridedPlan(table, strided_cover(table.index, table.empty), zero_cover)


@functools.lru_cache(maxsize=4096)
def _device_weights(plan: StridedPlan, device_key, dtype: np.dtype):
    """Per run, the ``(K, count)`` weights; the left-over rows, their ``(K, L)`` index and weight; the
    left-over empty rows; as arrays of the device named by ``device_key`` (None: NumPy), weights in
    ``dtype`` (cached)."""
    if device_key is None:
        def to_device(a, dtype=None):
            return np.ascontiguousarray(a, dtype=dtype)
    else:
        import cupy

        def to_device(a, dtype=None):
            with cupy.cuda.Device(device_key):
                return cupy.ascontiguousarray(cupy.asarray(a, dtype=dtype))

    weight = plan.table.weight
    runs = tuple(to_device(weight[run.rows].T, dtype) for run in plan.cover.runs)
    rows = plan.cover.leftover
    leftover = None
    if len(rows):
        leftover = (to_device(rows), to_device(plan.table.index[rows].T), to_device(weight[rows].T, dtype))
    zero_rows = None
    if plan.zero_cover is not None and len(plan.zero_cover.leftover):
        zero_rows = to_device(plan.zero_cover.leftover)
    return runs, leftover, zero_rows


def _sub_run(run: StridedRun, first: int, last: int) -> StridedRun:
    """Rows ``first..last`` (of ``count``) of ``run``."""
    return dataclasses.replace(
        run, out_start=run.out_start + run.out_step * first, count=last - first,
        in_start=tuple(i + run.in_step * first for i in run.in_start))


@functools.lru_cache(maxsize=4096)
def _program(plan: StridedPlan, device_key, dtype: np.dtype, shape: tuple, axis: int):
    """What ``apply`` does to an array of ``shape`` (cached): ``(zeros, ops, leftover)``, with ``zeros``
    the indexes of the empty rows, ``ops`` one ``(out index, ((in index, weight), ...) per tap)`` per
    block of a run, ``leftover`` None or ``(out index, ((index, weight), ...) per tap)``.

    On the CPU the runs are cut into blocks of about ``BLOCK_BYTES`` of result (along the axis, or along
    the axis before it when the axis is the last), so that the product of a tap, the scratch and the sum
    stay in the cache; with one tap, or on GPU, one block per run (one call per tap)."""
    run_weights, leftover, zero_rows = _device_weights(plan, device_key, dtype)
    ndim = len(shape)
    lead = (slice(None),) * axis
    tail = (1,) * (ndim - axis - 1)
    zeros = []
    if plan.zero_cover is not None:
        zeros = [lead + (run.out_slice(),) for run in plan.zero_cover.runs]
        if zero_rows is not None:
            zeros.append(lead + (zero_rows,))
    block = None  # one tap: nothing to keep in the cache between calls; GPU: one kernel per tap
    if device_key is None and len(run_weights) and run_weights[0].shape[0] > 1:
        block = BLOCK_BYTES // dtype.itemsize
    ops = []
    for run, weights in zip(plan.cover.runs, run_weights):
        pieces = [(0, run.count)]
        outer = [lead]
        if block is not None and axis < ndim - 1:  # cut the run's rows
            rows = max(1, block // max(1, math.prod(shape[:axis]) * math.prod(shape[axis + 1:])))
            pieces = [(a, min(a + rows, run.count)) for a in range(0, run.count, rows)]
        elif block is not None and axis >= 1:  # last axis: cut the axis before it
            before = shape[axis - 1]
            step = max(1, block // max(1, math.prod(shape[:axis - 1]) * run.count))
            outer = [lead[:-1] + (slice(a, min(a + step, before)),) for a in range(0, before, step)]
        for first, last in pieces:
            sub = _sub_run(run, first, last)
            taps = tuple((sub.in_slice(k), weights[k][first:last].reshape((last - first,) + tail))
                         for k in range(len(weights)))
            for o in outer:
                ops.append((o + (sub.out_slice(),), tuple((o + (i,), w) for i, w in taps)))
    left = None
    if leftover is not None:
        rows, index, weight = leftover
        view = (len(rows),) + tail
        left = (lead + (rows,), tuple((index[k], weight[k].reshape(view)) for k in range(len(index))))
    return tuple(zeros), tuple(ops), left


def apply(x, plan: StridedPlan, axis: int, xp, out=None, zeroed: bool = False):
    """``y[..., r, ...] = sum_k weight[r, k] * x[..., index[r, k], ...]`` along ``axis`` by the plan's
    runs (and a gather of its left-over rows), written into every row of ``out`` (allocated when None;
    ``zeroed``: its empty rows hold 0 already, and are not written again). Returns ``out``. NumPy
    warnings for ``0 * inf`` on a padding tap (as in the gather) are the caller's to silence (``_axes``
    does, once per unit of work)."""
    table = plan.table
    shape = x.shape[:axis] + (table.rows,) + x.shape[axis + 1:]
    if out is None:
        out = xp.empty(shape, dtype=x.dtype)
    device_key = None if isinstance(x, np.ndarray) else int(x.device.id)
    zeros, ops, left = _program(plan, device_key, x.dtype, x.shape, axis)
    if not zeroed:
        for where in zeros:
            out[where] = 0
    scratch = None
    for where, taps in ops:
        y_run = out[where]
        (x_0, w_0), rest = taps[0], taps[1:]
        xp.multiply(x[x_0], w_0, out=y_run)
        if rest:
            if scratch is None or scratch.size < y_run.size:
                scratch = xp.empty(max(y_run.size, 0 if scratch is None else scratch.size), dtype=x.dtype)
            term = scratch[:y_run.size].reshape(y_run.shape)
            for x_k, w_k in rest:
                xp.multiply(x[x_k], w_k, out=term)
                xp.add(y_run, term, out=y_run)
    if left is not None:
        where, taps = left
        y = None
        for index, weight in taps:
            t = xp.take(x, index, axis=axis)
            t *= weight
            if y is None:
                y = t
            else:
                y += t
        out[where] = y
    return out
