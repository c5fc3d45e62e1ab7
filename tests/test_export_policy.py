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
