#!/usr/bin/env node
// `npm run icons`: every bitmap in assets/ from its SVG source. The outputs are committed (packaging needs no
// renderer of its own); run this after editing an SVG and look at the PNGs at 16, 32 and 256 px.
//
//   icon.svg        → icons/NxN.png (Linux, and the window icon), icon.icns (macOS, on Apple's 824 px grid),
//   icon-16.svg     → the 16 px entries (drawn on the pixel grid; a downscale of icon.svg blurs),
//                     icon.ico (Windows: PNG entries, 16 from icon-16.svg, the rest from icon.svg)
//   file-type.svg   → file-<type>.ico / .icns for each associated file type (electron/common/file-types.ts)
//   dmg-background.svg → background.png (540 x 380) and background@2x.png
//
// resvg renders the SVGs; png2icons writes the .icns. The .ico is assembled here because png2icons makes every
// size from one input, and the 16 px entry has to be the hand-drawn one.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';

const ASSETS = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');
const read = (name) => readFileSync(join(ASSETS, name), 'utf8');
const write = (name, data) => {
  mkdirSync(dirname(join(ASSETS, name)), { recursive: true });
  writeFileSync(join(ASSETS, name), data);
};

/** The SVG rendered `size` px wide, as PNG bytes. No system fonts: the drawings have no text. */
export function render(svg, size) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } }).render().asPng();
}

/**
 * An .ico of PNG entries (Windows Vista and later read them; Electron 45 needs Windows 10). Header, one 16-byte
 * directory entry per image, then the images; a width or height of 256 is written as 0.
 */
export function icoFromPngs(entries) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(entries.length, 4);
  const directory = Buffer.alloc(16 * entries.length);
  let offset = header.length + directory.length;
  entries.forEach(({ size, png }, i) => {
    const at = i * 16;
    directory.writeUInt8(size >= 256 ? 0 : size, at);
    directory.writeUInt8(size >= 256 ? 0 : size, at + 1);
    directory.writeUInt8(0, at + 2); // no palette
    directory.writeUInt8(0, at + 3);
    directory.writeUInt16LE(1, at + 4); // colour planes
    directory.writeUInt16LE(32, at + 6); // bits per pixel
    directory.writeUInt32LE(png.length, at + 8);
    directory.writeUInt32LE(offset, at + 12);
    offset += png.length;
  });
  return Buffer.concat([header, directory, ...entries.map((e) => e.png)]);
}

/** macOS icons sit on an 824 px body inside the 1024 px canvas, with a soft shadow (Apple's icon grid). */
export function macGrid(svg) {
  const inner = svg.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024">
  <defs><filter id="macShadow" x="-20%" y="-20%" width="140%" height="150%">
    <feDropShadow dx="0" dy="10" stdDeviation="12" flood-color="#000000" flood-opacity="0.3"/>
  </filter></defs>
  <g filter="url(#macShadow)"><g transform="translate(100 100) scale(0.8046875)">${inner}</g></g>
</svg>`;
}

function icns(svg) {
  const out = png2icons.createICNS(render(svg, 1024), png2icons.BICUBIC2, 0);
  if (!out) throw new Error('png2icons could not make an .icns');
  return out;
}

/** Sizes Windows asks an .ico for (100-200 % scaling of 16, 20, 24, 32, 48 px; 256 for large views). */
export const ICO_SIZES = [16, 20, 24, 32, 40, 48, 64, 96, 128, 256];
/** Sizes electron-builder installs into hicolor on Linux. */
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
/** The file types that get an icon, with the colour of their band (the tab's group colours in the editor). */
export const FILE_ICONS = { project: '#7a5af8', keras: '#d00000', h5: '#0086c9' };

function main() {
  const icon = read('icon.svg');
  const small = read('icon-16.svg');
  const appPng = (size) => render(size <= 16 ? small : icon, size);

  for (const size of LINUX_SIZES) write(`icons/${size}x${size}.png`, appPng(size));
  write('icon.ico', icoFromPngs(ICO_SIZES.map((size) => ({ size, png: appPng(size) }))));
  write('icon.icns', icns(macGrid(icon)));

  const fileType = read('file-type.svg');
  for (const [type, band] of Object.entries(FILE_ICONS)) {
    const svg = fileType.replace('fill="BAND"', `fill="${band}"`);
    write(`file-${type}.ico`, icoFromPngs(ICO_SIZES.map((size) => ({ size, png: render(svg, size) }))));
    write(`file-${type}.icns`, icns(svg));
  }

  const background = read('dmg-background.svg');
  write('background.png', render(background, 540));
  write('background@2x.png', render(background, 1080));
  console.log(`icons: wrote ${ASSETS}/icon.{ico,icns}, icons/, file-*.{ico,icns}, background{,@2x}.png`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
