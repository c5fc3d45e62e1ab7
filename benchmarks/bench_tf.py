"""TensorFlow rows: ``consistent_resize_tf.resize`` against ``tf.image.resize``, both under ``tf.function``.

Tensors are NHWC (TensorFlow's CPU resize kernels support no other layout). Forward+backward is one
``tf.function`` that runs the op under a ``GradientTape`` and returns ``y`` and ``dx`` for a given
output gradient (returning ``dx`` alone would let Grappler prune the forward of a linear op). The copy floor is ``tf.raw_ops.DeepCopy`` (``tf.identity`` may alias).
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from .case import Case, max_abs_diff, random_arrays  # noqa: E402
from .workloads import Row  # noqa: E402

NAME = "tf"

# Every call gets its own tf.function, traced once during warm-up; TF's retracing warning counts traces
# across functions of the same Python code and would only be noise here.
tf.get_logger().setLevel("ERROR")


def _device_name(device: str) -> str:
    return "/GPU:0" if device == "cuda" else "/CPU:0"


def available(device: str) -> str | None:
    if device == "cuda" and not tf.config.list_physical_devices("GPU"):
        return "tf.config.list_physical_devices('GPU') is empty (no GPU, or tensorflow-cpu)"
    return None


def describe() -> str:
    return (
        f"tensorflow {tf.__version__}, intra-op threads {tf.config.threading.get_intra_op_parallelism_threads()}"
        " (0 = all cores)"
    )


def sync_for(device: str):
    return tf.test.experimental.sync_devices if device == "cuda" else (lambda: None)


def _native(row: Row):
    antialias = row.workload.native == "bilinear_antialias"
    size = list(row.workload.out_hw)
    return lambda t: tf.image.resize(t, size, method="bilinear", antialias=antialias)


def _ours(row: Row):
    import consistent_resize_tf

    size = tuple(row.workload.out_hw)
    if row.preset is not None:
        return lambda t: consistent_resize_tf.resize(t, size, preset=row.preset, data_format="channels_last")
    return lambda t: consistent_resize_tf.resize(t, size, spec=row.spec, data_format="channels_last")


def _bind(fn, device: str, *args):
    """``fn(*args)`` as a zero-argument callable placed on ``device``."""

    def call():
        with tf.device(_device_name(device)):
            return fn(*args)

    return call


def _fwd(op):
    return tf.function(lambda t: op(t))


def _fb(op):
    @tf.function
    def fb(t, g):
        with tf.GradientTape() as tape:
            tape.watch(t)
            y = op(t)
        # Return y too: the resize is linear, so a graph returning only dx would prune the forward.
        return y, tape.gradient(y, t, output_gradients=g)

    return fb


def _nhwc(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a.transpose(0, 2, 3, 1))


def make_case(row: Row, device: str) -> Case:
    x_np, g_np = random_arrays(row.workload.in_shape, row.workload.out_hw)
    with tf.device(_device_name(device)):
        x = tf.identity(tf.constant(_nhwc(x_np)))
        g = tf.identity(tf.constant(_nhwc(g_np)))
        out = tf.identity(g)
    calls = {}
    error = None
    try:
        ours = _ours(row)
        calls["ours_fwd"] = _bind(_fwd(ours), device, x)
        calls["ours_fb"] = _bind(_fb(ours), device, x, g)
    except ImportError as exc:
        error = f"consistent_resize_tf not importable: {exc}"
    for layout in row.native_layouts:
        calls[f"native_fwd:{layout}"] = _bind(_fwd(_native(row)), device, x)
        calls[f"native_fb:{layout}"] = _bind(_fb(_native(row)), device, x, g)
    deep_copy = tf.function(lambda t: tf.raw_ops.DeepCopy(x=t))
    calls["copy"] = _bind(deep_copy, device, out)
    calls["copy_input"] = _bind(deep_copy, device, x)
    diff = None
    if error is None and row.workload.kind == "same":
        native = row.layout
        pairs = [
            (calls["ours_fwd"]().numpy(), calls[f"native_fwd:{native}"]().numpy()),
            (calls["ours_fb"]()[1].numpy(), calls[f"native_fb:{native}"]()[1].numpy()),
        ]
        diff = max_abs_diff(pairs)
    nbytes = lambda t: int(np.prod(t.shape)) * t.dtype.size  # noqa: E731
    return Case(calls, nbytes(x), nbytes(out), diff, error)


def layout_kept(row: Row, device: str) -> bool | None:
    return None  # NHWC in, NHWC out: there is no memory format to lose


def overhead_calls(shape, out_hw, device: str) -> dict:
    import consistent_resize_tf

    with tf.device(_device_name(device)):
        x = tf.identity(tf.random.normal((shape[0], shape[2], shape[3], shape[1])))
    size = list(out_hw)
    ours = tf.function(lambda t: consistent_resize_tf.resize(t, tuple(size), preset="tf_bilinear"))
    native = tf.function(lambda t: tf.image.resize(t, size, method="bilinear"))
    return {"ours": _bind(ours, device, x), "native": _bind(native, device, x)}


def device_peak_bytes(call, device: str) -> int | None:
    if device != "cuda":
        return None
    sync = tf.test.experimental.sync_devices
    sync()
    tf.config.experimental.reset_memory_stats("GPU:0")
    base = tf.config.experimental.get_memory_info("GPU:0")["current"]
    result = call()
    sync()
    peak = tf.config.experimental.get_memory_info("GPU:0")["peak"] - base
    del result
    return int(peak)
