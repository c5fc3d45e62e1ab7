"""Runtime rules: what an ONNX runtime computes from one ``Resize`` node, measured against the real runtime.

One module per runtime (``onnxruntime``, ...), each answering, for a node written from a spec (its attributes)
and the sizes at hand (one ``AxisPlan`` per resized axis, the ``sizes`` or ``scales`` input):

- ``normalised(spec, plans, scales_given)``: the spec whose attributes the node should carry: attributes that
  have no effect for these sizes and that the runtime refuses are dropped (never one that changes the result).
- ``refusal(spec)``: why the runtime refuses to load such a node (None: it loads it).
- ``mismatch(spec, plans, requested=None, rank=None)``: why the runtime would compute something other than the
  spec for these sizes (None: it computes the spec, to float32 rounding, and nearest picks exactly); ``rank``:
  the input's rank where known.

The exporters (``consistent_resize_torch``, ``consistent_resize_chainer``) read these rules to decide between
one ``Resize`` node and the exact table graph (``consistent_resize.onnx_tables``); ``audit --runtime`` reads
them to flag nodes. Each rule names the runtime versions it was measured on (``MEASURED``).
"""

from __future__ import annotations

from . import litert, mnn, ncnn, onnx2tf, onnxruntime, openvino, tract

#: The runtimes with rules, by the name ``runtime=`` / ``--runtime`` takes (``openvino``: f32 precision;
#: ``openvino-default``: the CPU plugin's default precision on this machine).
RUNTIMES = {"onnxruntime": onnxruntime, "openvino": openvino, "openvino-default": openvino.DEFAULT, "tract": tract,
            "litert": litert, "onnx2tf": onnx2tf, "mnn": mnn, "ncnn": ncnn}

#: Converter chains (ONNX -> another format, run by that format's runtime; ``requirements/converters.txt``).
CONVERTERS = ("onnx2tf", "mnn", "ncnn")


#: The runtimes an exporter can target (``runtime=``): ONNX runtimes that compute float32 where asked.
EXPORT_RUNTIMES = ("onnxruntime", "openvino", "tract")


def rules(name: str):
    """The rules module of the runtime ``name``."""
    from consistent_resize._names import check_choice

    return RUNTIMES[check_choice("runtime", name, RUNTIMES)]


def export_rules(name: str):
    """The rules module an exporter asks for ``runtime=name`` (one of ``EXPORT_RUNTIMES``)."""
    from consistent_resize._names import check_choice

    if name == "openvino-default":
        raise ValueError("runtime='openvino-default' computes in the machine's default precision (bf16 on CPUs "
                         "with bf16), where no graph gives float32 results: compile with "
                         "INFERENCE_PRECISION_HINT='f32' and export for runtime='openvino'")
    return RUNTIMES[check_choice("runtime", name, EXPORT_RUNTIMES)]


__all__ = ["CONVERTERS", "EXPORT_RUNTIMES", "RUNTIMES", "export_rules", "rules"]
