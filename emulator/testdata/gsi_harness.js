// Runs the served GIS shim (argv[2]) against a fake window and checks the
// behaviour pages rely on (FIDELITY.md). Driven by TestGSIShimInNode.
'use strict';
const fs = require('fs');
const vm = require('vm');
const assert = require('assert/strict');
const runChecks = require('./run_checks.js');

const EMU = 'http://localhost:8081';
const src = fs.readFileSync(process.argv[2], 'utf8');

function load({ openReturns, onLoad, activation = true } = {}) {
  const listeners = new Set();
  const inputListeners = [];
  const env = { opened: [], fetched: [], fetchAnswer: { ok: true, status: 200, json: async () => ({}) } };
  const win = {
    onGoogleLibraryLoad: onLoad,
    screenX: 0, screenY: 0, outerWidth: 1200, outerHeight: 900,
    addEventListener(type, fn) {
      if (type === 'message') listeners.add(fn);
      else inputListeners.push([type, fn]);
    },
    removeEventListener(type, fn) { if (type === 'message') listeners.delete(fn); },
    open(url, name, features) {
      if (openReturns === null) return null;
      const popup = { closed: false };
      env.opened.push({ url: new URL(url), name, features, popup });
      return popup;
    },
  };
  const ctx = {
    window: win,
    location: { protocol: 'http:', host: 'localhost:8080' },
    crypto: globalThis.crypto,
    navigator: { userActivation: { isActive: activation } },
    URL, URLSearchParams, setInterval, clearInterval, setTimeout,
    fetch: async (url, init) => { env.fetched.push({ url, init }); return env.fetchAnswer; },
  };
  vm.createContext(ctx);
  vm.runInContext(src, ctx);
  env.oauth2 = win.google.accounts.oauth2;
  env.win = win;
  env.post = (origin, data) => { for (const fn of [...listeners]) fn({ origin, data }); };
  env.listenerCount = () => listeners.size;
  // A user's input (isTrusted) or a script's.
  env.input = (type, isTrusted = true) => { for (const [t, fn] of inputListeners) if (t === type) fn({ type, isTrusted }); };
  return env;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CAL = 'https://www.googleapis.com/auth/calendar.readonly';
const DOCS = 'https://www.googleapis.com/auth/documents.readonly';

const checks = {
  'defines google.accounts.oauth2'() {
    const { oauth2 } = load();
    for (const fn of ['initTokenClient', 'initCodeClient', 'hasGrantedAllScopes', 'hasGrantedAnyScope', 'revoke']) {
      assert.equal(typeof oauth2[fn], 'function', fn);
    }
  },

  'hasGranted* match whole scopes'() {
    const { oauth2 } = load();
    const resp = { scope: `email ${CAL} openid` };
    assert.equal(oauth2.hasGrantedAllScopes(resp, CAL), true);
    assert.equal(oauth2.hasGrantedAllScopes(resp, CAL, 'email'), true);
    assert.equal(oauth2.hasGrantedAllScopes(resp, CAL, DOCS), false);
    assert.equal(oauth2.hasGrantedAllScopes(resp, 'calendar'), false, 'a substring is not a scope');
    assert.equal(oauth2.hasGrantedAnyScope(resp, DOCS, CAL), true);
    assert.equal(oauth2.hasGrantedAnyScope(resp, DOCS), false);
    assert.equal(oauth2.hasGrantedAllScopes({ error: 'access_denied' }, CAL), false);
    assert.equal(oauth2.hasGrantedAllScopes(undefined, CAL), false);
  },

  'requestAccessToken opens the popup GIS opens'() {
    const env = load();
    const client = env.oauth2.initTokenClient({ client_id: 'cid', scope: CAL, callback() {}, hd: 'x.test', state: 's1' });
    client.requestAccessToken();
    client.requestAccessToken({ scope: DOCS, prompt: 'consent', include_granted_scopes: false, login_hint: 'a@b', client_id: 'evil', hd: 'evil' });
    const [first, second] = env.opened;
    assert.equal(first.url.origin + first.url.pathname, EMU + '/o/oauth2/v2/auth');
    assert.match(first.features, /width=500,height=600/);
    const q = first.url.searchParams;
    assert.equal(q.get('gsiwebsdk'), '3');
    assert.equal(q.get('client_id'), 'cid');
    assert.equal(q.get('scope'), CAL);
    assert.match(q.get('redirect_uri'), /^storagerelay:\/\/http\/localhost:8080\?id=auth\d+$/);
    assert.equal(q.get('response_type'), 'token');
    assert.equal(q.get('include_granted_scopes'), 'true');
    assert.equal(q.get('enable_granular_consent'), 'true');
    assert.equal(q.has('prompt'), false, 'prompt omitted when not set');
    assert.equal(q.get('state'), 's1');
    assert.equal(q.get('hd'), 'x.test');
    const o = second.url.searchParams;
    assert.equal(o.get('scope'), DOCS);
    assert.equal(o.get('prompt'), 'consent');
    assert.equal(o.get('include_granted_scopes'), 'false');
    assert.equal(o.get('login_hint'), 'a@b');
    assert.equal(o.get('client_id'), 'cid', 'overrides cannot change client_id');
    assert.equal(o.get('hd'), 'x.test', 'overrides cannot change hd');
    assert.notEqual(q.get('redirect_uri'), o.get('redirect_uri'), 'a fresh relay id per request');
  },

  async 'no user activation: the popup is told (strict popup gestures), and its error goes to error_callback'() {
    const env = load({ activation: false });
    const seen = [];
    const client = env.oauth2.initTokenClient({
      client_id: 'cid', scope: CAL, callback: (r) => seen.push(['callback', r]), error_callback: (e) => seen.push(['error', e]),
    });
    client.requestAccessToken();
    const q = env.opened[0].url.searchParams;
    assert.equal(q.get('emu_no_user_activation'), '1');
    const id = new URL(q.get('redirect_uri').replace('storagerelay:', 'http:')).searchParams.get('id');
    env.post(EMU, { source: 'scopewise-emulator', id, response: {}, error: { type: 'popup_failed_to_open', message: 'Failed to open popup window' } });
    assert.equal(JSON.stringify(seen), JSON.stringify([['error', { type: 'popup_failed_to_open', message: 'Failed to open popup window' }]]));
    assert.equal(env.listenerCount(), 0, 'the flow is over');
    env.opened[0].popup.closed = true;
    await sleep(700);
    assert.equal(seen.length, 1, 'no popup_closed after the error');

    const active = load();
    const c = active.oauth2.initTokenClient({ client_id: 'cid', scope: CAL, callback() {} });
    active.input('pointerdown');
    c.requestAccessToken();
    assert.equal(active.opened[0].url.searchParams.has('emu_no_user_activation'), false, 'inside the click: not sent');

    // The browser's flag alone is not enough: test tools set it for every
    // script they run. Only a trusted input counts, for 5 s.
    const scripted = load();
    const d = scripted.oauth2.initTokenClient({ client_id: 'cid', scope: CAL, callback() {} });
    scripted.input('pointerdown', false);
    d.requestAccessToken();
    assert.equal(scripted.opened[0].url.searchParams.get('emu_no_user_activation'), '1', 'an untrusted event gives no activation');
  },

  'blocked popup: popup_failed_to_open, no callback'() {
    const env = load({ openReturns: null });
    const seen = [];
    const client = env.oauth2.initTokenClient({
      client_id: 'cid', scope: CAL, callback: (r) => seen.push(['callback', r]), error_callback: (e) => seen.push(['error', e]),
    });
    client.requestAccessToken();
    assert.equal(seen.length, 1);
    assert.equal(seen[0][0], 'error');
    assert.equal(seen[0][1].type, 'popup_failed_to_open');
    assert.equal(typeof seen[0][1].message, 'string');
  },

  async 'answer: only from the emulator origin with this relay id, to the current callback'() {
    const env = load();
    const seen = [];
    const client = env.oauth2.initTokenClient({ client_id: 'cid', scope: CAL, callback: () => seen.push('old callback'), error_callback: (e) => seen.push(e.type) });
    client.callback = (r) => seen.push(r);
    client.requestAccessToken();
    const { url, popup } = env.opened[0];
    const id = new URL(url.searchParams.get('redirect_uri').replace('storagerelay://http/', 'http://')).searchParams.get('id');
    const response = { access_token: 'ya29.x', token_type: 'Bearer', expires_in: 3599, scope: CAL };
    env.post('http://localhost:8080', { source: 'scopewise-emulator', id, response });
    env.post(EMU, { source: 'scopewise-emulator', id: 'auth0', response });
    env.post(EMU, { source: 'someone-else', id, response });
    env.post(EMU, 'a string');
    assert.deepEqual(seen, [], 'foreign messages ignored');
    env.post(EMU, { source: 'scopewise-emulator', id, response });
    env.post(EMU, { source: 'scopewise-emulator', id, response });
    assert.deepEqual(seen, [response], 'delivered once to the reassigned callback');
    assert.equal(env.listenerCount(), 0);
    popup.closed = true;
    await sleep(700);
    assert.deepEqual(seen, [response], 'no popup_closed after an answer');
  },

  async 'popup closed without an answer: popup_closed, no callback'() {
    const env = load();
    const seen = [];
    const client = env.oauth2.initTokenClient({ client_id: 'cid', scope: CAL, callback: (r) => seen.push(['callback', r]) });
    client.error_callback = (e) => seen.push(['error', e.type]);
    client.requestAccessToken();
    env.opened[0].popup.closed = true;
    await sleep(700);
    assert.deepEqual(seen, [['error', 'popup_closed']]);
    assert.equal(env.listenerCount(), 0);
  },

  'code client asks for a code'() {
    const env = load();
    env.oauth2.initCodeClient({ client_id: 'cid', scope: CAL, callback() {}, select_account: true }).requestCode();
    const q = env.opened[0].url.searchParams;
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('prompt'), 'select_account');
  },

  'init without client_id or scope throws GIS\'s error'() {
    const { oauth2 } = load();
    for (const [fn, config, name] of [
      ['initTokenClient', { scope: CAL, callback() {} }, 'client_id'],
      ['initTokenClient', { client_id: '', scope: CAL, callback() {} }, 'client_id'],
      ['initTokenClient', { client_id: 'cid', callback() {} }, 'scope'],
      ['initCodeClient', { scope: CAL, callback() {} }, 'client_id'],
    ]) {
      assert.throws(() => oauth2[fn](config), (e) => e.message === `Missing required parameter ${name}.` && e.type === 'missing_required_parameter' && !(e instanceof TypeError), `${fn} ${name}`);
    }
  },

  async 'callback may be set after init (the Calendar quickstart passes callback: "")'() {
    const env = load();
    const client = env.oauth2.initTokenClient({ client_id: 'cid', scope: CAL, callback: '' });
    const seen = [];
    client.callback = (r) => seen.push(r.access_token);
    client.requestAccessToken({ prompt: 'consent' });
    const id = env.opened[0].url.searchParams.get('redirect_uri').split('id=')[1];
    env.post(EMU, { source: 'scopewise-emulator', id, response: { access_token: 'ya29.x' } });
    assert.deepEqual(seen, ['ya29.x']);
    // A code client needs no callback at init either (redirect mode has none).
    env.oauth2.initCodeClient({ client_id: 'cid', scope: CAL });
  },

  async 'a granted token goes to gapi.client.setToken when gapi.client is on the page; an error does not'() {
    const env = load();
    const set = [];
    env.win.gapi = { client: { setToken: (t) => set.push(t) } };
    const client = env.oauth2.initTokenClient({ client_id: 'cid', scope: CAL, callback: () => set.push('callback') });
    client.requestAccessToken();
    let id = env.opened[0].url.searchParams.get('redirect_uri').split('id=')[1];
    const response = { access_token: 'ya29.g', token_type: 'Bearer', expires_in: 3599, scope: CAL };
    env.post(EMU, { source: 'scopewise-emulator', id, response });
    assert.deepEqual(set, [response, 'callback'], 'setToken before the callback');
    client.requestAccessToken();
    id = env.opened[1].url.searchParams.get('redirect_uri').split('id=')[1];
    env.post(EMU, { source: 'scopewise-emulator', id, response: { error: 'access_denied' } });
    assert.deepEqual(set.slice(2), ['callback'], 'no setToken for an error answer');
    // Without gapi on the page nothing breaks.
    const bare = load();
    const seen = [];
    bare.oauth2.initTokenClient({ client_id: 'cid', scope: CAL, callback: (r) => seen.push(r.access_token) }).requestAccessToken();
    id = bare.opened[0].url.searchParams.get('redirect_uri').split('id=')[1];
    bare.post(EMU, { source: 'scopewise-emulator', id, response });
    assert.deepEqual(seen, ['ya29.g']);
  },

  'deprecated hint and hosted_domain act as login_hint and hd'() {
    const env = load();
    env.oauth2.initTokenClient({ client_id: 'cid', scope: CAL, callback() {}, hint: 'a@example.com', hosted_domain: 'example.com' }).requestAccessToken();
    let q = env.opened[0].url.searchParams;
    assert.equal(q.get('login_hint'), 'a@example.com');
    assert.equal(q.get('hd'), 'example.com');
    env.oauth2.initTokenClient({ client_id: 'cid', scope: CAL, callback() {}, hint: 'a@example.com' }).requestAccessToken({ hint: 'b@example.com' });
    assert.equal(env.opened[1].url.searchParams.get('login_hint'), 'b@example.com');
    env.oauth2.initTokenClient({ client_id: 'cid', scope: CAL, callback() {}, login_hint: 'c@example.com', hint: 'a@example.com', hd: 'x.test', hosted_domain: 'y.test' }).requestAccessToken();
    q = env.opened[2].url.searchParams;
    assert.equal(q.get('login_hint'), 'c@example.com');
    assert.equal(q.get('hd'), 'x.test');
    env.oauth2.initCodeClient({ client_id: 'cid', scope: CAL, callback() {}, hint: 'd@example.com', hosted_domain: 'z.test' }).requestCode();
    q = env.opened[3].url.searchParams;
    assert.equal(q.get('login_hint'), 'd@example.com');
    assert.equal(q.get('hd'), 'z.test');
  },

  'calls window.onGoogleLibraryLoad once loaded'() {
    let calls = 0;
    let sawLibrary = false;
    load({ onLoad() { calls++; sawLibrary = typeof this.google.accounts.oauth2.initTokenClient === 'function'; } });
    assert.equal(calls, 1);
    assert.equal(sawLibrary, true);
  },

  async 'revoke posts the token and reports the outcome'() {
    const env = load();
    let done;
    env.oauth2.revoke('ya29.tok', (r) => { done = r; });
    await sleep(10);
    assert.deepEqual({ ...done }, { successful: true });
    const { url, init } = env.fetched[0];
    assert.equal(url, EMU + '/revoke');
    assert.equal(init.method, 'POST');
    assert.equal(String(init.body), 'token=ya29.tok');

    env.fetchAnswer = { ok: false, status: 400, json: async () => ({ error: 'invalid_token', error_description: 'Token expired or revoked' }) };
    env.oauth2.revoke('ya29.gone', (r) => { done = r; });
    await sleep(10);
    assert.deepEqual({ ...done }, { successful: false, error: 'invalid_token', error_description: 'Token expired or revoked' });
  },
};

runChecks(checks);
