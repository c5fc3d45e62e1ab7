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

import numpy as np
import torch

from consistent_resize import onnx_tables
from consistent_resize.arguments import AxisPlan, table_spec
from consistent_resize.spec import ResizeSpec
from consistent_resize.tables import axis_table
from consistent_resize_tools.runtimes import export_rules, onnxruntime as onnxruntime_rules

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
    """(the spec the ``Resize`` node carries, why the target runtime (``table_graphs(runtime=...)``, default
    onnxruntime) would compute something else from it for these sizes or None). ``requested``: the caller's ``size`` (the node carries it when
    ``keep_aspect_ratio_policy`` is not ``stretch``)."""
    rules = export_rules(_TABLE_GRAPHS[1])
    written = rules.normalised(spec, plans, scales_given=plans[0].scale is not None and requested is None)
    return written, rules.mismatch(written, plans, requested, rank=rank)


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


def _resize_node_symbolic(g, x, node_inputs, attributes, sizes=None):
    """One ``Resize`` node in a TorchScript export graph: constant ``roi``/``scales``/``sizes`` from
    ``node_inputs``, or ``sizes`` from the graph (a traced int64 value)."""
    node_roi, node_scales, node_sizes = node_inputs

    def const(values, dtype):
        return g.op("Constant", value_t=torch.tensor([] if values is None else values, dtype=dtype))

    inputs = [x, const(node_roi, torch.float32), const(node_scales, torch.float32)]
    if sizes is not None:
        inputs.append(g.op("Cast", sizes, to_i=7))  # onnx.TensorProto.INT64
    elif node_sizes is not None:
        inputs.append(const(node_sizes, torch.int64))
    typed = {f"{k}_{'i' if k == 'axes' else _ONNX_TYPES[k]}": v for k, v in attributes.items()}
    return g.op("Resize", *inputs, **typed)


def _check_opset(opset: int, spec: ResizeSpec) -> None:
    needed = 19 if spec.coordinate_transformation_mode == "half_pixel_symmetric" else MIN_OPSET
    if opset < needed:
        raise ValueError(
            f"exporting {spec.describe()} needs opset_version >= {needed} (Resize with antialias, "
            f"keep_aspect_ratio_policy and axes), got {opset}"
        )


def export_resize(x: torch.Tensor, plans: list[AxisPlan], spec: ResizeSpec, requested=None) -> torch.Tensor:
    """The resize of ``x`` during ``torch.onnx.export(dynamo=True)``: one ``Resize`` node where it computes the
    spec on onnxruntime for these sizes, else the table graph (``export_tables``; under
    ``table_graphs("strict")`` a ValueError with the reason). The TorchScript exporter traces: see
    ``traced_symbolic``.

    ``requested``: the caller's ``size`` (the node carries it when ``keep_aspect_ratio_policy`` is not
    ``stretch``).
    """
    policy = _TABLE_GRAPHS[0]
    if not all(isinstance(v, int) for p in plans for v in (p.in_size, p.out_size)):
        return _dynamic_resize(x, plans, spec, requested)
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


def _dynamic_resize(x: torch.Tensor, plans: list[AxisPlan], spec: ResizeSpec, requested=None) -> torch.Tensor:
    """One ``Resize`` node whose ``sizes`` come from the graph's symbolic shapes (``dynamo=True`` with
    ``dynamic_shapes`` on a spatial axis), or with constant ``scales``; a ValueError where
    ``dynamic_refusal`` says the node would not compute the spec at every size."""
    scale_factor = None if plans[0].scale is None else [p.scale for p in plans]
    attributes = dict(dynamic_node_spec(spec, x.dim(), scale_factor).to_onnx(), axes=list(range(2, x.dim())))
    roi = None if plans[0].roi is None else [p.roi[0] for p in plans] + [p.roi[1] for p in plans]
    inputs = [x, torch.tensor([] if roi is None else roi, dtype=torch.float32)]
    if scale_factor is not None:
        inputs.append(torch.tensor([float(v) for v in scale_factor], dtype=torch.float32))
    else:
        inputs.append(torch.tensor([], dtype=torch.float32))
        inputs.append(torch.stack([torch.scalar_tensor(p.out_size, dtype=torch.int64) for p in plans]))
    shape = list(x.shape[:2]) + [p.out_size for p in plans]
    return torch.onnx.ops.symbolic("Resize", inputs, attributes, dtype=x.dtype, shape=shape, version=19)


# -- specs beyond ONNX Resize: the table graph (consistent_resize.onnx_tables) ---------------------------

_TABLE_GRAPHS = ["mismatch", "onnxruntime"]  # the policy and the target runtime in force (table_graphs)


@contextlib.contextmanager
def table_graphs(when: str = "mismatch", *, runtime: str = "onnxruntime"):
    """Within the block, ``torch.onnx.export`` writes models for ``runtime`` (``"onnxruntime"``, ``"openvino"``
    at f32 precision, ``"tract"``: whose measured rules, ``consistent_resize_tools.runtimes``, decide), and
    writes resizes as table graphs (Gather/Mul/Add with constant tables, ``consistent_resize.onnx_tables``)
    ``when``:

    - ``"mismatch"`` (the default, also outside any block): a spec beyond ONNX Resize, and an ONNX spec whose
      ``Resize`` node the runtime would compute otherwise for the sizes at hand (or refuse);
    - ``"strict"``: only a spec beyond ONNX Resize; an ONNX spec whose node would compute otherwise raises a
      ValueError naming the reason (for models that must be one ``Resize`` node per resize);
    - ``"always"``: every resize (static spatial sizes; the batch stays free).

    Example:
        >>> import torch, consistent_resize_torch
        >>> with consistent_resize_torch.table_graphs("strict"):  # doctest: +SKIP
        ...     torch.onnx.export(model, (x,), "model.onnx", dynamo=False)
        >>> with consistent_resize_torch.table_graphs(runtime="openvino"):  # doctest: +SKIP
        ...     torch.onnx.export(model, (x,), "model_for_openvino.onnx", dynamo=False)
    """
    when = onnx_tables.check_policy(when)
    export_rules(runtime)  # a ValueError naming the runtimes
    previous = list(_TABLE_GRAPHS)
    _TABLE_GRAPHS[:] = [when, runtime]
    try:
        yield
    finally:
        _TABLE_GRAPHS[:] = previous

_TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
                 "bfloat16": torch.bfloat16, "int64": torch.int64, "bool": torch.bool}
_ATTRIBUTE_SUFFIX = {int: "i", float: "f", str: "s"}


def _why_tables(spec: ResizeSpec) -> str:
    if spec.beyond_onnx:
        return f"{onnxruntime_rules.beyond_onnx_feature(spec)} is beyond ONNX Resize and"
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
    spec = table_spec(spec, plans)  # one rule for every axis (area_or_two_tap: OpenCV INTER_AREA)
    tables = [(2 + i, axis_table(int(p.in_size), int(p.out_size), spec, p.scale, p.roi))
              for i, p in enumerate(plans)]
    order = onnx_tables.cheapest_order(x_shape, tables)
    return onnx_tables.table_graph(x_shape, str(dtype).replace("torch.", ""), order, spec, prefix="resize")


def _symbolic_shape(sizes) -> list:
    """The spatial sizes of a TorchScript value's type (None where dynamic), or None if unknown."""
    from torch.onnx import symbolic_helper

    return symbolic_helper._get_tensor_sizes(sizes)


def _table_graph_symbolic(g, x, graph: onnx_tables.TableGraph):
    """The table graph's nodes in a TorchScript export graph."""
    values = {graph.input: x}
    for name, array in graph.constants.items():
        values[name] = g.op("Constant", value_t=torch.from_numpy(np.array(array)))
    for node in graph.nodes:
        attributes = {f"{k}_{_ATTRIBUTE_SUFFIX[type(v)]}": v for k, v in node.attributes.items()}
        values[node.output] = g.op(node.op_type, *(values[i] for i in node.inputs), **attributes)
    return values[graph.output]


def _is_constant(value) -> bool:
    from torch.onnx import symbolic_helper

    return value is None or symbolic_helper._is_constant(value)


def dynamic_refusal(spec: ResizeSpec, rank: int, scale_factor=None, runtime: str = "onnxruntime") -> str | None:
    """Why one ``Resize`` node whose sizes come from the graph (or whose ``scales`` are constants) would not
    compute ``spec`` on onnxruntime for every input size; None where it does.

    The node computes coordinates in float32 (``float32_divide``) from ``scale = out / in`` (or the given
    scale), sizes ``floor(float32(in) * float32(scale))``, and copies an axis that keeps its length. It
    computes the spec for all sizes when: the mode is ONNX's (tables need fixed sizes otherwise); nearest has
    ``coordinate_arithmetic="float32_divide"`` (another arithmetic flips ties at some sizes; linear and cubic
    weights differ only by float32 rounding, which the static check accepts too, except ``q16_multiply``);
    the coordinate mode is the identity at scale 1 (not ``tf_half_pixel_for_nn`` nor
    ``tf_crop_and_resize``); ``keep_aspect_ratio_policy`` is ``stretch`` (onnxruntime rounds the policy's
    sizes in float32); cubic has rank 4; each scale factor is 1 or at least 2 (a scale in (1, 2) keeps short
    axes, which onnxruntime copies) or below 1, with at most 8 fractional bits (so that the float32 product is
    exact for outputs below 65536).
    """
    if spec.beyond_onnx:
        feature = onnxruntime_rules.beyond_onnx_feature(spec)
        return f"{feature} is written as constant Gather tables, computed for fixed sizes"
    if runtime != "onnxruntime":
        return (f"the rules of runtime {runtime!r} were measured at fixed sizes; dynamic sizes are exported for "
                "onnxruntime only")
    if spec.mode == "nearest" and spec.coordinate_arithmetic != onnxruntime_rules.ARITHMETIC:
        return (f"nearest with coordinate_arithmetic={spec.coordinate_arithmetic!r} picks other pixels than "
                f"onnxruntime's {onnxruntime_rules.ARITHMETIC!r} at some sizes")
    if spec.coordinate_arithmetic == "q16_multiply":
        return "coordinate_arithmetic='q16_multiply' (fixed point) differs from onnxruntime's float32 coordinates"
    if spec.coordinate_transformation_mode in ("tf_half_pixel_for_nn", "tf_crop_and_resize"):
        return (f"coordinate_transformation_mode={spec.coordinate_transformation_mode!r} moves an axis that keeps "
                "its length, which onnxruntime copies unchanged")
    if spec.keep_aspect_ratio_policy != "stretch":
        return (f"keep_aspect_ratio_policy={spec.keep_aspect_ratio_policy!r}: onnxruntime computes the policy's "
                "sizes in float32")
    if spec.mode == "cubic" and rank != 4:
        return f"onnxruntime runs mode 'cubic' on rank-4 inputs only, not rank {rank}"
    if scale_factor is not None:
        values = [scale_factor] * (rank - 2) if np.ndim(scale_factor) == 0 else list(scale_factor)
        for s in values:
            s = float(s)
            if 1 < s < 2:
                return (f"scale_factor {s!r} keeps the length of short axes (floor(in * s) == in), which "
                        "onnxruntime copies unchanged while the spec moves them")
            if float(np.float32(s)) != s or not (s * 256).is_integer():
                return (f"scale_factor {s!r} is not a multiple of 1/256: onnxruntime's float32 output length "
                        "floor(float32(in) * float32(s)) differs from floor(in * s) at some sizes")
    return None


def dynamic_node_spec(spec: ResizeSpec, rank: int, scale_factor=None) -> ResizeSpec:
    """The spec of the one ``Resize`` node of a dynamic-size export (``exclude_outside`` dropped where it has
    no effect and onnxruntime refuses it), or a ValueError with ``dynamic_refusal``'s reason."""
    why = dynamic_refusal(spec, rank, scale_factor, _TABLE_GRAPHS[1])
    if why is not None:
        raise ValueError(
            f"cannot export {spec.describe()} with dynamic spatial sizes: {why}. Export with static spatial "
            "sizes (no spatial dynamic_axes / dynamic_shapes, size from Python ints), or use a spec that one "
            "Resize node computes at every size (see consistent_resize_torch._onnx.dynamic_refusal)"
        )
    if spec.exclude_outside and not (spec.mode == "cubic" or spec.antialias):
        return spec.replace(exclude_outside=0)  # one tap or clamped taps: no effect, onnxruntime refuses it
    return spec


def traced_symbolic(g, x, sizes, info):
    """The TorchScript exporter's translation of ``_traced.TracedResize``: the static export where the traced
    graph fixes every spatial size, else one ``Resize`` node that follows the graph's shapes where
    ``dynamic_refusal`` allows it, else a ValueError."""
    from . import _ops

    spec = _ops._spec(*info["spec_args"])
    plans, shape, requested = info["plans"], info["shape"], info["requested"]
    rank = len(shape)
    traced = _symbolic_shape(x)
    static = traced is not None and all(v is not None for v in traced[2:]) and _is_constant(sizes)
    policy = _TABLE_GRAPHS[0]
    if static:
        _check_tables_opset(g, spec)
        written, why = node_spec(plans, spec, requested, rank)
        if spec.beyond_onnx or policy == "always" or why is not None:
            if why is not None and policy == "strict" and not spec.beyond_onnx:
                check_exportable(plans, spec, requested, rank)
            return _table_graph_symbolic(g, x, table_graph(shape, info["dtype"], plans, spec))
        _check_opset(getattr(g, "opset", MIN_OPSET), written)
        attributes = dict(written.to_onnx(), axes=list(range(2, rank)))
        return _resize_node_symbolic(g, x, _node_inputs(plans, written, requested), attributes)
    written = dynamic_node_spec(spec, rank, info["scale_factor"])
    _check_opset(getattr(g, "opset", MIN_OPSET), written)
    attributes = dict(written.to_onnx(), axes=list(range(2, rank)))
    roi = None if plans[0].roi is None else [p.roi[0] for p in plans] + [p.roi[1] for p in plans]
    if sizes is None:
        return _resize_node_symbolic(g, x, (roi, [float(p.scale) for p in plans], None), attributes)
    return _resize_node_symbolic(g, x, (roi, None, None), attributes, sizes=sizes)


def _check_tables_opset(g, spec: ResizeSpec) -> None:
    opset = getattr(g, "opset", onnx_tables.MIN_OPSET)
    if opset < onnx_tables.MIN_OPSET:
        raise ValueError(f"exporting {spec.describe()} needs opset_version >= {onnx_tables.MIN_OPSET}, got {opset}")


def export_tables(x: torch.Tensor, plans: list[AxisPlan], spec: ResizeSpec) -> torch.Tensor:
    """The resize of ``x`` as the table graph, for the dynamo exporter."""
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
