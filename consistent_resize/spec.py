"""``ResizeSpec``: one resize, named with the attributes of the ONNX ``Resize`` operator (opset 19).

Every field except ``coordinate_arithmetic`` is an ONNX attribute with ONNX's name, allowed values and
default, so ``ResizeSpec.from_onnx(node_attributes)`` and ``spec.to_onnx()`` map a spec to one ONNX node
and back. ``coordinate_arithmetic`` is beyond ONNX: it says in which float arithmetic the source
coordinate is computed, which decides nearest-neighbour ties (see SPEC.md, "Coordinate arithmetic").

Beyond ONNX (issue 9): ``mode`` may also be one of ``EXTENSION_MODES`` (``box``, ``area``, ``lanczos``,
``hamming``, ``gaussian``, ``mitchell``, kernels in ``consistent_resize.kernels``; ``adaptive_average``,
PyTorch's adaptive average pooling, and ``area_two_tap``, OpenCV ``INTER_AREA``'s 2-tap path, in
``consistent_resize.tables``), with the parameters
``lanczos_radius``, ``gaussian_sigma``, ``mitchell_b`` and ``mitchell_c``. Such a spec has no ONNX node:
``to_onnx()`` raises a ValueError for it. The parameters' defaults leave every ONNX spec unchanged.
``cubic_table_size`` (issue 15) reads ``mode="cubic"``'s weights from TensorFlow's bicubic coefficient table
(``consistent_resize.kernels.cubic_table``); a spec with it is beyond ONNX too.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Mapping

from ._names import check_choice

#: The modes of ONNX ``Resize``.
MODES = ("nearest", "linear", "cubic")
#: Modes beyond ONNX (``to_onnx()`` refuses them): Pillow/OpenCV/TensorFlow/PyTorch methods.
EXTENSION_MODES = (
    "box", "area", "lanczos", "hamming", "gaussian", "mitchell",  # kernels (consistent_resize.kernels)
    "adaptive_average", "area_two_tap",  # tables built directly (consistent_resize.tables)
    "area_or_two_tap",  # area or area_two_tap, picked per call from every axis (arguments.table_spec)
    "spline",  # B-splines with a prefilter, dense tables (consistent_resize.splines; SciPy, scikit-image)
)
#: Every mode a ``ResizeSpec`` accepts.
ALL_MODES = MODES + EXTENSION_MODES
#: Fields beyond ONNX that parametrise an extension kernel, with the mode each belongs to.
KERNEL_PARAMETERS = {
    "lanczos_radius": "lanczos",
    "gaussian_sigma": "gaussian",
    "mitchell_b": "mitchell",
    "mitchell_c": "mitchell",
    "spline_order": "spline",
    "spline_constant_border": "spline",
    "gaussian_preblur": "any",  # a blur before any mode (consistent_resize.blur)
    "cubic_table_size": "cubic",  # TF's bicubic coefficient table (consistent_resize.kernels.cubic_table)
}
#: ``cubic_table_size`` values: 0 (the kernel itself) or a power of two up to 2**20 (TensorFlow: 1024).
CUBIC_TABLE_SIZES = (0,) + tuple(2 ** k for k in range(21))
COORDINATE_TRANSFORMATION_MODES = (
    "half_pixel",
    "half_pixel_symmetric",
    "pytorch_half_pixel",
    "align_corners",
    "asymmetric",
    "tf_half_pixel_for_nn",
    "tf_crop_and_resize",
)
NEAREST_MODES = ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")
KEEP_ASPECT_RATIO_POLICIES = ("stretch", "not_larger", "not_smaller")
COORDINATE_ARITHMETICS = (
    "float64_divide",
    "float32_divide",
    "float32_multiply",
    "float32_fma",
    "float32_separable",
    "float64_multiply",
    "float64_reciprocal",
    "float32_reciprocal",
    "float64_accumulate",
    "q16_multiply",
)

#: The ONNX attributes a spec carries, in the order ``to_onnx`` lists them.
ONNX_ATTRIBUTES = (
    "mode",
    "coordinate_transformation_mode",
    "nearest_mode",
    "cubic_coeff_a",
    "exclude_outside",
    "antialias",
    "extrapolation_value",
    "keep_aspect_ratio_policy",
)


def _flag(name: str, value: Any) -> int:
    if isinstance(value, bool) or value in (0, 1):
        return int(value)
    raise ValueError(f"{name} must be 0 or 1 (or a bool), got {value!r}")


def _finite(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


@dataclasses.dataclass(frozen=True)
class ResizeSpec:
    """The semantics of one resize. Defaults are ONNX ``Resize``'s defaults.

    Args:
        mode: ``"nearest"``, ``"linear"`` or ``"cubic"`` (ONNX ``mode``); beyond ONNX one of
            ``EXTENSION_MODES``: ``"box"``, ``"area"``, ``"lanczos"``, ``"hamming"``, ``"gaussian"``,
            ``"mitchell"`` (formulas in ``consistent_resize.kernels``), ``"adaptive_average"`` (output ``o``
            is the mean of input pixels ``floor(o in / out) .. ceil((o + 1) in / out) - 1``; PyTorch
            ``mode='area'``; only ``half_pixel``, no antialias), ``"area_two_tap"`` (OpenCV ``INTER_AREA``
            when some axis is upscaled: pixels ``floor(c)`` and ``floor(c) + 1`` of the output's left edge
            ``c``; only ``asymmetric``, no antialias; formula in ``consistent_resize.tables``),
            ``"area_or_two_tap"`` (OpenCV ``INTER_AREA`` on any sizes: ``area`` on every axis when no resized
            axis grows, else ``area_two_tap`` on every axis; only ``half_pixel``, no antialias; the choice is
            made per call by ``consistent_resize.arguments.table_spec``).
        coordinate_transformation_mode: how an output index maps to a source coordinate
            (SPEC.md gives each formula).
        nearest_mode: how ``mode="nearest"`` rounds the source coordinate.
        cubic_coeff_a: the ``a`` of the Keys cubic kernel (-0.75 PyTorch/OpenCV, -0.5 TF/Pillow).
        exclude_outside: 1 drops taps outside the input and renormalises the remaining weights.
        antialias: 1 stretches the linear/cubic kernel by ``1/scale`` when downscaling.
        extrapolation_value: value of outputs whose source lies outside the input
            (``tf_crop_and_resize`` only).
        keep_aspect_ratio_policy: how ``sizes`` are reconciled with the aspect ratio.
        coordinate_arithmetic: beyond ONNX; the float arithmetic of the source coordinate.
        lanczos_radius: beyond ONNX; the ``a`` of ``mode="lanczos"`` (an integer >= 1; 3 Pillow/TF
            lanczos3, 5 TF lanczos5, 4 OpenCV INTER_LANCZOS4).
        gaussian_sigma: beyond ONNX; the standard deviation of ``mode="gaussian"`` (support
            ``3 * sigma``; 0.5 is TF's ``gaussian``).
        mitchell_b, mitchell_c: beyond ONNX; the ``B, C`` of ``mode="mitchell"`` (Mitchell-Netravali;
            1/3, 1/3 is TF's ``mitchellcubic``).
        spline_order: beyond ONNX; the B-spline order of ``mode="spline"`` (1, 2 or 3; SciPy ``order``).
        spline_constant_border: beyond ONNX; ``mode="spline"``'s border: 0 mirrors (SciPy ``'mirror'``,
            scikit-image ``'reflect'``), 1 gives outputs whose source lies outside ``[0, in - 1]``
            ``extrapolation_value`` (SciPy ``'constant'``, ``cval``); formulas in ``consistent_resize.splines``.
        gaussian_preblur: beyond ONNX; a gaussian blur of each downsized axis before the resize (any mode):
            0 none, 1 scikit-image's ``anti_aliasing``, 2 kornia's ``antialias`` (``consistent_resize.blur``).
        cubic_table_size: beyond ONNX; ``N > 0`` reads ``mode="cubic"``'s weights from an ``N + 1``-entry
            table, as TensorFlow's bicubic without antialias (``N = 1024``): the offset ``c - floor(c)`` is
            rounded to a multiple of ``1/N`` (half to even, ``lrintf``) and each entry is a float32
            (``consistent_resize.kernels.cubic_table``); 0 evaluates the kernel itself. A power of two; only
            with ``mode="cubic"`` and ``antialias=0``.

    Example:
        >>> ResizeSpec(mode="linear", coordinate_transformation_mode="align_corners").mode
        'linear'
    """

    mode: str = "nearest"
    coordinate_transformation_mode: str = "half_pixel"
    nearest_mode: str = "round_prefer_floor"
    cubic_coeff_a: float = -0.75
    exclude_outside: int = 0
    antialias: int = 0
    extrapolation_value: float = 0.0
    keep_aspect_ratio_policy: str = "stretch"
    coordinate_arithmetic: str = "float64_divide"
    lanczos_radius: int = 3
    gaussian_sigma: float = 0.5
    mitchell_b: float = 1 / 3
    mitchell_c: float = 1 / 3
    spline_order: int = 3
    spline_constant_border: int = 0
    gaussian_preblur: int = 0
    cubic_table_size: int = 0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        check_choice("mode", self.mode, ALL_MODES)
        check_choice(
            "coordinate_transformation_mode",
            self.coordinate_transformation_mode,
            COORDINATE_TRANSFORMATION_MODES,
        )
        check_choice("nearest_mode", self.nearest_mode, NEAREST_MODES)
        check_choice("keep_aspect_ratio_policy", self.keep_aspect_ratio_policy, KEEP_ASPECT_RATIO_POLICIES)
        check_choice("coordinate_arithmetic", self.coordinate_arithmetic, COORDINATE_ARITHMETICS)
        set_(self, "cubic_coeff_a", _finite("cubic_coeff_a", self.cubic_coeff_a))
        set_(self, "extrapolation_value", _finite("extrapolation_value", self.extrapolation_value))
        set_(self, "exclude_outside", _flag("exclude_outside", self.exclude_outside))
        set_(self, "antialias", _flag("antialias", self.antialias))
        radius = self.lanczos_radius
        if isinstance(radius, bool) or not float(_finite("lanczos_radius", radius)).is_integer() or radius < 1:
            raise ValueError(f"lanczos_radius must be an integer >= 1, got {radius!r}")
        set_(self, "lanczos_radius", int(radius))
        set_(self, "gaussian_sigma", _finite("gaussian_sigma", self.gaussian_sigma))
        if self.gaussian_sigma <= 0:
            raise ValueError(f"gaussian_sigma must be > 0, got {self.gaussian_sigma!r}")
        set_(self, "mitchell_b", _finite("mitchell_b", self.mitchell_b))
        set_(self, "mitchell_c", _finite("mitchell_c", self.mitchell_c))
        if self.antialias and self.mode == "area":
            raise ValueError(
                "mode 'area' weighs each input pixel by its overlap with the output pixel at every scale "
                "(antialiased by definition); leave antialias=0"
            )
        if self.mode == "adaptive_average":
            if self.antialias:
                raise ValueError(
                    "mode 'adaptive_average' averages the input pixels each output pixel covers at every scale "
                    "(antialiased by definition); leave antialias=0"
                )
            if self.coordinate_transformation_mode != "half_pixel":
                raise ValueError(
                    "mode 'adaptive_average' averages input pixels floor(o * in / out) .. ceil((o + 1) * in / out)"
                    " - 1, the pixels under the half_pixel footprint of output o; coordinate_transformation_mode "
                    f"must be 'half_pixel', got {self.coordinate_transformation_mode!r}"
                )
        if self.mode == "area_two_tap":
            if self.antialias:
                raise ValueError("mode 'area_two_tap' has no antialiased form; leave antialias=0")
            if self.coordinate_transformation_mode != "asymmetric":
                raise ValueError(
                    "mode 'area_two_tap' reads the pixel under the left edge x_original = to_input(x) of each "
                    "output pixel; coordinate_transformation_mode must be 'asymmetric', got "
                    f"{self.coordinate_transformation_mode!r}"
                )
        if self.mode == "area_or_two_tap":
            if self.antialias:
                raise ValueError("mode 'area_or_two_tap' averages areas (or reads 2 taps) at every scale; "
                                 "leave antialias=0")
            if self.coordinate_transformation_mode != "half_pixel":
                raise ValueError(
                    "mode 'area_or_two_tap' is 'area' around the half_pixel centre of each output pixel (or "
                    "'area_two_tap' at its left edge); coordinate_transformation_mode must be 'half_pixel', got "
                    f"{self.coordinate_transformation_mode!r}"
                )
        order = self.spline_order
        if isinstance(order, bool) or not float(_finite("spline_order", order)).is_integer() or order not in (1, 2, 3):
            raise ValueError(f"spline_order must be 1, 2 or 3 (SciPy's orders 4 and 5 are not modelled), got {order!r}")
        set_(self, "spline_order", int(order))
        set_(self, "spline_constant_border", _flag("spline_constant_border", self.spline_constant_border))
        preblur = self.gaussian_preblur
        if isinstance(preblur, bool) or preblur not in (0, 1, 2):
            raise ValueError(f"gaussian_preblur must be 0 (none), 1 (scikit-image's rule) or 2 (kornia's), "
                             f"got {preblur!r}")
        set_(self, "gaussian_preblur", int(preblur))
        self._check_cubic_table_size()
        if self.mode == "spline" and self.antialias:
            raise ValueError("mode 'spline' has no antialiased form (SciPy and scikit-image blur first, a "
                             "separate step); leave antialias=0")
        if self.antialias and self.mode == "nearest":
            raise ValueError(
                "antialias=1 needs mode 'linear' or 'cubic' (ONNX defines no antialiased nearest); "
                "got mode='nearest'"
            )

    def _check_cubic_table_size(self) -> None:
        size = self.cubic_table_size
        if isinstance(size, bool) or not float(_finite("cubic_table_size", size)).is_integer() \
                or size not in CUBIC_TABLE_SIZES:
            raise ValueError(f"cubic_table_size must be 0 (no table) or a power of two from 1 to 2**20 "
                             f"(TensorFlow's bicubic: 1024), got {size!r}")
        object.__setattr__(self, "cubic_table_size", int(size))
        if self.cubic_table_size and self.mode != "cubic":
            raise ValueError(f"cubic_table_size tabulates the cubic kernel; it needs mode 'cubic', got mode="
                             f"{self.mode!r} (leave cubic_table_size=0)")
        if self.cubic_table_size and self.antialias:
            raise ValueError("cubic_table_size has no antialiased form (TensorFlow's antialiased bicubic evaluates "
                             "the kernel itself); leave antialias=0 or cubic_table_size=0")

    # -- ONNX -------------------------------------------------------------------------------------
    @classmethod
    def from_onnx(cls, attributes: Mapping[str, Any], **beyond_onnx: Any) -> "ResizeSpec":
        """Build a spec from ONNX ``Resize`` attributes; missing ones take ONNX's defaults.

        Bytes values (as ``onnx.helper.get_attribute_value`` returns strings) are decoded.
        ``beyond_onnx`` sets fields that ONNX does not have (``coordinate_arithmetic``).
        """
        unknown = sorted(set(attributes) - set(ONNX_ATTRIBUTES))
        if unknown:
            hint = ""
            if "axes" in unknown:
                hint = " ('axes' is an argument of resize(), not part of the spec)"
            raise ValueError(
                f"unknown ONNX Resize attribute(s) {unknown}; expected some of {list(ONNX_ATTRIBUTES)}{hint}"
            )
        not_onnx = sorted(set(beyond_onnx) - {"coordinate_arithmetic"})
        if not_onnx:
            raise ValueError(f"unknown keyword(s) {not_onnx}; expected 'coordinate_arithmetic'")
        values = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in attributes.items()}
        if "mode" in values:  # an ONNX node names an ONNX mode; the extension modes are not attributes
            check_choice("mode", values["mode"], MODES)
        return cls(**values, **beyond_onnx)

    @property
    def beyond_onnx(self) -> bool:
        """Whether ``mode`` is one of ``EXTENSION_MODES`` or a ``gaussian_preblur`` or ``cubic_table_size`` is
        set (no ONNX ``Resize`` node expresses the spec)."""
        return self.mode in EXTENSION_MODES or self.gaussian_preblur != 0 or self.cubic_table_size != 0

    def to_onnx(self) -> dict[str, Any]:
        """All ONNX ``Resize`` attributes of this spec, defaults included.

        ``coordinate_arithmetic`` has no ONNX attribute; an exporter checks with
        ``consistent_resize.onnx_tables_equal`` that the runtime's arithmetic gives the same tables.

        Raises:
            ValueError: the mode is beyond ONNX (one of ``EXTENSION_MODES``).
        """
        if self.gaussian_preblur:
            raise ValueError("gaussian_preblur blurs before the resize, which no ONNX Resize node does; set "
                             "gaussian_preblur=0 for an ONNX node")
        if self.cubic_table_size:
            raise ValueError(f"cubic_table_size={self.cubic_table_size} reads the cubic weights from a table "
                             "(TensorFlow's bicubic), which no ONNX Resize node does (it evaluates the kernel); "
                             "set cubic_table_size=0 for an ONNX node")
        if self.beyond_onnx:
            raise ValueError(
                f"mode {self.mode!r} is beyond ONNX Resize (whose modes are {', '.join(map(repr, MODES))}); "
                "a spec with an extension mode has no ONNX Resize node"
            )
        return {name: getattr(self, name) for name in ONNX_ATTRIBUTES}

    def replace(self, **changes: Any) -> "ResizeSpec":
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def describe(self) -> str:
        """A one-line summary listing the fields that differ from ONNX's defaults."""
        default = ResizeSpec()
        parts = [f"mode={self.mode!r}"]
        for field in dataclasses.fields(self):
            if field.name != "mode" and getattr(self, field.name) != getattr(default, field.name):
                parts.append(f"{field.name}={getattr(self, field.name)!r}")
        return f"ResizeSpec({', '.join(parts)})"
