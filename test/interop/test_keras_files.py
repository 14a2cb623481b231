"""Keras's own files in and out of LayerCanvas, checked by real Keras (3.15, TensorFlow 2.21).

Keras writes a few models here (seeded, with BatchNormalization's moving statistics set away from 0 and 1 so
inference differs from training) as `.keras`, legacy `.h5` and `.weights.h5`; keras-files.mts runs the CLI on them.
- Read: the summary facts equal Keras's, and `layercanvas predict` equals Keras's predictions (inference, and
  training where the model has no Dropout) within 1e-5.
- `.weights.h5` loaded onto the same model (read without its weights) predicts the same.
- Written: our `.keras` and our legacy `.h5` of each file load with keras.saving.load_model with the very same
  weights and predictions;
  every template exported as `.keras` loads in Keras, which predicts what `layercanvas predict` did from that file.
"""
import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from conftest import ROOT
from test_keras_exports import keras_facts, layercanvas_facts

OUT = os.path.join(ROOT, "test-results", "interop-files")
TOL = {"rtol": 1e-5, "atol": 1e-5}


def _models():
    """The models Keras writes for these tests, by id: (build, input shape)."""
    L = keras.layers

    def cnn_bn():
        return keras.Sequential([
            keras.Input((12, 12, 3)), L.Conv2D(8, 3, use_bias=False), L.BatchNormalization(), L.ReLU(),
            L.MaxPooling2D(), L.Conv2D(4, 3, padding="same", activation="relu"), L.Flatten(),
            L.Dense(10, activation="softmax"),
        ], name="cnn_bn")

    def residual():
        inp = keras.Input((8, 8, 4))
        x = L.Conv2D(4, 3, padding="same")(inp)
        x = L.BatchNormalization()(x)
        x = L.Activation("relu")(x)
        x = L.Add()([x, inp])
        x = L.DepthwiseConv2D(3, padding="same")(x)
        x = L.SeparableConv2D(6, 3)(x)
        x = L.GlobalAveragePooling2D()(x)
        return keras.Model(inp, L.Dense(3)(x), name="residual")

    def branches():
        # Layer names and Keras's weight paths disagree here: layers/dense_2 is 'wide', not the third Dense made.
        inp = keras.Input((6,))
        a = L.Dense(4, name="wide")(inp)
        b = L.Dense(5, activation="tanh")(L.Dense(3)(inp))
        c = L.Concatenate()([b, a])
        return keras.Model(inp, L.Dense(2)(c))

    def mlp():
        return keras.Sequential([keras.Input((6,)), L.Dense(16, activation="relu"), L.Dropout(0.2), L.Dense(1)])

    def text():
        # Token ids through an Embedding into LSTM and GRU: Keras's weight paths hold each RNN's cell.
        inp = keras.Input((7,), dtype="int32")
        x = L.Embedding(11, 4)(inp)
        x = L.LSTM(5, return_sequences=True)(x)
        x = L.GRU(3)(x)
        return keras.Model(inp, L.Dense(2)(x), name="text")

    def bidirectional():
        # Bidirectional keeps each direction's weights in its copy's cell: layers/<slot>/forward_layer/cell/vars.
        inp = keras.Input((7,), dtype="int32")
        x = L.Embedding(11, 4)(inp)
        x = L.Bidirectional(L.LSTM(5, return_sequences=True), merge_mode="sum")(x)
        x = L.Bidirectional(L.GRU(3))(x)
        return keras.Model(inp, L.Dense(2)(x), name="bidirectional")

    def regularized():
        # Regularizers and weight constraints live in the files' config: read, and written back, Keras finds them.
        R, C = keras.regularizers, keras.constraints
        return keras.Sequential([
            keras.Input((8, 8, 3)),
            L.Conv2D(4, 3, kernel_regularizer=R.L2(0.01), activity_regularizer="l1",
                     kernel_constraint=C.MaxNorm(2, axis=[0, 1, 2])),
            L.BatchNormalization(gamma_constraint=C.NonNeg(), beta_regularizer=R.L1L2(0.01, 0.02)),
            L.Flatten(),
            L.Dense(3, bias_constraint=C.MinMaxNorm(0.1, 1.0, rate=0.5), kernel_constraint=C.UnitNorm()),
        ], name="regularized")

    def states():
        # return_state: the LSTM's h and c and the GRU's h feed a Concatenate as the layers' outputs 1 and 2.
        inp = keras.Input((6, 3))
        seq, h, c = L.LSTM(5, return_sequences=True, return_state=True)(inp)
        _, g = L.GRU(4, return_state=True)(seq)
        return keras.Model(inp, L.Dense(2)(L.Concatenate()([h, c, g])), name="states")

    def rnn_dropout():
        # dropout and recurrent_dropout: the same config back, and Keras's inference (no masks) predicted.
        inp = keras.Input((7,), dtype="int32")
        x = L.Embedding(11, 4)(inp)
        x = L.LSTM(5, dropout=0.2, recurrent_dropout=0.3, return_sequences=True)(x)
        x = L.Bidirectional(L.GRU(3, dropout=0.25))(x)
        return keras.Model(inp, L.Dense(2)(x), name="rnn_dropout")

    def initial_state():
        # initial_state: an encoder's h and c start an LSTM, a Dense's output starts a GRU (Keras's call kwarg).
        inp = keras.Input((6, 3))
        _, h, c = L.LSTM(4, return_state=True)(inp)
        seq = L.LSTM(4, return_sequences=True, go_backwards=True)(inp, initial_state=[h, c])
        g0 = L.Dense(3, activation="tanh")(L.Flatten()(inp))
        y = L.GRU(3)(seq, initial_state=g0)
        return keras.Model(inp, L.Dense(2)(y), name="initial_state")

    return {"cnn_bn": (cnn_bn, (4, 12, 12, 3)), "residual": (residual, (4, 8, 8, 4)),
            "branches": (branches, (4, 6)), "mlp": (mlp, (4, 6)), "text": (text, (4, 7), 11),
            "bidirectional": (bidirectional, (4, 7), 11), "regularized": (regularized, (4, 8, 8, 3)),
            "states": (states, (4, 6, 3)), "rnn_dropout": (rnn_dropout, (4, 7), 11),
            "initial_state": (initial_state, (4, 6, 3))}


def _rules(config, prefix=""):
    out = {}
    for key, value in config.items():
        if key.endswith(("_regularizer", "_constraint", "dropout")):
            out[prefix + key] = value
        elif key in ("layer", "backward_layer") and isinstance(value, dict):
            out.update(_rules(value["config"], f"{key}."))
    return out


def weight_rules(model):
    """Every layer's regularizers, constraints and RNN dropout rates as get_config() holds them (a wrapped
    layer's under its key), by layer and key."""
    return {(layer.name, key): value for layer in model.layers for key, value in _rules(layer.get_config()).items()}


def assert_same_rules(got, want):
    """The same classes and arguments; a factor may come back as its float32 (tf.keras 2's .h5 keeps that)."""
    assert sorted(got) == sorted(want)
    for key, value in want.items():
        if not isinstance(value, dict) or not isinstance(got[key], dict):
            assert got[key] == value, key
            continue
        assert got[key]["class_name"] == value["class_name"], key
        for arg, x in value["config"].items():
            np.testing.assert_allclose(got[key]["config"][arg], x, rtol=1e-7, err_msg=f"{key} {arg}")


def _write_keras_files():
    os.makedirs(OUT, exist_ok=True)
    manifest, expected = [], {}
    for i, (model_id, (build, shape, *vocabulary)) in enumerate(_models().items()):
        keras.utils.set_random_seed(i)
        keras.backend.clear_session()
        model = build()
        rng = np.random.RandomState(i)
        for layer in model.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.moving_mean.assign(rng.uniform(-0.5, 0.5, layer.moving_mean.shape))
                layer.moving_variance.assign(rng.uniform(0.5, 2.0, layer.moving_variance.shape))
                layer.gamma.assign(rng.uniform(0.5, 1.5, layer.gamma.shape))
                layer.beta.assign(rng.uniform(-0.2, 0.2, layer.beta.shape))
        files = {k: os.path.join(OUT, f"{model_id}{ext}") for k, ext in
                 (("keras", ".keras"), ("h5", ".h5"), ("weights", ".weights.h5"))}
        model.save(files["keras"])
        model.save(files["h5"])
        model.save_weights(files["weights"])
        x = rng.randint(0, vocabulary[0], shape).astype("int32") if vocabulary else rng.uniform(-1, 1, shape).astype("float32")
        path = os.path.join(OUT, f"{model_id}.input.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"shape": list(shape), "data": x.ravel().tolist()}, f)
        # Dropout draws random masks in training: only inference can be compared there.
        training = not any(isinstance(layer, keras.layers.Dropout) or any(
            key.endswith("dropout") and rate for key, rate in _rules(layer.get_config()).items())
            for layer in model.layers)
        manifest.append({"id": model_id, "files": files, "input": path, "training": training})
        # The weights as saved, before a training-mode call moves BatchNormalization's statistics.
        expected[model_id] = {"facts": keras_facts(model), "weights": [np.asarray(w) for w in model.weights],
                              "rules": weight_rules(model),
                              "predict": np.asarray(model(x, training=False))}
        expected[model_id]["predict_training"] = np.asarray(model(x, training=True)) if training else None
    with open(os.path.join(OUT, "keras-manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f)
    done = subprocess.run(["node", "--import", "tsx", "test/interop/keras-files.mts", OUT],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"interop: keras-files.mts failed: {done.stderr.strip() or done.stdout.strip()}")
    with open(os.path.join(OUT, "results.json"), encoding="utf-8") as f:
        return expected, json.load(f)


EXPECTED, RESULTS = _write_keras_files()
MODEL_IDS = list(EXPECTED)
TEMPLATE_IDS = list(RESULTS["templates"])


def predictions(path):
    with open(path, encoding="utf-8") as f:
        t = json.load(f)
    return np.asarray(t["data"], dtype="float32").reshape(t["shape"])


def test_the_cli_ran_every_step_without_errors():
    assert RESULTS["errors"] == []


@pytest.mark.parametrize("kind", ["keras", "h5"])
@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_a_file_keras_wrote_reads_with_its_summary_facts_and_predicts_as_keras(model_id, kind):
    ours, expected = RESULTS["models"][model_id][kind], EXPECTED[model_id]
    assert layercanvas_facts({"summary": ours["summary"]}) == expected["facts"]
    np.testing.assert_allclose(predictions(ours["predict"]), expected["predict"], **TOL)
    if expected["predict_training"] is not None:
        np.testing.assert_allclose(predictions(ours["predict_training"]), expected["predict_training"], **TOL)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_weights_h5_loaded_onto_the_model_predicts_as_keras(model_id):
    ours = RESULTS["models"][model_id]["weights"]
    np.testing.assert_allclose(predictions(ours["predict"]), EXPECTED[model_id]["predict"], **TOL)


@pytest.mark.parametrize("ours", ["ours", "ours_h5"])
@pytest.mark.parametrize("kind", ["keras", "h5"])
@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_our_keras_file_loads_in_keras_with_the_same_weights_and_predictions(model_id, kind, ours):
    """ours: our .keras; ours_h5: our legacy .h5 (tf.keras 2's layout), which Keras 3 reads with load_model too."""
    keras.backend.clear_session()
    model = keras.saving.load_model(RESULTS["models"][model_id][kind][ours])
    expected = EXPECTED[model_id]
    assert keras_facts(model) == expected["facts"]
    assert_same_rules(weight_rules(model), expected["rules"])
    assert len(model.weights) == len(expected["weights"])
    for got, want in zip(model.weights, expected["weights"]):
        np.testing.assert_array_equal(np.asarray(got), want)
    with open(os.path.join(OUT, f"{model_id}.input.json"), encoding="utf-8") as f:
        t = json.load(f)
    x = np.asarray(t["data"], dtype="float32").reshape(t["shape"])
    np.testing.assert_allclose(np.asarray(model(x, training=False)), expected["predict"], **TOL)


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_every_template_exported_as_keras_loads_in_keras_and_predicts_as_layercanvas(template_id):
    entry = RESULTS["templates"][template_id]
    keras.backend.clear_session()
    model = keras.saving.load_model(entry["keras"])
    assert keras_facts(model) == layercanvas_facts({"summary": entry["summary"]})
    with open(entry["input"], encoding="utf-8") as f:
        t = json.load(f)
    x = np.asarray(t["data"], dtype="float32").reshape(t["shape"])
    np.testing.assert_allclose(np.asarray(model(x, training=False)), predictions(entry["predict"]), rtol=1e-4, atol=1e-5)
