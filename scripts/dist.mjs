#!/usr/bin/env node
// `npm run dist`: the installers for this OS in release/ (electron-builder.ts says which). Builds the bundles
// first. Arguments go on to electron-builder: `npm run dist -- --dir` makes the unpacked app only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { packageBin } from './lib/package-bin.mjs';

const PLATFORM_FLAG = { darwin: '--mac', win32: '--win', linux: '--linux' };

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`dist: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const flag = PLATFORM_FLAG[process.platform];
if (!flag) {
  console.error(
    `dist: LayerCanvas has no installer for ${process.platform}; electron-builder.ts targets macOS, Windows and Linux.`,
  );
  process.exit(1);
}

run(process.execPath, ['scripts/build.mjs']);

const extra = [];
// A Retina DMG window wants one TIFF holding both resolutions; macOS's tiffutil makes it from the two PNGs.
if (process.platform === 'darwin' && existsSync('/usr/bin/tiffutil')) {
  mkdirSync('release', { recursive: true });
  run('/usr/bin/tiffutil', [
    '-cathidpicheck',
    'assets/background.png',
    'assets/background@2x.png',
    '-out',
    'release/background.tiff',
  ]);
  extra.push('-c.dmg.background=release/background.tiff');
}

// Publishing is release.yml's job (a draft release with every OS's installers), never a side effect of dist.
run(process.execPath, [packageBin('electron-builder'), flag, '--publish', 'never', ...extra, ...process.argv.slice(2)]);
