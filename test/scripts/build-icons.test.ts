/**
 * assets/: the committed bitmaps are what scripts/build-icons.mjs makes from the SVGs today, and each container
 * (.ico, .icns, the Linux set) holds the sizes its OS asks for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { FILE_ICONS, ICO_SIZES, icoFromPngs, LINUX_SIZES, render } from '../../scripts/build-icons.mjs';

const asset = (name: string) => readFileSync(join('assets', name));
const pngSize = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The entries of an .ico: size from the directory, and the image bytes it points at. */
function icoEntries(ico: Buffer): { size: number; data: Buffer }[] {
  expect(ico.readUInt16LE(0)).toBe(0);
  expect(ico.readUInt16LE(2)).toBe(1); // 1 = icon
  return Array.from({ length: ico.readUInt16LE(4) }, (_, i) => {
    const at = 6 + 16 * i;
    const width = ico.readUInt8(at) || 256;
    const bytes = ico.readUInt32LE(at + 8);
    const offset = ico.readUInt32LE(at + 12);
    return { size: width, data: ico.subarray(offset, offset + bytes) };
  });
}

/** The chunk types of an .icns, in order. */
function icnsTypes(icns: Buffer): string[] {
  expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
  expect(icns.readUInt32BE(4)).toBe(icns.length);
  const types: string[] = [];
  for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4))
    types.push(icns.subarray(at, at + 4).toString('latin1'));
  return types;
}

describe('app icon', () => {
  it('is up to date with its SVGs: the 16 px drawing and the 256 px render match a fresh render byte for byte', () => {
    expect(asset('icons/16x16.png').equals(render(readFileSync('assets/icon-16.svg'), 16))).toBe(true);
    expect(asset('icons/256x256.png').equals(render(readFileSync('assets/icon.svg'), 256))).toBe(true);
  });

  it('icon.ico holds every Windows size as a PNG of that size, the 16 px one hand-drawn', () => {
    const entries = icoEntries(asset('icon.ico'));
    expect(entries.map((e) => e.size)).toEqual(ICO_SIZES);
    for (const { size, data } of entries) {
      expect(data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(pngSize(data)).toEqual([size, size]);
    }
    expect(entries[0].data.equals(asset('icons/16x16.png'))).toBe(true);
  });

  it('icon.icns has the Retina and standard sizes macOS uses, 16 to 1024 px', () => {
    expect(icnsTypes(asset('icon.icns'))).toEqual(
      expect.arrayContaining(['ic10', 'ic09', 'ic08', 'ic07', 'ic14', 'ic13', 'ic12', 'ic11', 'is32']),
    );
  });

  it('the Linux set is one square PNG per size', () => {
    for (const size of LINUX_SIZES) expect(pngSize(asset(`icons/${size}x${size}.png`))).toEqual([size, size]);
  });
});

describe('file-type icons and the DMG background', () => {
  it('each file type has an .ico and an .icns', () => {
    for (const type of Object.keys(FILE_ICONS)) {
      expect(icoEntries(asset(`file-${type}.ico`)).map((e) => e.size)).toEqual(ICO_SIZES);
      expect(icnsTypes(asset(`file-${type}.icns`))).toContain('ic10');
    }
  });

  it('the DMG background comes at 1x and 2x', () => {
    expect(pngSize(asset('background.png'))).toEqual([540, 380]);
    expect(pngSize(asset('background@2x.png'))).toEqual([1080, 760]);
  });
});

describe('icoFromPngs', () => {
  it('writes a directory entry per image, 256 as 0, offsets past the directory', () => {
    const a = Buffer.from('first');
    const b = Buffer.from('second!');
    const ico = icoFromPngs([
      { size: 16, png: a },
      { size: 256, png: b },
    ]);
    expect(ico.readUInt8(6)).toBe(16);
    expect(ico.readUInt8(6 + 16)).toBe(0);
    expect(ico.readUInt32LE(6 + 12)).toBe(6 + 32);
    expect(ico.readUInt32LE(6 + 16 + 12)).toBe(6 + 32 + a.length);
    expect(icoEntries(ico).map((e) => e.data.toString())).toEqual(['first', 'second!']);
  });
});
