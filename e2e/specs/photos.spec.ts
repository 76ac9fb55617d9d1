// The Photos page through the Photos Picker API, against the
// offline Google. The poll interval is the server's PICKER_POLL_INTERVAL
// (Google's 5s by default): waits here are derived from it.
import type { Page, Request } from '@playwright/test';
import { expectNoSeriousA11yViolations } from '../a11y';
import { docsScope, emulatorURL, siteClientID } from '../env';
import {
  alertSaying,
  clickAndWaitForClose,
  consent,
  expect,
  expectPopupClosesByItself,
  ledgerRow,
  test,
} from '../fixtures';

const button = 'Display photos';
const choose = 'Choose photos in Google Photos';

test.describe.configure({ timeout: 60_000 });

function photosRegion(page: Page) {
  return page.getByRole('region', { name: 'Photos', exact: true });
}

/** Every photo's list item, shown or not (one is shown at a time). */
function allSlides(page: Page) {
  return photosRegion(page).getByRole('listitem', { includeHidden: true });
}

function counter(page: Page) {
  return photosRegion(page).getByText(/^\d+ of \d+$/);
}

function waiting(page: Page) {
  return page.getByRole('status').filter({ hasText: 'Waiting for you to pick photos…' });
}

function photosRow(page: Page) {
  return ledgerRow(page, /photos/i);
}

function isPoll(r: Request): boolean {
  return r.method() === 'POST' && new URL(r.url()).pathname === '/photos/session';
}

/** Counts the page's polls from now on. */
function pollCounter(page: Page): { count: number } {
  const c = { count: 0 };
  page.on('request', (r) => {
    if (isPoll(r)) c.count++;
  });
  return c;
}

/** The session's pollInterval in ms, as the server handed it to the page. */
async function pollInterval(page: Page): Promise<number> {
  return Number(await page.locator('[data-picker]').getAttribute('data-poll-interval-ms'));
}


/** Consent (or a popup that closes by itself), then the picker panel. */
async function startPicking(page: Page, firstTime = true): Promise<void> {
  if (firstTime) await consent(page, { button });
  else await expectPopupClosesByItself(page, button);
  await expect(page.getByRole('button', { name: choose, exact: true })).toBeVisible();
}

/** Clicks "Choose photos in Google Photos" and returns the picker window. */
async function openPicker(page: Page): Promise<Page> {
  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: choose, exact: true }).click();
  const picker = await popup;
  await expect(picker.getByRole('button', { name: 'Done', exact: true })).toBeVisible();
  return picker;
}

/**
 * Starts picking, opens the picker and waits for the page to poll. Returns
 * the poll interval, the picker window, and the next poll answered with
 * status, waited for from now (before the test makes that answer happen).
 */
async function pollingUntil(page: Page, status: number) {
  await startPicking(page);
  const interval = await pollInterval(page);
  const picker = await openPicker(page);
  await expect(waiting(page)).toBeVisible();
  const answered = page.waitForResponse((r) => isPoll(r.request()) && r.status() === status);
  return { interval, picker, answered };
}

/** The user in the picker window: ticks the first n photos by name, presses Done. */
async function pick(picker: Page, n: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    names.push((await picker.getByRole('listitem').nth(i).innerText()).trim());
  }
  for (const name of names) {
    await picker.getByRole('checkbox', { name, exact: true }).check();
  }
  await clickAndWaitForClose(picker, picker.getByRole('button', { name: 'Done', exact: true }));
  return names;
}

async function expectShowing(page: Page, names: string[], index: number): Promise<void> {
  await expect(counter(page)).toHaveText(`${index + 1} of ${names.length}`);
  await expect(photosRegion(page).getByRole('img', { name: names[index], exact: true })).toBeVisible();
  await expect(photosRegion(page).getByRole('listitem')).toHaveCount(1); // one shown at a time
}

test.describe('Photos page', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/photos');
    await expect(page.getByRole('heading', { level: 1, name: 'Photo carousel' })).toBeVisible();
  });

  test('consent, pick three photos in the picker window, and browse them by click and by keyboard', async ({
    page,
  }, testInfo) => {
    await expectNoSeriousA11yViolations(page, testInfo, '/photos');
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/photos');
    await startPicking(page);
    expect((await created).status()).toBe(200);
    await expect(photosRow(page)).toContainText(/(?<!not )granted/i);

    const pickerUri = await page.locator('[data-picker]').getAttribute('data-picker-uri');
    const interval = await pollInterval(page);
    const picker = await openPicker(page);
    expect(picker.url()).toBe(`${pickerUri}/autoclose`);
    expect(new URL(picker.url()).origin).toBe(new URL(emulatorURL).origin);
    await expect(waiting(page)).toBeVisible();
    await expectNoSeriousA11yViolations(page, testInfo, '/photos waiting for the pick');

    const names = await pick(picker, 3);
    await expect(allSlides(page)).toHaveCount(3, { timeout: 20_000 });
    await expect(waiting(page)).toHaveCount(0);
    await expectShowing(page, names, 0);
    await expectNoSeriousA11yViolations(page, testInfo, '/photos with the carousel');
    for (const name of names) {
      const img = photosRegion(page).getByRole('img', { name, exact: true, includeHidden: true });
      await expect(img).toHaveAttribute('src', /^data:image\/(png|jpeg);base64,/);
    }
    await expect(counter(page)).toHaveAttribute('aria-live', 'polite');

    // By click.
    const next = photosRegion(page).getByRole('button', { name: 'Next', exact: true });
    const previous = photosRegion(page).getByRole('button', { name: 'Previous', exact: true });
    await next.click();
    await expectShowing(page, names, 1);
    await next.click();
    await expectShowing(page, names, 2);
    await previous.click();
    await expectShowing(page, names, 1);
    await previous.click();
    await expectShowing(page, names, 0);

    // By keyboard, with the carousel focused; it wraps around.
    await photosRegion(page).focus();
    await page.keyboard.press('ArrowRight');
    await expectShowing(page, names, 1);
    await page.keyboard.press('ArrowLeft');
    await expectShowing(page, names, 0);
    await page.keyboard.press('ArrowLeft');
    await expectShowing(page, names, 2);
    await page.keyboard.press('ArrowRight');
    await expectShowing(page, names, 0);

    // Polling stopped with the carousel.
    const polls = pollCounter(page);
    await page.waitForTimeout(interval * 2.5);
    expect(polls.count).toBe(0);
  });

  test('Pick other photos starts a new session', async ({ page }) => {
    await startPicking(page);
    const first = await page.locator('[data-picker]').getAttribute('data-session-id');
    await pick(await openPicker(page), 3);
    await expect(allSlides(page)).toHaveCount(3, { timeout: 20_000 });

    await photosRegion(page).getByRole('button', { name: 'Pick other photos', exact: true }).click();
    await expect(page.getByRole('button', { name: choose, exact: true })).toBeVisible();
    expect(await page.locator('[data-picker]').getAttribute('data-session-id')).not.toBe(first);
    const names = await pick(await openPicker(page), 1);
    await expect(allSlides(page)).toHaveCount(1, { timeout: 20_000 });
    await expectShowing(page, names, 0);
  });

  test('Cancel on the consent screen → alert, and no picking session', async ({ page }) => {
    await consent(page, { button, action: 'Cancel' });
    await expect(alertSaying(page, /not granted/i)).toBeVisible();
    await expect(page.getByRole('button', { name: choose })).toHaveCount(0);
    await expect(photosRow(page)).toContainText(/denied/i);
  });

  test('a token without the Photos permission (what a partial grant leaves) → 403 alert', async ({ page, emu }) => {
    const { access_token: docsOnly } = await emu.mint({ scopes: [docsScope] });
    await page.route('**/photos', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${docsOnly}` } });
    });
    const postback = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/photos');
    await consent(page, { button });
    const res = await postback;
    expect(res.status()).toBe(403);
    expect(await res.headerValue('www-authenticate')).toMatch(/error="insufficient_scope"/);
    await expect(alertSaying(page, /permission missing/i)).toBeVisible();
    await expect(alertSaying(page, /photos you pick/i)).toBeVisible();
    await expect(page.getByRole('button', { name: choose })).toHaveCount(0);
  });

  test('Show picked photos before Done → "not done picking" alert; Done still shows the photos', async ({ page }) => {
    await startPicking(page);
    const picker = await openPicker(page);
    const listed = page.waitForResponse((r) => new URL(r.url()).pathname === '/photos/items');
    await page.getByRole('button', { name: 'Show picked photos', exact: true }).click();
    expect((await listed).status()).toBe(409);
    await expect(alertSaying(page, /not done picking/i)).toBeVisible();
    await expect(alertSaying(page, /press Done/i)).toBeVisible();
    await expect(waiting(page)).toBeVisible(); // still waiting

    const names = await pick(picker, 3);
    await expect(allSlides(page)).toHaveCount(3, { timeout: 20_000 });
    await expectShowing(page, names, 0);
  });

  test('the token expires mid-poll → 401 alert, polling stops, and authorizing again works', async ({ page, emu }) => {
    const { interval, picker, answered: refused } = await pollingUntil(page, 401);
    await emu.advanceClock('3700s');
    const res = await refused;
    expect(await res.headerValue('www-authenticate')).toMatch(/error="invalid_token"/);
    await expect(alertSaying(page, /expired/i)).toBeVisible();
    await expect(alertSaying(page, new RegExp(button))).toBeVisible();
    await expect(waiting(page)).toHaveCount(0);
    await expect(photosRow(page)).toContainText(/expired/i);

    const polls = pollCounter(page);
    await page.waitForTimeout(interval * 2.5);
    expect(polls.count, 'no poll after the 401').toBe(0);
    await picker.close();

    await startPicking(page, false);
    await expect(alertSaying(page, /expired/i)).toHaveCount(0);
  });

  test('the picking session times out → alert, polling stops, and a new session works', async ({ page, emu }) => {
    const { interval, picker, answered: gone } = await pollingUntil(page, 410);
    await emu.advanceClock('1800s'); // past timeoutIn (1799s), within the token's hour
    await gone;
    await expect(alertSaying(page, /picking session expired/i)).toBeVisible();
    await expect(page.getByRole('button', { name: choose })).toHaveCount(0);

    const polls = pollCounter(page);
    await page.waitForTimeout(interval * 2.5);
    expect(polls.count, 'no poll after the session timed out').toBe(0);

    // The picker window says so too.
    await picker.reload();
    await expect(picker.getByRole('heading', { name: /timed out/i })).toBeVisible();
    await picker.close();

    await startPicking(page, false);
    const names = await pick(await openPicker(page), 2);
    await expect(allSlides(page)).toHaveCount(2, { timeout: 20_000 });
    await expectShowing(page, names, 0);
  });

  test('the Picker API fails (503) → 503 alert naming it, when starting and while polling', async ({ page, emu }) => {
    // Creating a session is a POST: never retried.
    await emu.injectFault({ path: '/v1/sessions', status: 503, count: 1 });
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/photos');
    await consent(page, { button });
    expect((await created).status()).toBe(503);
    await expect(alertSaying(page, /Photos Picker API/)).toBeVisible();
    await expect(page.getByRole('button', { name: choose })).toHaveCount(0);

    await startPicking(page, false);
    const id = await page.locator('[data-picker]').getAttribute('data-session-id');
    // A poll is a GET, retried once: the fault outlasts the retry.
    await emu.injectFault({ path: `/v1/sessions/${id}`, status: 503, count: 2 });
    const interval = await pollInterval(page);
    // Listen before the click that starts polling: on a busy machine the
    // first (failing) poll can come before the picker window has drawn.
    const failed = page.waitForResponse((r) => isPoll(r.request()));
    const picker = await openPicker(page);
    expect((await failed).status()).toBe(503);
    await expect(alertSaying(page, /Photos Picker API/)).toBeVisible();
    await expect(waiting(page)).toHaveCount(0);
    const polls = pollCounter(page);
    await page.waitForTimeout(interval * 2.5);
    expect(polls.count, 'no poll after the failure').toBe(0);
    await picker.close();
  });

  test('too many picking sessions → an alert that says so and what to do; a new session works after one closes', async ({
    page,
    emu,
  }) => {
    // Open sessions for alice with the site's client until the Picker refuses.
    const access_token = await emu.mintToken({ client_id: siteClientID, account: 'alice@example.com', scopes: ['https://www.googleapis.com/auth/photospicker.mediaitems.readonly'] });
    const ids: string[] = [];
    for (;;) {
      const res = await page.request.post(`${emulatorURL}/v1/sessions`, { headers: { Authorization: `Bearer ${access_token}` } });
      if (res.status() === 429) break;
      expect(res.status()).toBe(200);
      ids.push(((await res.json()) as { id: string }).id);
      expect(ids.length, 'the Picker limits open sessions').toBeLessThan(100);
    }
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/photos');
    await consent(page, { button });
    expect((await created).status()).toBe(429);
    const alert = alertSaying(page, /too many picking sessions/i);
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('Close the Google Photos windows');
    await expect(page.getByRole('button', { name: choose })).toHaveCount(0);

    // Deleting one, as the reference advises, makes room.
    const del = await page.request.delete(`${emulatorURL}/v1/sessions/${ids[0]}`, { headers: { Authorization: `Bearer ${access_token}` } });
    expect(del.status()).toBe(200);
    await startPicking(page, false);
  });

  test('a blocked picker window → alert, and no polling', async ({ page }) => {
    await startPicking(page);
    await page.evaluate(() => {
      window.open = () => null; // what a popup blocker does
    });
    let popups = 0;
    page.on('popup', () => popups++);
    const polls = pollCounter(page);
    await page.getByRole('button', { name: choose, exact: true }).click();
    await expect(alertSaying(page, /blocked/i)).toBeVisible();
    await page.waitForTimeout((await pollInterval(page)) * 1.5);
    expect(popups).toBe(0);
    expect(polls.count).toBe(0);
  });

  test('leaving the page stops polling and deletes the picking session', async ({ page }) => {
    await startPicking(page);
    const picker = await openPicker(page);
    await expect(waiting(page)).toBeVisible();

    // On pagehide the page sends a keepalive POST /photos/session/delete
    // (Playwright does not report requests sent while a page unloads, so the
    // test looks at the effect): Google's side forgets the session, and the
    // picker window says so.
    await page.goto('/');
    await expect(async () => {
      await picker.reload();
      await expect(picker.getByRole('heading', { name: /not found/i })).toBeVisible({ timeout: 500 });
    }).toPass({ timeout: 10_000 });
  });
});
