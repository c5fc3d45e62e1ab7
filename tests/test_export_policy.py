"""The export policy on random cases: an ONNX spec (every field), rank 3-5, ``size`` or ``scale_factor``,
exported by PyTorch and by Chainer, runs in onnxruntime and equals the framework (``tests/export_cases.py``:
no model onnxruntime refuses, no output that differs, no exporter error, no warning); under
``table_graphs("strict")`` an export is the one Resize node or a ValueError naming the reason."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import numpy as np

pytest.importorskip("onnxruntime")
import export_cases  # noqa: E402

FRAMEWORKS = [name for name, module in (("torch", "torch"), ("chainer", "chainer"))
              if __import__("importlib").util.find_spec(module) is not None]


@pytest.mark.parametrize("exporter", FRAMEWORKS)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_random_exports_compute_the_framework_in_onnxruntime(exporter, seed, library_counter):
    case = export_cases.random_case(np.random.default_rng(seed))
    result, detail = export_cases.outcome(exporter, case, seed=seed % 1000)
    assert result in ("ok", "skip"), (case, result, detail)
    if result == "ok":
        library_counter(f"random {exporter} exports equal to {exporter} in onnxruntime")


@pytest.mark.parametrize("exporter", FRAMEWORKS)
@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_strict_exports_are_right_or_refused_with_the_reason(exporter, seed):
    case = export_cases.random_case(np.random.default_rng(seed))
    result, detail = export_cases.outcome(exporter, case, seed=seed % 1000, strict=True)
    assert result in ("ok", "skip", "exporter refused"), (case, result, detail)
    if result == "exporter refused":
        assert "as one ONNX Resize node for these sizes" in detail and "table_graphs" in detail, detail


TF_BICUBIC = ["tf_bicubic", "tf1_bicubic", "tf1_bicubic_align_corners", "tf1_bicubic_half_pixel", "keras_bicubic"]


@pytest.mark.parametrize("name", TF_BICUBIC)
def test_tf_bicubic_table_is_exported_as_the_table_graph(name, library_counter):
    """``cubic_table_size`` (TF's bicubic table, issue 15) is beyond ONNX: every runtime's rules say one Resize
    node does not compute it (naming it), a dynamic-size export is refused with it, and the torch export is
    the exact table graph, equal to the framework in onnxruntime."""
    import io
    import warnings

    from consistent_resize import PRESETS, plan_axes
    from consistent_resize_tools.runtimes import onnxruntime as ort_rules, openvino, tract

    spec = PRESETS[name].spec
    plans = plan_axes((5, 7), (9, 4), None, spec)
    for rules in (ort_rules, openvino, tract):
        assert "cubic_table_size=1024" in rules.mismatch(spec, plans, rank=4), rules.__name__
    torch = pytest.importorskip("torch")
    onnx = pytest.importorskip("onnx")
    import onnxruntime
    import consistent_resize_torch as crt
    from consistent_resize_torch import _onnx

    why = _onnx.dynamic_refusal(spec, 4)
    assert why.startswith("cubic_table_size=1024") and "written as constant Gather tables" in why
    module = crt.Resize((9, 4), spec=spec).eval()
    x = torch.randn(1, 2, 5, 7)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (x,), buffer, dynamo=False, opset_version=19, input_names=["x"])
    model = onnx.load_from_string(buffer.getvalue())
    ops = {n.op_type for n in model.graph.node}
    assert "Resize" not in ops and "Gather" in ops, ops
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(session.run(None, {"x": x.numpy()})[0], module(x).numpy(), rtol=1e-5, atol=1e-5)
    library_counter("torch -> ONNX -> onnxruntime (TF bicubic table graphs)")
