/** A 28×28 pad to draw a digit on with the mouse, pen or finger: white ink on black, as MNIST's digits are. */
import { useEffect, useRef } from 'react';
import { PAD_SIZE, stamp, stroke } from './pad';

const SHOWN = 168;

/** `initial`: the ink to start from (the drawing kept while the user was on another tab). */
export function DrawPad({
  initial,
  onDrawn,
}: {
  initial: Float32Array | null;
  onDrawn(pixels: Float32Array | null): void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const pixels = useRef(initial ? initial.slice() : new Float32Array(PAD_SIZE * PAD_SIZE));
  const last = useRef<{ x: number; y: number } | null>(null);

  const paint = () => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const image = ctx.createImageData(PAD_SIZE, PAD_SIZE);
    pixels.current.forEach((v, i) => {
      const g = Math.round(v * 255);
      image.data.set([g, g, g, 255], i * 4);
    });
    ctx.putImageData(image, 0, 0);
  };
  useEffect(paint, []);

  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return {
      x: ((e.clientX - rect.left) / rect.width) * PAD_SIZE,
      y: ((e.clientY - rect.top) / rect.height) * PAD_SIZE,
    };
  };

  return (
    <div className="predict-pad">
      <canvas
        ref={canvas}
        width={PAD_SIZE}
        height={PAD_SIZE}
        className="pixelated predict-pad-canvas"
        data-testid="predict-pad"
        style={{ width: SHOWN, height: SHOWN }}
        aria-label="Drawing pad: draw a digit"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          last.current = at(e);
          stamp(pixels.current, last.current.x, last.current.y);
          paint();
        }}
        onPointerMove={(e) => {
          if (!last.current) return;
          const next = at(e);
          stroke(pixels.current, last.current, next);
          last.current = next;
          paint();
        }}
        onPointerUp={() => {
          if (!last.current) return;
          last.current = null;
          onDrawn(pixels.current.slice());
        }}
        onPointerCancel={() => {
          last.current = null;
        }}
      />
      <div className="predict-pad-row">
        <button
          type="button"
          data-testid="predict-clear"
          onClick={() => {
            pixels.current.fill(0);
            paint();
            onDrawn(null);
          }}
        >
          Clear
        </button>
        <span className="predict-muted">Centred by mass, like MNIST, before predicting.</span>
      </div>
    </div>
  );
}
