"""``consistent-resize fix MODEL -o OUT --runtime NAME``: rewrite every ``Resize``/``Upsample`` node that the
runtime ``NAME`` would compute otherwise than its spec into an equivalent that it computes as the spec.

For each node of the main graph (static input shape: from the model, or ``--input-shape``):

1. the *target*: the node's own spec and output lengths; with ``source="onnx_chainer"`` Chainer's semantics
   instead: ``onnx_chainer`` writes ``F.resize_images`` as ``Resize``/``Upsample`` with ``half_pixel`` (or
   asymmetric) and float32 ``scales = out / in``, where Chainer computes ``align_corners`` (preset
   ``chainer``; nearest: ``chainer_nearest``) at the integer output lengths ``round(in * scale)``;
2. kept where the runtime's rules (``consistent_resize_tools.runtimes``) say the node computes the target already;
3. else another attribute set: a ``Resize`` (opset >= 13) with the target's attributes, the runtime's
   ``normalised`` form, and constant ``sizes`` (opset >= 11; no ``scales``: their float32 product is what the runtimes
   get wrong), where the rules pass it and its tables equal the target's;
4. else the exact table graph (``consistent_resize.onnx_tables``: ``Gather``/``Mul``/``Add`` with constant
   tables for these sizes), which every runtime here computes in float32 as the spec.

Dynamic shapes: a node whose input shape is not static is left as it is and reported ("give
--input-shape"): its tables cannot be constants, and no attribute set is right for every size. OpenVINO's
default configuration on a bf16 machine cannot be fixed in the model (every node runs in bfloat16): ``fix``
says to compile with ``INFERENCE_PRECISION_HINT=f32``. Every other node and initializer stays as it was.

``fix`` makes a node compute *its ONNX spec*. Where the tool that wrote it meant something else, say so with
``source``: measured, ``torch.onnx.export`` of ``F.interpolate(x, scale_factor=10/3)`` on 9 rows writes float32
scales whose ONNX spec gives ``floor(9 * 3.3333333) = 29`` rows, while PyTorch and every runtime here give 30;
``fix`` without a source turns that node into the spec's 29 rows (there is no ``source="torch"`` yet).
Nodes whose ``sizes`` are computed in the graph (``torch.onnx.export`` with ``size=``: Shape/Slice/Concat)
are left as they are (not constant).
"""

from __future__ import annotations

import contextlib
from typing import Dict, List, Optional

import numpy as np

from consistent_resize.arguments import AxisPlan, plan_axes
from consistent_resize.spec import ResizeSpec
from consistent_resize.tables import axis_table

from . import audit

SOURCES = ("onnx_chainer",)


def _target(report: audit.NodeReport, shape: List[int], axes: List[int], source: Optional[str], roi=None):
    """``(spec, output lengths of the resized axes, plans)`` the node must compute."""
    in_sizes = [shape[a] for a in axes]
    if source == "onnx_chainer":
        from consistent_resize.presets import preset_spec

        spec = preset_spec("chainer_nearest" if report.spec.mode == "nearest" else "chainer")
        if report.sizes is not None:
            lengths = [int(n) for n in report.sizes]
        else:
            lengths = [int(round(i * float(s))) for i, s in zip(in_sizes, report.scales)]
        return spec, plan_axes(in_sizes, lengths, None, spec)
    if report.spec.coordinate_transformation_mode != "tf_crop_and_resize":
        roi = None
    if report.sizes is not None:
        return report.spec, plan_axes(in_sizes, report.sizes, None, report.spec, roi)
    return report.spec, plan_axes(in_sizes, None, report.scales, report.spec, roi)


def _same_tables(a: ResizeSpec, plans_a, b: ResizeSpec, plans_b) -> bool:
    for p, q in zip(plans_a, plans_b):
        try:
            if not np.array_equal(axis_table(p.in_size, p.out_size, a, p.scale, p.roi).matrix(),
                                  axis_table(q.in_size, q.out_size, b, q.scale, q.roi).matrix()):
                return False
        except ValueError:
            return False
    return True


def _sizes_node(node, spec: ResizeSpec, shape, axes, plans, opset: int):
    """A ``Resize`` node (and its ``sizes`` initializer) for ``spec`` at the plans' output lengths."""
    from onnx import TensorProto, helper

    sizes = list(shape)
    for a, p in zip(axes, plans):
        sizes[a] = p.out_size
    name = f"{node.name or 'resize'}_sizes"
    inits = [helper.make_tensor(name, TensorProto.INT64, [len(sizes)], sizes)]
    roi = scales = ""
    if opset < 13:  # Resize-11 needs roi and scales inputs: empty tensors
        roi, scales = f"{name}_no_roi", f"{name}_no_scales"
        inits += [helper.make_tensor(roi, TensorProto.FLOAT, [0], []),
                  helper.make_tensor(scales, TensorProto.FLOAT, [0], [])]
    attributes = {k: v for k, v in spec.to_onnx().items()
                  if not (k == "antialias" and opset < 18) and not (k == "keep_aspect_ratio_policy" and opset < 18)}
    new = helper.make_node("Resize", [node.input[0], roi, scales, name], list(node.output), name=node.name,
                           **attributes)
    return new, inits


def _table_nodes(node, spec: ResizeSpec, shape, axes, plans):
    from consistent_resize.onnx_tables import table_graph

    tables = [(a, axis_table(p.in_size, p.out_size, spec, p.scale, p.roi)) for a, p in zip(axes, plans)
              if not (p.in_size == p.out_size and np.array_equal(
                  axis_table(p.in_size, p.out_size, spec, p.scale, p.roi).matrix(), np.eye(p.in_size)))]
    if not tables:
        from onnx import helper

        return [helper.make_node("Identity", [node.input[0]], list(node.output), name=node.name)]
    graph = table_graph(shape, "float32", tables, spec, input=node.input[0], output=node.output[0],
                        prefix=f"{node.name or 'resize'}_table")
    return graph.onnx_nodes()


#: The ``doc_string`` of every node ``fix`` writes (a later pass, or a later ``fix``, leaves them alone).
MARK = "consistent-resize fix"


def fix_model(path: str, out: str, runtime: str, source: Optional[str] = None,
              input_shapes: Optional[Dict[str, List[int]]] = None) -> List[str]:
    """Rewrite the model at ``path`` for ``runtime`` into ``out``; returns what changed, one line per node.

    Passes repeat while a pass rewrites something: a node whose input shape shape inference could not find
    (it stops at a shape the graph declares wrongly, the 19-vs-20 case) gets it once the nodes before are fixed.

    Raises:
        audit.AuditError: unreadable model, or a runtime that no rewrite can fix (OpenVINO's bf16 default).
        ValueError: unknown ``runtime`` or ``source``.
    """
    import onnx

    model = audit._load(path)
    if input_shapes:
        model = audit._with_input_shapes(model, input_shapes)
    changes: List[str] = []
    while True:
        done, left = _fix_pass(model, runtime, source)
        changes += done
        if not done or not left:
            break
    changes += left
    onnx.save(model, out)
    return changes


def _fix_pass(model, runtime: str, source: Optional[str]):
    """One pass over the main graph's resize nodes: ``(changes, nodes left for want of static shapes)``."""
    from consistent_resize._names import check_choice
    from consistent_resize_tools.runtimes import rules as runtime_rules

    rules = runtime_rules(runtime)
    if source is not None:
        check_choice("source", source, SOURCES)
    if runtime == "openvino-default":
        from consistent_resize_tools.runtimes.openvino import default_precision

        precision = default_precision()
        if precision != "f32":
            raise audit.AuditError(
                f"OpenVINO's default configuration computes in {precision or 'the machine precision'} here: no "
                "model rewrite makes it compute float32; compile with INFERENCE_PRECISION_HINT='f32' and fix for "
                "--runtime openvino")
    inferred = audit._infer_shapes(model)
    opset = audit._opset(model)
    constants = audit._constants(model.graph)
    shapes = audit._input_shapes(inferred.graph)
    changes, nodes, left = [], [], []
    for index, node in enumerate(model.graph.node):
        if (node.op_type not in ("Resize", "Upsample") or node.domain not in ("", "ai.onnx")
                or node.doc_string.startswith(MARK)):
            nodes.append(node)
            continue
        report = audit._report(node, index, opset, constants, shapes, None, None)
        shape = shapes.get(node.input[0])
        if report.spec is None or shape is None or any(n is None for n in shape) or (
                report.sizes is None and report.scales is None):
            left.append(f"{report.name}: left as it is: the input shape or its scales/sizes are not static "
                        "(give --input-shape NAME=1x3x72x80)")
            nodes.append(node)
            continue
        axes = [a % len(shape) for a in (report.attributes.get("axes") or range(len(shape)))]
        roi = audit._constant_input(node, 1, constants) if node.op_type == "Resize" and opset >= 11 else None
        target, plans = _target(report, shape, axes, source, None if roi is None else roi.astype(float).tolist())
        if source is None:
            report.input_shape = shape
            why = audit.runtime_flag(report, rules, node, None, None if roi is None else roi.astype(float).tolist())
            if why is None:
                nodes.append(node)
                continue
        else:
            why = f"onnx_chainer wrote {report.spec.describe()}; Chainer computes {target.describe()}"
        sized = [AxisPlan(p.in_size, p.out_size, None, p.roi) for p in plans]
        candidate = rules.normalised(target, sized, scales_given=False)
        if (opset >= 11 and not target.beyond_onnx and target.coordinate_transformation_mode != "tf_crop_and_resize"
                and _same_tables(target, plans, candidate, sized)
                and rules.mismatch(candidate, sized, requested=[p.out_size for p in plans]) is None):
            new, inits = _sizes_node(node, candidate, shape, axes, sized, opset)
            new.doc_string = f"{MARK}: {target.describe()}"
            model.graph.initializer.extend(inits)
            nodes.append(new)
            changes.append(f"{report.name}: {why} -> Resize({candidate.describe()}) with sizes "
                           f"{[p.out_size for p in plans]}")
            continue
        try:
            written = _table_nodes(node, target, shape, axes, plans)
            for n in written:
                n.doc_string = f"{MARK}: {target.describe()}"
            nodes.extend(written)
        except ValueError as error:
            changes.append(f"{report.name}: left as it is: {error}")
            nodes.append(node)
            continue
        changes.append(f"{report.name}: {why} -> exact table graph (Gather/Mul/Add, constant tables for input "
                       f"{shape})")
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    _drop_stale_shapes(model, changes)
    return changes, left


def _drop_stale_shapes(model, changes) -> None:
    """Forget the value_info shapes (a rewrite may change what a node declares, the 19-vs-20 case); inputs
    and outputs of the graph keep theirs."""
    if changes:
        del model.graph.value_info[:]


@contextlib.contextmanager
def target_runtime(runtime: str, path: str, source: Optional[str] = None,
                   input_shapes: Optional[Dict[str, List[int]]] = None):
    """Make an export meant for ``runtime`` right there by construction: around any exporter that writes the
    ONNX model ``path`` (``torch.onnx.export``, ``consistent_resize_chainer.onnx.export``, ``onnx_chainer``),
    ``fix`` it in place for ``runtime`` when the block ends; the changes are the context's value
    (a list, filled at exit).

    Example::

        with target_runtime("openvino", "model.onnx") as changes:
            torch.onnx.export(model, (x,), "model.onnx")
    """
    from consistent_resize_tools.runtimes import rules

    rules(runtime)  # an unknown name fails before the export runs
    changes: List[str] = []
    yield changes
    changes.extend(fix_model(path, path, runtime, source, input_shapes))


def format_changes(path: str, out: str, runtime: str, changes: List[str]) -> str:
    lines = [f"{path} -> {out} for {runtime}:"]
    lines += [f"  {c}" for c in changes] or ["  nothing to change: every resize node computes its spec"]
    return "\n".join(lines)


__all__ = ["SOURCES", "fix_model", "format_changes", "target_runtime"]
