"""``consistent_resize_chainer.convert``: a Chainer model's ``F.resize_images`` calls run our function, compared
with Chainer itself (keep), the NumPy reference (retarget) and onnxruntime (export), on a pyramid-pooling model
with chainercv's PSPNet structure at 72x80, where the bins do not divide evenly."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("chainer", reason="Chainer 7.8.1 is not installed (it is in the full CI leg)")

from consistent_resize import resize as reference  # noqa: E402
import sys  # noqa: E402

import consistent_resize_chainer  # noqa: E402
from consistent_resize_chainer.convert import convert, find_resizes, format_resizes, preset_for  # noqa: E402

convert_module = sys.modules["consistent_resize_chainer.convert"]

from chainer_pspnet import PSPNet, chainer  # noqa: E402

F = chainer.functions
#: Chainer's own kernel and ours differ by float32 rounding (SPEC.md section 9): relative to max|y|.
RELATIVE = 1e-5


@pytest.fixture(scope="module")
def model():
    return PSPNet()


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(1).uniform(0, 1, (2, 3, 72, 80)).astype(np.float32)


def _run(link, x):
    with chainer.using_config("train", False), chainer.no_backprop_mode():
        return link(x).array


def test_find_resizes_lists_every_call(model, x):
    found = find_resizes(model, x)
    assert len(found) == 5
    assert {f.preset for f in found} == {"chainer"}
    assert [f.output_shape[2:] for f in found] == [(18, 20)] * 4 + [(72, 80)]
    assert sorted(f.input_shape[2:] for f in found[:4]) == [(1, 1), (2, 2), (3, 3), (6, 6)]
    assert all(f.location.startswith("chainer_pspnet.py:") for f in found)
    table = format_resizes(found)
    assert all(len(line) <= 80 for line in table.splitlines()), table


def test_keep_equals_chainer_and_runs_our_function(model, x):
    converted = convert(model)
    assert [name for name, _ in converted.namedparams()] == [name for name, _ in model.namedparams()]
    with chainer.using_config("train", False):
        y = converted(x)
    assert type(y.creator).__name__ == "ResizeFunction"
    want = _run(model, x)
    assert np.abs(y.array - want).max() <= RELATIVE * np.abs(want).max()
    assert convert_module._MODULE.ResizeImages is convert_module._ORIGINAL  # restored after the call
    assert type(model(x).creator).__name__ == "ResizeImages"  # the original is unchanged


def test_nearest_is_bit_for_bit():
    class Nearest(chainer.Chain):
        def forward(self, x):
            return F.resize_images(x, (11, 3), mode="nearest") * 2 + F.sum(F.resize_images(x, (5, 17), mode="nearest"))

    x = np.random.default_rng(2).uniform(0, 255, (1, 2, 7, 6)).astype(np.float32)
    np.testing.assert_array_equal(_run(convert(Nearest()), x), _run(Nearest(), x))


def test_retarget_is_the_reference_of_the_retargeted_calls():
    class Up(chainer.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.conv = chainer.links.Convolution2D(2, 3, 3, pad=1)

        def forward(self, x):
            return F.resize_images(self.conv(x), (13, 5), align_corners=False)

    link = Up()
    x = np.random.default_rng(3).uniform(0, 1, (2, 2, 6, 9)).astype(np.float32)
    with chainer.using_config("train", False), chainer.no_backprop_mode():
        features = link.conv(x).array.astype(np.float64)
    for preset in ("pytorch_bilinear", "tf1_bilinear", "pillow_bicubic"):
        got = _run(convert(link, preset=preset), x)
        want = reference(features, (13, 5), preset=preset)
        assert np.abs(got - want).max() <= RELATIVE * np.abs(want).max(), preset


def test_gradients_flow_through_our_function(model, x):
    converted = convert(model)
    for link in (model, converted):
        link.cleargrads()
        with chainer.using_config("train", False):
            F.sum(link(x) ** 2).backward()
    for (name, a), (_, b) in zip(sorted(model.namedparams()), sorted(converted.namedparams())):
        assert np.abs(a.grad - b.grad).max() <= 1e-4 * np.abs(a.grad).max() + 1e-7, name


def test_export_computes_chainers_numbers_in_onnxruntime(model, x, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    from consistent_resize_chainer.onnx import export

    converted = convert(model)
    path = tmp_path / "pspnet.onnx"
    with chainer.using_config("train", False):
        export(converted, x, str(path))
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, {session.get_inputs()[0].name: x})[0]
    want = _run(model, x)
    assert np.abs(got - want).max() <= RELATIVE * np.abs(want).max()


def test_errors(model):
    with pytest.raises(ValueError, match="did you mean 'chainer'"):
        convert(model, preset="chainr")
    with pytest.raises(TypeError, match="chainer.Link"):
        convert(lambda x: x)
    assert preset_for("bilinear", False) == "chainer_half_pixel"
    assert consistent_resize_chainer.convert is convert and consistent_resize_chainer.preset_for is preset_for


def test_plain_onnx_chainer_export_of_the_same_model_is_refused(model, x, tmp_path):
    """Why the converted export matters: onnx_chainer's own converter writes ``scales`` whose float32 product
    gives 19 rows where Chainer computes 20 (6 -> 20), and onnxruntime refuses the model it declared."""
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    import warnings

    import onnx_chainer

    path = tmp_path / "plain.onnx"
    with chainer.using_config("train", False), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        onnx_chainer.export(model, x, filename=str(path), opset_version=11)
    with pytest.raises(Exception, match="Inferred=19 Declared=20"):
        ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def test_readme_chainer_convert_section(capsys):
    """The README's Chainer "Convert an existing model" block runs and prints the table it shows; kept is
    Chainer's output, ported the reference of the retargeted call."""
    from readme_snippets import shown_output, snippet

    code = snippet("Convert an existing model", "Chainer")
    namespace: dict = {}
    exec(compile(code, "head.py", "exec"), namespace)  # the file the block says it is
    assert capsys.readouterr().out.splitlines() == shown_output(code)
    model, x, kept, ported = (namespace[k] for k in ("model", "x", "kept", "ported"))
    want = model(x).array
    np.testing.assert_allclose(kept(x).array, want, rtol=1e-5, atol=1e-6)
    pooled = chainer.functions.average_pooling_2d(x, 3).array
    np.testing.assert_allclose(ported(x).array, reference(pooled, (12, 18), preset="pytorch_bilinear"),
                               rtol=1e-5, atol=1e-6)
    assert np.abs(ported(x).array - want).max() > 1e-3
