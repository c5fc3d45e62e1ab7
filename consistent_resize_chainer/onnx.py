"""ONNX export with ``onnx_chainer`` (shipped inside Chainer 7.8.1): one standard ``Resize`` node per resize.

- ``convert_resize``: the converter of our ``ResizeFunction`` (node name ``ConsistentResize``);
  registered in ``onnx_chainer``'s table when this module is imported, so a plain
  ``onnx_chainer.export`` exports models that use ``consistent_resize_chainer.resize`` / ``Resize`` /
  ``resize_images``.
- ``convert_resize_images``: a converter for ``chainer.functions.resize_images`` with Chainer's real
  semantics (``align_corners=True`` -> ``coordinate_transformation_mode="align_corners"``).
  ``onnx_chainer``'s own converter emits a linear ``Resize`` with ONNX's default ``half_pixel``
  coordinates, which is not what Chainer computes. Pass ``external_converters=CONVERTERS`` (or call
  ``export`` below) to use ours.
- ``export(model, args, ...)``: ``onnx_chainer.export`` with these converters and opset 19.

An exported model computes the spec on onnxruntime, for the sizes being exported (the policy of
``consistent_resize_torch``'s export too): where one ``Resize`` node would not
(``consistent_resize_tools.runtimes.onnxruntime.mismatch``: float32 coordinates or output sizes, an axis
copied unchanged, the antialias zero row, a node onnxruntime refuses such as cubic on rank 3 or 5), and for
a spec beyond ONNX Resize (``spec.beyond_onnx``), the resize is the exact table graph of
``consistent_resize.onnx_tables`` (``table_nodes``): per spatial axis, K ``Gather`` of constant tap
indices, ``Mul`` by the constant weights (float32, or float64 for a float64 input) and an ``Add`` chain,
applied in the order ``ResizeFunction`` applies its axes; where Chainer's CPU forward runs its gather
kernel, onnxruntime's output is bit for bit Chainer's (the dense kernel, for short axes, rounds in another
order). ``export(..., table_graphs="strict")`` raises a ValueError with the reason instead of writing a
table graph for an ONNX spec; ``"always"`` writes one for every resize. No path only warns.

The node's attributes are ``spec.to_onnx()`` (opset 19) normalised by the onnxruntime rules (attributes
without effect for these sizes that onnxruntime refuses are dropped); with an older ``opset_version`` the
attributes that opset lacks are left out when they hold ONNX's default, and a spec that needs them is
refused. From opset 18 on, ``axes`` names the spatial axes and ``sizes`` / ``scales`` / ``roi`` hold the
spatial values only (the batch and channel sizes stay free); before, they cover every axis.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from consistent_resize import onnx_tables
from consistent_resize.arguments import plan_axes, table_spec
from consistent_resize.presets import PRESETS
from consistent_resize.spec import ResizeSpec
from consistent_resize.tables import axis_table
from consistent_resize_tools.runtimes import export_rules

from ._import import import_chainer
from .drop_in import chainer_preset

import_chainer()
import onnx_chainer  # noqa: E402
from onnx_chainer import mapping, onnx_helper  # noqa: E402

#: The opset whose ``Resize`` has every attribute of ``ResizeSpec``.
OPSET = 19
#: ONNX's defaults of the attributes added after opset 11 (antialias, keep_aspect_ratio_policy: 18).
_LATER_ATTRIBUTES = {"antialias": (18, 0), "keep_aspect_ratio_policy": (18, "stretch")}


def onnx_attributes(spec: ResizeSpec, opset_version: int) -> dict[str, Any]:
    """The ``Resize`` attributes of ``spec`` that ``opset_version`` has (all of ``spec.to_onnx()`` from
    opset 19 on); a ValueError if the spec needs a later opset."""
    if opset_version < 11:
        raise ValueError(f"Resize with coordinate modes needs opset_version >= 11, got {opset_version}")
    attributes = spec.to_onnx()
    if spec.coordinate_transformation_mode == "half_pixel_symmetric" and opset_version < 19:
        raise ValueError(f"coordinate_transformation_mode 'half_pixel_symmetric' needs opset_version >= 19, "
                         f"got {opset_version}")
    for name, (since, default) in _LATER_ATTRIBUTES.items():
        if opset_version < since:
            if attributes[name] != default:
                raise ValueError(f"{name}={attributes[name]!r} needs opset_version >= {since}, got {opset_version}")
            del attributes[name]
    return attributes


def resize_nodes(params, spec: ResizeSpec, input_shape, size=None, scale_factor=None, roi=None):
    """The ONNX nodes (constants, then one ``Resize``; or the table graph) for a resize of the spatial axes
    of an input of ``input_shape``; ``params`` is onnx_chainer's ``FunctionConverterParams``."""
    opset = params.opset_version
    context = params.context
    ndim = len(input_shape)
    plans = plan_axes(input_shape[2:], size, scale_factor, spec, roi)
    if spec.beyond_onnx or _TABLE_GRAPHS[0] == "always":
        return table_nodes(params, spec, input_shape, plans)
    requested = None if size is None else [int(v) for v in _per_axis(size, ndim - 2)]
    rules = export_rules(_TABLE_GRAPHS[1])
    written = rules.normalised(spec, plans, scales_given=scale_factor is not None)
    why = rules.mismatch(written, plans, requested, rank=ndim)
    if why is not None:
        if _TABLE_GRAPHS[0] == "strict":
            raise ValueError(f"cannot export {spec.describe()} as one ONNX Resize node for these sizes: {why}. "
                             "Leave out table_graphs='strict' to export it as the exact table graph (Gather/Mul/Add)")
        return table_nodes(params, spec, input_shape, plans)
    spec = written
    attributes = onnx_attributes(spec, opset)

    def omitted(name):  # Resize-11/12 need roi and scales present, if empty; 13+ takes "" for "none"
        return "" if opset >= 13 else context.add_const(np.zeros(0, np.float32), name)

    inputs = [params.input_names[0]]
    spatial_only = opset >= 18  # with ``axes``: the batch and channel sizes stay free
    if spatial_only:
        attributes["axes"] = list(range(2, ndim))
    elif spec.keep_aspect_ratio_policy != "stretch" and size is not None:
        raise ValueError(f"keep_aspect_ratio_policy={spec.keep_aspect_ratio_policy!r} with size needs "
                         f"opset_version >= 18 (Resize with axes), got {opset}")
    lead = 0 if spatial_only else 2
    if spec.coordinate_transformation_mode == "tf_crop_and_resize":
        starts = [0.0] * lead + [p.roi[0] for p in plans]
        ends = [1.0] * lead + [p.roi[1] for p in plans]
        inputs.append(context.add_const(np.array(starts + ends, dtype=np.float32), "roi"))
    else:
        inputs.append(omitted("roi"))
    if scale_factor is not None:
        scales = [1.0] * lead + [float(v) for v in _per_axis(scale_factor, ndim - 2)]
        inputs.append(context.add_const(np.array(scales, np.float32), "scales"))
    else:
        if spec.keep_aspect_ratio_policy != "stretch":
            spatial = requested
        else:
            spatial = [p.out_size for p in plans]
        sizes = list(input_shape[:2])[:lead] + spatial
        inputs += [omitted("scales"), context.add_const(np.array(sizes, np.int64), "sizes")]
    return (onnx_helper.make_node("Resize", inputs, params.output_names, **attributes),)


def table_nodes(params, spec: ResizeSpec, input_shape, plans):
    """The table graph (``consistent_resize.onnx_tables``) of a resize whose spec is beyond ONNX Resize:
    ``Constant`` nodes with the tables, then Gather/Mul/Add (Cast around float16, Where for
    ``tf_crop_and_resize``), axes in ``ResizeFunction``'s order."""
    if params.opset_version < onnx_tables.MIN_OPSET:
        raise ValueError(f"exporting {spec.describe()} as a table graph needs opset_version >= "
                         f"{onnx_tables.MIN_OPSET}, got {params.opset_version}")
    from . import _axes, _gather

    spec = table_spec(spec, plans)  # one rule for every axis (area_or_two_tap: OpenCV INTER_AREA)
    tables = [(2 + i, axis_table(p.in_size, p.out_size, spec, p.scale, p.roi)) for i, p in enumerate(plans)]
    chainer_order = getattr(_axes, "_order", None)  # the order ResizeFunction.forward applies the axes in
    if chainer_order is None:
        order = onnx_tables.cheapest_order(input_shape, tables)
    else:
        ops = [(axis, _gather.forward_table(t)) for axis, t in tables]
        by_axis = dict(tables)
        order = [(axis, by_axis[axis]) for axis, _ in chainer_order(tuple(input_shape), ops)]
    graph = onnx_tables.table_graph(
        tuple(input_shape), params.func.inputs[0].dtype.name, order, spec,
        input=params.input_names[0], output=params.output_names[0], prefix=onnx_helper.get_func_name(),
    )
    return tuple(graph.onnx_nodes())


def _per_axis(value, count: int):
    if np.ndim(value) == 0:
        return [value] * count
    return list(value)


def convert_resize(params):
    """onnx_chainer converter of ``ResizeFunction``: one ``Resize`` node with ``spec.to_onnx()``."""
    func = params.func
    return resize_nodes(params, func.spec, func.inputs[0].shape, func.size, func.scale_factor, func.roi)


def convert_resize_images(params):
    """onnx_chainer converter of ``chainer.functions.resize_images`` with Chainer's semantics (the
    ``chainer``, ``chainer_half_pixel`` and ``chainer_nearest`` presets)."""
    func = params.func
    spec = PRESETS[chainer_preset(func.mode, func.align_corners)].spec
    return resize_nodes(params, spec, func.inputs[0].shape, size=(func.out_H, func.out_W))


#: ``external_converters`` for ``onnx_chainer.export``: our resize, and ``F.resize_images`` fixed.
CONVERTERS = {"ConsistentResize": convert_resize, "ResizeImages": convert_resize_images}


#: The table-graph policy of the export in progress (``export``'s ``table_graphs``).
_TABLE_GRAPHS = ["mismatch", "onnxruntime"]  # and the target runtime


def export(model, args, filename=None, *, opset_version: int = OPSET, external_converters=None,
           table_graphs: str = "mismatch", runtime: str = "onnxruntime", **kwargs):
    """``onnx_chainer.export`` with ``CONVERTERS`` (``F.resize_images`` exported as Chainer computes it)
    and opset 19 by default; other keywords are passed on.

    ``table_graphs``: when a resize is written as a table graph (Gather/Mul/Add with constant tables)
    instead of one ``Resize`` node: ``"mismatch"`` (a spec no node expresses, and where onnxruntime would
    compute the node otherwise for these sizes), ``"strict"`` (only a spec no node expresses; a ValueError
    with the reason where a node would compute otherwise), ``"always"``. ``runtime``: the runtime the model is
    for, whose measured rules decide (``"onnxruntime"``, ``"openvino"`` at f32 precision, ``"tract"``;
    ``consistent_resize_tools.runtimes``).

    Example:
        >>> import chainer, chainer.functions as F
        >>> model = chainer.Sequential(lambda x: F.resize_images(x, (4, 4)))
        >>> graph = export(model, np.zeros((1, 1, 2, 2), np.float32))
        >>> [node.op_type for node in graph.graph.node]
        ['Constant', 'Resize']
    """
    converters = dict(CONVERTERS, **(external_converters or {}))
    chainer = import_chainer()
    quiet = chainer.disable_experimental_feature_warning
    chainer.disable_experimental_feature_warning = True
    export_rules(runtime)  # a ValueError naming the runtimes
    previous = list(_TABLE_GRAPHS)
    _TABLE_GRAPHS[:] = [onnx_tables.check_policy(table_graphs), runtime]
    try:
        return _export(model, args, filename, opset_version, converters, kwargs)
    finally:
        chainer.disable_experimental_feature_warning = quiet
        _TABLE_GRAPHS[:] = previous


def _export(model, args, filename, opset_version, converters, kwargs):
    with warnings.catch_warnings():
        # onnx_chainer warns that it was tested with opsets 7-11 and that external converters are
        # experimental; neither applies to these converters, which the tests run through onnxruntime.
        warnings.filterwarnings("ignore", message=".*opset_version.*", category=UserWarning)
        # and it calls onnx helpers that onnx deprecated (``mapping.NP_TYPE_TO_TENSOR_TYPE``): not the user's code
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="onnx")
        return onnx_chainer.export(model, args, filename, opset_version=opset_version,
                                   external_converters=converters, **kwargs)


# Register our node's converter, so plain ``onnx_chainer.export`` handles it too. ``mapping.converters``
# is the table ``onnx_chainer.export`` reads; ``ResizeImages`` keeps onnx_chainer's own converter unless
# ``CONVERTERS`` is passed.
mapping.converters["ConsistentResize"] = convert_resize
