/**
 * electron-builder.ts, checked by electron-builder itself (its loader and its JSON-schema validation, the steps
 * `electron-builder` runs before it downloads Electron) and against what the installers must do: the targets,
 * per-user Windows install, hardened macOS with allow-jit only, Linux desktop entry and MIME types, and the
 * associations the app really opens.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Configuration } from 'app-builder-lib';
import { describe, expect, it } from 'vitest';
import { associatedFileTypes, FILE_TYPES } from '../../electron/common/file-types';

const ROOT = resolve('.');
// app-builder-lib is electron-builder's own dependency: load it from there, as the CLI does.
const fromBuilder = createRequire(createRequire(join(ROOT, 'package.json')).resolve('electron-builder/package.json'));
const builderConfig = fromBuilder('app-builder-lib/out/util/config/config') as {
  getConfig(
    projectDir: string,
    configPath: string | null,
    configFromOptions: Configuration | null,
  ): Promise<Configuration>;
  validateConfiguration(config: Configuration, logger: unknown): Promise<void>;
};
const fromLib = createRequire(fromBuilder.resolve('app-builder-lib/package.json'));
const { DebugLogger } = fromLib('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const validate = (config: Configuration) => builderConfig.validateConfiguration(config, new DebugLogger(false));
const loaded = builderConfig.getConfig(ROOT, null, null);
const asset = (name: string) => join(ROOT, 'assets', name);
// Each target entry as { target, arch } (the config may also name a target as a bare string).
const targets = (list: unknown) =>
  (list as (string | { target: string; arch?: string[] })[]).map((t) =>
    typeof t === 'string' ? { target: t, arch: undefined } : t,
  );

describe('electron-builder.ts', () => {
  it('is the file electron-builder finds, and its own schema validation accepts it', async () => {
    const config = await loaded;
    expect(config.appId).toBe('dev.layercanvas.app');
    await expect(validate(config)).resolves.toBeUndefined();
  });

  it('is validated for real: a misspelt option is refused by the same check', async () => {
    const config = await loaded;
    await expect(
      validate({ ...config, nsis: { ...config.nsis, perUser: true } as Configuration['nsis'] }),
    ).rejects.toThrow(/configuration\.nsis /);
    await expect(
      validate({ ...config, mac: { ...config.mac, hardenRuntime: true } as Configuration['mac'] }),
    ).rejects.toThrow(/configuration\.mac /);
  });

  it('ships only the bundles, with nothing native to rebuild', async () => {
    const config = await loaded;
    // The loader normalizes `files` into file sets.
    const patterns = (config.files as { filter: string[] }[]).flatMap((set) => set.filter);
    expect(patterns).toEqual(
      expect.arrayContaining(['dist/electron/**', 'dist/engine/**', 'dist/renderer/**', '!**/node_modules/**']),
    );
    expect(config.npmRebuild).toBe(false);
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });

  it('Windows: an NSIS installer per user, no administrator rights', async () => {
    const config = await loaded;
    expect(targets(config.win!.target)).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.nsis).toMatchObject({ oneClick: true, perMachine: false, deleteAppDataOnUninstall: false });
    expect(config.nsis!.artifactName).toBe('${productName}-${version}-win-${arch}-setup.${ext}');
    expect(existsSync(asset('icon.ico'))).toBe(true);
  });

  it('macOS: a DMG for x64 and arm64, hardened, with allow-jit and no other exception, notarized from the environment', async () => {
    const config = await loaded;
    const mac = config.mac!;
    expect(targets(mac.target)).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
    expect(mac.hardenedRuntime).toBe(true);
    expect(mac.notarize).toBe(true);
    expect(mac.entitlements).toBe(mac.entitlementsInherit);
    const plist = readFileSync(join(ROOT, mac.entitlements!), 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
    expect(plist).toMatch(/<key>com.apple.security.cs.allow-jit<\/key>\s*<true\/>/);
    expect(existsSync(join(ROOT, mac.icon!))).toBe(true);
    // The background is 540 x 380, the window's size, with the two icons where the drawing's arrow points.
    const dmg = config.dmg!;
    expect(dmg.window).toEqual({ width: 540, height: 380 });
    const png = readFileSync(join(ROOT, dmg.background!));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([540, 380]);
    expect(dmg.contents).toEqual([
      { x: 140, y: 190, type: 'file' },
      { x: 400, y: 190, type: 'link', path: '/Applications' },
    ]);
  });

  it('Linux: AppImage and deb with a desktop entry; MIME types come from the associations', async () => {
    const config = await loaded;
    const linux = config.linux!;
    expect(targets(linux.target).map((t) => t.target)).toEqual(['AppImage', 'deb']);
    expect(linux.category).toBe('Development');
    expect(linux.maintainer).toMatch(/<[^@\s]+@[^>\s]+>$/);
    expect(linux.syncDesktopName).toBe(true);
    expect(linux.desktop!.entry).toMatchObject({ Name: 'LayerCanvas', StartupNotify: 'true' });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.desktopName).toBe('layercanvas.desktop');
    expect(pkg.homepage).toMatch(/^https:\/\//);
    for (const size of [16, 32, 48, 256, 512])
      expect(existsSync(join(ROOT, linux.icon!, `${size}x${size}.png`))).toBe(true);
  });

  it('associates exactly the file types the app opens, each with its icons and MIME type', async () => {
    const config = await loaded;
    const associations = config.fileAssociations as {
      ext: string;
      mimeType: string;
      icon: string;
      role: string;
      rank: string;
    }[];
    expect(associations.map((a) => a.ext)).toEqual(associatedFileTypes().map((t) => t.ext));
    expect(associations.map((a) => a.ext)).toContain('layercanvas.json');
    for (const a of associations) {
      expect(a.mimeType).toMatch(/^application\/[\w.+-]+$/);
      expect(existsSync(asset(`${a.icon}.ico`)) && existsSync(asset(`${a.icon}.icns`))).toBe(true);
    }
    // Keras's files open now (with their weights): associated as a Viewer that doesn't claim to own them.
    expect(associations.filter((a) => a.ext === 'keras' || a.ext === 'h5').map((a) => [a.ext, a.role, a.rank])).toEqual(
      [
        ['keras', 'Viewer', 'Alternate'],
        ['h5', 'Viewer', 'Alternate'],
      ],
    );
    const waiting = FILE_TYPES.filter((t) => !t.opens).map((t) => t.ext);
    for (const ext of waiting) expect(associations.map((a) => a.ext)).not.toContain(ext);
    for (const t of FILE_TYPES) expect(existsSync(asset(`${t.icon}.ico`))).toBe(true);
  });
});
