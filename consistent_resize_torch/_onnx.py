"""ONNX export: one standard ``Resize`` node (opset >= 18) whose attributes are ``spec.to_onnx()``
(plus ``axes`` = the spatial axes when ``keep_aspect_ratio_policy`` is not ``stretch``: without it the
runtime would apply the policy to N and C too).

A spec beyond ONNX Resize (``spec.beyond_onnx``: box, area, lanczos, hamming, gaussian, mitchell) exports
as the table graph of ``consistent_resize.onnx_tables`` instead: per spatial axis, K ``Gather`` of the
constant tap indices, ``Mul`` by the constant weights and an ``Add`` chain (``export_tables``). Its tables
are constants for the exported spatial sizes: a dynamic spatial axis is refused with a ValueError. Within
``table_graphs("mismatch")`` an ONNX spec whose node the check below would refuse is exported that way
too (``"always"``: every resize).

``coordinate_arithmetic`` is not an ONNX attribute: a runtime computes the source coordinate its own way
(onnxruntime: ``float32_divide``). Export therefore checks, for the concrete sizes being exported, that
``float32_divide`` gives the same tables (and output sizes) as the spec, and raises a ValueError naming
the axis and the difference otherwise; it never changes semantics silently.

- ``torch.onnx.export(..., dynamo=False)`` (TorchScript exporter): an autograd.Function ``symbolic``.
- ``torch.onnx.export(..., dynamo=True)``: ``torch.onnx.ops.symbolic`` (needs onnxscript).
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import torch

from consistent_resize import onnx_tables
from consistent_resize.arguments import AxisPlan
from consistent_resize.spec import ResizeSpec
from consistent_resize.tables import axis_table

from . import _ops

#: The smallest opset whose Resize has every attribute of ``spec.to_onnx()``.
MIN_OPSET = 18
#: Weight tolerance of the runtime-arithmetic check (linear/cubic): at least this, and at least four
#: float32 ulps of the largest source coordinate (``4 * spacing(float32(in_size))``; a kernel's slope is
#: at most ~1.5). Below that the tables differ only by the float32 rounding of the coordinate that every
#: float32 runtime has; nearest picks (which such a rounding can flip) must match exactly.
WEIGHT_TOLERANCE = 1e-6
#: The arithmetic of onnxruntime's Resize (see consistent_resize.coordinates).
RUNTIME_ARITHMETIC = "float32_divide"

_ONNX_TYPES = {
    "mode": "s",
    "coordinate_transformation_mode": "s",
    "nearest_mode": "s",
    "cubic_coeff_a": "f",
    "exclude_outside": "i",
    "antialias": "i",
    "extrapolation_value": "f",
    "keep_aspect_ratio_policy": "s",
}


def weight_tolerance(in_size: int) -> float:
    """The largest weight difference the runtime check accepts for an axis of length ``in_size``."""
    return max(WEIGHT_TOLERANCE, 4 * float(np.spacing(np.float32(in_size))))


def _tables_differ(ours, theirs, spec: ResizeSpec) -> str | None:
    if not np.array_equal(ours.outside, theirs.outside):
        return "a different set of outputs takes extrapolation_value"
    if spec.mode == "nearest":
        if not np.array_equal(ours.index, theirs.index):
            rows = np.flatnonzero((ours.index != theirs.index).any(axis=1))
            return f"nearest picks other input indices at outputs {rows[:8].tolist()}"
        return None
    if ours.index.shape == theirs.index.shape and np.array_equal(ours.index, theirs.index):
        error = float(np.abs(ours.weight - theirs.weight).max(initial=0.0))
    else:
        error = float(np.abs(ours.matrix() - theirs.matrix()).max(initial=0.0))
    tolerance = weight_tolerance(ours.in_size)
    if error > tolerance:
        return f"weights differ by up to {error:.3g} (tolerance {tolerance:.3g})"
    return None


def runtime_plans(plans: list[AxisPlan], spec: ResizeSpec, requested=None) -> list[AxisPlan]:
    """What an ONNX runtime computes (in float32, as onnxruntime does) from the node ``export_resize``
    writes: the output size and the scale of every spatial axis.

    Args:
        plans: our plan of each spatial axis.
        spec: the resolved spec.
        requested: the ``size`` the caller asked for (needed when ``keep_aspect_ratio_policy`` is not
            ``stretch``: the node then carries it, with ``axes`` naming the spatial axes).
    """
    f32 = np.float32
    if spec.keep_aspect_ratio_policy != "stretch" and plans[0].scale is not None and requested is not None:
        ratios = [f32(r) / f32(p.in_size) for r, p in zip(requested, plans)]
        common = min(ratios) if spec.keep_aspect_ratio_policy == "not_larger" else max(ratios)
        return [AxisPlan(p.in_size, int(np.floor(common * f32(p.in_size) + f32(0.5))), float(common), p.roi)
                for p in plans]
    if plans[0].scale is not None:
        return [AxisPlan(p.in_size, int(np.floor(f32(p.in_size) * f32(p.scale))), p.scale, p.roi) for p in plans]
    return list(plans)


def runtime_mismatch(plans: list[AxisPlan], spec: ResizeSpec, requested=None) -> str | None:
    """Why an ONNX runtime (``float32_divide``) would compute something else than ``spec`` for these
    axis plans, or None if the exported node is faithful.

    Args:
        plans: one ``AxisPlan`` per spatial axis (as ``consistent_resize.arguments.plan_axes`` gives).
        spec: the resolved spec.
        requested: the caller's ``size`` (see ``runtime_plans``).
    """
    runtime = spec.replace(coordinate_arithmetic=RUNTIME_ARITHMETIC)
    for axis, (p, r) in enumerate(zip(plans, runtime_plans(plans, spec, requested))):
        if r.out_size != p.out_size:
            return (
                f"spatial axis {axis}: the runtime computes output size {r.out_size} "
                f"(float32 arithmetic), the spec {p.out_size}"
            )
        if spec.coordinate_arithmetic == RUNTIME_ARITHMETIC and r.scale == p.scale:
            continue
        ours = axis_table(p.in_size, p.out_size, spec, p.scale, p.roi)
        theirs = axis_table(r.in_size, r.out_size, runtime, r.scale, r.roi)
        why = _tables_differ(ours, theirs, spec)
        if why is not None:
            return f"spatial axis {axis} ({p.in_size} -> {p.out_size}): {why}"
    return None


def check_exportable(plans: list[AxisPlan], spec: ResizeSpec, requested=None) -> None:
    """Raise a ValueError if one ONNX Resize node cannot express this resize exactly."""
    why = runtime_mismatch(plans, spec, requested)
    if why is not None:
        raise ValueError(
            f"cannot export {spec.describe()} to ONNX Resize for these sizes without changing its result: "
            f"ONNX has no coordinate_arithmetic attribute and runtimes compute coordinates and sizes in "
            f"{RUNTIME_ARITHMETIC}; {why}. Use a spec with coordinate_arithmetic={RUNTIME_ARITHMETIC!r}, "
            f"or other sizes, or export such resizes as Gather tables: "
            f"with consistent_resize_torch.table_graphs('mismatch'): torch.onnx.export(...)"
        )


def node_axes(spec: ResizeSpec, requested, rank: int) -> list[int] | None:
    """The ``axes`` attribute: the spatial axes when a ``keep_aspect_ratio_policy`` other than ``stretch``
    meets ``sizes`` (without it the runtime would scale N and C too); else None (no attribute)."""
    if spec.keep_aspect_ratio_policy != "stretch" and requested is not None:
        return list(range(2, rank))
    return None


def _node_inputs(x_shape, plans: list[AxisPlan], spec: ResizeSpec, requested=None):
    """``roi``, ``scales``, ``sizes`` of the node, over all of x's dimensions (only the spatial ones when
    the node has ``axes``); None when omitted."""
    lead = [int(v) for v in x_shape[:2]]
    roi = None
    if node_axes(spec, requested, len(x_shape)) is not None:
        if plans[0].roi is not None:
            roi = [p.roi[0] for p in plans] + [p.roi[1] for p in plans]
        return roi, None, [int(v) for v in requested]
    if plans[0].roi is not None:
        roi = [0.0, 0.0] + [p.roi[0] for p in plans] + [1.0, 1.0] + [p.roi[1] for p in plans]
    if plans[0].scale is not None:
        return roi, [1.0, 1.0] + [float(p.scale) for p in plans], None
    return roi, None, lead + [int(p.out_size) for p in plans]


class _LegacyResize(torch.autograd.Function):
    """The forward of ``resize`` with a ``symbolic`` for the TorchScript ONNX exporter."""

    @staticmethod
    def forward(ctx, x, sizes, scales, roi, spec_args, node_inputs, axes):
        return _ops.resize_op(x, sizes, scales, roi, *spec_args)

    @staticmethod
    def symbolic(g, x, sizes, scales, roi, spec_args, node_inputs, axes):
        spec = _ops._spec(*spec_args)
        _check_opset(getattr(g, "opset", MIN_OPSET), spec)
        node_roi, node_scales, node_sizes = node_inputs

        def const(values, dtype):
            return g.op("Constant", value_t=torch.tensor([] if values is None else values, dtype=dtype))

        inputs = [x, const(node_roi, torch.float32), const(node_scales, torch.float32)]
        if node_sizes is not None:
            inputs.append(const(node_sizes, torch.int64))
        attributes = {f"{k}_{_ONNX_TYPES[k]}": v for k, v in spec.to_onnx().items()}
        if axes is not None:
            attributes["axes_i"] = axes
        return g.op("Resize", *inputs, **attributes)


def _check_opset(opset: int, spec: ResizeSpec) -> None:
    needed = 19 if spec.coordinate_transformation_mode == "half_pixel_symmetric" else MIN_OPSET
    if opset < needed:
        raise ValueError(
            f"exporting {spec.describe()} needs opset_version >= {needed} (Resize with antialias and "
            f"keep_aspect_ratio_policy), got {opset}"
        )


def export_resize(x: torch.Tensor, plans: list[AxisPlan], spec: ResizeSpec, requested=None) -> torch.Tensor:
    """The resize of ``x`` as one ONNX ``Resize`` node (called by ``resize`` during ``torch.onnx.export``).

    ``requested``: the caller's ``size`` (the node carries it when ``keep_aspect_ratio_policy`` is not
    ``stretch``). A spec beyond ONNX Resize goes to ``export_tables``.
    """
    if spec.beyond_onnx or _TABLE_GRAPHS[0] == "always":
        return export_tables(x, plans, spec)
    if _TABLE_GRAPHS[0] == "mismatch" and runtime_mismatch(plans, spec, requested) is not None:
        return export_tables(x, plans, spec)
    check_exportable(plans, spec, requested)
    with warnings.catch_warnings():  # the traced shape is meant to be constant: N and C go into `sizes`
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        node_roi, node_scales, node_sizes = _node_inputs(tuple(int(v) for v in x.shape), plans, spec, requested)
    sizes = [int(p.out_size) for p in plans]
    scales = None if plans[0].scale is None else [float(p.scale) for p in plans]
    roi = None if plans[0].roi is None else [p.roi[0] for p in plans] + [p.roi[1] for p in plans]
    axes = node_axes(spec, requested, x.dim())
    attributes = spec.to_onnx()
    if axes is not None:
        attributes["axes"] = axes
    if torch.jit.is_tracing():
        return _LegacyResize.apply(
            x, sizes, scales, roi, _ops.spec_args(spec), (node_roi, node_scales, node_sizes), axes
        )
    inputs = [
        x,
        torch.tensor([] if node_roi is None else node_roi, dtype=torch.float32),
        torch.tensor([] if node_scales is None else node_scales, dtype=torch.float32),
    ]
    if node_sizes is not None:
        inputs.append(torch.tensor(node_sizes, dtype=torch.int64))
    shape = list(x.shape[:2]) + sizes
    return torch.onnx.ops.symbolic(
        "Resize", inputs, attributes, dtype=x.dtype, shape=shape, version=19
    )


# -- specs beyond ONNX Resize: the table graph (consistent_resize.onnx_tables) ---------------------------

_TABLE_GRAPHS = ["beyond_onnx"]  # the policy in force (table_graphs)


@contextlib.contextmanager
def table_graphs(when: str = "mismatch"):
    """Within the block, ``torch.onnx.export`` writes resizes as table graphs (Gather/Mul/Add with constant
    tables, ``consistent_resize.onnx_tables``) ``when``:

    - ``"beyond_onnx"`` (the default outside the block): only specs that no ``Resize`` node expresses;
    - ``"mismatch"``: also an ONNX spec whose ``Resize`` node onnxruntime would compute otherwise for the
      sizes at hand (a ``coordinate_arithmetic`` other than ``float32_divide`` that rounds differently, a
      float32 output length; where export otherwise raises ``cannot export ...``);
    - ``"always"``: every resize (static spatial sizes; the batch stays free).

    Example:
        >>> import torch, consistent_resize_torch
        >>> with consistent_resize_torch.table_graphs("mismatch"):  # doctest: +SKIP
        ...     torch.onnx.export(model, (x,), "model.onnx", dynamo=False)
    """
    when = onnx_tables.check_policy(when)
    previous, _TABLE_GRAPHS[0] = _TABLE_GRAPHS[0], when
    try:
        yield
    finally:
        _TABLE_GRAPHS[0] = previous

_TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
                 "bfloat16": torch.bfloat16, "int64": torch.int64, "bool": torch.bool}
_ATTRIBUTE_SUFFIX = {int: "i", float: "f", str: "s"}


def _why_tables(spec: ResizeSpec) -> str:
    if spec.beyond_onnx:
        return f"mode {spec.mode!r} is beyond ONNX Resize and"
    return f"under table_graphs({_TABLE_GRAPHS[0]!r}) the resize"


def table_graph(x_shape, dtype, plans: list[AxisPlan], spec: ResizeSpec) -> onnx_tables.TableGraph:
    """The table graph of this resize (``consistent_resize.onnx_tables.table_graph``), axes in the
    order of least work (``onnx_tables.cheapest_order``; the PyTorch layer picks its own order and
    kernels per device, see ``_axis``, so the graph and the layer agree to rounding, not bit for bit).

    Raises:
        ValueError: a spatial input or output size is not a concrete int (a dynamic spatial axis).
    """
    onnx_tables.check_static(list(x_shape[2:]), spec, _why_tables(spec))
    onnx_tables.check_static([p.out_size for p in plans], spec, _why_tables(spec), "output")
    tables = [(2 + i, axis_table(int(p.in_size), int(p.out_size), spec, p.scale, p.roi))
              for i, p in enumerate(plans)]
    order = onnx_tables.cheapest_order(x_shape, tables)
    return onnx_tables.table_graph(x_shape, str(dtype).replace("torch.", ""), order, spec, prefix="resize")


def _symbolic_shape(sizes) -> list:
    """The spatial sizes of a TorchScript value's type (None where dynamic), or None if unknown."""
    from torch.onnx import symbolic_helper

    return symbolic_helper._get_tensor_sizes(sizes)


class _LegacyTables(torch.autograd.Function):
    """The forward of ``resize`` with a ``symbolic`` that writes the table graph (TorchScript exporter)."""

    @staticmethod
    def forward(ctx, x, sizes, scales, roi, spec_args, graph):
        return _ops.resize_op(x, sizes, scales, roi, *spec_args)

    @staticmethod
    def symbolic(g, x, sizes, scales, roi, spec_args, graph):
        spec = _ops._spec(*spec_args)
        opset = getattr(g, "opset", onnx_tables.MIN_OPSET)
        if opset < onnx_tables.MIN_OPSET:
            raise ValueError(f"exporting {spec.describe()} as a table graph needs opset_version >= "
                             f"{onnx_tables.MIN_OPSET}, got {opset}")
        traced = _symbolic_shape(x)
        if traced is not None:  # dynamic_axes on a spatial axis: the traced sizes are not the graph's
            onnx_tables.check_static(traced[2:], spec, _why_tables(spec))
        values = {graph.input: x}
        for name, array in graph.constants.items():
            values[name] = g.op("Constant", value_t=torch.from_numpy(np.array(array)))
        for node in graph.nodes:
            attributes = {f"{k}_{_ATTRIBUTE_SUFFIX[type(v)]}": v for k, v in node.attributes.items()}
            values[node.output] = g.op(node.op_type, *(values[i] for i in node.inputs), **attributes)
        return values[graph.output]


def export_tables(x: torch.Tensor, plans: list[AxisPlan], spec: ResizeSpec) -> torch.Tensor:
    """The resize of ``x`` as the table graph (a spec beyond ONNX Resize), for either exporter."""
    if torch.jit.is_tracing():
        with warnings.catch_warnings():  # the traced spatial shape is meant to be constant
            warnings.simplefilter("ignore", torch.jit.TracerWarning)
            shape = tuple(int(v) for v in x.shape)
        graph = table_graph(shape, x.dtype, plans, spec)
        sizes = [int(p.out_size) for p in plans]
        scales = None if plans[0].scale is None else [float(p.scale) for p in plans]
        roi = None if plans[0].roi is None else [p.roi[0] for p in plans] + [p.roi[1] for p in plans]
        return _LegacyTables.apply(x, sizes, scales, roi, _ops.spec_args(spec), graph)
    graph = table_graph(tuple(x.shape), x.dtype, plans, spec)
    values = {graph.input: x}
    for name, array in graph.constants.items():
        values[name] = torch.from_numpy(np.array(array))
    for node in graph.nodes:
        values[node.output] = torch.onnx.ops.symbolic(
            node.op_type, [values[i] for i in node.inputs], node.attributes, dtype=_TORCH_DTYPES[node.dtype],
            shape=list(node.shape), version=onnx_tables.MIN_OPSET
        )
    return values[graph.output]


def strict_capture_error() -> RuntimeError:
    """The error of ``consistent_resize::resize`` meeting ``torch.onnx.export(dynamo=True)``'s second
    capture, ``torch.export(strict=True)``: TorchDynamo reads ``torch.onnx.is_in_onnx_export()`` as False,
    so ``resize`` records the custom operator, which has no ONNX translation (the exporter would fail
    later with "No ONNX function found"). Failing the capture here makes the exporter report the first
    capture's error instead, which names the reason (e.g. a dynamic spatial axis with a table graph)."""
    return RuntimeError(
        "consistent_resize::resize has no ONNX translation: torch.onnx.export writes it only through "
        "torch.export(strict=False), whose error is the one to read"
    )
