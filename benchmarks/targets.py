"""The targets of issue 8, evaluated from the ratios of one run.

Each target yields one check per row (or per framework) it applies to; a target PASSes when all its
checks do, MISSes when one does not, and is ``n/a`` when nothing it applies to was measured.
"""

from __future__ import annotations

#: (id, text) of every target, in the issue's order.
TARGETS = (
    ("fb_not_slower", "forward+backward never slower than the native op of the same spec (ours/native <= 1.0)"),
    ("torch_pyramid_5x", "PyTorch pyramid NCHW: forward+backward >= 5x faster than F.interpolate (ratio <= 0.2)"),
    ("chainer_5x", "Chainer: forward+backward >= 5x faster than F.resize_images, same spec (ratio <= 0.2)"),
    ("no_native_1.5x", "no native kernel: forward and forward+backward within 1.5x of the fastest native bilinear"),
    ("fwd_floor_3x", "forward within 3x of the memory floor (input read + output written at copy bandwidth)"),
    ("memory_1.2x", "peak memory <= 1.2x native (forward and forward+backward)"),
    ("overhead_20us", "per-call overhead after the first call < 20 us (tiny resize, ours - native)"),
)


def _check(name: str, value, limit: float) -> dict:
    if value is None:
        status = "n/a"
    else:
        status = "PASS" if value <= limit else "MISS"
    return {"row": name, "value": value, "limit": limit, "status": status}


def _checks(target: str, rows: list, overhead: dict) -> list:
    same = [r for r in rows if r["kind"] == "same"]
    if target == "fb_not_slower":
        return [_check(r["name"], r["ratio_fb"], 1.0) for r in same]
    if target == "torch_pyramid_5x":
        return [_check(r["name"], r["ratio_fb"], 0.2) for r in same
                if r["framework"] == "torch" and r["workload"] == "pyramid" and r["layout"] == "nchw"]
    if target == "chainer_5x":
        return [_check(r["name"], r["ratio_fb"], 0.2) for r in same if r["framework"] == "chainer"]
    if target == "no_native_1.5x":
        checks = []
        for r in rows:
            if r["kind"] == "no_native":
                checks.append(_check(r["name"] + " fwd", r["ratio_fwd"], 1.5))
                checks.append(_check(r["name"] + " fwd+bwd", r["ratio_fb"], 1.5))
        return checks
    if target == "fwd_floor_3x":
        return [_check(r["name"], r["floor_ratio"], 3.0) for r in rows]
    if target == "memory_1.2x":
        checks = []
        for r in rows:
            checks.append(_check(r["name"] + " fwd", r["mem_ratio_fwd"], 1.2))
            checks.append(_check(r["name"] + " fwd+bwd", r["mem_ratio_fb"], 1.2))
        return checks
    if target == "overhead_20us":
        return [_check(fw, o.get("overhead_us"), 20.0) for fw, o in sorted(overhead.items())]
    raise ValueError(f"unknown target {target!r}; expected one of {', '.join(t for t, _ in TARGETS)}")


def evaluate(rows: list, overhead: dict) -> list:
    """Every target with its checks and overall status.

    Args:
        rows: row results as ``bench.py`` builds them (``ratio_fwd``, ``ratio_fb``, ``floor_ratio``,
            ``mem_ratio_fwd``, ``mem_ratio_fb``; None where not measured).
        overhead: framework -> ``{"overhead_us": ...}``.

    Returns:
        ``[{"id", "text", "status", "checks": [{"row", "value", "limit", "status"}]}]``.

    Example:
        >>> row = dict(name="torch/p/nchw", framework="torch", workload="p", layout="nchw", kind="same",
        ...            ratio_fwd=0.5, ratio_fb=0.9, floor_ratio=2.0, mem_ratio_fwd=1.0, mem_ratio_fb=1.3)
        >>> {t["id"]: t["status"] for t in evaluate([row], {})}["memory_1.2x"]
        'MISS'
    """
    result = []
    for target, text in TARGETS:
        checks = _checks(target, rows, overhead)
        statuses = {c["status"] for c in checks}
        if "MISS" in statuses:
            status = "MISS"
        elif "PASS" in statuses:
            status = "PASS" if statuses == {"PASS"} else "PASS (some n/a)"
        else:
            status = "n/a"
        result.append({"id": target, "text": text, "status": status, "checks": checks})
    return result
