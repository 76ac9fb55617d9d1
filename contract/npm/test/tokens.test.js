// Token endpoints through google-auth-library and @googleapis/oauth2.
// google-auth-library's getTokenInfo POSTs to tokeninfo with the token in
// "Authorization: Bearer" and no body (build/src/auth/oauth2client.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oauth2 } from '@googleapis/oauth2';
import { emu, clientId, alice, scopes, mint, oauthClient, rejection } from '../helpers.js';

test('getTokenInfo (POST, bearer header, no body)', async () => {
  const token = await mint(alice, scopes.calendarRO, scopes.email);
  const info = await oauthClient().getTokenInfo(token);
  // https://developers.google.com/identity/protocols/oauth2/javascript-implicit-flow#tokeninfo-validation:
  // check aud equals the client ID; scopes from "scope".
  assert.equal(info.aud, clientId);
  assert.equal(info.azp, clientId);
  assert.deepEqual(info.scopes, [scopes.calendarRO, scopes.email]);
  assert.equal(info.email, alice);
  const left = info.expiry_date - Date.now();
  assert.ok(left > 3500e3 && left <= 3600e3, `expiry_date ${left} ms away`);
});

test('getTokenInfo of an unknown token rejects with 400 invalid_token', async () => {
  const r = await rejection(oauthClient().getTokenInfo('ya29.not-a-token'));
  assert.equal(r.status, 400);
  // Real answers: https://github.com/googlearchive/gplus-verifytoken-java/pull/4,
  // https://github.com/EddyVerbruggen/cordova-plugin-googleplus/issues/521:
  // {"error":"invalid_token","error_description":"Invalid Value"}
  assert.deepEqual(r.data, { error: 'invalid_token', error_description: 'Invalid Value' });
});

test('tokeninfo by GET query and by POST form: string values', async () => {
  const token = await mint(alice, scopes.calendarRO);
  // https://developers.google.com/identity/protocols/oauth2/javascript-implicit-flow#tokeninfo-validation;
  // every value a string, e.g. https://github.com/clouway/oauth2-server/issues/7: {"azp":…,"aud":…,"scope":…,"exp":"…","expires_in":"3599","access_type":"online"}
  const get = await (await fetch(`${emu}/tokeninfo?access_token=${encodeURIComponent(token)}`)).json();
  assert.equal(get.aud, clientId);
  assert.equal(typeof get.expires_in, 'string');
  assert.equal(typeof get.exp, 'string');
  assert.equal(get.access_type, 'online');
  assert.equal(get.sub, undefined); // no openid or email scope: no sub
  const post = await (await fetch(`${emu}/tokeninfo`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ access_token: token }),
  })).json();
  assert.equal(post.aud, clientId);
  const none = await fetch(`${emu}/tokeninfo`);
  assert.equal(none.status, 400);
});

test('@googleapis/oauth2 v2 tokeninfo: its own shape', async () => {
  // Discovery document https://www.googleapis.com/discovery/v1/apis/oauth2/v2/rest,
  // schema Tokeninfo: issued_to, audience, user_id, scope, expires_in (integer),
  // email, verified_email (boolean).
  const token = await mint(alice, scopes.calendarRO, scopes.email);
  const { data } = await oauth2({ version: 'v2', rootUrl: `${emu}/` }).tokeninfo({ access_token: token });
  assert.equal(data.issued_to, clientId);
  assert.equal(data.audience, clientId);
  assert.equal(data.scope, `${scopes.calendarRO} ${scopes.email}`);
  assert.equal(typeof data.expires_in, 'number');
  assert.ok(data.expires_in > 3500 && data.expires_in <= 3599);
  assert.equal(data.email, alice);
  assert.equal(data.verified_email, true);
  assert.equal(typeof data.user_id, 'string');
  const r = await rejection(oauth2({ version: 'v2', rootUrl: `${emu}/` }).tokeninfo({ access_token: 'ya29.not-a-token' }));
  assert.equal(r.status, 400);
  // Real answer, https://github.com/pulkitjalan/google-apiclient/issues/38:
  // (400) {"error_description": "Invalid Value"}
  assert.deepEqual(r.data, { error_description: 'Invalid Value' });
});

test('revokeToken ends the token; revoking again is 400', async () => {
  const token = await mint(alice, scopes.calendarRO);
  const c = oauthClient();
  const res = await c.revokeToken(token);
  assert.equal(res.status, 200);
  const r = await rejection(c.getTokenInfo(token));
  assert.equal(r.status, 400);
  // Google's revoke reference (https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke):
  // a failed revocation is 400; body {"error":"invalid_token","error_description":"Token expired or revoked"} [obs]
  const again = await rejection(c.revokeToken(token));
  assert.equal(again.status, 400);
  assert.equal(again.data.error, 'invalid_token');
});
