// The consent lab — any request the token model allows, and a
// timeline of every request and answer — against the offline Google.
import fs from 'node:fs';
import type { Locator, Page, Response } from '@playwright/test';
import { expectNoSeriousA11yViolations } from '../a11y';
import { calendarScope, docsScope, emulatorURL, siteURL } from '../env';
import {
  alertSaying,
  clickAndWaitForClose,
  consent,
  expect,
  expectPopupClosesByItself,
  ledgerRow,
  test,
} from '../fixtures';

const request = 'Request access';
// The consent screen names each checkbox by the scope's description.
const calendarBox = 'See and download any calendar you can access using your Google Calendar';

test.describe.configure({ timeout: 60_000 });

function scopeBox(page: Page, scope: string): Locator {
  const name = scope.startsWith('https://') ? scope : new RegExp(`^${scope}\\b`);
  return page.getByRole('checkbox', { name });
}

function promptRadio(page: Page, value: '' | 'none' | 'consent' | 'select_account'): Locator {
  return page.getByRole('radio', { name: new RegExp(`^${value === '' ? "''" : value}(\\s|$)`) });
}

function includeGranted(page: Page): Locator {
  return page.getByRole('checkbox', { name: /^include_granted_scopes/ });
}

function timeline(page: Page): Locator {
  return page.getByRole('region', { name: 'Timeline' }).getByRole('listitem');
}

/** The newest timeline entry whose text matches. */
function entry(page: Page, text: RegExp): Locator {
  return timeline(page).filter({ hasText: text }).last();
}

function tokenItems(page: Page): Locator {
  return page.getByRole('region', { name: 'Tokens on this page' }).getByRole('listitem');
}

/** Ticks exactly these scopes in the lab's form. */
async function choose(page: Page, scopes: string[]): Promise<void> {
  for (const s of [docsScope, calendarScope, 'https://www.googleapis.com/auth/photospicker.mediaitems.readonly', 'openid', 'email', 'profile']) {
    await scopeBox(page, s).setChecked(scopes.includes(s));
  }
}

function nextVerify(page: Page): Promise<Response> {
  return page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/lab/verify');
}

/** Grants Calendar through the popup and waits for the server's verdict. */
async function grantCalendar(page: Page): Promise<void> {
  await choose(page, [calendarScope]);
  const verified = nextVerify(page);
  await consent(page, { button: request });
  expect((await verified).status()).toBe(200);
  await expect(entry(page, /verdict after the grant: 200, valid/)).toBeVisible();
}

/** Presses Tab until target has the focus. */
async function tabTo(page: Page, target: Locator, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`not reachable with Tab in ${max} presses`);
}

/** Clicks Export JSON and reads the downloaded file. */
async function exportTimeline(page: Page): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON', exact: true }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('scopewise-lab-timeline.json');
  return fs.readFileSync(await file.path(), 'utf8');
}

test.describe('Consent lab', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/lab');
    await expect(page.getByRole('heading', { level: 1, name: 'Consent lab' })).toBeVisible();
    await expect(page.getByRole('button', { name: request, exact: true })).toBeEnabled();
  });

  test('linked from the home page and the nav', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('main').getByRole('link', { name: 'Consent lab' }).click();
    await expect(page).toHaveURL(/\/lab$/);
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Consent lab' })).toHaveAttribute('aria-current', 'page');
  });

  test('two scopes, one left unticked: the page says exactly what was granted', async ({ page }) => {
    await choose(page, [docsScope, calendarScope]);
    const verified = nextVerify(page);
    const openedWith = await consent(page, {
      button: request,
      tick: [calendarBox],
      onConsentScreen: async (popup) => {
        // Two non-sign-in scopes: a checkbox each, unticked, plus Select all.
        await expect(popup.getByRole('checkbox', { name: calendarBox, exact: true })).not.toBeChecked();
        await expect(popup.getByRole('checkbox', { name: 'See all your Google Docs documents', exact: true })).not.toBeChecked();
        await expect(popup.getByRole('checkbox', { name: 'Select all', exact: true })).toBeVisible();
      },
    });
    expect(openedWith.searchParams.get('scope')?.split(' ').sort()).toEqual([calendarScope, docsScope].sort());
    expect(openedWith.searchParams.has('prompt')).toBe(false); // '' is not sent

    const answer = entry(page, /callback: TokenResponse/);
    await expect(answer).toContainText(`Requested and granted: ${calendarScope}`);
    await expect(answer).toContainText(`Requested but not granted: ${docsScope}`);
    await expect(answer).toContainText(/hasGrantedAllScopes\(response, .*\) → false/);
    await expect(answer).toContainText(/hasGrantedAnyScope\(response, .*\) → true/);
    await expect(answer).toContainText(/"access_token": "ya29…\(redacted, \d+ chars\)"/);
    await expect(alertSaying(page, /part of the request/i)).toContainText(docsScope);

    // The server's verdict: Calendar verified, Docs not in the token.
    expect((await verified).status()).toBe(200);
    const verdict = entry(page, /verdict after the grant: 200, valid/);
    await expect(verdict).toContainText('Calendar verified');
    await expect(verdict).toContainText('Docs not in this token');
    await expect(ledgerRow(page, /docs/i)).toContainText(/not granted/i);
    await expect(ledgerRow(page, /calendar/i)).toContainText(/(?<!not )granted/i);
  });

  test("prompt 'none' without a grant: the OAuth error is shown", async ({ page }) => {
    await choose(page, [calendarScope]);
    await promptRadio(page, 'none').check();
    await expectPopupClosesByItself(page, request);
    await expect(entry(page, /callback: OAuth error “interaction_required”/)).toBeVisible();
    await expect(alertSaying(page, /interaction_required/)).toBeVisible();
    await expect(tokenItems(page)).toHaveCount(0);

    // With a known account but no grant: consent is what is missing.
    await page.getByRole('textbox', { name: 'login_hint' }).fill('alice@example.com');
    await expectPopupClosesByItself(page, request);
    await expect(entry(page, /callback: OAuth error “consent_required”/)).toBeVisible();
    await expect(alertSaying(page, /consent_required/)).toBeVisible();
    await expect(entry(page, /requestAccessToken/)).toContainText('"login_hint": "alice@example.com"');
    await expect(entry(page, /requestAccessToken/)).toContainText('"prompt": "none"');
  });

  test('include_granted_scopes off: the token carries only the new scope', async ({ page }) => {
    await grantCalendar(page);

    await choose(page, [docsScope]);
    await includeGranted(page).uncheck();
    const openedWith = await consent(page, { button: request });
    expect(openedWith.searchParams.get('include_granted_scopes')).toBe('false');
    await expect(entry(page, /TokenResponse \(token 2\)/)).toContainText(`The token's scope: ${docsScope}`);
    await expect(entry(page, /TokenResponse \(token 2\)/)).not.toContainText(calendarScope.replace(/^.*\//, ''));
    await expect(tokenItems(page).nth(1)).toContainText('documents.readonly');
    await expect(tokenItems(page).nth(1)).not.toContainText('calendar');
    await expect(entry(page, /verdict after the grant: 200/)).toContainText('Calendar not in this token');

    // On again: the same request now answers at once, with the union.
    await includeGranted(page).check();
    await expectPopupClosesByItself(page, request);
    const third = entry(page, /TokenResponse \(token 3\)/);
    await expect(third).toContainText(calendarScope);
    await expect(third).toContainText(docsScope);
  });

  test('each token counts down; Expire now ends it, and authorizing again gives a fresh one', async ({ page }) => {
    await grantCalendar(page);
    const first = tokenItems(page).first();
    await expect(first).toContainText(/expires in (59|60):\d\d/);
    const before = await first.innerText();
    await expect(first).not.toHaveText(before, { timeout: 3_000 }); // it ticks

    const expired = page.waitForResponse((r) => new URL(r.url()).pathname === '/lab/expire');
    const verified = nextVerify(page);
    await page.getByRole('button', { name: 'Expire now', exact: true }).click();
    expect((await expired).status()).toBe(200);
    expect((await verified).status()).toBe(401);
    await expect(first).toContainText(/expired$/);
    await expect(entry(page, /Expire now: the emulator’s clock moved forward/)).toContainText(/Moved \d+ s forward/);
    await expect(entry(page, /verdict after Expire now: 401/)).toContainText('Token refused');
    await expect(ledgerRow(page, /calendar/i)).toContainText(/expired/i);

    // The grant still stands: the popup answers at once with a new token.
    const again = nextVerify(page);
    await expectPopupClosesByItself(page, request);
    expect((await again).status()).toBe(200);
    await expect(tokenItems(page).nth(1)).toContainText(/expires in (59|60):\d\d/);
    await expect(ledgerRow(page, /calendar/i)).toContainText(/(?<!not )granted/i);
  });

  test('Revoke access ends the whole grant; the next request asks for consent again', async ({ page }) => {
    await grantCalendar(page);
    const revoked = page.waitForResponse((r) => r.url().startsWith(`${emulatorURL}/revoke`) && r.request().method() === 'POST');
    const verified = nextVerify(page);
    await page.getByRole('button', { name: 'Revoke access', exact: true }).click();
    expect((await revoked).status()).toBe(200);
    expect((await verified).status()).toBe(401);
    await expect(entry(page, /revoke: the whole grant was revoked/)).toBeVisible();
    await expect(entry(page, /verdict after the revoke: 401/)).toBeVisible();
    await expect(tokenItems(page).first()).toContainText(/revoked$/);
    await expect(ledgerRow(page, /calendar/i)).toContainText(/revoked/i);

    // A fresh consent: the consent screen shows again.
    let consentShown = false;
    await consent(page, {
      button: request,
      onConsentScreen: async () => {
        consentShown = true;
      },
    });
    expect(consentShown).toBe(true);
    await expect(entry(page, /verdict after the grant: 200, valid/)).toBeVisible();
    await expect(ledgerRow(page, /calendar/i)).toContainText(/(?<!not )granted/i);
  });

  test('Cancel → access_denied in the timeline and "denied" in the ledger', async ({ page }) => {
    await choose(page, [docsScope, calendarScope]);
    await consent(page, { button: request, action: 'Cancel' });
    await expect(entry(page, /callback: OAuth error “access_denied”/)).toBeVisible();
    await expect(alertSaying(page, /not granted/i)).toBeVisible();
    await expect(ledgerRow(page, /docs/i)).toContainText(/denied/i);
    await expect(ledgerRow(page, /calendar/i)).toContainText(/denied/i);
  });

  test('closing the popup → error_callback in the timeline', async ({ page }) => {
    await choose(page, [calendarScope]);
    const popup = page.waitForEvent('popup');
    await page.getByRole('button', { name: request, exact: true }).click();
    await (await popup).close();
    await expect(entry(page, /error_callback: popup_closed/)).toBeVisible();
    await expect(alertSaying(page, /closed/i)).toBeVisible();
  });

  test('the timeline and its export never contain a token', async ({ page, seenTokens }) => {
    const bearers = new Set<string>();
    page.on('request', (r) => {
      const m = /^Bearer (\S+)$/.exec(r.headers()['authorization'] ?? '');
      if (m) bearers.add(m[1]);
    });
    await choose(page, [docsScope, calendarScope, 'openid', 'email']);
    await consent(page, { button: request, tick: ['Select all'] });
    await expect(entry(page, /verdict after the grant: 200, valid/)).toContainText('Docs verified');
    await page.getByRole('button', { name: 'Revoke access', exact: true }).click();
    await expect(entry(page, /verdict after the revoke: 401/)).toBeVisible();

    const tokens = new Set([...bearers, ...seenTokens]);
    expect(bearers.size, 'the page posted its token').toBeGreaterThan(0);
    const text = await page.getByRole('region', { name: 'Timeline' }).innerText();
    const exported = await exportTimeline(page);
    const doc = JSON.parse(exported) as { timeline: Array<{ kind: string }> };
    expect(doc.timeline.map((e) => e.kind)).toEqual(['request', 'response', 'verdict', 'revoke', 'revoke', 'verdict']);
    expect(exported).toContain('(redacted, ');
    for (const token of tokens) {
      expect(text.includes(token), 'a token in the timeline').toBe(false);
      expect(exported.includes(token), 'a token in the export').toBe(false);
      expect((await page.content()).includes(token), 'a token in the DOM').toBe(false);
    }
    expect(exported).not.toMatch(/ya29\.[A-Za-z0-9_-]{20,}/);
  });

  test('lab-extras.js (export, browser-side calls) loads on first use, not with the page', async ({ page }) => {
    const loaded: string[] = [];
    page.on('request', (r) => loaded.push(new URL(r.url()).pathname));
    await page.reload();
    await expect(page.getByRole('button', { name: request, exact: true })).toBeEnabled();
    await grantCalendar(page);
    expect(loaded.filter((p) => p.includes('/lab-extras.'))).toEqual([]);
    const extras = page.waitForRequest((r) => new URL(r.url()).pathname.includes('/lab-extras.'));
    await page.getByRole('radio', { name: /^call the API from the browser \(REST \+ CORS\)/ }).check();
    await extras;
  });

  test('the browser-side switch: Calendar and Docs called from the page (REST + CORS), beside the server postback', async ({ page }) => {
    const siteOrigin = new URL(siteURL).origin;
    await page.getByRole('radio', { name: /^call the API from the browser \(REST \+ CORS\)/ }).check();
    await expect(page.getByRole('textbox', { name: "Document ID for the browser's Docs call" })).not.toHaveValue('');
    await choose(page, [docsScope, calendarScope]);

    const fromBrowser = (path: RegExp) =>
      page.waitForResponse((r) => r.url().startsWith(emulatorURL) && path.test(new URL(r.url()).pathname) && r.request().method() === 'GET');
    const calendarCall = fromBrowser(/^\/calendar\/v3\/calendars\/primary\/events$/);
    const docsCall = fromBrowser(/^\/v1\/documents\//);
    const verified = nextVerify(page);
    await consent(page, { button: request, tick: ['Select all'] });
    expect((await verified).status()).toBe(200);

    // The calls really leave the page for the API's origin, with the token,
    // and the API grants this origin CORS.
    for (const call of [await calendarCall, await docsCall]) {
      expect(call.status()).toBe(200);
      expect(call.request().headers()['authorization']).toMatch(/^Bearer ya29\./);
      expect(await call.request().headerValue('origin')).toBe(siteOrigin);
      expect(await call.headerValue('access-control-allow-origin')).toBe(siteOrigin);
    }

    // Both paths in the timeline: the server's verdict, then the browser's calls.
    const cal = entry(page, /From the browser: GET \/calendar\/v3\/calendars\/primary\/events → 200/);
    await expect(cal).toContainText(/\d+ upcoming events: /);
    await expect(cal).toContainText(`"cors": "granted to ${siteOrigin}"`);
    await expect(cal).toContainText(/"Authorization": "Bearer ya29…\(redacted, \d+ chars\)"/);
    const docs = entry(page, /From the browser: GET \/v1\/documents\/\S+ → 200/);
    await expect(docs).toContainText('Document “Getting started with Scopewise”');
    const kinds = await timeline(page).evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.kind));
    expect(kinds).toEqual(['request', 'response', 'verdict', 'rest', 'rest']);

    // After a revoke the API refuses the token, and the page can read why.
    await page.getByRole('button', { name: 'Revoke access', exact: true }).click();
    const refused = entry(page, /From the browser: GET \/calendar\/v3\/calendars\/primary\/events → 401/);
    await expect(refused).toContainText('UNAUTHENTICATED');
    await expect(refused).toContainText('invalid_token'); // WWW-Authenticate is exposed to the page
  });

  test('keyboard: every control is reachable, and a request runs from the keyboard', async ({ page }) => {
    const controls = [
      scopeBox(page, calendarScope),
      promptRadio(page, ''),
      includeGranted(page),
      page.getByRole('textbox', { name: 'login_hint' }),
      page.getByRole('button', { name: request, exact: true }),
      page.getByRole('button', { name: 'Expire now', exact: true }),
      page.getByRole('button', { name: 'Export JSON', exact: true }),
    ];
    for (const control of controls) {
      await tabTo(page, control);
      await expect(control).toHaveCSS('outline-style', 'solid');
    }

    await page.getByRole('link', { name: 'Consent lab' }).focus();
    await tabTo(page, scopeBox(page, calendarScope));
    await page.keyboard.press('Space');
    await expect(scopeBox(page, calendarScope)).toBeChecked();
    await tabTo(page, page.getByRole('button', { name: request, exact: true }));
    const popup = page.waitForEvent('popup');
    await page.keyboard.press('Enter');
    const win = await popup;
    await win.getByRole('button', { name: /alice@example\.com/ }).click();
    await clickAndWaitForClose(win, win.getByRole('button', { name: 'Continue', exact: true }));
    await expect(entry(page, /verdict after the grant: 200, valid/)).toBeVisible();
    // Revoke access is enabled (and reachable) once a live token is here.
    await page.getByRole('link', { name: 'Consent lab' }).focus();
    await tabTo(page, page.getByRole('button', { name: 'Revoke access', exact: true }));

    await tabTo(page, page.getByRole('button', { name: 'Export JSON', exact: true }));
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    expect((await download).suggestedFilename()).toBe('scopewise-lab-timeline.json');
  });

  test('axe: no serious or critical violations, empty and with a timeline', async ({ page }, testInfo) => {
    await expectNoSeriousA11yViolations(page, testInfo, '/lab');
    await choose(page, [docsScope, calendarScope]);
    await consent(page, { button: request, tick: [calendarBox] });
    await expect(entry(page, /verdict after the grant: 200, valid/)).toBeVisible();
    await page.getByRole('button', { name: 'Expire now', exact: true }).click();
    await expect(entry(page, /verdict after Expire now: 401/)).toBeVisible();
    await expectNoSeriousA11yViolations(page, testInfo, '/lab with a timeline, a verdict and alerts');
  });
});
