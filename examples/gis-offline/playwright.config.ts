// The example's Playwright config: the page on 127.0.0.1:$PAGE_PORT, the
// emulator wherever $GIS_EMULATOR_URL says (started on its own, before).
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '@scopewise/gis-emulator/chromium';

const port = process.env.PAGE_PORT || '5173';
// Debian's Chromium where test tools cannot download a browser.
const chromium = chromiumLaunchOptions(process.env.CHROMIUM_PATH);

export default defineConfig({
  testDir: '.',
  outputDir: 'test-results',
  fullyParallel: true, // each test has its own world on the one emulator
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  use: { baseURL: `http://127.0.0.1:${port}`, browserName: 'chromium', launchOptions: chromium },
  webServer: {
    command: 'node serve.mjs',
    url: `http://127.0.0.1:${port}/`,
    env: { PAGE_PORT: port },
    reuseExistingServer: false,
  },
});
