/**
 * The file types the desktop app registers with the OS: one list for the installers (electron-builder.ts turns it
 * into Windows associations, macOS document types and Linux MIME types) and for main, which takes these files from
 * the command line, a second launch or macOS's open-file. No electron or node imports.
 */

export interface FileType {
  /** The extension without its first dot; may have several parts (`layercanvas.json`). */
  ext: string;
  /** What the OS calls the type (Explorer's Type column, Finder's Kind). */
  name: string;
  /** freedesktop.org MIME type (Linux); the shared-mime-info one where it exists. */
  mimeType: string;
  /** Icon base name in assets/ (file-<type>.ico / .icns, made by scripts/build-icons.mjs). */
  icon: string;
  /** macOS: Editor where LayerCanvas writes the type back, Viewer where it only reads it. */
  role: 'Editor' | 'Viewer';
  /** macOS LSHandlerRank: Owner for our own format, Alternate for formats other programs own. */
  rank: 'Owner' | 'Alternate';
  /**
   * The switch: whether LayerCanvas opens this type today. Only types that open are associated and taken from
   * the command line; the others wait for their reader, so the OS never offers LayerCanvas for a file it refuses.
   */
  opens: boolean;
}

export const FILE_TYPES: readonly FileType[] = [
  {
    ext: 'layercanvas.json',
    name: 'LayerCanvas project',
    mimeType: 'application/x-layercanvas+json',
    icon: 'file-project',
    role: 'Editor',
    rank: 'Owner',
    opens: true,
  },
  // Keras's own files, read with their weights (engine/formats/keras-file.ts and keras-h5.ts).
  {
    ext: 'keras',
    name: 'Keras model',
    mimeType: 'application/x-keras',
    icon: 'file-keras',
    role: 'Viewer',
    rank: 'Alternate',
    opens: true,
  },
  {
    ext: 'h5',
    name: 'Keras HDF5 model',
    mimeType: 'application/x-hdf5',
    icon: 'file-h5',
    role: 'Viewer',
    rank: 'Alternate',
    opens: true,
  },
];

/** The types the installers associate with LayerCanvas. */
export function associatedFileTypes(types: readonly FileType[] = FILE_TYPES): FileType[] {
  return types.filter((type) => type.opens);
}

/** Whether a path names a type LayerCanvas is associated with (case-insensitive). */
export function isAssociatedFile(path: string, types: readonly FileType[] = FILE_TYPES): boolean {
  const lower = path.toLowerCase();
  return associatedFileTypes(types).some((type) => lower.endsWith(`.${type.ext}`));
}
