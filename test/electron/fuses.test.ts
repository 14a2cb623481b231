/**
 * The Electron fuses the desktop package ships with, proven the way packaging sets them: electron-builder reads
 * electron-builder.ts with its own loader, turns `electronFuses` into @electron/fuses' config with its own code,
 * and @electron/fuses flips them in a stand-in binary (the real one can't be downloaded here) carrying Electron's
 * sentinel and a stock fuse wire. Reading the wire back shows each fuse as the package will have it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// electron-builder's own loader and packager, from electron-builder's dependencies, as the CLI loads them.
const fromBuilder = createRequire(
  createRequire(join(process.cwd(), 'package.json')).resolve('electron-builder/package.json'),
);
const { getConfig } = fromBuilder('app-builder-lib/out/util/config/config') as {
  getConfig(dir: string, configPath: null, options: null): Promise<{ electronFuses?: Record<string, boolean> }>;
};
const { PlatformPackager } = fromBuilder('app-builder-lib') as {
  PlatformPackager: {
    prototype: { generateFuseConfig(fuses: Record<string, boolean>): Promise<Record<string, unknown>> };
  };
};
const require = createRequire(fromBuilder.resolve('app-builder-lib/package.json'));
const fuses = require('@electron/fuses') as typeof import('@electron/fuses');
/** What @electron/fuses looks for in the binary, just before the fuse wire. */
const { SENTINEL } = require('@electron/fuses/dist/constants') as { SENTINEL: string };

const { FuseV1Options, FuseVersion } = fuses;
const { FuseState } = require('@electron/fuses/dist/constants') as { FuseState: { ENABLE: number; DISABLE: number } };
/** A stock Electron wire: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar checks off, … file:// extras on. */
const STOCK_WIRE = '10110001';

describe('Electron fuses in the package', () => {
  it('turns off file:// extra privileges, Node mode, NODE_OPTIONS and --inspect; turns on asar-only loading with integrity checks', async () => {
    const config = await getConfig(process.cwd(), null, null);
    expect(config.electronFuses).toBeDefined();
    const fuseConfig = await PlatformPackager.prototype.generateFuseConfig.call({}, config.electronFuses!);
    expect(fuseConfig.version).toBe(FuseVersion.V1);

    const dir = mkdtempSync(join(tmpdir(), 'layercanvas-fuses-'));
    try {
      const binary = join(dir, 'layercanvas');
      const noise = Buffer.alloc(4096, 0x5a);
      writeFileSync(
        binary,
        Buffer.concat([
          noise,
          Buffer.from(SENTINEL),
          Buffer.from([1, STOCK_WIRE.length]),
          Buffer.from(STOCK_WIRE),
          noise,
        ]),
      );
      await fuses.flipFuses(binary, fuseConfig as Parameters<typeof fuses.flipFuses>[1]);
      const wire = (await fuses.getCurrentFuseWire(binary)) as unknown as Record<number, number>;
      const state = (option: number) =>
        wire[option] === FuseState.ENABLE ? 'on' : wire[option] === FuseState.DISABLE ? 'off' : `state ${wire[option]}`;
      expect({
        grantFileProtocolExtraPrivileges: state(FuseV1Options.GrantFileProtocolExtraPrivileges),
        runAsNode: state(FuseV1Options.RunAsNode),
        nodeOptions: state(FuseV1Options.EnableNodeOptionsEnvironmentVariable),
        nodeCliInspect: state(FuseV1Options.EnableNodeCliInspectArguments),
        cookieEncryption: state(FuseV1Options.EnableCookieEncryption),
        asarIntegrity: state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation),
        onlyLoadAppFromAsar: state(FuseV1Options.OnlyLoadAppFromAsar),
        browserV8Snapshot: state(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot),
      }).toEqual({
        grantFileProtocolExtraPrivileges: 'off',
        runAsNode: 'off',
        nodeOptions: 'off',
        nodeCliInspect: 'off',
        cookieEncryption: 'on',
        asarIntegrity: 'on',
        onlyLoadAppFromAsar: 'on',
        browserV8Snapshot: 'off',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
