"""Models that nest a Sequential or Functional model (test/fixtures/nested, made by make_nested.py, and ConvNeXtTiny),
exported by the CLI as Keras Python and Keras 3 JSON, rebuilt by real Keras (3.15, TensorFlow 2.21) as nested models
again: the same summary facts as `layercanvas summary --json`, where a nested model is one row (its class, output
shape and total params). Their .keras files read with their weights and exported again as .keras load in Keras and
predict what Keras predicted with the original (rtol 1e-4): the weights sit at Keras's nested variable paths.
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

FIXTURES = os.path.join(ROOT, "test", "fixtures")
OUT = os.path.join(ROOT, "test-results", "interop-nested")
NESTED = ["seq_in_func", "func_in_func", "seq_in_seq", "seq_in_func_in_func"]


def cli(*args):
    done = subprocess.run(["node", "bin/layercanvas.mjs", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def source_of(model_id):
    os.makedirs(OUT, exist_ok=True)
    if model_id == "ConvNeXtTiny":
        source = os.path.join(OUT, "ConvNeXtTiny.json")
        with gzip.open(os.path.join(FIXTURES, "applications", "ConvNeXtTiny.json.gz"), "rt") as f, open(source, "w") as g:
            g.write(f.read())
        return source
    return os.path.join(FIXTURES, "nested", f"{model_id}.keras")


def rebuilt(source, fmt, out):
    cli("export", source, "--format", fmt, "--out", out)
    keras.backend.clear_session()
    if fmt == "keras-py":
        scope = {"__name__": "__layercanvas_export__", "__file__": out}
        with open(out, encoding="utf-8") as f, contextlib.redirect_stdout(io.StringIO()):
            exec(compile(f.read(), out, "exec"), scope)  # noqa: S102 - the export is the code under test
        return scope["model"]
    with open(out, encoding="utf-8") as f:
        return keras.models.model_from_json(f.read())


@pytest.mark.parametrize("fmt", ["keras-py", "keras-json"])
@pytest.mark.parametrize("model_id", [*NESTED, "ConvNeXtTiny"])
def test_keras_rebuilds_the_nested_export_with_layercanvas_facts(model_id, fmt):
    source = source_of(model_id)
    summary = json.loads(cli("summary", source, "--json"))
    model = rebuilt(source, fmt, os.path.join(OUT, f"{model_id}.{fmt}.{'py' if fmt == 'keras-py' else 'json'}"))
    facts = keras_facts(model)
    assert facts["layers"] == [{k: r[k] for k in ("name", "class_name", "output_shape", "params")} for r in summary["layers"]]
    assert [facts["total_params"], facts["trainable_params"], facts["non_trainable_params"]] == [
        summary["total_params"], summary["trainable_params"], summary["non_trainable_params"]]
    nested = [layer for layer in model.layers if isinstance(layer, keras.Model)]
    assert nested and all(type(layer).__name__ in ("Sequential", "Functional") for layer in nested)


@pytest.mark.parametrize("model_id", NESTED)
def test_nested_keras_file_exported_again_predicts_what_keras_predicted(model_id):
    out = os.path.join(OUT, f"{model_id}.again.keras")
    os.makedirs(OUT, exist_ok=True)
    cli("export", source_of(model_id), "--format", "keras", "--out", out)
    keras.backend.clear_session()
    model = keras.models.load_model(out)
    with open(os.path.join(FIXTURES, "nested", f"{model_id}.predict.json"), encoding="utf-8") as f:
        expected = json.load(f)
    got = np.asarray(model(np.asarray(expected["x"], dtype="float32"), training=False))
    np.testing.assert_allclose(got, np.asarray(expected["y"], dtype="float32"), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("model_id", NESTED)
def test_nested_keras_py_with_weights_predicts_what_keras_predicted(model_id):
    """The keras-py export with --weights finds a nested model's layers through it (model.get_layer("stem")...)."""
    out = os.path.join(OUT, f"{model_id}.weights.py")
    os.makedirs(OUT, exist_ok=True)
    cli("export", source_of(model_id), "--format", "keras-py", "--out", out, "--weights", os.path.join(OUT, f"{model_id}.weights.json"))
    keras.backend.clear_session()
    scope = {"__name__": "__layercanvas_export__", "__file__": out}
    with open(out, encoding="utf-8") as f, contextlib.redirect_stdout(io.StringIO()):
        exec(compile(f.read(), out, "exec"), scope)  # noqa: S102 - the export is the code under test
    with open(os.path.join(FIXTURES, "nested", f"{model_id}.predict.json"), encoding="utf-8") as f:
        expected = json.load(f)
    got = np.asarray(scope["model"](np.asarray(expected["x"], dtype="float32"), training=False))
    np.testing.assert_allclose(got, np.asarray(expected["y"], dtype="float32"), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("fmt", ["keras-py", "keras-json", "keras"])
def test_a_model_nested_two_deep_is_two_deep_in_keras_again(fmt):
    """seq_in_func_in_func: the Sequential "inner" inside the Functional "mid" inside the outer model, after export."""
    ext = {"keras-py": "py", "keras-json": "json", "keras": "keras"}[fmt]
    out = os.path.join(OUT, f"seq_in_func_in_func.deep.{ext}")
    if fmt == "keras":
        os.makedirs(OUT, exist_ok=True)
        cli("export", source_of("seq_in_func_in_func"), "--format", "keras", "--out", out)
        keras.backend.clear_session()
        model = keras.models.load_model(out)
    else:
        model = rebuilt(source_of("seq_in_func_in_func"), fmt, out)
    mid = model.get_layer("mid")
    assert type(mid).__name__ == "Functional"
    inner = mid.get_layer("inner")
    assert type(inner).__name__ == "Sequential"
    assert [layer.name for layer in inner.layers] == ["inner_a", "inner_bn", "inner_b"]
    assert inner.count_params() == 5 * 8 + 5 + 4 * 5 + 5 * 8 + 8


@pytest.mark.parametrize("model_id", NESTED)
def test_tf_keras2_json_export_is_nested_and_loads_in_keras_with_layercanvas_facts(model_id):
    """tf.keras 2 JSON holds the nested model's config as a layer; Keras 3 reads that form with its legacy loader."""
    from keras.src.legacy.saving import saving_utils

    source = source_of(model_id)
    out = os.path.join(OUT, f"{model_id}.tf-keras.json")
    cli("export", source, "--format", "keras-json", "--flavor", "tf.keras", "--out", out)
    summary = json.loads(cli("summary", source, "--json"))
    with open(out, encoding="utf-8") as f:
        config = json.load(f)
    assert "module" not in config
    keras.backend.clear_session()
    model = saving_utils.model_from_config(config)
    facts = keras_facts(model)
    assert facts["layers"] == [{k: r[k] for k in ("name", "class_name", "output_shape", "params")} for r in summary["layers"]]
    assert any(isinstance(layer, keras.Model) for layer in model.layers)


@pytest.mark.parametrize("model_id", NESTED)
def test_legacy_h5_export_keeps_the_nested_model_and_predicts_what_keras_predicted(model_id):
    """model_weights/<nested model> holds all its weights (`inner/inner_a/kernel:0` two deep), as Keras writes it."""
    out = os.path.join(OUT, f"{model_id}.again.h5")
    os.makedirs(OUT, exist_ok=True)
    cli("export", source_of(model_id), "--format", "h5", "--out", out)
    keras.backend.clear_session()
    model = keras.models.load_model(out)
    assert any(isinstance(layer, keras.Model) for layer in model.layers)
    with open(os.path.join(FIXTURES, "nested", f"{model_id}.predict.json"), encoding="utf-8") as f:
        expected = json.load(f)
    got = np.asarray(model(np.asarray(expected["x"], dtype="float32"), training=False))
    np.testing.assert_allclose(got, np.asarray(expected["y"], dtype="float32"), rtol=1e-4, atol=1e-6)
