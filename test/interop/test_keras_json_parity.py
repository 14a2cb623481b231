"""Key-for-key parity: `layercanvas export --format keras-json` writes what Keras 3.15's own `model.to_json()` writes
for the same model: the model is built in real Keras from the keras-py export, and the two JSON documents are
compared as data, every key and value at every depth (the DTypePolicy objects, initializer configs with
input_axes/output_axes, BatchNormalization's renorm keys, Dense's quantization_config, build_config only on layers
Keras builds, the call kwargs of functional nodes, compile_config), and the order of the keys in each object.
A failure lists every path that differs. One difference is allowed: the order of a functional model's layer
list (see below).
"""
import contextlib
import io
import json

import keras
import pytest

from conftest import MODELS

IDS = [m["id"] for m in MODELS]


def differences(keras_side, ours, path="$"):
    """Every path where the two JSON values differ, as one line each (missing keys, values, key order)."""
    if isinstance(keras_side, dict) and isinstance(ours, dict):
        out = [f"{path}.{k}: only in Keras's to_json()" for k in keras_side if k not in ours]
        out += [f"{path}.{k}: only in LayerCanvas's export" for k in ours if k not in keras_side]
        for k in keras_side:
            if k in ours:
                out += differences(keras_side[k], ours[k], f"{path}.{k}")
        if not out and list(keras_side) != list(ours):
            out.append(f"{path}: key order {list(keras_side)} in Keras, {list(ours)} in LayerCanvas")
        return out
    if isinstance(keras_side, list) and isinstance(ours, list) and len(keras_side) == len(ours):
        return [d for i, (a, b) in enumerate(zip(keras_side, ours)) for d in differences(a, b, f"{path}[{i}]")]
    same = keras_side == ours and type(keras_side) is type(ours)
    # JSON has one number type: Keras writes 0.99, 1e-3 and 0 where we may write 0.99, 0.001 and 0.
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (keras_side, ours))
    if same or (numbers and keras_side == ours):
        return []
    return [f"{path}: {json.dumps(keras_side)} in Keras, {json.dumps(ours)} in LayerCanvas"]


def test_the_comparison_sees_a_changed_value_a_missing_key_and_the_key_order():
    keras_side = {"a": 1, "b": {"c": [1, {"d": None}]}}
    assert differences(keras_side, {"a": 1, "b": {"c": [1, {"d": None}]}}) == []
    assert differences(keras_side, {"a": 1, "b": {"c": [1, {"d": False}]}}) == [
        "$.b.c[1].d: null in Keras, false in LayerCanvas"]
    assert differences(keras_side, {"a": 1, "b": {"c": [1, {}]}}) == ["$.b.c[1].d: only in Keras's to_json()"]
    assert differences(keras_side, {"b": {"c": [1, {"d": None}]}, "a": 1}) == [
        "$: key order ['a', 'b'] in Keras, ['b', 'a'] in LayerCanvas"]


@pytest.mark.parametrize("model_id", IDS)
def test_keras_json_export_equals_keras_to_json_key_for_key(model_id):
    entry = next(m for m in MODELS if m["id"] == model_id)
    assert entry["errors"] == [], entry["errors"]
    keras.backend.clear_session()
    path = entry["files"]["keras-py"]
    scope = {"__name__": "__layercanvas_export__", "__file__": path}
    with open(path, encoding="utf-8") as f, contextlib.redirect_stdout(io.StringIO()):
        exec(compile(f.read(), path, "exec"), scope)  # noqa: S102 - the export is the code under test
    built_by_keras = json.loads(scope["model"].to_json())
    with open(entry["files"]["keras-json"], encoding="utf-8") as f:
        ours = json.load(f)
    if ours.get("class_name") == "Functional":
        # The one documented difference: Keras lists a functional model's layers in its own graph order, LayerCanvas
        # in a topological order that can differ where branches interleave; the lists hold the same layers, compared
        # by name (the connections are in each layer's inbound_nodes).
        keras_names = [layer["name"] for layer in built_by_keras["config"]["layers"]]
        by_name = {layer["name"]: layer for layer in ours["config"]["layers"]}
        assert sorted(keras_names) == sorted(by_name)
        ours["config"]["layers"] = [by_name[name] for name in keras_names]
    assert differences(built_by_keras, ours) == []
