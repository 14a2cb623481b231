/**
 * Import through the engine protocol (the renderer's Open and drop), on the repository's fixtures. The
 * reference numbers are Keras's: the article MLP (Dense 16 on (1, 5), BatchNormalization, Dense 32, BatchNormalization, Dense 2) has
 * 96 + 64 + 544 + 128 + 66 = 898 parameters, 96 of them non-trainable (the BatchNormalization moving statistics).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../../../engine/graph/document';
import { createEngineService } from '../../../engine/host/engine-service';
import { yieldToEvents } from '../../../engine/host/handler-context';
import type { EngineMessage, ImportOutcome } from '../../../engine/api/protocol';
import { infer } from '../../../engine/graph/inference';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');
const fixture = (...p: string[]) => new Uint8Array(readFileSync(join(FIXTURES, ...p)));
const text = (...p: string[]) => readFileSync(join(FIXTURES, ...p), 'utf8');

function engine() {
  const out: EngineMessage[] = [];
  const service = createEngineService((m) => out.push(m));
  let n = 0;
  return {
    out,
    async call<T>(
      type: string,
      payload: unknown,
    ): Promise<{ ok: true; result: T } | { ok: false; error: { message: string; code?: string } }> {
      const id = `q${++n}`;
      service.handle({ id, type, payload });
      for (let i = 0; i < 2000; i += 1) {
        const m = out.find((x) => x.id === id && 'ok' in x);
        if (m) return m as never;
        await yieldToEvents();
      }
      throw new Error(`no answer to ${type}`);
    },
  };
}

async function importOk(e: ReturnType<typeof engine>, payload: unknown) {
  const r = await e.call<ImportOutcome>('import', payload);
  expect(r.ok).toBe(true);
  if (!r.ok) throw new Error(r.error.message);
  if (!r.result.ok) throw new Error(r.result.errors.map((x) => x.message).join('; '));
  return r.result;
}

/** Keras's parameter totals of a document the engine sent back (through the transport, as the page gets it). */
function totals(document: ModelDocument) {
  return infer(structuredClone(document)).totals;
}

const MLP_TOTALS = { total: 898, trainable: 802, nonTrainable: 96 };

describe('import over the protocol', () => {
  it('reads a tf.keras 2 to_json() text and infers Keras’s parameter counts', async () => {
    const e = engine();
    const imported = await importOk(e, {
      name: 'mlp.json',
      data: text('keras-json', 'tfkeras2-sequential-article-mlp.json'),
    });
    expect(imported.format).toBe('keras-json');
    expect(totals(imported.document)).toEqual(MLP_TOTALS);
  });

  it('reads Keras Python sent as bytes', async () => {
    const e = engine();
    const imported = await importOk(e, { name: 'article-mlp.py', data: fixture('python', 'article-mlp.py') });
    expect(imported.format).toBe('keras-py');
    expect(totals(imported.document)).toEqual(MLP_TOTALS);
  });

  it('reads a TF.js model with its weight shard passed as a sibling, weights included', async () => {
    const e = engine();
    const imported = await importOk(e, {
      name: 'model.json',
      data: fixture('tfjs', 'article-mlp', 'model.json'),
      siblings: { 'group1-shard1of1.bin': fixture('tfjs', 'article-mlp', 'group1-shard1of1.bin') },
    });
    expect(imported.format).toBe('tfjs');
    const weights = Object.values(imported.document.weights ?? {}).flat();
    expect(weights.reduce((n, w) => n + w.tensor.data.length, 0)).toBe(898);
    expect(weights.every((w) => w.tensor.data instanceof Float32Array)).toBe(true);
  });

  it('answers a file it cannot read with format errors as data, not a failed request', async () => {
    const e = engine();
    const r = await e.call<ImportOutcome>('import', { name: 'notes.txt', data: 'hello there' });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.result.ok).toBe(false);
      if (!r.result.ok) expect(r.result.errors[0].message.length).toBeGreaterThan(0);
    }
  });
});
