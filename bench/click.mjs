// Click to data: the time from the click on "Show calendar info" to the
// events being on screen, in headless Chromium, with the grant already held
// (the popup opens and answers at once, as Google's does for a granted
// scope). Not a test: it prints {"runs_ms": [...]} for bench/harness.
//
//   node bench/click.mjs <site URL> <emulator URL> [runs]
import { chromium } from 'playwright-core';

const [site, emulator, runsArg] = process.argv.slice(2);
if (!site || !emulator) {
  console.error('usage: node bench/click.mjs <site URL> <emulator URL> [runs]');
  process.exit(2);
}
const runs = Number(runsArg || 20);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext();
  await context.request.post(`${emulator}/_emu/reset`, { data: {} });
  const page = await context.newPage();
  await page.goto(`${site}/calendar`);
  const button = page.getByRole('button', { name: 'Show calendar info' });
  const firstEvent = page.locator('#calendar-results li').first();

  // Once through consent: choose the account, Continue. The grant is held from here on.
  const popupOpens = page.waitForEvent('popup');
  await button.click();
  const popup = await popupOpens;
  await popup.getByRole('button', { name: /alice@example\.com/ }).click();
  await Promise.all([
    popup.waitForEvent('close'),
    popup.getByRole('button', { name: 'Continue' }).click().catch((e) => {
      if (!/has been closed/.test(String(e))) throw e; // the popup closes itself on Continue
    }),
  ]);
  await firstEvent.waitFor();

  const times = [];
  for (let i = 0; i < runs; i++) {
    // The token lives in the page's memory only: after a reload the click asks
    // GIS again, and the held grant answers without a consent screen.
    await page.reload();
    await button.waitFor();
    // Timed inside the page: from the click event to the frame after the
    // first event is in the DOM.
    await page.evaluate(() => {
      window.__clickToData = new Promise((resolve) => {
        let clicked;
        document.addEventListener('click', () => { clicked ??= performance.now(); }, { capture: true });
        const seen = new MutationObserver(() => {
          if (clicked !== undefined && document.querySelector('#calendar-results li')) {
            seen.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - clicked));
          }
        });
        seen.observe(document.body, { childList: true, subtree: true });
      });
    });
    await button.click();
    times.push(Math.round(await page.evaluate(() => window.__clickToData)));
  }
  console.log(JSON.stringify({ runs_ms: times }));
} finally {
  await browser.close();
}
