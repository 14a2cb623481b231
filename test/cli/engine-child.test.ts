/**
 * The browser host's engine child (`layercanvas serve` forks engine/host/node-main.ts) runs the fast kernels from the
 * project's dist/wasm, which serve names on its command line, and says why when it can't.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkNodeEngine } from '../../cli/serve';
import type { KernelsReport } from '../../engine/api/protocol';
import { decodeWire, encodeWire } from '../../engine/api/wire';
import { ensureBuilt } from '../../scripts/build-steps.mjs';

let empty: string;
beforeAll(() => {
  ensureBuilt(['wasm'], { log: () => {} });
  empty = mkdtempSync(join(tmpdir(), 'layercanvas-no-wasm-'));
}, 120_000);
afterAll(() => {
  rmSync(empty, { recursive: true, force: true });
});

async function kernelsOf(wasmDir?: string): Promise<KernelsReport> {
  const child = forkNodeEngine(wasmDir);
  try {
    return await new Promise<KernelsReport>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the engine did not answer within 30 s')), 30_000);
      child.onMessage((raw) => {
        const message = (typeof raw === 'string' ? decodeWire(raw) : raw) as {
          type?: string;
          id?: string;
          result?: KernelsReport;
        };
        if (message.type === 'engine-ready') child.send(encodeWire({ id: 'k', type: 'kernels', payload: {} }));
        if (message.id === 'k') {
          clearTimeout(timer);
          resolve(message.result!);
        }
      });
    });
  } finally {
    child.kill();
  }
}

describe("the browser host's engine child", () => {
  it('reports the fast WebAssembly kernels from the project build', async () => {
    const report = await kernelsOf();
    expect(report.kernels).toBe('fast');
    expect(report.warning).toBeUndefined();
    expect(report.label).toMatch(/^WASM (relaxed )?SIMD · \d+ threads?$/);
  });

  it('reports the reference kernels, with the reason, when its folder has none', async () => {
    const report = await kernelsOf(empty);
    expect(report.kernels).toBe('reference');
    expect(report.warning?.reason).toContain(`kernels-simd.wasm is not in ${empty}`);
  });
});
