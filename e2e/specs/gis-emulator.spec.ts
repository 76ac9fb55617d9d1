// The fixture package (packages/gis-emulator) on Scopewise's own lab: a
// partial grant, a full grant of two scopes ("Select all"), and a re-grant
// the popup answers by itself. The site already loads the emulator's GIS, so
// nothing is rerouted. examples/gis-offline runs the rest of it on a page
// that is not Scopewise (scripts/example-test.sh).
import { emulatorURL } from '../env';
import { expect, test } from '../gis-emulator';

test.use({ gisEmulatorURL: emulatorURL, rerouteGoogle: false });
// Three popup rounds on the lab, as lab.spec.ts's tests: 30 s was too short
// with two workers on a loaded machine (the third round timed out).
test.describe.configure({ timeout: 60_000 });

const docs = 'https://www.googleapis.com/auth/documents.readonly';
const calendar = 'https://www.googleapis.com/auth/calendar.readonly';

test('grantPartially, grant (Select all) and a grant answered by itself', async ({ page, gis }) => {
  await page.goto('/lab');
  const request = page.getByRole('button', { name: 'Request access', exact: true });
  await expect(request).toBeEnabled();
  await page.getByRole('checkbox', { name: docs }).check();
  await page.getByRole('checkbox', { name: calendar }).check();
  const timeline = page.getByRole('region', { name: 'Timeline' }).getByRole('listitem');

  await gis.grantPartially(request, [calendar]); // the box named by its scope (or by its description)
  await expect(timeline.filter({ hasText: 'TokenResponse (token 1)' })).toContainText(`Requested but not granted: ${docs}`);

  await gis.grant(request); // the popup asks for Docs only now: one scope, no checkboxes
  await expect(timeline.filter({ hasText: 'TokenResponse (token 2)' })).toContainText('Requested but not granted: none');

  await gis.grant(request); // everything granted: the popup closes by itself
  await expect(timeline.filter({ hasText: 'TokenResponse (token 3)' })).toContainText('Requested but not granted: none');
  const state = await gis.state();
  expect(state.grants).toEqual([expect.objectContaining({ account: 'alice@example.com', scopes: [calendar, docs] })]);
});
