/**
 * A standalone TensorFlow training script (`train.py`) for a model: the model as Keras code, the dataset loaded
 * from where the project's data is (a built-in generated dataset travels beside the script as an .npz; MNIST comes
 * from keras.datasets; a CSV, .npy pair, .npz or image folder is read from its path), compiled with the run's
 * optimizer, learning rate and loss, and fitted with its batch size, epochs, seed and validation split under the
 * tf.distribute strategy chosen on its command line. It saves a .keras file. test/interop runs it in TensorFlow.
 */
import { zipSync } from 'fflate';
import { generateBuiltin } from '../data/registry';
import type { ModelDocument } from '../graph/document';
import type { LossName } from '../train/losses';
import { OPTIMIZER_DEFAULTS, type OptimizerName } from '../train/optimizers';
import { emitPython } from './python/emit';
import { pythonString } from './python/literals';
import type { ExportedFile } from './types';

export const STRATEGIES = ['default', 'mirrored', 'multiworker', 'tpu'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Where the script reads its data: how the path is laid out, which the CLI tells from the file system. */
export type TrainingData =
  | { kind: 'generated'; id: string }
  | { kind: 'mnist' }
  | { kind: 'csv' | 'npy' | 'npz' | 'images'; path: string };

export interface TrainingScriptSettings {
  data: TrainingData;
  optimizer: OptimizerName;
  /** null: the optimizer's Keras default. */
  learningRate: number | null;
  loss: LossName;
  /** Per replica: the global batch is this times strategy.num_replicas_in_sync, as Keras's guides scale it. */
  batchSize: number;
  epochs: number;
  validationSplit: number;
  seed: number;
  strategy: Strategy;
  /** Train on the first N samples only (the app's quick runs); the script's --subset default. Absent: all. */
  subset?: number | null;
  /** Image folders: [height, width] and channels, as the app reads them. */
  imageSize?: [number, number];
  channels?: 1 | 3;
}

const KERAS_OPTIMIZER: Record<OptimizerName, string> = { adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSprop' };

/** The script and, for a generated dataset, its samples as `<id>.npz` beside it. */
export function writeTrainingScript(
  doc: ModelDocument,
  settings: TrainingScriptSettings,
  baseName: string,
): ExportedFile[] {
  const side: ExportedFile[] = [];
  let data = settings.data;
  if (data.kind === 'generated') {
    const generated = generateBuiltin(data.id, { seed: settings.seed });
    if (!generated) throw new Error(`no generated dataset '${data.id}'`);
    const x = { shape: [generated.count, ...generated.sampleShape], data: generated.x };
    const y = { shape: [generated.count], data: generated.y };
    side.push({ name: `${data.id}.npz`, data: npz({ x, y }) });
    data = { kind: 'npz', path: `${data.id}.npz` };
  }
  return [{ name: `${baseName}.py`, data: script(doc, settings, data, baseName) }, ...side];
}

function script(doc: ModelDocument, s: TrainingScriptSettings, data: TrainingData, baseName: string): string {
  const lr = s.learningRate ?? OPTIMIZER_DEFAULTS[s.optimizer].learning_rate;
  const path = 'path' in data ? data.path : '';
  const modelCode = emitPython(doc)
    .split('\n')
    .filter((l) => !/^(import keras|from keras import layers|model\.summary\(\))$/.test(l))
    .join('\n')
    .trim();
  const image = s.imageSize ? `(${s.imageSize[0]}, ${s.imageSize[1]})` : 'None';
  return `"""Trains ${doc.name || 'the model'} with TensorFlow as LayerCanvas trains it (written by layercanvas export --format keras-train).

  python ${baseName}.py                          one machine: its GPU, or the CPU (tf.distribute's default strategy)
  python ${baseName}.py --strategy mirrored      every GPU of this machine (MirroredStrategy)
  python ${baseName}.py --strategy multiworker   several machines; each runs this with its own TF_CONFIG
  python ${baseName}.py --strategy tpu --tpu T   a Cloud TPU (TPUStrategy; T is its name or grpc:// address)

--batch-size is per replica: each step takes it times the number of replicas (strategy.num_replicas_in_sync),
as Keras's distributed-training guides scale it. --data points at the dataset where the cluster sees it.
"""
import argparse
import json
import os
import sys

import numpy as np
import tensorflow as tf
import keras
from keras import layers

SETTINGS = {
    "data_kind": ${pythonString(data.kind)},
    "data": ${pythonString(path)},
    "optimizer": ${pythonString(s.optimizer)},
    "learning_rate": ${lr},
    "loss": ${pythonString(s.loss)},
    "batch_size": ${s.batchSize},
    "epochs": ${s.epochs},
    "validation_split": ${s.validationSplit},
    "seed": ${s.seed},
    "strategy": ${pythonString(s.strategy)},
    "image_size": ${image},
    "channels": ${s.channels ?? 'None'},
    "subset": ${s.subset ?? 'None'},
}
HERE = os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else os.getcwd()


def build_model():
${indent(modelCode)}
    return model


def make_strategy(name, tpu=""):
    """The tf.distribute strategy by name; multiworker reads the cluster from the TF_CONFIG environment variable."""
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    if name == "tpu":
        try:
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu)
            tf.config.experimental_connect_to_cluster(resolver)
            tf.tpu.experimental.initialize_tpu_system(resolver)
        except (ValueError, RuntimeError, tf.errors.OpError) as e:
            sys.exit(f"no TPU reachable ({str(e).splitlines()[0] if str(e) else type(e).__name__}): give --tpu, or run on a TPU VM")
        return tf.distribute.TPUStrategy(resolver)
    return tf.distribute.get_strategy()


def load_arrays(kind, path):
    """Features and labels as numpy arrays, read as LayerCanvas reads them."""
    if kind == "mnist":
        (x, y), _ = keras.datasets.mnist.load_data()
        return (x[..., None] / 255.0).astype("float32"), y.astype("int32")
    if kind == "npz":
        with np.load(path) as f:
            return f["x"].astype("float32"), f["y"]
    if kind == "npy":
        folder = path if os.path.isdir(path) else os.path.dirname(path)
        return np.load(os.path.join(folder, "x.npy")).astype("float32"), np.load(os.path.join(folder, "y.npy"))
    if kind == "csv":
        rows = np.genfromtxt(path, delimiter=",", dtype=str, comments=None)
        try:
            rows[0, :-1].astype("float32")
        except ValueError:
            rows = rows[1:]  # a header row names the columns
        x = rows[:, :-1].astype("float32")
        try:
            labels = rows[:, -1].astype("float64")
            y = labels.astype("int32") if np.all(labels == np.round(labels)) and labels.min() >= 0 and labels.max() < 100 else labels.astype("float32")
        except ValueError:
            _, y = np.unique(rows[:, -1], return_inverse=True)  # class names, numbered in sorted order
        return x, y
    raise ValueError(f"unknown data kind {kind!r}")


def datasets(data, global_batch, validation_split, seed, subset=None):
    """Training and validation tf.data pipelines of global batches; the validation part is the last fraction."""
    path = data if os.path.isabs(data) or SETTINGS["data_kind"] == "mnist" else os.path.join(HERE, data)
    if SETTINGS["data_kind"] == "images":
        color = "grayscale" if SETTINGS["channels"] == 1 else "rgb"
        size = SETTINGS["image_size"] or (256, 256)
        splits = keras.utils.image_dataset_from_directory(
            path, label_mode="int", color_mode=color, image_size=size, batch_size=None, shuffle=True, seed=seed,
            validation_split=validation_split or None, subset="both" if validation_split else None)
        train, val = splits if validation_split else (splits, None)
        scale = lambda x, y: (tf.cast(x, tf.float32) / 255.0, y)  # noqa: E731 - as LayerCanvas scales pixels
        train, val = train.map(scale), val.map(scale) if val is not None else None
        if subset:
            train = train.take(subset)
    else:
        x, y = load_arrays(SETTINGS["data_kind"], path)
        if subset:
            x, y = x[:subset], y[:subset]
        n_val = int(len(x) * validation_split)
        cut = len(x) - n_val
        train = tf.data.Dataset.from_tensor_slices((x[:cut], y[:cut])).shuffle(cut, seed=seed)
        val = tf.data.Dataset.from_tensor_slices((x[cut:], y[cut:])) if n_val else None
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    train = train.batch(global_batch).with_options(options).prefetch(tf.data.AUTOTUNE)
    val = val.batch(global_batch).with_options(options) if val is not None else None
    return train, val


def is_chief():
    """Multi-worker: only the chief writes the model where asked (the others write beside it, then remove it)."""
    cluster = json.loads(os.environ.get("TF_CONFIG", "{}"))
    task = cluster.get("task", {})
    return task.get("type", "chief") == "chief" or (task.get("type") == "worker" and task.get("index") == 0
                                                    and "chief" not in cluster.get("cluster", {}))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--strategy", choices=["default", "mirrored", "multiworker", "tpu"], default=SETTINGS["strategy"])
    p.add_argument("--tpu", default="", help="the TPU's name or grpc:// address (--strategy tpu)")
    p.add_argument("--data", default=SETTINGS["data"], help="the dataset's path, where this machine sees it")
    p.add_argument("--epochs", type=int, default=SETTINGS["epochs"])
    p.add_argument("--batch-size", type=int, default=SETTINGS["batch_size"], help="per replica")
    p.add_argument("--learning-rate", type=float, default=SETTINGS["learning_rate"])
    p.add_argument("--subset", type=int, default=SETTINGS["subset"], help="train on the first N samples only (a quick check)")
    p.add_argument("--out", default=${pythonString(`${baseName}.keras`)}, help="where to save the trained model")
    args = p.parse_args(argv)

    keras.utils.set_random_seed(SETTINGS["seed"])
    strategy = make_strategy(args.strategy, args.tpu)
    global_batch = args.batch_size * strategy.num_replicas_in_sync
    train, val = datasets(args.data, global_batch, SETTINGS["validation_split"], SETTINGS["seed"], args.subset)
    with strategy.scope():
        model = build_model()
        model.compile(
            optimizer=keras.optimizers.${KERAS_OPTIMIZER[s.optimizer]}(learning_rate=args.learning_rate),
            loss=SETTINGS["loss"],
            metrics=["accuracy"] if SETTINGS["loss"] != "mean_squared_error" else [],
        )
    history = model.fit(train, validation_data=val, epochs=args.epochs, verbose=2)
    out = args.out if is_chief() else os.path.join(os.path.dirname(os.path.abspath(args.out)), f".worker-{os.getpid()}.keras")
    model.save(out)
    if out != args.out:
        os.remove(out)
    return history


if __name__ == "__main__":
    main()
`;
}

const indent = (code: string) =>
  code
    .split('\n')
    .map((l) => (l ? `    ${l}` : l))
    .join('\n');

/** NumPy's .npz: a zip of .npy files (format 1.0, little-endian float32 and int32 arrays). */
export function npz(arrays: Record<string, { shape: number[]; data: Float32Array | Int32Array }>): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, a] of Object.entries(arrays)) files[`${name}.npy`] = npy(a.shape, a.data);
  return zipSync(files, { level: 0 });
}

function npy(shape: number[], data: Float32Array | Int32Array): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  // The magic, version and length take 10 bytes; the header is padded with spaces to a multiple of 64, then '\n'.
  header = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
