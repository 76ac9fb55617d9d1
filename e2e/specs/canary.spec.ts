// The log canary can fail: a token planted in a log file or in an output is
// found, and named only by its hash.
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findTokens, scanFiles, tokenLabel } from '../canary';

const token = 'ya29.a0' + 'Planted'.repeat(30);

test('the log canary finds a token planted in a log', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canary-'));
  const clean = path.join(dir, 'site-1.log');
  const dirty = path.join(dir, 'emulator-1.log');
  fs.writeFileSync(clean, 'level=INFO msg=request path=/calendar status=200\n');
  fs.writeFileSync(dirty, `level=INFO msg=request\nlevel=ERROR msg="oops" authorization="Bearer ${token}"\n`);
  try {
    const { found, lines } = scanFiles([token, 'ya29.a0other'], [clean, dirty]);
    expect(found).toEqual([`${tokenLabel(token)} in emulator-1.log line 2`]);
    expect(lines).toBe(5);
    expect(found.join()).not.toContain(token);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the leak guard finds a token planted in an answer, a cookie or a URL', () => {
  const outputs = [
    { where: 'body of the response to POST /calendar (200)', text: '<ul><li>Standup</li></ul>' },
    { where: 'cookies', text: `scopewise=${token}; Domain=localhost; Path=/` },
    { where: `URL of GET /calendar?access_token=${token}`, text: `/calendar?access_token=${token}` },
  ];
  const found = findTokens([token], outputs);
  expect(found).toEqual([
    `${tokenLabel(token)} in cookies`,
    `${tokenLabel(token)} in URL of GET /calendar?access_token=<${tokenLabel(token)}>`,
  ]);
});
