/**
 * `layercanvas` — the command line. Exit codes: 0 ok, 1 invalid model or data, 2 bad usage, 3 internal error.
 * Every failure prints one plain line; a stack trace only with --debug.
 */
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { formatFormatError, formatProblem } from '../engine/core/problems';
import type { ModelDocument } from '../engine/graph/document';
import { infer, type Inference } from '../engine/graph/inference';
import { formatSummary, summarize } from '../engine/graph/summary';
import { checkResources, estimateResources, formatEstimate } from '../engine/graph/resources';
import { readModelFile } from '../engine/formats/detect';
import { EXPORT_FORMATS, exportModel, type ExportFormat } from '../engine/formats/export';
import type { WriteRefusal } from '../engine/formats/types';
import { writeTrainingScript } from '../engine/formats/keras-train';
import { scriptSettings } from './train-script';
import { SaveError, writeFileDurable } from '../engine/node/durable-write';
import { folderModel, InputError, readModelBytes, readTextFile, sideFilesOf, UsageError } from './io';
import { predictCommand } from './predict';
import { trainCommand } from './train';
import { disposeBackend, loadBackend } from '../engine/kernels/registry';
import {
  BUDGET_OPTION,
  budgetFrom,
  RUN_OPTIONS,
  runSettings,
  studyThreadsFrom,
  THREADS_OPTION,
  threadsFrom,
} from './options';
import { projectWasmDir } from './project';
import { enableRelaxedSimd } from './relaxed-simd';
import type { Backend } from '../engine/kernels/types';

const USAGE = `Usage: layercanvas <command> [options]

Commands:
  summary <model> [--json]          the model.summary() table and a memory estimate; --json prints them as data
  validate <model>                  problems as "layer: message (hint)"; exit 1 if any error
  export <model> --format <f> --out <file>
                                    f: ${EXPORT_FORMATS.join(' | ')}
                                    (--flavor tf.keras for tf.keras 2 Python or JSON;
                                    keras-py --weights w.json also writes the trained weights and the
                                    code that loads them into the model)
  export <model> --format keras-train --out train.py --dataset <d> [--strategy default|mirrored|
        multiworker|tpu] [--epochs N] [--batch-size B] [--optimizer O] [--lr X] [--loss L]
        [--validation-split F] [--seed S] [--subset N]
                                    a TensorFlow training script (tf.distribute); unset settings come
                                    from the project's last run; a generated dataset goes beside it
  predict <model> --input in.json [--training] [--weights w.json|w.weights.h5] [--threads n] [--out out.json]
                                    run the model on {"shape":[…],"data":[…]} (row-major float32)
  train <model> --dataset <d> [--epochs N] [--batch-size B] [--optimizer adam|sgd|rmsprop] [--lr X]
        [--loss L] [--validation-split F] [--seed S] [--subset N] [--compare-bn] [--profile] [--threads n]
        [--study-threads n] [--out <project file>]
                                    d: mnist | shapes | spirals | circles | xor | reviews (text) | a CSV, .npy,
                                    IDX file or an image folder; --compare-bn also trains the twin without BatchNormalization;
                                    --profile prints where a step's time goes (phases, layers, kernels, copies);
                                    --profile --study-threads n splits every pass as n threads would and times
                                    each share alone, one after another: how evenly n cores would share a step;
                                    --out model.keras writes the trained model as a Keras file instead
  serve [model] [--port N] [--no-open]
                                    the editor in a browser, on 127.0.0.1, with the model open

<model> is a project file (.layercanvas.json), a Keras file (.keras), a legacy Keras HDF5 file (.h5),
a Keras JSON (model.to_json()), a TF.js model.json or a Keras Python file, told apart by their content.

Options:
  --memory-budget <size>            summary, predict, train: refuse runs estimated above it (8GB, 512MB);
                                    default LAYERCANVAS_MEMORY_BUDGET, else a quarter of this machine's memory
  --threads <n>                     predict, train: threads for the kernels; default LAYERCANVAS_THREADS,
                                    else one per physical core this process may use (within its CPU quota)
  --debug                           print the stack trace of an internal error

Exit codes: 0 ok, 1 invalid model or data, 2 bad usage, 3 internal error (a bug: please report it).`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 3 } as const;

const BUG_HINT =
  'this is a bug in LayerCanvas; please report it with the command and file (run with --debug for details)';

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const debug = argv.includes('--debug');
  const [command, ...rest] = argv.filter((a) => a !== '--debug');
  try {
    switch (command) {
      case 'summary':
        return await summaryCommand(rest, io);
      case 'validate':
        return await validateCommand(rest, io);
      case 'export':
        return await exportCommand(rest, io);
      case 'predict':
        return await predictCmd(rest, io);
      case 'train':
        return await trainCmd(rest, io);
      case 'serve':
        return await serveCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-v':
        io.out('layercanvas 0.1.0');
        return 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    return reportFailure(e, io, debug);
  }
}

/** The one place a thrown error becomes an exit code and one line on stderr. */
function reportFailure(e: unknown, io: Io, debug: boolean): number {
  if (e instanceof UsageError || isParseArgsError(e)) {
    io.err(`layercanvas: ${(e as Error).message} (run 'layercanvas --help' for usage)`);
    return EXIT.usage;
  }
  if (e instanceof InputError) {
    io.err(`layercanvas: ${e.message}`);
    return EXIT.invalid;
  }
  if (e instanceof SaveError || isSystemError(e)) {
    io.err(`layercanvas: ${oneLine((e as Error).message)}`);
    return EXIT.usage;
  }
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  io.err(`layercanvas: internal error: ${oneLine(message)} (${BUG_HINT})`);
  if (debug && e instanceof Error && e.stack) io.err(e.stack);
  return EXIT.internal;
}

const oneLine = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text).replace(/\s*\n\s*/g, ' ');

/** A file-system error (EACCES, ENOSPC, EISDIR…) from writing an --out file or reading a named one. */
function isSystemError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code) && 'syscall' in e;
}

function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

type ArgOptions = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

function parse(rest: string[], options: ArgOptions = {}) {
  const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  return { values: values as Record<string, string | boolean | undefined>, positionals };
}

function oneModelPath(positionals: string[]): string {
  if (positionals.length === 0) throw new UsageError('give a model file');
  if (positionals.length > 1)
    throw new UsageError(`one model file at a time, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0];
}

/** Loads and infers a model; on a file it can't read, prints the located errors and returns null. */
async function load(path: string, io: Io): Promise<{ doc: ModelDocument; inference: Inference } | null> {
  const folder = folderModel(path);
  if (folder) {
    io.err(formatFormatError(folder, path));
    return null;
  }
  // Bytes: a .keras or .h5 is told by its first bytes; anything else is read as text.
  const result = await readModelFile(readModelBytes(path), basename(path), sideFilesOf(path));
  if (!result.ok) {
    for (const e of result.errors) io.err(formatFormatError(e, path));
    return null;
  }
  for (const w of result.warnings) io.err(`warning: ${formatFormatError(w, path)}`);
  return { doc: result.document, inference: infer(result.document) };
}

/** The batch and optimizer the summary's estimate assumes: Keras's fit defaults. */
const SUMMARY_RUN = { batchSize: 32, optimizer: { name: 'adam' as const } };

async function summaryCommand(rest: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(rest, { json: { type: 'boolean' }, ...BUDGET_OPTION });
  const budget = budgetFrom(values);
  const loaded = await load(oneModelPath(positionals), io);
  if (!loaded) return 1;
  const s = summarize(loaded.doc, loaded.inference);
  const ok = loaded.inference.errorCount === 0;
  const train = estimateResources(loaded.inference, { mode: 'train', ...SUMMARY_RUN });
  const predict = estimateResources(loaded.inference, { mode: 'predict', batchSize: SUMMARY_RUN.batchSize });
  if (values.json) {
    const memory = {
      batch_size: SUMMARY_RUN.batchSize,
      optimizer: SUMMARY_RUN.optimizer.name,
      weights_bytes: train.weightBytes,
      gradients_bytes: train.gradientBytes,
      optimizer_state_bytes: train.optimizerBytes,
      predict_activations_bytes: predict.activationBytes,
      train_activations_bytes: train.activationBytes,
      predict_total_bytes: predict.totalBytes,
      train_total_bytes: train.totalBytes,
      budget_bytes: budget.bytes,
    };
    io.out(
      JSON.stringify(
        {
          layers: s.layers.map((l) => ({
            name: l.name,
            class_name: l.class_name,
            output_shape: l.output_shape,
            ...(l.output_shapes ? { output_shapes: l.output_shapes } : {}),
            params: l.params,
          })),
          total_params: s.total_params,
          trainable_params: s.trainable_params,
          non_trainable_params: s.non_trainable_params,
          ...(ok ? { memory } : {}),
        },
        null,
        2,
      ),
    );
  } else io.out(ok ? [formatSummary(s), ...formatEstimate(train, predict, 'Adam')].join('\n') : formatSummary(s));
  // Keras would build it; running it here would pass the budget, so say so (predict and train refuse it).
  const over = ok ? checkResources(train, budget) : null;
  if (over) io.err(`warning: ${over.message} (${over.hint})`);
  printProblems(loaded.inference, io, 'error');
  return loaded.inference.errorCount > 0 ? 1 : 0;
}

function printProblems(inference: Inference, io: Io, only?: 'error'): void {
  for (const p of inference.problems) {
    if (only && p.severity !== only) continue;
    const label = p.nodeId ? inference.nodes.get(p.nodeId)?.name : undefined;
    io.err(`${p.severity}: ${formatProblem(p, label)}`);
  }
}

async function validateCommand(rest: string[], io: Io): Promise<number> {
  const { positionals } = parse(rest);
  const loaded = await load(oneModelPath(positionals), io);
  if (!loaded) return 1;
  const { inference } = loaded;
  for (const p of inference.problems) {
    const label = p.nodeId ? inference.nodes.get(p.nodeId)?.name : undefined;
    io.out(`${p.severity === 'warning' ? 'warning: ' : ''}${formatProblem(p, label)}`);
  }
  io.out(
    inference.errorCount === 0
      ? `ok: ${inference.nodes.size} layers, ${inference.totals.total.toLocaleString('en-US')} params${inference.warningCount ? `, ${inference.warningCount} warning(s)` : ''}`
      : `${inference.errorCount} error(s), ${inference.warningCount} warning(s)`,
  );
  return inference.errorCount > 0 ? 1 : 0;
}

async function exportCommand(rest: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(rest, {
    format: { type: 'string' },
    out: { type: 'string', short: 'o' },
    flavor: { type: 'string' },
    weights: { type: 'string' },
    ...SCRIPT_OPTIONS,
  });
  const format = values.format as string | undefined;
  if (format === 'keras-train') return trainingScriptCommand(values, positionals, io);
  if (!format) throw new UsageError(`--format is required: one of ${EXPORT_FORMATS.join(', ')}, keras-train`);
  if (!EXPORT_FORMATS.includes(format as ExportFormat))
    throw new UsageError(`unknown --format '${format}': use one of ${EXPORT_FORMATS.join(', ')}, keras-train`);
  const scriptOnly = Object.keys(SCRIPT_OPTIONS).find((k) => values[k] !== undefined);
  if (scriptOnly) throw new UsageError(`--${scriptOnly} goes with --format keras-train`);
  const flavor = values.flavor as string | undefined;
  if (flavor !== undefined && flavor !== 'keras3' && flavor !== 'tf.keras')
    throw new UsageError(`unknown --flavor '${flavor}': use keras3 or tf.keras`);
  const out = values.out as string | undefined;
  const weightsPath = values.weights as string | undefined;
  if (weightsPath !== undefined && format !== 'keras-py')
    throw new UsageError(
      `--weights goes with --format keras-py (the code that loads them); for ${format} export weights-json`,
    );
  if (weightsPath !== undefined && !out)
    throw new UsageError('--weights needs --out: the code finds the weights file beside itself');
  const loaded = await load(oneModelPath(positionals), io);
  if (!loaded) return 1;
  const { doc, inference } = loaded;
  const refuse = (refusal: WriteRefusal) => {
    if (refusal.code === 'invalid-model') printProblems(inference, io, 'error');
    io.err(`layercanvas: ${positionals[0]}: ${refusal.message} (${refusal.hint})`);
    return 1;
  };
  let weightsFile: string | undefined;
  if (weightsPath !== undefined && out) {
    const weights = await exportModel(doc, 'weights-json');
    if (!weights.ok) return refuse(weights);
    weightsFile = relative(dirname(resolve(out)), resolve(weightsPath))
      .split(sep)
      .join('/');
    writeFileDurable(weightsPath, weights.files[0].data);
  } else if (LEAVES_OUT_WEIGHTS.has(format) && Object.keys(doc.weights ?? {}).length > 0) {
    io.err(
      `warning: ${positionals[0]} holds trained weights; ${format} leaves them out (${LEAVES_OUT_WEIGHTS.get(format)})`,
    );
  }
  const written = await exportModel(doc, format as ExportFormat, {
    flavor: flavor as 'keras3' | 'tf.keras' | undefined,
    weightsFile,
  });
  if (!written.ok) return refuse(written);
  const [main, ...beside] = written.files;
  if (!out) {
    if (beside.length)
      throw new UsageError(`--out is required for ${format} (it writes ${main.name} and files beside it)`);
    if (typeof main.data !== 'string') throw new UsageError(`--out is required for ${format} (a binary file)`);
    io.out(main.data as string);
    return 0;
  }
  // The files beside it first, so a model.json on disk never names a weights file that isn't there yet.
  for (const file of beside) writeFileDurable(join(dirname(out), file.name), file.data);
  writeFileDurable(out, main.data);
  const wrote = [
    ...(weightsPath !== undefined ? [weightsPath] : []),
    out,
    ...beside.map((f) => join(dirname(out), f.name)),
  ];
  io.err(`wrote ${wrote.join(' and ')}`);
  return 0;
}

const SCRIPT_OPTIONS = { dataset: { type: 'string' }, strategy: { type: 'string' }, ...RUN_OPTIONS } as const;

/** `export --format keras-train`: the TensorFlow training script, and a generated dataset's .npz beside it. */
async function trainingScriptCommand(
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
  io: Io,
): Promise<number> {
  const out = values.out as string | undefined;
  if (!out) throw new UsageError('--out train.py is required for keras-train (it may write the dataset beside it)');
  if (values.flavor !== undefined || values.weights !== undefined)
    throw new UsageError('keras-train takes neither --flavor nor --weights');
  const path = oneModelPath(positionals);
  const loaded = await load(path, io);
  if (!loaded) return 1;
  if (loaded.inference.errorCount > 0) {
    printProblems(loaded.inference, io, 'error');
    io.err(`layercanvas: ${path}: the model has errors; a training script needs one that builds (fix them first)`);
    return 1;
  }
  const s = (k: string) => values[k] as string | undefined;
  const settings = scriptSettings(loaded.doc, readTextFile(path), {
    dataset: s('dataset'),
    strategy: s('strategy'),
    ...runSettings(s),
  });
  const [script, ...beside] = writeTrainingScript(loaded.doc, settings, basename(out).replace(/\.py$/, ''));
  for (const file of beside) writeFileDurable(join(dirname(out), file.name), file.data);
  writeFileDurable(out, script.data);
  io.err(`wrote ${[out, ...beside.map((f) => join(dirname(out), f.name))].join(' and ')}`);
  return 0;
}

/** Formats that carry the model without its weights, and how to keep them. */
const LEAVES_OUT_WEIGHTS = new Map<string, string>([
  ['keras-py', 'add --weights model.weights.json to write them and the code that loads them'],
  ['keras-json', 'export them too with --format weights-json, or use --format keras-py --weights'],
]);

/** The fast kernels when they load, the reference ones (with a warning saying why) otherwise; disposed after. */
async function withBackend<T>(
  io: Io,
  run: (backend: Backend) => Promise<T> | T,
  threads?: number,
  studyThreads?: number,
): Promise<T> {
  enableRelaxedSimd();
  const { backend, issue, threadsWarning } = await loadBackend('fast', {
    wasmDir: projectWasmDir(),
    threads,
    studyThreads,
  });
  if (issue) io.err(`warning: ${issue.message}. Fix: ${issue.hint}.`);
  if (threadsWarning) io.err(`warning: ${threadsWarning}.`);
  try {
    return await run(backend);
  } finally {
    disposeBackend(backend);
  }
}

async function predictCmd(rest: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(rest, {
    input: { type: 'string', short: 'i' },
    out: { type: 'string', short: 'o' },
    weights: { type: 'string' },
    training: { type: 'boolean' },
    ...BUDGET_OPTION,
    ...THREADS_OPTION,
  });
  const path = oneModelPath(positionals);
  const budget = budgetFrom(values);
  const threads = threadsFrom(values);
  const loaded = await load(path, io);
  if (!loaded) return 1;
  const opts = {
    input: values.input as string,
    out: values.out as string,
    weights: values.weights as string,
    training: !!values.training,
    budget,
  };
  return withBackend(io, (backend) => predictCommand(path, loaded.doc, opts, backend, io), threads);
}

async function trainCmd(rest: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(rest, {
    dataset: { type: 'string', short: 'd' },
    ...RUN_OPTIONS,
    'compare-bn': { type: 'boolean' },
    out: { type: 'string', short: 'o' },
    profile: { type: 'boolean' },
    'study-threads': { type: 'string' },
    ...BUDGET_OPTION,
    ...THREADS_OPTION,
  });
  const memoryBudget = budgetFrom(values);
  const threads = threadsFrom(values);
  const studyThreads = studyThreadsFrom(values);
  const loaded = await load(oneModelPath(positionals), io);
  if (!loaded) return 1;
  const s = (k: string) => values[k] as string | undefined;
  return withBackend(
    io,
    (backend) =>
      trainCommand(
        loaded.doc,
        {
          memoryBudget,
          dataset: s('dataset'),
          ...runSettings(s),
          compareBn: !!values['compare-bn'],
          out: s('out'),
          profile: !!values.profile,
        },
        backend,
        { ...io, isTTY: process.stderr.isTTY, write: (t) => process.stderr.write(t) },
      ),
    threads,
    studyThreads,
  );
}

async function serveCommand(rest: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(rest, {
    port: { type: 'string' },
    'no-open': { type: 'boolean' },
    open: { type: 'boolean' },
  });
  if (positionals.length > 1) throw new UsageError(`serve opens one model, got ${positionals.join(' ')}`);
  const port = values.port === undefined ? 5917 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a number from 0 to 65535, got '${values.port}'`);
  const { readServedModel, startServer, ServeError } = await import('./serve');
  const model = positionals.length ? await readServedModel(positionals[0]) : undefined;
  if (model && 'errors' in model) {
    for (const line of model.errors) io.err(line);
    return 1;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ port, open: !values['no-open'], host: '127.0.0.1', log: io.out, model });
  } catch (e) {
    if (!(e instanceof ServeError)) throw e;
    io.err(`layercanvas: ${e.message}`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      server.close().then(resolve, resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
