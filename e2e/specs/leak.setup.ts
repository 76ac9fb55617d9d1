// Starts the run's token list. The fixtures append every token a test saw;
// leak.teardown.ts scans the server log for them after all specs ran.
import { test as setup } from '@playwright/test';
import fs from 'node:fs';
import { logDir, tokensFile } from '../env';

setup('start the token list for the server-log scan', async () => {
  fs.mkdirSync(logDir, { recursive: true });
  fs.writeFileSync(tokensFile, `# run started ${Date.now()}\n`);
});
