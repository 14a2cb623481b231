import { describe, expect, it } from 'vitest';
import { Arena } from '../../../../engine/kernels/fast/arena';

const arena = () => new Arena(new WebAssembly.Memory({ initial: 2, maximum: 512, shared: true }));

describe('Arena pinning', () => {
  it('a pinned block keeps its contents through calls and step scopes, which start above it', () => {
    const a = arena();
    const pin = a.pin(1000);
    a.f32().fill(7, pin >> 2, (pin >> 2) + 1000);
    a.scope(() => {
      a.reset();
      const out = a.output(5000);
      expect(out).toBeGreaterThanOrEqual(pin + 4000);
      a.f32().fill(-1, out >> 2, (out >> 2) + 5000);
    });
    a.reset();
    const scratch = a.alloc(5000);
    expect(scratch).toBeGreaterThanOrEqual(pin + 4000);
    a.f32().fill(-1, scratch >> 2, (scratch >> 2) + 5000);
    expect(Array.from(a.f32().subarray(pin >> 2, (pin >> 2) + 1000)).every((x) => x === 7)).toBe(true);
  });

  it('pins nothing inside a scope: its results sit where a block would go', () => {
    const a = arena();
    a.scope(() => expect(a.pin(10)).toBe(-1));
    expect(a.pin(10)).toBeGreaterThan(0);
  });

  it('an unpinned block is reused by a later pin, and the top block gives its space back to the calls', () => {
    const a = arena();
    const first = a.pin(1000),
      second = a.pin(1000);
    a.unpin(first);
    expect(a.pin(500)).toBe(first);
    expect(a.pinnedBytes).toBe(Math.ceil(2000 / 64) * 64 + 4032);
    a.unpin(second);
    a.reset();
    // Calls now start right after the one live block.
    expect(a.alloc(10)).toBeLessThan(second);
  });

  it('a pin the memory cannot hold throws the memory-limit error and leaves the arena as it was', () => {
    const a = arena();
    const before = a.alloc(1);
    expect(() => a.pin(64 * 2 ** 20)).toThrow(/MiB of wasm memory/);
    a.reset();
    expect(a.alloc(1)).toBe(before);
    expect(a.pinnedBytes).toBe(0);
  });
});

describe('Arena views', () => {
  it('follow every grow: an operand copied in past the first pages reads back through the views and the memory itself', () => {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 512, shared: true });
    const a = new Arena(memory);
    const before = a.f32();
    // 1M floats: the memory grows from 2 pages to over 60.
    const data = Float32Array.from({ length: 1 << 20 }, (_, i) => i % 1000);
    const at = a.copyIn(data);
    expect(memory.buffer.byteLength).toBeGreaterThan(at + data.length * 4);
    expect(a.f32()).not.toBe(before);
    expect(a.f32().length * 4).toBe(memory.buffer.byteLength);
    const seen = new Float32Array(memory.buffer, at, data.length);
    expect(seen[data.length - 1]).toBe(data[data.length - 1]);
    expect(Array.from(a.copyOut(at, data.length).subarray(-3))).toEqual(Array.from(data.subarray(-3)));
    a.setInt32(at, 12345);
    expect(new Int32Array(memory.buffer, at, 1)[0]).toBe(12345);
    // A view the arena handed out after the grow is its own memory: copying it in again is free.
    a.scope(() => {
      a.reset();
      const out = a.output(4);
      const view = a.result(out, 4);
      expect(a.locate(view)).toBe(out);
    });
  });
});
