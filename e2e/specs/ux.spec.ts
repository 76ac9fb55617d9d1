// What a learner sees, on a desktop and on a phone, light and dark: answers
// land in view, the ledger and Revoke say what is true after a reload, one
// time format on the page clock, what a missing GIS library looks like, the
// Photos picker's close, and the smaller points (nav, keywords, collapsed
// JSON, one "Upcoming events" heading).
import type { Locator, Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from '../a11y';
import { calendarScope, emulatorURL } from '../env';
import {
  alertSaying,
  clickAndWaitForClose,
  consent,
  expect,
  expectPopupClosesByItself,
  ledgerRow,
  test,
} from '../fixtures';

const docsScope = 'https://www.googleapis.com/auth/documents.readonly';
const calendarBox = 'See and download any calendar you can access using your Google Calendar';
const showCalendar = 'Show calendar info';
/** One time format everywhere (views.TimeFormat). */
const clockTime = /\b\d\d:\d\d:\d\d UTC\b/;

const sizes = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
];

test.describe.configure({ timeout: 60_000 });

function revokeButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Revoke access', exact: true });
}

function timeline(page: Page): Locator {
  return page.getByRole('region', { name: 'Timeline' }).getByRole('listitem');
}

function nextVerify(page: Page) {
  return page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/lab/verify');
}

/** Ticks exactly these scopes in the lab's form. */
async function choose(page: Page, scopes: string[]): Promise<void> {
  for (const s of [docsScope, calendarScope]) await page.getByRole('checkbox', { name: s }).setChecked(scopes.includes(s));
}

/** The element's background colour, as computed. */
function background(l: Locator): Promise<string> {
  return l.evaluate((el) => getComputedStyle(el).backgroundColor);
}

for (const size of sizes) {
  test.describe(`on a ${size.name} (${size.viewport.width}×${size.viewport.height})`, () => {
    test.use({ viewport: size.viewport });

    test('answers and alerts land where the user is looking', async ({ page }) => {
      await page.goto('/docs');
      await consent(page, { button: 'Show recent documents' });
      // The Docs page's results sit below its form and samples: on a phone, screens below.
      await expect(page.getByRole('heading', { name: 'Recent documents' })).toBeInViewport({ ratio: 0.99 });

      await page.goto('/calendar');
      await consent(page, { button: showCalendar, action: 'Cancel' });
      await expect(alertSaying(page, /not granted/i)).toBeInViewport({ ratio: 0.99 });
    });

    test('Revoke is disabled with its reason until the page holds a token; after a reload the ledger and the note say what is true', async ({ page }) => {
      await page.goto('/calendar');
      const revoke = revokeButton(page);
      const note = page.locator('#calendar-revoke-note');
      await expect(page.getByRole('button', { name: showCalendar, exact: true })).toBeEnabled();
      await expect(revoke).toBeDisabled();
      await expect(revoke).toHaveAccessibleDescription(/Nothing to revoke yet/);

      await consent(page, { button: showCalendar });
      await expect(page.getByRole('region', { name: 'Your next events' }).getByRole('listitem').first()).toBeVisible();
      await expect(revoke).toBeEnabled();
      await expect(note).toBeHidden();

      await page.reload();
      await expect(page.getByRole('button', { name: showCalendar, exact: true })).toBeEnabled();
      const until = (await ledgerRow(page, /calendar/i).getAttribute('data-until')) ?? '';
      expect(until).toMatch(clockTime);
      await expect(ledgerRow(page, /calendar/i)).toContainText(`until ${until}`);
      await expect(revoke).toBeDisabled();
      await expect(note).toHaveText(`Granted until ${until}. This page has had no token since it loaded (tokens live in page memory only); “${showCalendar}” gets one, and then Revoke access can end the grant.`);
      await expect(revoke).toHaveAccessibleDescription(/^Granted until/);
      await expect(page.getByRole('alert')).toHaveCount(0);

      // The button gets one (the grant stands: nothing to ask).
      await expectPopupClosesByItself(page, showCalendar);
      await expect(revoke).toBeEnabled();

      // Revoking clears what the token read, and Revoke goes back to disabled.
      await revoke.click();
      await expect(ledgerRow(page, /calendar/i)).toContainText(/revoked/i);
      await expect(page.getByRole('region', { name: 'Your next events' })).toHaveCount(0);
      await expect(revoke).toBeDisabled();
      await expect(revoke).toHaveAccessibleDescription(/no live token/);
    });

    test('one time format, on the emulator’s clock, labelled once it was moved', async ({ page, emu }) => {
      await page.goto('/lab');
      await choose(page, [calendarScope]);
      const verified = nextVerify(page);
      await consent(page, { button: 'Request access' });
      expect((await verified).status()).toBe(200);
      const times = page.getByRole('region', { name: 'Timeline' }).locator('time');
      await expect(times.first()).toHaveText(/^\d\d:\d\d:\d\d UTC$/);
      await expect(page.locator('#lab-verdict')).toContainText(clockTime);
      const until = (await ledgerRow(page, /calendar/i).getAttribute('data-until')) ?? '';
      await expect(page.locator('[data-clock-note]')).toHaveCount(0);

      // Moved from outside the site (the /_emu/ page): past the token's end.
      await emu.advanceClock('3700s');
      await page.goto('/calendar');
      await expect(ledgerRow(page, /calendar/i)).toContainText(new RegExp(`expired\\s*since ${until}`));
      await expect(page.locator('[data-clock-note]')).toContainText(/emulator's clock, moved 1 h 1 min 40 s ahead of real time: it now reads \d\d:\d\d:\d\d UTC/);

      // The lab's own entries say so too.
      await page.goto('/lab');
      await choose(page, [calendarScope]);
      await consent(page, { button: 'Request access' }).catch(() => undefined); // the grant stands: it may close by itself
      await expect(timeline(page).first().locator('time')).toHaveText(/^\d\d:\d\d:\d\d UTC \(emulator clock, moved\)$/);
      // What just happened dates the request on the same clock as the ledger's note.
      const summary = page.locator('[data-trace-summary]');
      await expect(summary).toContainText(/The last request, from \d\d:\d\d:\d\d UTC/);
      const secondsOfDay = (s: string | null) => {
        const [h, m, sec] = /(\d\d):(\d\d):(\d\d) UTC/.exec(s ?? '')!.slice(1).map(Number);
        return h * 3600 + m * 60 + sec;
      };
      const apart = Math.abs(secondsOfDay(await summary.textContent()) - secondsOfDay(await page.locator('[data-clock-note]').textContent()));
      expect(Math.min(apart, 86_400 - apart), 'seconds between the trace’s time and the emulator clock’s').toBeLessThan(120);
    });

    test('a partial grant: the unticked scope is "not granted: left unticked", and the alert is a notice, not an error', async ({ page }) => {
      await page.goto('/lab');
      await choose(page, [docsScope, calendarScope]);
      const verified = nextVerify(page);
      await consent(page, { button: 'Request access', tick: [calendarBox] });
      expect((await verified).status()).toBe(200);
      await expect(ledgerRow(page, /docs/i)).toContainText(/not granted\s*left unticked on the consent screen at \d\d:\d\d:\d\d UTC/);
      const notice = alertSaying(page, /part of the request/i);
      await expect(notice).toBeInViewport({ ratio: 0.99 });
      const noticeBackground = await background(notice);

      await choose(page, [docsScope]);
      await consent(page, { button: 'Request access', action: 'Cancel' });
      const error = alertSaying(page, /not granted/i);
      await expect(error).toBeVisible();
      expect(await background(error)).not.toBe(noticeBackground);
    });

    test('when Google’s library cannot load, an alert says why and what to try', async ({ page }) => {
      await page.route(`${emulatorURL}/gsi/client*`, (route) => route.abort('blockedbyclient'));
      for (const path of ['/calendar', '/ajax', '/lab']) {
        await page.goto(path);
        const alert = alertSaying(page, /Google's sign-in library (could not|has not) load/);
        await expect(alert).toBeVisible();
        await expect(alert).toContainText(/blocker/);
        await expect(alert).toContainText(/reload the page/);
        await expect(alert).toBeInViewport();
      }
    });

    test('Photos: the page asks for the photos as soon as the picker closes, and says so', async ({ page }) => {
      await page.goto('/photos');
      await consent(page, { button: 'Display photos' });
      const choose = page.getByRole('button', { name: 'Choose photos in Google Photos', exact: true });
      await expect(choose).toBeVisible();
      // A long interval: only the window's close can make the page ask in time.
      await page.locator('[data-picker]').evaluate((el: HTMLElement) => (el.dataset.pollIntervalMs = '60000'));
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/photos/session', async (route) => {
        await held;
        await route.continue();
      });
      const popup = page.waitForEvent('popup');
      await choose.click();
      const picker = await popup;
      await picker.getByRole('checkbox').first().check();
      await clickAndWaitForClose(picker, picker.getByRole('button', { name: 'Done', exact: true }));
      await expect(page.getByRole('status').filter({ hasText: 'Getting your photos…' })).toBeVisible();
      release();
      await expect(page.getByRole('region', { name: 'Photos' }).getByRole('img').first()).toBeVisible();
    });

    test('the blocked-popup alert gives its instruction once', async ({ page }) => {
      await page.addInitScript(() => {
        window.open = () => null; // what a popup blocker does
      });
      await page.goto('/calendar');
      await page.getByRole('button', { name: showCalendar, exact: true }).click();
      const alert = alertSaying(page, /blocked/i);
      await expect(alert).toBeVisible();
      const text = (await alert.innerText()).replace(/\s+/g, ' ');
      expect(text.match(/allow popups/gi) ?? []).toHaveLength(1);
      expect(text.match(/press/gi) ?? []).toHaveLength(1);
      expect(text).toContain(`Press “${showCalendar}” to try again.`);
    });

    test('layout: the nav and the lab’s keywords never break inside a word, nothing overflows sideways', async ({ page }) => {
      for (const path of ['/', '/calendar', '/lab']) {
        await page.goto(path);
        const lines = await page.locator('.top nav a').evaluateAll((links) => links.map((a) => a.getClientRects().length));
        expect(lines, `${path}: each nav link on one line`).toEqual(lines.map(() => 1));
        const tops = await page.locator('.top nav a').evaluateAll((links) => new Set(links.map((a) => Math.round(a.getBoundingClientRect().top))).size);
        expect(tops, `${path}: the nav on one line`).toBe(1);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), `${path}: no sideways scroll`).toBe(true);
      }
      const keywords = page.locator('.lab-form .check code');
      const broken = await keywords.evaluateAll((codes) =>
        codes.filter((c) => !/[/.]/.test(c.textContent ?? '') && c.getClientRects().length > 1).map((c) => c.textContent),
      );
      expect(broken, 'keywords split across lines').toEqual([]);
      const words = await keywords.evaluateAll((codes) => codes.map((c) => c.textContent ?? ''));
      expect(words).toEqual(expect.arrayContaining(['openid', 'consent', 'select_account', 'include_granted_scopes']));
    });

    test('the lab’s raw JSON is collapsed; the calendar’s results are not a second "Upcoming events"', async ({ page }) => {
      await page.goto('/lab');
      await choose(page, [calendarScope]);
      const verified = nextVerify(page);
      await consent(page, { button: 'Request access' });
      expect((await verified).status()).toBe(200);
      const first = timeline(page).first();
      await expect(first.locator('pre')).toBeHidden();
      await first.getByText('Details (JSON)', { exact: true }).click();
      await expect(first.locator('pre')).toBeVisible();
      await expect(first.locator('pre')).toContainText('"overrides"');

      await page.goto('/calendar');
      await expectPopupClosesByItself(page, showCalendar);
      await expect(page.getByRole('region', { name: 'Your next events' }).getByRole('listitem').first()).toBeVisible();
      await expect(page.getByRole('heading', { name: 'Upcoming events' })).toHaveCount(1);
    });
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test.describe(`axe on a ${size.name}, ${colorScheme}`, () => {
      test.use({ viewport: size.viewport, colorScheme });
      // axe's scan of a long page takes a while on a loaded machine.
      test.describe.configure({ timeout: 120_000 });

      for (const path of ['/', '/docs', '/photos', '/ajax']) {
        test(`${path} as loaded`, async ({ page }, testInfo) => {
          await page.goto(path);
          // The page follows the system's scheme: a dark page is dark, a light one light.
          const [r, g, b] = (await background(page.locator('body'))).match(/\d+/g)!.map(Number);
          expect(r + g + b < 3 * 128, `body background rgb(${r}, ${g}, ${b})`).toBe(colorScheme === 'dark');
          await expectNoSeriousA11yViolations(page, testInfo, `${path} (${size.name} ${colorScheme})`);
        });
      }

      test('the Calendar page after a reload, with the Revoke note', async ({ page }, testInfo) => {
        await page.goto('/calendar');
        await consent(page, { button: showCalendar });
        await expect(page.getByRole('region', { name: 'Your next events' }).getByRole('listitem').first()).toBeVisible();
        await expectNoSeriousA11yViolations(page, testInfo, `/calendar with events (${size.name} ${colorScheme})`);
        await page.reload();
        await expect(page.locator('#calendar-revoke-note')).toContainText('Granted until');
        await expectNoSeriousA11yViolations(page, testInfo, `/calendar after a reload (${size.name} ${colorScheme})`);
      });

      test('the lab with a timeline, a notice, an alert and a moved clock', async ({ page }, testInfo) => {
        await page.goto('/lab');
        await choose(page, [docsScope, calendarScope]);
        await consent(page, { button: 'Request access', tick: [calendarBox] });
        await expect(alertSaying(page, /part of the request/i)).toBeVisible();
        await page.getByRole('button', { name: 'Expire now', exact: true }).click();
        await expect(page.locator('[data-clock-note]')).toBeVisible();
        await choose(page, [docsScope]);
        await consent(page, { button: 'Request access', action: 'Cancel' });
        await expect(alertSaying(page, /not granted/i)).toBeVisible();
        await expectNoSeriousA11yViolations(page, testInfo, `/lab (${size.name} ${colorScheme})`);
      });
    });
  }
}
