"""``consistent-resize explain``: the coordinate formula of a spec and its 1-D table for a small case.

The formulas are read from the docstring of ``consistent_resize.coordinates`` (the one place where every
``coordinate_transformation_mode`` and ``coordinate_arithmetic`` is written down), so the text printed here
cannot drift from the documented code. The table comes from ``consistent_resize.axis_table``.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from typing import Dict, Optional

from consistent_resize import coordinates
from consistent_resize.coordinates import source_coordinates
from consistent_resize.presets import PRESETS
from consistent_resize.spec import ResizeSpec
from consistent_resize.tables import axis_table

#: how ``mode="nearest"`` rounds the source coordinate ``c`` (as ``consistent_resize.tables`` does)
NEAREST_RULES = {
    "round_prefer_floor": "index = ceil(c - 1/2)  (round, ties down)",
    "round_prefer_ceil": "index = floor(c + 1/2)  (round, ties up)",
    "floor": "index = floor(c)",
    "ceil": "index = ceil(c)",
}

#: the kernels of ``consistent_resize.kernels``
KERNELS = {
    "linear": "k(t) = max(0, 1 - |t|), support 1",
    "cubic": "Keys cubic, a = {a:g}: k(t) = (a+2)|t|^3 - (a+3)|t|^2 + 1 for |t| <= 1, "
    "a|t|^3 - 5a|t|^2 + 8a|t| - 4a for 1 < |t| < 2, else 0; support 2",
    # beyond ONNX (consistent_resize.kernels gives each formula)
    "box": "k(t) = 1 for -1/2 < t <= 1/2, else 0; support 1/2; taps limited to the window "
    "floor(c + 1 - 1/(2 sa)) <= j < floor(c + 1 + 1/(2 sa)) (Pillow's)",
    "area": "weight of pixel j = overlap of [j - 1/2, j + 1/2] with the output pixel [c - 1/(2s), c + 1/(2s)] "
    "(s = scale, at every scale); support (1 + 1/s)/2",
    "lanczos": "k(t) = sinc(t) sinc(t/{radius}) for |t| < {radius}, else 0, sinc(t) = sin(pi t)/(pi t); "
    "support {radius}",
    "hamming": "k(t) = sinc(t) (0.54 + 0.46 cos(pi t)) for |t| < 1, else 0; support 1",
    "gaussian": "k(t) = exp(-t^2 / (2 * {sigma:g}^2)) for |t| < 3 * {sigma:g}, else 0; support {support:g}",
    "mitchell": "Mitchell-Netravali, B = {b:g}, C = {c:g}: 6k(t) = (12-9B-6C)|t|^3 + (-18+12B+6C)|t|^2 + (6-2B) "
    "for |t| < 1, (-B-6C)|t|^3 + (6B+30C)|t|^2 + (-12B-48C)|t| + (8B+24C) for 1 <= |t| < 2, else 0; support 2",
}
#: modes whose table is no kernel of the coordinate (``consistent_resize.tables``)
TABLE_RULES = {
    "adaptive_average": "output o = mean of input pixels floor(o * in / out) .. ceil((o + 1) * in / out) - 1, "
    "equal weights, integer arithmetic (the coordinate below is not used; beyond ONNX)",
    "area_two_tap": "OpenCV INTER_AREA's 2-tap rule: sx = floor(c) (c = the output's left edge below), "
    "f = float32((o + 1) - (sx + 1) * out / in), f = 0 if f <= 0 else f - floor(f); weights 1 - f on sx, f on "
    "sx + 1; sx >= in - 1: sx = in - 1, f = 0 (beyond ONNX)",
}


def _docstring_formulas() -> Dict[str, str]:
    """``coordinate_transformation_mode -> formula`` from the bullet list of the coordinates docstring."""
    formulas: Dict[str, str] = {}
    current = None
    for line in (coordinates.__doc__ or "").splitlines():
        match = re.match(r"^- ``(\w+)``:\s+(.*)$", line)
        if match:
            current = match.group(1)
            formulas[current] = match.group(2).strip()
        elif current and line.startswith("  ") and line.strip():
            formulas[current] += " " + line.strip()
        else:
            current = None
    return {k: v.replace("``", "") for k, v in formulas.items()}


def _docstring_arithmetics() -> Dict[str, str]:
    """``coordinate_arithmetic -> "to_input(v) = ...; used by ..."`` from the table of the docstring."""
    lines = (coordinates.__doc__ or "").splitlines()
    rules = [i for i, line in enumerate(lines) if re.match(r"^=+(\s+=+)+\s*$", line)]
    if len(rules) < 3:
        return {}
    starts = [m.start() for m in re.finditer(r"=+", lines[rules[0]])]
    rows: Dict[str, list] = {}
    current = None
    for line in lines[rules[1] + 1 : rules[2]]:
        cells = [line[a:b].strip() for a, b in zip(starts, starts[1:] + [None])]
        if cells[0]:
            current = cells[0]
            rows[current] = cells
        elif current:
            rows[current] = [f"{x} {y}".strip() for x, y in zip(rows[current], cells)]
    return {k: f"to_input(v) = {v[1].replace('``', '')}; used by {v[2]}" for k, v in rows.items()}


def formula(spec: ResizeSpec) -> str:
    """The coordinate formula of ``spec``'s ``coordinate_transformation_mode`` (``x`` = output index).

    Example:
        >>> formula(ResizeSpec(coordinate_transformation_mode="asymmetric"))
        'x_original = to_input(x)'
    """
    formulas = _docstring_formulas()
    mode = spec.coordinate_transformation_mode
    if mode not in formulas:  # a test checks that every mode is documented
        raise ValueError(f"no formula documented for coordinate_transformation_mode {mode!r}")
    return f"x_original = {formulas[mode]}"


def arithmetic(spec: ResizeSpec) -> str:
    """How ``to_input`` is evaluated under ``spec.coordinate_arithmetic``."""
    rows = _docstring_arithmetics()
    if spec.coordinate_arithmetic not in rows:
        raise ValueError(f"no rule documented for coordinate_arithmetic {spec.coordinate_arithmetic!r}")
    return rows[spec.coordinate_arithmetic]


def interpolation(spec: ResizeSpec) -> str:
    """One line on how the taps of an output are chosen and weighted."""
    if spec.mode == "nearest":
        return f"nearest ({spec.nearest_mode}): {NEAREST_RULES[spec.nearest_mode]}, clamped to [0, in - 1]"
    if spec.mode == "spline":
        border = "constant (extrapolation_value beyond the edge)" if spec.spline_constant_border else "mirror"
        text = (f"spline (order {spec.spline_order}): B-spline of order {spec.spline_order} through the samples "
                f"{'(prefiltered: the taps read P x, P = A^-1 the spline sampling matrix) ' if spec.spline_order > 1 else ''}"
                f"evaluated at x_original, taps outside [0, in - 1] read their mirror image; border {border} "
                "(consistent_resize.splines; beyond ONNX)")
        return text + _preblur(spec)
    if spec.mode in TABLE_RULES:
        return f"{spec.mode}: {TABLE_RULES[spec.mode]}" + _preblur(spec)
    text = f"{spec.mode}: " + KERNELS[spec.mode].format(
        a=spec.cubic_coeff_a, radius=spec.lanczos_radius, sigma=spec.gaussian_sigma,
        support=3 * spec.gaussian_sigma, b=spec.mitchell_b, c=spec.mitchell_c)
    if spec.mode not in ("linear", "cubic"):
        text += "; weights normalised to sum 1 (beyond ONNX)"
    if spec.coordinate_arithmetic == "float32_reciprocal":
        text += "; kernel argument float32((j - c) * sa) in float32, sa = float32(1 / max(r, 1)) (TensorFlow)"
    if spec.antialias:
        text += "; antialias: when downscaling by s < 1 the kernel is stretched to k(t * s), support / s, " \
                "weights normalised to sum 1"
    if spec.exclude_outside:
        text += "; exclude_outside: taps outside [0, in - 1] get weight 0, weights renormalised"
    else:
        text += "; taps outside [0, in - 1] read the nearest border pixel"
    return text + _preblur(spec)


def _preblur(spec: ResizeSpec) -> str:
    if not spec.gaussian_preblur:
        return ""
    rule = {1: "scikit-image's sigma = (in / out - 1) / 2", 2: "kornia's sigma = max((in / out - 1) / 2, 0.001)"}
    return (f"; first a gaussian blur of each downsized axis ({rule.get(spec.gaussian_preblur, spec.gaussian_preblur)}"
            ", mirror border; consistent_resize.blur; beyond ONNX)")


def explain(spec: ResizeSpec, in_size: int, out_size: Optional[int] = None, scale: Optional[float] = None,
            preset: Optional[str] = None, width: Optional[int] = None) -> str:
    """The text ``explain`` prints: spec, formula, arithmetic, interpolation and the 1-D table; every line
    wrapped to ``width`` columns (continuations indented) unless ``width`` is None.

    Args:
        spec: the spec to explain.
        in_size: the input length of the example axis.
        out_size: its output length; or ``scale``: then ``out = floor(in * scale)`` and ``scale`` enters
            the formula (as ONNX ``scales``).
        preset: the preset name, if the spec was given as one (its library call is printed).
        width: the terminal width to wrap to (``consistent-resize explain`` passes ``COLUMNS``; ``--wide``
            None).

    Example:
        >>> print(explain(ResizeSpec(mode="nearest"), 2, 3).splitlines()[-1])
          2        1.16667    1: 1
    """
    from consistent_resize.arguments import plan_axes, table_spec

    plans = plan_axes([in_size], None if out_size is None else [out_size], None if scale is None else [scale], spec)
    spec = table_spec(spec, plans)  # area_or_two_tap: the rule of a resize of this one axis
    in_size, out_size, scale, roi = plans[0]
    table = axis_table(in_size, out_size, spec, scale, roi)
    coords = source_coordinates(spec, in_size, out_size, scale, roi)
    lines = [f"spec: {spec.describe()}"]
    if preset is not None:
        lines.append(f"preset {preset}: {PRESETS[preset].call}")
    lines += [
        f"coordinate ({spec.coordinate_transformation_mode}): {formula(spec)}",
        f"  arithmetic ({spec.coordinate_arithmetic}): {arithmetic(spec)}",
        "  L = resized length: scale * in for float64_divide (as onnx's reference code), the integer out for the others",
        f"interpolation: {interpolation(spec)}",
        "",
        f"1-D table: in = {in_size}, out = {out_size}"
        + (f", scale = {scale:g}" if scale is not None else f" (scale = out / in = {out_size / in_size:g})"),
        f"{'out':>3}  {'x_original':>13}    taps (source index: weight)",
    ]
    for o in range(out_size):
        taps = [(int(i), float(w)) for i, w in zip(table.index[o], table.weight[o]) if w != 0]
        cell = ", ".join(f"{i}: {w:.6g}" for i, w in taps)
        if table.outside[o]:
            cell = f"outside: extrapolation_value {spec.extrapolation_value:g}"
        lines.append(f"{o:>3}  {coords[o]:>13.6g}    {cell}")
    if width is None:
        return "\n".join(lines)
    wrapped = []
    for line in lines:
        lead = len(line) - len(line.lstrip())
        indent = " " * (lead + 4 if not line[:3].strip().isdigit() else 22)
        wrapped += textwrap.wrap(line, width, subsequent_indent=indent, break_long_words=False,
                                 break_on_hyphens=False) or [""]
    return "\n".join(wrapped)


def check_preset(name: str) -> str:
    """``name`` if it is a preset; else a ValueError naming the closest presets (one short line).

    Example:
        >>> check_preset("chainer")
        'chainer'
    """
    import difflib

    if name in PRESETS:
        return name
    known = list(PRESETS)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    raise ValueError(f"unknown preset {name!r}{hint} ('consistent-resize presets' lists all {len(known)})")


def spec_fields() -> Dict[str, type]:
    """Field name -> type of ``ResizeSpec`` (from the defaults), for parsing ``key=value`` text."""
    default = ResizeSpec()
    return {f.name: type(getattr(default, f.name)) for f in dataclasses.fields(ResizeSpec)}


def parse_spec(text: str):
    """A spec from the command line: a preset name, or ``key=value,...`` of ``ResizeSpec`` fields,
    optionally after a preset name (``pytorch_bilinear,antialias=1``).

    Returns:
        ``(spec, preset)``: the spec, and the preset name if ``text`` is exactly a preset (else None).

    Raises:
        ValueError: unknown preset or field (with the closest names), or a value of the wrong kind.

    Example:
        >>> parse_spec("mode=linear,coordinate_transformation_mode=align_corners")[0].describe()
        "ResizeSpec(mode='linear', coordinate_transformation_mode='align_corners')"
    """
    from consistent_resize._names import check_choice
    from consistent_resize.arguments import resolve_spec

    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise ValueError("empty spec; give a preset name or key=value,... of ResizeSpec fields")
    base, preset = ResizeSpec(), None
    if "=" not in parts[0]:
        preset = check_preset(parts.pop(0))
        base = resolve_spec(preset=preset)
    fields = spec_fields()
    changes = {}
    for part in parts:
        if "=" not in part:
            raise ValueError(f"expected key=value in the spec, got {part!r} (a preset name may only come first)")
        key, value = (s.strip() for s in part.split("=", 1))
        check_choice("ResizeSpec field", key, fields)
        kind = fields[key]
        if kind is str:
            changes[key] = value
            continue
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{key} must be a number, got {value!r}") from None
        if kind is int and not number.is_integer():
            raise ValueError(f"{key} must be an integer, got {value!r}")
        changes[key] = int(number) if kind is int else number
    spec = base.replace(**changes) if changes else base
    return spec, (preset if not changes else None)
