"""The printed table: times, ratios, the copy floor, peak memory and the targets."""

from __future__ import annotations


def _ms(v) -> str:
    if v is None:
        return "-"
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def _ratio(v) -> str:
    return "-" if v is None else f"{v:.2f}"


def _mb(v) -> str:
    return "-" if v is None else f"{v / 2**20:.1f}"


HEADER = (
    "| row | fwd ours | fwd native | fwd ratio | f+b ours | f+b native | f+b ratio | copy | floor | fwd/floor "
    "| mem fwd ours/native MiB | mem f+b ours/native MiB | max abs diff |"
)


def table(rows: list) -> str:
    """A Markdown table, one line per row (times in ms, median)."""
    lines = [HEADER, "|" + "---|" * (HEADER.count("|") - 1)]
    for r in rows:
        mem = r["mem_bytes"]
        native_fwd_key = f"native_fwd:{r['layout']}"
        native_fb_key = f"native_fb:{r['layout']}"
        name = r["name"] + (" (vs " + r["yardstick"] + ")" if r["kind"] == "no_native" else "")
        diff = r["max_abs_diff"]
        lines.append(
            f"| {name} | {_ms(r['ours_fwd_ms'])} | {_ms(r['native_fwd_ms'])} | {_ratio(r['ratio_fwd'])} "
            f"| {_ms(r['ours_fb_ms'])} | {_ms(r['native_fb_ms'])} | {_ratio(r['ratio_fb'])} "
            f"| {_ms(r['copy_ms'])} | {_ms(r['floor_ms'])} | {_ratio(r['floor_ratio'])} "
            f"| {_mb(mem.get('ours_fwd'))} / {_mb(mem.get(native_fwd_key))} "
            f"| {_mb(mem.get('ours_fb'))} / {_mb(mem.get(native_fb_key))} "
            f"| {'-' if diff is None else f'{diff:.1e}'} |"
        )
    return "\n".join(lines)


def overhead_table(overhead: dict) -> str:
    lines = ["| framework | tiny call ours (us) | tiny call native (us) | overhead ours - native (us) |",
             "|---|---|---|---|"]
    for fw, o in sorted(overhead.items()):
        lines.append(f"| {fw} | {o['ours_us']:.1f} | {o['native_us']:.1f} | {o['overhead_us']:.1f} |")
    return "\n".join(lines)


def targets_text(targets: list) -> str:
    lines = []
    for t in targets:
        lines.append(f"{t['status']:5s} {t['text']}")
        for c in t["checks"]:
            value = "-" if c["value"] is None else f"{c['value']:.3g}"
            lines.append(f"      {c['status']:4s} {c['row']}: {value} (limit {c['limit']:g})")
    return "\n".join(lines)
