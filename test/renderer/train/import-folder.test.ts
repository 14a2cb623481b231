/**
 * "Import image folder…" from the Train tab's side: the size and channels it starts from (the model's Input), and a
 * picked folder going through the real engine handler (the client is a thin stand-in that calls the engine
 * service in-process) into the datasets store, or its problem shown with the file named under the folder.
 */
import pngjs from 'pngjs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { chainDocument } from '../../../engine/graph/build';
import { infer } from '../../../engine/graph/inference';
import { createEngineService } from '../../../engine/host/engine-service';
import type { EngineMessage } from '../../../engine/api/protocol';
import type { HostFolder } from '../../../common/host';

const asked: { type: string; payload: unknown }[] = [];
let picked: HostFolder | null = null;

vi.mock('../../../renderer/services/host-instance', () => ({
  getHost: () => ({ openFolder: async () => picked }),
  getEngineClient: async () => ({
    request: (type: string, payload: unknown) =>
      new Promise((resolve) => {
        asked.push({ type, payload });
        const service = createEngineService((m: EngineMessage) => {
          if (!('ok' in m)) return;
          resolve(
            m.ok
              ? { ok: true, value: (m as { result: unknown }).result }
              : { ok: false, error: (m as { error: unknown }).error },
          );
        });
        service.handle({ id: 'r1', type, payload });
      }),
  }),
}));

const { folderDefaults, pickAndImportFolder, describeOptions } = await import(
  '../../../renderer/panels/train/import-folder'
);
const { useDatasets, importedDataset } = await import('../../../renderer/stores/datasets');
const { useTraining } = await import('../../../renderer/stores/training');

function rgbPng(w: number, h: number, rgb: [number, number, number]): Uint8Array {
  const img = new pngjs.PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) img.data.set([...rgb, 255], 4 * i);
  return new Uint8Array(pngjs.PNG.sync.write(img, { colorType: 2, inputColorType: 6 }));
}

const withInput = (shape: (number | null)[]) => {
  const doc = chainDocument([
    { className: 'InputLayer', config: { shape } },
    { className: 'Flatten', config: {} },
    { className: 'Dense', config: { units: 2 } },
  ]);
  return { doc, inference: infer(doc) };
};

beforeEach(() => {
  asked.length = 0;
  useDatasets.setState({ imported: [], importProblem: null });
});

describe('folderDefaults', () => {
  it('takes (h, w) and channels from an image Input: (28, 28, 1) → 28 × 28 grey, (32, 48, 3) → 32 × 48 RGB', () => {
    const grey = withInput([28, 28, 1]);
    expect(folderDefaults(grey.doc, grey.inference)).toEqual({ size: [28, 28], channels: 1 });
    const rgb = withInput([32, 48, 3]);
    expect(folderDefaults(rgb.doc, rgb.inference)).toEqual({ size: [32, 48], channels: 3 });
    expect(describeOptions({ size: [32, 48], channels: 3 })).toBe('resized to 32 × 48, RGB');
  });

  it("leaves size and channels to the images when the Input isn't an image (a vector, 4 channels, an open size)", () => {
    const vector = withInput([784]);
    expect(folderDefaults(vector.doc, vector.inference)).toEqual({});
    const four = withInput([16, 16, 4]);
    expect(folderDefaults(four.doc, four.inference)).toEqual({ size: [16, 16] });
    const open = withInput([null, null, 3]);
    expect(folderDefaults(open.doc, open.inference)).toEqual({ channels: 3 });
    expect(describeOptions({})).toBe("resized to the first image's size, grey or RGB as the images are");
  });
});

describe('pickAndImportFolder', () => {
  it('reads the picked folder at the given size into the Imported list, chosen for the next run, with its files kept', async () => {
    picked = {
      name: 'colours',
      files: [
        { path: 'red/1.png', data: rgbPng(6, 4, [255, 0, 0]) },
        { path: 'red/2.png', data: rgbPng(3, 3, [250, 0, 0]) },
        { path: 'blue/1.png', data: rgbPng(5, 5, [0, 0, 255]) },
      ],
    };
    const id = await pickAndImportFolder({ size: [2, 2], channels: 3 });
    expect(asked.map((a) => a.type)).toEqual(['dataset-import-folder']);
    expect(asked[0].payload).toMatchObject({ name: 'colours', size: [2, 2], channels: 3 });
    expect(useDatasets.getState().importProblem).toBeNull();
    const entry = importedDataset(id!)!;
    expect(entry.fileName).toBe('colours/');
    expect(entry.dataset).toMatchObject({ count: 3, sampleShape: [2, 2, 3], classNames: ['blue', 'red'] });
    expect(entry.folder).toMatchObject({ name: 'colours', size: [2, 2], channels: 3 });
    expect(entry.folder!.files).toHaveLength(3);
    expect(useTraining.getState().config.datasetId).toBe(id);
    // A blue sample is pure blue after resizing: (0, 0, 1) in every pixel.
    const blue = Array.from(entry.dataset.y).indexOf(0);
    expect(Array.from(entry.dataset.x.subarray(blue * 12, blue * 12 + 12))).toEqual([
      0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1,
    ]);
  });

  it('says what it imported and what it skipped, so no file is left out silently', async () => {
    const { useUi } = await import('../../../renderer/stores/ui');
    picked = {
      name: 'colours',
      files: [
        { path: 'red/1.png', data: rgbPng(2, 2, [255, 0, 0]) },
        { path: 'blue/1.png', data: rgbPng(2, 2, [0, 0, 255]) },
        { path: 'blue/notes.txt', data: new TextEncoder().encode('taken in daylight') },
      ],
    };
    expect(await pickAndImportFolder({})).not.toBeNull();
    expect(useUi.getState().notice?.text).toBe(
      'Imported colours/: 2 samples, 2 classes; 1 warning: skipped blue/notes.txt: not a PNG or JPEG image',
    );
    picked = { name: 'colours', files: picked.files.slice(0, 2) };
    await pickAndImportFolder({});
    expect(useUi.getState().notice?.text).toBe('Imported colours/: 2 samples, 2 classes');
  });

  it('shows an undecodable file under the select, named inside its folder', async () => {
    picked = {
      name: 'colours',
      files: [
        { path: 'red/1.png', data: rgbPng(2, 2, [255, 0, 0]) },
        { path: 'blue/bad.png', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]) },
      ],
    };
    expect(await pickAndImportFolder({})).toBeNull();
    expect(useDatasets.getState().importProblem?.message).toMatch(/^colours\/blue\/bad\.png: can't decode the image/);
    expect(useDatasets.getState().imported).toEqual([]);
  });

  it("shows the host's refusal without asking the engine", async () => {
    picked = {
      name: 'huge',
      files: [],
      refused: {
        message: 'huge holds 30,000 images; LayerCanvas imports at most 20,000 from a folder',
        hint: 'Pick a folder with fewer images.',
      },
    };
    expect(await pickAndImportFolder({})).toBeNull();
    expect(asked).toEqual([]);
    expect(useDatasets.getState().importProblem).toEqual({
      message: 'huge holds 30,000 images; LayerCanvas imports at most 20,000 from a folder',
      hint: 'Pick a folder with fewer images.',
    });
  });

  it('does nothing when the user cancels the dialog', async () => {
    picked = null;
    expect(await pickAndImportFolder({})).toBeNull();
    expect(asked).toEqual([]);
    expect(useDatasets.getState().importProblem).toBeNull();
  });
});
