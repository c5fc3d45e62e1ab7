"""Train the pyramid pooling matting head for N SGD steps in PyTorch, Keras and Chainer, from the same
weights file and data, and print the loss of each framework at each step and how far they drift apart:
once with consistent-resize's layer, once with each framework's native default resize.

Usage (from the repository root):

    python examples/pyramid_pooling/train.py            # 50 steps
    python examples/pyramid_pooling/train.py --steps 3

Frameworks that are not installed are skipped (with a line saying so); at least two are needed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pathlib
import sys
import tempfile
import time

if __package__ in (None, ""):  # run as a script: make the ``examples`` package importable
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
    __package__ = "examples.pyramid_pooling"

import numpy as np  # noqa: E402

from . import config  # noqa: E402
from .dataset import make_dataset  # noqa: E402
from .weights import load_weights, save_weights  # noqa: E402

#: framework name -> (module of this example, modules that must import, native resize it uses)
FRAMEWORKS = {
    "torch": ("torch_model", ("torch",), "F.interpolate(bilinear)"),
    "keras": ("keras_model", ("tensorflow", "keras"), "tf.image.resize"),
    "chainer": ("chainer_model", ("consistent_resize_chainer._import",), "F.resize_images"),
}
#: The agreement the example promises with consistent-resize (float64 everywhere).
TARGET = 1e-4


def available_frameworks() -> tuple[dict, dict]:
    """(name -> model module) of the installed frameworks, and (name -> reason) of the missing ones."""
    found, missing = {}, {}
    for name, (module, requirements, _) in FRAMEWORKS.items():
        try:
            for requirement in requirements:
                importlib.import_module(requirement)
            if name == "chainer":
                importlib.import_module("consistent_resize_chainer._import").import_chainer()
        except ImportError as error:
            missing[name] = f"{name} is not installed ({error})"
            continue
        found[name] = importlib.import_module(f"{__package__}.{module}")
    return found, missing


def relative_spread(losses: dict[str, list[float]]) -> np.ndarray:
    """Per step: (largest - smallest loss) / smallest |loss| over the frameworks."""
    table = np.array(list(losses.values()))
    return (table.max(axis=0) - table.min(axis=0)) / np.abs(table).min(axis=0)


def pairwise_spread(losses: dict[str, list[float]]) -> dict[tuple[str, str], float]:
    """(a, b) -> the largest relative loss difference between frameworks a and b over all steps."""
    names = list(losses)
    return {(a, b): float(relative_spread({a: losses[a], b: losses[b]}).max())
            for i, a in enumerate(names) for b in names[i + 1:]}


def run(steps: int = config.STEPS, resize: str = "ours", frameworks: dict | None = None,
        weights_path: str | os.PathLike | None = None) -> dict[str, list[float]]:
    """Train every framework in ``frameworks`` (default: all installed) from one weights file.

    Returns:
        framework name -> the loss at each step.
    """
    if frameworks is None:
        frameworks, _ = available_frameworks()
    images, alphas = make_dataset()
    with tempfile.TemporaryDirectory() as scratch:
        path = weights_path or os.path.join(scratch, "weights.npz")
        if not os.path.exists(path):
            save_weights(path)
        arrays = load_weights(path)
        return {name: module.train(arrays, images, alphas, steps, resize) for name, module in frameworks.items()}


def format_table(losses: dict[str, list[float]]) -> str:
    """The per-step loss table, one column per framework, and the relative spread."""
    names = list(losses)
    spread = relative_spread(losses)
    lines = ["step " + "".join(f"{name:>22}" for name in names) + f"{'rel. diff':>12}"]
    for step in range(len(spread)):
        row = "".join(f"{losses[name][step]:22.16f}" for name in names)
        lines.append(f"{step:4d} {row}{spread[step]:12.2e}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=config.STEPS, help="SGD steps (default %(default)s)")
    parser.add_argument("--weights", default=None,
                        help="weights .npz to use (written there first if it does not exist; default: a temporary file)")
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error(f"--steps must be at least 1, got {args.steps}")
    frameworks, missing = available_frameworks()
    for name, reason in missing.items():
        print(f"skipping {name}: {reason}")
    if len(frameworks) < 2:
        print("need at least two frameworks to compare")
        return 1
    started = time.perf_counter()
    print(f"Pyramid pooling head, image {config.IMAGE_SIZE}, bins {config.BINS}, float64, plain SGD "
          f"lr={config.LEARNING_RATE}, batch {config.BATCH_SIZE}, {args.steps} steps\n")
    ours = run(args.steps, "ours", frameworks, args.weights)
    print(f"With consistent-resize ({config.SPEC.mode}, {config.SPEC.coordinate_transformation_mode}):")
    print(format_table(ours))
    worst_ours = float(relative_spread(ours).max())
    native = run(args.steps, "native", frameworks, args.weights)
    uses = ", ".join(f"{name}: {FRAMEWORKS[name][2]}" for name in native)
    print(f"\nWith each framework's native default resize ({uses}):")
    print(format_table(native))
    worst_native = float(relative_spread(native).max())
    print(f"\nlargest relative loss difference over {args.steps} steps:")
    print(f"  consistent-resize: {worst_ours:.2e}  (target {TARGET:.0e}: {'met' if worst_ours <= TARGET else 'MISSED'})")
    print(f"  native resizes:    {worst_native:.2e}")
    for (a, b), value in pairwise_spread(native).items():
        print(f"    {a} vs {b}: {value:.2e}")
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0 if worst_ours <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
