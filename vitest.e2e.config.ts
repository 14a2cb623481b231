import { defineConfig } from 'vitest/config';

// End-to-end tests drive a real Chromium (and Electron where installed): one file at a time, long timeouts.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    maxWorkers: 1,
  },
});
