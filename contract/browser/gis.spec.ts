// The GIS surface as @types/google.accounts types it (gis-page.ts), in
// Chromium, against the emulator's /gsi/client and popup. Google's behaviour:
// https://developers.google.com/identity/oauth2/web/reference/js-reference
import { test, expect } from '../../e2e/gis-emulator';
import type { Page } from '@playwright/test';

const CAL = 'https://www.googleapis.com/auth/calendar.readonly';
const DOCS = 'https://www.googleapis.com/auth/documents.readonly';

type State = {
  loadCalls: number;
  initErrors: Array<{ parameter: string; message: string; type?: string; isTypeError: boolean }>;
  responses: Array<Record<string, unknown>>;
  grantedAllCal: boolean[];
  grantedAnyDocs: boolean[];
  errors: Array<{ type: string }>;
  codes: Array<Record<string, unknown>>;
};
const state = (page: Page) => page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { contract: unknown }).contract)) as State);

async function loaded(page: Page) {
  await page.goto('/');
  await expect.poll(async () => (await state(page)).loadCalls).toBe(1);
}

test('onGoogleLibraryLoad runs once; missing parameters throw GIS\'s Error', async ({ page }) => {
  await loaded(page);
  // A real one, MomenSherif/react-oauth#174: Error "Missing required parameter
  // client_id.", type "missing_required_parameter".
  expect((await state(page)).initErrors).toEqual([
    { parameter: 'client_id', message: 'Missing required parameter client_id.', type: 'missing_required_parameter', isTypeError: false },
    { parameter: 'scope', message: 'Missing required parameter scope.', type: 'missing_required_parameter', isTypeError: false },
  ]);
});

test('token model: consent, TokenResponse, hasGranted*, REST call, incremental scope, revoke', async ({ page, gis }) => {
  await loaded(page);
  await gis.grant(page.getByRole('button', { name: 'Calendar token' }));
  let s = await state(page);
  expect(s.responses).toHaveLength(1);
  const first = s.responses[0];
  // TokenResponse: access_token, expires_in, scope, token_type "Bearer".
  expect(first.token_type).toBe('Bearer');
  expect(String(first.scope).split(' ')).toContain(CAL);
  expect(s.grantedAllCal).toEqual([true]);
  expect(s.grantedAnyDocs).toEqual([false]);
  const token = String(first.access_token);
  expect(await page.evaluate((t) => (window as any).contract.listEvents(t), token)).toMatchObject({ status: 200 });

  // Incremental: include_granted_scopes keeps Calendar and adds Docs.
  await gis.grant(page.getByRole('button', { name: 'Add Docs' }));
  s = await state(page);
  expect(s.responses).toHaveLength(2);
  expect(String(s.responses[1].scope).split(' ')).toEqual(expect.arrayContaining([CAL, DOCS]));
  expect(s.grantedAllCal[1]).toBe(true);
  expect(s.grantedAnyDocs[1]).toBe(true);

  // revoke ends the whole grant: the first token stops working too.
  await page.evaluate((t) => (window as any).contract.revoke(t), String(s.responses[1].access_token));
  expect(await page.evaluate((t) => (window as any).contract.listEvents(t), token)).toMatchObject({ status: 401 });
});

test('the deprecated hint names the account like login_hint', async ({ page, gis }) => {
  await loaded(page);
  await gis.grant(page.getByRole('button', { name: 'Token with hint' }), { account: 'bob@example.com' });
  const grants = (await gis.state()).grants as Array<{ account: string }>;
  expect(grants.map((g) => g.account)).toEqual(['bob@example.com']);
});

test('closing the popup: error_callback gets popup_closed, callback nothing', async ({ page, gis }) => {
  await loaded(page);
  await gis.closePopup(page.getByRole('button', { name: 'Calendar token' }));
  await expect.poll(async () => (await state(page)).errors.map((e) => e.type)).toEqual(['popup_closed']);
  expect((await state(page)).responses).toHaveLength(0);
});

test('code client (popup): CodeResponse with code and scope', async ({ page, gis }) => {
  await loaded(page);
  await gis.grant(page.getByRole('button', { name: 'Code' }));
  const codes = (await state(page)).codes;
  expect(codes).toHaveLength(1);
  expect(String(codes[0].code)).not.toBe('');
  expect(String(codes[0].scope).split(' ')).toContain(CAL);
});
