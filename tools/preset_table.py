"""Print the README's preset table (Markdown) from ``consistent_resize.PRESETS``.

``tests/test_readme.py`` checks that README.md holds exactly this table, so the README cannot drift.
"""

from __future__ import annotations

import dataclasses

from consistent_resize import PRESETS, ResizeSpec


def preset_rows() -> list[str]:
    default = ResizeSpec()
    rows = [
        "| preset | reproduces | mode | coordinate_transformation_mode | other fields |",
        "|---|---|---|---|---|",
    ]
    for name, preset in PRESETS.items():
        spec = preset.spec
        other = []
        for field in dataclasses.fields(spec):
            if field.name in ("mode", "coordinate_transformation_mode"):
                continue
            value = getattr(spec, field.name)
            if field.name == "nearest_mode" and spec.mode != "nearest":
                continue
            if field.name == "cubic_coeff_a" and spec.mode != "cubic":
                continue
            if value != getattr(default, field.name) or field.name in ("nearest_mode", "cubic_coeff_a"):
                other.append(f"{field.name}={round(value, 6) if isinstance(value, float) else value}")
        call = preset.call.replace("|", "\\|")
        mode = f"{spec.mode} (beyond ONNX)" if preset.beyond_onnx else spec.mode
        rows.append(f"| `{name}` | `{call}` | {mode} | {spec.coordinate_transformation_mode} | {', '.join(other)} |")
    return rows


if __name__ == "__main__":
    print("\n".join(preset_rows()))
