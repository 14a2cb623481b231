/**
 * Small canvases shared by the Predict tab and the Train tab's dataset preview: a sample drawn at its own
 * resolution and scaled up crisp (image-rendering: pixelated), a grid of grey tiles (feature-map channels), and a
 * scatter plot of 2-feature points coloured by class.
 */
import { memo, useEffect, useRef } from 'react';
import { sampleRgba } from './math';
import './predict.css';

/** Class colours for scatter plots and point swatches (Tableau 10, readable on light and dark panels). */
export const CLASS_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
export const classColour = (k: number) =>
  CLASS_COLOURS[((k % CLASS_COLOURS.length) + CLASS_COLOURS.length) % CLASS_COLOURS.length];

export const SampleImage = memo(function SampleImage({
  x,
  shape,
  size,
  label,
  testId,
}: {
  x: Float32Array;
  shape: readonly number[];
  size: number;
  label?: string;
  testId?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const picture = sampleRgba(x, shape);
    const ctx = canvas?.getContext('2d');
    if (!canvas || !picture || !ctx) return;
    canvas.width = picture.width;
    canvas.height = picture.height;
    ctx.putImageData(new ImageData(picture.rgba, picture.width, picture.height), 0, 0);
  }, [x, shape]);
  const [h, w] = shape;
  return (
    <canvas
      ref={ref}
      className="pixelated"
      data-testid={testId}
      aria-label={label}
      style={{ width: size, height: Math.round((size * h) / w) }}
    />
  );
});

/**
 * Tiles of greys (each `height × width`, values 0…255) in rows of `columns`, one pixel apart, at native
 * resolution; CSS scales the canvas. The gaps stay transparent so the panel's colour shows between tiles.
 */
export function drawTiles(
  canvas: HTMLCanvasElement,
  tiles: readonly Uint8ClampedArray[],
  height: number,
  width: number,
  columns: number,
): void {
  const rows = Math.ceil(tiles.length / columns);
  const cols = Math.min(columns, tiles.length);
  canvas.width = Math.max(1, cols * (width + 1) - 1);
  canvas.height = Math.max(1, rows * (height + 1) - 1);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(canvas.width, canvas.height);
  tiles.forEach((tile, t) => {
    const top = Math.floor(t / columns) * (height + 1);
    const left = (t % columns) * (width + 1);
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const v = tile[r * width + c];
        const o = ((top + r) * canvas.width + left + c) * 4;
        image.data[o] = v;
        image.data[o + 1] = v;
        image.data[o + 2] = v;
        image.data[o + 3] = 255;
      }
    }
  });
  ctx.putImageData(image, 0, 0);
}

/** 2-feature points coloured by class, axes fitted to the data with a margin; `highlight` is ringed. */
export function drawScatter(
  canvas: HTMLCanvasElement,
  x: Float32Array,
  labels: ArrayLike<number>,
  options: { highlight?: number; axis: string },
): void {
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 280;
  const cssHeight = canvas.clientHeight || 140;
  canvas.width = Math.round(cssWidth * ratio);
  canvas.height = Math.round(cssHeight * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  const n = Math.floor(x.length / 2);
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, x[2 * i]);
    x1 = Math.max(x1, x[2 * i]);
    y0 = Math.min(y0, x[2 * i + 1]);
    y1 = Math.max(y1, x[2 * i + 1]);
  }
  const pad = 8;
  const sx = (v: number) => pad + ((v - x0) / (x1 - x0 || 1)) * (cssWidth - 2 * pad);
  const sy = (v: number) => cssHeight - pad - ((v - y0) / (y1 - y0 || 1)) * (cssHeight - 2 * pad);
  ctx.strokeStyle = options.axis;
  ctx.lineWidth = 1;
  ctx.strokeRect(0.5, 0.5, cssWidth - 1, cssHeight - 1);
  for (let i = 0; i < n; i++) {
    ctx.fillStyle = classColour(labels[i] ?? 0);
    ctx.beginPath();
    ctx.arc(sx(x[2 * i]), sy(x[2 * i + 1]), 2.5, 0, Math.PI * 2);
    ctx.fill();
  }
  if (options.highlight !== undefined && options.highlight < n) {
    const h = options.highlight;
    ctx.strokeStyle = options.axis;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(sx(x[2 * h]), sy(x[2 * h + 1]), 6, 0, Math.PI * 2);
    ctx.stroke();
  }
}
