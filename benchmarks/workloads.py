"""The benchmark's workloads: shapes, the spec our layer computes, and the native op it is timed against.

A workload is framework-neutral; ``rows_for(framework, quick)`` turns it into the rows one framework runs.
Shapes are given channels-first ``(N, C, H, W)``; a ``channels_last`` row keeps the same logical shape
in NHWC memory (PyTorch ``channels_last`` memory format, TensorFlow NHWC tensors).

Two kinds of row:

* ``same``: our layer computes exactly the spec of the native call (the preset of that call), so the
  ratio ours/native compares two implementations of one function.
* ``no_native``: a spec no framework has a kernel for (Keys cubic, ``a=-0.75`` with
  ``exclude_outside=1``); the yardstick is the fastest native bilinear of the same shape (every layout
  the framework offers is timed and the fastest one is used).
"""

from __future__ import annotations

import dataclasses

from consistent_resize.presets import PRESETS
from consistent_resize.spec import ResizeSpec

#: The spec with no native kernel anywhere: PyTorch's bicubic has exclude_outside=0, TF's has a=-0.5.
NO_NATIVE_SPEC = ResizeSpec(
    mode="cubic", coordinate_transformation_mode="half_pixel", cubic_coeff_a=-0.75, exclude_outside=1
)

#: The preset of each framework's native call: key (framework, native kind) -> preset name.
NATIVE_PRESETS = {
    ("torch", "bilinear"): "pytorch_bilinear",
    ("torch", "bilinear_antialias"): "pytorch_bilinear_antialias",
    ("tf", "bilinear"): "tf_bilinear",
    ("tf", "bilinear_antialias"): "tf_bilinear_antialias",
    ("chainer", "bilinear"): "chainer",
}

#: The native call of each (framework, native kind), as printed in the table's legend.
NATIVE_CALLS = {
    ("torch", "bilinear"): "F.interpolate(x, size, mode='bilinear', align_corners=False)",
    ("torch", "bilinear_antialias"): "F.interpolate(x, size, mode='bilinear', align_corners=False, antialias=True)",
    ("tf", "bilinear"): "tf.image.resize(x, size, 'bilinear') under tf.function",
    ("tf", "bilinear_antialias"): "tf.image.resize(x, size, 'bilinear', antialias=True) under tf.function",
    ("chainer", "bilinear"): "chainer.functions.resize_images(x, size)  # bilinear, align_corners=True",
}

#: Layouts each framework's native resize supports on CPU (TF's CPU resize kernels are NHWC only).
LAYOUTS = {"torch": ("nchw", "channels_last"), "tf": ("channels_last",), "chainer": ("nchw",)}


@dataclasses.dataclass(frozen=True)
class Workload:
    """One resize to time.

    Attributes:
        name: short name shown in the table (``pyramid``, ``upsample``, ...).
        in_shape: ``(N, C, H, W)``, the logical shape (channels-first order).
        out_hw: output ``(H, W)``.
        native: the native kind (``bilinear`` or ``bilinear_antialias``): a key of ``NATIVE_PRESETS``.
        kind: ``same`` (ours computes the native call's spec) or ``no_native`` (``NO_NATIVE_SPEC``,
            against the fastest native ``native`` of the shape).
        layouts: the layouts this workload is run in (intersected with the framework's ``LAYOUTS``).
    """

    name: str
    in_shape: tuple
    out_hw: tuple
    native: str = "bilinear"
    kind: str = "same"
    layouts: tuple = ("nchw", "channels_last")


def _full() -> list:
    return [
        Workload("pyramid", (8, 512, 6, 6), (60, 60)),
        Workload("upsample", (8, 3, 512, 512), (1024, 1024)),
        Workload("downsample", (8, 3, 1024, 1024), (256, 256)),
        Workload("downsample_aa", (8, 3, 1024, 1024), (256, 256), native="bilinear_antialias"),
        Workload("cubic_exclude/pyramid", (8, 512, 6, 6), (60, 60), kind="no_native"),
        Workload("cubic_exclude/upsample", (8, 3, 512, 512), (1024, 1024), kind="no_native"),
    ]


def _quick() -> list:
    """Small shapes with the same structure, for the smoke test (pyramid and upsample outputs are a few
    MiB: well above the kernel's per-thread RSS counting slack of 64 pages, so the memory worker sees them)."""
    return [
        Workload("pyramid", (2, 64, 6, 6), (96, 96)),
        Workload("upsample", (2, 3, 256, 256), (512, 512)),
        Workload("downsample", (2, 3, 256, 256), (64, 64)),
        Workload("downsample_aa", (2, 3, 256, 256), (64, 64), native="bilinear_antialias"),
        Workload("cubic_exclude/pyramid", (2, 64, 6, 6), (96, 96), kind="no_native"),
        Workload("cubic_exclude/upsample", (2, 3, 256, 256), (512, 512), kind="no_native"),
    ]


@dataclasses.dataclass(frozen=True)
class Row:
    """One row of the table: a workload in one framework and layout.

    Attributes:
        framework: ``torch``, ``tf`` or ``chainer``.
        workload: the ``Workload``.
        layout: ``nchw`` or ``channels_last``.
        spec: what our layer computes.
        preset: the preset name our layer is called with (None for ``no_native`` rows: ``spec=`` is used).
        native_layouts: the layouts the native op is timed in (``no_native``: every one the framework
            has, the fastest is the yardstick; ``same``: the row's layout).
    """

    framework: str
    workload: Workload
    layout: str
    spec: ResizeSpec
    preset: str | None
    native_layouts: tuple

    @property
    def name(self) -> str:
        return f"{self.framework}/{self.workload.name}/{self.layout}"

    @property
    def native_call(self) -> str:
        return NATIVE_CALLS[(self.framework, self.workload.native)]


def rows_for(framework: str, quick: bool = False) -> list:
    """The rows ``framework`` runs: each workload in each layout it supports and has a native kernel for.

    Example:
        >>> [r.name for r in rows_for("tf")][:2]
        ['tf/pyramid/channels_last', 'tf/upsample/channels_last']
    """
    rows = []
    for w in _quick() if quick else _full():
        key = (framework, w.native)
        if key not in NATIVE_PRESETS:
            continue  # e.g. Chainer has no antialiased resize
        layouts = [layout for layout in LAYOUTS[framework] if layout in w.layouts]
        if w.kind == "no_native":
            # Ours in the framework's first (default) layout, against the fastest native layout.
            layouts = layouts[:1]
        if framework == "torch" and w.name.startswith("downsample") and w.kind == "same":
            layouts = ["nchw"]  # the issue asks for both layouts on the upsample only
        for layout in layouts:
            if w.kind == "same":
                preset = NATIVE_PRESETS[key]
                spec = PRESETS[preset].spec
                native_layouts = (layout,)
            else:
                preset, spec = None, NO_NATIVE_SPEC
                native_layouts = LAYOUTS[framework]
            rows.append(Row(framework, w, layout, spec, preset, native_layouts))
    return rows


#: The tiny resize whose median call time is the per-call overhead (all of its time is overhead).
OVERHEAD_SHAPE = ((1, 1, 4, 4), (8, 8))
