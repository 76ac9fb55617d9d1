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
//                 Docs asked for on its own page, What just happened, the
//                 ledger growing. A frame at each step (the page, and the
//                 consent popup over it while open), put together with
//                 ffmpeg; without ffmpeg the GIF is left as it is.
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

const frameSize = { width: 960, height: 640 };

/**
 * Plays the incremental journey the way a user would, and captures a frame
 * at each moment worth seeing: the page, with the consent popup laid over
 * it while one is open. Returns [{page, popup?, secs}] (PNG paths and how
 * long each frame shows).
 */
async function captureJourney(browser, siteURL, dir) {
  const context = await browser.newContext({ viewport: frameSize, baseURL: siteURL, colorScheme: 'light' });
  const page = await context.newPage();
  const frames = [];
  async function frame(secs, popup) {
    const n = String(frames.length).padStart(2, '0');
    const f = { page: path.join(dir, `${n}-page.png`), secs };
    await page.screenshot({ path: f.page });
    if (popup) {
      f.popup = path.join(dir, `${n}-popup.png`);
      await popup.screenshot({ path: f.popup });
    }
    frames.push(f);
  }

  /** Presses the page's button and answers the popup, a frame at each of its screens. */
  async function ask(button) {
    const opened = page.waitForEvent('popup');
    await page.getByRole('button', { name: button, exact: true }).click();
    const popup = await opened;
    await popup.setViewportSize({ width: 520, height: 600 });
    const account = popup.getByRole('button', { name: /alice@example\.com/ });
    const go = popup.getByRole('button', { name: 'Continue', exact: true });
    await account.or(go).first().waitFor();
    if (await account.isVisible()) {
      await frame(1.8, popup);
      await account.click();
      await go.waitFor();
    }
    await frame(2.6, popup);
    const closed = popup.waitForEvent('close');
    await go.click().catch((err) => {
      if (!/has been closed/.test(String(err))) throw err;
    });
    await closed;
  }

  await page.goto('/');
  await frame(2.2);
  await page.getByRole('link', { name: 'Calendar', exact: true }).first().click();
  await page.getByRole('button', { name: 'Show calendar info', exact: true }).and(page.locator(':enabled')).waitFor();
  await frame(1.6);
  await ask('Show calendar info');
  await page.getByRole('region', { name: 'Your next events' }).getByRole('listitem').first().waitFor();
  await page.waitForTimeout(600); // the smooth scroll to the answer
  await frame(2.2);
  await page.locator('#ledger').scrollIntoViewIfNeeded();
  await frame(2.2);
  await page.getByRole('link', { name: 'Docs', exact: true }).first().click();
  await page.getByRole('button', { name: 'Show recent documents', exact: true }).and(page.locator(':enabled')).waitFor();
  await frame(1.6);
  await ask('Show recent documents');
  await page.getByRole('region', { name: 'Recent documents', exact: true }).waitFor();
  await page.waitForTimeout(600);
  await frame(2.2);
  await page.getByRole('region', { name: 'What just happened' }).scrollIntoViewIfNeeded();
  await page.getByRole('region', { name: 'What just happened' }).getByText('Rendered:').first().waitFor();
  await frame(3);
  await page.locator('#ledger').scrollIntoViewIfNeeded();
  await frame(3);
  await context.close();
  return frames;
}

/** The frames as a small looping GIF: each popup laid over its page, top right. */
function composeJourney(frames, dir, out) {
  const ffmpeg = (...args) => {
    const r = spawnSync('ffmpeg', ['-y', '-loglevel', 'error', ...args], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`ffmpeg failed (${r.status ?? r.error})`);
  };
  // One GIF frame per step, shown for its seconds: the concat demuxer gives
  // each still its duration, and variable frame timing keeps it (at a fixed
  // rate the encoder drops the repeated frames without lengthening any).
  // Each frame has its own palette: one palette for all loses the frames'
  // timing in ffmpeg's filter graph.
  const list = [];
  for (const [i, f] of frames.entries()) {
    let still = f.page;
    if (f.popup) {
      still = path.join(dir, `${i}-both.png`);
      ffmpeg('-i', f.page, '-i', f.popup, '-filter_complex', '[1:v]scale=390:-2[p];[0:v][p]overlay=x=W-w-24:y=24', still);
    }
    list.push(`file '${still}'`, `duration ${f.secs}`);
  }
  list.push(list.at(-2)); // the last still again: the demuxer gives the last entry no duration
  const listFile = path.join(dir, 'frames.txt');
  fs.writeFileSync(listFile, list.join('\n') + '\n');
  const secs = frames.reduce((sum, f) => sum + f.secs, 0);
  console.log(`journey.gif: ${frames.length} steps, ${secs.toFixed(1)} s`);
  ffmpeg('-f', 'concat', '-safe', '0', '-i', listFile, '-fps_mode', 'vfr', '-vf', 'scale=720:-2:flags=lanczos,split[a][b];[a]palettegen=max_colors=80:stats_mode=single[pal];[b][pal]paletteuse=new=1:dither=bayer:bayer_scale=4', '-loop', '0', out);
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
        composeJourney(await captureJourney(browser, siteURL, dir), dir, path.join(outDir, 'journey.gif'));
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
