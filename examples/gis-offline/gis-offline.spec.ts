// The page's test, offline: Google's popup is the emulator's. The fixture is
// the npm package @scopewise/gis-emulator, as in any project (the test
// command installs it from its packed tarball: scripts/example-test.sh).
import { test, expect } from '@scopewise/gis-emulator';

test('lists my next events after consent, and asks again once the token expired', async ({ page, gis }) => {
  await page.goto('/');
  const show = page.getByRole('button', { name: 'Show my next events' });
  const events = page.getByRole('list', { name: 'Events' }).getByRole('listitem');

  await gis.grant(show); // chooser: alice@example.com, then Continue
  await expect(events).toHaveCount(5);

  await gis.advanceClock('3600s'); // the token (3599 s) expires
  await show.click();
  await expect(page.getByRole('status')).toHaveText(/expired/);

  await gis.grant(show); // already granted: the popup answers and closes by itself
  await expect(events).toHaveCount(5);
});
