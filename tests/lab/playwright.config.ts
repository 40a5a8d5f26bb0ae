import { defineConfig } from '@playwright/test';

/**
 * The network lab suite (issue 11): real host and Chromium participants in network namespaces.
 * Needs root on Linux with iproute2 and nftables; elsewhere every test is reported as skipped with
 * the reason. Needs the built web app (`npm run test:lab` builds it).
 */
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  timeout: 150_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../../test-results/lab',
});
