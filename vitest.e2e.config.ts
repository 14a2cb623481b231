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
    // A cold machine (CI's first run) loads lazily split chunks slowly: let polled UI states take their time.
    // One retry: these drive a real Chromium and engine processes on shared, noisy machines, where one slow frame
    // can miss a poll. A real regression fails both tries.
    retry: 1,
    expect: { poll: { timeout: 10_000, interval: 50 } },
  },
});
