// The rest of the fixture file on the example page: deny, close, faults, and
// the emulator's own error page for an origin nobody registered.
import { test, expect } from '@scopewise/gis-emulator';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
});

const show = 'Show my next events';

test('Cancel reaches the callback as access_denied', async ({ page, gis }) => {
  await gis.deny(page.getByRole('button', { name: show }));
  await expect(page.getByRole('status')).toHaveText('Calendar access was not given (access_denied).');
});

test('a closed popup reaches error_callback as popup_closed', async ({ page, gis }) => {
  await gis.closePopup(page.getByRole('button', { name: show }));
  await expect(page.getByRole('status')).toHaveText('The Google window did not finish (popup_closed).');
});

test('an API outage shows, and the next try works', async ({ page, gis }) => {
  await gis.injectFault({ path: '/calendar/v3/calendars/primary/events', status: 503 });
  await gis.grant(page.getByRole('button', { name: show }));
  await expect(page.getByRole('status')).toHaveText('Google Calendar did not answer (503). Try again.');
  await page.getByRole('button', { name: show }).click();
  await expect(page.getByRole('list', { name: 'Events' }).getByRole('listitem')).toHaveCount(5);
});

test('reset forgets the grant: consent is asked again', async ({ page, gis }) => {
  await gis.grant(page.getByRole('button', { name: show }));
  expect(((await gis.state()).grants as unknown[]).length).toBe(1);
  await gis.reset();
  expect((await gis.state()).grants ?? []).toEqual([]);
  await page.reload();
  const popup = await gis.openPopup(page.getByRole('button', { name: show }));
  await expect(popup.getByRole('heading', { name: 'Choose an account' })).toBeVisible();
  await popup.close();
});
