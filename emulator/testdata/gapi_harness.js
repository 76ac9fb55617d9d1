// Runs the served api.js (argv[2]) in a fake window against the running
// emulator (argv[3]: {emulator, key, cal, docs, doc}) and checks what pages
// rely on (FIDELITY.md, gapi). Driven by TestGapiClientInNode.
'use strict';
const fs = require('fs');
const vm = require('vm');
const assert = require('assert/strict');
const runChecks = require('./run_checks.js');

const src = fs.readFileSync(process.argv[2], 'utf8');
const env = JSON.parse(process.argv[3]);

function boot() {
  const fetched = [];
  const win = {
    fetch: (url, init) => {
      fetched.push({ url: String(url), init });
      return fetch(url, init);
    },
    URL, Headers, setTimeout, clearTimeout, console,
  };
  win.window = win;
  vm.createContext(win);
  vm.runInContext(src, win);
  return { gapi: win.gapi, fetched };
}

const loaded = (gapi, cfg) => new Promise((resolve, reject) => {
  gapi.load('client', { callback: resolve, onerror: reject, ...cfg });
});

async function client(opts = {}) {
  const b = boot();
  await loaded(b.gapi);
  await b.gapi.client.init({ apiKey: env.key, discoveryDocs: opts.docs ?? ['https://www.googleapis.com/discovery/v1/apis/calendar/v3/rest', 'https://docs.googleapis.com/$discovery/rest?version=v1'] });
  return b;
}

const rejection = async (thenable) => {
  try {
    await thenable;
  } catch (e) {
    return e;
  }
  throw new Error('fulfilled; want a rejection');
};

const checks = {
  async 'gapi.load("client", callback) is asynchronous, then defines gapi.client'() {
    const { gapi } = boot();
    let called = false;
    gapi.load('client', () => { called = true; });
    assert.equal(called, false, 'not called synchronously');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(called, true);
    for (const fn of ['init', 'load', 'request', 'setApiKey', 'setToken', 'getToken']) assert.equal(typeof gapi.client[fn], 'function', fn);
  },

  async 'gapi.load of a library the emulator lacks calls onerror, not callback'() {
    const { gapi } = boot();
    const err = await loaded(gapi, {}).then(() => null, (e) => e);
    assert.equal(err, null);
    const seen = [];
    gapi.load('client:auth2', { callback: () => seen.push('callback'), onerror: (e) => seen.push(String(e.message)) });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(seen.length, 1);
    assert.match(seen[0], /auth2/);
  },

  async 'gapi.load with timeout calls ontimeout when loading takes longer'() {
    const { gapi } = boot();
    const seen = [];
    gapi.load('client', { callback: () => seen.push('callback'), timeout: 0, ontimeout: () => seen.push('timeout') });
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen, ['timeout']);
  },

  async 'getToken is null until setToken; setToken(null) and setToken("") forget it'() {
    const { gapi } = boot();
    await loaded(gapi);
    assert.equal(gapi.client.getToken(), null);
    gapi.client.setToken({ access_token: 'ya29.x' });
    assert.equal(gapi.client.getToken().access_token, 'ya29.x');
    gapi.client.setToken(null);
    assert.equal(gapi.client.getToken(), null);
    gapi.client.setToken({ access_token: 'ya29.y' });
    gapi.client.setToken('');
    assert.equal(gapi.client.getToken(), null);
  },

  async 'init loads the discovery documents (Google URLs go to the emulator) into generated methods'() {
    const { gapi, fetched } = await client();
    assert.equal(typeof gapi.client.calendar.events.list, 'function');
    assert.equal(typeof gapi.client.docs.documents.get, 'function');
    for (const f of fetched) assert.ok(f.url.startsWith(env.emulator + '/'), f.url);
  },

  async 'calendar.events.list fulfils with {result, body, headers, status, statusText}, key and token sent'() {
    const { gapi, fetched } = await client();
    gapi.client.setToken({ access_token: env.cal });
    // The objects come from the script's realm: compare them as JSON.
    const req = gapi.client.calendar.events.list({ calendarId: 'primary', timeMin: new Date(0).toISOString(), singleEvents: true, maxResults: 3, orderBy: 'startTime' });
    assert.equal(fetched.length, 2, 'lazy: nothing sent before then');
    const r = await req;
    assert.equal(r.status, 200);
    assert.equal(r.statusText, 'OK');
    assert.equal(r.result.kind, 'calendar#events');
    assert.ok(r.result.items.length <= 3 && r.result.items.length > 0);
    assert.deepEqual(JSON.parse(r.body), JSON.parse(JSON.stringify(r.result)));
    assert.match(r.headers['content-type'], /application\/json/);
    const call = new URL(fetched.at(-1).url);
    assert.equal(call.pathname, '/calendar/v3/calendars/primary/events');
    assert.equal(call.searchParams.get('key'), env.key);
    assert.equal(call.searchParams.get('maxResults'), '3');
    assert.equal(fetched.at(-1).init.headers.get('Authorization'), 'Bearer ' + env.cal);
    const again = await req;
    assert.equal(again, r, 'a request answers once');
    assert.equal(fetched.length, 3);
  },

  async 'then(onFulfilled, onRejected, context) calls with the context'() {
    const { gapi } = await client();
    gapi.client.setToken({ access_token: env.docs });
    const ctx = { seen: null };
    await gapi.client.docs.documents.get({ documentId: env.doc }).then(function (r) { this.seen = r.result.documentId; }, null, ctx);
    assert.equal(ctx.seen, env.doc);
  },

  async 'rejections carry the same shape: 401 bad token, 403 missing scope, 404 unknown document'() {
    const { gapi } = await client();
    gapi.client.setToken({ access_token: 'ya29.not-a-token' });
    let e = await rejection(gapi.client.calendar.events.list({ calendarId: 'primary' }));
    assert.equal(e.status, 401);
    assert.equal(e.result.error.status, 'UNAUTHENTICATED');
    assert.equal(typeof e.body, 'string');
    gapi.client.setToken({ access_token: env.cal });
    e = await rejection(gapi.client.docs.documents.get({ documentId: env.doc }));
    assert.equal(e.status, 403);
    assert.equal(e.result.error.status, 'PERMISSION_DENIED');
    assert.match(e.headers['www-authenticate'], /insufficient_scope/);
    gapi.client.setToken({ access_token: env.docs });
    e = await rejection(gapi.client.docs.documents.get({ documentId: 'no-such-document' }));
    assert.equal(e.status, 404);
    assert.equal(e.result.error.status, 'NOT_FOUND');
  },

  async 'a bad API key is refused with 400 API_KEY_INVALID'() {
    const { gapi } = await client();
    gapi.client.setApiKey('<YOUR_API_KEY>');
    gapi.client.setToken({ access_token: env.cal });
    const e = await rejection(gapi.client.calendar.events.list({ calendarId: 'primary' }));
    assert.equal(e.status, 400);
    assert.equal(e.result.error.details[0].reason, 'API_KEY_INVALID');
  },

  async 'a missing required parameter throws'() {
    const { gapi } = await client();
    assert.throws(() => gapi.client.docs.documents.get({}), /Missing required parameters: documentId/);
  },

  async 'execute(callback) gives the parsed answer and the raw one as a JSON string'() {
    const { gapi } = await client();
    gapi.client.setToken({ access_token: env.docs });
    const [json, raw] = await new Promise((r) => gapi.client.docs.documents.get({ documentId: env.doc }).execute((j, raw) => r([j, raw])));
    assert.equal(json.documentId, env.doc);
    const data = JSON.parse(raw).gapiRequest.data;
    assert.equal(data.status, 200);
    assert.deepEqual(JSON.parse(data.body), JSON.parse(JSON.stringify(json)));
    const [err] = await new Promise((r) => gapi.client.docs.documents.get({ documentId: 'nope' }).execute((j, raw) => r([j, raw])));
    assert.equal(err.code, 404);
    assert.equal(err.error.status, 'NOT_FOUND');
  },

  async 'request({path, method, params, headers}) with a relative path and with a Google URL'() {
    const { gapi, fetched } = await client({ docs: [] });
    gapi.client.setToken({ access_token: env.cal });
    let r = await gapi.client.request({ path: '/calendar/v3/calendars/primary/events', params: { maxResults: 1 } });
    assert.equal(r.status, 200);
    assert.equal(r.result.items.length, 1);
    r = await gapi.client.request({ path: 'https://www.googleapis.com/calendar/v3/calendars/primary/events', method: 'GET', headers: { 'X-Test': '1' } });
    assert.equal(r.status, 200);
    assert.ok(fetched.at(-1).url.startsWith(env.emulator + '/calendar/v3/'));
    assert.throws(() => gapi.client.request({}), /path/);
  },

  async 'load(name, version, callback) and load(url) → thenable; unknown API rejects with {error}'() {
    const { gapi } = boot();
    await loaded(gapi);
    await new Promise((resolve) => gapi.client.load('calendar', 'v3', resolve));
    assert.equal(typeof gapi.client.calendar.events.list, 'function');
    await gapi.client.load(env.emulator + '/discovery/v1/apis/docs/v1/rest');
    assert.equal(typeof gapi.client.docs.documents.get, 'function');
    const e = await rejection(gapi.client.load('drive', 'v3'));
    assert.equal(e.error.code, 404);
  },

  async 'init with clientId/scope (gapi.auth2) rejects: GIS replaces it'() {
    const { gapi } = boot();
    await loaded(gapi);
    const e = await rejection(gapi.client.init({ clientId: 'x', scope: 'email' }));
    assert.equal(e.error, 'idpiframe_initialization_failed');
  },
};

runChecks(checks);
