import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzip, MAX_INFLATED_BYTES, maybeGunzip } from '../../../../engine/data/importers/gzip';

describe('un-gzip with a byte cap (issue 11, item 2)', () => {
  it('inflates a gzip file and passes other bytes through', async () => {
    const text = 'x,y\n1,2\n'.repeat(1000);
    const r = await maybeGunzip(gzipSync(text), 'a.csv.gz');
    expect(r.ok && new TextDecoder().decode(r.value)).toBe(text);
    const plain = new Uint8Array([1, 2, 3]);
    expect(await maybeGunzip(plain)).toEqual({ ok: true, value: plain });
  });

  it('stops a decompression bomb at the cap instead of inflating it all', async () => {
    // 64 MB of zeros gzip to about 64 KB; with an 8 MB cap the stream is cancelled after about 8 MB.
    const bomb = gzipSync(new Uint8Array(64 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(100_000);
    const r = await gunzip(bomb, 'bomb.csv.gz', 8 * 1024 * 1024);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toMatchObject({
      message: expect.stringMatching(/^the file inflates to more than 8\.00 MB \(from 6\d\.\d\d KB gzip'd\)$/),
      file: 'bomb.csv.gz',
    });
    expect(MAX_INFLATED_BYTES).toBe(512 * 1024 * 1024);
  });

  it('says a cut-short gzip file is damaged', async () => {
    const whole = gzipSync('a,b\n'.repeat(1000));
    const r = await gunzip(whole.subarray(0, whole.byteLength - 10), 'cut.gz');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0].message).toMatch(/^can't un-gzip the file/);
  });
});
