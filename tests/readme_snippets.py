"""The python code blocks of README.md, so that tests run exactly what a reader copies."""

from __future__ import annotations

import pathlib

README = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text()


def snippet(heading: str, subheading: str | None = None) -> str:
    """The first ```python block under ``## heading`` (and ``### subheading`` within it, if given)."""
    section = README.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    if subheading is not None:
        section = section.split(f"\n### {subheading}\n", 1)[1].split("\n### ", 1)[0]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def shown_output(code: str) -> list[str]:
    """The lines the block shows as its printed output (comment lines ``# ...`` that are whole lines)."""
    return [line[2:] for line in code.splitlines() if line.startswith("# ")]
