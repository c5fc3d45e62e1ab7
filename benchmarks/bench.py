"""Benchmark: our resize layers against each framework's native resize (issue 8).

For each framework, in one process of its own (so one framework's idle thread pools do not steal the
other's cores), every row times our layer and the native op computing the same spec, forward and
forward+backward, interleaved: each repetition runs every call once, in an order that alternates, and
the median of ``--repeats`` (>= 7 by default) repetitions after ``--warmup`` is reported. Then a fresh
worker process measures the peak memory of each call (see ``benchmarks/memory.py``; on CUDA the
framework's own peak counters are used in the timing process). The table gives times, ratios
(ours / native), the copy floor and peak memory; the issue's targets are evaluated from the ratios.

Usage:
    .venv/bin/python benchmarks/bench.py [--device cpu|cuda] [--frameworks torch,tf,chainer]
        [--quick] [--json FILE] [--repeats N] [--warmup N] [--rows SUBSTRING] [--no-memory]
        [--profile]

Example:
    .venv/bin/python benchmarks/bench.py --quick --frameworks torch --json /tmp/bench.json
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# Run as a script, sys.path[0] is benchmarks/: replace it by the repository root, so that our modules
# are imported as ``benchmarks.*`` and never shadow a standard module.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks import memory, report, targets  # noqa: E402
from benchmarks.timing import interleaved_medians  # noqa: E402
from benchmarks.workloads import OVERHEAD_SHAPE, rows_for  # noqa: E402

FRAMEWORKS = ("torch", "tf", "chainer")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    p.add_argument("--frameworks", default=",".join(FRAMEWORKS),
                   help="comma-separated subset of torch,tf,chainer (default: all)")
    p.add_argument("--quick", action="store_true", help="tiny shapes, 3 repetitions: a smoke test")
    p.add_argument("--json", metavar="FILE", help="write every result to FILE")
    p.add_argument("--repeats", type=int, help="timed repetitions (default 9, --quick 3)")
    p.add_argument("--warmup", type=int, help="untimed repetitions first (default 2, --quick 1)")
    p.add_argument("--rows", default="", help="only rows whose name contains this substring")
    p.add_argument("--no-memory", action="store_true", help="skip the peak-memory measurement")
    p.add_argument("--profile", action="store_true",
                   help="also print where the time of ours and native forward+backward goes (torch, chainer)")
    p.add_argument("--worker", choices=("timing", "memory"), help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    chosen = [f.strip() for f in args.frameworks.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FRAMEWORKS]
    if unknown or not chosen:
        p.error(f"--frameworks: unknown {unknown}; expected a comma-separated subset of {','.join(FRAMEWORKS)}")
    args.framework_list = chosen
    if args.repeats is None:
        args.repeats = 3 if args.quick else 9
    if args.warmup is None:
        args.warmup = 1 if args.quick else 2
    if args.repeats < 1 or args.warmup < 0:
        p.error("--repeats must be >= 1 and --warmup >= 0")
    return args


# --- worker side: one framework, one process ------------------------------------------------------


def _selected_rows(framework: str, args) -> list:
    return [r for r in rows_for(framework, args.quick) if args.rows in r.name]


def _row_result(row, case, times: dict, device_mem: dict, layout_kept) -> dict:
    med = {name: t["median_ms"] for name, t in times.items()}
    fastest_fwd = min(row.native_layouts, key=lambda lay: med[f"native_fwd:{lay}"])
    fastest_fb = min(row.native_layouts, key=lambda lay: med[f"native_fb:{lay}"])
    ours_fwd, ours_fb = med.get("ours_fwd"), med.get("ours_fb")
    native_fwd, native_fb = med[f"native_fwd:{fastest_fwd}"], med[f"native_fb:{fastest_fb}"]
    copy = med["copy"]
    # Reading the input plus writing the output, each at the bandwidth of a copy of its own size (a copy
    # of n bytes reads n and writes n; measuring each size also counts the fixed cost of its allocation).
    floor = (med["copy_input"] + copy) / 2
    w = row.workload
    return {
        "name": row.name,
        "framework": row.framework,
        "workload": w.name,
        "layout": row.layout,
        "kind": w.kind,
        "in_shape": list(w.in_shape),
        "out_shape": list(w.in_shape[:2]) + list(w.out_hw),
        "spec": {**row.spec.to_onnx(), "coordinate_arithmetic": row.spec.coordinate_arithmetic},
        "preset": row.preset,
        "native_call": row.native_call,
        "yardstick": f"fastest native {w.native}: fwd {fastest_fwd}, f+b {fastest_fb}",
        "input_bytes": case.input_bytes,
        "output_bytes": case.output_bytes,
        "times_ms": times,
        "ours_fwd_ms": ours_fwd,
        "ours_fb_ms": ours_fb,
        "native_fwd_ms": native_fwd,
        "native_fb_ms": native_fb,
        "ratio_fwd": None if ours_fwd is None else ours_fwd / native_fwd,
        "ratio_fb": None if ours_fb is None else ours_fb / native_fb,
        "copy_ms": copy,
        "copy_input_ms": med["copy_input"],
        "floor_ms": floor,
        "floor_ratio": None if ours_fwd is None else ours_fwd / floor,
        "mem_bytes": device_mem,
        "max_abs_diff": case.max_abs_diff,
        "layout_kept": layout_kept,
        "ours_error": case.ours_error,
    }


def run_timing_worker(framework: str, args) -> dict:
    mod = importlib.import_module(f"benchmarks.bench_{framework}")
    reason = mod.available(args.device)
    if reason:
        return {"skipped": reason}
    sync = mod.sync_for(args.device)
    rows, failed = [], {}
    for row in _selected_rows(framework, args):
        try:
            case = mod.make_case(row, args.device)
            times = interleaved_medians(case.calls, sync, args.repeats, args.warmup)
        except Exception as exc:  # reported in the table and the exit status, never hidden
            traceback.print_exc()
            failed[row.name] = f"{type(exc).__name__}: {exc}"
            continue
        device_mem = {}
        if args.device == "cuda":
            device_mem = {name: mod.device_peak_bytes(call, args.device) for name, call in case.calls.items()}
        result = _row_result(row, case, times, device_mem, mod.layout_kept(row, args.device))
        rows.append(result)
        print(f"  {row.name}: fwd {_fmt(result['ours_fwd_ms'])} vs {_fmt(result['native_fwd_ms'])} ms, "
              f"f+b {_fmt(result['ours_fb_ms'])} vs {_fmt(result['native_fb_ms'])} ms, "
              f"copy {_fmt(result['copy_ms'])} ms", file=sys.stderr, flush=True)
        if args.profile:
            from benchmarks import profiling

            print(profiling.profile_case(framework, row, case), file=sys.stderr, flush=True)
        del case
    overhead = None
    try:
        shape, out_hw = OVERHEAD_SHAPE
        calls = mod.overhead_calls(shape, out_hw, args.device)
        inner = 20 if args.quick else 200
        t = interleaved_medians(calls, sync, args.repeats, args.warmup, inner=inner)
        ours_us, native_us = t["ours"]["median_ms"] * 1e3, t["native"]["median_ms"] * 1e3
        overhead = {"ours_us": ours_us, "native_us": native_us, "overhead_us": ours_us - native_us,
                    "shape": [list(shape), list(out_hw)], "calls_per_sample": inner}
    except ImportError as exc:
        print(f"  {framework}: overhead not measured: {exc}", file=sys.stderr)
    return {"describe": mod.describe(), "rows": rows, "overhead": overhead, "failed": failed}


def run_memory_worker(framework: str, args) -> dict:
    reason = memory.supported()
    if reason:
        return {"skipped": reason}
    mod = importlib.import_module(f"benchmarks.bench_{framework}")
    result = {}
    for row in _selected_rows(framework, args):
        try:
            case = mod.make_case(row, "cpu")
            gc.collect()  # once per row (a full collection takes ~0.1 s with a framework loaded)
            result[row.name] = {name: memory.rss_peak_bytes(call) for name, call in case.calls.items()}
        except Exception:  # the timing worker reports the failure; no memory figures for this row
            traceback.print_exc()
            continue
        del case
    return {"rows": result}


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.3g}"


# --- orchestrator side ------------------------------------------------------------------------------


def _spawn(kind: str, framework: str, args, env_extra=None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", kind, "--frameworks", framework,
           "--device", args.device, "--repeats", str(args.repeats), "--warmup", str(args.warmup),
           "--rows", args.rows, "--out", out]
    if args.quick:
        cmd.append("--quick")
    if args.profile:
        cmd.append("--profile")
    env = {**os.environ, **(env_extra or {})}
    try:
        proc = subprocess.run(cmd, env=env)
        if proc.returncode != 0:
            return {"crashed": f"{kind} worker exited with {proc.returncode} (traceback above)"}
        with open(out) as f:
            return json.load(f)
    finally:
        os.unlink(out)


def _ratio(a, b):
    return None if a is None or not b else a / b


def _merge_memory(rows: list, mem: dict) -> None:
    page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
    for r in rows:
        if mem:
            r["mem_bytes"] = mem.get(r["name"], {})
        m = r["mem_bytes"]
        # A native peak of a few pages is noise, not a baseline to divide by.
        floor = 16 * page

        def ratio(ours, native):
            if m.get(ours) is None or m.get(native) is None or m[native] < floor:
                return None
            return m[ours] / m[native]

        r["mem_ratio_fwd"] = ratio("ours_fwd", f"native_fwd:{r['layout']}")
        r["mem_ratio_fb"] = ratio("ours_fb", f"native_fb:{r['layout']}")


def machine() -> dict:
    model = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_start": os.getloadavg(),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        (framework,) = args.framework_list
        if args.worker == "timing":
            result = run_timing_worker(framework, args)
        else:
            result = run_memory_worker(framework, args)
        with open(args.out, "w") as f:
            json.dump(result, f)
        return 0

    results = {
        "command": " ".join([os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(ROOT)
                             else sys.executable, "benchmarks/bench.py"] + sys.argv[1:]),
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "device": args.device,
        "quick": args.quick,
        "repeats": args.repeats,
        "warmup": args.warmup,
        "memory_method": None if args.no_memory else memory.METHOD[args.device],
        "frameworks": {},
        "skipped": {},
        "rows": [],
        "failed": {},
        "overhead": {},
    }
    for framework in args.framework_list:
        print(f"{framework}: timing ({args.device})", file=sys.stderr, flush=True)
        timing = _spawn("timing", framework, args)
        if "crashed" in timing:
            results["failed"][framework] = timing["crashed"]
            continue
        if "skipped" in timing:
            results["skipped"][framework] = timing["skipped"]
            print(f"{framework}: skipped: {timing['skipped']}", file=sys.stderr, flush=True)
            continue
        results["frameworks"][framework] = timing["describe"]
        mem = {}
        if args.device == "cpu" and not args.no_memory:
            print(f"{framework}: peak memory (worker process)", file=sys.stderr, flush=True)
            env = {**memory.WORKER_ENV, **memory.FRAMEWORK_ENV.get(framework, {})}
            got = _spawn("memory", framework, args, env)
            if "skipped" in got or "crashed" in got:
                reason = got.get("skipped") or got["crashed"]
                print(f"{framework}: memory not measured: {reason}", file=sys.stderr)
            mem = got.get("rows", {})
        _merge_memory(timing["rows"], mem)
        results["rows"].extend(timing["rows"])
        results["failed"].update(timing["failed"])
        if timing["overhead"]:
            results["overhead"][framework] = timing["overhead"]
    results["machine"]["loadavg_end"] = os.getloadavg()
    results["targets"] = targets.evaluate(results["rows"], results["overhead"])

    m = results["machine"]
    print(f"\n{results['command']}")
    print(f"{results['date_utc']}; {m['nproc']} CPUs, {m['cpu']}; device {args.device}; "
          f"load average {m['loadavg_start'][0]:.2f} at start, {m['loadavg_end'][0]:.2f} at end")
    for fw, text in results["frameworks"].items():
        print(f"  {fw}: {text}")
    for fw, reason in results["skipped"].items():
        print(f"  {fw}: SKIPPED: {reason}")
    print(f"Median of {args.repeats} interleaved repetitions after {args.warmup} warm-up, ms; "
          "ratio = ours / native; f+b = forward+backward; copy = a plain copy of the output-sized tensor; "
          "floor = (copy of the input + copy of the output) / 2: reading the input and writing the output "
          "once.")
    print(f"Memory: {results['memory_method'] or 'not measured (--no-memory)'}.\n")
    print(report.table(results["rows"]))
    for name, err in results["failed"].items():
        print(f"  {name}: FAILED: {err}")
    errors = {r["name"]: r["ours_error"] for r in results["rows"] if r["ours_error"]}
    for name, err in errors.items():
        print(f"  {name}: ours not run: {err}")
    lost = [r["name"] for r in results["rows"] if r["layout_kept"] is False]
    if lost:
        print(f"  our output is not in the input's memory format on: {', '.join(lost)}")
    print()
    if results["overhead"]:
        print(report.overhead_table(results["overhead"]))
        print()
    print("Targets (issue 8):")
    print(report.targets_text(results["targets"]))
    if "torch" in results["frameworks"] and args.device == "cpu":
        from benchmarks import bench_convert  # converted models cost nothing (issue 18, item 3)

        print("converted models: timing", file=sys.stderr, flush=True)
        results["converted"] = (bench_convert.measure(repeats=3, warmup=1, side=64, batches=(1,)) if args.quick
                                else bench_convert.measure(repeats=args.repeats, warmup=args.warmup))
        print("\n" + bench_convert.report(results["converted"]))
    if args.device == "cpu" and {"torch", "tf"} & set(results["frameworks"]):
        from benchmarks import bench_inference  # deployment shapes, batch 1 (issue 18, item 4)

        print("inference rows: timing", file=sys.stderr, flush=True)
        frameworks = tuple(row for row, framework in (("torch", "torch"), ("tflite", "tf"))
                           if framework in results["frameworks"])
        results["inference"] = (bench_inference.measure(3, 1, sides=(16,), frameworks=frameworks) if args.quick
                                else bench_inference.measure(args.repeats, args.warmup, frameworks=frameworks))
        print("\n" + bench_inference.report(results["inference"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
        print(f"\nwrote {args.json}")
    return 1 if results["failed"] else 0  # a framework skipped for want of a GPU is not a failure


if __name__ == "__main__":
    sys.exit(main())
