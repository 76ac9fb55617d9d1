// @googleapis/calendar against the emulator.
// Reference: https://developers.google.com/calendar/api/v3/reference/events/list
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calendar } from '@googleapis/calendar';
import { emu, alice, scopes, mint, authFor, rejection, errorInfo } from '../helpers.js';

const cal = (auth) => calendar({ version: 'v3', rootUrl: `${emu}/`, ...(auth ? { auth } : {}) });
const as = async (account, ...s) => cal(authFor(await mint(account, ...s)));

test('events.list: the Events resource', async () => {
  const { data } = await (await as(alice, scopes.calendarRO)).events.list({ calendarId: 'primary' });
  // Events: kind "calendar#events", summary the calendar's title, accessRole.
  assert.equal(data.kind, 'calendar#events');
  assert.equal(data.summary, alice);
  assert.ok(data.items.length > 0);
  for (const e of data.items) {
    assert.equal(e.kind, 'calendar#event');
    assert.ok(e.id && e.start && e.end);
  }
});

test('events.list: paging with pageToken until nextPageToken is absent', async () => {
  const c = await as(alice, scopes.calendarRO);
  const all = (await c.events.list({ calendarId: 'primary', maxResults: 2500 })).data.items;
  const ids = new Set();
  let pageToken;
  let pages = 0;
  do {
    const { data } = await c.events.list({ calendarId: 'primary', maxResults: 7, pageToken });
    assert.ok(data.items.length <= 7);
    for (const e of data.items) {
      assert.ok(!ids.has(e.id), `event ${e.id} on two pages`);
      ids.add(e.id);
    }
    pageToken = data.nextPageToken;
    pages++;
  } while (pageToken);
  assert.equal(ids.size, all.length);
  assert.ok(pages >= 2);
});

test('events.list without credentials: 401, errors[] "Login Required."', async () => {
  const { status, data } = await rejection(cal().events.list({ calendarId: 'primary' }));
  assert.equal(status, 401);
  // Real payload, https://github.com/spatie/laravel-google-calendar/issues/184.
  assert.equal(data.error.status, 'UNAUTHENTICATED');
  assert.deepEqual(data.error.errors, [
    { message: 'Login Required.', domain: 'global', reason: 'required', location: 'Authorization', locationType: 'header' },
  ]);
});

test('events.list with a bad token: 401, errors[] "Invalid Credentials"', async () => {
  const { status, data, headers } = await rejection(cal(authFor('ya29.not-a-token')).events.list({ calendarId: 'primary' }));
  assert.equal(status, 401);
  // Real payload, https://github.com/rubenCodeforges/ng-gapi/issues/79.
  assert.deepEqual(data.error.errors, [
    { message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' },
  ]);
  // Same issue's headers: www-authenticate: Bearer realm="https://accounts.google.com/", error=invalid_token
  assert.match(headers.get('www-authenticate'), /^Bearer realm="https:\/\/accounts\.google\.com\/", error="?invalid_token"?/);
});

test('events.list with a token lacking a Calendar scope: 403', async () => {
  const { status, data } = await rejection((await as(alice, scopes.docsRO)).events.list({ calendarId: 'primary' }));
  assert.equal(status, 403);
  // Real payload, https://github.com/GeneralTask/task-manager/pull/2160.
  assert.equal(data.error.message, 'Request had insufficient authentication scopes.');
  const info = errorInfo(data);
  assert.equal(info.reason, 'ACCESS_TOKEN_SCOPE_INSUFFICIENT');
  assert.deepEqual(info.metadata, { method: 'calendar.v3.Events.List', service: 'calendar-json.googleapis.com' });
  assert.deepEqual(data.error.errors, [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }]);
});

test("events.list of a calendar the user cannot see: 404", async () => {
  const { status, data } = await rejection((await as(alice, scopes.calendarRO)).events.list({ calendarId: 'nobody@example.com' }));
  assert.equal(status, 404);
  // https://developers.google.com/calendar/api/guides/errors#404_not_found
  assert.equal(data.error.message, 'Not Found');
  assert.equal(data.error.errors[0].reason, 'notFound');
});

test('events.list fields=: partial response (performance guide)', async () => {
  // https://developers.google.com/calendar/api/guides/performance#partial-response
  const c = await as(alice, scopes.calendarRO);
  const { data } = await c.events.list({ calendarId: 'primary', fields: 'items(id,start(dateTime,date))', maxResults: 3 });
  assert.deepEqual(Object.keys(data), ['items']);
  for (const e of data.items) {
    assert.deepEqual(Object.keys(e).sort(), ['id', 'start']);
    assert.ok(Object.keys(e.start).every((k) => k === 'dateTime' || k === 'date'));
  }
  // No nextPageToken in the mask: none in the answer, so a pager stops.
  assert.equal(data.nextPageToken, undefined);
  const withToken = (await c.events.list({ calendarId: 'primary', fields: 'nextPageToken,items/id', maxResults: 3 })).data;
  assert.ok(withToken.nextPageToken);
  const bad = await rejection(c.events.list({ calendarId: 'primary', fields: 'items(id' }));
  assert.equal(bad.status, 400);
});
