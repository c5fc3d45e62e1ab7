"""A training step under ``tf.distribute.MirroredStrategy`` over 2 logical CPU devices gives the same
gradients as one device. Logical devices must be configured before TensorFlow initialises, so the step
runs in a fresh Python process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

SCRIPT = textwrap.dedent(
    """
    import json, numpy as np, tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras
    from consistent_resize_tf import Resize

    def build(static):
        keras.utils.set_random_seed(0)
        inputs = keras.Input((9, 7, 3) if static else (None, None, 3), dtype="float64")
        y = keras.layers.Conv2D(4, 3, padding="same", dtype="float64")(inputs)
        y = Resize((6, 13), preset="pytorch_bicubic", dtype="float64")(y)
        y = Resize(scale_factor=0.5, preset="pillow_bilinear", dtype="float64")(y)
        y = keras.layers.Conv2D(2, 1, dtype="float64")(y)
        return keras.Model(inputs, y)

    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 9, 7, 3))
    target = rng.standard_normal((4, 3, 6, 2))
    results = {"devices": len(tf.config.list_logical_devices("CPU"))}
    for static in (True, False):
        model = build(static)

        def grads(xb, tb):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum((model(xb) - tb) ** 2)
            return tape.gradient(loss, model.trainable_variables)

        single = [g.numpy() for g in tf.function(grads)(x, target)]
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        dataset = tf.data.Dataset.from_tensor_slices((x, target)).batch(4)
        batch = next(iter(strategy.experimental_distribute_dataset(dataset)))
        per_replica = strategy.run(tf.function(grads), args=batch)
        mirrored = [strategy.reduce("SUM", g, axis=None).numpy() for g in per_replica]
        results["replicas"] = strategy.num_replicas_in_sync
        results[f"max_diff_static_{static}"] = max(float(np.abs(a - b).max()) for a, b in zip(single, mirrored))
        results[f"max_grad_static_{static}"] = max(float(np.abs(a).max()) for a in single)
    print("RESULT " + json.dumps(results))
    """
)


def test_mirrored_strategy_gradients_equal_one_device():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
               TF_CPP_MIN_LOG_LEVEL="2", KERAS_BACKEND="tensorflow")
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
    assert run.returncode == 0 and lines, run.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT "):])
    assert result["devices"] == 2 and result["replicas"] == 2
    for static in (True, False):
        assert result[f"max_grad_static_{static}"] > 1e-3  # the gradients are not trivially zero
        assert result[f"max_diff_static_{static}"] <= 1e-10  # float64: only the reduction order differs
