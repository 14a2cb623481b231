import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readKerasJson } from '../../../engine/formats/keras-json';
import { getTemplate } from '../../../engine/graph/templates';
import { DEFAULT_NODE_SIZE, layoutPositions } from '../../../renderer/canvas/layout';

describe('auto-layout (ELK layered, top to bottom)', () => {
  it('puts every layer below the layers feeding it, with no two layers overlapping', async () => {
    const doc = getTemplate('residual-block')!.build();
    const pos = await layoutPositions(doc);
    expect(pos.size).toBe(doc.nodes.length);
    for (const e of doc.edges)
      expect(pos.get(e.target)!.y, `${e.source} → ${e.target}`).toBeGreaterThan(pos.get(e.source)!.y);
    const boxes = doc.nodes.map((n) => ({
      ...pos.get(n.id)!,
      h: n.className === 'Add' ? DEFAULT_NODE_SIZE.height + 32 : DEFAULT_NODE_SIZE.height,
    }));
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const overlap =
          Math.abs(a.x - b.x) < DEFAULT_NODE_SIZE.width && (a.y < b.y ? b.y < a.y + a.h : a.y < b.y + b.h);
        expect(overlap, `${doc.nodes[i].className} and ${doc.nodes[j].className}`).toBe(false);
      }
  });

  it('uses the measured sizes it is given', async () => {
    const doc = getTemplate('article-mlp')!.build();
    const tall = new Map(doc.nodes.map((n) => [n.id, { width: 200, height: 300 }]));
    const pos = await layoutPositions(doc, tall);
    const ys = doc.nodes.map((n) => pos.get(n.id)!.y);
    for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(300);
  });

  it('keeps a big model narrow: NASNetMobile (771 layers, Keras 3 to_json) under 4,000 px wide, every layer below its inputs', async () => {
    const json = gunzipSync(
      readFileSync(join(import.meta.dirname, '../../fixtures/applications/NASNetMobile.json.gz')),
    );
    const read = readKerasJson(json.toString('utf8'));
    if (!read.ok) throw new Error(read.errors[0]?.message);
    const doc = read.document;
    const pos = await layoutPositions(doc);
    expect(pos.size).toBe(doc.nodes.length);
    const xs = [...pos.values()].map((p) => p.x);
    // Brandes-Köpf placement spread it over 9,910 px, a fitted view of unreadable blocks.
    expect(Math.max(...xs) + DEFAULT_NODE_SIZE.width - Math.min(...xs)).toBeLessThan(4000);
    for (const e of doc.edges)
      if (e.source !== e.target) expect(pos.get(e.target)!.y).toBeGreaterThan(pos.get(e.source)!.y);
  }, 60_000);
});
