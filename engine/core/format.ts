/** Numbers as Keras prints them. */

// One formatter for every call: toLocaleString builds a new one each time (16 µs), which a 429-row summary
// redrawn on every frame of a drag spent 2.3 s on.
const enUS = new Intl.NumberFormat('en-US');

/** `10466` → `10,466`. */
export const thousands = (n: number): string => enUS.format(n);

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
