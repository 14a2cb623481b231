// The drawing pad's ink: a soft round brush, gap-free strokes, MNIST-style centring, which Inputs take a drawing.
import { describe, expect, it } from 'vitest';
import { PAD_SIZE, centreByMass, stamp, stroke, takesDrawing } from '../../../renderer/panels/predict/pad';

const at = (p: Float32Array, row: number, col: number) => p[row * PAD_SIZE + col];

describe('the brush', () => {
  it('inks full strength within 1.2 px of the dab, fading linearly to nothing 1 px further out', () => {
    const p = new Float32Array(PAD_SIZE * PAD_SIZE);
    stamp(p, 14.5, 14.5); // the centre of pixel (14, 14)
    expect(at(p, 14, 14)).toBe(1);
    expect(at(p, 14, 15)).toBe(1); // 1 px away
    const diagonal = at(p, 15, 15); // √2 px away: 1 - (√2 - 1.2) / 1
    expect(diagonal).toBeCloseTo(1 - (Math.SQRT2 - 1.2), 6);
    expect(at(p, 14, 16)).toBeCloseTo(1 - (2 - 1.2), 6); // 2 px away
    expect(at(p, 14, 17)).toBe(0); // 3 px away
    expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('keeps the darkest ink where dabs overlap rather than adding them up', () => {
    const p = new Float32Array(PAD_SIZE * PAD_SIZE);
    stamp(p, 14.5, 14.5);
    stamp(p, 14.5, 14.5);
    expect(at(p, 14, 16)).toBeCloseTo(0.2, 6);
  });

  it('draws a stroke with no gaps: every pixel on a long line gets full ink', () => {
    const p = new Float32Array(PAD_SIZE * PAD_SIZE);
    stroke(p, { x: 4.5, y: 10.5 }, { x: 23.5, y: 10.5 });
    for (let col = 4; col <= 23; col++) expect(at(p, 10, col)).toBe(1);
    expect(at(p, 10, 1)).toBe(0);
  });
});

describe('centreByMass', () => {
  it('moves a drawing so its centre of mass lands at the middle, shape unchanged', () => {
    const p = new Float32Array(PAD_SIZE * PAD_SIZE);
    p[2 * PAD_SIZE + 3] = 1;
    p[2 * PAD_SIZE + 4] = 1;
    const c = centreByMass(p);
    // Mass at (row 2, col 3.5); the middle is 13.5, so it moves by (+11.5 → 12, +10).
    expect(at(c, 14, 13)).toBe(1);
    expect(at(c, 14, 14)).toBe(1);
    expect(c.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('leaves an empty pad empty', () => {
    expect(centreByMass(new Float32Array(PAD_SIZE * PAD_SIZE)).every((v) => v === 0)).toBe(true);
  });
});

describe('takesDrawing', () => {
  it('accepts Inputs of 784 values laid out row-major from a 28×28 picture', () => {
    expect(takesDrawing([28, 28, 1])).toBe(true);
    expect(takesDrawing([28, 28])).toBe(true);
    expect(takesDrawing([784])).toBe(true);
  });
  it('refuses other shapes, unknown sizes and colour images', () => {
    expect(takesDrawing([28, 28, 3])).toBe(false);
    expect(takesDrawing([2])).toBe(false);
    expect(takesDrawing([null, 28, 1])).toBe(false);
    expect(takesDrawing([1, 784])).toBe(false);
    expect(takesDrawing(null)).toBe(false);
  });
});
