"""Real Keras (TensorFlow CPU) training the text template for bench/text-training.ts, side by side with ours.

Usage: python bench/keras_text_train.py <model.keras> <x.i32> <y.i32> <count> <length> <batch> <warmup>
The model is LayerCanvas's text template with the initial weights the engine drew (saved as .keras); x holds the
review sentences' token ids, already in the order LayerCanvas's trainer visits them, so fit runs unshuffled. Prints
`RESULT {json}`: steady-state steps/s (steps after `warmup`, between batch-end timestamps), CPU ms per step (all
threads) and the epoch's loss.
"""
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402


class Stamps(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.t = []
        self.cpu = []

    def on_train_batch_end(self, batch, logs=None):
        self.t.append(time.perf_counter())
        self.cpu.append(time.process_time())


def main():
    model_path, x_path, y_path, count, length, batch, warmup = sys.argv[1:8]
    count, length, batch, warmup = int(count), int(length), int(batch), int(warmup)
    x = np.fromfile(x_path, dtype="<i4").reshape(count, length)
    y = np.fromfile(y_path, dtype="<i4")
    keras.utils.set_random_seed(0)
    model = keras.models.load_model(model_path)
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy")
    stamps = Stamps()
    hist = model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0, callbacks=[stamps])
    steps = len(stamps.t)
    seconds = stamps.t[-1] - stamps.t[warmup - 1]
    print("RESULT " + json.dumps({
        "name": f"Keras {keras.__version__} (TensorFlow {tf.__version__} CPU)",
        "stepsPerSecond": (steps - warmup) / seconds,
        "cpuMsPerStep": 1000 * (stamps.cpu[-1] - stamps.cpu[warmup - 1]) / (steps - warmup),
        "loss": float(hist.history["loss"][-1]),
    }), flush=True)


main()
