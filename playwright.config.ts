import { defineConfig } from '@playwright/test';
import { ensureChromium } from './e2e/chromium';
import { E2E_HTTP_PORT, E2E_RTC_PORT } from './e2e/env';

/** The host under test: real mediasoup, real socket.io, on loopback only. */
export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${E2E_HTTP_PORT}`,
    trace: 'retain-on-failure',
    launchOptions: {
      // Before anything starts: installs Chromium (as root on Debian) or exits with one line saying what to install.
      executablePath: ensureChromium(),
      args: [
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        '--autoplay-policy=no-user-gesture-required',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--disable-gpu',
      ],
    },
  },
  webServer: {
    command: 'tsx electron/host/cli.ts',
    url: `http://127.0.0.1:${E2E_HTTP_PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      ROUNDTABLE_LISTEN_IP: '127.0.0.1',
      ROUNDTABLE_ANNOUNCED_IP: '127.0.0.1',
      ROUNDTABLE_HTTP_PORT: String(E2E_HTTP_PORT),
      ROUNDTABLE_RTC_PORT: String(E2E_RTC_PORT),
      ROUNDTABLE_WORKERS: '1',
      ROUNDTABLE_DISCOVERY: 'false',
      ROUNDTABLE_ROOM_IDLE_CLOSE_MS: '1000',
      ROUNDTABLE_ADMIN_TOKEN: 'e2e-admin-token-0123456789',
      ROUNDTABLE_DATA_DIR: 'test-results/host-data',
      ROUNDTABLE_LOG_LEVEL: 'warn',
    },
  },
});
