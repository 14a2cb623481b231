"""LayerCanvas's Keras exports, loaded and built by real Keras (3.15, TensorFlow 2.21), give the same summary facts
as `layercanvas summary --json`: per layer its class, name, output shape and parameter count, and the totals.

- keras-py: the exported code runs (keras.backend.clear_session() first, so automatic names start afresh); the
  tf.keras flavour (`from tensorflow import keras`) runs in TensorFlow 2.21, whose tf.keras is Keras 3.
- keras-json, Keras 3 form: keras.models.model_from_json loads it, Sequential and Functional.
- keras-json, tf.keras 2 form: Keras 3's model_from_json refuses every tf.keras 2 file, ours and the fixtures
  written as tf.keras 2 writes them; Keras 3 reads that form through the loader it uses for tf.keras 2 .h5 files
  (keras.src.legacy.saving.saving_utils.model_from_config). Both are checked.
"""
import contextlib
import io
import json
import math

import keras
import pytest
from keras.src.applications.convnext import LayerScale
from keras.src.legacy.saving import saving_utils

from conftest import MODELS

IDS = [m["id"] for m in MODELS]


def keras_facts(model):
    """What model.summary() shows, as data: the rows (Sequential lists no InputLayer row) and the totals. A layer
    with several outputs (return_state) has the first as output_shape and all of them as output_shapes."""
    rows = []
    shape = lambda t: [None if d is None else int(d) for d in t.shape]  # noqa: E731
    for layer in model.layers:
        outputs = layer.output if isinstance(layer.output, (list, tuple)) else [layer.output]
        rows.append({
            "name": layer.name,
            "class_name": type(layer).__name__,
            "output_shape": shape(outputs[0]),
            "params": int(layer.count_params()),
            **({"output_shapes": [shape(t) for t in outputs]} if len(outputs) > 1 else {}),
        })
    size = lambda ws: int(sum(math.prod(w.shape) for w in ws))  # noqa: E731
    return {
        "layers": rows,
        "total_params": size(model.weights),
        "trainable_params": size(model.trainable_weights),
        "non_trainable_params": size(model.non_trainable_weights),
    }


def layercanvas_facts(entry):
    s = entry["summary"]
    return {
        "layers": [{k: row[k] for k in ("name", "class_name", "output_shape", "params", "output_shapes") if k in row}
                   for row in s["layers"]],
        "total_params": s["total_params"],
        "trainable_params": s["trainable_params"],
        "non_trainable_params": s["non_trainable_params"],
    }


def entry_for(model_id, kind):
    entry = next(m for m in MODELS if m["id"] == model_id)
    assert entry["errors"] == [], entry["errors"]
    return entry, entry["files"][kind]


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# Python fixtures, bar those that download a dataset when run (keras.datasets.*.load_data() needs the network).
PYTHON_SOURCES = [m["id"] for m in MODELS if m["source"].endswith(".py") and "load_data(" not in read(m["source"])]


@pytest.mark.parametrize("model_id", PYTHON_SOURCES)
def test_python_fixture_builds_in_keras_with_the_summary_layercanvas_read_from_it(model_id):
    """The file itself, run by Python (as a script: `if __name__ == "__main__"` blocks run), builds the model
    whose facts LayerCanvas's interpreter read from it: functions, loops, conditions and f-strings included."""
    entry = next(m for m in MODELS if m["id"] == model_id)
    assert entry["errors"] == [], entry["errors"]
    keras.backend.clear_session()
    scope = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(read(entry["source"]), entry["source"], "exec"), scope)  # noqa: S102 - the fixture under test
    assert keras_facts(scope["model"]) == layercanvas_facts(entry)


# Keras JSON fixtures, as Keras 3 or tf.keras 2 wrote them.
JSON_SOURCES = [m["id"] for m in MODELS if "/keras-json/" in m["source"]]


@pytest.mark.parametrize("model_id", JSON_SOURCES)
def test_json_fixture_loads_in_keras_with_the_summary_layercanvas_read_from_it(model_id):
    """The fixture itself, loaded by Keras, has the facts LayerCanvas read from it (not only its export has)."""
    entry = next(m for m in MODELS if m["id"] == model_id)
    assert entry["errors"] == [], entry["errors"]
    keras.backend.clear_session()
    config = json.loads(read(entry["source"]))
    if "module" in config:
        model = keras.models.model_from_json(json.dumps(config))
    else:
        model = saving_utils.model_from_config(config, custom_objects={"LayerScale": LayerScale})
    assert keras_facts(model) == layercanvas_facts(entry)


@pytest.mark.parametrize("flavor", ["keras-py", "keras-py-tf.keras"])
@pytest.mark.parametrize("model_id", IDS)
def test_keras_py_export_runs_in_keras_with_the_same_summary(model_id, flavor):
    entry, path = entry_for(model_id, flavor)
    keras.backend.clear_session()
    scope = {"__name__": "__layercanvas_export__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(read(path), path, "exec"), scope)  # noqa: S102 - the export is the code under test
    model = scope["model"]
    assert keras_facts(model) == layercanvas_facts(entry)


@pytest.mark.parametrize("model_id", IDS)
def test_keras_json_export_loads_with_model_from_json_with_the_same_summary(model_id):
    entry, path = entry_for(model_id, "keras-json")
    text = read(path)
    model = keras.models.model_from_json(text)
    assert type(model).__name__ == json.loads(text)["class_name"]
    assert keras_facts(model) == layercanvas_facts(entry)


@pytest.mark.parametrize("model_id", IDS)
def test_tf_keras2_json_export_loads_through_keras3s_legacy_loader_with_the_same_summary(model_id):
    entry, path = entry_for(model_id, "keras-json-tf.keras")
    config = json.loads(read(path))
    assert "module" not in config
    with pytest.raises(TypeError, match="Could not locate class"):
        keras.models.model_from_json(json.dumps(config))
    # tf.keras 2 files don't say where a layer lives: ConvNeXt's LayerScale is found the way Keras users find it.
    model = saving_utils.model_from_config(config, custom_objects={"LayerScale": LayerScale})
    assert type(model).__name__ == config["class_name"]
    assert keras_facts(model) == layercanvas_facts(entry)
