"""Measure litert-torch (PyTorch -> TFLite) on ``F.interpolate`` calls and on ``consistent_resize_torch.Resize``:
print a Markdown table of call -> TFLite ops -> max difference vs PyTorch eager, and whether the rules of
``consistent_resize_tools.runtimes.litert_torch`` pass the call.

Run in ``.venv-converters`` (litert-torch, torch, ai-edge-litert), about 2 s per converted model on 2 cores::

    python tools/litert_torch_sweep.py [--quick] [--json OUT.json]
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import tempfile
from pathlib import Path

import numpy as np

#: (in, size, scale_factor giving the same output sizes).
SHAPES = (((5, 7), (8, 4), (1.7, 0.6)), ((6, 6), (60, 60), (10.0, 10.0)), ((7, 5), (3, 11), (0.45, 2.3)),
          ((4, 4), None, (2.0, 2.0)))
EDGE = (
    ((8, 8), dict(mode="nearest", size=(4, 4))), ((8, 8), dict(mode="nearest", scale_factor=(0.5, 0.5))),
    ((5, 7), dict(mode="nearest", size=(1, 1))), ((5, 7), dict(mode="nearest", size=(10, 21))),
    ((5, 7), dict(mode="bilinear", align_corners=False, size=(1, 4))),
    ((5, 7), dict(mode="bilinear", align_corners=True, size=(1, 4))),
    ((8, 8), dict(mode="bilinear", align_corners=False, scale_factor=(0.5, 0.5))),
    ((5, 7), dict(mode="bilinear", align_corners=False, scale_factor=(1.7, 0.6), recompute_scale_factor=True)),
    ((5, 7), dict(mode="bilinear", align_corners=False, scale_factor=(2.5, 1.5))),
    ((5, 7), dict(mode="bilinear", align_corners=False, scale_factor=(1.1, 1.1))),
    ((5, 7), dict(mode="bicubic", align_corners=False, size=(1, 4))),
    ((5, 7), dict(mode="nearest-exact", size=(1, 4))), ((5, 7), dict(mode="area", size=(1, 4))),
)
LAYER_PRESETS = ("pytorch_bilinear", "chainer", "tf1_bilinear", "pillow_lanczos", "pytorch_nearest", "tf_nearest",
                 "tflite_bilinear_half_pixel")


def calls():
    for mode in ("nearest", "nearest-exact", "area"):
        yield dict(mode=mode)
    for mode in ("bilinear", "bicubic"):
        for align_corners in (False, True):
            for antialias in (False, True):
                yield dict(mode=mode, align_corners=align_corners, antialias=antialias)


def tflite_ops(data: bytes) -> list[str]:
    """``runtime_matrix.tflite_ops`` as names, the resize builtins with their flags."""
    from consistent_resize_tools.runtime_matrix import tflite_ops as ops

    return [op[0] if len(op) == 1 else f"{op[0]}(align_corners={int(op[1])}, half_pixel_centers={int(op[2])})"
            for op in ops(data)]


def summary(ops) -> str:
    counts = collections.Counter(o for o in ops if o not in ("TRANSPOSE", "RESHAPE"))
    return ", ".join(f"{k} x{v}" if v > 1 else k for k, v in counts.items())


def measure(module, x, directory: Path) -> dict:
    import litert_torch
    from ai_edge_litert.interpreter import Interpreter

    want = module(x).detach().numpy()
    row = {"shape": f"{tuple(x.shape[2:])} -> {tuple(want.shape[2:])}"}
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            litert_torch.convert(module.eval(), (x,)).export(str(directory / "m.tflite"))
    except Exception as error:  # the converter's refusal: its first line
        row["refused"] = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
        return row
    data = (directory / "m.tflite").read_bytes()
    interpreter = Interpreter(model_content=data)
    got = list(interpreter.get_signature_runner()(args_0=x.numpy()).values())[0]
    row["ops"] = summary(tflite_ops(data))
    row["diff"] = float(np.abs(got - want).max())
    return row


def _line(row: dict) -> str:
    if "refused" in row:
        ops, diff = f"refused: {row['refused']}", "-"
    else:
        ops, diff = row["ops"], f"{row['diff']:.3g}"
    return f"| `{row['call']}` | {row['shape']} | {ops} | {diff} | {row['rules']} |"


def main(argv=None) -> None:
    import torch
    import torch.nn.functional as F

    import consistent_resize_torch as crt
    from consistent_resize_tools.runtimes import litert_torch as rules

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the first shape only, no edge cases")
    parser.add_argument("--json", help="also write the rows as JSON")
    args = parser.parse_args(argv)

    class Call(torch.nn.Module):
        def __init__(self, kwargs):
            super().__init__()
            self.kwargs = kwargs

        def forward(self, x):
            return F.interpolate(x, **self.kwargs)

    cases = []
    for call in calls():
        for ins, size, scale in SHAPES[:1] if args.quick else SHAPES:
            for how, value in (("size", size), ("scale_factor", scale)):
                if value is not None:
                    cases.append((ins, dict(call, **{how: value})))
    if not args.quick:
        cases.extend(EDGE)
    generator = torch.Generator().manual_seed(0)
    rows = []
    print("| call | shape | TFLite ops (no transposes) | max diff vs eager | rules |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as directory:
        for ins, kwargs in cases:
            x = torch.rand((1, 2) + ins, generator=generator) * 255
            row = measure(Call(kwargs), x, Path(directory))
            why = rules.call_mismatch(tuple(x.shape), kwargs.get("size"), kwargs.get("scale_factor"),
                                      kwargs["mode"], kwargs.get("align_corners"),
                                      kwargs.get("recompute_scale_factor"), kwargs.get("antialias", False))
            row.update(call="F.interpolate(" + ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) + ")",
                       rules="pass" if why is None else "flag")
            rows.append(row)
            print(_line(row), flush=True)
        for preset in LAYER_PRESETS[:2] if args.quick else LAYER_PRESETS:
            x = torch.rand((1, 2, 5, 7), generator=generator) * 255
            row = measure(crt.Resize((8, 4), preset=preset), x, Path(directory))
            row.update(call=f"Resize((8, 4), preset={preset!r})", rules="flag")
            rows.append(row)
            print(_line(row), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
