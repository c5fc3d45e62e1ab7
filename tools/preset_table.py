"""Print the README's preset table (Markdown) from ``consistent_resize.PRESETS``.

``tests/test_readme.py`` checks that README.md holds exactly this table, so the README cannot drift.
"""

from __future__ import annotations

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
        for field in ("nearest_mode", "cubic_coeff_a", "exclude_outside", "antialias", "coordinate_arithmetic"):
            value = getattr(spec, field)
            if field == "nearest_mode" and spec.mode != "nearest":
                continue
            if field == "cubic_coeff_a" and spec.mode != "cubic":
                continue
            if value != getattr(default, field) or field in ("nearest_mode", "cubic_coeff_a"):
                other.append(f"{field}={value}")
        call = preset.call.replace("|", "\\|")
        rows.append(f"| `{name}` | `{call}` | {spec.mode} | {spec.coordinate_transformation_mode} | {', '.join(other)} |")
    return rows


if __name__ == "__main__":
    print("\n".join(preset_rows()))
