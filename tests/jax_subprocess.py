"""Run a script under the Keras JAX backend in a fresh interpreter (the backend is chosen at import time) and
read back the JSON it prints on its last ``RESULT `` line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_under_jax(script: str, timeout: int) -> dict:
    """The decoded ``RESULT {...}`` of ``script`` run with ``KERAS_BACKEND=jax``; fails with its stderr."""
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=timeout)
    lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
    assert run.returncode == 0 and lines, run.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT "):])
