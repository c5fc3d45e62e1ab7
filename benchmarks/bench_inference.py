"""Inference rows for deployment shapes (issue 18, item 4): batch 1, side 224 and 512, resized x2 up and /2
down, forward only, ours against the native resize of the same spec, side by side in one run.

- PyTorch: ``consistent_resize_torch.resize(x, size, preset="pytorch_bilinear")`` against
  ``F.interpolate(x, size, mode="bilinear", align_corners=False)`` under ``torch.inference_mode()``, in
  float32, bfloat16 and float16 (CPU; both run in the tensor's dtype: ours accumulates in float32 and rounds
  once, SPEC.md section 6).
- TFLite: a Keras model of one ``consistent_resize_tf.Resize`` (preset ``tf_bilinear``) against one of
  ``keras.layers.Resizing`` (``tf.image.resize`` bilinear, the same numbers), each converted to TFLite and run
  by the TFLite interpreter (``ai_edge_litert`` where installed, else ``tf.lite``), float32 NHWC.

Run alone: ``python -m benchmarks.bench_inference [--repeats N]``; ``make bench`` runs it after the converted
models. Ratios are ours / native (below 1: ours is faster); no target is attached (the issue asks for rows).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.timing import interleaved_medians  # noqa: E402

SIDES = (224, 512)
#: (label, factor): the output side is ``side * factor``
RESIZES = (("x2 up", 2.0), ("/2 down", 0.5))
DTYPES = ("float32", "bfloat16", "float16")


def _shapes(sides):
    for side in sides:
        for label, factor in RESIZES:
            yield side, label, int(side * factor)


def measure_torch(repeats: int = 9, warmup: int = 2, sides=SIDES, dtypes=DTYPES) -> list:
    import torch
    import torch.nn.functional as F

    from consistent_resize_torch import resize

    rows = []
    for side, label, out in _shapes(sides):
        for name in dtypes:
            dtype = getattr(torch, name)
            x = torch.rand(1, 3, side, side).to(dtype)
            row = dict(framework="torch", side=side, resize=label, out=out, dtype=name)
            try:
                with torch.inference_mode():
                    diff = (resize(x, (out, out), preset="pytorch_bilinear").float()
                            - F.interpolate(x, (out, out), mode="bilinear", align_corners=False).float())
                row["max_abs_diff"] = float(diff.abs().max())
            except Exception as error:  # noqa: BLE001 (a dtype the native op refuses: reported in the row)
                rows.append(dict(row, skipped=f"{type(error).__name__}: {str(error).splitlines()[0][:80]}"))
                continue

            def ours(x=x, out=out):
                with torch.inference_mode():
                    return resize(x, (out, out), preset="pytorch_bilinear")

            def native(x=x, out=out):
                with torch.inference_mode():
                    return F.interpolate(x, (out, out), mode="bilinear", align_corners=False)

            times = interleaved_medians({"ours": ours, "native": native}, lambda: None, repeats, warmup)
            rows.append(dict(row, ours_ms=times["ours"]["median_ms"], native_ms=times["native"]["median_ms"]))
    return rows


def _interpreter(path):
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    interpreter = Interpreter(model_path=path)
    interpreter.allocate_tensors()
    return interpreter


def measure_tflite(repeats: int = 9, warmup: int = 2, sides=SIDES) -> list:
    import keras
    import numpy as np
    import tensorflow as tf

    from consistent_resize_tf import Resize

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for side, label, out in _shapes(sides):
            row = dict(framework="tflite", side=side, resize=label, out=out, dtype="float32")
            x = np.random.default_rng(0).random((1, side, side, 3), dtype=np.float32)
            runners = {}
            try:
                for who, layer in (("ours", Resize((out, out), preset="tf_bilinear")),
                                   ("native", keras.layers.Resizing(out, out, interpolation="bilinear"))):
                    model = keras.Sequential([keras.Input((side, side, 3), batch_size=1), layer])
                    path = os.path.join(folder, f"{who}_{side}_{out}.tflite")
                    with contextlib.redirect_stdout(io.StringIO()):  # the converter prints its SavedModel
                        flatbuffer = tf.lite.TFLiteConverter.from_keras_model(model).convert()
                    with open(path, "wb") as f:
                        f.write(flatbuffer)
                    interpreter = _interpreter(path)
                    index_in = interpreter.get_input_details()[0]["index"]
                    index_out = interpreter.get_output_details()[0]["index"]

                    def run(interpreter=interpreter, index_in=index_in, index_out=index_out):
                        interpreter.set_tensor(index_in, x)
                        interpreter.invoke()
                        return interpreter.get_tensor(index_out)

                    runners[who] = run
            except Exception as error:  # noqa: BLE001 (reported in the row)
                rows.append(dict(row, skipped=f"{type(error).__name__}: {str(error).splitlines()[0][:80]}"))
                continue
            row["max_abs_diff"] = float(np.abs(runners["ours"]() - runners["native"]()).max())
            times = interleaved_medians(runners, lambda: None, repeats, warmup)
            rows.append(dict(row, ours_ms=times["ours"]["median_ms"], native_ms=times["native"]["median_ms"]))
    return rows


def measure(repeats: int = 9, warmup: int = 2, sides=SIDES, frameworks=("torch", "tflite")) -> list:
    rows = []
    if "torch" in frameworks:
        rows += measure_torch(repeats, warmup, sides)
    if "tflite" in frameworks:
        rows += measure_tflite(repeats, warmup, sides)
    return rows


def report(rows: list) -> str:
    lines = ["inference (batch 1, forward; median ms of interleaved repetitions; ratio = ours / native)",
             f"{'framework':<9} {'dtype':<9} {'input':>9} {'resize':<8} {'ours ms':>8} {'native ms':>9} "
             f"{'ratio':>6} {'max|diff|':>9}"]
    for r in rows:
        head = f"{r['framework']:<9} {r['dtype']:<9} {str(r['side']) + '^2':>9} {r['resize']:<8}"
        if r.get("skipped"):
            lines.append(f"{head} skipped: {r['skipped']}")
            continue
        lines.append(f"{head} {r['ours_ms']:>8.3f} {r['native_ms']:>9.3f} {r['ours_ms'] / r['native_ms']:>6.2f} "
                     f"{r['max_abs_diff']:>9.2g}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--frameworks", default="torch,tflite")
    args = parser.parse_args(argv)
    print(report(measure(args.repeats, frameworks=tuple(args.frameworks.split(",")))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
