"""Integer-factor reductions of the last two axes (channels-first), forward and adjoint, with index-free
strided views, few operations and (adjoint) no full-size intermediate.

An axis is *regular* when its table has one row per block of ``Q`` inputs (``in = Q * out``) and every
output reads the same taps of its block with the same weights:

    out[o] = sum_k w[k] * in[Q*o + d + k],   k = 0..K-1,   0 <= d,  d + K <= Q,  every w[k] != 0

(e.g. bilinear ``half_pixel`` / ``pytorch_half_pixel`` downsampling by an integer factor: ``Q = 4`` gives
``d = 1, K = 2, w = (0.5, 0.5)``). When both resized axes of an (N, C, H, W) tensor are regular:

* forward: the H taps, weighted, into a ``(planes, out_h, W)`` intermediate (multiply-adds of the row
  views ``x[:, d_h + k :: Q_h, :]``: contiguous rows, only the rows read), then one matrix-vector product
  of that intermediate viewed as ``(outputs, K_w)`` rows of stride ``Q_w`` (the W taps of each output)
  with ``w_w``: 3 operations for bilinear, no index tensors, no strided-inner elementwise pass;
* adjoint, in chunks of planes: the transposed W step writes ``w_w[k] * g`` into the tap columns of a
  buffer whose other columns stay zero, and the transposed H step writes ``w_h[k] * buffer`` into the tap
  rows of ``dx``; rows no output reads are zero-filled once. Taps of different outputs never overlap
  (``d + K <= Q``), so every element of ``dx`` is written once, with no scatter and no accumulation; the
  buffer holds at most 1/8 of ``dx`` (at least one plane).

``_axis.REGULAR_PLANS`` says which directions use these plans (default: the adjoint only; measured in
docs/torch.md and docs/bench.md).

Few, large operations on purpose: on this 2-core machine every PyTorch operation is an OpenMP parallel
region, and under load (other processes on the cores) each region can wait milliseconds for its second
thread, so a per-plane loop (the least memory: a 1 MiB buffer instead of the intermediate; and the least
work single-threaded) was measured 6-16x slower than native under a load average of 6-9. Multiply-adds of
2-D strided views straight into the output (no intermediate at all) were 1.2-2.3x slower than this.

Every output reads exactly its taps (no zero-weight products), so a NaN/Inf reaches exactly the outputs
(forward) or inputs (adjoint) the table says.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch

#: The adjoint's buffer holds at most ``1 / ADJOINT_BUFFER_DIVISOR`` of ``dx`` (at least one plane).
ADJOINT_BUFFER_DIVISOR = 8


class RegularAxis(NamedTuple):
    """``out[o] = sum_k weight[k] * in[step * o + offset + k]`` for every ``o < rows``; ``cols =
    step * rows``; ``vector`` is ``weight`` as a device tensor of the compute dtype."""

    rows: int
    cols: int
    step: int
    offset: int
    weight: tuple
    vector: torch.Tensor


class Regular2D(NamedTuple):
    """Both resized axes (H, W: the last two) are regular. ``chunk = Q_h``: a plane's adjoint buffer is
    ``1/Q_h`` of its ``dx``, so ``planes * chunk // ADJOINT_BUFFER_DIVISOR`` planes go per buffer."""

    h: RegularAxis
    w: RegularAxis
    chunk: int


def regular_axis(table, cols: int) -> RegularAxis | None:
    """The regular form of a forward ``DeviceTable`` (reading ``cols`` inputs), or None."""
    rows = table.rows
    if rows < 1 or cols % rows:
        return None
    step = cols // rows
    index = table.index_matrix.cpu()
    weight = table.weight_matrix.cpu()
    taps = index.shape[1]
    offset = int(index[0, 0])
    expected = (torch.arange(rows).view(rows, 1) * step + offset + torch.arange(taps).view(1, taps))
    if offset < 0 or offset + taps > step or not torch.equal(index, expected):
        return None
    if not bool((weight == weight[0]).all()) or not bool((weight[0] != 0).all()):
        return None
    return RegularAxis(rows, cols, step, offset, tuple(float(v) for v in weight[0]),
                       table.weight_matrix[0].contiguous())


def regular_2d(tables, in_sizes) -> Regular2D | None:
    """The ``Regular2D`` form of two forward tables (H then W) reading ``in_sizes``, or None."""
    h = regular_axis(tables[0], in_sizes[0])
    w = regular_axis(tables[1], in_sizes[1])
    if h is None or w is None:
        return None
    return Regular2D(h, w, h.step)


def forward(y: torch.Tensor, plan: Regular2D) -> torch.Tensor:
    """``A y`` over the last two axes of the contiguous ``y``: the H taps of all planes, weighted, into a
    ``(planes, out_h, W)`` intermediate (multiply-adds of row views: contiguous rows, only the rows read),
    then one ``torch.mv`` over it viewed as ``(outputs, K_w)`` rows of stride ``Q_w`` (each row: the W
    taps of one output) with ``w_w``."""
    h, w = plan.h, plan.w
    lead = tuple(y.shape[:-2])
    planes = math.prod(lead)
    x3 = y.view(planes, h.cols, w.cols)
    span = h.step * (h.rows - 1) + 1
    t = None
    for k, weight in enumerate(h.weight):
        rows = x3[:, h.offset + k:h.offset + k + span:h.step]
        t = torch.mul(rows, weight) if t is None else t.add_(rows, alpha=weight)
    taps = t.as_strided((planes * h.rows * w.rows, len(w.weight)), (w.step, 1), w.offset)
    return torch.mv(taps, w.vector).view(lead + (h.rows, w.rows))


def adjoint(g: torch.Tensor, plan: Regular2D) -> torch.Tensor:
    """``A^T g`` over the last two axes of the contiguous ``g`` (the forward's output shape): the rows no
    output reads (block residues outside ``[d_h, d_h + K_h)``) zero-filled, then per chunk of planes
    ``buffer[.., Q_w*i + d_w + k] = w_w[k] * g[.., i]`` (other buffer columns stay 0) and
    ``dx[.., Q_h*o + d_h + k, :] = w_h[k] * buffer[.., o, :]`` (one broadcast multiply for all k)."""
    h, w = plan.h, plan.w
    lead = tuple(g.shape[:-2])
    planes = math.prod(lead)
    dx = torch.empty(lead + (h.cols, w.cols), dtype=g.dtype, device=g.device)
    dx4 = dx.view(planes, h.rows, h.step, w.cols)
    taps_h, taps_w = len(h.weight), len(w.weight)
    if h.offset > 0:
        dx4[:, :, :h.offset].zero_()  # rows no output reads
    if h.offset + taps_h < h.step:
        dx4[:, :, h.offset + taps_h:].zero_()
    g2 = g.view(planes, h.rows * w.rows)
    chunk = min(max(1, planes * plan.chunk // ADJOINT_BUFFER_DIVISOR), planes)  # buffer <= dx / divisor
    buffer = torch.zeros(chunk, h.rows, w.cols, dtype=g.dtype, device=g.device)  # untouched columns stay 0
    weights_h = plan.h.vector.view(1, 1, taps_h, 1)
    for p in range(0, planes, chunk):
        c = min(chunk, planes - p)
        t = buffer[:c]
        blocks = t.view(c * h.rows * w.rows, w.step)[:, w.offset:w.offset + taps_w]
        torch.mul(g2[p:p + c].reshape(-1, 1), w.vector, out=blocks)
        torch.mul(t.unsqueeze(2), weights_h, out=dx4[p:p + c, :, h.offset:h.offset + taps_h])
    return dx
