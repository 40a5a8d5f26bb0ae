import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/**/*.test.ts', 'bench/**/*.test.ts'],
          // Host integration tests start real mediasoup workers and mostly wait (timers, sockets,
          // media): two files at a time took this project from ~450 s to 296 s on 2 cores, all
          // passing; more at once would starve the workers the tests time.
          maxWorkers: 2,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/src/**/*.test.{ts,tsx}'],
          // userEvent typing in jsdom takes seconds when two cores are also running workers and Chromium.
          testTimeout: 15_000,
        },
      },
    ],
  },
});
