"""Regular patterns in gather tables, for kernels that read strided views instead of gathering indices.

A gather table ``index`` ``(rows, K)`` (an ``AxisTable``'s, or its transpose from ``tables.transposed``)
applies as ``y[r] = sum_k weight[r, k] * x[index[r, k]]``. Most resize tables are regular over long
stretches of rows: a **strided run** is a set of rows ``r_j = out_start + out_step * j`` (``0 <= j <
count``) whose tap ``k`` reads ``index[r_j, k] = in_start[k] + in_step * j``. Over a run the gather is a
multiply-add of strided views, ``y[r_0::out_step] = sum_k w[r_j, k] * x[in_start[k]::in_step]`` (the
weights may differ from row to row).

Examples: a 1024 -> 256 ``align_corners`` axis (scale ``1023 / 255``) reads ``4 o + o // 85``: three runs
of 85 rows with ``in_step = 4``; a 512 -> 1024 ``align_corners`` axis reads ``(o - 1) // 2``-ish:
taking every other row (``out_step = 2``), two runs with ``in_step = 1``; every integer-ratio
``half_pixel`` table is one run per residue of its period, apart from the clamped rows at the ends.

NumPy only; the framework layers decide when a cover is worth using.
"""

from __future__ import annotations

import dataclasses

import numpy as np

#: Longest row step tried by ``strided_cover``.
MAX_OUT_STEP = 8
#: Shortest run ``strided_cover`` keeps; rows of shorter runs are left over (gathered).
MIN_COUNT = 4


@dataclasses.dataclass(frozen=True)
class StridedRun:
    """Rows ``out_start + out_step * j``, ``0 <= j < count``, whose tap ``k`` reads input
    ``in_start[k] + in_step * j`` (``in_step >= 0``; 0: every row of the run reads the same inputs)."""

    out_start: int
    out_step: int
    count: int
    in_start: tuple[int, ...]
    in_step: int

    @property
    def rows(self) -> np.ndarray:
        """The rows of the run, ascending."""
        return self.out_start + self.out_step * np.arange(self.count)

    def out_slice(self) -> slice:
        """The rows as a slice: ``y[out_slice()]`` is the run's part of the result."""
        return slice(self.out_start, self.out_start + self.out_step * (self.count - 1) + 1, self.out_step)

    def in_slice(self, k: int) -> slice:
        """What tap ``k`` reads, as a slice (length ``count``; length 1, to broadcast, when
        ``in_step == 0``)."""
        start = self.in_start[k]
        if self.in_step == 0:
            return slice(start, start + 1)
        return slice(start, start + self.in_step * (self.count - 1) + 1, self.in_step)


@dataclasses.dataclass(frozen=True)
class StridedCover:
    """A partition of a table's rows: ``runs``, ``leftover`` rows (int64, ascending: to gather) and the
    skipped rows (``skip`` of ``strided_cover``: in neither)."""

    runs: tuple[StridedRun, ...]
    leftover: np.ndarray

    @property
    def covered(self) -> int:
        """Rows in runs."""
        return sum(run.count for run in self.runs)


def _runs_of_sequence(rows: list[int], index: np.ndarray, keep: list[bool], out_step: int,
                      min_count: int) -> tuple[list[StridedRun], list[int]]:
    """Greedy maximal runs along the rows ``rows`` (every ``out_step``-th row of the table, ascending):
    a run grows while consecutive rows advance every tap by the same ``in_step >= 0``."""
    runs: list[StridedRun] = []
    leftover: list[int] = []
    idx = index[rows].tolist()
    m = len(rows)
    j = 0
    while j < m:
        if not keep[j]:
            j += 1
            continue
        end = j + 1  # the run is rows[j:end]
        step = None
        while end < m and keep[end]:
            d = [b - a for a, b in zip(idx[end - 1], idx[end])]
            if d[0] < 0 or any(v != d[0] for v in d) or (step is not None and d[0] != step):
                break
            step = d[0]
            end += 1
        count = end - j
        if count >= min_count:
            runs.append(StridedRun(rows[j], out_step, count, tuple(idx[j]), step or 0))
        else:
            leftover.extend(rows[j:end])
        j = end
    return runs, leftover


def strided_cover(index: np.ndarray, skip: np.ndarray | None = None, *, max_out_step: int = MAX_OUT_STEP,
                  min_count: int = MIN_COUNT) -> StridedCover:
    """Cover the rows of ``index`` ``(rows, K)`` (minus those where ``skip`` is true) with strided runs.

    Every row step ``s`` in ``1..max_out_step`` is tried (the rows ``r, r + s, r + 2 s, ...`` of each
    residue ``r`` split greedily into maximal runs); the step with the least cost, ``len(runs) +
    len(leftover) / min_count`` (a run costs as much as ``min_count`` gathered rows), wins; ties go to the
    smaller step. Runs shorter than ``min_count`` rows are left over.

    Example:
        >>> index = np.array([[0, 1], [4, 5], [8, 9], [12, 13], [17, 18], [21, 22], [25, 26], [29, 30]])
        >>> cover = strided_cover(index)
        >>> [(r.out_start, r.count, r.in_start, r.in_step) for r in cover.runs], cover.leftover.tolist()
        ([(0, 4, (0, 1), 4), (4, 4, (17, 18), 4)], [])
    """
    index = np.asarray(index)
    rows = index.shape[0]
    keep_all = np.ones(rows, bool) if skip is None else ~np.asarray(skip, bool)
    best: tuple[float, list[StridedRun], list[int]] | None = None
    for out_step in range(1, min(max_out_step, max(rows, 1)) + 1):
        runs: list[StridedRun] = []
        leftover: list[int] = []
        for residue in range(out_step):
            seq = list(range(residue, rows, out_step))
            r, lo = _runs_of_sequence(seq, index, keep_all[seq].tolist(), out_step, min_count)
            runs += r
            leftover += lo
        cost = len(runs) + len(leftover) / min_count
        if best is None or cost < best[0]:
            best = (cost, runs, leftover)
    _, runs, leftover = best if best is not None else (0.0, [], [])
    runs.sort(key=lambda run: run.out_start)
    return StridedCover(tuple(runs), np.array(sorted(leftover), dtype=np.int64))


def regular_stride(index: np.ndarray) -> tuple[tuple[int, ...], int] | None:
    """``(start, stride)`` with ``index[o, k] == start[k] + stride * o`` for every row ``o`` and tap
    ``k`` (one run over the whole table), or None.

    Example:
        >>> regular_stride(np.array([[1, 2], [5, 6], [9, 10]]))
        ((1, 2), 4)
    """
    index = np.asarray(index)
    if index.shape[0] == 0:
        return None
    start = index[0]
    if index.shape[0] == 1:
        return tuple(int(v) for v in start), 0
    stride = int(index[1, 0] - index[0, 0])
    expected = start[None, :] + stride * np.arange(index.shape[0])[:, None]
    if not np.array_equal(index, expected):
        return None
    return tuple(int(v) for v in start), stride
