// The Calendar page against the offline Google.
import type { Page, Response } from '@playwright/test';
import { calendarScope, emulatorURL, siteClientID, siteURL } from '../env';
import {
  alertSaying,
  consent,
  expect,
  expectPopupClosesByItself,
  ledgerRow,
  openPopup,
  test,
  type Emulator,
} from '../fixtures';

const button = 'Show calendar info';
const alice = 'alice@example.com';

/** The next POST /calendar (the postback), to be awaited after the click. */
function nextPostback(page: Page): Promise<Response> {
  return page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/calendar',
  );
}

function events(page: Page) {
  return page.getByRole('region', { name: 'Your next events' }).getByRole('listitem');
}

function calendarRow(page: Page) {
  return ledgerRow(page, /calendar/i);
}

async function expectGranted(page: Page): Promise<void> {
  const row = calendarRow(page);
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(/(?<!not )granted/i);
  await expect(row).toContainText(/until/i);
  await expect(row).not.toContainText(/expired|revoked/i);
}

/** Alice's next events as the emulator's Calendar API lists them. */
async function aliceNextEvents(emu: Emulator, page: Page) {
  const { access_token } = await emu.mint({ account: alice, scopes: [calendarScope] });
  const url = new URL(`${emulatorURL}/calendar/v3/calendars/primary/events`);
  url.search = new URLSearchParams({
    timeMin: new Date().toISOString(),
    singleEvents: 'true',
    orderBy: 'startTime',
    maxResults: '25',
  }).toString();
  const res = await page.request.get(url.toString(), { headers: { Authorization: `Bearer ${access_token}` } });
  expect(res.status(), 'events.list with a minted token').toBe(200);
  const body = (await res.json()) as { items: Array<{ summary: string; location?: string }> };
  expect(body.items.length, 'alice has upcoming events in the seed data').toBeGreaterThan(0);
  return body.items;
}

test.describe('Calendar page', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/calendar');
    await expect(page.getByRole('heading', { level: 1, name: 'Upcoming events' })).toBeVisible();
  });

  test('step 3–4: consent shows the next events and the ledger says granted', async ({ page, emu }) => {
    const postback = nextPostback(page);
    const openedWith = await consent(page, {
      button,
      onConsentScreen: async (popup) => {
        // One non-sign-in scope: a plain Continue/Cancel screen, no checkboxes.
        await expect(popup.getByRole('button', { name: 'Cancel', exact: true })).toBeVisible();
        await expect(popup.getByRole('checkbox')).toHaveCount(0);
        await expect(popup.getByText(/calendar/i).first()).toBeVisible();
      },
    });

    // The popup is the emulator's, opened as GIS opens Google's.
    expect(openedWith.origin).toBe(new URL(emulatorURL).origin);
    expect(openedWith.pathname).toBe('/o/oauth2/v2/auth');
    expect(openedWith.searchParams.get('client_id')).toBe(siteClientID);
    expect(openedWith.searchParams.get('scope')?.split(' ')).toContain(calendarScope);
    expect(openedWith.searchParams.get('response_type')).toBe('token');
    expect(openedWith.searchParams.get('redirect_uri')).toMatch(
      new RegExp(`^storagerelay://http/${new URL(siteURL).host}\\?id=auth\\d+$`),
    );

    // The page posted the token back in the Authorization header.
    const res = await postback;
    expect(res.status()).toBe(200);
    expect(await res.request().headerValue('authorization')).toMatch(/^Bearer \S+$/);

    // The next events, as the emulator has them: title and where.
    await expect(events(page).first()).toBeVisible();
    const [first] = await aliceNextEvents(emu, page);
    const item = events(page).filter({ hasText: first.summary });
    await expect(item).toHaveCount(1);
    if (first.location) await expect(item).toContainText(first.location);

    await expectGranted(page);
  });

  test('step 5: a second press within the hour asks nothing (popup closes by itself)', async ({ page }) => {
    await consent(page, { button });
    await expect(events(page).first()).toBeVisible();

    // A fresh page load: the token lived in memory only, so a new one is needed.
    await page.reload();
    const postback = nextPostback(page);
    await expectPopupClosesByItself(page, button);
    expect((await postback).status()).toBe(200);
    await expect(events(page).first()).toBeVisible();
    await expectGranted(page);
  });

  test('step 6: Cancel → alert that access was not granted, and trying again works', async ({ page }) => {
    await consent(page, { button, action: 'Cancel' });
    await expect(alertSaying(page, /not granted/i)).toBeVisible();
    await expect(events(page)).toHaveCount(0);
    await expect(calendarRow(page)).not.toContainText(/(?<!not )granted/i);

    // The way to try again.
    await consent(page, { button });
    await expect(events(page).first()).toBeVisible();
    await expect(alertSaying(page, /not granted/i)).toHaveCount(0);
    await expectGranted(page);
  });

  test('step 6: closing the popup → alert that the window was closed', async ({ page }) => {
    const popup = await openPopup(page, button);
    await expect(popup.getByRole('heading', { name: 'Choose an account' })).toBeVisible();
    await popup.close();
    await expect(alertSaying(page, /closed/i)).toBeVisible();
    await expect(page.getByRole('button', { name: button, exact: true })).toBeVisible();
    await expect(events(page)).toHaveCount(0);
  });

  test('step 6: a blocked popup → alert that it was blocked', async ({ page }) => {
    await page.addInitScript(() => {
      window.open = () => null; // what a popup blocker does
    });
    await page.reload();
    let popups = 0;
    page.on('popup', () => popups++);
    await page.getByRole('button', { name: button, exact: true }).click();
    await expect(alertSaying(page, /blocked/i)).toBeVisible();
    await expect(page.getByRole('button', { name: button, exact: true })).toBeVisible();
    expect(popups).toBe(0);
  });

  test('step 7: after expiry Refresh answers 401, the alert says expired, and authorizing again works', async ({
    page,
    emu,
  }) => {
    await consent(page, { button });
    await expect(events(page).first()).toBeVisible();

    await emu.advanceClock('3700s');
    const postback = nextPostback(page);
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    const res = await postback;
    expect(res.status()).toBe(401);
    expect(await res.headerValue('www-authenticate')).toMatch(/^Bearer\b.*error="invalid_token"/);

    await expect(alertSaying(page, /expired/i)).toBeVisible();
    await expect(calendarRow(page)).toContainText(/expired/i);

    // The grant still stands, so Google hands out a new token without asking.
    const again = nextPostback(page);
    await expectPopupClosesByItself(page, button);
    expect((await again).status()).toBe(200);
    await expect(events(page).first()).toBeVisible();
    await expect(alertSaying(page, /expired/i)).toHaveCount(0);
    await expectGranted(page);
  });

  test('step 8: Revoke access → the old token is refused and the next press asks for consent again', async ({
    page,
  }) => {
    await consent(page, { button });
    await expect(events(page).first()).toBeVisible();

    const revoked = page.waitForResponse(
      (r) => r.url().startsWith(`${emulatorURL}/revoke`) && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Revoke access', exact: true }).click();
    expect((await revoked).status()).toBe(200);
    // What the user sees once the revoke is done (and before pressing on).
    await expect(calendarRow(page)).toContainText(/revoked/i);

    const postback = nextPostback(page);
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    const res = await postback;
    expect(res.status()).toBe(401);
    expect(await res.headerValue('www-authenticate')).toMatch(/^Bearer\b.*error="invalid_token"/);
    await expect(alertSaying(page, /revoked|expired|authorize again/i)).toBeVisible();
    await expect(calendarRow(page)).toContainText(/revoked/i);

    // The whole grant is gone: the consent screen shows again.
    await consent(page, { button });
    await expect(events(page).first()).toBeVisible();
    await expectGranted(page);
  });

  test('a Calendar API failure shows an alert naming the API', async ({ page, emu }) => {
    // Twice: the server retries a GET once on a 503.
    await emu.injectFault({ path: '/calendar/v3/calendars/primary/events', status: 503, count: 2 });
    const postback = nextPostback(page);
    await consent(page, { button });
    expect((await postback).status()).toBe(503);
    await expect(alertSaying(page, /calendar/i)).toBeVisible();
    await expect(events(page)).toHaveCount(0);
  });

  test('each event type reads as what it is: birthday, working location, out of office, focus time, from Gmail', async ({ page }) => {
    const postback = nextPostback(page);
    await consent(page, { button });
    expect((await postback).status()).toBe(200);
    const list = events(page);
    await expect(list.first()).toBeVisible();
    const ofType = (t: string) => page.getByRole('region', { name: 'Your next events' }).locator(`li[data-event-type="${t}"]`);
    await expect(ofType('birthday').first()).toContainText(/Birthday:.*birthday.*all day/s);
    await expect(ofType('workingLocation').filter({ hasText: 'Working from home' })).toHaveCount(1);
    await expect(ofType('workingLocation').filter({ hasText: 'Working from the office London office' })).toHaveCount(1);
    await expect(ofType('outOfOffice').first()).toContainText('Out of office');
    await expect(ofType('outOfOffice').first()).toContainText('declines clashing invitations');
    await expect(ofType('focusTime').first()).toContainText('do not disturb');
    await expect(ofType('fromGmail').first()).toContainText('From Gmail:');
    // A plain meeting carries no type label.
    await expect(ofType('default').first().locator('.event-kind')).toHaveCount(0);
    // One item per event, every one typed.
    await expect(page.getByRole('region', { name: 'Your next events' }).locator('li:not([data-event-type])')).toHaveCount(0);
  });
});
