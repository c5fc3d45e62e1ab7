"""consistent_resize.table_patterns: strided covers partition a table's rows and reproduce its index
exactly, for forward and transposed tables of every spec; fixed cases for the benchmark's axes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from consistent_resize import PRESETS, axis_table
from consistent_resize.table_patterns import StridedRun, regular_stride, strided_cover
from consistent_resize.tables import transposed

from spec_strategies import specs


def _check_cover(index: np.ndarray, skip: np.ndarray | None, cover) -> None:
    """Every row is in exactly one of: a run, the leftover, the skipped rows; each run reads what the
    table says."""
    rows = index.shape[0]
    seen = np.zeros(rows, np.int64)
    for run in cover.runs:
        assert run.count >= 1 and run.in_step >= 0 and run.out_step >= 1
        r = run.rows
        seen[r] += 1
        expected = np.array(run.in_start)[None, :] + run.in_step * np.arange(run.count)[:, None]
        np.testing.assert_array_equal(index[r], expected)
        assert np.arange(rows)[run.out_slice()].tolist() == r.tolist()
        for k in range(index.shape[1]):
            picked = np.arange(index.max(initial=0) + run.in_step * run.count + 2)[run.in_slice(k)]
            if run.in_step == 0:
                assert picked.tolist() == [run.in_start[k]]
            else:
                assert picked.tolist() == expected[:, k].tolist()
    seen[cover.leftover] += 1
    if skip is not None:
        assert not seen[skip].any()
        seen[skip] += 1
    assert (seen == 1).all()
    assert np.all(np.diff(cover.leftover) > 0)


@given(specs(), st.integers(1, 70), st.integers(1, 70))
def test_cover_partitions_rows_and_reproduces_the_index(spec, in_size, out_size):
    try:
        table = axis_table(in_size, out_size, spec)
    except ValueError:
        return  # a spec/size the core refuses (tested in the core's suites)
    _check_cover(table.index, None, strided_cover(table.index))
    index, _, read = transposed(table)
    _check_cover(index, ~read, strided_cover(index, ~read))


@pytest.mark.parametrize("in_size,out_size,runs,leftover", [
    (1024, 256, 3, 4),   # align_corners 1023/255: 4 o + o // 85, three runs of in_step 4
    (512, 1024, 2, 2),   # align_corners 511/1023: every other row, two runs of in_step 1
])
def test_benchmark_axes_are_few_long_runs(in_size, out_size, runs, leftover):
    table = axis_table(in_size, out_size, PRESETS["chainer"].spec)
    cover = strided_cover(table.index)
    assert len(cover.runs) == runs and len(cover.leftover) == leftover
    assert cover.covered + leftover == out_size


def test_transposed_downsample_skips_unread_inputs():
    table = axis_table(1024, 256, PRESETS["chainer"].spec)
    index, _, read = transposed(table)
    cover = strided_cover(index, ~read)
    assert len(cover.runs) == 4 and {r.out_step for r in cover.runs} == {4} and len(cover.leftover) == 0
    assert cover.covered == read.sum()


def test_greedy_run_boundaries():
    index = np.array([[0], [4], [8], [12], [17], [21], [25], [29], [29], [29]])
    cover = strided_cover(index, max_out_step=1)
    assert cover.runs == (StridedRun(0, 1, 4, (0,), 4), StridedRun(4, 1, 4, (17,), 4))
    assert cover.leftover.tolist() == [8, 9]
    # a decreasing index never makes a run
    assert strided_cover(np.arange(10)[::-1, None]).runs == ()


def test_regular_stride():
    assert regular_stride(np.array([[1, 2], [5, 6], [9, 10]])) == ((1, 2), 4)
    assert regular_stride(np.array([[3]])) == ((3,), 0)
    assert regular_stride(np.array([[0], [4], [9]])) is None
    assert regular_stride(np.zeros((0, 2), np.int64)) is None
