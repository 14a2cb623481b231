"""The keras.applications models (test/fixtures/applications), exported again by the CLI as Keras
Python and Keras 3 JSON, rebuilt by real Keras (3.15, TensorFlow 2.21): the same summary facts as `layercanvas
summary --json`, and for MobileNetV3Small, whose hard_sigmoid ops (x + 3, x * (1/6)) come back as Rescaling layers,
the predictions Keras made with the original model (MobileNetV3Small.predict.json.gz, on the weights and input of
make_mobilenetv3_predict.py's formula) within 1e-5.
"""
import contextlib
import gzip
import io
import json
import os
import subprocess

import keras
import numpy as np
import pytest

from conftest import ROOT
from test_keras_exports import keras_facts

APPS = os.path.join(ROOT, "test", "fixtures", "applications")
OUT = os.path.join(ROOT, "test-results", "interop-applications")


def cli(*args):
    done = subprocess.run(["node", "bin/layercanvas.mjs", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def exported(model_id, fmt):
    os.makedirs(OUT, exist_ok=True)
    source = os.path.join(OUT, f"{model_id}.json")
    with gzip.open(os.path.join(APPS, f"{model_id}.json.gz"), "rt") as f, open(source, "w") as g:
        g.write(f.read())
    out = os.path.join(OUT, f"{model_id}.{fmt}.{'py' if fmt == 'keras-py' else 'json'}")
    cli("export", source, "--format", fmt, "--out", out)
    summary = json.loads(cli("summary", source, "--json"))
    keras.backend.clear_session()
    if fmt == "keras-py":
        scope = {"__name__": "__layercanvas_export__", "__file__": out}
        with open(out, encoding="utf-8") as f, contextlib.redirect_stdout(io.StringIO()):
            exec(compile(f.read(), out, "exec"), scope)  # noqa: S102 - the export is the code under test
        return scope["model"], summary
    with open(out, encoding="utf-8") as f:
        return keras.models.model_from_json(f.read()), summary


# ConvNeXtTiny, the twelfth, nests Sequential models: test_nested_export.py rebuilds it.
APPLICATIONS = ["MobileNet", "MobileNetV2", "MobileNetV3Small", "ResNet50", "ResNet50V2", "VGG16", "DenseNet121",
                "NASNetMobile", "Xception", "InceptionV3", "EfficientNetB0"]


@pytest.mark.parametrize("fmt", ["keras-py", "keras-json"])
@pytest.mark.parametrize("model_id", APPLICATIONS)
def test_keras_rebuilds_the_export_with_layercanvas_facts(model_id, fmt):
    model, summary = exported(model_id, fmt)
    facts = keras_facts(model)
    assert facts["layers"] == [{k: r[k] for k in ("name", "class_name", "output_shape", "params")} for r in summary["layers"]]
    assert [facts["total_params"], facts["trainable_params"], facts["non_trainable_params"]] == [
        summary["total_params"], summary["trainable_params"], summary["non_trainable_params"]]


@pytest.mark.parametrize("fmt", ["keras-py", "keras-json"])
def test_mobilenetv3small_export_predicts_what_keras_predicted(fmt):
    model, _ = exported("MobileNetV3Small", fmt)
    with open(os.path.join(APPS, "make_mobilenetv3_predict.py"), encoding="utf-8") as f:
        scope = {"__file__": os.path.join(APPS, "x.py")}
        exec(f.read().split("model = keras.applications")[0], scope)  # noqa: S102 - the fixture's weight formula
    for layer in model.layers:
        for k, w in enumerate(layer.weights):
            w.assign(scope["weight_values"](layer.name, w.path.split("/")[-1], k, tuple(w.shape)))
    with gzip.open(os.path.join(APPS, "MobileNetV3Small.predict.json.gz"), "rt") as f:
        expected = json.load(f)
    shape = tuple(expected["input_shape"])
    x = (127.5 + 127.5 * np.sin(0.013 * np.arange(int(np.prod(shape)), dtype=np.float64))).astype("float32")
    got = np.asarray(model(x.reshape(shape), training=False))
    np.testing.assert_allclose(got.ravel(), np.asarray(expected["data"], dtype="float32"), rtol=1e-5, atol=1e-8)
