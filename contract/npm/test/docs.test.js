// @googleapis/docs against the emulator.
// Reference: https://developers.google.com/docs/api/reference/rest/v1/documents/get
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { docs } from '@googleapis/docs';
import { emu, alice, bob, sharedDoc, privateDoc, scopes, mint, authFor, rejection, errorInfo } from '../helpers.js';

const api = (auth) => docs({ version: 'v1', rootUrl: `${emu}/`, ...(auth ? { auth } : {}) });
const as = async (account, ...s) => api(authFor(await mint(account, ...s)));

test('documents.get: the Document', async () => {
  const { data } = await (await as(alice, scopes.docs)).documents.get({ documentId: sharedDoc });
  assert.equal(data.documentId, sharedDoc);
  assert.equal(data.title, 'Contract: shared');
  // revisionId "is only returned if the user has edit access to the document".
  assert.ok(data.revisionId);
  const reader = (await (await as(bob, scopes.docsRO)).documents.get({ documentId: sharedDoc })).data;
  assert.equal(reader.revisionId, undefined);
});

test('documents.get errors: 401, 403 scope, 403 not shared, 404', async () => {
  let r = await rejection(api().documents.get({ documentId: sharedDoc }));
  assert.equal(r.status, 401);
  assert.equal(r.data.error.status, 'UNAUTHENTICATED');
  r = await rejection(api(authFor('ya29.not-a-token')).documents.get({ documentId: sharedDoc }));
  assert.equal(r.status, 401);
  r = await rejection((await as(alice, scopes.calendarRO)).documents.get({ documentId: sharedDoc }));
  assert.equal(r.status, 403);
  assert.equal(errorInfo(r.data).reason, 'ACCESS_TOKEN_SCOPE_INSUFFICIENT');
  r = await rejection((await as(alice, scopes.docsRO)).documents.get({ documentId: privateDoc }));
  assert.equal(r.status, 403);
  assert.equal(r.data.error.message, 'The caller does not have permission');
  r = await rejection((await as(alice, scopes.docsRO)).documents.get({ documentId: 'no-such-document' }));
  assert.equal(r.status, 404);
  // https://developers.google.com/docs/api/how-tos/handle-errors
  assert.equal(r.data.error.message, 'Requested entity was not found.');
});

test('documents.get fields=: partial response', async () => {
  // https://developers.google.com/docs/api/how-tos/performance#partial
  const c = await as(alice, scopes.docs);
  const { data } = await c.documents.get({ documentId: sharedDoc, fields: 'title,revisionId' });
  assert.deepEqual(Object.keys(data).sort(), ['revisionId', 'title']);
  const bad = await rejection(c.documents.get({ documentId: sharedDoc, fields: 'nosuchfield' }));
  assert.equal(bad.status, 400);
});
