/**
 * The status bar says which kernels the engine runs, from the engine's own report; on the reference kernels the
 * page says so plainly, with the reason and the fix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchHarness, type Harness } from './harness';

const opened: Harness[] = [];
afterAll(async () => {
  for (const h of opened) await h.close();
});

async function editor(wasmDir?: string) {
  const h = await launchHarness({ wasmDir });
  opened.push(h);
  await h.page.waitForSelector('[data-testid=palette-InputLayer]');
  return h;
}

describe('engine kernels in the status bar', () => {
  it('shows the fast WebAssembly kernels and their threads, and no warning', async () => {
    const h = await editor();
    const kernels = h.page.getByTestId('engine-kernels');
    await expect
      .poll(() => kernels.textContent(), { timeout: 30_000 })
      .toMatch(/^WASM (relaxed )?SIMD · \d+ threads?$/);
    expect(await kernels.getAttribute('data-kernels')).toBe('fast');
    expect(await h.page.getByTestId('kernels-warning').count()).toBe(0);
    await h.screenshot('kernels-fast');
    expect(h.consoleErrors).toEqual([]);
  });

  it('on the reference kernels, warns with the reason and the fix, and the warning can be dismissed', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'layercanvas-no-wasm-'));
    try {
      const h = await editor(empty);
      const kernels = h.page.getByTestId('engine-kernels');
      await expect.poll(() => kernels.textContent(), { timeout: 30_000 }).toBe('▲ reference kernels (slow)');
      const warning = h.page.getByTestId('kernels-warning');
      await expect.poll(() => warning.isVisible()).toBe(true);
      const text = (await warning.textContent()) ?? '';
      expect(text).toContain(
        'The engine runs on the slow reference kernels, so training and prediction are many times slower: ' +
          `the fast WebAssembly kernels could not be loaded (kernels-simd.wasm is not in ${empty}).`,
      );
      expect(text).toContain('Fix: Build them with `npm run build`');
      await h.screenshot('kernels-reference-warning');
      await warning.getByRole('button', { name: 'Dismiss the kernels warning' }).click();
      expect(await warning.count()).toBe(0);
      // The status bar still says it.
      expect(await kernels.textContent()).toBe('▲ reference kernels (slow)');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
