"""Runtime rules: what an ONNX runtime computes from one ``Resize`` node, measured against the real runtime.

One module per runtime (``onnxruntime``, ...), each answering, for a node written from a spec (its attributes)
and the sizes at hand (one ``AxisPlan`` per resized axis, the ``sizes`` or ``scales`` input):

- ``normalised(spec, plans, scales_given)``: the spec whose attributes the node should carry: attributes that
  have no effect for these sizes and that the runtime refuses are dropped (never one that changes the result).
- ``refusal(spec)``: why the runtime refuses to load such a node (None: it loads it).
- ``mismatch(spec, plans, requested=None)``: why the runtime would compute something other than the spec for
  these sizes (None: it computes the spec, to float32 rounding, and nearest picks exactly).

The exporters (``consistent_resize_torch``, ``consistent_resize_chainer``) read these rules to decide between
one ``Resize`` node and the exact table graph (``consistent_resize.onnx_tables``); ``audit --runtime`` reads
them to flag nodes. Each rule names the runtime versions it was measured on (``MEASURED``).
"""

from __future__ import annotations

from . import litert, onnxruntime, openvino, tract

#: The runtimes with rules, by the name ``runtime=`` / ``--runtime`` takes (``openvino``: f32 precision;
#: ``openvino-default``: the CPU plugin's default precision on this machine).
RUNTIMES = {"onnxruntime": onnxruntime, "openvino": openvino, "openvino-default": openvino.DEFAULT, "tract": tract,
            "litert": litert}


def rules(name: str):
    """The rules module of the runtime ``name``."""
    from consistent_resize._names import check_choice

    return RUNTIMES[check_choice("runtime", name, RUNTIMES)]


__all__ = ["RUNTIMES", "rules"]
