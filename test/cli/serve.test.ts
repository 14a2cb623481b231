import { describe, expect, it } from 'vitest';
import { cacheControl } from '../../cli/serve';

describe('the browser host\'s caching', () => {
  it('lets the browser keep content-hashed chunks for good, and checks everything else each time', () => {
    for (const path of ['/assets/index-BpdGHMHx.js', '/assets/css.worker-DA-Gmr7e.js', '/assets/index-no9cINFK.css', '/assets/codicon-DF1abBS2.ttf', '/assets/formats-DZmu5WR_.js'])
      expect(cacheControl(path), path).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/index.html', '/favicon.ico', '/assets/', '/assets/logo.svg', '/other/index-BpdGHMHx.js', '/assets/sub/index-BpdGHMHx.js'])
      expect(cacheControl(path), path).toBe('no-cache');
  });
});
