/** Numbers as Keras prints them. */

/** `10466` → `10,466`. */
export const thousands = (n: number): string => n.toLocaleString('en-US');

/** Keras's `readable_memory_size` of a byte count: `41864` → `40.88 KB`. */
export function readableBytes(bytes: number): string {
  let size = bytes;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (size >= 1024 && i < units.length - 1) {
    size /= 1024;
    i++;
  }
  return `${size.toFixed(2)} ${units[i]}`;
}
