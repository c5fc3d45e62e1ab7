"""Converted models cost nothing: the forward time of a model converted by ``consistent_resize_torch.convert``
against the original, side by side in one run (interleaved medians; issue 18, item 3).

Models: torchvision's ``deeplabv3_mobilenet_v3_large`` and segmentation_models_pytorch's FPN (resnet18),
random weights, eval mode, ``torch.no_grad()``, 256x256 inputs at batch 1 and 8 (float32, NCHW). Target:
ratio converted / original <= 1.02. Run alone: ``python -m benchmarks.bench_convert [--repeats N]``;
``make bench`` runs it after the resize rows.
"""

from __future__ import annotations

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))  # torchvision_import: torchvision beside a CPU-only torch

from benchmarks.timing import interleaved_medians  # noqa: E402

TARGET = 1.02
SIDE = 256
BATCHES = (1, 8)


def _models():
    """name -> zero-argument constructor of the model, or name -> why it cannot be built here."""
    out = {}
    try:
        from torchvision_import import import_torchvision

        import_torchvision()
        from torchvision.models import segmentation as seg

        out["deeplabv3_mobilenet_v3_large"] = lambda: seg.deeplabv3_mobilenet_v3_large(
            weights=None, weights_backbone=None)
    except Exception as error:  # noqa: BLE001 (reported in the table)
        out["deeplabv3_mobilenet_v3_large"] = f"torchvision: {type(error).__name__}: {error}"
    try:
        import segmentation_models_pytorch as smp

        out["smp FPN (resnet18)"] = lambda: smp.FPN("resnet18", encoder_weights=None)
    except Exception as error:  # noqa: BLE001
        out["smp FPN (resnet18)"] = f"segmentation_models_pytorch: {type(error).__name__}: {error}"
    return out


def measure(repeats: int = 9, warmup: int = 2, side: int = SIDE, batches=BATCHES) -> list:
    """One row per model and batch: original and converted forward medians (ms) and their ratio."""
    import torch

    from consistent_resize_torch import convert

    torch.manual_seed(0)
    rows = []
    for name, build in _models().items():
        if isinstance(build, str):
            rows.append(dict(model=name, batch=None, skipped=build))
            continue
        original = build().eval()
        converted = convert(original).eval()
        for batch in batches:
            x = torch.randn(batch, 3, side, side)

            def run(model, x=x):
                with torch.no_grad():
                    return model(x)

            times = interleaved_medians({"original": lambda: run(original), "converted": lambda: run(converted)},
                                        lambda: None, repeats, warmup)
            a, b = times["original"]["median_ms"], times["converted"]["median_ms"]
            rows.append(dict(model=name, batch=batch, side=side, original_ms=a, converted_ms=b, ratio=b / a))
    return rows


def report(rows: list) -> str:
    sides = sorted({row["side"] for row in rows if "side" in row}) or [SIDE]
    lines = [f"converted models (forward, {'/'.join(f'{s}x{s}' for s in sides)}, float32, torch.no_grad; "
             f"median ratio converted / original, target <= {TARGET})",
             f"{'model':<30} {'batch':>5} {'original ms':>12} {'converted ms':>13} {'ratio':>6}  status"]
    for row in rows:
        if row.get("skipped"):
            lines.append(f"{row['model']:<30} skipped: {row['skipped']}")
            continue
        status = "PASS" if row["ratio"] <= TARGET else "MISS"
        lines.append(f"{row['model']:<30} {row['batch']:>5} {row['original_ms']:>12.1f} "
                     f"{row['converted_ms']:>13.1f} {row['ratio']:>6.3f}  {status}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args(argv)
    print(report(measure(args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
