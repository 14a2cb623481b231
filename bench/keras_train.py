"""Real Keras (TensorFlow CPU) training one epoch on the digits bench/training.ts hands it, for the side-by-side.

Usage: python bench/keras_train.py <x.f32> <y.i32> <count> <cnn|mlp|mobile> <batch> <warmup>
x is raw little-endian float32 [count, 28, 28, 1] grey values in [0, 1]; y raw int32 class indices. Prints one line
`RESULT {json}`: steady-state steps/s (steps after `warmup`, between batch-end timestamps) and CPU time per step
(all threads), the epoch's loss and accuracy as `fit` reports them, and peak RSS.
"""
import json
import os
import resource
import runpy
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402


MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")


def model_for(kind):
    """bench/models/<kind>.py (cnn, mlp or mobile): Keras Python that defines `model`."""
    return runpy.run_path(os.path.join(MODELS, f"{kind}.py"))["model"]


class Stamps(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.t = []

        self.cpu = []

    def on_train_batch_end(self, batch, logs=None):
        self.t.append(time.perf_counter())
        self.cpu.append(time.process_time())


def main():
    x_path, y_path, count, kind, batch, warmup = sys.argv[1:7]
    count, batch, warmup = int(count), int(batch), int(warmup)
    x = np.fromfile(x_path, dtype="<f4").reshape(count, 28, 28, 1)
    y = np.fromfile(y_path, dtype="<i4")
    keras.utils.set_random_seed(1)
    model = model_for(kind)
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    stamps = Stamps()
    hist = model.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0, callbacks=[stamps])
    steps = len(stamps.t)
    seconds = stamps.t[-1] - stamps.t[warmup - 1]
    print("RESULT " + json.dumps({
        "name": f"Keras {keras.__version__} (TensorFlow {tf.__version__} CPU)",
        "stepsPerSecond": (steps - warmup) / seconds,
        "cpuMsPerStep": 1000 * (stamps.cpu[-1] - stamps.cpu[warmup - 1]) / (steps - warmup),
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "loss": float(hist.history["loss"][-1]),
        "accuracy": float(hist.history["accuracy"][-1]),
        "note": f"{steps - warmup} timed steps",
    }), flush=True)


main()
