"""The training scripts (`layercanvas export --format keras-train`) run in TensorFlow 2.21 on CPU: one short epoch
over each kind of data the app trains on (a generated dataset saved beside the script as .npz, a CSV with a header
and class names, an x.npy/y.npy folder, a folder of PNG class folders), with the default and the mirrored strategy,
ending with a finite loss and a saved .keras that Keras loads. The multi-worker strategy (no TF_CONFIG: one worker)
runs an epoch in its own process (collective ops are set up once per process); the TPU strategy, with no TPU here,
stops with its one line. Every script is also compiled by Python. On real MNIST digits the script, trained for
one epoch with the mirrored strategy, scores within a few points of the model `layercanvas train` trained with the
same settings, both scored by Keras on the same held-out digits.
"""
import contextlib
import io
import json
import math
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from conftest import OUT

with open(os.path.join(OUT, "scripts.json"), encoding="utf-8") as f:
    SCRIPTS = json.load(f)
BY_ID = {s["id"]: s for s in SCRIPTS}


def load_script(entry):
    assert entry["errors"] == [], entry["errors"]
    path = entry["script"]
    scope = {"__name__": "__layercanvas_train__", "__file__": path}
    with open(path, encoding="utf-8") as f:
        exec(compile(f.read(), path, "exec"), scope)  # noqa: S102 - the export is the code under test
    return scope


@pytest.mark.parametrize("script_id", [s["id"] for s in SCRIPTS])
def test_training_script_runs_an_epoch_with_a_finite_loss_and_saves_a_model_keras_loads(script_id, tmp_path):
    entry = BY_ID[script_id]
    scope = load_script(entry)
    keras.backend.clear_session()
    out = str(tmp_path / "trained.keras")
    with contextlib.redirect_stdout(io.StringIO()):
        history = scope["main"](["--epochs", "1", "--subset", "96", "--out", out])
    loss = history.history["loss"]
    assert len(loss) == 1 and math.isfinite(loss[0]), history.history
    model = keras.models.load_model(out)
    assert model.count_params() == scope["build_model"]().count_params()


def test_the_script_reaches_the_accuracy_layercanvas_reaches_on_the_same_mnist_subset_and_settings(tmp_path):
    entry = BY_ID["mnist"]  # 1,500 digits, 1 epoch of batch 32, adam lr 0.001, seed 1, MirroredStrategy
    scope = load_script(entry)
    with np.load(entry["heldOut"]) as f:
        x, y = f["x"], f["y"]

    def accuracy(model):
        return float(np.mean(np.argmax(model.predict(x, batch_size=500, verbose=0), axis=-1) == y))

    ours = accuracy(keras.models.load_model(entry["layercanvas"]))
    keras.backend.clear_session()
    out = str(tmp_path / "mnist.keras")
    with contextlib.redirect_stdout(io.StringIO()):
        scope["main"](["--out", out])
    theirs = accuracy(keras.models.load_model(out))
    # Ten classes: chance is 0.1; one epoch on 1,500 digits lands near 0.75 in both.
    assert min(ours, theirs) > 0.5, (ours, theirs)
    assert abs(ours - theirs) <= 0.05, f"LayerCanvas {ours:.4f}, the training script {theirs:.4f}"


def test_the_script_takes_the_projects_settings_and_the_strategy_from_its_flags():
    scope = load_script(BY_ID["csv"])
    s = scope["SETTINGS"]
    assert (s["data_kind"], s["optimizer"], s["batch_size"], s["strategy"]) == ("csv", "adam", 16, "mirrored")
    assert s["loss"] == "sparse_categorical_crossentropy" and s["learning_rate"] == 0.001
    assert type(scope["make_strategy"]("mirrored")).__name__ == "MirroredStrategy"
    assert scope["make_strategy"]("default").num_replicas_in_sync == 1


def run_script(entry, *args):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    env.pop("TF_CONFIG", None)
    return subprocess.run([sys.executable, entry["script"], *args], capture_output=True, text=True, env=env,
                          timeout=300, check=False)


def test_the_multi_worker_strategy_trains_an_epoch_as_a_single_worker(tmp_path):
    done = run_script(BY_ID["npy"], "--strategy", "multiworker", "--epochs", "1", "--subset", "64",
                      "--out", str(tmp_path / "mw.keras"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert os.path.exists(tmp_path / "mw.keras")


def test_the_tpu_strategy_without_a_tpu_stops_with_one_line():
    done = run_script(BY_ID["npy"], "--strategy", "tpu", "--epochs", "1")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("no TPU reachable (")
