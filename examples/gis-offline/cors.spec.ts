// The page calls the emulator's origin itself, with no route: Playwright
// answers CORS preflights itself under a route, so only this way are the
// emulator's own CORS answers what the browser checks (the calendar call
// carries Authorization, so Chromium sends a preflight first).
import { test, expect } from '@scopewise/gis-emulator';

test.use({ rerouteGoogle: false });

test('the page on its own origin calls the emulator directly: GIS, the popup and the Calendar call with its preflight', async ({ page, gis }) => {
  const emulatorRequests: string[] = [];
  const googleRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(gis.url)) emulatorRequests.push(`${r.method()} ${new URL(r.url()).pathname}`);
    if (/\.google(apis)?\.com\//.test(r.url())) googleRequests.push(r.url());
  });
  await page.goto(`/?emulator=${encodeURIComponent(gis.url)}`);
  const show = page.getByRole('button', { name: 'Show my next events' });
  await gis.grant(show);
  await expect(page.getByRole('list', { name: 'Events' }).getByRole('listitem')).toHaveCount(5);
  expect(googleRequests).toEqual([]);
  expect(emulatorRequests).toEqual(expect.arrayContaining(['GET /gsi/client', 'GET /calendar/v3/calendars/primary/events']));
});
