// Google's Calendar JS quickstart (quickstart/index.html, unchanged but for
// its client ID), with accounts.google.com/gsi/client routed to the emulator.
import { test, expect } from '../../e2e/gis-emulator';

test.beforeEach(async ({ context }) => {
  // The quickstart also loads gapi (apis.google.com/js/api.js), which the
  // emulator does not serve: refuse it at once instead of waiting on the network.
  await context.route('https://apis.google.com/**', (route) => route.abort());
});

test('quickstart: gisLoaded runs (initTokenClient with callback: "" does not throw)', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/quickstart/');
  await expect.poll(() => page.evaluate('gisInited')).toBe(true);
  expect(await page.evaluate('typeof tokenClient.requestAccessToken')).toBe('function');
  expect(errors).toEqual([]);
});

test('quickstart: Authorize lists the next events', async ({ page, gis }) => {
  // Expected to fail until the emulator serves gapi: the quickstart shows its
  // Authorize button only after gapi.client.init loads the Calendar discovery
  // document, and lists events with gapi.client.calendar.events.list.
  test.fail(true, 'needs gapi (api.js, gapi.client.init with discovery docs, gapi.client.getToken/setToken), which the emulator lacks');
  await page.goto('/quickstart/');
  const authorize = page.getByRole('button', { name: 'Authorize' });
  await expect(authorize).toBeVisible({ timeout: 3000 });
  await gis.grant(authorize);
  await expect(page.locator('#content')).toContainText('Events:');
});
