import { beforeAll, describe, expect, it } from 'vitest';
import { run, scratch } from './run-cli';

const tmp = scratch();
const file = tmp.file;
beforeAll(() => tmp.make());

/** `train` on 640 digits, batch 64, no validation: ten steps. */
const tenSteps = (src: string) =>
  ['train', src, '--dataset', 'mnist', '--subset', '640', '--batch-size', '64', '--validation-split', '0'] as const;

describe('layercanvas train: --profile and bad options', () => {
  it('train --profile prints where a step goes: phases, every layer, every kernel with its copies, and outside kernels', async () => {
    const src = file(
      'prof.py',
      [
        'import keras',
        'from keras import layers',
        'model = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(32, (3, 3), activation="relu"),',
        '    layers.BatchNormalization(), layers.Conv2D(32, (3, 3), activation="relu"), layers.BatchNormalization(),',
        '    layers.MaxPooling2D(), layers.Flatten(), layers.Dense(10, activation="softmax")])',
        '',
      ].join('\n'),
    );
    const r = await run(...tenSteps(src), '--profile', '--threads', '2');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /profile: 7 steps timed, [\d.]+ ms\/step \([\d.]+ steps\/s\) on 2 thread\(s\); kernels [\d.]+%/,
    );
    // What the threads share, what runs on one, and Amdahl's bound for a 16-thread desktop.
    expect(r.out).toMatch(
      /^threads: [\d.]+ ms\/step \([\d.]+%\) in passes shared by 2 threads, [\d.]+ ms \([\d.]+%\) on one; on 16 threads a step takes at least [\d.]+ ms \(at most [\d.]+x this run\)$/m,
    );
    expect(r.out).toMatch(/^conv2d \(forward\) +2\.0 +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+%$/m);
    for (const phase of ['forward', 'backward', 'loss', 'optimizer', 'loop'])
      expect(r.out).toMatch(new RegExp(`^${phase} +[\\d.]+ +[\\d.]+%$`, 'm'));
    for (const layer of [
      'conv2d (Conv2D)',
      'conv2d_1 (Conv2D)',
      'batch_normalization (Batch',
      'max_pooling2d (MaxPooling2',
    ])
      expect(r.out).toContain(layer);
    for (const kernel of [
      'conv2d (forward)',
      'conv2dBackpropFilter (backward)',
      'batchNormTrain (forward)',
      'adamUpdateMany (optimizer)',
    ])
      expect(r.out).toContain(kernel);
    expect(r.out).toMatch(/outside kernels \(JS glue, allocation, layout, loop\) +[\d.]+ +[\d.]+%/);
  }, 120_000);

  it("train --profile --study-threads 16 splits every pass 16 ways on this one thread: the same training, each pass's balance and a 16-core bound", async () => {
    const src = file(
      'study.py',
      [
        'import keras',
        'from keras import layers',
        'model = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(32, (3, 3), activation="relu"),',
        '    layers.BatchNormalization(), layers.MaxPooling2D(), layers.Flatten(), layers.Dense(10, activation="softmax")])',
        '',
      ].join('\n'),
    );
    const [studied, plain] = [
      await run(...tenSteps(src), '--profile', '--study-threads', '16'),
      await run(...tenSteps(src), '--threads', '2'),
    ];
    expect(studied.code, studied.err).toBe(0);
    expect(plain.code, plain.err).toBe(0);
    expect(studied.err).toMatch(
      /kernels: WASM (relaxed )?SIMD · 16 threads' shares run one after another \(partition study\)/,
    );
    // The study computes what a normal run computes: the same loss and accuracy to the last digit.
    const final = (text: string) => text.match(/^sequential: completed, loss [\d.]+, accuracy [\d.]+/m)?.[0];
    expect(final(studied.out)).toBeDefined();
    expect(final(studied.out)).toBe(final(plain.out));
    expect(studied.out).toMatch(
      /^partition study, 16 threads \(each share run alone here, timed; the study's own [\d.]+ ms\/step left out\): a step is [\d.]+ ms on one thread, [\d.]+ ms of it in shared passes; split 16 ways, their slowest shares sum to [\d.]+ ms \(even shares: [\d.]+ ms, balance \d+%\)$/m,
    );
    expect(studied.out).toMatch(
      /^on 16 cores a step takes [\d.]+ ms as the home ranges split it: [\d.]+ on one thread plus the slowest shares, [\d.]+x one thread \(stealing can only shorten it; at least [\d.]+ ms with even shares\)/m,
    );
    expect(studied.out).toMatch(/^conv2d \(forward\) +1\.0 +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+%$/m);
    expect(studied.out).not.toMatch(/^threads: /m);
  }, 120_000);

  it('train refuses bad options with exit 2', async () => {
    const src = file(
      'm2.py',
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(2, activation="softmax")])\n',
    );
    expect((await run('train', src, '--dataset', 'circles', '--epochs', '0')).code).toBe(2);
    expect((await run('train', src, '--dataset', 'circles', '--optimizer', 'adagrad')).code).toBe(2);
    expect((await run('train', src)).code).toBe(2);
    const threads = await run('train', src, '--dataset', 'circles', '--threads', '0');
    expect(threads.code).toBe(2);
    expect(threads.err).toContain("--threads must be a whole number from 1 to 256, got '0'");
    const unseen = await run('train', src, '--dataset', 'circles', '--study-threads', '16');
    expect(unseen.code).toBe(2);
    expect(unseen.err).toContain('--study-threads measures how a step splits over threads: add --profile to see it');
    const one = await run('train', src, '--dataset', 'circles', '--profile', '--study-threads', '1');
    expect(one.code).toBe(2);
    expect(one.err).toContain("--study-threads must be a whole number from 2 to 256, got '1'");
  });
});
