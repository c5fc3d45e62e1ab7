"""``convert``: a Keras model whose resizes run ``consistent_resize_tf``'s layer, without editing its code;
``find_resizes``: which resizes a model has and which preset reproduces each; ``preset_for``: the preset of
one Keras/TensorFlow resize call.

How: ``keras.models.clone_model(model, clone_function=..., recursive=True)`` rebuilds a functional or
Sequential model layer by layer (nested models too); every ``keras.layers.Resizing`` and
``keras.layers.UpSampling2D`` is replaced by our ``Resize`` (``AspectResize`` for ``crop_to_aspect_ratio`` /
``pad_to_aspect_ratio``), with the layer's name and dtype policy; every other layer is cloned from its config
and the weights are copied (our layers have none, so the weight order is the original's); a ``Lambda`` (no
weights, a function that may not be serializable) is shared with the original.

Without ``preset``/``spec`` each layer gets the preset that reproduces it (outputs unchanged; tested against
the real layers): ``Resizing(interpolation=m, antialias=a)`` runs ``tf.image.resize(method=m, antialias=a)``
(``preset_for``); ``UpSampling2D(size=(fh, fw))`` with ``interpolation='nearest'`` repeats rows and columns
(``ops.repeat``: the spec ``UPSAMPLING_NEAREST``, ``floor(o / f)`` in exact arithmetic), and with any other
interpolation runs ``ops.image.resize`` to ``(H fh, W fw)``, i.e. ``preset_for(interpolation)`` on sizes that
are ``fh``, ``fw`` times the input's (our layer then takes ``scale_factor=(fh, fw)``, which gives the same
output sizes and, in float32, the same ratio ``in / out``). With ``preset`` or ``spec`` every resize is
retargeted to it (the crop/pad geometry of ``Resizing`` stays Keras's).

A ``Lambda`` layer is opaque code: ``find_resizes`` reports one whose function names a resize, and
``convert`` leaves it as it is (it cannot prove what the function computes).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterator

import keras

from consistent_resize._names import check_choice
from consistent_resize.arguments import resolve_spec
from consistent_resize.spec import ResizeSpec

from .aspect import AspectResize
from .layer import Resize

#: ``tf.image.resize(method=...)`` (``Resizing(interpolation=...)``) -> the preset without / with antialias.
#: TensorFlow ignores ``antialias`` for ``nearest`` and ``area``.
RESIZE_PRESETS = {
    "bilinear": ("keras_bilinear", "tf_bilinear_antialias"),
    "nearest": ("keras_nearest", "keras_nearest"),
    "bicubic": ("keras_bicubic", "tf_bicubic_antialias"),
    "lanczos3": ("keras_lanczos3", "tf_lanczos3_antialias"),
    "lanczos5": ("keras_lanczos5", "tf_lanczos5_antialias"),
    "area": ("tf_area", "tf_area"),
    "gaussian": ("tf_gaussian", "tf_gaussian_antialias"),
    "mitchellcubic": ("tf_mitchellcubic", "tf_mitchellcubic_antialias"),
}

#: ``UpSampling2D(interpolation='nearest')``: ``ops.repeat`` of every row and column, i.e. output ``o`` reads
#: ``floor(o / f)`` for the integer factor ``f`` (computed exactly: float64 division of small integers).
UPSAMPLING_NEAREST = ResizeSpec(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor",
                                coordinate_arithmetic="float64_divide")

_LAYERS = ("Resizing", "UpSampling2D")


def preset_for(interpolation: str = "bilinear", antialias: bool = False) -> str:
    """The preset that reproduces ``tf.image.resize(x, size, method=interpolation, antialias=antialias)``,
    which is what ``keras.layers.Resizing(h, w, interpolation=..., antialias=...)`` runs on every backend's
    TensorFlow path.

    Example:
        >>> preset_for("bicubic")
        'keras_bicubic'
    """
    interpolation = check_choice("interpolation", interpolation, RESIZE_PRESETS)
    if not isinstance(antialias, (bool, int)) or antialias not in (0, 1):
        raise TypeError(f"antialias must be a bool, got {antialias!r}")
    return RESIZE_PRESETS[interpolation][int(bool(antialias))]


@dataclasses.dataclass(frozen=True)
class FoundResize:
    """One resize of a model.

    Attributes:
        path: the layer's path, ``outer/inner/name``.
        layer: the layer's class name.
        arguments: the layer's resize arguments, as ``name=value`` text.
        input_shape, output_shape: as the model's graph declares them (None where unknown).
        preset: the preset that reproduces it; ``spec`` for ``UpSampling2D`` nearest (no library preset);
            None where nothing is proven (a ``Lambda``).
        note: why it is not converted, where it is not.
    """

    path: str
    layer: str
    arguments: str
    input_shape: Any
    output_shape: Any
    preset: str | None
    note: str = ""


def _shape(layer, attribute: str):
    try:
        value = getattr(layer, attribute)
    except (AttributeError, ValueError):
        return None
    return tuple(value.shape) if hasattr(value, "shape") else None


def _resizing_preset(layer) -> str:
    return preset_for(layer.interpolation, layer.antialias)


def _names_a_resize(function) -> bool:
    code = getattr(function, "__code__", None)
    names = set(getattr(code, "co_names", ())) | set(getattr(code, "co_varnames", ()))
    return any("resize" in n or "interpolate" in n or n == "image" for n in names)


def _walk(model, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for layer in model.layers:
        path = f"{prefix}{layer.name}"
        if isinstance(layer, keras.Model) and hasattr(layer, "layers"):
            yield from _walk(layer, path + "/")
        else:
            yield path, layer


def find_resizes(model) -> list[FoundResize]:
    """Every resize layer of ``model`` (nested models included) and the preset that reproduces it.

    ``Lambda`` layers whose function names a resize are listed with ``preset=None`` (not converted).
    """
    found = []
    for path, layer in _walk(model):
        name = type(layer).__name__
        shapes = (_shape(layer, "input"), _shape(layer, "output"))
        if isinstance(layer, keras.layers.Resizing):
            aspect = ("crop_to_aspect_ratio=True" if layer.crop_to_aspect_ratio else
                      "pad_to_aspect_ratio=True" if layer.pad_to_aspect_ratio else "")
            arguments = f"{layer.height}x{layer.width} {layer.interpolation}" + (
                " antialias" if layer.antialias else "") + (f" {aspect}" if aspect else "")
            found.append(FoundResize(path, name, arguments, *shapes, _resizing_preset(layer)))
        elif isinstance(layer, keras.layers.UpSampling2D):
            arguments = f"size={tuple(layer.size)} {layer.interpolation}"
            preset = "spec" if layer.interpolation == "nearest" else preset_for(layer.interpolation)
            found.append(FoundResize(path, name, arguments, *shapes, preset))
        elif isinstance(layer, keras.layers.Lambda) and _names_a_resize(layer.function):
            found.append(FoundResize(path, name, getattr(layer.function, "__name__", "function"), *shapes, None,
                                     "Lambda: opaque code, not converted; replace it with consistent_resize_tf.Resize"))
    return found


def format_resizes(found: list[FoundResize], width: int = 80) -> str:
    """``find_resizes`` as a table of at most ``width`` columns (long cells are cut with ``~``)."""
    if not found:
        return "no resize layers found"

    def cell(text: str, size: int) -> str:
        return (text if len(text) <= size else text[:size - 1] + "~").ljust(size)

    rows = [(f.path, f.layer, f.arguments) for f in found]
    natural = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(("layer", "class", "arguments"))]
    presets = max(len("preset"), *(len(f.preset or f"- ({f.note})") for f in found))
    if sum(natural) + 3 + presets <= width:  # every cell fits whole
        sizes = tuple(natural)
    else:  # path, class and arguments share what the preset column leaves
        rest = max(width - 30 - 3, 20)
        sizes = (max(rest * 2 // 5, 8), 12, rest - max(rest * 2 // 5, 8) - 12)
    lines = [" ".join(cell(t, n) for t, n in zip(("layer", "class", "arguments"), sizes)) + " preset"]
    for f in found:
        preset = f.preset or f"- ({f.note})"
        line = " ".join(cell(t, n) for t, n in zip((f.path, f.layer, f.arguments), sizes)) + " " + preset
        lines.append(line[:width])
    return "\n".join(lines)


def _target(layer, preset, spec):
    """(spec, preset) for our layer: the retarget if given, else the one that reproduces ``layer``."""
    if preset is not None or spec is not None:
        return spec, preset
    if isinstance(layer, keras.layers.UpSampling2D):
        if layer.interpolation == "nearest":
            return UPSAMPLING_NEAREST, None
        return None, preset_for(layer.interpolation)
    return None, _resizing_preset(layer)


def _replacement(layer, preset, spec):
    target_spec, target_preset = _target(layer, preset, spec)
    common = dict(spec=target_spec, preset=target_preset, data_format=layer.data_format, name=layer.name,
                  dtype=layer.dtype_policy)
    if isinstance(layer, keras.layers.UpSampling2D):
        return Resize(scale_factor=tuple(int(f) for f in layer.size), **common)
    if layer.crop_to_aspect_ratio or layer.pad_to_aspect_ratio:
        if layer.fill_mode != "constant":
            raise ValueError(f"layer {layer.name!r}: fill_mode={layer.fill_mode!r} is not Keras's 'constant'")
        aspect = "crop" if layer.crop_to_aspect_ratio else "pad"
        return AspectResize(layer.height, layer.width, aspect=aspect, fill_value=layer.fill_value, **common)
    return Resize((layer.height, layer.width), **common)


def convert(model, *, preset: str | None = None, spec: ResizeSpec | None = None):
    """A copy of ``model`` (functional or Sequential, nested models included) whose ``Resizing`` and
    ``UpSampling2D`` layers are ``consistent_resize_tf.Resize`` layers, with the original's weights.

    Args:
        model: a ``keras.Model`` built from layers (not a subclassed model: its ``call`` is Python code; use
            ``consistent_resize_tf.Resize`` there).
        preset, spec: retarget every resize to this semantics; neither: each layer keeps its own semantics.

    Returns:
        The converted model (the original is unchanged).

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Resizing(8, 8)])
        >>> [type(layer).__name__ for layer in convert(model).layers]
        ['Resize']
    """
    if preset is not None or spec is not None:
        resolve_spec(spec, preset)  # the error now, not inside clone_model
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if not isinstance(model, keras.Sequential) and type(model).__name__ != "Functional" and not getattr(
            model, "_is_graph_network", False):
        raise TypeError(
            f"convert needs a functional or Sequential model; {type(model).__name__} is subclassed (its call is "
            "Python code): use consistent_resize_tf.Resize in it instead")

    def clone(layer):
        if isinstance(layer, (keras.layers.Resizing, keras.layers.UpSampling2D)):
            return _replacement(layer, preset, spec)
        if isinstance(layer, keras.layers.Lambda):  # no weights; its function may not be serializable
            return layer
        return layer.__class__.from_config(layer.get_config())

    converted = keras.models.clone_model(model, clone_function=clone, recursive=True)
    converted.set_weights(model.get_weights())
    return converted


__all__ = ["AspectResize", "FoundResize", "RESIZE_PRESETS", "UPSAMPLING_NEAREST", "convert", "find_resizes",
           "format_resizes", "preset_for"]
