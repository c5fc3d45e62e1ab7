"""``consistent-resize fix``: every model it writes runs with the spec's numbers on its runtime.

Random single-``Resize`` models (``consistent_resize_tools.runtime_matrix``) are fixed for each installed
runtime and run by it; the plain ``onnx_chainer`` export of a pyramid-pooling model (tests/chainer_pspnet.py,
72x80) is fixed with ``--source onnx_chainer`` and compared with Chainer (onnxruntime here; OpenVINO and tract
in ``.venv-modern`` through a subprocess where that environment exists).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")

from consistent_resize_tools import runtime_matrix as rm  # noqa: E402
from consistent_resize_tools.cli import main  # noqa: E402
from consistent_resize_tools.fix import fix_model  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODERN = os.path.join(ROOT, ".venv-modern", "bin", "python")
DISTRIBUTION = {"onnxruntime": "onnxruntime", "openvino": "openvino", "tract": "tract"}


@pytest.mark.parametrize("runtime", sorted(DISTRIBUTION))
def test_fixed_models_compute_the_spec(runtime, tmp_path):
    if importlib.util.find_spec(DISTRIBUTION[runtime]) is None:
        pytest.skip(f"{runtime} is not installed (pip install -r requirements/runtimes.txt)")
    checked = 0
    for i, case in enumerate(rm.cases(60, seed=11)):
        try:
            want = rm.expected(case, "float64_divide")
        except ValueError:  # the spec has no value (weights summing to 0)
            continue
        source, fixed = str(tmp_path / f"m{i}.onnx"), str(tmp_path / f"f{i}.onnx")
        onnx.save(rm.model(case), source)
        fix_model(source, fixed, runtime)
        with open(fixed, "rb") as f:
            got = np.asarray(rm.RUNNERS[runtime][1](f.read(), case.input()), dtype=np.float64)
        assert got.shape == want.shape, case.describe()
        difference = float(np.abs(got - want).max(initial=0.0))
        limit = 0.0 if case.spec.mode == "nearest" else rm.TOLERANCE
        assert difference <= limit, (runtime, case.describe(), difference)
        checked += 1
    assert checked >= 50


def test_cli_fix_prints_the_changes_and_bad_usage(tmp_path, capsys):
    pytest.importorskip("onnxruntime")
    case = rm.Case((("mode", "nearest"),), (1, 1, 6, 2), scales=(1.0, 1.0, float(np.float32(10 / 3)), 1.0))
    source, fixed = str(tmp_path / "m.onnx"), str(tmp_path / "f.onnx")
    onnx.save(rm.model(case), source)
    assert main(["fix", source, "-o", fixed, "--runtime", "onnxruntime"]) == 0
    out = capsys.readouterr().out
    # the spec's coordinates use the scale 10/3, which no sizes input gives: the table graph
    assert "resize: axis 2: onnxruntime computes output size 20" in out and "exact table graph" in out
    by_sizes = rm.Case((("coordinate_transformation_mode", "half_pixel_symmetric"), ("mode", "linear")),
                       (1, 1, 6, 4), scales=(1.0, 1.0, 2.0, 1.0))
    onnx.save(rm.model(by_sizes), source)
    assert main(["fix", source, "-o", fixed, "--runtime", "openvino"]) == 0
    assert "refuses" in capsys.readouterr().out
    assert main(["audit", fixed, "--runtime", "onnxruntime"]) == 0
    capsys.readouterr()
    assert main(["fix", source, "-o", fixed, "--runtime", "tvm"]) == 2
    assert "unknown runtime 'tvm'" in capsys.readouterr().err
    assert main(["fix", source, "-o", fixed, "--source", "onnx_chaner"]) == 2
    assert "onnx_chainer" in capsys.readouterr().err


_MODERN_RUN = """
import sys, numpy as np
sys.path.insert(0, {root!r})
from consistent_resize_tools import runtime_matrix as rm
from consistent_resize_tools.fix import fix_model
x, want = np.load({x!r}), np.load({want!r})
for runtime in ("openvino", "tract"):
    fixed = {plain!r} + "." + runtime + ".onnx"
    fix_model({plain!r}, fixed, runtime, source="onnx_chainer")
    got = rm.RUNNERS[runtime][1](open(fixed, "rb").read(), x)
    print(runtime, float(np.abs(got - want).max()))
"""


def test_onnx_chainer_export_fixed_runs_chainers_numbers(tmp_path):
    """The seed bug: onnx_chainer writes half_pixel + float32 scales where Chainer computes align_corners at
    integer sizes (and 6 x 3.3333333 gives 19 rows, not 20: onnxruntime refuses the plain export)."""
    pytest.importorskip("chainer", reason="Chainer 7.8.1 is not installed (it is in the full CI leg)")
    ort = pytest.importorskip("onnxruntime")
    import onnx_chainer
    from chainer_pspnet import PSPNet, chainer

    x = np.random.default_rng(1).uniform(0, 1, (2, 3, 72, 80)).astype(np.float32)
    model = PSPNet()
    plain = str(tmp_path / "plain.onnx")
    with chainer.using_config("train", False), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        onnx_chainer.export(model, x, filename=plain, opset_version=11)
        want = model(x).array
    fixed = str(tmp_path / "fixed.onnx")
    changes = fix_model(plain, fixed, "onnxruntime", source="onnx_chainer")
    assert len(changes) == 5 and all("align_corners" in c for c in changes)
    session = ort.InferenceSession(fixed, providers=["CPUExecutionProvider"])
    got = session.run(None, {session.get_inputs()[0].name: x})[0]
    relative = 1e-5  # Chainer's kernel and the runtime's differ by float32 rounding (SPEC.md section 9)
    assert np.abs(got - want).max() <= relative * np.abs(want).max()
    if not os.path.exists(MODERN):
        return
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "want.npy", want)
    script = _MODERN_RUN.format(root=ROOT, x=str(tmp_path / "x.npy"), want=str(tmp_path / "want.npy"), plain=plain)
    run = subprocess.run([MODERN, "-c", script], capture_output=True, text=True, timeout=240)
    if "No module named 'openvino'" in run.stderr or "No module named 'tract'" in run.stderr:
        pytest.skip("OpenVINO/tract are not installed in .venv-modern (requirements/runtimes.txt)")
    assert run.returncode == 0, run.stderr[-2000:]
    lines = [line for line in run.stdout.split("\n") if line.strip()]
    assert [line.split()[0] for line in lines] == ["openvino", "tract"], run.stdout
    for line in lines:
        runtime, difference = line.split()
        assert float(difference) <= relative * np.abs(want).max(), line


def test_target_runtime_fixes_the_file_an_exporter_wrote(tmp_path):
    """``target_runtime`` around any writer of ``path`` fixes it in place for the runtime when the block ends
    (an unknown runtime fails before the export runs)."""
    pytest.importorskip("onnxruntime")
    from consistent_resize_tools.fix import target_runtime

    case = rm.Case((("mode", "linear"), ("antialias", 1)), (1, 1, 3, 2), scales=(1.0, 1.0, 1.25, 2.0))
    path = str(tmp_path / "m.onnx")
    with target_runtime("onnxruntime", path) as changes:
        onnx.save(rm.model(case), path)
    assert len(changes) == 1 and "copies it unchanged" in changes[0]
    with open(path, "rb") as f:
        got = rm.RUNNERS["onnxruntime"][1](f.read(), case.input())
    assert np.abs(got - rm.expected(case, "float64_divide")).max() <= rm.TOLERANCE
    with pytest.raises(ValueError, match="unknown runtime"):
        with target_runtime("tvm", path):
            pass
