"""CUDA agreement and determinism checks for the PyTorch and TensorFlow layers (run by ``gpu_check.sh``).

For every case (a spec or preset, a shape, NCHW and channels_last / NHWC), on the GPU:

* agreement: the forward equals the NumPy reference (``consistent_resize.reference.resize``) and the input
  gradient equals the reference adjoint, within float32 rounding (``rtol=1e-5, atol=1e-5`` relative to
  the largest magnitude), and our GPU result equals our CPU result within the same bound;
* determinism: two runs of forward and of forward+backward give bitwise identical results (PyTorch also
  under ``torch.use_deterministic_algorithms(True)``, which raises if an op has no deterministic
  kernel; TensorFlow under ``tf.config.experimental.enable_op_determinism()``).

Frameworks that see no GPU are skipped with a message. ``--device cpu`` runs the same checks on the CPU
(to test this script where no GPU is at hand). Exit status 1 if any check fails.

Usage:
    .venv/bin/python benchmarks/gpu_check.py [--device cuda|cpu] [--frameworks torch,tf]
"""

from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402

from consistent_resize import reference  # noqa: E402
from consistent_resize.spec import ResizeSpec  # noqa: E402

#: (label, spec-or-preset keyword arguments, input NCHW shape, output size).
CASES = [
    ("pyramid pytorch_bilinear", {"preset": "pytorch_bilinear"}, (2, 64, 6, 6), (60, 60)),
    ("upsample chainer", {"preset": "chainer"}, (2, 3, 64, 48), (128, 100)),
    ("downsample antialias", {"preset": "pytorch_bilinear_antialias"}, (2, 3, 128, 96), (32, 40)),
    ("bicubic align_corners", {"preset": "pytorch_bicubic_align_corners"}, (1, 4, 17, 23), (40, 9)),
    ("cubic exclude_outside", {"spec": ResizeSpec(mode="cubic", exclude_outside=1)}, (2, 8, 20, 20), (33, 7)),
    ("nearest", {"preset": "pytorch_nearest"}, (2, 3, 13, 11), (29, 5)),
    ("crop_and_resize", {"spec": ResizeSpec(mode="linear", coordinate_transformation_mode="tf_crop_and_resize",
                                            extrapolation_value=-1.0)}, (1, 2, 10, 12), (15, 15)),
]


def _close(actual, expected) -> float:
    """Max error relative to the largest magnitude (0 for equal arrays)."""
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    if actual.shape != expected.shape:
        return float("inf")
    scale = max(float(np.max(np.abs(expected))), 1.0)
    return float(np.max(np.abs(actual - expected))) / scale


class Checks:
    def __init__(self):
        self.failed = []
        self.passed = 0

    def expect(self, ok: bool, what: str, detail: str = "") -> None:
        if ok:
            self.passed += 1
        else:
            self.failed.append(f"{what} {detail}")
            print(f"  FAIL {what} {detail}", flush=True)


def _roi_kwargs(kw):
    spec = kw.get("spec")
    if spec is not None and spec.coordinate_transformation_mode == "tf_crop_and_resize":
        return {"roi": [0.1, -0.2, 0.9, 1.1]}
    return {}


def check_torch(device: str, checks: Checks) -> None:
    import torch

    if device == "cuda" and not torch.cuda.is_available():
        print("torch: SKIPPED: torch.cuda.is_available() is False")
        return
    import consistent_resize_torch

    torch.use_deterministic_algorithms(True)
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name() if device == 'cuda' else 'cpu'}")
    rng = np.random.default_rng(0)
    for label, kw, shape, size in CASES:
        roi = _roi_kwargs(kw)
        x_np = rng.standard_normal(shape).astype(np.float32)
        out_shape = shape[:2] + size
        g_np = rng.standard_normal(out_shape).astype(np.float32)
        want = reference.resize(x_np.astype(np.float64), size, **kw, **roi)
        want_grad = reference.adjoint(g_np, shape, size, **kw, **roi)
        for fmt_name, fmt in (("nchw", torch.contiguous_format), ("channels_last", torch.channels_last)):
            name = f"torch {label} {fmt_name}"

            def run(dev):
                x = torch.from_numpy(x_np).to(dev).contiguous(memory_format=fmt).requires_grad_()
                y = consistent_resize_torch.resize(x, size, **kw, **roi)
                y.backward(torch.from_numpy(g_np).to(dev).contiguous(memory_format=fmt))
                return y.detach(), x.grad

            y1, g1 = run(device)
            y2, g2 = run(device)
            checks.expect(_close(y1.cpu().numpy(), want) < 1e-5, name, "forward vs reference")
            checks.expect(_close(g1.cpu().numpy(), want_grad) < 1e-5, name, "gradient vs reference adjoint")
            checks.expect(bool(y1.is_contiguous(memory_format=fmt)), name, "output memory format kept")
            checks.expect(torch.equal(y1, y2) and torch.equal(g1, g2), name, "two runs bitwise equal")
            if device != "cpu":
                yc, gc = run("cpu")
                checks.expect(_close(y1.cpu().numpy(), yc.numpy()) < 1e-5, name, "GPU forward vs CPU")
                checks.expect(_close(g1.cpu().numpy(), gc.numpy()) < 1e-5, name, "GPU gradient vs CPU")
    torch.use_deterministic_algorithms(False)


def check_tf(device: str, checks: Checks) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")  # one tf.function per case: retracing is expected
    if device == "cuda" and not tf.config.list_physical_devices("GPU"):
        print("tf: SKIPPED: no GPU visible to TensorFlow (tensorflow-cpu, or no CUDA device)")
        return
    import consistent_resize_tf

    tf.config.experimental.enable_op_determinism()
    dev = "/GPU:0" if device == "cuda" else "/CPU:0"
    print(f"tensorflow {tf.__version__} on {dev}")
    rng = np.random.default_rng(1)
    for label, kw, shape, size in CASES:
        roi = _roi_kwargs(kw)
        x_np = rng.standard_normal(shape).astype(np.float32)
        g_np = rng.standard_normal(shape[:2] + size).astype(np.float32)
        want = reference.resize(x_np.astype(np.float64), size, **kw, **roi).transpose(0, 2, 3, 1)
        want_grad = reference.adjoint(g_np, shape, size, **kw, **roi).transpose(0, 2, 3, 1)
        name = f"tf {label} nhwc"

        @tf.function
        def fb(x, g):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = consistent_resize_tf.resize(x, size, **kw, **roi)
            return y, tape.gradient(y, x, output_gradients=g)

        def run(where):
            with tf.device(where):
                x = tf.constant(x_np.transpose(0, 2, 3, 1))
                g = tf.constant(g_np.transpose(0, 2, 3, 1))
                y, gx = fb(x, g)
                return y.numpy(), gx.numpy()

        y1, g1 = run(dev)
        y2, g2 = run(dev)
        checks.expect(_close(y1, want) < 1e-5, name, "forward vs reference")
        checks.expect(_close(g1, want_grad) < 1e-5, name, "gradient vs reference adjoint")
        checks.expect(np.array_equal(y1, y2) and np.array_equal(g1, g2), name, "two runs bitwise equal")
        if device != "cpu":
            yc, gc = run("/CPU:0")
            checks.expect(_close(y1, yc) < 1e-5, name, "GPU forward vs CPU")
            checks.expect(_close(g1, gc) < 1e-5, name, "GPU gradient vs CPU")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--device", choices=("cuda", "cpu"), default="cuda")
    p.add_argument("--frameworks", default="torch,tf")
    args = p.parse_args(argv)
    checks = Checks()
    for fw in [f.strip() for f in args.frameworks.split(",") if f.strip()]:
        {"torch": check_torch, "tf": check_tf}[fw](args.device, checks)
    print(f"gpu_check ({args.device}): {checks.passed} checks passed, {len(checks.failed)} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
