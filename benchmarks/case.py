"""What a framework adapter hands the harness for one row: the callables to time, sizes, and agreement.

Call names: ``ours_fwd``, ``ours_fb`` (forward+backward), ``native_fwd:<layout>``,
``native_fb:<layout>`` (one pair per layout the native op is timed in), ``copy`` (a plain copy of an
output-sized tensor of the row's layout) and ``copy_input`` (the same for the input): the memory floor of
a resize is reading its input and writing its output, ``(copy_input + copy) / 2`` (a copy reads and
writes its size once each).
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Mapping

import numpy as np


@dataclasses.dataclass
class Case:
    """The callables of one row and what is known about them before timing.

    Attributes:
        calls: call name -> zero-argument callable.
        input_bytes, output_bytes: bytes of the input and of the output tensor.
        max_abs_diff: ``max |ours - native|`` over forward outputs and input gradients (``same`` rows in the
            row's layout; None for ``no_native`` rows): shows both compute the same function.
        ours_error: why our layer could not run (None when it ran).
    """

    calls: Mapping[str, Callable[[], object]]
    input_bytes: int
    output_bytes: int
    max_abs_diff: float | None = None
    ours_error: str | None = None


def max_abs_diff(pairs) -> float:
    """``max |a - b|`` over pairs of NumPy arrays (float64; NaN if any shapes differ).

    Example:
        >>> max_abs_diff([(np.zeros(2), np.ones(2))])
        1.0
    """
    worst = 0.0
    for a, b in pairs:
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        if a.shape != b.shape:
            return float("nan")
        worst = max(worst, float(np.max(np.abs(a - b))) if a.size else 0.0)
    return worst


def random_arrays(in_shape, out_hw, seed: int = 0):
    """float32 input ``(N, C, H, W)`` and an output gradient ``(N, C, *out_hw)``, both N(0, 1)."""
    rng = np.random.default_rng(seed)
    n, c = in_shape[:2]
    x = rng.standard_normal(in_shape, dtype=np.float32)
    g = rng.standard_normal((n, c) + tuple(out_hw), dtype=np.float32)
    return x, g
