// The copyable fixture file (e2e/gis-emulator.ts) on Scopewise's own lab: a
// partial grant, a full grant of two scopes ("Select all"), and a re-grant
// the popup answers by itself. The site already loads the emulator's GIS, so
// nothing is rerouted. examples/gis-offline runs the rest of it on a page
// that is not Scopewise (scripts/example-test.sh).
import { emulatorURL } from '../env';
import { expect, test } from '../gis-emulator';

test.use({ gisEmulatorURL: emulatorURL, rerouteGoogle: false });

const docs = 'https://www.googleapis.com/auth/documents.readonly';
const calendar = 'https://www.googleapis.com/auth/calendar.readonly';
const calendarBox = 'See and download any calendar you can access using your Google Calendar';

test('grantPartially, grant (Select all) and a grant answered by itself', async ({ page, gis }) => {
  await page.goto('/lab');
  const request = page.getByRole('button', { name: 'Request access', exact: true });
  await expect(request).toBeEnabled();
  await page.getByRole('checkbox', { name: docs }).check();
  await page.getByRole('checkbox', { name: calendar }).check();
  const timeline = page.getByRole('region', { name: 'Timeline' }).getByRole('listitem');

  await gis.grantPartially(request, [calendarBox]);
  await expect(timeline.filter({ hasText: 'TokenResponse (token 1)' })).toContainText(`Requested but not granted: ${docs}`);

  await gis.grant(request); // the popup asks for Docs only now: one scope, no checkboxes
  await expect(timeline.filter({ hasText: 'TokenResponse (token 2)' })).toContainText('Requested but not granted: none');

  await gis.grant(request); // everything granted: the popup closes by itself
  await expect(timeline.filter({ hasText: 'TokenResponse (token 3)' })).toContainText('Requested but not granted: none');
  const state = await gis.state();
  expect(state.grants).toEqual([expect.objectContaining({ account: 'alice@example.com', scopes: [calendar, docs] })]);
});
