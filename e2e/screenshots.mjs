// Regenerates the README's screenshots (docs/screenshots/*.png) from the real
// UI: starts bin/site in emulator mode on free ports, drives headless Debian
// Chromium through Playwright, and writes one PNG per view. Not a test:
// `task screenshots` runs it (after building bin/site).
//
//   home.png      the home page
//   consent.png   the emulator's consent popup with a checkbox per scope
//   calendar.png  a page with data: Upcoming events after consent
//   lab.png       the consent lab's timeline after a partial grant, with the
//                 browser-side REST + CORS calls
//   journey.gif   the incremental journey, animated: Calendar granted, then
//                 Docs asked for on its own page, the ledger growing. Recorded
//                 with Playwright's recordVideo (the page and each consent
//                 popup), composed and turned into a GIF with ffmpeg; without
//                 ffmpeg the GIF is left as it is.
import { chromium } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'docs', 'screenshots');
const calendarScope = 'https://www.googleapis.com/auth/calendar.readonly';
const docsScope = 'https://www.googleapis.com/auth/documents.readonly';
const calendarBox = 'See and download any calendar you can access using your Google Calendar';

/** Starts bin/site on free ports; resolves with its URLs once both listen. */
function startSite() {
  const site = spawn(path.join(root, 'bin', 'site'), ['-addr', 'localhost:0', '-emulator-addr', 'localhost:0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const urls = {};
    const timer = setTimeout(() => reject(new Error('bin/site printed no addresses in 20 s')), 20_000);
    site.on('exit', (code) => reject(new Error(`bin/site exited (${code}) before listening`)));
    readline.createInterface({ input: site.stdout }).on('line', (line) => {
      const m = /^(site|emulator): (http\S+)$/.exec(line);
      if (m) urls[m[1]] = m[2];
      if (urls.site && urls.emulator) {
        clearTimeout(timer);
        resolve({ proc: site, siteURL: urls.site, emulatorURL: urls.emulator });
      }
    });
  });
}

/** Presses the button, picks alice in the chooser, ticks boxes, presses Continue. */
async function consent(page, button, { tick = [], shoot } = {}) {
  const opened = page.waitForEvent('popup');
  await page.getByRole('button', { name: button, exact: true }).click();
  const popup = await opened;
  await popup.setViewportSize({ width: 520, height: 720 });
  await popup.getByRole('button', { name: /alice@example\.com/ }).click();
  const go = popup.getByRole('button', { name: 'Continue', exact: true });
  await go.waitFor();
  for (const name of tick) await popup.getByRole('checkbox', { name, exact: true }).check();
  if (shoot) await popup.screenshot({ path: shoot });
  const closed = popup.waitForEvent('close');
  await go.click().catch((err) => {
    if (!/has been closed/.test(String(err))) throw err;
  });
  await closed;
}

const videoSize = { width: 960, height: 640 };

/**
 * Records the incremental journey: the page's video, and each consent
 * popup's with the second it opened at (from the page video's start).
 */
async function recordJourney(browser, siteURL, dir) {
  const context = await browser.newContext({ viewport: videoSize, baseURL: siteURL, colorScheme: 'light', recordVideo: { dir, size: videoSize } });
  const page = await context.newPage();
  const start = Date.now();
  const popups = [];
  const pause = (ms) => page.waitForTimeout(ms);

  /** Presses the page's button and answers the popup the way a user would, slowly enough to follow. */
  async function ask(button) {
    const opened = page.waitForEvent('popup');
    await page.getByRole('button', { name: button, exact: true }).click();
    const popup = await opened;
    popups.push({ popup, at: (Date.now() - start) / 1000 });
    await popup.setViewportSize({ width: 520, height: 600 }); // a popup's size, in the top-left of its video
    const account = popup.getByRole('button', { name: /alice@example\.com/ });
    const go = popup.getByRole('button', { name: 'Continue', exact: true });
    await account.or(go).first().waitFor();
    await popup.waitForTimeout(1200);
    if (await account.isVisible()) {
      await account.click();
      await go.waitFor();
      await popup.waitForTimeout(1200);
    }
    const closed = popup.waitForEvent('close');
    await go.click().catch((err) => {
      if (!/has been closed/.test(String(err))) throw err;
    });
    await closed;
  }

  await page.goto('/');
  await pause(2000);
  await page.getByRole('link', { name: 'Calendar', exact: true }).first().click();
  await page.getByRole('button', { name: 'Show calendar info', exact: true }).and(page.locator(':enabled')).waitFor();
  await pause(1200);
  await ask('Show calendar info');
  await page.getByRole('region', { name: 'Your next events' }).getByRole('listitem').first().waitFor();
  await pause(1800);
  await page.locator('#ledger').scrollIntoViewIfNeeded();
  await pause(1800);
  await page.getByRole('link', { name: 'Docs', exact: true }).first().click();
  await page.getByRole('button', { name: 'Show recent documents', exact: true }).and(page.locator(':enabled')).waitFor();
  await pause(1200);
  await ask('Show recent documents');
  await page.getByRole('region', { name: 'Recent documents', exact: true }).waitFor();
  await pause(1500);
  await page.locator('#ledger').scrollIntoViewIfNeeded();
  await pause(2500);
  await context.close(); // writes the videos
  return { page: await page.video().path(), popups: await Promise.all(popups.map(async (p) => ({ path: await p.popup.video().path(), at: p.at }))) };
}

/** The page's video with each popup laid over it from when it opened, as a small GIF. */
function composeJourney(rec, out) {
  const inputs = ['-i', rec.page];
  const filters = [];
  let last = '0:v';
  rec.popups.forEach((p, i) => {
    inputs.push('-i', p.path);
    // The popup's own video is the whole frame, its page in the top-left corner.
    filters.push(`[${i + 1}:v]crop=520:600:0:0,scale=390:-2,setpts=PTS-STARTPTS+${p.at.toFixed(2)}/TB[p${i}]`);
    filters.push(`[${last}][p${i}]overlay=x=W-w-24:y=24:eof_action=pass[v${i}]`);
    last = `v${i}`;
  });
  filters.push(`[${last}]fps=8,scale=720:-2:flags=lanczos,split[a][b];[a]palettegen=max_colors=64:stats_mode=diff[pal];[b][pal]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle`);
  const r = spawnSync('ffmpeg', ['-y', '-loglevel', 'error', ...inputs, '-filter_complex', filters.join(';'), out], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`ffmpeg failed (${r.status ?? r.error})`);
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const { proc, siteURL, emulatorURL } = await startSite();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--hide-scrollbars'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, baseURL: siteURL, colorScheme: 'light' });
    const page = await context.newPage();

    await page.goto('/');
    await page.screenshot({ path: path.join(outDir, 'home.png') });

    await page.goto('/calendar');
    await consent(page, 'Show calendar info');
    await page.getByRole('region', { name: 'Your next events' }).getByRole('listitem').first().waitFor();
    await page.screenshot({ path: path.join(outDir, 'calendar.png') });

    // The lab in a fresh context, so the popup asks for both scopes again.
    const lab = await (await browser.newContext({ viewport: { width: 1280, height: 1400 }, baseURL: siteURL })).newPage();
    await fetch(`${emulatorURL}/_emu/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    await lab.goto('/lab');
    await lab.getByRole('button', { name: 'Request access', exact: true }).waitFor();
    await lab.getByRole('checkbox', { name: docsScope }).check();
    await lab.getByRole('checkbox', { name: calendarScope }).check();
    await lab.getByRole('radio', { name: /^call the API from the browser \(REST \+ CORS\)/ }).check();
    await consent(lab, 'Request access', { tick: [calendarBox], shoot: path.join(outDir, 'consent.png') });
    const timeline = lab.getByRole('region', { name: 'Timeline' });
    await timeline.getByRole('listitem').filter({ hasText: /From the browser: GET/ }).waitFor();
    // Collapse the JSON details so the shot shows the story, not the payloads.
    // (CSSOM, which the page's CSP allows; a <style> tag it would refuse.)
    await timeline.locator('pre').evaluateAll((pres) => {
      for (const pre of pres) Object.assign(pre.style, { maxHeight: '7.5rem', overflow: 'hidden' });
    });
    const box = await timeline.boundingBox();
    const pad = 24;
    await lab.screenshot({
      path: path.join(outDir, 'lab.png'),
      fullPage: true,
      clip: { x: Math.max(0, box.x - pad), y: Math.max(0, box.y - pad), width: box.width + 2 * pad, height: box.height + 2 * pad },
    });

    // The journey, animated: only with ffmpeg to compose and encode it.
    if (spawnSync('ffmpeg', ['-version']).status === 0) {
      await fetch(`${emulatorURL}/_emu/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scopewise-journey-'));
      try {
        composeJourney(await recordJourney(browser, siteURL, dir), path.join(outDir, 'journey.gif'));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    } else {
      console.warn('ffmpeg not found: docs/screenshots/journey.gif left as it is (apt-get install ffmpeg)');
    }
  } finally {
    await browser.close();
    proc.kill('SIGTERM');
  }
  for (const f of fs.readdirSync(outDir).sort()) {
    console.log(`${path.join('docs', 'screenshots', f)}: ${fs.statSync(path.join(outDir, f)).size} bytes`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
