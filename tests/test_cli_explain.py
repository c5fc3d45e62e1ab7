"""``consistent-resize explain``: the formula of every coordinate mode and arithmetic is found in the
documentation of ``consistent_resize.coordinates``; the printed table reproduces the real library; spec
parsing and its errors."""

from __future__ import annotations

import re

import numpy as np
import pytest

from consistent_resize import COORDINATE_ARITHMETICS, COORDINATE_TRANSFORMATION_MODES, PRESETS, ResizeSpec
from consistent_resize_tools.cli import main
from consistent_resize_tools.explain import arithmetic, formula, parse_spec


def _explain(capsys, argv):
    assert main(["explain"] + argv + ["--wide"]) == 0  # whole lines (the narrow form wraps them)
    return capsys.readouterr().out


def _table(text: str) -> np.ndarray:
    """The dense matrix of the printed table (rows ``out  x_original  i: w, ...``; weights printed with
    6 significant digits)."""
    header = re.search(r"in = (\d+), out = (\d+)", text)
    in_size, out_size = int(header.group(1)), int(header.group(2))
    matrix = np.zeros((out_size, in_size))
    rows = [line for line in text.splitlines() if re.match(r"^\s+\d+\s+-?[\d.e+-]+\s{4}", line)]
    assert len(rows) == out_size
    for line in rows:
        out, _, taps = line.split(None, 2)
        for index, weight in re.findall(r"(\d+): (-?[\d.e+-]+)", taps):
            matrix[int(out), int(index)] += float(weight)
    return matrix


@pytest.mark.parametrize("mode", COORDINATE_TRANSFORMATION_MODES)
def test_every_coordinate_mode_has_its_formula(mode):
    text = formula(ResizeSpec(coordinate_transformation_mode=mode))
    assert text.startswith("x_original = ") and len(text) > len("x_original = x")


@pytest.mark.parametrize("name", COORDINATE_ARITHMETICS)
def test_every_arithmetic_is_documented(name):
    assert arithmetic(ResizeSpec(coordinate_arithmetic=name)).startswith("to_input(v) = ")


@pytest.mark.parametrize("interpolation, preset, size", [
    ("INTER_LINEAR", "opencv_linear", (5, 8)),
    ("INTER_LINEAR", "opencv_linear", (8, 3)),
    ("INTER_CUBIC", "opencv_cubic", (5, 9)),
    ("INTER_NEAREST", "opencv_nearest", (7, 3)),
])
def test_printed_table_reproduces_opencv(interpolation, preset, size, capsys):
    """Golden values from the real library: the printed weights, applied to a row, give cv2.resize."""
    cv2 = pytest.importorskip("cv2")
    in_size, out_size = size
    text = _explain(capsys, [preset, "--in", str(in_size), "--out", str(out_size)])
    assert f"preset {preset}: {PRESETS[preset].call}" in text
    row = np.random.default_rng(3).standard_normal((1, in_size)).astype(np.float32)
    expected = cv2.resize(row, (out_size, 1), interpolation=getattr(cv2, interpolation))[0]
    np.testing.assert_allclose(_table(text) @ row[0].astype(np.float64), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("preset, size, rule", [
    ("pytorch_area", (7, 3), "floor(o * in / out) .. ceil((o + 1) * in / out) - 1"),
    ("opencv_area", (6, 34), "sx = floor(c)"),  # one axis up: planned as area_two_tap (table_spec)
    ("tf_gaussian", (6, 13), "kernel argument float32((j - c) * sa)"),
])
def test_printed_table_reproduces_extension_presets(preset, size, rule, capsys):
    """The presets beyond ONNX: the printed rule, and the printed weights applied to a row give the real
    library (PyTorch ``mode='area'``; OpenCV INTER_AREA upscaled 6 -> 34, whose output 17 reads pixel 2;
    TF gaussian 6 -> 13, whose output 6 keeps pixel 1 at ``|t| = 1.4999998``)."""
    from consistent_resize_tools.libraries import RUNNERS, available
    from consistent_resize.presets import EXTENSION_PRESETS

    library = EXTENSION_PRESETS[preset].library
    if not available(library):
        pytest.skip(f"{library} is not installed")
    in_size, out_size = size
    text = _explain(capsys, [preset, "--in", str(in_size), "--out", str(out_size)])
    assert f"preset {preset}: {EXTENSION_PRESETS[preset].call}" in text and rule in text
    column = np.random.default_rng(4).standard_normal((in_size, 1)).astype(np.float32)
    expected = RUNNERS[preset](column, (out_size, 1))[:, 0]
    np.testing.assert_allclose(_table(text) @ column[:, 0].astype(np.float64), expected, rtol=0, atol=2e-5)


def test_unknown_preset_suggests_extension_presets(capsys):
    assert main(["explain", "pytorch_ara"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'pytorch_area'" in err and "lists all" in err


def test_seed_table_of_chainer(capsys):
    text = _explain(capsys, ["chainer"])  # default --in 2 --out 4: the seed case
    assert "x_original = x * (in - 1) / (L - 1) if L > 1 else 0" in text
    np.testing.assert_allclose(_table(text) @ [64.0, 32.0], [64.0, 64 - 32 / 3, 32 + 32 / 3, 32.0], rtol=1e-5)


def test_key_value_spec_and_scale(capsys):
    text = _explain(capsys, ["mode=linear,coordinate_transformation_mode=asymmetric", "--in", "4", "--scale", "1.5"])
    assert "x_original = to_input(x)" in text and "scale = 1.5" in text
    np.testing.assert_allclose(_table(text) @ [0.0, 1, 2, 3], [0, 2 / 3, 4 / 3, 2, 8 / 3, 3], rtol=1e-5)
    spec, preset = parse_spec("pytorch_bilinear,antialias=1")
    assert spec == PRESETS["pytorch_bilinear"].spec.replace(antialias=1) and preset is None
    assert parse_spec("tf_nearest") == (PRESETS["tf_nearest"].spec, "tf_nearest")
    spec, _ = parse_spec("mode=cubic, cubic_coeff_a=-0.5, exclude_outside=1")
    assert (spec.cubic_coeff_a, spec.exclude_outside) == (-0.5, 1)


def test_crop_and_resize_marks_outside(capsys):
    text = _explain(capsys, ["mode=linear,coordinate_transformation_mode=tf_crop_and_resize,extrapolation_value=7",
                             "--in", "3", "--out", "3"])
    assert "outside" not in text.split("1-D table")[1]  # default roi (0, 1): nothing outside


def _error(capsys, argv):
    status = main(argv)
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert status == 2 and len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


def test_errors(capsys):
    line = _error(capsys, ["explain", "chainr"])
    assert "unknown preset 'chainr'" in line and "did you mean 'chainer'" in line
    assert "'consistent-resize presets' lists all" in _error(capsys, ["explain", "qqqq"])
    assert "did you mean 'mode'" in _error(capsys, ["explain", "mdoe=linear"])
    assert "did you mean 'linear'" in _error(capsys, ["explain", "mode=linaer"])
    assert "cubic_coeff_a must be a number" in _error(capsys, ["explain", "mode=cubic,cubic_coeff_a=abc"])
    assert "exclude_outside must be an integer" in _error(capsys, ["explain", "mode=linear,exclude_outside=0.5"])
    assert "key=value" in _error(capsys, ["explain", "mode=linear,chainer"])
    assert "empty spec" in _error(capsys, ["explain", ","])
    assert "--in must be >= 1" in _error(capsys, ["explain", "chainer", "--in", "0"])
    assert "size entries must be >= 1" in _error(capsys, ["explain", "chainer", "--out", "0"])
    assert "not allowed with" in _error(capsys, ["explain", "chainer", "--out", "3", "--scale", "2"])
    assert "invalid int value" in _error(capsys, ["explain", "chainer", "--in", "two"])
    assert "antialias=1 needs mode" in _error(capsys, ["explain", "antialias=1"])


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_explained_within_the_terminal(name, capsys, monkeypatch):
    """Every preset (splines and pre-blurs included) explains at COLUMNS=80 without a line over 80;
    --wide keeps each line whole."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["explain", name, "--in", "9", "--out", "4"]) == 0
    narrow = capsys.readouterr().out
    assert max(map(len, narrow.splitlines())) <= 80, name
    assert f"preset {name}:" in narrow and "1-D table: in = 9, out = 4" in narrow
    assert main(["explain", name, "--in", "9", "--out", "4", "--wide"]) == 0
    wide = capsys.readouterr().out
    assert " ".join(wide.split()) == " ".join(narrow.split())  # the same words, only wrapped
