import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/**/*.test.ts'],
          // Host integration tests start real mediasoup workers; 2 cores do not like many at once.
          fileParallelism: false,
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
