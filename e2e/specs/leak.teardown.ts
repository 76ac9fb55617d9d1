// The log canary, after every spec: no token the emulator issued during the
// run (GET /_emu/issued, through every reset) nor any the pages saw may
// appear in anything the servers printed. The per-test guard in fixtures.ts
// has already searched the responses, cookies, URLs, DOM and storage; this
// searches the servers' logs.
import { expect, test as teardown } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { scanFiles } from '../canary';
import { emulatorURL, logDir, runLogs, siteLog, tokensFile } from '../env';

teardown('no token appears in the server logs (log canary)', async ({ request }) => {
  const list = fs.existsSync(tokensFile) ? fs.readFileSync(tokensFile, 'utf8') : '';
  fs.rmSync(tokensFile, { force: true });
  const started = Number(/^# run started (\d+)$/m.exec(list)?.[1] ?? 0);
  const seen = list.split('\n').filter((l) => l && !l.startsWith('#'));
  const outputs = [...list.matchAll(/^# outputs (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  const tests = [...list.matchAll(/^# outputs /gm)].length;

  const res = await request.get(`${emulatorURL}/_emu/issued?all=true`);
  expect(res.status(), 'GET /_emu/issued').toBe(200);
  const issued = (await res.json()) as { total: number; tokens: string[] };
  const tokens = new Set([...issued.tokens, ...seen]);

  // A server Playwright did not start (reuseExistingServer, local runs only)
  // writes its log elsewhere, so there is nothing of this run to scan.
  const fresh = fs.existsSync(siteLog) && fs.statSync(siteLog).mtimeMs >= started;
  if (!process.env.CI) teardown.skip(!fresh, `${siteLog} was not written during this run (a reused server?)`);
  expect(fs.existsSync(siteLog), `${siteLog} exists`).toBe(true);
  expect(tokens.size, 'the emulator issued tokens during the run').toBeGreaterThan(0);

  const logs = runLogs();
  const { found, lines } = scanFiles(tokens, logs);
  const summary =
    `log canary (Playwright): ${tokens.size} tokens (${issued.total} issued by the emulator) looked for in ` +
    `${logs.length} log file(s) (${logs.map((l) => path.relative(logDir, l)).join(', ')}; ${lines} lines) ` +
    `and in ${outputs} URLs, headers, cookies, bodies, DOMs and storages of ${tests} tests: ` +
    `${found.length} occurrences in the logs`;
  console.log(summary);
  teardown.info().annotations.push({ type: 'log-canary', description: summary });
  expect(found, 'token values in the server logs').toEqual([]);
});
