"""``consistent-resize compare``: run every installed library's resize and say which spec each one is.

For each case (an input image and an output size) and each preset whose library is installed, the real
library is called through ``consistent_resize_tools.libraries.RUNNERS`` and its output is compared with the NumPy
reference ``consistent_resize.resize`` under every preset's spec. A library output *equals* a spec when
``max |library - reference| <= 1e-4 * max |x|`` (``EQUAL_TOLERANCE``).

The presets beyond ONNX (``Preset.beyond_onnx``: spec extensions no ONNX ``Resize`` node expresses) are
run and compared too; their rows carry ``beyond_onnx`` and follow the ONNX ones under their own heading.

Libraries are imported lazily (through the runners); the core keeps depending on NumPy alone.
"""

from __future__ import annotations

import textwrap

import dataclasses
import importlib
from typing import Dict, List, Optional, Sequence

import numpy as np

from .data import Case
from consistent_resize.presets import PRESETS
from consistent_resize.reference import resize

#: relative tolerance of "equals": ``max |a - b| <= EQUAL_TOLERANCE * max |x|``
EQUAL_TOLERANCE = 1e-4
#: every preset ``compare`` runs: the ONNX ones, then those beyond ONNX
ALL_PRESETS = PRESETS  # the one registry (kept under this name for callers)
#: the heading of the rows beyond ONNX in the text tables
BEYOND_ONNX = "beyond ONNX (spec extensions, no ONNX Resize node; docs/extensions.md):"


@dataclasses.dataclass
class Row:
    """One library call on one case."""

    preset: str
    library: str
    call: str
    coordinate_transformation_mode: str
    output: Optional[np.ndarray]  # the library's output (None if it failed)
    max_diff: Optional[float]  # max |library - reference under this preset|
    equals: List[str]  # every preset whose spec gives the library's output (own preset included)
    error: Optional[str] = None
    torch_layer_diff: Optional[float] = None  # max |library - consistent_resize_torch.resize| (if installed)
    beyond_onnx: bool = False  # no ONNX Resize node expresses the preset's spec (Preset.beyond_onnx)


@dataclasses.dataclass
class CaseResult:
    case: Case
    rows: List[Row]


@dataclasses.dataclass
class Skipped:
    """Presets that were not run, and why."""

    library: str
    presets: List[str]
    reason: str


def library_problem(library: str) -> Optional[str]:
    """None if ``library`` (a ``Preset.library`` name) imports here, else why not (one line)."""
    from .libraries import LIBRARY_MODULES

    try:
        module = importlib.import_module(LIBRARY_MODULES[library])
        if library == "chainer":  # as ``libraries.available`` does: import Chainer itself
            module.import_chainer()
    except Exception as error:  # an installed but broken library counts as not installed: say why
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        return f"not installed ({message})"
    return None


def library_version(library: str) -> str:
    """The installed version of an importable library (``"?"`` if it does not say)."""
    if library == "chainer":
        from consistent_resize_chainer._import import import_chainer

        module = import_chainer()
    else:
        module = importlib.import_module({"opencv": "cv2", "pillow": "PIL"}.get(library, library))
    return str(getattr(module, "__version__", "?"))


def plan_presets(presets: Optional[Sequence[str]] = None):
    """Split the presets into those to run and those skipped (with the reason).

    Returns:
        ``(run, skipped, versions)``: preset names to run, a list of ``Skipped``, and
        ``{library: version}`` of the libraries that will run.
    """
    from .libraries import RUNNERS

    names = list(ALL_PRESETS) if presets is None else list(presets)
    problems: Dict[str, Optional[str]] = {}
    run, missing_runner, not_installed = [], {}, {}
    for name in names:
        library = ALL_PRESETS[name].library
        if library not in problems:
            problems[library] = library_problem(library)
        if problems[library] is not None:
            not_installed.setdefault(library, []).append(name)
        elif name not in RUNNERS:
            missing_runner.setdefault(library, []).append(name)
        else:
            run.append(name)
    skipped = [Skipped(lib, p, problems[lib]) for lib, p in not_installed.items()]
    skipped += [Skipped(lib, p, "no runner registered in consistent_resize_tools.libraries") for lib, p in missing_runner.items()]
    versions = {ALL_PRESETS[n].library: library_version(ALL_PRESETS[n].library) for n in run}
    return run, skipped, versions


def _torch_layer():
    """``consistent_resize_torch.resize`` applied to a 2-D float64 array, or None if not installed."""
    try:
        import torch

        from consistent_resize_torch import resize as torch_resize
    except ImportError:
        return None

    def run(x: np.ndarray, size, spec) -> np.ndarray:
        return torch_resize(torch.from_numpy(x[None, None]), size, spec=spec)[0, 0].numpy()

    return run


def run_case(case: Case, presets: Sequence[str]) -> CaseResult:
    """Run each preset's real library on ``case`` and compare with the reference under every spec (and,
    if ``consistent_resize_torch`` is installed, with our PyTorch layer under the row's preset)."""
    from .libraries import RUNNERS

    torch_layer = _torch_layer()
    x = np.asarray(case.x, dtype=np.float64)
    size = tuple(case.size)
    tolerance = EQUAL_TOLERANCE * max(float(np.max(np.abs(x))), 1e-30)
    references = {name: resize(x, size, spec=p.spec) for name, p in ALL_PRESETS.items()}
    rows = []
    for name in presets:
        preset = ALL_PRESETS[name]
        row = Row(name, preset.library, preset.call, preset.spec.coordinate_transformation_mode, None, None, [],
                  beyond_onnx=preset.beyond_onnx)
        try:
            output = np.asarray(RUNNERS[name](x.copy(), size), dtype=np.float64)
        except Exception as error:  # shown in the table as this row's result, never hidden
            row.error = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            rows.append(row)
            continue
        if output.shape != references[name].shape:
            row.error = f"output shape {output.shape}, expected {references[name].shape}"
            rows.append(row)
            continue
        row.output = output
        row.max_diff = float(np.max(np.abs(output - references[name])))
        row.equals = [
            other for other, ref in references.items() if float(np.max(np.abs(output - ref))) <= tolerance
        ]
        if torch_layer is not None:
            row.torch_layer_diff = float(np.max(np.abs(output - torch_layer(x, size, preset.spec))))
        rows.append(row)
    return CaseResult(case, rows)


def compare(cases: Sequence[Case], presets: Optional[Sequence[str]] = None):
    """Run every case; returns ``(results, skipped, versions)`` (see ``plan_presets``)."""
    run, skipped, versions = plan_presets(presets)
    return [run_case(case, run) for case in cases], skipped, versions


# -- text -------------------------------------------------------------------------------------------------


def _number(v: float) -> str:
    return f"{v:.4g}"


def box_mean(x: np.ndarray, size: Sequence[int]) -> Optional[np.ndarray]:
    """The mean of each ``(H / out_h) x (W / out_w)`` block when both ratios are integers, else None."""
    h, w = x.shape
    oh, ow = size
    if h % oh or w % ow:
        return None
    return x.reshape(oh, h // oh, ow, w // ow).mean(axis=(1, 3))


def describe_output(case: Case, output: np.ndarray, width: int = 8) -> str:
    """The table's output cell: the first row (at most ``width`` values), or for a downsampling by an
    integer factor of an image taller than 2 rows, the rms distance from the block mean (aliasing)."""
    x = np.asarray(case.x, dtype=np.float64)
    box = box_mean(x, case.size) if case.name == "zone_plate" else None
    if box is not None:
        return f"rms {float(np.sqrt(np.mean((output - box) ** 2))):.2f}"
    row = output[0]
    text = " ".join(_number(v) for v in row[:width])
    return text + (" ..." if len(row) > width else "")


def _equals_cell(row: Row, limit: int = 3) -> str:
    others = [n for n in row.equals if n != row.preset]
    if not others:
        return "-"
    shown = ", ".join(others[:limit])
    return shown + (f", +{len(others) - limit}" if len(others) > limit else "")


def agreeing_groups(rows) -> list[list[str]]:
    """The presets of ``rows`` grouped by the output they give (``row.equals``: the presets whose spec gives
    the same output), groups of two or more, in the order of their first row."""
    ran = {r.preset for r in rows if r.error is None}
    groups, seen = [], set()
    for row in rows:
        if row.error is not None or row.preset in seen:
            continue
        group = [row.preset] + [n for n in row.equals if n != row.preset and n in ran and n not in seen]
        seen.update(group)
        if len(group) > 1:
            groups.append(group)
    return groups


def format_narrow(results, skipped, versions, width: int = 80) -> str:
    """What ``compare`` prints in a terminal ``width`` columns wide: per case, one line per preset (its
    output and max|diff|) with the library call below it, wrapped, then the groups of calls that agree;
    ``--wide`` prints ``format_results``' full table, ``--json`` everything."""
    wrap = textwrap.TextWrapper(width=width, break_long_words=False, break_on_hyphens=False)
    lines = []
    if versions:
        lines += wrap.wrap("libraries: " + ", ".join(f"{lib} {v}" for lib, v in sorted(versions.items())))
    for result in results:
        rows = sorted(result.rows, key=lambda r: r.beyond_onnx)
        name_width = min(max([len(r.preset) for r in rows] + [6]), 40)  # the longest preset name is 39
        outputs = {id(r): ("error" if r.error is not None else describe_output(result.case, r.output, width=4))
                   for r in rows}
        output_width = min(max([len(o) for o in outputs.values()] + [6]), 24, max(width - name_width - 13, 8))
        lines += ["", *wrap.wrap(result.case.title)]
        lines.append(f"{'preset':<{name_width}}  {'output':<{output_width}}  {'max|diff|':>9}")
        shown_heading = False
        for row in rows:
            if row.beyond_onnx and not shown_heading:
                lines.append(BEYOND_ONNX)
                shown_heading = True
            head = f"{row.preset:<{name_width}}  {outputs[id(row)]:<{output_width}}  "
            head += f"{'-' if row.error is not None else format(row.max_diff, '.2g'):>9}"
            lines.append(head[:width].rstrip())
            detail = row.call if row.error is None else f"{row.call}: error: {row.error}"
            lines += textwrap.wrap(detail, width=width, initial_indent="    ", subsequent_indent="      ",
                                   break_long_words=True, break_on_hyphens=False)
        groups = agreeing_groups(rows)
        if groups:
            lines.append("these calls agree (the same output):")
            for group in groups:
                lines += textwrap.wrap(" = ".join(group), width=width, initial_indent="  ", subsequent_indent="    ",
                                       break_long_words=True, break_on_hyphens=False)
    if skipped:
        lines.append("")
        for s in skipped:
            lines += wrap.wrap(f"skipped {s.library} ({', '.join(s.presets)}): {s.reason}")
    if not results or not any(r.rows for r in results):
        lines.append("no library ran: install one (pip install 'consistent-resize[all]')")
    lines.append("")
    lines += wrap.wrap(
        "max|diff|: max |library - consistent_resize.resize(x, size, preset=<preset>)|; calls agree where their "
        f"presets' specs give the same output (within {EQUAL_TOLERANCE:g} * max|x|). --wide: the full table "
        "(coordinate modes, our PyTorch layer); --json: everything."
    )
    return "\n".join(lines)


def format_results(results, skipped, versions) -> str:
    """The full tables ``compare --wide`` prints (one per case), then the libraries skipped and why."""
    lines = []
    if versions:
        lines.append("libraries: " + ", ".join(f"{lib} {v}" for lib, v in sorted(versions.items())))
    torch_column = any(r.torch_layer_diff is not None for result in results for r in result.rows)
    header = ("preset", "library call", "output", "coordinate_transformation_mode", "max|diff|", "also equals")
    if torch_column:
        header += ("torch layer",)
    for result in results:
        table = []
        for row in sorted(result.rows, key=lambda r: r.beyond_onnx):  # stable: ONNX rows, then the others
            if row.beyond_onnx and (BEYOND_ONNX,) not in table:
                table.append((BEYOND_ONNX,))
            if row.error is not None:
                error = row.error if len(row.error) <= 60 else row.error[:57] + "..."
                cells = (row.preset, row.call, f"error: {error}", row.coordinate_transformation_mode, "-", "-")
            else:
                cells = (
                    row.preset,
                    row.call,
                    describe_output(result.case, row.output),
                    row.coordinate_transformation_mode,
                    f"{row.max_diff:.2g}",
                    _equals_cell(row),
                )
            if torch_column:
                cells += ("-" if row.torch_layer_diff is None else f"{row.torch_layer_diff:.2g}",)
            table.append(cells)
        lines.append("")
        lines.append(result.case.title)
        widths = [max(len(r[i]) for r in [header] + table if len(r) > 1) for i in range(len(header))]
        for cells in [header, tuple("-" * w for w in widths)] + table:
            lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
    if skipped:
        lines.append("")
        for s in skipped:
            lines.append(f"skipped {s.library} ({', '.join(s.presets)}): {s.reason}")
    if not results or not any(r.rows for r in results):
        lines.append("no library ran: install one (pip install 'consistent-resize[all]')")
    lines.append("")
    lines.append(
        "max|diff|: max |library - consistent_resize.resize(x, size, preset=<preset>)|; also equals: other "
        f"presets whose spec gives the same output (within {EQUAL_TOLERANCE:g} * max|x|)"
        + ("; torch layer: max |library - consistent_resize_torch.resize(x, size, preset=<preset>)|"
           if torch_column else "")
    )
    return "\n".join(lines)


def to_json(results, skipped, versions) -> dict:
    """A JSON-ready dict of the comparison (outputs of up to 256 values are included in full)."""
    cases = []
    for result in results:
        case = result.case
        rows = []
        for row in result.rows:
            item = {
                "preset": row.preset,
                "library": row.library,
                "call": row.call,
                "coordinate_transformation_mode": row.coordinate_transformation_mode,
                "max_abs_diff": row.max_diff,
                "torch_layer_max_abs_diff": row.torch_layer_diff,
                "equals": row.equals,
                "error": row.error,
                "beyond_onnx": row.beyond_onnx,
                "output": None,
                "summary": None,
            }
            if row.output is not None:
                item["summary"] = describe_output(case, row.output)
                if row.output.size <= 256:
                    item["output"] = row.output.tolist()
            rows.append(item)
        x = np.asarray(case.x)
        cases.append(
            {
                "name": case.name,
                "title": case.title,
                "input_shape": list(x.shape),
                "input": x.tolist() if x.size <= 256 else None,
                "output_size": list(case.size),
                "rows": rows,
            }
        )
    return {
        "equal_tolerance": EQUAL_TOLERANCE,
        "libraries": versions,
        "cases": cases,
        "skipped": [dataclasses.asdict(s) for s in skipped],
    }


# -- plot -------------------------------------------------------------------------------------------------


#: line styles and markers cycled with the colours, so no two profiles of a plot look alike
_STYLES = [(c, ls, m) for ls, m in (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D")) for c in range(10)]


def plot(results, path: str) -> None:
    """Write a PNG: the first output row of the first case (1-D profiles; identical outputs share one line,
    each line its own colour, line style and marker, the legend naming every preset of it), and the last
    case (the zone plate) as resized by each library, side by side, each panel titled with its preset and
    the rms distance from the block mean that the case's title promises."""
    import textwrap as _textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    profile, images = results[0], results[-1]
    ok_images = [r for r in images.rows if r.output is not None]
    columns = 6
    image_rows = max(1, -(-(len(ok_images) + 1) // columns))
    figure = plt.figure(figsize=(3 * columns, 7 + 3.2 * image_rows), layout="constrained")
    top, bottom = figure.subfigures(2, 1, height_ratios=[7, 3.2 * image_rows])

    axis = top.subplots()
    x = np.asarray(profile.case.x, dtype=np.float64)
    in_w, out_w = x.shape[1], profile.case.size[1]
    centres = (np.arange(out_w) + 0.5) * in_w / out_w - 0.5  # output pixel centres in input pixels
    groups: Dict[tuple, List[str]] = {}
    for row in profile.rows:
        if row.output is not None:
            groups.setdefault(tuple(np.round(row.output[0], 6)), []).append(row.preset)
    colours = plt.get_cmap("tab10").colors
    for (values, names), (colour, style, marker) in zip(groups.items(), _STYLES * (1 + len(groups) // 40)):
        label = "\n".join(_textwrap.wrap(", ".join(names), 60))
        axis.plot(centres, values, color=colours[colour], linestyle=style, marker=marker, label=label)
    axis.plot(np.arange(in_w), x[0], "ks", markersize=10, label="input samples")
    axis.set_xlabel("position in input pixels (output pixel centres)")
    axis.set_ylabel("value")
    axis.set_title(f"{profile.case.title}; {len(groups)} distinct outputs (identical outputs share a line)")
    axis.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)

    source = np.asarray(images.case.x)
    panels = [("input", source)] + [(f"{r.preset}\n{describe_output(images.case, r.output)}", r.output)
                                    for r in ok_images]
    grid = bottom.subplots(image_rows, columns, squeeze=False)
    for i, ax in enumerate(grid.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= len(panels):
            ax.set_axis_off()
            continue
        title, image = panels[i]
        ax.imshow(image, cmap="gray", vmin=float(source.min()), vmax=float(source.max()), interpolation="nearest")
        ax.set_title(title, fontsize=8)
    bottom.suptitle(images.case.title, fontsize=10)
    figure.savefig(path, dpi=90)
    plt.close(figure)
