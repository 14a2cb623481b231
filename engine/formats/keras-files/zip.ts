/**
 * The few members of a zip that a reader asks for, through fflate, with limits checked before anything inflates:
 * a member whose stated size passes its limit is refused, and inflating writes into a buffer of the stated size,
 * so a member that lies about its size can't grow past it (a zip bomb stops at the limit).
 */
import { unzipSync, zipSync } from 'fflate';

export type ZipRead =
  | { ok: true; members: Map<string, Uint8Array>; names: string[] }
  | { ok: false; message: string; hint?: string };

/** Reads the named members (and lists every name); `limits` caps each wanted member's unpacked bytes. */
export function readZipMembers(bytes: Uint8Array, limits: Record<string, number>, maxMembers = 10_000): ZipRead {
  const names: string[] = [];
  let tooBig: { name: string; size: number; limit: number } | undefined;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        names.push(file.name);
        if (names.length > maxMembers) throw new RangeError(`more than ${maxMembers} members`);
        const limit = limits[file.name];
        if (limit === undefined) return false;
        if (file.originalSize > limit) {
          tooBig ??= { name: file.name, size: file.originalSize, limit };
          return false;
        }
        return true;
      },
    });
  } catch (e) {
    const why = e instanceof RangeError ? e.message : (e as Error).message || String(e);
    return {
      ok: false,
      message: `the zip is damaged or truncated (${why})`,
      hint: 'save the model again, or copy the whole file',
    };
  }
  if (tooBig)
    return {
      ok: false,
      message: `${tooBig.name} unpacks to ${megabytes(tooBig.size)}, more than the ${megabytes(tooBig.limit)} LayerCanvas reads`,
      hint: 'this is not a model LayerCanvas can hold (or the zip is forged)',
    };
  return { ok: true, members: new Map(Object.entries(files)), names };
}

const megabytes = (n: number) =>
  n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;

/** A zip of the given members, stored uncompressed, as Keras writes a `.keras` file. */
export function writeZip(members: [string, Uint8Array][]): Uint8Array {
  // A fixed date for the members: the zip adds no clock of its own.
  const mtime = new Date(Date.UTC(2025, 0, 1));
  return zipSync(Object.fromEntries(members.map(([name, data]) => [name, [data, { level: 0, mtime }]])));
}
