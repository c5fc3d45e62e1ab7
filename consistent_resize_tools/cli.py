"""The ``consistent-resize`` command line (also ``python -m consistent_resize``).

Subcommands:

- ``compare``: run every installed library's resize on built-in examples (or ``--input FILE``) and print
  which spec each one is and how far it is from ``consistent_resize.resize`` under its preset.
- ``audit MODEL.onnx [--expect PRESET[,PRESET][,NODE=PRESET]] [--runtime NAME [--run]]``: list the model's
  ``Resize``/``Upsample`` nodes (and table-graph resizes) and the presets they equal; exit status 1 when a
  node differs from ``--expect`` or runtime NAME would compute it otherwise (``docs/runtimes.md``).
- ``fix MODEL.onnx -o OUT.onnx --runtime NAME [--source onnx_chainer]``: rewrite the nodes NAME computes
  otherwise into equivalents it computes as the spec (``consistent_resize_tools.fix``).
- ``explain SPEC_OR_PRESET [--in N --out M]``: the coordinate formula and the 1-D table of a spec.

Exit status: 0 success, 1 ``audit`` flagged a node, 2 bad usage or input (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import shutil
import os
import sys
import tempfile
import textwrap
from typing import Optional, Sequence

PROG = "consistent-resize"


class UsageError(Exception):
    """A problem with the user's input: printed as one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit status 2 (argparse prints the usage too)
        raise UsageError(f"{message} (see {self.prog} --help)")


def parse_size(text: str):
    """``"4x4"``, ``"4,6"`` or ``"4"`` (square) -> ``(out_h, out_w)``."""
    parts = text.lower().replace("x", ",").split(",")
    try:
        values = [int(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid size {text!r}; expected H x W as '4x4', '4,6' or '4'") from None
    if len(values) == 1:
        values = values * 2
    if len(values) != 2 or min(values) < 1:
        raise argparse.ArgumentTypeError(f"invalid size {text!r}; expected two integers >= 1 as '4x4'")
    return tuple(values)


def read_image(path: str):
    """A 2-D float64 grayscale array from an image file (PNG, JPEG, TIFF, ... via Pillow) or a ``.npy``.

    Raises:
        UsageError: the file is missing, not an image, or Pillow is not installed.
    """
    import numpy as np

    if not os.path.exists(path):
        raise UsageError(f"no such file: {path}")
    if os.path.isdir(path):
        raise UsageError(f"{path} is a directory, not an image")
    if path.lower().endswith(".npy"):
        try:
            x = np.load(path, allow_pickle=False)
        except Exception as error:
            raise UsageError(f"cannot read {path} as a .npy array ({type(error).__name__}: {error})") from None
        if x.ndim != 2 or x.dtype.kind not in "iuf" or x.size == 0:
            raise UsageError(f"{path}: expected a non-empty 2-D numeric array, got shape {x.shape} dtype {x.dtype}")
        return x.astype(np.float64)
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        raise UsageError("reading an image needs Pillow: pip install pillow") from None
    try:
        with Image.open(path) as image:
            image.load()
            gray = image.convert("F") if image.mode in ("F", "I", "I;16", "L") else image.convert("L").convert("F")
            return np.asarray(gray, dtype=np.float64)
    except UnidentifiedImageError:
        raise UsageError(f"cannot read {path} as an image (not a format Pillow knows)") from None
    except (OSError, ValueError, SyntaxError) as error:
        raise UsageError(f"cannot read {path} as an image ({type(error).__name__}: {error})") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="One precisely specified image resize (ONNX Resize semantics): compare the libraries, "
        "audit ONNX models, explain a spec.",
        epilog="Exit status: 0 ok, 1 audit flagged a node, 2 bad usage or input.",
    )
    from consistent_resize import __version__

    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    compare = commands.add_parser(
        "compare",
        help="run every installed library's resize and say which spec each one is",
        description="Run every installed library (through consistent_resize_tools.libraries) on the seed case "
        "(2x2 [[64,32],[64,32]] -> 4x4), a 1-D ramp up- and downsampled and a zone plate downsampled 4x, "
        "or on --input FILE; print each library call, its output, the presets whose spec gives the same "
        "output, its coordinate_transformation_mode and the max difference from consistent_resize.resize "
        "under its preset. The presets beyond ONNX (spec extensions) follow the ONNX ones under their own "
        "heading in each table.",
    )
    compare.add_argument("--size", type=parse_size, metavar="HxW",
                         help="output size of the seed case (default 4x4), or of --input (default: half)")
    compare.add_argument("--input", metavar="FILE",
                         help="compare on this image instead (PNG, JPEG, ... read as float grayscale; or .npy)")
    compare.add_argument("--json", action="store_true", help="print JSON instead of tables")
    compare.add_argument("--wide", action="store_true",
                         help="print the full tables (coordinate modes, every equal preset), wider than a terminal")
    compare.add_argument("--plot", metavar="FILE.png",
                         help="also write a PNG: 1-D profiles of the first case, the last case per library")
    compare.add_argument("--verbose", action="store_true",
                         help="show the libraries' own log output and warnings (hidden by default)")

    audit = commands.add_parser(
        "audit",
        help="list the Resize/Upsample nodes of an ONNX model and check them against a preset",
        description="List every Resize/Upsample node of MODEL (name, opset, every attribute with ONNX's "
        "defaults filled in, constant scales or sizes) and the presets it equals. With --expect, flag "
        "every node whose semantics differ from that preset; the exit status is 1 when a node is flagged.",
    )
    audit.add_argument("model", metavar="MODEL.onnx", help="the ONNX model file")
    audit.add_argument("--expect", metavar="PRESET[,PRESET...][,NODE=PRESET...]",
                       help="the preset(s) every resize node must equal (one of them), or NODE=PRESET per node")
    audit.add_argument("--runtime", metavar="NAME",
                       help="also check that runtime NAME computes every node's spec for the model's shapes "
                       "(onnxruntime, openvino, openvino-default, tract; docs/runtimes.md)")
    audit.add_argument("--input-shape", metavar="NAME=1x3x72x80", action="append", default=[],
                       help="a static shape for a graph input whose dimensions the model leaves open")
    audit.add_argument("--run", action="store_true",
                       help="with --runtime: also run each node on the installed runtime against the reference "
                       "(random input) and print the measured max difference")
    audit.add_argument("--json", action="store_true", help="print JSON instead of text")

    fix = commands.add_parser(
        "fix",
        help="rewrite the resize nodes a runtime computes wrongly into equivalents it computes as the spec",
        description="Write MODEL to OUT with every Resize/Upsample node that runtime NAME would compute "
        "otherwise than its spec rewritten: another attribute set with constant sizes where one exists, else the "
        "exact table graph (Gather/Mul/Add) for the model's static shapes. Every other node stays. Prints what "
        "changed.",
    )
    fix.add_argument("model", metavar="MODEL.onnx", help="the ONNX model file")
    fix.add_argument("-o", "--output", required=True, metavar="OUT.onnx", help="where to write the fixed model")
    fix.add_argument("--runtime", default="onnxruntime", metavar="NAME",
                     help="the runtime the model ships to (default onnxruntime)")
    fix.add_argument("--source", metavar="TOOL", help="the tool that wrote MODEL, whose resize semantics to "
                     "restore: onnx_chainer (F.resize_images computes align_corners)")
    fix.add_argument("--input-shape", metavar="NAME=1x3x72x80", action="append", default=[],
                     help="a static shape for a graph input whose dimensions the model leaves open")

    explain = commands.add_parser(
        "explain",
        help="print the coordinate formula and the 1-D table of a spec",
        description="Print the coordinate formula of a spec and its 1-D table (source indices and "
        "weights) for in -> out. SPEC is a preset name, or key=value,... of ResizeSpec fields "
        "(mode, coordinate_transformation_mode, nearest_mode, cubic_coeff_a, exclude_outside, antialias, "
        "extrapolation_value, keep_aspect_ratio_policy, coordinate_arithmetic), optionally after a preset "
        "name: 'pytorch_bilinear,antialias=1'.",
    )
    explain.add_argument("spec", metavar="SPEC_OR_PRESET")
    explain.add_argument("--in", dest="in_size", type=int, default=2, metavar="N", help="input length (default 2)")
    group = explain.add_mutually_exclusive_group()
    group.add_argument("--out", dest="out_size", type=int, metavar="M", help="output length (default 4)")
    group.add_argument("--scale", type=float, metavar="S",
                       help="instead of --out: the ONNX scale (out = floor(N * S); S enters the formula)")
    explain.add_argument("--wide", action="store_true", help="do not wrap the lines to the terminal width")

    presets = commands.add_parser(
        "presets", help="list the presets and the library call each one reproduces",
        description="List every preset (consistent_resize.PRESETS) and the library call it reproduces, "
        "the ones an ONNX Resize node expresses first, then those beyond ONNX (spec extensions), with the "
        "other libraries' calls proven to compute the same numbers. Fits the terminal; --wide adds each "
        "spec, the proven domain and the test that proves it; --json gives all of it as data.")
    view = presets.add_mutually_exclusive_group()
    view.add_argument("--wide", action="store_true", help="also print each spec, domain and proof")
    view.add_argument("--json", action="store_true", help="print the registry as JSON")
    return parser


@contextlib.contextmanager
def _library_logs(show: bool):
    """Unless ``show``: send what the libraries write to the process' stderr (file descriptor 2: the C++
    logs of TensorFlow and its TFLite converter, which no Python setting silences) to a discarded
    temporary file while they run. A failing library call is reported in its table row, not on stderr."""
    if show:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _quiet_tensorflow() -> None:
    """Keep TensorFlow's start-up and deprecation logs off the terminal (set before it is imported)."""
    import logging

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)


def _check_plot_path(path: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise UsageError(f"cannot write the plot {path}: no directory {directory}")
    try:
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:
        raise UsageError("--plot needs matplotlib: pip install matplotlib") from None
    formats = sorted(FigureCanvasBase.get_supported_filetypes())
    extension = os.path.splitext(path)[1].lstrip(".").lower()
    if extension not in formats:
        raise UsageError(f"cannot write the plot {path}: unknown image format {extension!r}; use one of {', '.join(formats)}")


def _compare(args, out) -> int:
    import warnings

    from . import compare, data

    _quiet_tensorflow()
    if args.plot is not None:
        _check_plot_path(args.plot)
    if args.input is not None:
        x = read_image(args.input)
        size = args.size or (max(1, x.shape[0] // 2), max(1, x.shape[1] // 2))
        name = os.path.basename(args.input)
        cases = [data.Case("input", f"{name}: {x.shape[0]}x{x.shape[1]} -> {size[0]}x{size[1]} (first output row)", x, size)]
    else:
        cases = data.default_cases(args.size or (4, 4))
    with warnings.catch_warnings(), _library_logs(show=args.verbose):
        # the libraries' own deprecation notices (tf.compat.v1, tf.lite, ...) are not about this run
        if not args.verbose:
            warnings.simplefilter("ignore")
        results, skipped, versions = compare.compare(cases)
    if args.json:
        json.dump(compare.to_json(results, skipped, versions), out, indent=1)
        out.write("\n")
    elif args.wide:
        out.write(compare.format_results(results, skipped, versions) + "\n")
    else:
        width = shutil.get_terminal_size((80, 24)).columns
        out.write(compare.format_narrow(results, skipped, versions, width) + "\n")
    if args.plot is not None:
        try:
            compare.plot(results, args.plot)
        except OSError as error:  # e.g. no permission to write there
            raise UsageError(f"cannot write the plot {args.plot}: {error}") from None
        if not args.json:
            out.write(f"wrote {args.plot}\n")
    return 0


def _audit(args, out) -> int:
    from . import audit

    try:
        import onnx  # noqa: F401
    except ImportError:
        raise UsageError("audit needs onnx: pip install onnx") from None
    from .explain import check_preset

    try:
        common, per_node = audit.parse_expect(args.expect)
        for name in common + list(per_node.values()):
            check_preset(name)
        if args.runtime is not None:
            from consistent_resize_tools.runtimes import rules

            rules(args.runtime)
        shapes = dict(_parse_input_shape(text) for text in args.input_shape)
        if args.run and args.runtime is None:
            raise ValueError("--run needs --runtime NAME (the runtime to run the nodes on)")
        reports = audit.audit_model(args.model, args.expect, args.runtime, shapes, run=args.run)
        tables = audit.find_table_resizes(audit._load(args.model))
    except (audit.AuditError, ValueError) as error:  # unreadable model; unknown preset or runtime
        raise UsageError(str(error)) from None
    if args.json:
        json.dump(audit.to_json(args.model, reports, args.expect), out, indent=1)
        out.write("\n")
    else:
        out.write(audit.format_reports(args.model, reports, args.expect, args.runtime, tables) + "\n")
    table_flags = args.runtime is not None and tables and audit.table_flag(args.runtime)
    return 1 if any(r.flag or r.runtime_flag for r in reports) or table_flags else 0


def _fix(args, out) -> int:
    from . import audit, fix

    try:
        import onnx  # noqa: F401
    except ImportError:
        raise UsageError("fix needs onnx: pip install onnx") from None
    try:
        shapes = dict(_parse_input_shape(text) for text in args.input_shape)
        changes = fix.fix_model(args.model, args.output, args.runtime, args.source, shapes)
    except (audit.AuditError, ValueError) as error:
        raise UsageError(str(error)) from None
    out.write(fix.format_changes(args.model, args.output, args.runtime, changes) + "\n")
    return 0


def _parse_input_shape(text: str):
    """``NAME=1x3x72x80`` -> ``("NAME", [1, 3, 72, 80])``."""
    name, _, dims = text.rpartition("=")
    try:
        shape = [int(d) for d in dims.lower().replace(",", "x").split("x")]
    except ValueError:
        shape = []
    if not name or not shape or any(d < 1 for d in shape):
        raise UsageError(f"invalid --input-shape {text!r}; expected NAME=1x3x72x80 (the input's name, then "
                         "every dimension >= 1)")
    return name, shape


def _explain(args, out) -> int:
    from .explain import explain, parse_spec

    if args.in_size < 1:
        raise UsageError(f"--in must be >= 1, got {args.in_size}")
    out_size = args.out_size if args.out_size is not None or args.scale is not None else 4
    try:
        spec, preset = parse_spec(args.spec)  # unknown preset or field: ValueError with the close names
        width = None if args.wide else shutil.get_terminal_size((80, 24)).columns
        text = explain(spec, args.in_size, out_size, args.scale, preset=preset, width=width)  # bad --out/--scale
    except (ValueError, TypeError) as error:
        raise UsageError(str(error)) from None
    out.write(text + "\n")
    return 0


#: the heading ``presets`` prints above the presets beyond ONNX
BEYOND_ONNX_HEADING = "beyond ONNX: spec extensions no Resize node expresses (docs/extensions.md)"


def _presets(args, out) -> int:
    from consistent_resize.presets import PRESETS

    if args.json:
        rows = [dict(name=p.name, library=p.library, call=p.call, beyond_onnx=p.beyond_onnx, proof=p.proof,
                     domain=p.domain, also=list(p.also), spec=dataclasses.asdict(p.spec)) for p in PRESETS.values()]
        json.dump(rows, out, indent=1)
        out.write("\n")
        return 0
    width = shutil.get_terminal_size((80, 24)).columns
    wrap = textwrap.TextWrapper(width=width, initial_indent="  ", subsequent_indent="    ",
                                break_long_words=False, break_on_hyphens=False)
    for heading, beyond in (("ONNX Resize", False), (BEYOND_ONNX_HEADING, True)):
        chosen = [p for p in PRESETS.values() if p.beyond_onnx == beyond]
        out.write("\n".join(textwrap.wrap(f"# {heading} ({len(chosen)})", width)) + "\n")
        for preset in chosen:
            lines = [preset.name, *wrap.wrap(preset.call), *(wrap.wrap(f"= {call}") for call in preset.also)]
            lines = [line for item in lines for line in ([item] if isinstance(item, str) else item)]
            if args.wide:
                lines += [*wrap.wrap(f"spec: {preset.spec.describe()}"),
                          *wrap.wrap(f"proven for {preset.domain} ({preset.proof})")]
            out.write("\n".join(lines) + "\n")
    return 0


def main(argv: Optional[Sequence[str]] = None, out=None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit status.

    Example:
        >>> main(["explain", "chainer", "--in", "2", "--out", "3"]) == 0  # doctest: +ELLIPSIS
        spec: ...
        True
    """
    out = out if out is not None else sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
        if args.command is None:
            parser.print_help(out)
            return 2
        handler = {"compare": _compare, "audit": _audit, "fix": _fix, "explain": _explain, "presets": _presets}[args.command]
        return handler(args, out)
    except UsageError as error:
        sys.stderr.write(f"{PROG}: error: {error}\n")
        return 2
    except SystemExit as exit_:  # --help, --version
        return int(exit_.code or 0)
    except BrokenPipeError:  # `consistent-resize compare | head`: stop quietly, as other tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def entry_point() -> None:  # pragma: no cover - what the console script and `python -m` call
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    entry_point()
