// Strict popup gestures: Safari opens no popup for a token request made
// without a fresh user activation (the click was too long ago, as after an
// await), while Chromium under Playwright opens it anyway. With the
// emulator's strict option on, the request fails as in Safari.
import { test, expect } from '@scopewise/gis-emulator';

test.describe.configure({ timeout: 60_000 });

const show = 'Show my next events';
// The example page's token client: a top-level let of its script, which the
// page's code below (run in the page) sees.
declare const client: { requestAccessToken(): void };

// A button whose handler awaits a slow call before asking for a token: past
// Chromium's transient activation (5 s), the activation has expired.
async function addSlowButton(page: import('@playwright/test').Page): Promise<void> {
  await page.evaluate(() => {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Ask after a slow call' });
    b.addEventListener('click', async () => {
      await new Promise((r) => setTimeout(r, 6_000));
      client.requestAccessToken();
    });
    document.querySelector('main')!.append(b);
  });
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: show })).toBeEnabled();
  await addSlowButton(page);
});

test('without the option, a request after a slow await still opens the popup (Chromium never shows the bug)', async ({ page, gis }) => {
  await gis.grant(page.getByRole('button', { name: 'Ask after a slow call' }));
  await expect(page.getByRole('list', { name: 'Events' }).getByRole('listitem')).toHaveCount(5);
});

test('strict: a request after a slow await fails with popup_failed_to_open, as in Safari', async ({ page, gis }) => {
  await gis.setOptions({ strictPopupGestures: true });
  await page.getByRole('button', { name: 'Ask after a slow call' }).click();
  await expect(page.getByRole('status')).toHaveText('The Google window did not finish (popup_failed_to_open).', { timeout: 30_000 });
  expect((await gis.state()).tokens).toEqual([]);
});

test('strict: a request inside the click opens the popup and works', async ({ page, gis }) => {
  await gis.setOptions({ strictPopupGestures: true });
  await gis.grant(page.getByRole('button', { name: show }));
  await expect(page.getByRole('list', { name: 'Events' }).getByRole('listitem')).toHaveCount(5);
});
