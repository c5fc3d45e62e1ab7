"""The strided kernel (``_strided``), the chunked and threaded CPU application (``_axes``) and the
kernel choice of consistent_resize_chainer: the reference's numbers, the gather's bits, NaN/Inf locality,
zero gradients for unread inputs, and the kernels the benchmark's workloads actually run on."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from consistent_resize import PRESETS, ResizeSpec, axis_table, reference

try:
    from consistent_resize_chainer._import import import_chainer

    chainer = import_chainer()
except ImportError:
    pytest.skip("Chainer is not installed (the numpy-2 CI leg has none)", allow_module_level=True)
import chainer.functions as F  # noqa: E402

import consistent_resize_chainer as crc  # noqa: E402
from consistent_resize_chainer import _axes, _gather, _strided  # noqa: E402

from spec_strategies import specs  # noqa: E402


@pytest.fixture
def small_chunks(monkeypatch):
    """Units of work of a few hundred bytes, so that small arrays take the chunked (and threaded) path,
    with slices cut along the rows of the first axis."""
    monkeypatch.setattr(_axes, "CHUNK_BYTES", 512)
    monkeypatch.setattr(_axes, "MIN_UNIT_BYTES", 256)


def _resize(x, size, spec, method=None):
    with _gather.forced(method):
        return crc.resize(x, size, spec=spec).array


@st.composite
def cases(draw):
    """(spec, shape, size) with axes long enough for runs (up to 40), ranks 3-5."""
    spec = draw(specs())
    rank = draw(st.sampled_from((3, 4, 5)))
    top = 40 if rank < 5 else 9
    spatial = tuple(draw(st.lists(st.integers(1, top), min_size=rank - 2, max_size=rank - 2)))
    size = tuple(draw(st.lists(st.integers(1, top), min_size=rank - 2, max_size=rank - 2)))
    return spec, (draw(st.integers(1, 2)), draw(st.integers(1, 3))) + spatial, size


@settings(max_examples=60)
@given(cases(), st.integers(0, 2**31 - 1))
def test_strided_equals_reference_and_gather_bits(case, seed):
    """Forced strided (every table by its cover, including covers that are all left over): the
    reference's numbers (forward and gradient) and the gather's bits."""
    spec, shape, size = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    axes = tuple(range(2, len(shape)))
    try:
        expected = reference.resize(x, size, spec=spec, axes=axes)
    except ValueError:
        return
    y = _resize(x, size, spec, "strided")
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(y, _resize(x, size, spec, "gather"))
    x32 = x.astype(np.float32)
    np.testing.assert_array_equal(_resize(x32, size, spec, "strided"), _resize(x32, size, spec, "gather"))
    g = rng.normal(size=expected.shape)
    grads = []
    for method in ("strided", "gather"):
        v = chainer.Variable(x)
        with _gather.forced(method):
            out = crc.resize(v, size, spec=spec)
            out.grad = g
            out.backward()
        grads.append(v.grad)
    np.testing.assert_allclose(grads[0], reference.adjoint(g, shape, size, spec=spec, axes=axes),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(grads[0], grads[1])


@settings(max_examples=40)
@given(cases(), st.integers(0, 2**31 - 1), st.sampled_from([2, 3]),
       st.sampled_from([None, "gather", "strided", "dense"]), st.sampled_from([np.float16, np.float32]),
       st.sampled_from([8, 200, 3000]))
def test_chunked_and_threaded_equal_unchunked(case, seed, threads, method, dtype, unit_bytes):
    """Units of work of ``unit_bytes`` (several N*C slices, or one slice cut along the first axis'
    rows): the gather and strided kernels give the unchunked bits; the dense product (BLAS blocks by the
    batch size) the same numbers up to rounding; and the bits never depend on the number of threads (it
    only shares out the same units)."""
    spec, shape, size = case
    x = np.random.default_rng(seed).normal(size=shape).astype(dtype)
    try:
        whole = _resize(x, size, spec, method)
    except ValueError:
        return
    previous = (_axes.CHUNK_BYTES, _axes.MIN_UNIT_BYTES, _axes.THREADS)
    chunked = []
    try:
        for n in (1, threads):
            _axes.CHUNK_BYTES, _axes.MIN_UNIT_BYTES, _axes.THREADS = unit_bytes, 4, n
            chunked.append(_resize(x, size, spec, method))
    finally:
        _axes.CHUNK_BYTES, _axes.MIN_UNIT_BYTES, _axes.THREADS = previous
    assert chunked[0].dtype == dtype
    np.testing.assert_array_equal(chunked[0], chunked[1])
    if method in ("gather", "strided"):
        np.testing.assert_array_equal(chunked[0], whole)
    else:
        tolerance = 2e-3 if dtype == np.float16 else 2e-6
        np.testing.assert_allclose(chunked[0], whole, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("method", [None, "strided"])
@pytest.mark.parametrize("preset,size", [("chainer", (11, 40)), ("pytorch_bicubic", (40, 11)),
                                         ("tf_bicubic_antialias", (9, 13)), ("pytorch_nearest", (40, 40))])
def test_non_finite_values_reach_only_the_outputs_that_read_them(preset, size, method, small_chunks):
    x = np.zeros((2, 3, 36, 36))
    x[0, 1, 5, 20] = np.nan
    x[1, 2, 30, 7] = np.inf
    x[1, 0, 0, 35] = -np.inf
    y = _resize(x, size, PRESETS[preset].spec, method)
    expected = reference.resize(x, size, preset=preset, axes=(2, 3))
    np.testing.assert_array_equal(np.isfinite(y), np.isfinite(expected))
    assert np.isfinite(expected).any() and not np.isfinite(expected).all()
    if method == "strided":  # the same products in the same order as the gather: NaN and Inf alike
        np.testing.assert_array_equal(y, _resize(x, size, PRESETS[preset].spec, "gather"))


@pytest.mark.parametrize("method", [None, "strided"])
def test_unread_inputs_get_exact_zero_gradient_for_a_nan_upstream_gradient(method, small_chunks):
    """The align_corners 64 -> 16 downsample reads 32 of 64 inputs per axis: the transposed tables have
    empty rows, which the strided kernel writes as zeros by runs; a NaN upstream reaches only the
    inputs its output reads."""
    spec = PRESETS["chainer"].spec
    v = chainer.Variable(np.ones((2, 2, 64, 64)))
    with _gather.forced(method):
        y = crc.resize(v, (16, 16), spec=spec)
        g = np.ones(y.shape)
        g[1, 0, 3, 9] = np.nan
        y.grad = g
        y.backward()
    expected = reference.adjoint(g, v.shape, (16, 16), spec=spec, axes=(2, 3))
    np.testing.assert_array_equal(np.isnan(v.grad), np.isnan(expected))
    np.testing.assert_array_equal(np.nan_to_num(v.grad), np.nan_to_num(expected))
    assert (expected == 0).sum() > v.size // 2  # most inputs are unread


@pytest.mark.parametrize("in_size,out_size", [(1024, 256), (512, 1024)])
def test_benchmark_axes_run_strided(in_size, out_size):
    """The kernel choice on the benchmark's shapes (align_corners bilinear): strided forward and
    backward, on both axes, NaN or not (the strided kernel needs no finiteness check)."""
    table = axis_table(in_size, out_size, PRESETS["chainer"].spec)
    x = np.zeros((2, 3, in_size, in_size), np.float32)
    g = np.zeros((2, 3, out_size, out_size), np.float32)
    for arr, t in ((x, _gather.forward_table(table)), (g, _gather.transposed_table(table))):
        assert _strided.strided_plan(t).useful
        assert _axes.method(arr, t, 3) == "strided" and _axes.method(arr, t, 2) == "strided"
        arr[0, 0, 0, 0] = np.nan
        assert _axes.method(arr, t, 3) == "strided" and _axes.method(arr, t, 2) == "strided"
        # short rows after the axis: take of rows is faster
        assert _axes.method(arr[..., :8], t, 2) == "gather"
    up = axis_table(6, 60, PRESETS["chainer"].spec)
    assert _axes.method(np.zeros((1, 1, 6, 6)), _gather.forward_table(up), 3) == "dense"
    irregular = axis_table(1024, 300, ResizeSpec(mode="linear"))  # 22 runs of 13 rows on average: gathered
    assert _axes.method(np.zeros((1, 1, 1024)), _gather.forward_table(irregular), 2) == "gather"


def test_downsample_workload_equals_chainer_and_is_chunked(monkeypatch):
    """A scaled-down benchmark downsample (align_corners 256 -> 64 over 8x3 images) through the
    chunked, threaded path against chainer.functions.resize_images, forward and gradient."""
    calls = []
    original = _axes._units
    monkeypatch.setattr(_axes, "_units", lambda *a, **k: calls.append(original(*a, **k)) or calls[-1])
    monkeypatch.setattr(_axes, "CHUNK_BYTES", 1 << 16)
    monkeypatch.setattr(_axes, "MIN_UNIT_BYTES", 1 << 12)
    monkeypatch.setattr(_axes, "THREADS", 2)
    rng = np.random.default_rng(4)
    x = rng.random((8, 3, 256, 256), dtype=np.float32)
    g = rng.random((8, 3, 64, 64), dtype=np.float32)
    results = []
    for op in (crc.resize_images, F.resize_images):
        v = chainer.Variable(x)
        y = op(v, (64, 64))
        y.grad = g
        y.backward()
        results.append((y.array, v.grad))
    # forward and backward ran in units: the forward's (64 KiB result, 6 KiB of buffers) cut slices
    # along the first axis' rows
    assert len(calls) == 2 and all(len(units) > 1 for units in calls)
    assert any(e - r < 64 for a, b, r, e in calls[0])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def test_thread_count_setting(monkeypatch):
    monkeypatch.setattr(_axes, "THREADS", None)
    monkeypatch.setenv("CONSISTENT_RESIZE_THREADS", "3")
    assert _axes.threads() == 3
    monkeypatch.setattr(_axes, "THREADS", 1)
    assert _axes.threads() == 1
    monkeypatch.setattr(_axes, "THREADS", None)
    monkeypatch.setenv("CONSISTENT_RESIZE_THREADS", "two")
    with pytest.raises(ValueError, match="CONSISTENT_RESIZE_THREADS must be a positive integer"):
        _axes.threads()
    monkeypatch.delenv("CONSISTENT_RESIZE_THREADS")
    assert _axes.threads() == 1  # the default: one thread (see THREADS)


def test_forced_rejects_unknown_method():
    with pytest.raises(ValueError, match="method must be one of"):
        with _gather.forced("fast"):
            pass


def _resize_in_child(queue):
    x = np.arange(2 * 3 * 40 * 40, dtype=np.float64).reshape(2, 3, 40, 40)
    queue.put(crc.resize(x, (10, 10), preset="chainer").array.sum())


def test_thread_pool_works_in_a_forked_child(small_chunks, monkeypatch):
    """The pool's threads do not exist in a forked child: the child makes its own (no hang)."""
    import multiprocessing

    monkeypatch.setattr(_axes, "THREADS", 2)
    x = np.arange(2 * 3 * 40 * 40, dtype=np.float64).reshape(2, 3, 40, 40)
    expected = crc.resize(x, (10, 10), preset="chainer").array.sum()  # the parent's pool exists now
    assert _axes._pool is not None
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_resize_in_child, args=(queue,))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    assert queue.get(timeout=5) == expected


@pytest.mark.parametrize("shape", [(3, 5), (2, 1024, 1024)])  # under and over _memory.MIN_BYTES
def test_memory_zeros_are_zeros(shape):
    from consistent_resize_chainer import _memory

    a = _memory.zeros(shape, np.float32)
    assert a.shape == shape and a.dtype == np.float32 and not a.any()
    a[..., ::7] = 1  # writable, and only where written
    assert a.sum() == a[..., ::7].size
