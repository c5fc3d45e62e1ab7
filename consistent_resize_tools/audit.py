"""``consistent-resize audit``: list the ``Resize``/``Upsample`` nodes of an ONNX model and say which
preset each one is.

Each node's attributes are completed with the defaults of its operator version (taken from the installed
``onnx`` package's schemas) and turned into a ``ResizeSpec``:

- ``Upsample`` (opset 7, 9) and ``Resize`` opset 10 have no coordinate attributes; their semantics are
  ``coordinate_transformation_mode="asymmetric"``, and ``nearest`` rounds with ``floor``.
- ``Resize`` opset 11+: the attributes are the spec (``axes`` is not part of it).

Attributes that the node's ``mode`` does not use (``nearest_mode`` outside nearest, ``cubic_coeff_a``
outside cubic, ``exclude_outside`` in nearest, ``extrapolation_value`` outside ``tf_crop_and_resize``) are
set to their defaults before comparing (``semantic_spec``), so a node matches a preset whenever they
compute the same thing.

``pytorch_half_pixel`` differs from ``half_pixel`` only where an output length is 1; when the node's
output lengths are known constants (``sizes``, or ``scales`` and a known input shape) and all > 1, the
node is compared as ``half_pixel``.

``onnx`` is imported inside the functions: the core keeps depending on NumPy alone.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Optional

import numpy as np

from consistent_resize.presets import presets_equal_to
from consistent_resize.spec import ONNX_ATTRIBUTES, ResizeSpec


class AuditError(Exception):
    """The model cannot be read or audited (the CLI prints it on one line and exits with status 2)."""


@dataclasses.dataclass
class NodeReport:
    name: str
    op_type: str
    opset: int
    attributes: Dict[str, Any]  # every attribute of the operator version, defaults filled
    scales: Optional[List[float]]  # constant scales, if any
    sizes: Optional[List[int]]  # constant sizes, if any
    output_shape: Optional[List[Optional[int]]]  # from onnx shape inference, if it knows it
    spec: Optional[ResizeSpec]  # None if the attributes are not a valid spec
    presets: List[str]
    note: Optional[str] = None  # how the spec was read (Upsample semantics, pytorch_half_pixel, ...)
    flag: Optional[str] = None  # why the node differs from --expect (None: not flagged)
    runtime_flag: Optional[str] = None  # why --runtime would not compute the node's spec (None: it would)
    input_shape: Optional[List[Optional[int]]] = None  # the shape of the node's input, where known
    measured: Optional[float] = None  # --run: max |runtime - reference| of this node


def semantic_spec(spec: ResizeSpec) -> ResizeSpec:
    """``spec`` with the attributes its mode does not use set to ONNX's defaults.

    Example:
        >>> s = ResizeSpec(mode="linear", nearest_mode="floor", cubic_coeff_a=-0.5)
        >>> semantic_spec(s) == ResizeSpec(mode="linear")
        True
    """
    default = ResizeSpec()
    changes: Dict[str, Any] = {}
    if spec.mode != "nearest":
        changes["nearest_mode"] = default.nearest_mode
    if spec.mode != "cubic":
        changes["cubic_coeff_a"] = default.cubic_coeff_a
    if spec.mode == "nearest":
        changes["exclude_outside"] = default.exclude_outside
    if spec.coordinate_transformation_mode != "tf_crop_and_resize":
        changes["extrapolation_value"] = default.extrapolation_value
    return spec.replace(**changes)


def _load(path: str):
    import onnx

    try:
        model = onnx.load(path)
    except FileNotFoundError:
        raise AuditError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise AuditError(f"{path} is a directory, not an ONNX model") from None
    except Exception as error:  # protobuf DecodeError and friends: the file is not a model
        raise AuditError(f"cannot read {path} as an ONNX model ({type(error).__name__}: {error})") from None
    if not model.graph.node and not model.opset_import:
        raise AuditError(f"cannot read {path} as an ONNX model (no graph and no opset)")
    return model


def _infer_shapes(model):
    """The model with the shapes onnx's shape inference (with data propagation) can find; the model
    unchanged if inference fails (shapes are then reported as unknown)."""
    import onnx

    try:
        return onnx.shape_inference.infer_shapes(model, data_prop=True)
    except Exception:  # inference is optional information: the audit itself does not need it
        return model


def _opset(model) -> int:
    for entry in model.opset_import:
        if entry.domain in ("", "ai.onnx"):
            return int(entry.version)
    raise AuditError("the model imports no version of the default ONNX domain")


def _constants(graph) -> Dict[str, np.ndarray]:
    from onnx import numpy_helper

    values = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant" and node.output:
            for attribute in node.attribute:
                if attribute.name == "value":
                    values[node.output[0]] = numpy_helper.to_array(attribute.t)
    return values


def _input_shapes(graph) -> Dict[str, List[Optional[int]]]:
    shapes = {}
    for info in list(graph.input) + list(graph.value_info) + list(graph.output):
        tensor = info.type.tensor_type
        if tensor.HasField("shape"):
            shapes[info.name] = [d.dim_value if d.HasField("dim_value") else None for d in tensor.shape.dim]
    return shapes


def _attributes(node, opset: int) -> Dict[str, Any]:
    import onnx
    from onnx import helper

    try:
        schema = onnx.defs.get_schema(node.op_type, opset)
    except Exception as error:
        raise AuditError(f"node {node.name!r}: no schema for {node.op_type} at opset {opset} ({error})") from None
    values: Dict[str, Any] = {}
    for name, attribute in sorted(schema.attributes.items()):
        values[name] = helper.get_attribute_value(attribute.default_value) if attribute.default_value.name else None
    for attribute in node.attribute:
        values[attribute.name] = helper.get_attribute_value(attribute)
    return {k: (v.decode() if isinstance(v, bytes) else list(v) if isinstance(v, (list, tuple)) else v)
            for k, v in values.items()}


def _spec_of(op_type: str, opset: int, attributes: Dict[str, Any]):
    """``(spec, note)`` for one node."""
    if op_type == "Upsample" or opset < 11:
        mode = {"bilinear": "linear"}.get(attributes.get("mode", "nearest"), attributes.get("mode", "nearest"))
        spec = ResizeSpec(mode=mode, coordinate_transformation_mode="asymmetric", nearest_mode="floor")
        return spec, f"{op_type}-{opset} semantics: asymmetric coordinates" + (", floor rounding" if mode == "nearest" else "")
    fields = {k: v for k, v in attributes.items() if k in ONNX_ATTRIBUTES and v is not None}
    return ResizeSpec.from_onnx(fields), None


def _output_lengths(node, attributes, constants, shapes, scales, sizes) -> Optional[List[int]]:
    """The output lengths of the axes the node resizes, when known (else None).

    An axis of length 1 that stays 1 computes the same under every coordinate mode, so axes whose length
    does not change are left out when the input shape is known.
    """
    source = shapes.get(node.input[0]) if node.input else None
    inferred = shapes.get(node.output[0]) if node.output else None
    axes = attributes.get("axes")
    if sizes is not None:
        lengths = [int(s) for s in sizes]
    elif inferred is not None and all(n is not None for n in inferred):
        lengths, axes = list(inferred), None
    elif scales is not None and source is not None:
        axes_ = axes or list(range(len(source)))
        if len(axes_) != len(scales) or any(source[a] is None for a in axes_):
            return None
        lengths = [int(np.floor(source[a] * s)) for a, s in zip(axes_, scales)]
    else:
        return None
    if source is None:
        return lengths
    in_lengths = [source[a] for a in axes] if axes else source
    if len(in_lengths) != len(lengths):
        return lengths
    return [o for i, o in zip(in_lengths, lengths) if i != o]


def parse_expect(expect: Optional[str]) -> tuple:
    """``--expect`` as ``(presets every node may equal, {node name: preset})``: comma-separated preset names
    (a node passes when it equals one of them) and ``NODE=PRESET`` entries for single nodes.

    Example:
        >>> parse_expect("pytorch_nearest,pytorch_bilinear,up1=opencv_linear")
        (['pytorch_nearest', 'pytorch_bilinear'], {'up1': 'opencv_linear'})
    """
    if expect is None:
        return [], {}
    common, per_node = [], {}
    for item in (part.strip() for part in expect.split(",")):
        if not item:
            raise ValueError(f"--expect {expect!r} has an empty entry; give PRESET[,PRESET...][,NODE=PRESET...]")
        if "=" in item:
            node, preset = (x.strip() for x in item.split("=", 1))
            per_node[node] = preset
        else:
            common.append(item)
    return common, per_node


def _expected_spec(name: str) -> ResizeSpec:
    from consistent_resize.presets import preset_spec

    return semantic_spec(preset_spec(name)).replace(coordinate_arithmetic="float64_divide")


def audit_model(path: str, expect: Optional[str] = None, runtime: Optional[str] = None,
                input_shapes: Optional[Dict[str, List[int]]] = None, run: bool = False) -> List[NodeReport]:
    """Every ``Resize``/``Upsample`` node of the model at ``path`` (subgraphs included), with the presets
    it equals, and with ``flag`` set where the node's semantics differ from ``expect`` (see
    ``parse_expect``), and ``runtime_flag`` where the runtime ``runtime`` (one of
    ``consistent_resize_tools.runtimes.RUNTIMES``) would not compute the node's spec for the model's shapes.

    Args:
        input_shapes: shapes of graph inputs whose dimensions the model leaves open (``--input-shape``).
        run: also run each node on the installed ``runtime`` (``measure_node``; ``measured``, or a note).

    Raises:
        AuditError: the file is missing or not an ONNX model.
        ValueError: ``expect`` names no preset, or ``runtime`` no runtime (with the closest names).
    """
    common, per_node = parse_expect(expect)
    expected = {name: _expected_spec(name) for name in common + list(per_node.values())}
    rules = None
    if runtime is not None:
        from consistent_resize_tools.runtimes import rules as runtime_rules

        rules = runtime_rules(runtime)
    raw = _load(path)
    if input_shapes:
        raw = _with_input_shapes(raw, input_shapes)
    declared = _input_shapes(raw.graph)  # as the graph declares them, before inference fills them in
    model = _infer_shapes(raw)
    opset = _opset(model)
    reports = []
    for graph in _graphs(model.graph):
        constants = _constants(graph)
        shapes = _input_shapes(graph)
        for index, node in enumerate(graph.node):
            if node.op_type not in ("Resize", "Upsample") or node.domain not in ("", "ai.onnx"):
                continue
            report = _report(node, index, opset, constants, shapes, None, None)
            if expect is not None:
                names = [per_node[report.name]] if report.name in per_node else common
                report.flag = _expect_flag(report, names, expected, node, attributes=report.attributes,
                                           constants=constants, shapes=shapes)
            if rules is not None:
                report.input_shape = shapes.get(node.input[0]) if node.input else None
                roi = _constant_input(node, 1, constants) if node.op_type == "Resize" and opset >= 11 else None
                report.runtime_flag = runtime_flag(report, rules, node, declared.get(node.output[0]),
                                                   None if roi is None else roi.astype(float).tolist())
                shape = report.input_shape
                if run and report.spec is not None and shape is not None and all(n is not None for n in shape):
                    try:
                        report.measured = measure_node(model, node, shape, runtime, report.spec)
                    except (AuditError, ValueError) as error:
                        report.note = ((report.note + "; ") if report.note else "") + f"--run: {error}"
            reports.append(report)
    return reports


def _with_input_shapes(model, input_shapes: Dict[str, List[int]]):
    """The model with the named graph inputs given these static shapes (``--input-shape``)."""
    names = [i.name for i in model.graph.input]
    for name, shape in input_shapes.items():
        if name not in names:
            raise AuditError(f"--input-shape names {name!r}, not an input of the model; its inputs: {names}")
        info = model.graph.input[names.index(name)]
        dims = info.type.tensor_type.shape.dim
        if len(dims) not in (0, len(shape)):
            raise AuditError(f"--input-shape {name}: {len(shape)} dimensions given, the input has {len(dims)}")
        del dims[:]
        for n in shape:
            dims.add().dim_value = int(n)
    return model


def _expect_flag(report, names, expected, node, attributes, constants, shapes) -> Optional[str]:
    if report.spec is None:
        return report.note
    compared = semantic_spec(report.spec)
    if compared.coordinate_transformation_mode == "pytorch_half_pixel" and report.note and "= half_pixel" in report.note:
        compared = compared.replace(coordinate_transformation_mode="half_pixel")
    got = compared.replace(coordinate_arithmetic="float64_divide")
    if any(got == expected[name] for name in names):
        return None
    if len(names) == 1:
        return f"differs from preset {names[0]!r}: " + _difference(got, expected[names[0]])
    return f"equals none of the presets {', '.join(map(repr, names))}"


def runtime_flag(report: NodeReport, rules, node, declared_shape, roi=None) -> Optional[str]:
    """Why ``rules``' runtime would not compute the node's spec for its shapes (None: it would)."""
    from consistent_resize.arguments import plan_axes

    if report.spec is None:
        return report.note
    shape = report.input_shape
    if shape is None or any(n is None for n in shape):
        return ("the input shape is not static: give it with --input-shape NAME=1x3x72x80 "
                "(nothing can be said of a runtime for unknown sizes)")
    amounts = report.sizes if report.sizes is not None else report.scales
    if amounts is None:
        return "scales/sizes are computed in the graph: the runtime check needs them constant"
    axes = report.attributes.get("axes") or list(range(len(shape)))
    axes = [a % len(shape) for a in axes]
    in_sizes = [shape[a] for a in axes]
    if report.spec.coordinate_transformation_mode != "tf_crop_and_resize":
        roi = None
    try:
        if report.sizes is not None:
            plans = plan_axes(in_sizes, report.sizes, None, report.spec, roi)
        else:
            plans = plan_axes(in_sizes, None, report.scales, report.spec, roi)
    except ValueError as error:
        return f"the node's sizes are not valid for input {shape}: {error}"
    if report.scales is not None and report.sizes is None and declared_shape is not None:
        f32 = np.float32
        lengths = list(shape)
        for a, p in zip(axes, plans):
            lengths[a] = int(np.floor(f32(p.in_size) * f32(p.scale)))
        spec_lengths = list(shape)
        for a, p in zip(axes, plans):
            spec_lengths[a] = p.out_size
        if any(d is not None and d != n for d, n in zip(declared_shape, spec_lengths)):
            return (f"the graph declares output shape {declared_shape}, but scales {report.scales} give "
                    f"{spec_lengths} (floor(in * scale), as ONNX shape inference computes; onnxruntime refuses to "
                    f"load such a model: 'Inferred ... Declared'); {rules.NAME} computes {lengths}; give sizes")
        if any(d is not None and d != n for d, n in zip(declared_shape, lengths)):
            return (f"the graph declares output shape {declared_shape}, but {rules.NAME} computes {lengths} from "
                    f"scales {report.scales} in float32 (the spec: {spec_lengths}); give sizes instead of scales")
    return rules.mismatch(report.spec, plans, requested=report.sizes)


def measure_node(model, node, input_shape, runtime: str, spec: ResizeSpec, seed: int = 0) -> float:
    """``--run``: the node alone (its constant inputs kept) run by the installed ``runtime`` on a random float32
    input of ``input_shape`` in [0, 1), against ``consistent_resize.resize`` of ``spec``: max |difference|
    (inf where the output shapes differ).

    Raises:
        AuditError: the runtime is not installed, or it refuses the node (its reason).
    """
    from onnx import TensorProto, helper

    from consistent_resize.reference import resize
    from consistent_resize_tools.runtime_matrix import RUNNERS, refusal_line

    if runtime not in RUNNERS:
        raise AuditError(f"--run: no runner for {runtime!r}")
    graph = model.graph
    wanted = set(node.input[1:])
    inits = [t for t in graph.initializer if t.name in wanted]
    consts = [n for n in graph.node if n.op_type == "Constant" and n.output and n.output[0] in wanted]
    renamed = helper.make_node(node.op_type, ["X"] + list(node.input[1:]), ["Y"], name=node.name or "resize",
                               **{a.name: helper.get_attribute_value(a) for a in node.attribute})
    single = helper.make_graph(consts + [renamed], "node",
                               [helper.make_tensor_value_info("X", TensorProto.FLOAT, list(input_shape))],
                               [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)], initializer=inits)
    m = helper.make_model(single, opset_imports=list(model.opset_import))
    m.ir_version = min(model.ir_version or 9, 9)
    x = np.random.default_rng(seed).random(tuple(input_shape), dtype=np.float32)
    try:
        got = np.asarray(RUNNERS[runtime][1](m.SerializeToString(), x), dtype=np.float64)
    except ImportError as error:
        raise AuditError(f"--run needs {runtime} installed ({error})") from None
    except Exception as error:  # the runtime's refusal
        raise AuditError(f"{runtime} refuses the node: {refusal_line(error)}") from None
    report_sizes = _constant_input(node, 3, _constants(graph)) if node.op_type == "Resize" else None
    report_scales = _constant_input(node, 2 if node.op_type == "Resize" else 1, _constants(graph))
    roi = _constant_input(node, 1, _constants(graph)) if node.op_type == "Resize" else None
    axes = [a for a in (next((list(a.ints) for a in node.attribute if a.name == "axes"), None) or [])] or None
    roi = None if roi is None or spec.coordinate_transformation_mode != "tf_crop_and_resize" else roi.tolist()
    if report_sizes is not None:
        want = resize(x.astype(np.float64), report_sizes.astype(int).tolist(), spec=spec, axes=axes, roi=roi)
    else:
        want = resize(x.astype(np.float64), scale_factor=report_scales.astype(float).tolist(), spec=spec, axes=axes,
                      roi=roi)
    if got.shape != want.shape:
        return float("inf")
    return float(np.abs(got - want).max(initial=0.0))


def version_note(runtime: str) -> str:
    """What was measured for the installed version of ``runtime``."""
    from consistent_resize_tools.runtimes import rules
    from consistent_resize_tools.runtime_matrix import RUNNERS, _version

    module = rules(runtime)
    low, high = module.MEASURED
    installed = _version(RUNNERS[runtime][0]) if runtime in RUNNERS else None
    measured = f"rules measured on {runtime} {low}" + ("" if low == high else f" .. {high}")
    if installed is None:
        return f"{measured}; {runtime} is not installed here (the rules still apply to those versions)"
    key = lambda v: tuple(int(x) for x in v.split(".")[:3] if x.isdigit())  # noqa: E731
    if not key(low) <= key(installed) <= key(high):
        return f"nothing was measured for {runtime} {installed} ({measured}): the verdicts below may not hold"
    return f"{measured}; installed: {installed}"


def _graphs(graph):
    yield graph
    from onnx import AttributeProto

    for node in graph.node:
        for attribute in node.attribute:
            if attribute.type == AttributeProto.GRAPH:
                yield from _graphs(attribute.g)
            elif attribute.type == AttributeProto.GRAPHS:
                for g in attribute.graphs:
                    yield from _graphs(g)


def _constant_input(node, position: int, constants) -> Optional[np.ndarray]:
    if len(node.input) <= position or not node.input[position]:
        return None
    value = constants.get(node.input[position])
    if value is None or value.size == 0:
        return None
    return value


def _report(node, index, opset, constants, shapes, expected, expect) -> NodeReport:
    attributes = _attributes(node, opset)
    if node.op_type == "Upsample" and opset < 9:
        scales = attributes.get("scales")
        sizes = None
    elif node.op_type == "Upsample" or opset < 11:
        value = _constant_input(node, 1, constants)
        scales, sizes = (None if value is None else value.astype(float).tolist()), None
    else:
        value = _constant_input(node, 2, constants)
        scales = None if value is None else value.astype(float).tolist()
        value = _constant_input(node, 3, constants)
        sizes = None if value is None else value.astype(int).tolist()
    name = node.name or f"<unnamed {node.op_type} #{index}>"
    output_shape = shapes.get(node.output[0]) if node.output else None
    report = NodeReport(name, node.op_type, opset, attributes, scales, sizes, output_shape, None, [])
    try:
        spec, report.note = _spec_of(node.op_type, opset, attributes)
    except (ValueError, TypeError) as error:
        report.note = f"not a valid resize spec: {error}"
        if expected is not None:
            report.flag = report.note
        return report
    compared = semantic_spec(spec)
    if compared.coordinate_transformation_mode == "pytorch_half_pixel":
        lengths = _output_lengths(node, attributes, constants, shapes, scales, sizes)
        if lengths is not None and all(n > 1 for n in lengths):
            compared = compared.replace(coordinate_transformation_mode="half_pixel")
            report.note = "pytorch_half_pixel = half_pixel here: every resized output length is > 1"
        else:
            report.note = "pytorch_half_pixel differs from half_pixel where an output length is 1"
    report.spec = spec
    report.presets = presets_equal_to(compared, ignore_arithmetic=True)
    if expected is not None:
        got = compared.replace(coordinate_arithmetic="float64_divide")
        if got != expected:
            report.flag = f"differs from preset {expect!r}: " + _difference(got, expected)
    return report


def _difference(got: ResizeSpec, expected: ResizeSpec) -> str:
    parts = []
    for field in dataclasses.fields(ResizeSpec):
        a, b = getattr(got, field.name), getattr(expected, field.name)
        if a != b:
            parts.append(f"{field.name}={a!r} (expected {b!r})")
    return ", ".join(parts)


@dataclasses.dataclass
class TableResize:
    """A resize written as a table graph (``consistent_resize.onnx_tables``: per resized axis, ``Gather`` of
    the input along the axis by constant int64 indices, ``Mul`` by constant weights, a chain of ``Add``),
    recognised by that structure."""

    name: str  # the first Gather's name
    input: str
    axis: int
    in_size: Optional[int]
    out_size: int
    taps: int
    presets: List[str]  # presets whose table for in_size -> out_size is this one (float32 weights)


def find_table_resizes(model) -> List[TableResize]:
    """The table-graph resizes of the main graph: groups of >= 2 ``Gather`` nodes on one value and axis with
    constant 1-D int64 indices of one length, each ``Mul``-ed by a constant, summed by ``Add`` (one tap of
    weight 1, a nearest table, is a lone Gather: counted only where its name says ``resize``)."""
    from consistent_resize.presets import PRESETS, preset_spec
    from consistent_resize.tables import axis_table

    graph = model.graph
    constants = _constants(graph)
    shapes = _input_shapes(_infer_shapes(model).graph)
    consumers: Dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    groups: Dict[tuple, list] = {}
    for node in graph.node:
        if node.op_type != "Gather" or len(node.input) < 2 or node.input[0] in constants:
            continue
        index = constants.get(node.input[1])
        if index is None or index.ndim != 1 or index.dtype.kind not in "iu":
            continue
        axis = next((a.i for a in node.attribute if a.name == "axis"), 0)
        groups.setdefault((node.input[0], axis, index.size), []).append((node, index))
    found = []
    for (source, axis, out_size), taps in groups.items():
        weights = []
        for node, _ in taps:
            muls = [c for c in consumers.get(node.output[0], []) if c.op_type == "Mul"]
            w = next((constants[i] for m in muls for i in m.input if i in constants), None)
            weights.append(None if w is None else np.asarray(w, np.float64).reshape(-1)[:out_size])
        if len(taps) == 1 and weights[0] is None:
            if "resize" not in (taps[0][0].name or "").lower():
                continue
            weights = [np.ones(out_size)]
        if any(w is None or w.size != out_size for w in weights):
            continue
        shape = shapes.get(source)
        in_size = shape[axis] if shape is not None and axis < len(shape) else None
        presets = []
        if in_size is not None:
            matrix = np.zeros((out_size, in_size))
            for (_, index), w in zip(taps, weights):
                np.add.at(matrix, (np.arange(out_size), np.clip(index, 0, in_size - 1)), w)
            for name in PRESETS:
                try:
                    theirs = axis_table(in_size, out_size, preset_spec(name)).matrix()
                except ValueError:
                    continue
                if np.abs(theirs - matrix).max(initial=0.0) <= 1e-6:
                    presets.append(name)
        found.append(TableResize(taps[0][0].name, source, axis, in_size, out_size, len(taps), presets))
    return found


def table_flag(runtime: str) -> Optional[str]:
    """Why ``runtime`` would not compute a table graph as its tables say (None: it would)."""
    if runtime == "openvino-default":
        return _default_precision_flag()
    return None


def _default_precision_flag() -> Optional[str]:
    from consistent_resize_tools.runtimes.openvino import default_precision

    precision = default_precision()
    if precision == "f32":
        return None
    return (f"OpenVINO's default configuration computes in {precision or 'the machine precision'} here: compile "
            "with INFERENCE_PRECISION_HINT='f32'")


def format_reports(path: str, reports: List[NodeReport], expect: Optional[str],
                   runtime: Optional[str] = None, tables: Optional[List[TableResize]] = None) -> str:
    """The text ``audit`` prints."""
    lines = []
    if runtime is not None:
        lines.append(f"runtime {runtime}: {version_note(runtime)}")
    for t in tables or []:
        lines.append(f"table-graph resize at {t.name!r}: {t.input} axis {t.axis}, {t.in_size} -> {t.out_size}, "
                     f"{t.taps} tap(s); equals presets: {', '.join(t.presets) if t.presets else 'none'}")
        if runtime is not None:
            lines.append(f"  {runtime.upper()}: {table_flag(runtime)}" if table_flag(runtime)
                         else f"  {runtime}: Gather/Mul/Add in float32 compute the table")
    if not reports:
        lines.append(f"{path}: no Resize or Upsample node" + (" (table-graph resizes above)" if tables else ""))
    for r in reports:
        lines.append(f"{r.op_type} node {r.name!r} (opset {r.opset})")
        for key, value in r.attributes.items():
            lines.append(f"  {key} = {value!r}")
        if r.scales is not None:
            lines.append(f"  scales = {r.scales}")
        if r.sizes is not None:
            lines.append(f"  sizes = {r.sizes}")
        if r.scales is None and r.sizes is None:
            lines.append("  scales/sizes: not constant (computed in the graph)")
        if r.output_shape is not None:
            lines.append(f"  output shape (shape inference): {r.output_shape}")
        if r.note:
            lines.append(f"  note: {r.note}")
        if r.spec is not None:
            lines.append(f"  spec: {r.spec.describe()}")
        lines.append(f"  equals presets: {', '.join(r.presets) if r.presets else 'none'}")
        if expect is not None:
            lines.append(f"  FLAGGED: {r.flag}" if r.flag else f"  ok: same semantics as {expect!r}")
        if runtime is not None:
            lines.append(f"  {runtime.upper()}: {r.runtime_flag}" if r.runtime_flag
                         else f"  {runtime}: computes the spec for input {r.input_shape}")
            if r.measured is not None and np.isinf(r.measured):
                lines.append(f"  --run: {runtime} gives another output shape than the spec")
            elif r.measured is not None:
                lines.append(f"  --run: max |{runtime} - reference| = {r.measured:.3g} (random input in [0, 1))")
    flagged = sum(r.flag is not None for r in reports)
    if expect is not None:
        lines.append(f"{flagged} of {len(reports)} resize node(s) flagged against --expect {expect}")
    if runtime is not None:
        wrong = sum(r.runtime_flag is not None for r in reports)
        lines.append(f"{wrong} of {len(reports)} resize node(s) not computed as their spec by {runtime}")
    return "\n".join(lines)


def to_json(path: str, reports: List[NodeReport], expect: Optional[str]) -> dict:
    return {
        "model": path,
        "expect": expect,
        "nodes": [
            {
                "name": r.name,
                "op_type": r.op_type,
                "opset": r.opset,
                "attributes": r.attributes,
                "scales": r.scales,
                "sizes": r.sizes,
                "output_shape": r.output_shape,
                "spec": None if r.spec is None else dataclasses.asdict(r.spec),
                "presets": r.presets,
                "note": r.note,
                "flag": r.flag,
                "runtime_flag": r.runtime_flag,
                "input_shape": r.input_shape,
                "measured": r.measured,
            }
            for r in reports
        ],
        "flagged": sum(r.flag is not None for r in reports),
        "runtime_flagged": sum(r.runtime_flag is not None for r in reports),
    }


__all__ = ["AuditError", "NodeReport", "TableResize", "audit_model", "find_table_resizes", "measure_node",
           "table_flag", "format_reports", "parse_expect", "runtime_flag",
           "semantic_spec", "to_json", "version_note"]
