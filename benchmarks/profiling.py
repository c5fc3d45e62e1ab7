"""Where the time goes (``bench.py --profile``): per-op tables for our forward+backward and the native one.

PyTorch: ``torch.profiler`` (self CPU time per aten op; CUDA time too on a GPU). Chainer: ``cProfile``
sorted by own time (NumPy's ``take``/``add.at`` and the layer's Python functions show up by name).
TensorFlow: the same computation (``y`` and ``dx``) built as a TF1 graph and run in a
``tf.compat.v1.Session`` with ``FULL_TRACE``; the step stats give the time of each kernel, summed by op
type (after Grappler's rewrites, e.g. ``_MklTranspose``).
"""

from __future__ import annotations

import cProfile
import io
import pstats

#: Calls per profiled callable (after the harness has already warmed it up).
CALLS = 3


def _torch_table(call, label: str, rows: int = 14) -> str:
    import torch
    from torch.profiler import ProfilerActivity, profile

    activities = [ProfilerActivity.CPU]
    if torch.cuda.is_available():
        activities.append(ProfilerActivity.CUDA)
    with profile(activities=activities) as prof:
        for _ in range(CALLS):
            call()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
    sort = "self_device_time_total" if torch.cuda.is_available() else "self_cpu_time_total"
    table = prof.key_averages().table(sort_by=sort, row_limit=rows)
    return f"--- {label} ({CALLS} calls) ---\n{table}"


def _cprofile_table(call, label: str, rows: int = 14) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(CALLS):
        call()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(rows)
    return f"--- {label} ({CALLS} calls) ---\n{out.getvalue()}"


def _tf_table(build, row, label: str, rows: int = 10) -> str:
    import collections

    import tensorflow as tf

    from .bench_tf import _nhwc
    from .case import random_arrays

    x_np, g_np = (_nhwc(a) for a in random_arrays(row.workload.in_shape, row.workload.out_hw))
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, x_np.shape)
        g = tf.compat.v1.placeholder(tf.float32, g_np.shape)
        y = build(x)
        dx = tf.gradients(y, x, grad_ys=g)[0]
    totals, counts = collections.Counter(), collections.Counter()
    options = tf.compat.v1.RunOptions(trace_level=tf.compat.v1.RunOptions.FULL_TRACE)
    with tf.compat.v1.Session(graph=graph) as sess:
        feed = {x: x_np, g: g_np}
        sess.run([y, dx], feed)
        for _ in range(CALLS):
            meta = tf.compat.v1.RunMetadata()
            sess.run([y, dx], feed, options=options, run_metadata=meta)
            for dev in meta.step_stats.dev_stats:
                for node in dev.node_stats:
                    label_ = node.timeline_label
                    op = label_.split("=", 1)[1].split("(")[0].strip() if "=" in label_ else node.node_name
                    totals[op] += node.all_end_rel_micros
                    counts[op] += 1
    total = sum(totals.values()) or 1
    lines = [f"--- {label} ({CALLS} calls; kernel time by op type, summed over threads) ---"]
    for op, us in totals.most_common(rows):
        lines.append(f"  {op:28s} {us / CALLS / 1e3:9.1f} ms/call {100 * us / total:5.1f}%  "
                     f"{counts[op] // CALLS} kernels/call")
    return "\n".join(lines)


def profile_case(framework: str, row, case) -> str:
    """Per-op tables of ours and native forward+backward for ``row`` (a ``Case`` from the adapters)."""
    if framework == "tf":
        from .bench_tf import _native, _ours

        parts = []
        if "ours_fb" in case.calls:
            parts.append(_tf_table(_ours(row), row, f"{row.name} ours y and dx"))
        parts.append(_tf_table(_native(row), row, f"{row.name} native y and dx"))
        return "\n".join(parts)
    table = _torch_table if framework == "torch" else _cprofile_table
    parts = []
    for name in ("ours_fwd", "ours_fb", f"native_fb:{row.native_layouts[0]}"):
        if name in case.calls:
            parts.append(table(case.calls[name], f"{row.name} {name}"))
    return "\n".join(parts)
