"""``consistent-resize compare``: the table shows each real library's own output, the presets it equals
and its distance from the reference; every preset is either run or skipped with a reason; ``--input``,
``--size``, ``--json``, ``--plot``; the error paths; one run of ``python -m consistent_resize compare``."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from consistent_resize import PRESETS, resize
from consistent_resize_tools.cli import BEYOND_ONNX_HEADING, main
from consistent_resize_tools.compare import ALL_PRESETS, BEYOND_ONNX, EQUAL_TOLERANCE
from consistent_resize.presets import EXTENSION_PRESETS
from consistent_resize_tools.libraries import RUNNERS, available

# the TFLite runner's interpreter warns of its own deprecation (TF >= 2.20); not about these tests
pytestmark = pytest.mark.filterwarnings("ignore:.*tf.lite.Interpreter is deprecated:UserWarning")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = np.array([[64.0, 32.0], [64.0, 32.0]])


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def results():
    """One run of every library on the built-in cases, shared by the tests below (imports every framework)."""
    import warnings

    from consistent_resize_tools import compare, data

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compare.compare(data.default_cases())


@pytest.fixture(scope="module")
def report(results):
    """The ``--json`` form of ``results``, through a JSON round trip."""
    from consistent_resize_tools import compare

    return json.loads(json.dumps(compare.to_json(*results)))


def test_every_preset_is_run_or_skipped_with_a_reason(report):
    ran = {row["preset"] for case in report["cases"] for row in case["rows"]}
    skipped = {name: s["reason"] for s in report["skipped"] for name in s["presets"]}
    assert ran | set(skipped) == set(PRESETS) | set(EXTENSION_PRESETS) and not ran & set(skipped)
    for name in ran:
        assert available(ALL_PRESETS[name].library) and name in RUNNERS
    for name, reason in skipped.items():
        expected = "not installed" if not available(ALL_PRESETS[name].library) else "no runner"
        assert reason.startswith(expected), (name, reason)
    assert [c["name"] for c in report["cases"]] == ["seed", "ramp_up", "ramp_down", "zone_plate"]
    assert report["cases"][0]["input"] == SEED.tolist() and report["cases"][0]["output_size"] == [4, 4]


def test_rows_hold_the_library_output_and_its_distance_from_each_preset(report):
    cases = {c["name"]: c for c in report["cases"]}
    seed_rows = cases["seed"]["rows"]
    if not seed_rows:
        pytest.skip("no library with a registered runner is installed")
    for case in cases.values():
        x = np.asarray(case["input"]) if case["input"] is not None else None
        for row in case["rows"]:
            preset = ALL_PRESETS[row["preset"]]
            assert row["coordinate_transformation_mode"] == preset.spec.coordinate_transformation_mode
            assert row["call"] == preset.call
            # the extension registry's presets are listed apart; it holds every spec beyond ONNX, and also
            # presets of other libraries that one ONNX node expresses (skimage_nearest)
            # presets of PRESETS whose spec is beyond ONNX too (TF's bicubic table, cubic_table_size)
            assert row["beyond_onnx"] == (row["preset"] in EXTENSION_PRESETS or preset.spec.beyond_onnx)
            if row["error"] is not None or x is None:
                continue
            output = np.asarray(row["output"])
            # the output is what the library itself returns
            np.testing.assert_array_equal(output, RUNNERS[row["preset"]](x.copy(), tuple(case["output_size"])))
            distance = {n: np.max(np.abs(output - resize(x, case["output_size"], spec=p.spec)))
                        for n, p in ALL_PRESETS.items()}
            assert row["max_abs_diff"] == pytest.approx(distance[row["preset"]], abs=1e-12)
            tolerance = EQUAL_TOLERANCE * np.max(np.abs(x))
            assert row["equals"] == [n for n, d in distance.items() if d <= tolerance]


def test_seed_rows_against_libraries_called_directly(report):
    """Golden values from the real libraries, called here without the runners."""
    rows = {r["preset"]: r for r in report["cases"][0]["rows"] if r["error"] is None}
    checked = 0
    if "opencv_linear" in rows:
        cv2 = pytest.importorskip("cv2")
        direct = cv2.resize(SEED.astype(np.float32), (4, 4), interpolation=cv2.INTER_LINEAR)
        np.testing.assert_allclose(rows["opencv_linear"]["output"], direct, rtol=1e-6)
        checked += 1
    if "pytorch_bilinear_align_corners" in rows:
        torch = pytest.importorskip("torch")
        direct = torch.nn.functional.interpolate(torch.tensor(SEED[None, None]), size=(4, 4), mode="bilinear",
                                                 align_corners=True)[0, 0].numpy()
        np.testing.assert_allclose(rows["pytorch_bilinear_align_corners"]["output"], direct, rtol=1e-6)
        assert "chainer" in rows["pytorch_bilinear_align_corners"]["equals"]
        checked += 1
    if "tf1_bilinear" in rows:
        tf = pytest.importorskip("tensorflow")
        direct = tf.compat.v1.image.resize_bilinear(SEED[None, :, :, None].astype(np.float32), (4, 4))
        np.testing.assert_allclose(rows["tf1_bilinear"]["output"], np.asarray(direct)[0, :, :, 0], rtol=1e-6)
        assert rows["tf1_bilinear"]["coordinate_transformation_mode"] == "asymmetric"
        checked += 1
    if not checked:
        pytest.skip("none of OpenCV, PyTorch, TensorFlow has a runner here")


def test_narrow_text_fits_the_terminal_and_says_which_calls_agree(capsys, monkeypatch):
    """At COLUMNS=80 every line of ``compare`` fits; each preset that ran has its line and its call; the seed
    case groups the calls that agree, and two calls are in one group exactly where their presets' specs give
    the same output (``equals``, checked against the reference in the JSON tests)."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["compare"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    tables, _, _ = out.partition("\nskipped ")
    ran = [n for n in ALL_PRESETS if available(ALL_PRESETS[n].library) and n in RUNNERS]
    for name in ran:
        assert f"\n{name} " in tables, name
    if {"chainer", "pytorch_bilinear_align_corners"} <= set(ran):
        seed = tables.split("\n\n")[1]
        groups = seed.split("these calls agree (the same output):")[1]
        joined = " ".join(groups.split())
        assert "chainer = pytorch_bilinear_align_corners" in joined  # Chainer's bilinear is align_corners
        assert "chainer = pytorch_bilinear =" not in joined


def test_text_table(capsys):
    assert main(["compare", "--wide", "--size", "3x5"]) == 0
    out = capsys.readouterr().out
    assert "seed: 2x2 [[64, 32], [64, 32]] -> 3x5" in out
    assert "coordinate_transformation_mode" in out and "max|diff|" in out
    tables, _, skipped = out.partition("\nskipped ")
    for name in ALL_PRESETS:
        if available(ALL_PRESETS[name].library) and name in RUNNERS:
            assert f"\n{name} " in tables, name
        else:
            assert name in skipped, name
    # in each case's table the presets beyond ONNX follow the ONNX ones, under one heading
    first_table = tables.split("\n\n")[1]
    ran = [n for n in ALL_PRESETS if f"\n{n} " in first_table]
    apart = {n for n in ran if n in EXTENSION_PRESETS or ALL_PRESETS[n].spec.beyond_onnx}
    if apart:
        assert first_table.count(BEYOND_ONNX) == 1
        onnx_part, extension_part = first_table.split(BEYOND_ONNX)
        assert all((f"\n{n} " in extension_part) == (n in apart) for n in ran)


def test_input_image_and_json(tmp_path, capsys):
    pil = pytest.importorskip("PIL.Image")
    pixels = (np.arange(48).reshape(6, 8) * 5).astype(np.uint8)
    path = tmp_path / "gradient.png"
    pil.fromarray(pixels).save(path)
    rgb = tmp_path / "rgb.png"
    pil.fromarray(np.stack([pixels] * 3, axis=-1)).save(rgb)
    for source in (path, rgb):
        report = _json(capsys, ["compare", "--input", str(source), "--size", "3x4", "--json"])
        (case,) = report["cases"]
        assert case["input_shape"] == [6, 8] and case["output_size"] == [3, 4]
        np.testing.assert_array_equal(case["input"], pixels.astype(float))
        for row in case["rows"]:
            assert row["error"] is not None or np.asarray(row["output"]).shape == (3, 4)
    npy = tmp_path / "x.npy"
    np.save(npy, pixels.astype(np.float32))
    (case,) = _json(capsys, ["compare", "--input", str(npy), "--json", "--verbose"])["cases"]
    assert case["output_size"] == [3, 4]  # default: half


def test_plot(results, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    import matplotlib.image

    from consistent_resize_tools.compare import plot

    path = tmp_path / "compare.png"
    plot(results[0], str(path))  # the default cases: seed profiles and the zone plate per library
    image = matplotlib.image.imread(str(path))
    assert image.ndim == 3 and image.shape[0] > 400 and image.shape[1] > 400
    small = tmp_path / "x.npy"
    np.save(small, np.arange(12.0).reshape(3, 4))
    path = tmp_path / "input.png"
    assert main(["compare", "--input", str(small), "--plot", str(path)]) == 0
    assert f"wrote {path}" in capsys.readouterr().out
    assert matplotlib.image.imread(str(path)).ndim == 3


def _error(capsys, argv):
    status = main(argv)
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert status == 2 and len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


def test_input_errors(tmp_path, capsys):
    assert "no such file" in _error(capsys, ["compare", "--input", str(tmp_path / "missing.png")])
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    assert "cannot read" in _error(capsys, ["compare", "--input", str(corrupt)])
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    assert "cannot read" in _error(capsys, ["compare", "--input", str(text)])
    assert "directory" in _error(capsys, ["compare", "--input", str(tmp_path)])
    bad_npy = tmp_path / "x.npy"
    np.save(bad_npy, np.zeros((2, 2, 2)))
    assert "2-D" in _error(capsys, ["compare", "--input", str(bad_npy)])


def test_option_errors(tmp_path, capsys):
    assert "invalid size" in _error(capsys, ["compare", "--size", "4x"])
    assert "invalid size" in _error(capsys, ["compare", "--size", "0x4"])
    assert "no directory" in _error(capsys, ["compare", "--plot", str(tmp_path / "no" / "such" / "p.png")])
    if importlib.util.find_spec("matplotlib") is not None:
        assert "unknown image format 'xyz'" in _error(capsys, ["compare", "--plot", str(tmp_path / "p.xyz")])
    assert "unrecognized arguments" in _error(capsys, ["compare", "--colour"])
    assert "invalid choice" in _error(capsys, ["compaer"])


def test_help(capsys):
    for argv in (["--help"], ["compare", "--help"], ["explain", "--help"], ["audit", "--help"], ["presets", "--help"]):
        assert main(argv) == 0
        assert capsys.readouterr().out.startswith("usage: consistent-resize")
    assert main([]) == 2  # no subcommand: the help, and a usage error status
    assert "compare" in capsys.readouterr().out


def test_presets_command(capsys):
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    onnx_part, heading, extension_part = out.partition(BEYOND_ONNX_HEADING)
    assert heading and onnx_part.startswith("# ONNX Resize\n")
    for name, preset in PRESETS.items():
        assert f"\n{name} " in onnx_part and preset.call in onnx_part and preset.spec.describe() in onnx_part
    for name, preset in EXTENSION_PRESETS.items():
        assert f"\n{name} " in extension_part and preset.call in extension_part
        assert preset.spec.describe() in extension_part


def test_python_dash_m_compare():
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    run = subprocess.run([sys.executable, "-m", "consistent_resize", "compare"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "seed: 2x2 [[64, 32], [64, 32]] -> 4x4" in run.stdout and "Traceback" not in run.stderr


def test_torch_layer_column_agrees_with_the_reference(report):
    pytest.importorskip("consistent_resize_torch")
    rows = [r for c in report["cases"] for r in c["rows"] if r["error"] is None]
    if not rows:
        pytest.skip("no library ran")
    for row in rows:  # our PyTorch layer (float64) is as far from the library as the NumPy reference is
        assert row["torch_layer_max_abs_diff"] == pytest.approx(row["max_abs_diff"], abs=1e-9), row["preset"]
