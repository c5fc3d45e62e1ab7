"""Smoke test of ``benchmarks/bench.py``: it runs end to end on tiny shapes and its JSON has every row.

Not a timing test: no assertion on speed, only that the rows, ratios, memory figures and targets exist
and that ours and native compute the same numbers on the ``same``-spec rows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.targets import TARGETS  # noqa: E402
from benchmarks.workloads import rows_for  # noqa: E402


def _run(tmp_path, framework: str, *extra: str) -> dict:
    out = tmp_path / "bench.json"
    cmd = [sys.executable, os.path.join(ROOT, "benchmarks", "bench.py"), "--quick", "--frameworks", framework,
           "--repeats", "1", "--warmup", "0", "--json", str(out), *extra]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "| row |" in proc.stdout and "Targets (issue 8):" in proc.stdout
    return json.loads(out.read_text())


def _check_rows(result: dict, framework: str) -> None:
    expected = [r.name for r in rows_for(framework, quick=True)]
    assert [r["name"] for r in result["rows"]] == expected
    for r in result["rows"]:
        assert r["ours_error"] is None, r["ours_error"]
        for key in ("ours_fwd_ms", "native_fwd_ms", "ours_fb_ms", "native_fb_ms", "copy_ms", "floor_ms"):
            assert r[key] > 0, (r["name"], key)
        assert r["ratio_fb"] == pytest.approx(r["ours_fb_ms"] / r["native_fb_ms"])
        if r["kind"] == "same":
            # Ours and the native op compute the same function (float32 rounding apart).
            assert r["max_abs_diff"] < 1e-4, (r["name"], r["max_abs_diff"])
    assert [t["id"] for t in result["targets"]] == [t for t, _ in TARGETS]
    assert result["overhead"][framework]["ours_us"] > 0


def test_bench_quick_torch_with_memory(tmp_path):
    pytest.importorskip("torch")
    result = _run(tmp_path, "torch")
    _check_rows(result, "torch")
    for row in result["converted"]:  # the converted-model rows (issue 18): measured, or skipped with why
        assert row.get("skipped") or row["ratio"] == pytest.approx(row["converted_ms"] / row["original_ms"])
    inference = [row for row in result["inference"] if row["framework"] == "torch"]
    assert {row["dtype"] for row in inference} == {"float32", "bfloat16", "float16"}  # issue 18, item 4
    for row in inference:  # the same spec as F.interpolate: equal to float32 rounding (or skipped with why)
        assert row.get("skipped") or (row["ours_ms"] > 0 and row["native_ms"] > 0)
        if row["dtype"] == "float32":
            assert row["max_abs_diff"] < 1e-5, row
    if result["memory_method"] and result["rows"][0]["mem_bytes"]:
        for r in result["rows"]:
            for call in ("ours_fwd", "ours_fb", f"native_fwd:{r['layout']}", f"native_fb:{r['layout']}"):
                assert r["mem_bytes"][call] >= 0, (r["name"], call)
                if r["output_bytes"] >= 2 * 2**20:
                    # The call writes at least its output, an mmap-ed buffer the worker counts (to within
                    # the kernel's RSS counting slack of 64 pages per thread).
                    assert r["mem_bytes"][call] >= r["output_bytes"] // 2, (r["name"], call)


def test_bench_quick_chainer(tmp_path):
    try:  # importing the package imports Chainer (through its distutils shim)
        import consistent_resize_chainer  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"Chainer not importable: {exc}")
    result = _run(tmp_path, "chainer", "--no-memory")
    _check_rows(result, "chainer")


def _row(name, **values):
    framework, workload, layout = name.split("/")
    base = dict(name=name, framework=framework, workload=workload, layout=layout, kind="same", ratio_fwd=0.5,
                ratio_fb=0.5, floor_ratio=1.0, mem_ratio_fwd=1.0, mem_ratio_fb=1.0)
    return {**base, **values}


def test_targets_pass_and_miss_at_the_issue_limits():
    from benchmarks.targets import evaluate

    rows = [
        _row("torch/pyramid/nchw", ratio_fb=0.2),  # exactly 5x faster: passes
        _row("chainer/pyramid/nchw", ratio_fb=0.21),  # not quite 5x: misses
        _row("tf/upsample/channels_last", ratio_fb=1.01, mem_ratio_fb=1.21, floor_ratio=3.0),
        _row("tf/cubic/channels_last", kind="no_native", ratio_fwd=1.5, ratio_fb=1.6),
    ]
    status = {t["id"]: t for t in evaluate(rows, {"torch": {"overhead_us": 19.9}, "tf": {"overhead_us": 25.0}})}
    assert status["torch_pyramid_5x"]["status"] == "PASS"
    assert status["chainer_5x"]["status"] == "MISS"
    miss = {c["row"] for c in status["fb_not_slower"]["checks"] if c["status"] == "MISS"}
    assert miss == {"tf/upsample/channels_last"}  # 1.01 > 1.0; the no-native row is not in this target
    assert status["fwd_floor_3x"]["status"] == "PASS"
    assert [c["status"] for c in status["no_native_1.5x"]["checks"]] == ["PASS", "MISS"]
    assert status["memory_1.2x"]["status"] == "MISS"
    assert {c["row"]: c["status"] for c in status["overhead_20us"]["checks"]} == {"tf": "MISS", "torch": "PASS"}


def test_interleaving_alternates_the_order():
    from benchmarks.timing import interleaved_medians

    seen = []
    calls = {name: (lambda name=name: seen.append(name)) for name in ("a", "b", "c")}
    times = interleaved_medians(calls, lambda: None, repeats=3, warmup=1)
    assert seen == list("abc" "cba" "abc" "cba")
    assert all(len(t["samples_ms"]) == 3 for t in times.values())
