// After every spec: no token the run saw may appear in anything bin/site
// printed (issue 2, "Done when": logs are searched for every issued token).
import { expect, test as teardown } from '@playwright/test';
import fs from 'node:fs';
import { siteLog, tokensFile } from '../env';
import { tokenLabel } from '../fixtures';

teardown('no token appears in the server log', async () => {
  const list = fs.existsSync(tokensFile) ? fs.readFileSync(tokensFile, 'utf8') : '';
  fs.rmSync(tokensFile, { force: true });
  const started = Number(/^# run started (\d+)$/m.exec(list)?.[1] ?? 0);
  const tokens = [...new Set(list.split('\n').filter((l) => l && !l.startsWith('#')))];

  // A server Playwright did not start (reuseExistingServer, local runs only)
  // writes its log elsewhere, so there is nothing of this run to scan.
  const fresh = fs.existsSync(siteLog) && fs.statSync(siteLog).mtimeMs >= started;
  if (!process.env.CI) teardown.skip(!fresh, `${siteLog} was not written during this run (a reused server?)`);
  expect(fs.existsSync(siteLog), `${siteLog} exists`).toBe(true);

  const lines = fs.readFileSync(siteLog, 'utf8').split('\n');
  const leaks: string[] = [];
  lines.forEach((line, i) => {
    for (const t of tokens) if (line.includes(t)) leaks.push(`${tokenLabel(t)} on site.log line ${i + 1}`);
  });
  teardown.info().annotations.push({
    type: 'log-scan',
    description: `${tokens.length} token(s) looked for in ${lines.length} log lines`,
  });
  expect(leaks, 'token values in the server log').toEqual([]);
});
