"""The runtime matrix: random single-``Resize`` ONNX models run by every installed runtime, compared with the
NumPy reference, and ``docs/runtimes.md`` written from the runs.

A case is one ``Resize`` node (opset 19, attributes drawn from the ONNX spec: every mode,
``coordinate_transformation_mode``, ``nearest_mode``, ``cubic_coeff_a``, ``exclude_outside``, ``antialias``,
``extrapolation_value`` with a ``roi``, ``keep_aspect_ratio_policy``) on a float32 ``(1, 1, H, W)`` input with
``H, W`` in 1..7, and constant ``sizes`` or ``scales`` (initializers, so every runtime sees static shapes).
Each runtime's result is one of

- ``spec``: the output has the spec's shape and equals ``consistent_resize.resize`` (the node's spec, with the
  ``coordinate_arithmetic`` the runtime's rules name) to ``TOLERANCE`` (float32 rounding of a few taps),
  exactly for ``nearest``;
- ``different``: another shape, or values beyond that (the largest difference is kept);
- ``refused``: the runtime raised while loading, compiling or running the node (its first line is kept).

Each case is also put to the runtime's rules (``consistent_resize_tools.runtimes``): ``mismatch`` None is a pass.
A pass that the runtime does not compute as the spec is *silent* (the rules must have none); a flag where
the runtime computes the spec is a *false alarm* (counted and written down).

Run ``python -m consistent_resize_tools.runtime_matrix --write docs/runtimes.md`` (in ``.venv-modern``, where
the runtimes of ``requirements/runtimes.txt`` are installed) to regenerate the page. The runtimes are imported
inside the functions: importing this module needs NumPy (and the core) only.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import sys
import zlib
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from consistent_resize.arguments import plan_axes
from consistent_resize.reference import resize
from consistent_resize.spec import COORDINATE_TRANSFORMATION_MODES, NEAREST_MODES, ResizeSpec

OPSET = 19
#: Largest |runtime - reference| of a linear/cubic output (inputs in [0, 1)) that still counts as the spec.
TOLERANCE = 1e-5
#: The scales a ``scales`` case draws from (float32 values: what the node stores).
SCALES = (0.5, 0.6, 0.75, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 10 / 3)


@dataclasses.dataclass(frozen=True)
class Case:
    """One single-``Resize`` model: its attributes, input shape and ``sizes`` or ``scales`` (all 4 axes)."""

    attributes: tuple  # sorted (name, value) pairs, ONNX names
    shape: tuple
    sizes: Optional[tuple] = None
    scales: Optional[tuple] = None
    roi: Optional[tuple] = None
    axes: Optional[tuple] = None  # the node's ``axes`` attribute (then ``sizes`` lists those axes only)

    @property
    def attrs(self) -> Dict[str, Any]:
        return dict(self.attributes)

    @property
    def spec(self) -> ResizeSpec:
        return ResizeSpec.from_onnx(self.attrs)

    def describe(self) -> str:
        attrs = ", ".join(f"{k}={v}" for k, v in self.attributes)
        amount = f"sizes={list(self.sizes)}" if self.sizes is not None else f"scales={list(self.scales)}"
        roi = f", roi={list(self.roi)}" if self.roi is not None else ""
        axes = f", axes={list(self.axes)}" if self.axes is not None else ""
        return f"Resize({attrs}{axes}) {list(self.shape)} {amount}{roi}"

    def input(self) -> np.ndarray:
        """The case's float32 input in [0, 1) (a fixed function of the case)."""
        seed = zlib.crc32(repr((self.shape, self.attributes)).encode())
        return np.random.default_rng(seed).random(self.shape, dtype=np.float32)


def random_case(rng: np.random.Generator) -> Case:
    """A random case: attributes from the whole ONNX ``Resize`` vocabulary, small shapes incl. 1-pixel axes."""
    mode = str(rng.choice(["nearest", "linear", "cubic"]))
    attrs: Dict[str, Any] = {"mode": mode,
                             "coordinate_transformation_mode": str(rng.choice(COORDINATE_TRANSFORMATION_MODES))}
    if mode == "nearest":
        attrs["nearest_mode"] = str(rng.choice(NEAREST_MODES))
    else:
        attrs["antialias"] = int(rng.integers(2))
        if mode == "cubic":
            attrs["cubic_coeff_a"] = float(rng.choice([-0.75, -0.5]))
        if mode == "cubic" or attrs["antialias"]:
            attrs["exclude_outside"] = int(rng.integers(2))
    h, w = (int(v) for v in rng.integers(1, 8, size=2))
    shape = (1, 1, h, w)
    roi = None
    if attrs["coordinate_transformation_mode"] == "tf_crop_and_resize":
        attrs["extrapolation_value"] = float(rng.choice([0.0, -1.0, 2.5]))
        starts = rng.choice([0.0, 0.1, 0.25, -0.2], size=2)
        ends = rng.choice([1.0, 0.8, 0.6, 1.3], size=2)
        roi = tuple(float(np.float32(v)) for v in [0.0, 0.0, *starts, 1.0, 1.0, *ends])
    if rng.integers(2):
        out = tuple(int(v) for v in rng.integers(1, 10, size=2))
        if rng.integers(4) == 0 and roi is None:  # the policy needs ``axes``: it would also scale N and C
            attrs["keep_aspect_ratio_policy"] = str(rng.choice(["not_larger", "not_smaller"]))
            return Case(tuple(sorted(attrs.items())), shape, sizes=out, axes=(2, 3))
        return Case(tuple(sorted(attrs.items())), shape, sizes=(1, 1) + out, roi=roi)
    while True:
        scales = tuple(float(np.float32(s)) for s in rng.choice(SCALES, size=2))
        if all(np.floor(np.float32(i) * np.float32(s)) >= 1 and np.floor(i * s) >= 1
               for i, s in zip((h, w), scales)):
            return Case(tuple(sorted(attrs.items())), shape, scales=(1.0, 1.0) + scales, roi=roi)


def cases(count: int, seed: int = 17) -> List[Case]:
    """``count`` random cases from a fixed seed (the same list on every machine)."""
    rng = np.random.default_rng(seed)
    return [random_case(rng) for _ in range(count)]


def model(case: Case):
    """The case's ONNX model (opset 19): ``X`` -> ``Resize(X, roi, scales, sizes)`` -> ``Y``, constants as
    initializers."""
    from onnx import TensorProto, helper

    inits = [helper.make_tensor("roi", TensorProto.FLOAT, [len(case.roi)], list(case.roi))] if case.roi else []
    names = ["X", "roi" if case.roi else ""]
    if case.sizes is not None:
        inits.append(helper.make_tensor("sizes", TensorProto.INT64, [len(case.sizes)], list(case.sizes)))
        names += ["", "sizes"]
    else:
        inits.append(helper.make_tensor("scales", TensorProto.FLOAT, [4], list(case.scales)))
        names += ["scales"]
    extra = {"axes": list(case.axes)} if case.axes is not None else {}
    node = helper.make_node("Resize", names, ["Y"], name="resize", **case.attrs, **extra)
    graph = helper.make_graph(
        [node], "resize", [helper.make_tensor_value_info("X", TensorProto.FLOAT, list(case.shape))],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)], initializer=inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    m.ir_version = 9
    return m


# -- runners: model bytes + input -> output (raise: refused) -------------------------------------------------

def _onnxruntime(data: bytes, x: np.ndarray) -> np.ndarray:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    return session.run(None, {"X": x})[0]


@functools.lru_cache(maxsize=1)
def _openvino_core():
    import openvino

    return openvino.Core()


def openvino_config(name: str) -> Dict[str, str]:
    """The compile configuration of ``openvino`` (f32) and ``openvino-default`` (the machine's default)."""
    return {"INFERENCE_PRECISION_HINT": "f32"} if name == "openvino" else {}


def openvino_precision(name: str) -> str:
    """The inference precision OpenVINO's CPU plugin uses for ``name`` on this machine (read from it)."""
    if openvino_config(name):
        return "f32"
    from consistent_resize_tools.runtimes.openvino import default_precision

    return str(default_precision())


def _openvino(name: str) -> Callable:
    def run(data: bytes, x: np.ndarray) -> np.ndarray:
        core = _openvino_core()
        compiled = core.compile_model(core.read_model(model=data), "CPU", openvino_config(name))
        return np.asarray(compiled([x])[0])

    return run


def _tract(data: bytes, x: np.ndarray) -> np.ndarray:
    import os
    import tempfile

    import tract

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "m.onnx")
        with open(path, "wb") as f:
            f.write(data)
        runnable = tract.onnx().load(path).into_model().into_runnable()
        return runnable.run([x])[0].to_numpy()


# -- converter chains that take the ONNX model: ONNX -> another format, run by that format's runtime ----------

def _in_subprocess(code: str, data: bytes, x: np.ndarray, timeout: float = 120) -> np.ndarray:
    """Run ``code`` in a fresh interpreter with ``m.onnx`` (the model) and ``x.npy`` (the input) in its working
    folder; it writes ``y.npy``. A converter that aborts or crashes the process is a refusal (RuntimeError with
    the tail of its output), not a crash of the matrix."""
    import os
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "m.onnx"), "wb") as f:
            f.write(data)
        np.save(os.path.join(folder, "x.npy"), x)
        # PATH without pip: MNN's Python tools run `pip install -U aliyun-log-python-sdk` on import
        env = dict(os.environ, PATH="/usr/bin:/bin", PYTHONNOUSERSITE="1", CUDA_VISIBLE_DEVICES="",
                   TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS="1")
        done = subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True,
                              timeout=timeout)
        out = os.path.join(folder, "y.npy")
        if done.returncode != 0 or not os.path.exists(out):
            tail = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
            raise RuntimeError(f"exit {done.returncode}: " + " | ".join(tail[-3:]))
        return np.load(out)


#: MNN: ``_tools.mnnconvert`` (the wheel's MNNConvert) writes ``m.mnn``, ``MNN.nn`` runs it (NCHW). Not
#: ``MNN.tools.mnnconvert``: that imports ``MNN.tools.utils.log``, which pip-installs a logging SDK.
_MNN = """
import numpy as np, _tools, MNN
_tools.mnnconvert(["mnnconvert", "-f", "ONNX", "--modelFile", "m.onnx", "--MNNModel", "m.mnn"])
net = MNN.nn.load_module_from_file("m.mnn", ["X"], ["Y"])
x = np.load("x.npy")
y = net.forward(MNN.expr.const(x, list(x.shape), MNN.expr.NCHW))
np.save("y.npy", np.array(MNN.expr.convert(y, MNN.expr.NCHW).read(), dtype=np.float32))
"""

#: ncnn: pnnx (the wheel's binary) converts the ONNX model to ``m.ncnn.param`` / ``m.ncnn.bin``; ncnn runs it
#: on the (C, H, W) image.
_NCNN = """
import subprocess, sys, numpy as np, ncnn, pnnx
x = np.load("x.npy")
done = subprocess.run([pnnx.EXEC_PATH, "m.onnx", "inputshape=[%s]" % ",".join(map(str, x.shape))],
                      capture_output=True, text=True)
if done.returncode != 0:
    sys.exit("pnnx: " + (done.stderr or done.stdout).strip().splitlines()[-1])
net = ncnn.Net()
net.opt.num_threads = 1
if net.load_param("m.ncnn.param") != 0:  # pnnx leaves a node it cannot map as a layer ncnn does not have
    kinds = sorted({line.split()[0] for line in open("m.ncnn.param").read().splitlines()[2:] if line.strip()})
    sys.exit("ncnn cannot load the converted net (layers %s; pnnx: %s)" % (", ".join(kinds),
             "todo Resize" if "todo Resize" in done.stdout + done.stderr else "converted"))
net.load_model("m.ncnn.bin")
layers = [line.split() for line in open("m.ncnn.param").read().splitlines()[2:] if line.strip()]
blobs = [layer[4 + int(layer[2]):4 + int(layer[2]) + int(layer[3])] for layer in layers]  # each layer's outputs
ex = net.create_extractor()
ex.input(blobs[0][0], ncnn.Mat(np.ascontiguousarray(x[0])))  # the Input layer's blob
ret, out = ex.extract(blobs[-1][-1])  # the last layer's output (pnnx may fold the node away)
if ret != 0:
    sys.exit("ncnn extract returned %d" % ret)
np.save("y.npy", np.array(out, dtype=np.float32)[None])
"""

#: onnx2tf: ONNX -> TF -> ``m_float32.tflite`` (NHWC: the input and output transposed), run by LiteRT.
_ONNX2TF = """
import numpy as np, onnx2tf
from ai_edge_litert.interpreter import Interpreter
try:
    onnx2tf.convert(input_onnx_file_path="m.onnx", output_folder_path="out", non_verbose=True,
                    not_use_onnxsim=True)
except SystemExit as e:
    raise RuntimeError("onnx2tf exited: %s" % (e,))
it = Interpreter(model_path="out/m_float32.tflite", num_threads=1)
it.allocate_tensors()
x = np.load("x.npy").transpose(0, 2, 3, 1)
it.set_tensor(it.get_input_details()[0]["index"], np.ascontiguousarray(x))
it.invoke()
np.save("y.npy", it.get_tensor(it.get_output_details()[0]["index"]).transpose(0, 3, 1, 2))
"""


def tflite_ops(data: bytes) -> List[tuple]:
    """The operators of a ``.tflite`` flatbuffer, in order: ``(name, align_corners, half_pixel_centers)`` for
    the resize builtins, ``(name,)`` for every other (read with ``ai_edge_litert``'s schema)."""
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))
    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    ops = []
    for graph in model.subgraphs:
        for op in graph.operators:
            code = model.operatorCodes[op.opcodeIndex]
            name = names.get(max(code.builtinCode, code.deprecatedBuiltinCode), str(code.builtinCode))
            options = op.builtinOptions
            ops.append((name, bool(options.alignCorners), bool(options.halfPixelCenters))
                       if name in ("RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR") else (name,))
    return ops


def _converter(code: str) -> Callable:
    def run(data: bytes, x: np.ndarray) -> np.ndarray:
        return _in_subprocess(code, data, x)

    return run


def _version(module: str) -> Optional[str]:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # not installed
        return None


#: runtime name -> (distribution whose version it is, runner)
RUNNERS: Dict[str, tuple] = {
    "onnxruntime": ("onnxruntime", _onnxruntime),
    "openvino": ("openvino", _openvino("openvino")),
    "openvino-default": ("openvino", _openvino("openvino-default")),
    "tract": ("tract", _tract),
    "onnx2tf": ("onnx2tf", _converter(_ONNX2TF)),
    "mnn": ("mnn", _converter(_MNN)),
    "ncnn": ("ncnn", _converter(_NCNN)),
}


def installed() -> Dict[str, str]:
    """The runtimes of ``RUNNERS`` that are installed, with their versions."""
    found = {}
    for name, (dist, _) in RUNNERS.items():
        v = _version(dist)
        if v is not None:
            found[name] = v
    return found


@dataclasses.dataclass
class Result:
    runtime: str
    case: Case
    verdict: str  # "spec", "different", "refused", "undefined" (the spec itself has no value: not counted)
    difference: Optional[float] = None  # max |runtime - spec| where shapes agree
    detail: str = ""  # the refusal's first line, or the shapes
    predicted: Optional[str] = None  # the rules' reason (None: the rules pass it)

    @property
    def silent(self) -> bool:
        return self.predicted is None and self.verdict not in ("spec", "undefined")

    @property
    def false_alarm(self) -> bool:
        return self.predicted is not None and self.verdict == "spec"


def expected(case: Case, arithmetic: str) -> np.ndarray:
    """The spec's output for the case (float64), with ``coordinate_arithmetic=arithmetic``."""
    spec = case.spec.replace(coordinate_arithmetic=arithmetic)
    x = case.input().astype(np.float64)
    if case.sizes is not None:
        return resize(x, case.sizes, spec=spec, roi=case.roi, axes=case.axes)
    return resize(x, scale_factor=case.scales, spec=spec, roi=case.roi)


def predicted(runtime: str, case: Case) -> Optional[str]:
    """What the runtime's rules say of the case's spec with the runtime's ``coordinate_arithmetic`` (the spec
    ``expected`` computes; None: it computes that spec)."""
    from consistent_resize_tools.runtimes import rules

    spec = case.spec.replace(coordinate_arithmetic=rules(runtime).ARITHMETIC)
    shape = case.shape if case.axes is None else [case.shape[a] for a in case.axes]
    plans = plan_axes(shape, case.sizes, case.scales, spec, case.roi)
    return rules(runtime).mismatch(spec, plans, requested=case.sizes)


def refusal_line(error: BaseException) -> str:
    """The line of a runtime's error that says why (OpenVINO nests it under several "Check ... failed")."""
    noise = ("exception from", "check ", "frontend api", "model wasn't", "-- ", "while validating", "summary",
             "[onnxruntimeerror]")
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    telling = [line for line in lines if not line.lower().startswith(noise)]
    return ((telling or lines or [type(error).__name__])[0])[:200]


def run_case(runtime: str, case: Case) -> Result:
    """Run the case on ``runtime``, compare with the spec and put it to the rules."""
    from consistent_resize_tools.runtimes import rules

    spec = case.spec
    try:
        want = expected(case, rules(runtime).ARITHMETIC)
    except ValueError as error:  # the spec has no value here (an output whose weights sum to 0)
        return Result(runtime, case, "undefined", detail=str(error)[:160], predicted="the spec has no value")
    why = predicted(runtime, case)
    try:
        got = np.asarray(RUNNERS[runtime][1](model(case).SerializeToString(), case.input()), dtype=np.float64)
    except Exception as error:  # a runtime's refusal: any exception it raises
        return Result(runtime, case, "refused", detail=refusal_line(error), predicted=why)
    if got.shape != want.shape:
        return Result(runtime, case, "different", detail=f"shape {list(got.shape)}, spec {list(want.shape)}",
                      predicted=why)
    difference = float(np.abs(got - want).max(initial=0.0))
    ok = difference == 0 if spec.mode == "nearest" else difference <= TOLERANCE
    return Result(runtime, case, "spec" if ok else "different", difference, predicted=why)


def run_matrix(count: int = 300, seed: int = 17, runtimes: Optional[Sequence[str]] = None) -> List[Result]:
    """Every case of ``cases(count, seed)`` on every installed runtime (or those named)."""
    names = [r for r in runtimes if r in RUNNERS] if runtimes is not None else list(installed())
    return [run_case(r, c) for c in cases(count, seed) for r in names]


def rules_in_words(module) -> List[str]:
    """A rules module's ``RULES``, or the bullets of its docstring where it has none."""
    if getattr(module, "RULES", None):
        return list(module.RULES)
    bullets, current = [], None
    for line in (module.__doc__ or "").splitlines():
        if line.startswith("- "):
            current = line[2:].strip()
            bullets.append(current)
        elif current is not None and line.startswith("  ") and line.strip():
            bullets[-1] += " " + line.strip()
        else:
            current = None
    return bullets


# -- LiteRT: TFLite builtins converted from tf.compat.v1.image.resize_* -------------------------------------

@dataclasses.dataclass(frozen=True)
class LiteCase:
    """One TFLite model: builtin ``(op, align_corners, half_pixel_centers)``, NHWC input shape, output size."""

    builtin: tuple
    shape: tuple
    size: tuple

    def describe(self) -> str:
        op, corners, centers = self.builtin
        return f"{op}(align_corners={corners}, half_pixel_centers={centers}) {list(self.shape)} -> {list(self.size)}"


def lite_cases(count: int, seed: int = 17) -> List[LiteCase]:
    from consistent_resize_tools.runtimes.litert import BUILTINS

    rng = np.random.default_rng(seed)
    keys = list(BUILTINS)
    out = []
    for _ in range(count):
        key = keys[int(rng.integers(len(keys)))]
        h, w = (int(v) for v in rng.integers(1, 10, size=2))
        size = tuple(int(v) for v in rng.integers(1, 13, size=2))
        out.append(LiteCase(key, (1, h, w, int(rng.integers(1, 3))), size))
    return out


def _litert_run(case: LiteCase, x: np.ndarray) -> np.ndarray:
    import tensorflow as tf
    from ai_edge_litert.interpreter import Interpreter

    op, corners, centers = case.builtin
    call = (tf.compat.v1.image.resize_bilinear if op == "RESIZE_BILINEAR"
            else tf.compat.v1.image.resize_nearest_neighbor)
    f = tf.function(lambda v: call(v, case.size, align_corners=corners, half_pixel_centers=centers),
                    input_signature=[tf.TensorSpec(case.shape, tf.float32)])
    converter = tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()], f)
    interpreter = Interpreter(model_content=converter.convert())
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])


def litert_results(count: int = 24, seed: int = 17) -> List[Result]:
    """Each case converted to TFLite (builtins) and run by LiteRT, against the builtin's preset."""
    from consistent_resize.presets import preset_spec
    from consistent_resize_tools.runtimes import litert

    results = []
    for case in lite_cases(count, seed):
        spec = preset_spec(litert.BUILTINS[case.builtin])
        x = np.random.default_rng(zlib.crc32(case.describe().encode())).random(case.shape, dtype=np.float32)
        want = resize(x.astype(np.float64), case.size, spec=spec, axes=(1, 2))
        why = litert.mismatch(spec, plan_axes(case.shape[1:3], case.size, None, spec))
        try:
            got = np.asarray(_litert_run(case, x), dtype=np.float64)
        except Exception as error:  # the converter's or the runtime's refusal
            results.append(Result("litert", case, "refused", detail=refusal_line(error), predicted=why))
            continue
        if got.shape != want.shape:
            results.append(Result("litert", case, "different", detail=f"shape {list(got.shape)}", predicted=why))
            continue
        difference = float(np.abs(got - want).max(initial=0.0))
        ok = difference == 0 if spec.mode == "nearest" else difference <= TOLERANCE
        results.append(Result("litert", case, "spec" if ok else "different", difference, predicted=why))
    return results


# -- the page -----------------------------------------------------------------------------------------------

def _counts(results: Sequence[Result], runtime: str) -> Dict[str, int]:
    mine = [r for r in results if r.runtime == runtime and r.verdict != "undefined"]
    return {"cases": len(mine), "spec": sum(r.verdict == "spec" for r in mine),
            "different": sum(r.verdict == "different" for r in mine),
            "refused": sum(r.verdict == "refused" for r in mine),
            "silent": sum(r.silent for r in mine), "false_alarms": sum(r.false_alarm for r in mine)}


def page(results: Sequence[Result], count: int, seed: int) -> str:
    """``docs/runtimes.md`` from the results."""
    from consistent_resize_tools.runtimes import rules

    versions = installed()
    names = list(dict.fromkeys(r.runtime for r in results))
    lines = [
        "# Runtime matrix",
        "",
        "Generated by `python -m consistent_resize_tools.runtime_matrix --write docs/runtimes.md` (in `.venv-converters`,",
        "runtimes from `requirements/runtimes.txt` and `converters.txt`; ~36 min on 2 cores): do not edit by hand. "
        f"{count} random single-`Resize` ONNX models (opset {OPSET}, seed {seed}),",
        "attributes from the whole ONNX vocabulary, float32 `(1, 1, H, W)` inputs with H, W in 1..7, constant",
        "`sizes` or `scales`; each runtime's output compared with `consistent_resize.resize` of the node's spec",
        f"(with the runtime's `coordinate_arithmetic`): equal to {TOLERANCE:g} (inputs in [0, 1)), exactly for nearest.",
        "`silent`: the rules (`consistent_resize_tools/runtimes/`) pass a case the runtime computes otherwise (must be 0);",
        "`false alarms`: the rules flag a case the runtime computes as the spec (the rules are conservative where",
        "the measurement shows a family of nodes departs but not exactly where: nearest coordinates at a rounding",
        "tie, tract's `tf_crop_and_resize` beyond the input and `pytorch_half_pixel` with an output length 1).",
        "`litert`: TFLite builtins converted from `tf.compat.v1.image.resize_*` (random sizes), against their presets.",
        "`onnx2tf`, `mnn`, `ncnn`: converter chains (ONNX -> TFLite in LiteRT, MNN, pnnx -> ncnn; `make test-converters`,",
        "`requirements/converters.txt`), run where installed, each case in a subprocess.",
        "",
        "Use: `consistent-resize audit MODEL.onnx --runtime NAME [--input-shape x=1x3x72x80] [--run]` flags every",
        "node NAME computes otherwise (exit 1); `consistent-resize fix MODEL.onnx -o OUT.onnx --runtime NAME",
        "[--source onnx_chainer]` rewrites those nodes (constant `sizes` with the spec's attributes where the rules",
        "pass that, else the exact table graph). OpenVINO's default on a bf16 CPU cannot be fixed in the model:",
        "compile with `INFERENCE_PRECISION_HINT='f32'`.",
        "",
        "| runtime | version | precision | cases | computed as spec | different | refused | silent | false alarms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        c = _counts(results, name)
        precision = openvino_precision(name) if name.startswith("openvino") else "f32"
        version = versions.get(name) or (_version("ai-edge-litert") if name == "litert" else "?")
        lines.append(f"| {name} | {version} | {precision} | {c['cases']} | {c['spec']} | "
                     f"{c['different']} | {c['refused']} | {c['silent']} | {c['false_alarms']} |")
    for name in names:
        module = rules(name)
        lines += ["", f"## {name}", "", f"Rules measured on {module.NAME} {module.MEASURED[0]} .. "
                  f"{module.MEASURED[1]} (`consistent_resize_tools/runtimes/{module.__name__.rsplit('.', 1)[1]}.py`):", ""]
        lines += [f"- {rule}" for rule in rules_in_words(module)]
        wrong = [r for r in results if r.runtime == name and r.verdict != "spec"]
        if wrong:
            lines += ["", "Evidence (cases not computed as the spec, up to 12):", ""]
            for r in wrong[:12]:
                what = f"max diff {r.difference:.3g}" if r.difference is not None else r.detail
                lines.append(f"- {r.verdict}: `{r.case.describe()}`: {what}")
        alarms = [r for r in results if r.runtime == name and r.false_alarm]
        if alarms:
            lines += ["", "False alarms (up to 8):", ""]
            lines += [f"- `{r.case.describe()}`: {r.predicted}" for r in alarms[:8]]
    return "\n".join(lines) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m consistent_resize_tools.runtime_matrix",
                                     description="Run the runtime matrix and print or write docs/runtimes.md.")
    parser.add_argument("--count", type=int, default=300, help="number of random cases (default 300)")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--runtime", action="append", help="a runtime to run (default: every installed one; "
                        "litert: TFLite builtins from tf.compat.v1.image.resize_*)")
    parser.add_argument("--write", metavar="PATH", help="write the page to PATH (default: print it)")
    args = parser.parse_args(argv)
    results = run_matrix(args.count, args.seed, args.runtime)
    if args.runtime is None or "litert" in args.runtime:
        import importlib.util

        if importlib.util.find_spec("ai_edge_litert") and importlib.util.find_spec("tensorflow"):
            results += litert_results(seed=args.seed)
    text = page(results, args.count, args.seed)
    if args.write:
        with open(args.write, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
