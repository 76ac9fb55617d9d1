// The Ajax page — one token client, three collapsed sections, each
// asking for its own scope when opened — against the offline Google.
import type { Locator, Page, Response } from '@playwright/test';
import { expectNoSeriousA11yViolations } from '../a11y';
import { calendarScope, docsScope } from '../env';
import { alertSaying, clickAndWaitForClose, consent, expect, ledgerRow, test } from '../fixtures';

const photosScope = 'https://www.googleapis.com/auth/photospicker.mediaitems.readonly';

type Key = 'docs' | 'calendar' | 'photos';

const sections: Record<Key, { button: string; heading: string; scope: string; postback: string; ledger: RegExp }> = {
  docs: { button: 'Show recent documents', heading: 'Docs to read', scope: docsScope, postback: '/docs', ledger: /docs/i },
  calendar: { button: 'Show calendar info', heading: 'Upcoming events', scope: calendarScope, postback: '/calendar', ledger: /calendar/i },
  photos: { button: 'Display photos', heading: 'Display photos', scope: photosScope, postback: '/photos', ledger: /photos/i },
};

test.describe.configure({ timeout: 60_000 });

function toggle(page: Page, key: Key): Locator {
  return page.getByRole('button', { name: sections[key].button, exact: true });
}

/** The panel a section's disclosure button shows and hides. */
async function panel(page: Page, key: Key): Promise<Locator> {
  return page.locator(`#${await toggle(page, key).getAttribute('aria-controls')}`);
}

/** The scopes "This page's token" lists. */
function tokenScopes(page: Page): Locator {
  return page.getByRole('list', { name: 'Scopes the token carries' }).getByRole('listitem');
}

function nextPostback(page: Page, path: string): Promise<Response> {
  return page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path);
}

function events(page: Page): Locator {
  return page.getByRole('region', { name: 'Your next events' }).getByRole('listitem');
}

/** Waits for a section's data, as its page shows it. */
async function expectData(page: Page, key: Key): Promise<void> {
  switch (key) {
    case 'calendar':
      await expect(events(page).first()).toBeVisible();
      break;
    case 'docs':
      await expect(page.getByRole('region', { name: 'Recent documents' })).toBeVisible();
      break;
    case 'photos':
      await expect(page.getByRole('button', { name: 'Choose photos in Google Photos', exact: true })).toBeVisible();
      break;
  }
}

/** Opens a section whose scope is new: consent in the popup, then its page's postback. */
async function openWithConsent(page: Page, key: Key): Promise<URL> {
  const postback = nextPostback(page, sections[key].postback);
  const openedWith = await consent(page, { button: sections[key].button });
  expect((await postback).status()).toBe(200);
  await expect(toggle(page, key)).toHaveAttribute('aria-expanded', 'true');
  await expectData(page, key);
  return openedWith;
}

/** Counts the popups the page opens from now on. */
function popupCounter(page: Page): { count: number } {
  const c = { count: 0 };
  page.on('popup', () => c.count++);
  return c;
}

/** Presses Tab until target has the focus: proof it is reachable by keyboard. */
async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`not reachable with Tab in ${max} presses`);
}

test.describe('Ajax page', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/ajax');
    await expect(page.getByRole('heading', { level: 1, name: 'All three on one page' })).toBeVisible();
  });

  test('three collapsed sections, each with its heading and its page button', async ({ page }) => {
    for (const key of ['docs', 'calendar', 'photos'] as const) {
      await expect(page.getByRole('heading', { level: 2, name: sections[key].heading, exact: true })).toBeVisible();
      await expect(toggle(page, key)).toHaveCount(1);
      await expect(toggle(page, key)).toBeEnabled();
      await expect(toggle(page, key)).toHaveAttribute('aria-expanded', 'false');
      await expect(await panel(page, key)).toBeHidden();
    }
    await expect(tokenScopes(page)).toHaveCount(0);
  });

  for (const order of [
    ['calendar', 'docs', 'photos'],
    ['photos', 'docs', 'calendar'],
  ] as Key[][]) {
    test(`the sections in the order ${order.join(', ')}: each asks for its own scope and the token grows`, async ({
      page,
    }) => {
      const granted: string[] = [];
      for (const key of order) {
        const openedWith = await openWithConsent(page, key);
        // The one client asked for this section's scope only (the overrides);
        // include_granted_scopes adds what was granted before.
        expect(openedWith.searchParams.get('scope')?.split(' ')).toEqual([sections[key].scope]);
        expect(openedWith.searchParams.get('include_granted_scopes')).toBe('true');
        granted.push(sections[key].scope);
        await expect(tokenScopes(page)).toHaveCount(granted.length);
        for (const scope of granted) await expect(tokenScopes(page).filter({ hasText: scope })).toHaveCount(1);
        await expect(ledgerRow(page, sections[key].ledger)).toContainText(/(?<!not )granted/i);
      }
      // Every section still shows its data.
      for (const key of order) await expectData(page, key);
    });
  }

  test('closing and opening a section again asks nothing while the token lasts', async ({ page }) => {
    await openWithConsent(page, 'calendar');
    const popups = popupCounter(page);
    let postbacks = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/calendar') postbacks++;
    });

    await toggle(page, 'calendar').click();
    await expect(toggle(page, 'calendar')).toHaveAttribute('aria-expanded', 'false');
    await expect(events(page).first()).toBeHidden();

    await toggle(page, 'calendar').click();
    await expect(toggle(page, 'calendar')).toHaveAttribute('aria-expanded', 'true');
    await expect(events(page).first()).toBeVisible();
    expect(popups.count).toBe(0);
    expect(postbacks).toBe(0); // the data was already here

    // A second section adds its scope; the first still opens without a popup.
    await openWithConsent(page, 'docs');
    const before = popups.count;
    await toggle(page, 'calendar').click();
    await toggle(page, 'calendar').click();
    await expect(events(page).first()).toBeVisible();
    await toggle(page, 'docs').click();
    await toggle(page, 'docs').click();
    await expect(page.getByRole('region', { name: 'Recent documents' })).toBeVisible();
    await page.waitForTimeout(300);
    expect(popups.count).toBe(before);
  });

  test('the Docs section opens a document with the token it holds, with no popup', async ({ page }) => {
    await openWithConsent(page, 'docs');
    const popups = popupCounter(page);
    const docsPanel = await panel(page, 'docs');
    const open = nextPostback(page, '/docs/open');
    // A sample document (emulator mode lists alice's).
    await docsPanel.getByRole('listitem').getByRole('button', { name: /^Open / }).first().click();
    expect((await open).status()).toBe(200);
    await expect(page.getByRole('article')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Recent documents' }).getByRole('listitem')).toHaveCount(1);
    expect(popups.count).toBe(0);
  });

  test('the Photos section: pick photos in the picker window and see them', async ({ page }) => {
    await openWithConsent(page, 'photos');
    const popup = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Choose photos in Google Photos', exact: true }).click();
    const picker = await popup;
    await expect(picker.getByRole('button', { name: 'Done', exact: true })).toBeVisible();
    const names: string[] = [];
    for (let i = 0; i < 2; i++) names.push((await picker.getByRole('listitem').nth(i).innerText()).trim());
    for (const name of names) await picker.getByRole('checkbox', { name, exact: true }).check();
    await clickAndWaitForClose(picker, picker.getByRole('button', { name: 'Done', exact: true }));

    // The next poll brings the photos, posted with the token photos.js reads
    // from this page's one client. (Clicking "Show picked photos" here would
    // race that poll: whichever answers first replaces the button.)
    const photos = page.getByRole('region', { name: 'Photos', exact: true });
    await expect(photos.getByRole('listitem', { includeHidden: true })).toHaveCount(2);
    await expect(photos.getByRole('img', { name: names[0], exact: true })).toBeVisible();
  });

  test('photos.js loads on first use: not with the page, but with the Photos section\'s first answer', async ({ page }) => {
    const loaded: string[] = [];
    page.on('request', (r) => loaded.push(new URL(r.url()).pathname));
    const photosModule = () => loaded.filter((p) => /^\/assets\/js\/photos\./.test(p));
    await page.reload();
    await expect(toggle(page, 'photos')).toBeEnabled();
    await openWithConsent(page, 'calendar');
    expect(photosModule()).toEqual([]);
    await openWithConsent(page, 'photos');
    expect(photosModule()).toHaveLength(1);
  });

  test('Cancel → alert and "denied" in the ledger; opening again asks again', async ({ page }) => {
    await consent(page, { button: sections.calendar.button, action: 'Cancel' });
    await expect(alertSaying(page, /not granted/i)).toBeVisible();
    await expect(events(page)).toHaveCount(0);
    await expect(ledgerRow(page, /calendar/i)).toContainText(/denied/i);
    await expect(tokenScopes(page)).toHaveCount(0);

    await toggle(page, 'calendar').click(); // close
    await openWithConsent(page, 'calendar');
    await expect(alertSaying(page, /not granted/i)).toHaveCount(0);
    await expect(ledgerRow(page, /calendar/i)).toContainText(/(?<!not )granted/i);
  });

  test('closing the popup → alert that the window was closed', async ({ page }) => {
    const popup = page.waitForEvent('popup');
    await toggle(page, 'docs').click();
    const win = await popup;
    await expect(win.getByRole('heading', { name: 'Choose an account' })).toBeVisible();
    await win.close();
    await expect(alertSaying(page, /closed/i)).toBeVisible();
    await expect(page.getByRole('region', { name: 'Recent documents' })).toHaveCount(0);
  });

  test('keyboard: Tab reaches each disclosure, Enter opens it, focus is visible', async ({ page }) => {
    const calendar = toggle(page, 'calendar');
    await tabTo(page, calendar);
    await expect(calendar).toHaveCSS('outline-style', 'solid');
    const popup = page.waitForEvent('popup');
    await page.keyboard.press('Enter');
    const win = await popup;
    await win.getByRole('button', { name: /alice@example\.com/ }).click();
    await clickAndWaitForClose(win, win.getByRole('button', { name: 'Continue', exact: true }));
    await expect(events(page).first()).toBeVisible();

    // Space closes it again; collapsed, nothing lies between it and the next disclosure.
    await calendar.focus();
    await page.keyboard.press('Space');
    await expect(calendar).toHaveAttribute('aria-expanded', 'false');
    await tabTo(page, toggle(page, 'photos'));
    await page.keyboard.press('Shift+Tab');
    await expect(calendar).toBeFocused();
  });

  test('axe: no serious or critical violations, collapsed and with data and an alert', async ({ page }, testInfo) => {
    await expectNoSeriousA11yViolations(page, testInfo, '/ajax collapsed');
    await openWithConsent(page, 'calendar');
    await openWithConsent(page, 'docs');
    await consent(page, { button: sections.photos.button, action: 'Cancel' });
    await expect(alertSaying(page, /not granted/i)).toBeVisible();
    await expectNoSeriousA11yViolations(page, testInfo, '/ajax with data and an alert');
  });
});
