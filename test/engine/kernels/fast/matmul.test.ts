// How MatMul splits C into blocks for the threads (fast/matmul.ts gemmBlocks): enough blocks for every thread of a
// 16-core desktop, whole MC-row blocks first, then columns in multiples of NR, then rows in MR-row panels. The bits
// each split gives are checked in threaded-kernels.test.ts (3 threads) and sixteen-threads.test.ts (16).
import { describe, expect, it } from 'vitest';
import { gemmBlocks } from '../../../../engine/kernels/fast/matmul';

describe('MatMul blocks scale with the thread count', () => {
  it('1024³ on 16 threads: 16 row blocks × 4 column blocks (4 per thread); on 1 thread one column block', () => {
    expect(gemmBlocks(1024, 1024, 16, 64, 8, 4)).toEqual({ mcStep: 64, ncStep: 256 });
    expect(gemmBlocks(1024, 1024, 2, 64, 8, 4)).toEqual({ mcStep: 64, ncStep: 1024 });
    expect(gemmBlocks(1024, 1024, 1, 64, 8, 4)).toEqual({ mcStep: 64, ncStep: 1024 });
    // Batch 64 through a wide Dense layer: one row block, the columns split in multiples of 8.
    expect(gemmBlocks(64, 4100, 16, 64, 8, 4)).toEqual({ mcStep: 64, ncStep: 72 });
    expect(gemmBlocks(64, 1000, 4, 64, 8, 4)).toEqual({ mcStep: 64, ncStep: 64 });
  });

  it("batch 64 into 10 units (the article CNN's last Dense): too few columns to split, so the rows split into MR-row panels, one per thread on 16", () => {
    expect(gemmBlocks(64, 10, 16, 64, 8, 4)).toEqual({ mcStep: 4, ncStep: 16 });
    expect(gemmBlocks(64, 10, 2, 64, 8, 4)).toEqual({ mcStep: 8, ncStep: 16 });
    expect(gemmBlocks(64, 10, 1, 64, 8, 4)).toEqual({ mcStep: 64, ncStep: 10 });
    // Rows that aren't a multiple of MR: blocks stay whole panels, and never go below one.
    expect(gemmBlocks(30, 10, 4, 64, 8, 4)).toEqual({ mcStep: 4, ncStep: 16 });
    expect(gemmBlocks(3, 10, 16, 64, 8, 4)).toEqual({ mcStep: 4, ncStep: 16 });
  });
});
