// The browser half of the contract suite: the page on 127.0.0.1:$PAGE_PORT,
// the emulator where $GIS_EMULATOR_URL says (scripts/contract-test.sh starts
// both). Uses e2e/'s Playwright (node_modules is a link to it).
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../../packages/gis-emulator/src/chromium';

const port = process.env.PAGE_PORT || '5174';
const chromium = chromiumLaunchOptions(process.env.CHROMIUM_PATH);

export default defineConfig({
  testDir: '.',
  outputDir: 'test-results',
  workers: 1, // one emulator, shared state
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
