/** The app:// scheme: which file under dist/renderer a request names. Node only, no electron imports. */
import { realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from '../common/channels';

/** The file for an app://layercanvas/... URL, or null when the URL is foreign, escapes root, or names no file. */
export function resolveAppRequest(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const base = resolve(root);
  const full = resolve(base, path === '/' ? 'index.html' : path.replace(/^\/+/, ''));
  if (!full.startsWith(base + sep)) return null;
  try {
    // A symlink inside the build must not lead outside it either.
    const real = realpathSync(full);
    if (!real.startsWith(realpathSync(base) + sep)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}
