/**
 * The fuzz suite's shared parts: how many cases a run makes, the fixed seed, the in-process CLI, and the record
 * of each case's time and memory that `npm run fuzz` (scripts/fuzz.mjs) checks against the limits: every case
 * under 5 s and 1 GB. Tests never assert on time (the machine is shared); the script does, from this record.
 *
 * `npm test` runs a fixed-seed slice (SCALE 1); `npm run fuzz` sets LAYERCANVAS_FUZZ_SCALE=5 for over 10,000.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type fc from 'fast-check';
import { afterAll, expect } from 'vitest';
import { main } from '../../cli/main';

export const SCALE = Number(process.env.LAYERCANVAS_FUZZ_SCALE ?? 1);
export const SEED = Number(process.env.LAYERCANVAS_FUZZ_SEED ?? 20261204);

/** fast-check's parameters for `runs` cases of the slice, scaled. */
export const params = (runs: number): fc.Parameters<unknown> => ({
  numRuns: Math.round(runs * SCALE),
  seed: SEED,
  endOnFailure: true,
});

interface Record {
  kind: string;
  cases: number;
  totalMs: number;
  slowestMs: number;
  slowestInput: string;
  peakHeapBytes: number;
}

const records = new Map<string, Record>();

/** Runs one case, recording its time and the heap (JS heap + buffers) after it; returns what the case returned. */
export async function measure<T>(kind: string, describeInput: () => string, run: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await run();
  const ms = performance.now() - started;
  const mem = process.memoryUsage();
  const r = records.get(kind) ?? { kind, cases: 0, totalMs: 0, slowestMs: 0, slowestInput: '', peakHeapBytes: 0 };
  r.cases++;
  r.totalMs += ms;
  if (ms > r.slowestMs) {
    r.slowestMs = ms;
    r.slowestInput = describeInput().slice(0, 200);
  }
  r.peakHeapBytes = Math.max(r.peakHeapBytes, mem.heapUsed + mem.external + mem.arrayBuffers);
  records.set(kind, r);
  return value;
}

/** Writes this file's record to test-results/fuzz/<name>.json for scripts/fuzz.mjs. */
export function recordTo(name: string): void {
  afterAll(() => {
    const dir = resolve('test-results', 'fuzz');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `${name}.json`),
      JSON.stringify({ scale: SCALE, seed: SEED, records: [...records.values()] }, null, 2),
    );
  });
}

/** A message fit for a user: one line, no stack frame, no "internal error". */
export function expectOneLine(message: string): void {
  expect(message.trimEnd()).not.toContain('\n');
  expect(message).not.toMatch(/^\s+at |internal error|this is a bug/i);
}

/** The CLI in this process: its exit code, and each line it wrote to stderr (one line per write). */
export async function cli(...argv: string[]): Promise<{ code: number; err: string[]; out: string }> {
  const err: string[] = [];
  let out = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => err.push(t) });
  for (const line of err) expectOneLine(line);
  return { code, err, out };
}

export { applyByteEdits, applyEdits, byteEditArb, editArb, type ByteEdit, type Edit } from '../support/edits';
