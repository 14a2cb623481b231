"""The text model trains in Keras as in LayerCanvas. The built-in review sentences (engine/data/generators/reviews.ts)
vectorized by Keras's own TextVectorization give the ids and vocabulary LayerCanvas gives them; then the text
template (Embedding → LSTM → Dense), starting from the weights the engine drew (exported as .keras), trained by
Keras for one epoch of Adam on the same ids, in the batch order LayerCanvas's trainer used (its seeded shuffle,
written out by export-models.mts), ends with the epoch loss `layercanvas train` reported, within 3%.
"""
import contextlib
import io
import json
import os

import keras
import numpy as np
import pytest

from conftest import OUT

with open(os.path.join(OUT, "text-train.json"), encoding="utf-8") as f:
    RUN = json.load(f)


def test_the_cli_trained_the_text_model_and_exported_its_initial_weights():
    assert RUN["errors"] == [], RUN["errors"]
    assert RUN["loss"] is not None, RUN["stdout"]


def test_keras_textvectorization_gives_the_review_sentences_the_ids_and_vocabulary_layercanvas_gives_them():
    with open(RUN["texts"], encoding="utf-8") as f:
        texts = json.load(f)
    with np.load(RUN["data"]) as f:
        ours = f["x"]
    vectorizer = keras.layers.TextVectorization(output_sequence_length=ours.shape[1])
    vectorizer.adapt(texts["texts"])
    assert [str(t) for t in vectorizer.get_vocabulary()] == texts["vocabulary"]
    np.testing.assert_array_equal(np.asarray(vectorizer(texts["texts"])), ours)


def test_one_epoch_in_keras_from_the_same_weights_and_batches_ends_at_layercanvas_loss_within_3_percent():
    assert RUN["errors"] == [], RUN["errors"]
    keras.utils.set_random_seed(0)
    model = keras.models.load_model(RUN["keras"])
    s = RUN["settings"]
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=s["learning_rate"]),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    with np.load(RUN["data"]) as f:
        order = f["order"]
        x, y = f["x"][order], f["y"][order]
    with contextlib.redirect_stdout(io.StringIO()):
        history = model.fit(x, y, batch_size=s["batch_size"], epochs=s["epochs"], shuffle=False, verbose=0)
    theirs = history.history["loss"][-1]
    ours = RUN["loss"]
    assert ours == pytest.approx(theirs, rel=0.03), f"LayerCanvas {ours:.4f}, Keras {theirs:.4f}"
