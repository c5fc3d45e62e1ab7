"""The runtime rules (``consistent_resize/runtimes/``) against the real runtimes: random single-``Resize`` ONNX
models (``consistent_resize_tools.runtime_matrix``), run by each installed runtime and compared with the
NumPy reference. A case the rules pass must be computed as the spec (0 silent); false alarms are counted by
the matrix page (``docs/runtimes.md``), not asserted here.

Runtimes that are not installed are skipped with a reason (OpenVINO, tract: ``requirements/runtimes.txt``,
in ``.venv-modern``).
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consistent_resize_tools.runtimes import CONVERTERS, RUNTIMES, rules
from consistent_resize_tools import runtime_matrix as rm

DISTRIBUTION = {"onnxruntime": "onnxruntime", "openvino": "openvino", "openvino-default": "openvino",
                "tract": "tract", "litert": "ai_edge_litert", "onnx2tf": "onnx2tf", "mnn": "MNN", "ncnn": "ncnn"}
PACKAGE = {"ai_edge_litert": "ai-edge-litert", "MNN": "mnn"}


def _need(runtime: str) -> None:
    module = DISTRIBUTION[runtime]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install -r requirements/runtimes.txt)")


cases = st.integers(0, 2**32 - 1).map(lambda seed: rm.random_case(np.random.default_rng(seed)))


def _version_tuple(v: str) -> tuple:
    return tuple(int(part) for part in v.split(".")[:3] if part.isdigit())


@pytest.mark.parametrize("runtime", sorted(RUNTIMES))
def test_installed_version_was_measured(runtime):
    """The rules carry the versions they were measured on; an installed version outside needs a new run of
    the matrix (``python -m consistent_resize_tools.runtime_matrix --write docs/runtimes.md``)."""
    _need(runtime)
    low, high = rules(runtime).MEASURED
    installed = rm._version(PACKAGE.get(DISTRIBUTION[runtime], DISTRIBUTION[runtime]))
    assert _version_tuple(low) <= _version_tuple(installed) <= _version_tuple(high), (
        f"{runtime} {installed} is outside the measured range {low} .. {high}: rerun the runtime matrix")


# the converter chains (seconds a case): tests/test_runtimes_converters.py
@pytest.mark.parametrize("runtime", sorted((set(RUNTIMES) & set(rm.RUNNERS)) - set(CONVERTERS)))
@settings(max_examples=150)
@given(case=cases)
def test_no_silent_pass(runtime, case):
    """Every case the rules pass is computed as the spec by the real runtime."""
    _need(runtime)
    result = rm.run_case(runtime, case)
    assert not result.silent, (f"{runtime}: the rules pass {case.describe()}, but the runtime gives "
                               f"{result.verdict} ({result.difference or result.detail})")


def test_openvino_default_reads_its_precision_from_the_runtime():
    """``openvino-default`` flags every node where the machine's default precision is not f32, and follows the
    f32 rules where it is: the verdict never assumes a CPU."""
    _need("openvino")
    from consistent_resize_tools.runtimes import openvino

    case = rm.cases(1, seed=3)[0]
    spec = case.spec.replace(coordinate_arithmetic=openvino.ARITHMETIC)
    from consistent_resize.arguments import plan_axes

    plans = plan_axes(case.shape, case.sizes, case.scales, spec, case.roi)
    precision = rm.openvino_precision("openvino-default")
    got = openvino.DEFAULT.mismatch(spec, plans, requested=case.sizes)
    if precision != "f32":
        assert got is not None and precision in got
    else:
        assert got == openvino.mismatch(spec, plans, requested=case.sizes)


@pytest.mark.parametrize("runtime", ["onnxruntime"])
def test_the_issue_cases(runtime):
    """The departures the issue reports, as single cases: 6 -> 20 by scale 10/3 (float32 gives 20), and a scale
    1.25 on a 3-wide axis with antialias (the length stays, the coordinates move: the runtime copies it)."""
    _need(runtime)
    attrs = (("antialias", 1), ("coordinate_transformation_mode", "asymmetric"), ("exclude_outside", 0),
             ("mode", "linear"))
    copy = rm.Case(attrs, (1, 1, 4, 3), scales=(1.0, 1.0, 2.0, 1.25))
    result = rm.run_case(runtime, copy)
    assert result.verdict == "different" and result.predicted is not None
    size = rm.Case((("mode", "nearest"),), (1, 1, 6, 2), scales=(1.0, 1.0, float(np.float32(10 / 3)), 1.0))
    result = rm.run_case(runtime, size)
    assert result.verdict == "different" and "output size" in result.predicted


def test_page_lists_every_runtime_run():
    _need("onnxruntime")
    results = rm.run_matrix(12, seed=1, runtimes=["onnxruntime"])
    text = rm.page(results, 12, 1)
    assert "| onnxruntime |" in text and "## onnxruntime" in text


def test_litert_builtins_compute_their_presets():
    """TFLite builtins converted from tf.compat.v1.image.resize_* and run by LiteRT: each computes its preset
    (what the litert rules pass); a spec no builtin has is flagged."""
    _need("litert")
    pytest.importorskip("tensorflow")
    results = rm.litert_results(12, seed=4)
    assert all(r.verdict == "spec" and r.predicted is None for r in results), [
        (r.case.describe(), r.verdict, r.difference, r.detail) for r in results if r.verdict != "spec"]
    from consistent_resize import ResizeSpec
    from consistent_resize.arguments import plan_axes

    cubic = ResizeSpec(mode="cubic")
    assert "no TFLite builtin" in rules("litert").mismatch(cubic, plan_axes((4, 4), (8, 8), None, cubic))
    onnx_default = ResizeSpec(mode="linear")  # half_pixel: tflite_bilinear_half_pixel where the tables agree
    assert rules("litert").mismatch(onnx_default, plan_axes((4, 5), (8, 9), None, onnx_default)) is None
