// The browser half of the contract suite: the page on 127.0.0.1:$PAGE_PORT,
// the emulator where $GIS_EMULATOR_URL says (scripts/contract-test.sh starts
// both). Uses e2e/'s Playwright (node_modules is a link to it).
import { defineConfig } from '@playwright/test';

const port = process.env.PAGE_PORT || '5174';
const chromium = process.env.CHROMIUM_PATH
  ? {
      executablePath: process.env.CHROMIUM_PATH,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    }
  : {};

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
