import { defineConfig } from '@playwright/test';
import os from 'node:os';
import path from 'node:path';
import { chromiumLaunchOptions } from '../packages/gis-emulator/src/chromium';
import { emulatorURL, outputDir, reportDir, siteLog, siteURL } from './env';

// One server and one emulator; each test has its own world on the emulator
// (gis-emulator.ts), so tests run fully parallel, one worker per core unless
// E2E_WORKERS says otherwise. A flaky test is a bug to fix, never to retry.
export default defineConfig({
  testDir: 'specs',
  outputDir,
  fullyParallel: true,
  workers: Number(process.env.E2E_WORKERS) || os.cpus().length,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: reportDir }]],
  use: {
    baseURL: siteURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    // Starts the run's token list; its teardown scans the server log for them.
    { name: 'setup', testMatch: /leak\.setup\.ts$/, teardown: 'leak-scan' },
    { name: 'leak-scan', testMatch: /leak\.teardown\.ts$/ },
    {
      name: 'chromium',
      testMatch: /.*\.spec\.ts$/,
      dependencies: ['setup'],
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 720 },
        // Debian's Chromium: test tools cannot download a browser here.
        launchOptions: chromiumLaunchOptions(process.env.CHROMIUM_PATH || '/usr/bin/chromium', '--disable-quic'),
      },
    },
  ],
  webServer: {
    // Builds bin/site if needed and runs it with its output in siteLog.
    command: path.join(__dirname, '..', 'scripts', 'e2e-server.sh'),
    env: {
      ...(process.env as Record<string, string>),
      E2E_ADDR: new URL(siteURL).host,
      E2E_EMULATOR_ADDR: new URL(emulatorURL).host,
      E2E_SITE_LOG: siteLog,
    },
    url: `${siteURL}/healthz`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
  },
});
