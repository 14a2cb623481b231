"""Predict parity: the Keras Python that `layercanvas export --format keras-py --weights` writes loads the trained
weights into real Keras (3.15, TensorFlow 2.21), and Keras then predicts what `layercanvas predict` predicts on the
same fixed input, within 1e-5, in inference mode and (for models without random layers) in training mode, where
BatchNormalization uses the batch's statistics. Every interop model takes part that has one input and builds; the
weights are its own (TF.js fixtures) or seeded random ones with BN's moving statistics away from 0 and 1.
"""
import contextlib
import io
import json

import keras
import numpy as np
import pytest

from conftest import MODELS

WEIGHTED = [m for m in MODELS if "predict-inference" in m["files"]]
# Layers whose training-mode output is random: Keras and LayerCanvas draw different masks.
RANDOM_IN_TRAINING = {"Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout"}
TOLERANCE = 1e-5


def read_tensor(path):
    with open(path, encoding="utf-8") as f:
        t = json.load(f)
    return np.asarray(t["data"], dtype="float32").reshape(t["shape"])


def run_export(path):
    keras.backend.clear_session()
    scope = {"__name__": "__layercanvas_export__", "__file__": path}
    with open(path, encoding="utf-8") as f:
        code = f.read()
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, path, "exec"), scope)  # noqa: S102 - the export is the code under test
    return scope["model"]


def test_every_model_that_builds_takes_part():
    assert len(WEIGHTED) >= len(MODELS) - 1, [m["id"] for m in MODELS if m not in WEIGHTED]


@pytest.mark.parametrize("flavor", ["keras-py-weights", "keras-py-weights-tf.keras"])
@pytest.mark.parametrize("model_id", [m["id"] for m in WEIGHTED])
def test_keras_loads_the_exported_weights_and_predicts_what_layercanvas_predicts(model_id, flavor):
    entry = next(m for m in WEIGHTED if m["id"] == model_id)
    assert entry["errors"] == [], entry["errors"]
    model = run_export(entry["files"][flavor])
    x = read_tensor(entry["files"]["input"])
    expected = read_tensor(entry["files"]["predict-inference"])
    got = np.asarray(model(x, training=False))
    np.testing.assert_allclose(got, expected, rtol=TOLERANCE, atol=TOLERANCE)
    if any(row["class_name"] in RANDOM_IN_TRAINING for row in entry["summary"]["layers"]):
        return
    expected = read_tensor(entry["files"]["predict-training"])
    got = np.asarray(model(x, training=True))
    np.testing.assert_allclose(got, expected, rtol=TOLERANCE, atol=TOLERANCE)
