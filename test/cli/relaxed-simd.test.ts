import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { relaxedSimdExecArgv } from '../../cli/relaxed-simd';
import { forkNodeEngine } from '../../cli/serve';
import { RELAXED_SIMD_FLAG } from '../../engine/kernels/fast/relaxed-simd';

const relaxedKernels = readFileSync('dist/wasm/kernels-relaxed-simd.wasm');

/** Whether a Node child started with `args` validates the real relaxed-SIMD kernels binary. */
function childValidatesKernels(args: string[]): boolean {
  const code = `process.exit(WebAssembly.validate(require('node:fs').readFileSync(${JSON.stringify('dist/wasm/kernels-relaxed-simd.wasm')})) ? 0 : 3)`;
  return (
    spawnSync(process.execPath, [...args, '-e', code], { stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: '' } })
      .status === 0
  );
}

describe('relaxed SIMD for the engine processes', () => {
  it('relaxedSimdExecArgv gives a child that validates the relaxed kernels whenever this Node can run them at all', () => {
    const args = relaxedSimdExecArgv();
    expect(relaxedKernels.length).toBeGreaterThan(0);
    const possible = childValidatesKernels([]) || childValidatesKernels([RELAXED_SIMD_FLAG]);
    expect(childValidatesKernels(args)).toBe(possible);
  });

  it('adds the V8 flag only when a plain child lacks relaxed SIMD (Node 20), never otherwise', () => {
    const args = relaxedSimdExecArgv();
    if (childValidatesKernels([])) expect(args).toEqual([]);
    else expect(args).toEqual(childValidatesKernels([RELAXED_SIMD_FLAG]) ? [RELAXED_SIMD_FLAG] : []);
  });

  it('NODE_OPTIONS cannot carry the flag, which is why it goes on the command line', () => {
    expect(process.allowedNodeEnvironmentFlags.has(RELAXED_SIMD_FLAG)).toBe(false);
  });

  it.runIf(existsSync('/proc/self/cmdline'))(
    'the browser host forks its engine process with those arguments',
    async () => {
      const child = forkNodeEngine();
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('the engine sent nothing within 30 s')), 30_000);
          child.onMessage(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
        for (const arg of relaxedSimdExecArgv()) expect(argv).toContain(arg);
        expect(argv.includes(RELAXED_SIMD_FLAG)).toBe(relaxedSimdExecArgv().includes(RELAXED_SIMD_FLAG));
      } finally {
        child.kill();
      }
    },
  );
});
