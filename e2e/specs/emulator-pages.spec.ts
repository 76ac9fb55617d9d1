// The emulator's own pages as a learner or a demo sees them, at a desktop and
// a phone size, light and dark: the popup (chooser, Use another account,
// consent with its icons and Learn more, the unverified-app screen) and the
// /_emu/ page (Reset, Advance clock 1 hour, the way back to the site, the
// request log with tokens redacted). axe finds nothing serious on any.
import type { Locator, Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from '../a11y';
import { calendarScope, docsScope, emulatorURL, otherClientID, siteURL } from '../env';
import { clickAndWaitForClose, expect, test } from '../gis-emulator';

test.use({ gisEmulatorURL: emulatorURL, rerouteGoogle: false });
// Several axe scans a test: give them room on a loaded machine.
test.describe.configure({ timeout: 120_000 });

const calendarBox = 'See and download any calendar you can access using your Google Calendar';

/** Nothing sticks out sideways: no horizontal scrolling. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth))
    .toBeLessThanOrEqual(0);
}

/** The page's background follows the colour scheme. */
async function expectTheme(page: Page, dark: boolean): Promise<void> {
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
  const light = (r + g + b) / 3 > 128;
  expect(light, `body background ${bg} in ${dark ? 'dark' : 'light'} mode`).toBe(!dark);
}

const sizes = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
];

for (const size of sizes) {
  for (const scheme of ['light', 'dark'] as const) {
    test.describe(`${size.name}, ${scheme}`, () => {
      test.use({ viewport: size.viewport, colorScheme: scheme });
      const dark = scheme === 'dark';

      /** Opens the lab's popup for Docs and Calendar, at the test's size. */
      async function openLabPopup(page: Page, gis: { openPopup: (t: Locator) => Promise<Page> }): Promise<Page> {
        await page.goto('/lab');
        const request = page.getByRole('button', { name: 'Request access', exact: true });
        await expect(request).toBeEnabled();
        await page.getByRole('checkbox', { name: docsScope }).check();
        await page.getByRole('checkbox', { name: calendarScope }).check();
        const popup = await gis.openPopup(request);
        await popup.setViewportSize(size.viewport);
        return popup;
      }

      test('the popup: chooser and Use another account', async ({ page, gis }, testInfo) => {
        const popup = await openLabPopup(page, gis);

        // The chooser: plainly the emulator, with Use another account.
        await expect(popup.getByRole('heading', { name: 'Choose an account' })).toBeVisible();
        await expect(popup.getByRole('banner')).toContainText('Emulator');
        await expect(popup.getByRole('contentinfo').getByRole('link', { name: 'Help' })).toBeVisible();
        await expect(popup.getByRole('contentinfo').getByRole('link', { name: 'Privacy' })).toBeVisible();
        await expect(popup.getByRole('contentinfo').getByRole('link', { name: 'Terms' })).toBeVisible();
        await expectTheme(popup, dark);
        await expectNoSidewaysScroll(popup);
        await expectNoSeriousA11yViolations(popup, testInfo, `chooser ${size.name} ${scheme}`);

        // Use another account: an unknown email is refused in the form, a
        // known one signs in.
        await popup.getByRole('button', { name: 'Use another account' }).click();
        const email = popup.getByRole('textbox', { name: 'Email' });
        await expect(email).toBeFocused();
        await email.fill('nobody@example.com');
        await popup.getByRole('button', { name: 'Next' }).click();
        await expect(popup.getByRole('textbox', { name: 'Email' })).toHaveAttribute('aria-invalid', 'true');
        await expect(popup.getByText("Couldn't find an account with that email in the emulator")).toBeVisible();
        await expectNoSidewaysScroll(popup);
        await expectNoSeriousA11yViolations(popup, testInfo, `use another account ${size.name} ${scheme}`);
        await popup.getByRole('textbox', { name: 'Email' }).fill('bob@example.com');
        await popup.getByRole('button', { name: 'Next' }).click();
        await expect(popup.getByRole('heading', { name: 'Scopewise wants access to your Google Account' })).toBeVisible();
        await expect(popup.locator('.chip')).toHaveText(/B\s*bob@example\.com/);
        await clickAndWaitForClose(popup, popup.getByRole('button', { name: 'Cancel', exact: true }));
      });

      test('the popup: consent with icons, Learn more and the policy line', async ({ page, gis }, testInfo) => {
        const popup = await openLabPopup(page, gis);
        await popup.getByRole('button', { name: 'alice@example.com' }).click();
        await expect(popup.getByRole('heading', { name: 'Scopewise wants access to your Google Account' })).toBeVisible();
        await expect(popup.locator('.chip')).toHaveText(/A\s*alice@example\.com/);
        await expect(popup.locator('li.scope svg.icon')).toHaveCount(2);
        const box = popup.getByRole('checkbox', { name: calendarBox, exact: true });
        await expect(box).not.toBeChecked();
        await popup.getByText('Learn more').first().click();
        await expect(popup.getByText(calendarScope, { exact: true })).toBeVisible();
        await expect(popup.getByText(/registered no privacy policy or terms of service/)).toBeVisible();
        await expectTheme(popup, dark);
        await expectNoSidewaysScroll(popup);
        await expectNoSeriousA11yViolations(popup, testInfo, `consent ${size.name} ${scheme}`);
        await box.check();
        await clickAndWaitForClose(popup, popup.getByRole('button', { name: 'Continue', exact: true }));
        const state = await gis.state();
        expect(state.grants).toEqual([expect.objectContaining({ account: 'alice@example.com', scopes: [calendarScope] })]);
      });

      test("the popup: Google hasn't verified this app", async ({ page }, testInfo) => {
        // Another App is registered unverified; its popup, opened on its own.
        const q = new URLSearchParams({
          gsiwebsdk: '3',
          client_id: otherClientID,
          scope: calendarScope,
          redirect_uri: 'storagerelay://http/other-app.localhost?id=auth1',
          response_type: 'token',
          include_granted_scopes: 'true',
          enable_granular_consent: 'true',
        });
        await page.goto(`${emulatorURL}/o/oauth2/v2/auth?${q}`);
        await page.getByRole('button', { name: 'alice@example.com' }).click();
        await expect(page.getByRole('heading', { name: "Google hasn't verified this app" })).toBeVisible();
        await expect(page.getByRole('button', { name: 'Back to safety' })).toBeVisible();
        await expectTheme(page, dark);
        await expectNoSidewaysScroll(page);
        await expectNoSeriousA11yViolations(page, testInfo, `unverified ${size.name} ${scheme}`);
        await page.getByText('Advanced').click();
        await page.getByRole('button', { name: 'Go to other-app.localhost (unsafe)' }).click();
        await expect(page.getByRole('heading', { name: 'Another App wants access to your Google Account' })).toBeVisible();
      });

      test('/_emu/: the request log, Advance clock 1 hour, Reset, back to the site', async ({ page, gis }, testInfo) => {
        await page.goto('/calendar');
        await gis.grant(page.getByRole('button', { name: 'Show calendar info' }));
        await expect(page.getByRole('region', { name: 'Your next events' }).getByRole('listitem').first()).toBeVisible();

        await page.goto(`${emulatorURL}/_emu/`);
        const log = page.getByRole('region', { name: 'Request log' });
        // The site's server checked the token: logged, token redacted.
        const tokeninfo = log.getByRole('row').filter({ hasText: 'POST /tokeninfo' }).first();
        await tokeninfo.getByText('Details').click();
        await expect(tokeninfo).toContainText('access_token=(redacted)');
        await expect(tokeninfo).toContainText('"aud"');
        await expect(log.getByText(/answered .*: a token for alice@example\.com/)).toBeVisible();
        expect(await page.content()).not.toMatch(/ya29\.a0[A-Za-z0-9_-]/);
        await expect(page.getByRole('link', { name: /Back to the site/ })).toHaveAttribute('href', siteURL);
        await expectTheme(page, dark);
        await expectNoSidewaysScroll(page);
        const accounts = page.getByRole('table', { name: 'Accounts' });
        const box = await accounts.boundingBox();
        expect(box && box.x + box.width).toBeLessThanOrEqual(size.viewport.width);
        await expectNoSeriousA11yViolations(page, testInfo, `/_emu/ ${size.name} ${scheme}`);

        await page.getByRole('button', { name: 'Advance clock 1 hour' }).click();
        await expect(page.getByRole('status')).toHaveText(/The clock moved forward 1 hour/);
        await expect(page.getByText('(moved forward 1h0m0s)')).toBeVisible();
        await expect(page.getByRole('region', { name: 'Tokens' })).toContainText('expired');

        await page.getByRole('button', { name: 'Reset' }).click();
        await expect(page.getByRole('status')).toHaveText(/^Reset:/);
        await expect(page.getByRole('region', { name: 'Grants' })).toContainText('No grants.');
        await expect(page.getByText('(the wall clock)')).toBeVisible();
        await expect(log.getByRole('row')).toHaveCount(2); // the header row and POST /_emu/reset
        await expect(log).toContainText('POST /_emu/reset');
        await expectNoSeriousA11yViolations(page, testInfo, `/_emu/ after reset ${size.name} ${scheme}`);

        await page.getByRole('link', { name: /Back to the site/ }).click();
        await expect(page).toHaveURL(`${siteURL}/`);
      });
    });
  }
}
