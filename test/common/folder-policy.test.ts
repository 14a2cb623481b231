// A folder picked in the browser (<input webkitdirectory>) as the HostFolder the engine reads, and the caps the
// hosts apply, with File stand-ins that record whether they were read.
import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../engine/api/wire';
import { BROWSER_FOLDER_LIMITS, folderFromPicked, folderRefusal, type PickedFile } from '../../common/folder-policy';
import { MAX_MESSAGE_BYTES } from '../../cli/serve';

function picked(webkitRelativePath: string, bytes: number[] | number = [1, 2, 3]): PickedFile & { reads: number } {
  const data = typeof bytes === 'number' ? new Uint8Array(bytes) : Uint8Array.from(bytes);
  const file = {
    name: webkitRelativePath.split('/').pop()!,
    size: data.byteLength,
    webkitRelativePath,
    reads: 0,
    async arrayBuffer() {
      file.reads += 1;
      return data.slice().buffer;
    },
  };
  return file;
}

describe('folderFromPicked', () => {
  it("drops the picked folder's own name from every path and keeps its name, images only, at most <class>/<image>", async () => {
    const files = [
      picked('pets/cat/001.png', [9, 8]),
      picked('pets/dog/001.JPEG'),
      picked('pets/dog/notes.txt'),
      picked('pets/.DS_Store'),
      picked('pets/cat/kittens/deep.png'),
      picked('pets/loose.jpg'),
    ];
    const folder = await folderFromPicked(files);
    expect(folder?.name).toBe('pets');
    expect(folder?.refused).toBeUndefined();
    expect(folder?.files.map((f) => f.path)).toEqual(['cat/001.png', 'dog/001.JPEG', 'loose.jpg']);
    expect(Array.from(folder!.files[0].data)).toEqual([9, 8]);
    // Files left out are never read.
    expect(files.map((f) => f.reads)).toEqual([1, 1, 0, 0, 0, 1]);
  });

  it('is null for an empty pick (the user cancelled)', async () => {
    expect(await folderFromPicked([])).toBeNull();
  });

  it('refuses a folder over the caps without reading a single file', async () => {
    const files = [picked('big/a/1.png', 700), picked('big/b/2.png', 700)];
    const folder = await folderFromPicked(files, { maxFiles: 10, maxBytes: 1000 });
    expect(folder).toEqual({
      name: 'big',
      files: [],
      refused: {
        message: "big's images take 1.4 KB; LayerCanvas imports at most 1.0 KB from a folder",
        hint: expect.stringMatching(/fewer or smaller/),
      },
    });
    expect(files.map((f) => f.reads)).toEqual([0, 0]);
    const many = await folderFromPicked([picked('m/a/1.png'), picked('m/a/2.png'), picked('m/b/3.png')], {
      maxFiles: 2,
      maxBytes: 1e9,
    });
    expect(many?.refused?.message).toBe('m holds 3 images; LayerCanvas imports at most 2 from a folder');
  });
});

describe('folder caps and the browser transport', () => {
  it('lets a realistic folder (2,000 small PNGs, ~5 MB) through, and it survives the JSON wire codec byte for byte', () => {
    const files = Array.from({ length: 2000 }, (_, i) => ({
      path: `c${i % 3}/${i}.png`,
      data: Uint8Array.from({ length: 2500 }, (_, k) => (i * 31 + k) & 255),
    }));
    const bytes = files.reduce((s, f) => s + f.data.byteLength, 0);
    expect(folderRefusal('digits', files.length, bytes, BROWSER_FOLDER_LIMITS)).toBeNull();
    const text = encodeWire({ id: 'r1', type: 'dataset-import-folder', payload: { name: 'digits', files } });
    // Base64 is 4/3 of the bytes: ~6.7 MB, far under the server's WebSocket limit (cli/serve.ts).
    expect(text.length).toBeLessThan(bytes * 1.4);
    const back = decodeWire(text) as { payload: { files: { path: string; data: Uint8Array }[] } };
    expect(back.payload.files[1999].path).toBe('c1/1999.png');
    expect(Array.from(back.payload.files[1999].data)).toEqual(Array.from(files[1999].data));
  });

  it("keeps the browser's byte cap, as base64, under the server's message limit", () => {
    expect((BROWSER_FOLDER_LIMITS.maxBytes * 4) / 3).toBeLessThan(MAX_MESSAGE_BYTES);
  });
});
