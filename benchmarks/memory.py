"""Peak memory of one call on the CPU: the rise of the process's resident set (Linux ``VmHWM``) above the
resident set just before the call.

``tracemalloc`` sees only Python's allocator, not tensor buffers, so we read the kernel's counters
instead. They are only meaningful when a freed buffer leaves the resident set at once, so the
measurement runs in a fresh worker process (``bench.py --memory-worker``) started with glibc's
``MALLOC_MMAP_THRESHOLD_=65536`` (every buffer of 64 KiB or more is its own ``mmap``, returned to the
kernel by ``free``; the threshold no longer adapts). Before each measured call the call runs once
untimed (tables, traces and thread pools exist afterwards), then the peak counter is reset by writing
``5`` to ``/proc/self/clear_refs``. The figure therefore counts the output, what is saved for
backward, the input gradient and every temporary alive at the worst moment; the input and output
gradient, allocated earlier, are not counted. The kernel's RSS counters are approximate (per-CPU
batches of some pages), so figures under a few MiB are noise.

TensorFlow's oneDNN build serves tensors from a pool (``MklCPUAllocator``) that never shrinks, so the
TensorFlow worker runs with ``TF_ENABLE_ONEDNN_OPTS=0``: TensorFlow's plain CPU allocator (malloc). The
resize, gather, matmul and elementwise kernels involved are Eigen kernels either way.
"""

from __future__ import annotations

import gc

#: Environment of the worker process (see the module docstring).
WORKER_ENV = {"MALLOC_MMAP_THRESHOLD_": "65536", "MALLOC_TRIM_THRESHOLD_": "0", "MALLOC_TOP_PAD_": "0"}
#: Added for one framework's worker (see the module docstring).
FRAMEWORK_ENV = {"tf": {"TF_ENABLE_ONEDNN_OPTS": "0"}}

#: What the table says about how memory is measured, per device.
METHOD = {
    "cpu": "CPU: peak resident-set rise of one call (VmHWM reset via /proc/self/clear_refs) in a fresh "
    "worker process with MALLOC_MMAP_THRESHOLD_=65536 (TF: also TF_ENABLE_ONEDNN_OPTS=0, malloc allocator); "
    "counts output, saved tensors, input gradient and temporaries",
    "cuda": "CUDA: torch.cuda.max_memory_allocated / tf get_memory_info('GPU:0')['peak'] above the "
    "allocation before the call",
}


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def supported() -> str | None:
    """None if the peak counter can be reset in this process, else why not."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        _status_kib("VmHWM")
    except OSError as exc:
        return f"cannot reset the peak resident set ({exc}); CPU memory not measured"
    return None


def rss_peak_bytes(call) -> int:
    """Peak resident-set rise, in bytes, while ``call()`` runs (its result is kept until the end)."""
    call()  # untimed warm-up: caches, traces and thread-local buffers exist before we measure
    enabled = gc.isenabled()
    gc.disable()  # no collection of unrelated garbage may lower the resident set during the call
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        before = _status_kib("VmRSS")
        result = call()
        peak = _status_kib("VmHWM")
        del result
    finally:
        if enabled:
            gc.enable()
    return max(peak - before, 0) * 1024
