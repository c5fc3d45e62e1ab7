"""Random exports for the export policy (issue: an exported model computes the spec): a random ONNX spec, input
shape and ``size``/``scale_factor``, exported by PyTorch (``torch.onnx.export``) or Chainer (``onnx_chainer``
through ``consistent_resize_chainer.onnx.export``) and run by onnxruntime against the framework's own output.

``outcome`` sorts one case into ``ok`` (the runtime computes the framework's output), ``exporter refused``
(the exporter raised), ``runtime refused`` (the model does not load or run) or ``differs``; ``runtime=``
exports for and runs on OpenVINO (f32) or tract instead.
``tests/test_export_policy.py`` asserts ``ok`` on hypothesis-drawn seeds; run this file to count outcomes:

    .venv/bin/python tests/export_cases.py --cases 300 --seed 0 [--exporter torch|chainer] [--strict]
    .venv-modern/bin/python tests/export_cases.py --exporter torch --runtime openvino|tract
"""

from __future__ import annotations

import argparse
import contextlib
import collections
import io
import warnings

import numpy as np

from consistent_resize import (
    COORDINATE_ARITHMETICS,
    COORDINATE_TRANSFORMATION_MODES,
    NEAREST_MODES,
    ResizeSpec,
)
from consistent_resize.spec import KEEP_ASPECT_RATIO_POLICIES

#: Scales of every kind that trips a float32 runtime: thirds, sevenths, exactly 1, 1.25 (keeps 3 at 3).
SCALES = (0.34, 0.5, 0.6, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 10 / 3, 3.0, 1 / 3, 4 / 7)
#: Tolerance of the comparison: float32 rounding (a wrong nearest pick or weight moves far more).
TOLERANCE = 1e-4


def random_case(rng: np.random.Generator):
    """(spec, input shape, size, scale_factor): an ONNX spec (every field), rank 3-5, 1-7 pixels per axis,
    ``size`` (an int or one per axis) or ``scale_factor`` (one per axis)."""
    mode = str(rng.choice(["nearest", "linear", "cubic"]))
    pick = lambda values: values[int(rng.integers(len(values)))]  # noqa: E731
    spec = ResizeSpec(
        mode=mode,
        coordinate_transformation_mode=pick(COORDINATE_TRANSFORMATION_MODES),
        nearest_mode=pick(NEAREST_MODES),
        cubic_coeff_a=pick((-0.5, -0.75)),
        exclude_outside=int(rng.integers(2)),
        antialias=0 if mode == "nearest" else int(rng.integers(2)),
        extrapolation_value=pick((0.0, -1.5)),
        keep_aspect_ratio_policy=pick(KEEP_ASPECT_RATIO_POLICIES),
        coordinate_arithmetic=pick(COORDINATE_ARITHMETICS),
    )
    rank = int(rng.integers(3, 6))
    top = 7 if rank < 5 else 4
    spatial = tuple(int(v) for v in rng.integers(1, top + 1, rank - 2))
    shape = (int(rng.integers(1, 3)), int(rng.integers(1, 4)), *spatial)
    if rng.integers(2):
        size = tuple(int(v) for v in rng.integers(1, 2 * top + 1, rank - 2))
        return spec, shape, (size[0] if len(set(size)) == 1 and rng.integers(2) else size), None
    return spec, shape, None, tuple(pick(SCALES) for _ in spatial)


def _openvino(model_bytes: bytes, x: np.ndarray):
    import openvino

    core = openvino.Core()
    compiled = core.compile_model(core.read_model(model=model_bytes), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    return compiled(x)[0]


def _tract(model_bytes: bytes, x: np.ndarray):
    import os
    import tempfile

    import tract

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.onnx")
        with open(path, "wb") as f:
            f.write(model_bytes)
        return tract.onnx().load(path).into_model().into_runnable().run([x])[0].to_numpy()


def _onnxruntime(model_bytes: bytes, x: np.ndarray):
    import onnxruntime

    onnxruntime.set_default_logger_severity(3)  # its own errors come back as exceptions
    session = onnxruntime.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def torch_export(spec, size, scale, x, strict=False, runtime="onnxruntime") -> tuple[np.ndarray, bytes]:
    """The PyTorch output and the ``torch.onnx.export`` (TorchScript exporter, opset 19) model bytes."""
    import torch

    import consistent_resize_torch as crt

    class Model(torch.nn.Module):
        def forward(self, t):
            return crt.resize(t, size, scale, spec=spec)

    t = torch.from_numpy(x)
    expected = Model()(t).numpy()
    buffer = io.BytesIO()
    if strict or runtime != "onnxruntime":
        policy = crt.table_graphs("strict" if strict else "mismatch", runtime=runtime)
    else:
        policy = contextlib.nullcontext()  # the default
    with policy:
        torch.onnx.export(Model(), (t,), buffer, opset_version=19, dynamo=False)
    return expected, buffer.getvalue()


def chainer_export(spec, size, scale, x, strict=False, runtime="onnxruntime") -> tuple[np.ndarray, bytes]:
    """The Chainer output and the ``consistent_resize_chainer.onnx.export`` model bytes."""
    from consistent_resize_chainer._import import import_chainer

    chainer = import_chainer()
    import consistent_resize_chainer as crc
    import consistent_resize_chainer.onnx as cro

    model = chainer.Sequential(crc.Resize(size, scale, spec=spec))
    expected = model(x).array
    if strict or runtime != "onnxruntime":
        proto = cro.export(model, x, table_graphs="strict" if strict else "mismatch", runtime=runtime)
    else:
        proto = cro.export(model, x)  # the defaults
    return expected, proto.SerializeToString()


EXPORTERS = {"torch": torch_export, "chainer": chainer_export}
RUNNERS = {"onnxruntime": _onnxruntime, "openvino": _openvino, "tract": _tract}


def outcome(exporter: str, case, seed: int = 0, strict: bool = False, runtime: str = "onnxruntime") -> tuple[str, str]:
    """(outcome, detail) of exporting ``case`` with ``exporter`` for ``runtime`` and running it there; ``skip``
    where the framework itself refuses the case (an output length of 0)."""
    spec, shape, size, scale = case
    x = np.random.default_rng(seed).uniform(-10, 10, size=shape).astype(np.float32)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            expected, model = EXPORTERS[exporter](spec, size, scale, x, strict=strict, runtime=runtime)
        except ValueError as error:
            if "export" in str(error) or "onnxruntime" in str(error):
                return "exporter refused", str(error)
            return "skip", str(error)
    # the exporter's own warnings about the result (onnx_chainer's deprecation chatter aside)
    warned = [str(w.message) for w in caught if "onnxruntime" in str(w.message) or "runtime" in str(w.message)]
    result, detail = _run_and_compare(model, x, expected, RUNNERS[runtime])
    if warned and result != "ok":
        return result + " (warned)", detail
    return ("ok (warned)" if warned else result), detail


def _run_and_compare(model: bytes, x: np.ndarray, expected: np.ndarray, run=_onnxruntime) -> tuple[str, str]:
    try:
        got = run(model, x)
    except Exception as error:  # noqa: BLE001 - any load or run failure of the runtime counts
        return "runtime refused", str(error).splitlines()[0][:200]
    if got.shape != expected.shape:
        return "differs", f"shape {got.shape} vs {expected.shape}"
    error = float(np.abs(got.astype(np.float64) - expected).max(initial=0.0))
    if not error <= TOLERANCE:
        return "differs", f"max difference {error:.3g}"
    return "ok", ""


def count(exporter: str, cases: int, seed: int, strict: bool = False, runtime: str = "onnxruntime") -> collections.Counter:
    rng = np.random.default_rng(seed)
    counts = collections.Counter()
    for i in range(cases):
        case = random_case(rng)
        result, detail = outcome(exporter, case, seed=i, strict=strict, runtime=runtime)
        counts[result] += 1
        if result not in ("ok", "skip") and counts[result] <= 3:
            print(f"  {exporter} {result}: {case} -- {detail[:160]}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--exporter", choices=sorted(EXPORTERS), action="append")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--runtime", choices=sorted(RUNNERS), default="onnxruntime")
    args = parser.parse_args()
    for exporter in args.exporter or sorted(EXPORTERS):
        counts = count(exporter, args.cases, args.seed, args.strict, args.runtime)
        print(f"{exporter} for {args.runtime}: {args.cases} random exports (seed {args.seed}): " +
              ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
