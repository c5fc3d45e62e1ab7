"""How one resize is carried out: the per-axis kernels and the cached plan that picks them.

Every axis applies ``out[o] = sum_k weight[o, k] * in[index[o, k]]`` to a ``(before, axis, after)``
view. Four kernels compute exactly that sum (they differ only in float rounding order):

* ``bag``: ``F.embedding_bag(mode="sum", per_sample_weights=...)`` over the rows of the
  ``(before * axis, after)`` matrix: one fused gather-multiply-add pass (no K separate gathers and
  products). Good for long rows (middle axes, channels_last).
* ``strided``: tables that are periodic (output ``P*j + r`` reads input ``Q*j + d[r, k]``, with
  ``P = out / gcd``, ``Q = in / gcd``, ``P <= STRIDED_MAX_PERIOD``) apply each (residue, tap) as one
  multiply-add of strided views, no index gather; the few rows at both ends that do not follow the
  period (clamped borders) are gathered. Good for the last axis of channels-first tensors.
* ``dense``: a matrix product with the dense ``(out, in)`` matrix, for short axes (``in <=
  DENSE_MAX_COLS``), CPU only. A dense product multiplies every input by the matrix's zeros too, so a
  NaN or Inf would reach outputs the spec says do not read it; it is therefore used only where it is
  exact. In a dense product every input element reaches every output of its slice, so a finite output
  proves a finite input (and no overflow): the kernel checks the smaller of its input (before) or its
  output (after) with ``isfinite(sum)`` and, on a NaN/Inf or an overflow, recomputes with ``gather``.
  Small all-dense plans (output <= ``WHOLE_CHECK_MAX`` elements) become one product with the Kronecker
  matrix, checked once on the output. The check is a CPU reduction: no host-device round trip exists.
* ``gather``: ``index_select`` per tap plus ``mul_``/``addcmul_`` (the general fallback).

Integer-factor reductions of both axes of an NCHW tensor can instead be a ``_regular`` plan (whole map,
no index tensors; by default for the adjoint only, see ``REGULAR_PLANS``). In an adjoint, inputs no
output reads (``DeviceTable.unread``) are set to 0 after each step: their padded taps have weight 0,
and ``0 * NaN`` must not reach them.

Channels-last tensors are processed as ``(N, *spatial, C)`` views, so every axis has ``after >= C`` and
the output is channels_last without a transpose; with long channel rows every resized axis goes in one
``fused`` bag step (the outer product of the axes' tables), with no intermediate tensor.

The kernels and the axis order are chosen by a small cost model (``_cost``, ``_fixed``), fitted to
single-step timings on the 2-core CPU, and cached per (shape, sizes, scales, roi, spec, device, dtype,
layout, direction) as a ``Plan`` with its tables and expanded ``bag`` indices, so a repeated call does
no planning. Every kernel only reads (gathers); none scatters, so forward and adjoint are deterministic.
"""

from __future__ import annotations

import collections
import itertools
import math
import threading
from typing import NamedTuple

import torch
import torch.nn.functional as F

from consistent_resize.arguments import AxisPlan, table_spec

from . import _regular
from ._tables import DeviceTable, device_table

#: Longest period (outputs per block) of the strided kernel.
STRIDED_MAX_PERIOD = 16
#: Largest expanded bag index (before * out * K entries) kept in a plan (8 MiB of int64 indices).
BAG_MAX_ENTRIES = 1 << 20
#: How many plans are kept.
PLAN_CACHE_SIZE = 128


class Step(NamedTuple):
    """One axis of a plan: the axis position in the working view, the view's (before, in, after) sizes,
    the kernel name, the table, and the kernel's extra tensors (bag index/weights)."""

    axis: int
    before: int
    size_in: int
    after: int
    kernel: str
    table: DeviceTable
    bag_index: torch.Tensor | None
    bag_weight: torch.Tensor | None
    strided: "Strided | None" = None


class Fused(NamedTuple):
    """Every resized axis in one ``bag`` pass (channels_last with long channel rows): the outer product
    of the axes' tables, over the ``(before, prod(in sizes), after)`` view."""

    first: int
    last: int
    before: int
    size_in: int
    after: int
    out_sizes: tuple
    bag_index: torch.Tensor
    bag_weight: torch.Tensor
    unread: torch.Tensor | None = None  # adjoint: flat output rows some axis does not read (filled with 0)


class Plan(NamedTuple):
    """A cached plan: ``channels_last`` (work on the (N, *spatial, C) view), the steps in order, and the
    outside mask (in the (N, C, *spatial) view; None if no output is outside)."""

    channels_last: bool
    steps: tuple
    mask: torch.Tensor | None
    whole_check: bool = False
    kron: "Kron | None" = None
    regular: "_regular.Regular2D | None" = None  # both axes regular: the whole map in ``_regular``
    adjoint: bool = False  # with ``regular``: the plan computes the adjoint


class Kron(NamedTuple):
    """Small all-dense plans: every resized axis as one product with the Kronecker product of the axes'
    dense matrices (weights multiplied in float64, rounded once), over ``(before, prod(in), after)``."""

    first: int
    last: int
    before: int
    size_in: int
    after: int
    out_sizes: tuple
    dense: torch.Tensor
    dense_t: torch.Tensor
    out_shape: tuple = ()  # the working tensor's shape after the product


def _candidates(device, before, size_in, after, table, has_strided):
    names = ["gather"]
    if has_strided:
        names.append("strided")
    if before * table.rows * len(table.index) <= BAG_MAX_ENTRIES:
        names.append("bag")
    if device.type == "cpu" and table.dense is not None:
        names.append("dense")
    return names


def _cost(kernel: str, size_in: int, after: int, taps: int) -> float:
    """Modelled time per output element of one step (~ns on the 2-core CPU, fitted to single-step
    timings of the benchmark's shapes): ``bag`` has a per-row cost (short rows are slow), ``dense`` a
    cost per input of the axis, ``strided`` and ``gather`` a cost per tap."""
    if kernel == "bag":
        return 1.0 + 0.25 * taps + 136.0 / after
    if kernel == "dense":
        return 0.5 + 0.3 * size_in + (0.7 if after == 1 else 0.0)
    if kernel == "strided":
        return 1.0 + 2.0 * taps
    return 1.0 + 3.0 * taps


def _fixed(kernel: str, table: DeviceTable, form) -> float:
    """Modelled per-call cost of one step's operator launches (same units: ~1000 per microsecond)."""
    taps = len(table.index)
    if kernel == "dense":
        return 5000.0
    if kernel == "bag":
        return 10000.0
    if kernel == "strided":
        return 3000.0 * (form.period * taps + 2 * taps + 1)
    return 3000.0 * 3 * taps


def _kernel(device: torch.device, before: int, size_in: int, after: int, table: DeviceTable,
            form=None) -> str:
    """The kernel of one step: the cheapest by the cost model (or the first of ``FORCE`` available)."""
    names = _candidates(device, before, size_in, after, table, form is not None)
    if FORCE is not None:
        for name in FORCE:
            if name in names:
                return name
    out = before * table.rows * after
    return min(names, key=lambda n: _cost(n, size_in, after, len(table.index)) * out + _fixed(n, table, form))


#: For experiments and tests: a sequence of kernel names tried in order (None: the modelled choice).
FORCE = None


def _strided_form(table, cols):
    index = table.index_matrix.cpu().numpy()
    return strided_form(table, cols, index, None)


def _order(shape, axes, out_sizes, tables, device, forms):
    """The axis order with the least modelled cost (at most 3! orders)."""
    best = None
    for order in itertools.permutations(range(len(axes))):
        current = list(shape)
        cost = 0.0
        for a in order:
            pos = axes[a]
            before, after = math.prod(current[:pos]), math.prod(current[pos + 1:])
            kernel = _kernel(device, before, current[pos], after, tables[a], forms[a])
            unit = _cost(kernel, current[pos], after, len(tables[a].index))
            current[pos] = out_sizes[a]
            cost += unit * math.prod(current) + _fixed(kernel, tables[a], forms[a])
        if best is None or cost < best[0]:
            best = (cost, order)
    return best[1]


def _bag_tensors(table: DeviceTable, before: int, size_in: int):
    offsets = torch.arange(before, device=table.index_matrix.device).mul_(size_in).view(before, 1, 1)
    taps = len(table.index)
    index = (table.index_matrix.unsqueeze(0) + offsets).reshape(before * table.rows, taps)
    weight = table.weight_matrix.unsqueeze(0).expand(before, -1, -1).reshape(before * table.rows, taps)
    return index, weight


_CACHE: "collections.OrderedDict[tuple, Plan]" = collections.OrderedDict()
_LOCK = threading.Lock()


def get_plan(shape, out_sizes, scales, roi, spec, device, dtype, channels_last: bool, transposed: bool):
    """The cached plan of resizing the trailing ``len(out_sizes)`` axes of ``shape`` (the forward map, or
    with ``transposed`` its adjoint from ``out_sizes`` back to the trailing sizes of... see ``apply``)."""
    key = (tuple(shape), tuple(out_sizes), None if scales is None else tuple(scales),
           None if roi is None else tuple(roi), spec, device, dtype, channels_last, transposed)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    made = _make_plan(shape, out_sizes, scales, roi, spec, device, dtype, channels_last, transposed)
    with _LOCK:
        _CACHE[key] = made
        while len(_CACHE) > PLAN_CACHE_SIZE:
            _CACHE.popitem(last=False)
    return made


def _make_plan(shape, out_sizes, scales, roi, spec, device, dtype, channels_last, transposed):
    count = len(out_sizes)
    first = len(shape) - count
    cur_sizes = list(shape[first:])
    forward = zip(out_sizes, cur_sizes) if transposed else zip(cur_sizes, out_sizes)  # (in, out) of the map
    spec = table_spec(spec, [AxisPlan(int(i), int(o), None if scales is None else float(scales[a]), None)
                             for a, (i, o) in enumerate(forward)])  # one rule for every axis (area_or_two_tap)
    tables = []
    for i in range(count):
        s = None if scales is None else float(scales[i])
        r = None if roi is None else (float(roi[i]), float(roi[count + i]))
        if transposed:  # the adjoint of the map from out_sizes[i] to cur_sizes[i]
            tables.append(device_table(int(out_sizes[i]), int(cur_sizes[i]), spec, s, r, device, dtype, True))
        else:
            tables.append(device_table(int(cur_sizes[i]), int(out_sizes[i]), spec, s, r, device, dtype))
    regular = _regular_plan(shape, out_sizes, scales, roi, spec, device, dtype, channels_last, transposed,
                            tables)
    if regular is not None:
        return Plan(False, (), None, False, None, regular, transposed)
    if channels_last:
        work = [shape[0]] + list(shape[2:]) + [shape[1]]
        axes = list(range(1, 1 + count))
    else:
        work = list(shape)
        axes = list(range(first, first + count))
    mask = None
    if not transposed:
        for i, table in enumerate(tables):
            if table.outside is not None:
                view = [1] * len(shape)
                view[first + i] = table.rows
                here = table.outside.view(view)
                mask = here if mask is None else (mask | here)
    steps = []
    forms = [_strided_form(t, c) for t, c in zip(tables, [work[p] for p in axes])]
    for a in _order(work, axes, [t.rows for t in tables], tables, device, forms):
        pos = axes[a]
        before, size_in, after = math.prod(work[:pos]), work[pos], math.prod(work[pos + 1:])
        kernel = _kernel(device, before, size_in, after, tables[a], forms[a])
        bag_index = bag_weight = None
        if kernel == "bag":
            bag_index, bag_weight = _bag_tensors(tables[a], before, size_in)
        steps.append(Step(pos, before, size_in, after, kernel, tables[a], bag_index, bag_weight,
                          forms[a] if kernel == "strided" else None))
        work[pos] = tables[a].rows
    fused = _fused(shape if not channels_last else [shape[0]] + list(shape[2:]) + [shape[1]],
                   axes, tables, steps)
    if fused is not None:
        steps = [fused]
    whole = (all(isinstance(st, Step) and st.kernel == "dense" for st in steps)
             and math.prod(work) <= WHOLE_CHECK_MAX)
    kron = None
    if whole and len(steps) > 1 and math.prod(t.rows * t.cols for t in tables) <= KRON_MAX_ENTRIES:
        start = list(shape) if not channels_last else [shape[0]] + list(shape[2:]) + [shape[1]]
        matrix = torch.ones((1, 1), dtype=torch.float64, device=tables[0].dense.device)
        for t in tables:  # the Kronecker product, row-major over the axes
            d = t.dense.double()
            matrix = (matrix[:, None, :, None] * d[None, :, None, :]).reshape(
                matrix.shape[0] * d.shape[0], matrix.shape[1] * d.shape[1])
        matrix = matrix.to(tables[0].dense.dtype)
        kron = Kron(axes[0], axes[-1], math.prod(start[:axes[0]]), math.prod(start[a] for a in axes),
                    math.prod(start[axes[-1] + 1:]), tuple(t.rows for t in tables), matrix,
                    matrix.t().contiguous(),
                    tuple(start[:axes[0]]) + tuple(t.rows for t in tables) + tuple(start[axes[-1] + 1:]))
    return Plan(channels_last, tuple(steps), mask, whole, kron)


#: The directions (``"forward"``, ``"adjoint"``) that use ``_regular`` plans where they apply. The
#: adjoint by default: in interleaved A/B runs its regular plan was faster (f+b 47 vs 59 ms, quiet) and
#: has no full-size intermediate; the regular forward was 25% slower than the cost model's plan on a
#: quiet machine (6.6 vs 5.1 ms) and 1.7x faster under load (36 vs 61 ms): see docs/torch.md.
REGULAR_PLANS = ("adjoint",)


def _regular_plan(shape, out_sizes, scales, roi, spec, device, dtype, channels_last, transposed, tables):
    """The ``_regular`` form of a channels-first map of the last two axes, if both are regular (integer
    factor reductions): None otherwise, under ``FORCE`` without ``"regular"``, or for other layouts."""
    if ("adjoint" if transposed else "forward") not in REGULAR_PLANS or channels_last or len(out_sizes) != 2:
        return None
    if FORCE is not None and "regular" not in FORCE:
        return None
    if transposed:  # the forward tables of the map from out_sizes to the trailing sizes of shape
        first = len(shape) - 2
        tables = [device_table(int(out_sizes[i]), int(shape[first + i]), spec,
                               None if scales is None else float(scales[i]),
                               None if roi is None else (float(roi[i]), float(roi[2 + i])), device, dtype)
                  for i in range(2)]
        in_sizes = [int(v) for v in out_sizes]
    else:
        in_sizes = [int(v) for v in shape[-2:]]
    if any(t.outside is not None for t in tables):
        return None
    return _regular.regular_2d(tables, in_sizes)


#: Largest Kronecker matrix (entries) of a small all-dense plan.
KRON_MAX_ENTRIES = 1 << 16


#: A fused step is considered when the rows (the elements after the last resized axis) are this long.
FUSED_MIN_AFTER = 64


def _fused(work, axes, tables, steps):
    """A single fused ``bag`` step, when the modelled cost says it beats the separable steps."""
    if len(axes) < 2 or FORCE is not None and "fused" not in FORCE:
        return None
    before, after = math.prod(work[:axes[0]]), math.prod(work[axes[-1] + 1:])
    taps = math.prod(len(t.index) for t in tables)
    rows = math.prod(t.rows for t in tables)
    if after < FUSED_MIN_AFTER or before * rows * taps > BAG_MAX_ENTRIES:
        return None
    separable = 0.0
    current = list(work)
    for step in steps:
        unit = _cost(step.kernel, step.size_in, step.after, len(step.table.index))
        current[step.axis] = step.table.rows
        separable += unit * math.prod(current)
    fused_cost = _cost("bag", 0, after, taps) * math.prod(current) * FUSED_COST_FACTOR
    if FORCE is None and fused_cost >= separable:
        return None
    in_sizes = [work[a] for a in axes]
    index = torch.zeros((), dtype=torch.int64, device=tables[0].index_matrix.device)
    weight = torch.ones((), dtype=torch.float64, device=index.device)
    for i, t in enumerate(tables):  # index/weight of shape (rows_0, ..., rows_i, K_0, ..., K_i)
        stride = math.prod(in_sizes[i + 1:])
        idx = t.index_matrix * stride
        w = t.weight_matrix.double()
        index = index.unsqueeze(i).unsqueeze(-1) + idx.view([1] * i + [t.rows] + [1] * i + [-1])
        weight = weight.unsqueeze(i).unsqueeze(-1) * w.view([1] * i + [t.rows] + [1] * i + [-1])
    index = index.reshape(rows, taps)
    weight = weight.reshape(rows, taps).to(tables[0].weight_matrix.dtype)
    offsets = torch.arange(before, device=index.device).mul_(math.prod(in_sizes)).view(before, 1, 1)
    bag_index = (index.unsqueeze(0) + offsets).reshape(before * rows, taps)
    bag_weight = weight.unsqueeze(0).expand(before, -1, -1).reshape(before * rows, taps)
    unread = None
    if any(t.unread is not None for t in tables):
        mask = torch.zeros((), dtype=torch.bool, device=index.device)
        for i, t in enumerate(tables):  # row-major over the axes, as ``index``
            here = torch.zeros(t.rows, dtype=torch.bool, device=index.device)
            if t.unread is not None:
                here[t.unread] = True
            mask = mask.unsqueeze(-1) | here.view([1] * i + [t.rows])
        unread = torch.nonzero(mask.reshape(-1)).view(-1)
    return Fused(axes[0], axes[-1], before, math.prod(in_sizes), after, tuple(t.rows for t in tables),
                 bag_index, bag_weight, unread)


#: The fused step's modelled cost relative to a bag of that many taps (it writes no intermediate).
FUSED_COST_FACTOR = 0.5


class Strided(NamedTuple):
    """The periodic part of a table, for the ``strided`` kernel: output ``P * j + r`` reads input
    ``Q * j + offset[r][k]`` at tap ``k`` for every block ``j`` in ``[first, last)``; the rows before and
    after those blocks (``head`` and ``tail`` rows) are gathered."""

    period: int
    step: int
    first: int
    last: int
    offset: tuple
    weight: tuple  # weight[r][k]: the (last - first) weights of output P*j + r, tap k, in the work dtype


def strided_form(table: DeviceTable, cols: int, index_np, weight_np) -> Strided | None:
    """The periodic structure of ``table`` (``rows`` outputs reading ``cols`` inputs), if it has one with
    a short period; else None."""
    import numpy as np

    rows, taps = index_np.shape
    g = math.gcd(rows, cols)
    period, step = rows // g, cols // g
    if period > STRIDED_MAX_PERIOD or g < 2:
        return None
    blocks = np.arange(g)
    offsets = index_np.reshape(g, period, taps) - step * blocks[:, None, None]
    middle = g // 2
    same = (offsets == offsets[middle]).all(axis=(1, 2))
    first = middle
    while first > 0 and same[first - 1]:
        first -= 1
    last = middle + 1
    while last < g and same[last]:
        last += 1
    if last - first < max(2, g // 2):
        return None
    w = table.weight_matrix.view(g, period, taps)[first:last]
    offset = tuple(tuple(int(v) for v in offsets[middle, r]) for r in range(period))
    weight = tuple(tuple(w[:, r, k].contiguous().view(1, -1, 1) for k in range(taps)) for r in range(period))
    return Strided(period, step, first, last, offset, weight)


def strided(y3: torch.Tensor, step: Step) -> torch.Tensor:
    """Periodic tables: each (residue, tap) is one multiply-add of strided views (no index gather);
    the few rows at both ends that do not follow the period are gathered."""
    before, size_in, after = y3.shape
    form, table = step.strided, step.table
    p, q = form.period, form.step
    out = torch.empty(before, table.rows, after, dtype=y3.dtype, device=y3.device)
    out4 = out.view(before, table.rows // p, p, after)
    n = form.last - form.first
    for r in range(p):
        dst = out4[:, form.first:form.last, r, :]
        for k, (d, w) in enumerate(zip(form.offset[r], form.weight[r])):
            start = q * form.first + d
            src = y3[:, start:start + q * (n - 1) + 1:q, :]
            if k == 0:
                torch.mul(src, w, out=dst)
            else:
                dst.addcmul_(src, w)
    head, tail = form.first * p, form.last * p
    for lo, hi in ((0, head), (tail, table.rows)):
        if hi > lo:
            acc = None
            for index, weight in zip(table.index, table.weight):
                term = y3.index_select(1, index[lo:hi])
                w = weight[lo:hi].view(1, hi - lo, 1)
                acc = term.mul_(w) if acc is None else acc.addcmul_(term, w)
            out[:, lo:hi, :] = acc
    return out


def _finite(t: torch.Tensor) -> bool:
    """True only if every element of ``t`` is finite (a finite sum proves it; an overflowing sum of
    finite values says False, which only costs the fallback). CPU only: no device round trip."""
    return math.isfinite(t.sum().item())


def gather(y3: torch.Tensor, table: DeviceTable) -> torch.Tensor:
    """``out[:, o, :] = sum_k weight[k][o] * y3[:, index[k][o], :]`` with index_select per tap."""
    out = None
    for index, weight in zip(table.index, table.weight):
        term = y3.index_select(1, index)
        w = weight.view(1, table.rows, 1)
        out = term.mul_(w) if out is None else out.addcmul_(term, w)
    return out


def _dense_product(y3: torch.Tensor, table) -> torch.Tensor:
    """``table.dense @ y3[b]`` for every b (``table``: a DeviceTable or a Kron)."""
    before, size_in, after = y3.shape
    rows = table.dense.shape[0]
    if after == 1:
        return torch.mm(y3.view(before, size_in), table.dense_t).view(before, rows, 1)
    if before == 1:
        return torch.mm(table.dense, y3.view(size_in, after)).view(1, rows, after)
    return torch.matmul(table.dense, y3)


def dense(y3: torch.Tensor, table: DeviceTable) -> torch.Tensor | None:
    """The dense product, or None where it would not be exact (a NaN/Inf, or an overflow): the smaller
    of input and output is checked finite."""
    small_input = y3.shape[1] <= table.rows
    if small_input and not _finite(y3):
        return None
    out = _dense_product(y3, table)
    if not small_input and not _finite(out):
        return None
    return out


def bag(y3: torch.Tensor, step: Step) -> torch.Tensor:
    """The fused gather-multiply-add over rows of ``after`` elements."""
    before, size_in, after = y3.shape
    out = F.embedding_bag(step.bag_index, y3.reshape(before * size_in, after),
                          per_sample_weights=step.bag_weight, mode="sum")
    return out.view(before, step.table.rows, after)


def apply_step(y: torch.Tensor, step, checked: bool = True) -> torch.Tensor:
    """One step of a plan on the working tensor ``y`` (contiguous). ``checked=False``: the dense kernel
    skips its finiteness checks (the caller checks the whole plan's input and output instead)."""
    shape = list(y.shape)
    if isinstance(step, Fused):
        out = F.embedding_bag(step.bag_index, y.reshape(step.before * step.size_in, step.after),
                              per_sample_weights=step.bag_weight, mode="sum")
        if step.unread is not None:
            out.view(step.before, -1, step.after).index_fill_(1, step.unread, 0)
        return out.view(shape[:step.first] + list(step.out_sizes) + shape[step.last + 1:])
    y3 = y.view(step.before, step.size_in, step.after)
    out = None
    if step.kernel == "dense":
        out = dense(y3, step.table) if checked else _dense_product(y3, step.table)
    elif step.kernel == "bag":
        out = bag(y3, step)
    elif step.kernel == "strided":
        out = strided(y3, step)
    if out is None:
        out = gather(y3, step.table)
    if step.table.unread is not None:  # adjoint rows no output reads: 0 (not 0 * a NaN/Inf of a padded tap)
        out.index_fill_(1, step.table.unread, 0)
    shape[step.axis] = step.table.rows
    return out.view(shape)


#: Plans whose steps are all dense and whose output has at most this many elements check only the
#: plan's input and output for finiteness (two checks instead of one per step; for small tensors).
WHOLE_CHECK_MAX = 1 << 16


def run(x: torch.Tensor, out_sizes, scales, roi, spec, dtype, channels_last: bool, transposed: bool,
        fill: float = 0.0) -> torch.Tensor:
    """Apply the map (or with ``transposed`` its adjoint) to the trailing axes of ``x``, in ``dtype``;
    the result is in ``dtype``, laid out channels_last (as an (N, C, *spatial) tensor) when
    ``channels_last``, else contiguous; ``fill`` goes where a source is outside (forward only)."""
    if x.numel() == 0:  # an empty batch or channel axis: nothing to compute
        shape = list(x.shape[: x.dim() - len(out_sizes)]) + [int(v) for v in out_sizes]
        fmt = torch.contiguous_format
        if channels_last:
            fmt = torch.channels_last if x.dim() == 4 else torch.channels_last_3d
        return torch.zeros(shape, dtype=dtype, device=x.device).contiguous(memory_format=fmt)
    plan = get_plan(tuple(x.shape), out_sizes, scales, roi, spec, x.device, dtype, channels_last, transposed)
    return run_plan(x, plan, dtype, channels_last, fill)


def run_plan(x: torch.Tensor, plan: Plan, dtype, channels_last: bool, fill: float = 0.0) -> torch.Tensor:
    """``run`` with its plan looked up already (``x`` has elements; the plan is ``x``'s)."""
    y = x if x.dtype == dtype else x.to(dtype)
    if plan.regular is not None:
        return (_regular.adjoint if plan.adjoint else _regular.forward)(y.contiguous(), plan.regular)
    y = y.movedim(1, -1).contiguous() if channels_last else y.contiguous()
    if plan.whole_check:
        # Dense products only: a finite output proves every product exact (in a dense product every
        # input element reaches every output of its slice, so a NaN/Inf or an overflow anywhere in the
        # chain would leave the output non-finite); no input check is needed.
        out = None
        kron = plan.kron
        if kron is not None:
            if kron.after == 1:
                out = torch.mm(y.view(kron.before, kron.size_in), kron.dense_t)
            else:
                out = _dense_product(y.view(kron.before, kron.size_in, kron.after), kron)
            out = out.view(kron.out_shape)
        else:
            out = y
            for step in plan.steps:
                out = apply_step(out, step, checked=False)
        if not _finite(out):
            out = None
        if out is None:
            out = y
            for step in plan.steps:
                o3 = gather(out.view(step.before, step.size_in, step.after), step.table)
                if step.table.unread is not None:
                    o3.index_fill_(1, step.table.unread, 0)
                out = o3.view(_shape_after(out.shape, step))
        y = out
    else:
        for step in plan.steps:
            y = apply_step(y, step)
    if channels_last:
        y = y.movedim(-1, 1)
    if plan.mask is not None:
        y = y.masked_fill_(plan.mask, fill)
    return y


def _shape_after(shape, step) -> list:
    shape = list(shape)
    shape[step.axis] = step.table.rows
    return shape


#: Other caches that hold plans (``_fast.CALLS``), dropped with them.
CALL_CACHES: list = []


def clear_cache() -> None:
    """Drop every cached plan and cached call (``consistent_resize_torch.clear_cache`` also drops the
    tables)."""
    with _LOCK:
        _CACHE.clear()
        for cache in CALL_CACHES:
            cache.clear()
