/**
 * `layercanvas serve` (and so `npm start`) says what it really opened: a window only when the browser is still up,
 * never when it exited at once or there is no display to show one on.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openInBrowser } from '../../cli/serve';

const URL_ = 'http://127.0.0.1:5917/';
let dir: string;

/** A stand-in program on a PATH of its own: it records its arguments, then runs `then` (shell). */
function program(name: string, then: string) {
  writeFileSync(join(dir, name), `#!/bin/sh\nprintf '%s\\n' "$@" > ${join(dir, `${name}.args`)}\n${then}\n`);
  chmodSync(join(dir, name), 0o755);
}
const env = (extra: Record<string, string> = {}) => ({ PATH: dir, DISPLAY: ':7', ...extra });
const options = (extra: Record<string, string> = {}) => ({
  env: env(extra),
  platform: 'linux' as const,
  settleMs: 1500,
  profile: join(dir, 'profile'),
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'layercanvas-open-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('opening the editor in a browser', () => {
  it('says it opened a Chromium app window only while Chromium is still running', async () => {
    program('chromium', 'exec /bin/sleep 5');
    const line = await openInBrowser(URL_, options());
    expect(line).toBe(`Opened LayerCanvas in a Chromium app window (${join(dir, 'chromium')}).`);
    const args = readFileSync(join(dir, 'chromium.args'), 'utf8').trim().split('\n');
    expect(args).toContain(`--app=${URL_}`);
    expect(args).toContain(`--user-data-dir=${join(dir, 'profile')}`);
  });

  it('says Chromium exited at once, with its exit code, and where to go instead', async () => {
    program('chromium', 'echo "Missing X server or $DISPLAY" >&2; exit 1');
    const line = await openInBrowser(URL_, options());
    expect(line).toBe(
      `Chromium (${join(dir, 'chromium')}) exited at once (exit code 1) without opening a window: ` +
        `open ${URL_} in a browser yourself.`,
    );
  });

  it('counts a hand-over to a Chromium already running (exit 0) as opened there', async () => {
    program('chromium', 'exit 0');
    expect(await openInBrowser(URL_, options())).toBe(
      `Opened LayerCanvas in the Chromium already running (${join(dir, 'chromium')}).`,
    );
  });

  it('starts no browser on Linux without a display, and says so', async () => {
    program('chromium', 'exec /bin/sleep 5');
    const line = await openInBrowser(URL_, { ...options(), env: { PATH: dir } });
    expect(line).toBe(
      `No display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset): open ${URL_} in a browser yourself.`,
    );
    expect(existsSync(join(dir, 'chromium.args'))).toBe(false);
  });

  it('falls back to the default browser, and reports its failure', async () => {
    program('xdg-open', 'exit 4');
    expect(await openInBrowser(URL_, options())).toBe(
      `${join(dir, 'xdg-open')} failed (exit code 4): open ${URL_} in a browser yourself.`,
    );
    program('xdg-open', 'exit 0');
    expect(await openInBrowser(URL_, options())).toBe(
      `Asked your default browser to open LayerCanvas (${join(dir, 'xdg-open')}).`,
    );
  });

  it('says when there is no browser at all', async () => {
    expect(await openInBrowser(URL_, options())).toBe(`No browser found to open: open ${URL_} in a browser yourself.`);
  });
});
