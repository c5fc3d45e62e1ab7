"""A resize as a small ONNX graph of standard operators with constant tables (the export of the specs that
no ONNX ``Resize`` node expresses: ``spec.beyond_onnx``).

Each resized axis ``a`` applies its ``AxisTable`` (``index`` int64 ``(out, K)``, ``weight`` ``(out, K)``) as

    y = x[idx_0] * w_0 + x[idx_1] * w_1 + ... + x[idx_{K-1}] * w_{K-1}      (summed left to right)

written as ``K`` ``Gather(x, idx_k, axis=a)`` (``idx_k``: int64 ``(out,)``), ``K`` ``Mul`` by ``w_k`` (shape
``(out, 1, ..., 1)``, broadcast over the axes after ``a``, in the compute dtype) and ``K - 1`` ``Add``. An
axis whose table is one tap of weight 1 (nearest, or an axis of length 1) is a single ``Gather``. The
padding taps of a row (weight 0) repeat an index the row already reads, so a NaN or Inf reaches only the
outputs that read it (no dense matrix multiplies zeros by it). The sum is a chain of ``Add``, not one
``ReduceSum`` over a gathered ``(..., out, K, ...)`` tensor: onnxruntime's ``ReduceSum`` adds in an order of
its own (measured up to 4 float32 ulps away from the left-to-right sum for K = 40), while the chain rounds
exactly as the framework layers' gather kernels (``x[idx_0] * w_0``, then ``+= x[idx_k] * w_k``) and the
TensorFlow layer (``consistent_resize_tf.apply``) do.

- The constants are in the compute dtype: the input's for float32 and float64; float16 and bfloat16 are
  cast to float32 first and the result back (as every framework layer computes them), so the weights are
  ``float32(weight)`` or ``float64(weight)``: the framework layers' own rounding of the core's table.
- ``tf_crop_and_resize``: ``Where(mask, extrapolation_value, y)`` at the end, ``mask`` the constant
  ``(out_1, ..., out_n)`` union of the axes' ``outside`` (broadcast over N and C).
- The tables are constants for the input's spatial sizes: the graph is valid for those sizes only; the
  batch and channel axes stay free.

Framework-free: ``table_graph`` returns a ``TableGraph`` (constants as NumPy arrays, nodes as plain
records with their output shape and dtype), which each exporter writes with its own graph builder
(``consistent_resize_torch._onnx``: TorchScript ``g.op`` or ``torch.onnx.ops.symbolic``;
``consistent_resize_chainer.onnx``: ``TableGraph.onnx_nodes``, which imports ``onnx`` only when called).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from typing import Any, Sequence

import numpy as np

from .spec import ResizeSpec
from .tables import AxisTable

#: Opset whose Gather, Mul, Add, Cast (bfloat16) and Where the graph uses (all unchanged since 13-16).
MIN_OPSET = 16
#: The dtype the arithmetic runs in, per input dtype.
COMPUTE_DTYPES = {"float16": "float32", "bfloat16": "float32", "float32": "float32", "float64": "float64"}
#: When an exporter writes a table graph instead of a ``Resize`` node: for specs beyond ONNX Resize and where
#: the node would not compute the spec on onnxruntime for the sizes at hand (the default); only for specs
#: beyond ONNX Resize, raising where a node would compute otherwise; for every resize.
TABLE_POLICIES = ("mismatch", "strict", "always")
#: ONNX ``TensorProto`` data type numbers of the dtypes used (``Cast``'s ``to``).
ONNX_DTYPES = {"float32": 1, "float16": 10, "float64": 11, "bfloat16": 16, "int64": 7, "bool": 9}


@dataclasses.dataclass(frozen=True)
class Node:
    """One ONNX node: ``op_type`` (default domain), input and output value names, attributes, and the
    output's shape (the input's entries for axes the graph does not resize, which may be symbolic) and
    dtype name."""

    op_type: str
    inputs: tuple[str, ...]
    output: str
    attributes: dict
    shape: tuple
    dtype: str


@dataclasses.dataclass(frozen=True, repr=False)
class TableGraph:
    """The resize as ONNX nodes: ``constants`` (name -> NumPy array, in order of first use) feed
    ``nodes`` (in topological order) from the value ``input`` to the value ``output``."""

    input: str
    output: str
    constants: dict
    nodes: tuple

    def onnx_nodes(self) -> list:
        """``onnx.NodeProto``s: one ``Constant`` per constant, then the nodes (``onnx.helper``)."""
        from onnx import helper, numpy_helper

        out = [helper.make_node("Constant", [], [name], name=name, value=numpy_helper.from_array(array, name))
               for name, array in self.constants.items()]
        out += [helper.make_node(n.op_type, list(n.inputs), [n.output], name=n.output, **n.attributes)
                for n in self.nodes]
        return out

    def __repr__(self) -> str:  # short: TorchScript prints it in its graph dumps
        return f"TableGraph({self.input} -> {self.output}: {len(self.nodes)} nodes, {len(self.constants)} constants)"

    def op_types(self) -> list[str]:
        """The nodes' operator types (without the constants)."""
        return [n.op_type for n in self.nodes]


def check_policy(when: Any) -> str:
    """``when`` if it is one of ``TABLE_POLICIES``, else a ValueError naming them."""
    if when not in TABLE_POLICIES:
        raise ValueError(f"table_graphs must be one of {', '.join(map(repr, TABLE_POLICIES))}, got {when!r}")
    return when


def compute_dtype(dtype: Any) -> str:
    """The dtype name the graph computes in for an input of ``dtype`` (a ValueError for other dtypes)."""
    name = str(dtype).replace("torch.", "")
    if name not in COMPUTE_DTYPES:
        raise ValueError(f"cannot export a resize of dtype {name}; expected one of {', '.join(COMPUTE_DTYPES)}")
    return COMPUTE_DTYPES[name]


def check_static(sizes: Sequence[Any], spec: ResizeSpec, why: str = "", what: str = "spatial input") -> None:
    """A ValueError unless every entry of ``sizes`` (the ``what`` sizes) is a Python int: the tables are
    constants computed for given sizes, so a graph for a spatial axis whose length is known only when it
    runs cannot hold them."""
    bad = [i for i, v in enumerate(sizes) if not (isinstance(v, (int, np.integer)) and not isinstance(v, bool))]
    if bad:
        raise ValueError(
            f"cannot export {spec.describe()} with a dynamic spatial axis ({what} sizes {list(sizes)}, "
            f"dynamic at spatial axes {bad}): {why or 'a spec beyond ONNX Resize'} is exported as constant "
            "Gather tables, computed for fixed input and output sizes; export with static spatial sizes "
            "(only the batch and channel axes may be dynamic)"
        )


def _one_tap(table: AxisTable) -> bool:
    return table.taps == 1 and bool(np.all(table.weight == 1.0))


def table_graph(
    input_shape: Sequence[Any],
    dtype: Any,
    tables: Sequence[tuple[int, AxisTable]],
    spec: ResizeSpec,
    *,
    input: str = "x",
    output: str = "y",
    prefix: str = "resize",
) -> TableGraph:
    """The graph ``input -> output`` that applies ``tables`` to an input of ``input_shape`` and ``dtype``.

    Args:
        input_shape: the input's shape; the resized axes' entries must be ints (others may be anything,
            e.g. a symbolic batch size: they are only copied into the nodes' shapes).
        dtype: the input's dtype (``float16``, ``bfloat16``, ``float32``, ``float64``; NumPy or torch
            dtype, or its name).
        tables: ``(axis, table)`` pairs in the order the axes are applied (the framework's order, for the
            same rounding); ``table.in_size`` must be ``input_shape[axis]``.
        spec: the spec (for ``extrapolation_value`` and the error messages).
        input, output: the value names at both ends; ``prefix`` starts every other name.

    Example:
        >>> from consistent_resize import ResizeSpec, axis_table
        >>> spec = ResizeSpec(mode="lanczos", lanczos_radius=2)
        >>> g = table_graph((1, 1, 3), "float32", [(2, axis_table(3, 2, spec))], spec)
        >>> g.op_types()
        ['Gather', 'Mul', 'Gather', 'Mul', 'Add', 'Gather', 'Mul', 'Add']
    """
    name = str(dtype).replace("torch.", "")
    work_dtype = compute_dtype(name)
    np_dtype = np.dtype(work_dtype)
    shape = list(input_shape)
    rank = len(shape)
    check_static([shape[a] for a, _ in tables], spec, what="resized input")
    constants: dict[str, np.ndarray] = {}
    nodes: list[Node] = []
    counter = [0]

    def fresh(what: str) -> str:
        counter[0] += 1
        return f"{prefix}_{what}_{counter[0]}"

    def constant(what: str, array: np.ndarray) -> str:
        key = fresh(what)
        array = np.ascontiguousarray(array)
        array.setflags(write=False)
        constants[key] = array
        return key

    def node(op_type: str, inputs, attributes=None, out_shape=None, out_dtype=work_dtype, out=None) -> str:
        out = out or fresh(op_type.lower())
        nodes.append(Node(op_type, tuple(inputs), out, dict(attributes or {}), tuple(out_shape), out_dtype))
        return out

    value = input
    if work_dtype != name:
        value = node("Cast", [value], {"to": ONNX_DTYPES[work_dtype]}, shape)
    for axis, table in tables:
        if not 0 <= axis < rank or shape[axis] != table.in_size:
            raise ValueError(f"axis {axis} of an input of shape {tuple(input_shape)} does not have the "
                             f"table's input length {table.in_size}")
        shape[axis] = table.out_size
        trailing = (1,) * (rank - axis - 1)
        if _one_tap(table):
            value = node("Gather", [value, constant("index", table.index[:, 0])], {"axis": axis}, shape)
            continue
        total = None
        source = value
        for k in range(table.taps):
            gathered = node("Gather", [source, constant("index", table.index[:, k])], {"axis": axis}, shape)
            weight = table.weight[:, k].astype(np_dtype).reshape((table.out_size,) + trailing)
            term = node("Mul", [gathered, constant("weight", weight)], None, shape)
            total = term if total is None else node("Add", [total, term], None, shape)
        value = total
    if work_dtype != name:
        value = node("Cast", [value], {"to": ONNX_DTYPES[name]}, shape, name)
    if spec.coordinate_transformation_mode == "tf_crop_and_resize":
        mask = _outside_mask(rank, tables)
        if mask is not None:
            fill = np.array(spec.extrapolation_value, np.float32 if name == "bfloat16" else name)
            if name == "bfloat16":  # NumPy has no bfloat16: the constant is float32, cast in the graph
                fill = node("Cast", [constant("fill", fill)], {"to": ONNX_DTYPES[name]}, (), name)
            else:
                fill = constant("fill", fill)
            value = node("Where", [constant("outside", mask), fill, value], None, shape, name)
    if not nodes:  # no axis resized: an Identity, so that the output has its own name
        value = node("Identity", [value], None, shape, name)
    last = nodes[-1]
    nodes[-1] = dataclasses.replace(last, output=output)
    return TableGraph(input, output, constants, tuple(nodes))


def _outside_mask(rank: int, tables: Sequence[tuple[int, AxisTable]]) -> np.ndarray | None:
    """The union of the axes' ``outside`` flags, shaped to broadcast over the output (None: nothing is
    outside)."""
    if not any(t.outside.any() for _, t in tables):
        return None
    first = min(a for a, _ in tables)
    shape = [1] * (rank - first)
    for axis, table in tables:
        shape[axis - first] = table.out_size
    mask = np.zeros(shape, bool)
    for axis, table in tables:
        view = [1] * (rank - first)
        view[axis - first] = table.out_size
        mask = mask | table.outside.reshape(view)
    return mask


def cheapest_order(shape: Sequence[int], tables: Sequence[tuple[int, AxisTable]]) -> list[tuple[int, AxisTable]]:
    """The axis order with the least work in the graph (the sum over steps of ``K`` times the size of the
    step's result): downscaled axes first. A framework that applies its axes in another order passes its
    own order to ``table_graph`` instead, for the same rounding."""
    best, best_cost = list(tables), None
    for order in itertools.permutations(tables):
        size = [1 if not isinstance(v, (int, np.integer)) else int(v) for v in shape]
        cost = 0
        for axis, table in order:
            size[axis] = table.out_size
            cost += table.taps * math.prod(size)
        if best_cost is None or cost < best_cost:
            best, best_cost = list(order), cost
    return best
