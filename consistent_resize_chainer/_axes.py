"""Apply several per-axis gather tables (a separable linear map) to ``(N, C, *spatial)`` arrays.

Per axis one of three kernels, all computing ``y[r] = sum_k weight[r, k] * x[index[r, k]]`` (``method``):

* ``dense`` (CPU, short source axes, finite input: ``_gather``): one BLAS product;
* ``strided`` (``_strided``): runs of rows as multiply-adds of strided views, where the table has long
  regular runs (``_strided.StridedPlan.useful``; every ``align_corners`` or integer-ratio axis), on the
  last axis (2-3x faster than ``take`` of single elements, measured) or on an axis followed by at least
  ``STRIDED_MIN_INNER`` elements (as fast as ``take`` of rows, and it writes straight into the buffer);
  ``take`` of short rows is faster (2x at 8 elements);
* ``gather`` (``_gather.apply``): one ``take`` per tap.

The axes commute; they are applied in the order of least estimated work (``_order``).

On the CPU a large array is processed by **units of work** (``_units``): a few ``N*C`` slices
(``CHUNK_BYTES`` of intermediate results), every axis of a unit one after the other, so intermediate
results stay in the cache and the peak memory is the output plus one unit's buffers per thread. Where
one slice's buffers would exceed ``MEMORY_FRACTION`` of the output (a downsample: 1 MiB of intermediate
rows for 256 KiB of output per slice), a unit is one slice and a block of the first step's output rows.
Not chunked: small outputs, and arrays whose every axis takes the dense product (one BLAS call on the
whole array was faster: 15 vs 20 ms CPU on the pyramid workload). Every kernel writes every element of
its result, so buffers come from ``empty``: NumPy's ``zeros`` of a large array maps pages that fault in
4 KiB at a time when written (filling 96 MiB took 51 ms after ``zeros``, 11 ms after ``empty``).

The units are independent (each maps its slices, or rows, to the same part of the output) and may be
shared out among ``threads()`` threads (NumPy releases the GIL in its loops; one by default): each
thread takes a contiguous range of units with its own buffers and writes its own part of the output.
The units depend only on the shapes and the settings, never on the thread count or timing, so the
result is deterministic; the gather and strided kernels give the same bits as without units (the dense
product may round differently with another batch size: BLAS blocks by it).
"""

from __future__ import annotations

import concurrent.futures
import itertools
import math
import os
import threading

import numpy as np

from . import _gather, _memory, _strided

#: CPU: bytes of intermediate results of one unit of work made of several N*C slices (see ``_units``).
CHUNK_BYTES = 1 << 20
#: CPU: the buffers of all threads stay under this fraction of the output's bytes ...
MEMORY_FRACTION = 0.1
#: ... or this many bytes per thread, whichever is more (an output this small is not chunked).
MIN_UNIT_BYTES = 1 << 17
#: An axis that is not the last takes the strided kernel only when the axes after it hold this many
#: elements (rows this long); else the gather of rows.
STRIDED_MIN_INNER = 64
#: CPU: threads the units of work are shared among; None: the environment variable
#: ``CONSISTENT_RESIZE_THREADS`` if set, else 1. On the shared 2-core machine of the benchmark a second
#: thread never paid (the downsample's forward+backward 53 vs 49 ms with the machine's load at 2.5: the
#: other core was busy); where idle cores exist, more threads may help: measure.
THREADS: int | None = None

_pool_lock = threading.Lock()
_pool: tuple[int, int, concurrent.futures.ThreadPoolExecutor] | None = None  # (pid, size, executor)


def threads() -> int:
    """The number of threads the CPU chunks are shared among (see ``THREADS``)."""
    if THREADS is not None:
        return max(1, int(THREADS))
    env = os.environ.get("CONSISTENT_RESIZE_THREADS")
    if env:
        if not env.strip().isdigit() or int(env) < 1:
            raise ValueError(f"CONSISTENT_RESIZE_THREADS must be a positive integer, got {env!r}")
        return int(env)
    return 1


def _executor(size: int) -> concurrent.futures.ThreadPoolExecutor:
    """A pool of ``size`` threads, made anew in a forked child (its parent's threads do not exist there)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid() or _pool[1] != size:
            if _pool is not None and _pool[0] == os.getpid():
                _pool[2].shutdown(wait=False)  # another size: let the old threads end
            _pool = (os.getpid(), size, concurrent.futures.ThreadPoolExecutor(size, "consistent-resize"))
        return _pool[2]


def compute_dtype(dtype) -> np.dtype:
    """float16 is computed in float32 (and rounded once at the end); other dtypes in their own."""
    return np.dtype(np.float32) if np.dtype(dtype) == np.float16 else np.dtype(dtype)


def _order(shape, ops):
    """The order of ``ops`` (they commute) with the least estimated work: each step costs its taps times
    the size of its result, three times that for the last axis (single elements, not rows)."""
    best, best_cost = None, None
    for order in itertools.permutations(ops):
        size = list(shape)
        cost = 0
        for axis, table in order:
            size[axis] = table.rows
            cost += table.index.shape[1] * math.prod(size) * (3 if axis == len(shape) - 1 else 1)
        if best_cost is None or cost < best_cost:
            best, best_cost = order, cost
    return best


def method(x, table: _gather.GatherTable, axis: int) -> str:
    """The kernel for ``table`` along ``axis`` of ``x``: ``"dense"``, ``"strided"`` or ``"gather"`` (see
    the module text; ``_gather.forced`` overrides the choice, the dense product still only for finite
    arrays)."""
    forced = _gather.forced_method()
    if forced in ("gather", "strided"):
        return forced
    if _gather._use_dense(x, table):
        return "dense"
    if (forced is None and _strided.strided_plan(table).useful
            and (axis == x.ndim - 1 or math.prod(x.shape[axis + 1:]) >= STRIDED_MIN_INNER)):
        return "strided"
    return "gather"


def apply_one(x, table: _gather.GatherTable, axis: int, xp, out=None, zeroed: bool = False):
    """One axis, by ``method``; into ``out`` when given (every row is written, but the rows that
    ``table`` leaves empty may be skipped where ``zeroed`` says they hold 0 already)."""
    kernel = method(x, table, axis)
    if kernel == "strided":
        return _strided.apply(x, _strided.strided_plan(table), axis, xp, out=out, zeroed=zeroed)
    y = _gather._apply_dense(x, table, axis) if kernel == "dense" else _gather.apply(x, table, axis, xp)
    if out is None:
        return y
    out[...] = y
    return out


def _result_shape(shape, axis, table):
    return shape[:axis] + (table.rows,) + shape[axis + 1:]


def apply_axes(x, ops, xp):
    """Apply ``ops`` (``(axis, GatherTable)`` pairs, axes >= 2) to ``x`` ``(N, C, *spatial)`` in the
    compute dtype; the result has ``x``'s dtype."""
    dtype = np.dtype(x.dtype)
    compute = compute_dtype(dtype)
    order = _order(x.shape, ops)
    lead = x.shape[0] * x.shape[1]
    shapes = []  # per step, the result shape of one N*C slice
    shape = x.shape[2:]
    for axis, table in order:
        shape = _result_shape(shape, axis - 2, table)
        shapes.append(shape)
    if (xp is not np or not order or math.prod(shapes[-1]) * lead * compute.itemsize <= MIN_UNIT_BYTES
            or all(_gather.dense_candidate(x, table) for _, table in order)):  # BLAS: one call is faster
        y = x.astype(compute, copy=False)
        with np.errstate(invalid="ignore", over="ignore"):  # 0 * inf on a padding tap: see _gather
            for axis, table in order:
                y = apply_one(y, table, axis, xp)
        return y.astype(dtype, copy=False)
    return _apply_chunked(x, order, shapes, compute)


def _units(lead: int, rows: int, per_slice: int, budget: int, cut: bool) -> list[tuple[int, int, int, int]]:
    """Units of work ``(first slice, end slice, first row, end row)``.

    ``per_slice``: bytes of the buffers one ``N*C`` slice needs; ``budget``: bytes of buffers one thread
    may hold. A unit is ``CHUNK_BYTES // per_slice`` whole slices (at least one); where one slice needs
    more than ``budget`` and ``cut`` (the first step's axis is not the last one), one slice cut along
    the first step's output rows into blocks that fit ``budget``."""
    per_slice = max(per_slice, 1)
    if per_slice > budget and cut and rows > 1:
        block = max(1, rows * budget // per_slice)
        return [(a, a + 1, r, min(rows, r + block)) for a in range(lead) for r in range(0, rows, block)]
    chunk = max(1, min(CHUNK_BYTES, budget) // per_slice)
    return [(a, min(lead, a + chunk), 0, rows) for a in range(0, lead, chunk)]


def _apply_chunked(x: np.ndarray, order, shapes, compute: np.dtype) -> np.ndarray:
    """``apply_axes`` on the CPU by units of work (``_units``), shared out among threads.

    A unit is a range of ``N*C`` slices, or one slice and a range of rows of the first step's axis: the
    later steps resize other axes, each row on its own, so the first step may be cut along its output
    rows (``_gather.row_range``) and the unit's result is the same rows of the output."""
    lead = x.shape[0] * x.shape[1]
    flat = x.reshape((lead,) + x.shape[2:])
    cast = x.dtype != compute
    # zero-filled (huge pages, see _memory): the last step need not write the rows its table leaves empty
    out = (np.empty if cast else _memory.zeros)((lead,) + shapes[-1], x.dtype)
    first_axis, first_table = order[0]
    rows = first_table.rows
    buffered = shapes if cast else shapes[:-1]
    per_slice = max((math.prod(s) for s in buffered), default=0) * compute.itemsize
    workers = threads()
    budget = max(MIN_UNIT_BYTES, int(out.nbytes * MEMORY_FRACTION) // workers)
    units = _units(lead, rows, per_slice, budget, cut=first_axis < x.ndim - 1)
    workers = min(workers, len(units))

    def work(first: int, last: int) -> None:
        """Units ``first..last``, with this call's own buffers (one set per unit shape)."""
        buffers: dict = {}
        with np.errstate(invalid="ignore", over="ignore"):  # per thread: 0 * inf on a padding tap
            for unit in units[first:last]:
                run_unit(unit, buffers)

    def run_unit(unit, buffers: dict) -> None:
        """One unit: its slices (and rows of the first step), every step, into its part of ``out``."""
        a, b, r, e = unit
        key = (b - a, e - r)
        if key not in buffers:
            unit_shapes = [s[:first_axis - 2] + (e - r,) + s[first_axis - 1:] for s in shapes]
            buffers[key] = ([np.empty((b - a,) + s, dtype=compute)
                             for s in (unit_shapes if cast else unit_shapes[:-1])], {})
        own, last_table = buffers[key]  # last_table[step]: the table the buffer was last written by
        target_out = out[a:b]
        if e - r < rows:
            target_out = target_out[(slice(None),) * (first_axis - 1) + (slice(r, e),)]
        y = flat[a:b].astype(compute, copy=False)
        for step, (axis, table) in enumerate(order):
            if step == 0 and e - r < rows:
                table = _gather.row_range(table, r, e)
            if step < len(own):
                # a buffer last written with the same table holds 0 in that table's empty rows already
                y = apply_one(y, table, axis - 1, np, out=own[step], zeroed=last_table.get(step) is table)
                last_table[step] = table
            else:
                y = apply_one(y, table, axis - 1, np, out=target_out, zeroed=True)
        if cast:
            target_out[...] = y

    if workers < 2:
        work(0, len(units))
    else:
        bounds = [len(units) * i // workers for i in range(workers + 1)]
        futures = [_executor(workers).submit(work, a, b) for a, b in zip(bounds[:-1], bounds[1:])]
        for future in futures:
            future.result()
    return out.reshape(x.shape[:2] + shapes[-1])
