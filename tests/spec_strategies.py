"""Hypothesis strategy for ``ResizeSpec``: every ONNX field and every coordinate arithmetic, shared by the
reference, agreement and TensorFlow suites."""

from __future__ import annotations

from hypothesis import strategies as st

from consistent_resize import (
    COORDINATE_ARITHMETICS,
    COORDINATE_TRANSFORMATION_MODES,
    MODES,
    NEAREST_MODES,
    ResizeSpec,
)


@st.composite
def specs(draw, modes=MODES, policies=("stretch",), extrapolation_values=(0.0, -1.5)):
    """A spec of one of ``modes`` (antialias only where ONNX allows it, i.e. not for nearest)."""
    mode = draw(st.sampled_from(modes))
    return ResizeSpec(
        mode=mode,
        coordinate_transformation_mode=draw(st.sampled_from(COORDINATE_TRANSFORMATION_MODES)),
        nearest_mode=draw(st.sampled_from(NEAREST_MODES)),
        cubic_coeff_a=draw(st.sampled_from([-0.75, -0.5])),
        exclude_outside=draw(st.integers(0, 1)),
        antialias=draw(st.integers(0, 1)) if mode != "nearest" else 0,
        extrapolation_value=draw(st.sampled_from(extrapolation_values)),
        keep_aspect_ratio_policy=draw(st.sampled_from(policies)),
        coordinate_arithmetic=draw(st.sampled_from(COORDINATE_ARITHMETICS)),
    )


@st.composite
def scale_values(draw, low=0.05, high=4.0):
    """A scale factor of one of four kinds, equally often: an arbitrary float in ``[low, high]``, a simple
    fraction ``p / q`` (``p, q <= 7``), an integer 1-4, or exactly 1 (callers clamp it to their limits)."""
    kind = draw(st.sampled_from(["float", "fraction", "integer", "one"]))
    if kind == "fraction":
        return draw(st.integers(1, 7)) / draw(st.integers(1, 7))
    if kind == "integer":
        return float(draw(st.integers(1, 4)))
    if kind == "one":
        return 1.0
    return draw(st.floats(low, high))
