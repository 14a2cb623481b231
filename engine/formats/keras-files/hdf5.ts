/**
 * HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly), reduced to what Keras's files need: a tree of
 * groups with attributes and float datasets. The file is copied into h5wasm's in-memory file system, read whole
 * into plain objects and closed, so nothing outside this file touches h5wasm's handles. h5wasm is loaded on first
 * use (it is 4 MB of WebAssembly): `loadHdf5()` must resolve before `readHdf5`/`writeHdf5` run.
 */
import type * as H5 from 'h5wasm';

export interface H5Dataset {
  kind: 'dataset';
  shape: number[];
  /** `float32`, `float64`, `int32`…, or the h5wasm dtype string for anything else. */
  dtype: string;
  /** The values as float32, read only when the caller asks (after checking the shape). */
  read(): Float32Array;
}

export interface H5Group {
  kind: 'group';
  attrs: Record<string, unknown>;
  children: Map<string, H5Group | H5Dataset>;
}

/** An HDF5 file being written: groups by path, datasets, and attributes on groups. */
export interface H5Writable {
  group(path: string, attrs?: Record<string, string | string[]>): void;
  dataset(path: string, shape: readonly number[], data: Float32Array): void;
}

let module: typeof H5 | undefined;
let loading: Promise<typeof H5> | undefined;

/** Loads h5wasm once; later calls return at once. */
export async function loadHdf5(): Promise<void> {
  loading ??= import('h5wasm').then(async (m) => {
    const lib = await m.ready;
    // HDF5 errors become exceptions carrying the message, instead of diagnostics printed to stderr.
    lib.activate_throwing_error_handler();
    module = m;
    return m;
  });
  await loading;
}

function h5(): typeof H5 {
  if (!module) throw new Error('h5wasm is not loaded: await loadHdf5() first');
  return module;
}

let fileCounter = 0;
const tempName = () => `/lc-${Date.now().toString(36)}-${(fileCounter += 1)}.h5`;

const DTYPES: Record<string, string> = {
  '<f': 'float32',
  '<d': 'float64',
  '<i': 'int32',
  '<q': 'int64',
  '<h': 'int16',
  '<b': 'int8',
  '<B': 'uint8',
};

function attrsOf(obj: H5.Group | H5.Dataset): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, attr] of Object.entries(obj.attrs)) {
    try {
      const v = attr.json_value;
      out[name] = v;
    } catch {
      // An attribute of a type h5wasm can't decode is not one Keras writes: leave it out.
    }
  }
  return out;
}

/**
 * Opens the bytes as an HDF5 file, hands `use` its tree, and closes the file when `use` returns: datasets read
 * only inside `use`. Throws on bytes that are not a readable HDF5 file (the caller words the message).
 */
export function withHdf5<T>(bytes: Uint8Array, use: (root: H5Group) => T, maxObjects = 100_000): T {
  const lib = h5();
  const FS = lib.FS!;
  const name = tempName();
  FS.writeFile(name, bytes);
  let file: H5.File | undefined;
  try {
    file = new lib.File(name, 'r');
    let count = 0;
    const walk = (group: H5.Group): H5Group => {
      const children = new Map<string, H5Group | H5Dataset>();
      for (const key of group.keys()) {
        count += 1;
        if (count > maxObjects) throw new Error(`the file holds more than ${maxObjects} groups and datasets`);
        const child = group.get(key);
        if (child instanceof lib.Group) children.set(key, walk(child));
        else if (child instanceof lib.Dataset) children.set(key, datasetOf(child));
      }
      return { kind: 'group', attrs: attrsOf(group), children };
    };
    return use(walk(file));
  } finally {
    try {
      file?.close();
    } finally {
      FS.unlink(name);
    }
  }
}

function datasetOf(dataset: H5.Dataset): H5Dataset {
  const raw = dataset.dtype;
  const dtype = typeof raw === 'string' ? (DTYPES[raw] ?? raw) : JSON.stringify(raw);
  // Float64 and integers convert to float32, the engine's one dtype.
  return {
    kind: 'dataset',
    shape: dataset.shape ?? [],
    dtype,
    read: () => {
      const v = dataset.value;
      return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
    },
  };
}

/** Writes a new HDF5 file with what `build` puts in it, and returns its bytes. */
export function writeHdf5(build: (out: H5Writable) => void, rootAttrs: Record<string, string> = {}): Uint8Array {
  const lib = h5();
  const FS = lib.FS!;
  const name = tempName();
  const file = new lib.File(name, 'w');
  try {
    for (const [k, v] of Object.entries(rootAttrs)) file.create_attribute(k, v);
    const groupAt = (path: string): H5.Group => {
      let g: H5.Group = file;
      for (const part of path.split('/').filter(Boolean)) {
        const next = g.keys().includes(part) ? g.get(part) : g.create_group(part);
        if (!(next instanceof lib.Group)) throw new Error(`${path}: ${part} is not a group`);
        g = next;
      }
      return g;
    };
    build({
      group(path, attrs = {}) {
        const g = groupAt(path);
        for (const [k, v] of Object.entries(attrs)) g.create_attribute(k, v);
      },
      dataset(path, shape, data) {
        const parts = path.split('/');
        const leaf = parts.pop()!;
        groupAt(parts.join('/')).create_dataset({ name: leaf, data, shape: [...shape], dtype: '<f' });
      },
    });
    file.flush();
    file.close();
    return FS.readFile(name);
  } finally {
    FS.unlink(name);
  }
}
