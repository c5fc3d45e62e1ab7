"""ONNX export: an exported model computes the spec, on onnxruntime, for the sizes being exported.

Where one standard ``Resize`` node (opset >= 18) computes the spec on onnxruntime, the resize is that node:
its attributes are ``spec.to_onnx()`` normalised by ``consistent_resize_tools.runtimes.onnxruntime`` (an
``exclude_outside`` without effect, which onnxruntime refuses, is dropped), ``axes`` names the spatial axes
and ``sizes``/``scales``/``roi`` hold the spatial values only, so the batch and channel sizes stay free.
Where it would not (``onnxruntime.mismatch``: float32 coordinates or output sizes that differ from the
spec's ``coordinate_arithmetic``, an axis copied unchanged, the antialias zero row, a node onnxruntime
refuses such as cubic on rank 3 or 5) and for a spec beyond ONNX Resize (``spec.beyond_onnx``: box, area,
lanczos, ...), the resize is the exact table graph of ``consistent_resize.onnx_tables``: per spatial axis,
K ``Gather`` of the constant tap indices, ``Mul`` by the constant weights and an ``Add`` chain.

``table_graphs(policy)`` changes that choice for the exports in its block: ``"strict"`` raises a ValueError
naming the reason instead of writing a table graph for an ONNX spec; ``"always"`` writes every resize as a
table graph. No path only warns.

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
from consistent_resize_tools.runtimes import onnxruntime as onnxruntime_rules

from . import _ops

#: The smallest opset whose Resize has every attribute of ``spec.to_onnx()``.
MIN_OPSET = 18
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


def node_spec(plans: list[AxisPlan], spec: ResizeSpec, requested=None, rank: int = 4) -> tuple[ResizeSpec, str | None]:
    """(the spec the ``Resize`` node carries, why onnxruntime would compute something else from it for these
    sizes or None). ``requested``: the caller's ``size`` (the node carries it when
    ``keep_aspect_ratio_policy`` is not ``stretch``)."""
    written = onnxruntime_rules.normalised(spec, plans, scales_given=plans[0].scale is not None and requested is None)
    return written, onnxruntime_rules.mismatch(written, plans, requested, rank=rank)


def check_exportable(plans: list[AxisPlan], spec: ResizeSpec, requested=None, rank: int = 4) -> None:
    """Raise a ValueError (with the reason) if one ONNX ``Resize`` node would not compute this resize on
    onnxruntime (what ``table_graphs("strict")`` raises)."""
    _, why = node_spec(plans, spec, requested, rank)
    if why is not None:
        raise ValueError(
            f"cannot export {spec.describe()} as one ONNX Resize node for these sizes: {why}. Leave out "
            f"table_graphs('strict') to export it as the exact table graph (Gather/Mul/Add)"
        )


def _node_inputs(plans: list[AxisPlan], spec: ResizeSpec, requested=None):
    """``roi``, ``scales``, ``sizes`` of the node, over the spatial axes (the node's ``axes``); None when
    omitted."""
    roi = None
    if plans[0].roi is not None:
        roi = [p.roi[0] for p in plans] + [p.roi[1] for p in plans]
    if spec.keep_aspect_ratio_policy != "stretch" and requested is not None:
        return roi, None, [int(v) for v in requested]
    if plans[0].scale is not None:
        return roi, [float(p.scale) for p in plans], None
    return roi, None, [int(p.out_size) for p in plans]


class _LegacyResize(torch.autograd.Function):
    """The forward of ``resize`` with a ``symbolic`` for the TorchScript ONNX exporter."""

    @staticmethod
    def forward(ctx, x, sizes, scales, roi, spec_args, node_inputs, attributes):
        return _ops.resize_op(x, sizes, scales, roi, *spec_args)

    @staticmethod
    def symbolic(g, x, sizes, scales, roi, spec_args, node_inputs, attributes):
        _check_opset(getattr(g, "opset", MIN_OPSET), _ops._spec(*spec_args))
        node_roi, node_scales, node_sizes = node_inputs

        def const(values, dtype):
            return g.op("Constant", value_t=torch.tensor([] if values is None else values, dtype=dtype))

        inputs = [x, const(node_roi, torch.float32), const(node_scales, torch.float32)]
        if node_sizes is not None:
            inputs.append(const(node_sizes, torch.int64))
        typed = {f"{k}_{'i' if k == 'axes' else _ONNX_TYPES[k]}": v for k, v in attributes}
        return g.op("Resize", *inputs, **typed)


def _check_opset(opset: int, spec: ResizeSpec) -> None:
    needed = 19 if spec.coordinate_transformation_mode == "half_pixel_symmetric" else MIN_OPSET
    if opset < needed:
        raise ValueError(
            f"exporting {spec.describe()} needs opset_version >= {needed} (Resize with antialias, "
            f"keep_aspect_ratio_policy and axes), got {opset}"
        )


def export_resize(x: torch.Tensor, plans: list[AxisPlan], spec: ResizeSpec, requested=None) -> torch.Tensor:
    """The resize of ``x`` during ``torch.onnx.export``: one ``Resize`` node where it computes the spec on
    onnxruntime for these sizes, else the table graph (``export_tables``; under ``table_graphs("strict")``
    a ValueError with the reason).

    ``requested``: the caller's ``size`` (the node carries it when ``keep_aspect_ratio_policy`` is not
    ``stretch``).
    """
    policy = _TABLE_GRAPHS[0]
    if spec.beyond_onnx or policy == "always":
        return export_tables(x, plans, spec)
    written, why = node_spec(plans, spec, requested, x.dim())
    if why is not None:
        if policy == "strict":
            check_exportable(plans, spec, requested, x.dim())
        return export_tables(x, plans, spec)
    node_roi, node_scales, node_sizes = _node_inputs(plans, written, requested)
    sizes = [int(p.out_size) for p in plans]
    scales = None if plans[0].scale is None else [float(p.scale) for p in plans]
    roi = None if plans[0].roi is None else [p.roi[0] for p in plans] + [p.roi[1] for p in plans]
    attributes = dict(written.to_onnx(), axes=list(range(2, x.dim())))
    if torch.jit.is_tracing():
        return _LegacyResize.apply(
            x, sizes, scales, roi, _ops.spec_args(spec), (node_roi, node_scales, node_sizes),
            tuple(attributes.items()),
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

_TABLE_GRAPHS = ["mismatch"]  # the policy in force (table_graphs)


@contextlib.contextmanager
def table_graphs(when: str = "mismatch"):
    """Within the block, ``torch.onnx.export`` writes resizes as table graphs (Gather/Mul/Add with constant
    tables, ``consistent_resize.onnx_tables``) ``when``:

    - ``"mismatch"`` (the default, also outside any block): a spec beyond ONNX Resize, and an ONNX spec whose
      ``Resize`` node onnxruntime would compute otherwise for the sizes at hand (or refuse);
    - ``"strict"``: only a spec beyond ONNX Resize; an ONNX spec whose node would compute otherwise raises a
      ValueError naming the reason (for models that must be one ``Resize`` node per resize);
    - ``"always"``: every resize (static spatial sizes; the batch stays free).

    Example:
        >>> import torch, consistent_resize_torch
        >>> with consistent_resize_torch.table_graphs("strict"):  # doctest: +SKIP
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
    if _TABLE_GRAPHS[0] == "always":
        return "under table_graphs('always') the resize"
    return "one Resize node would not compute this spec on onnxruntime, and its table graph"


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
