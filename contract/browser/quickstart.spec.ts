// Google's Calendar JS quickstart (quickstart/index.html, unchanged but for
// its client ID and API key placeholders), with accounts.google.com/gsi/client,
// apis.google.com/js/api.js and the Calendar discovery document routed to the
// emulator by the fixture.
import { test, expect } from '../../e2e/gis-emulator';

test('quickstart: gisLoaded runs (initTokenClient with callback: "" does not throw)', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/quickstart/');
  await expect.poll(() => page.evaluate('gisInited')).toBe(true);
  expect(await page.evaluate('typeof tokenClient.requestAccessToken')).toBe('function');
  expect(errors).toEqual([]);
});

test('quickstart: Authorize lists the next events through gapi.client', async ({ page, gis }) => {
  // The Authorize button shows once gapi.client.init has loaded the
  // discovery document; GIS hands the token to gapi.client, and the page
  // lists events with gapi.client.calendar.events.list.
  await page.goto('/quickstart/');
  const authorize = page.getByRole('button', { name: 'Authorize' });
  await expect(authorize).toBeVisible();
  expect(await page.evaluate('gapi.client.getToken()')).toBeNull();
  await gis.grant(authorize);
  await expect(page.locator('#content')).toContainText('Events:');
  const lines = (await page.locator('#content').innerText()).trim().split('\n');
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.length).toBeLessThanOrEqual(11); // maxResults: 10
  for (const line of lines.slice(1)) expect(line).toMatch(/ \(\d{4}-\d{2}-\d{2}/);
  expect(await page.evaluate('typeof gapi.client.getToken().access_token')).toBe('string');
  await expect(page.getByRole('button', { name: 'Refresh' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign Out' })).toBeVisible();

  // Sign Out revokes the token and clears gapi.client's with setToken('').
  await page.getByRole('button', { name: 'Sign Out' }).click();
  await expect(page.locator('#content')).toHaveText('');
  expect(await page.evaluate('gapi.client.getToken()')).toBeNull();
});
