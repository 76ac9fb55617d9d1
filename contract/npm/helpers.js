// Shared by the npm contract tests: the emulator's address (set by
// scripts/contract-test.sh), token minting through its control API, and the
// names contract/emulator.json registers.
import assert from 'node:assert/strict';
import { OAuth2Client } from 'google-auth-library';

export const emu = (process.env.CONTRACT_EMULATOR_URL || '').replace(/\/$/, '');
if (!emu) {
  throw new Error('CONTRACT_EMULATOR_URL is not set: run scripts/contract-test.sh, which starts bin/emulator');
}

export const clientId = 'contract-suite.apps.googleusercontent.com';
export const alice = 'alice@example.com';
export const bob = 'bob@example.com';
export const sharedDoc = 'contract-doc-shared';
export const privateDoc = 'contract-doc-private';
export const scopes = {
  calendarRO: 'https://www.googleapis.com/auth/calendar.readonly',
  docsRO: 'https://www.googleapis.com/auth/documents.readonly',
  docs: 'https://www.googleapis.com/auth/documents',
  email: 'https://www.googleapis.com/auth/userinfo.email',
  openid: 'openid',
};

/** mint asks the emulator for a token (POST /_emu/tokens). */
export async function mint(account, ...scope) {
  const res = await fetch(`${emu}/_emu/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: clientId, account, scopes: scope }),
  });
  assert.equal(res.status, 200, `minting a token: ${await res.clone().text()}`);
  return (await res.json()).access_token;
}

/** authFor is what an app hands the generated clients: an OAuth2Client holding an access token. */
export function authFor(token) {
  const auth = new OAuth2Client({ clientId });
  auth.setCredentials({ access_token: token, token_type: 'Bearer' });
  return auth;
}

/** oauthClient points google-auth-library's endpoints at the emulator. */
export function oauthClient() {
  return new OAuth2Client({
    clientId,
    endpoints: { tokenInfoUrl: `${emu}/tokeninfo`, oauth2RevokeUrl: `${emu}/revoke` },
  });
}

/** rejection awaits a promise that must reject with an HTTP error and returns its status and body. */
export async function rejection(promise) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, 'the call succeeded; an error was expected');
  const status = err.status ?? err.response?.status;
  assert.ok(status, `not an HTTP error: ${err}`);
  return { status, data: err.response?.data, headers: err.response?.headers };
}

/** errorInfo is the envelope's google.rpc.ErrorInfo detail. */
export function errorInfo(envelope) {
  return (envelope.error.details || []).find((d) => d['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo');
}
