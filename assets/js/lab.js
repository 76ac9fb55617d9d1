// The consent lab's module: one token client, every knob of
// requestAccessToken(overrides), and a timeline of each request and answer.
//
//   - Request access (the form's submit: a user gesture) sends the overrides
//     the form describes; the answer, error_callback's errors and the
//     server's verdict on the token (POST /lab/verify) go into the timeline.
//   - Each token is listed with a countdown to its expiry.
//   - Expire now (emulator mode) asks the server to move the emulator's clock
//     past every token here (POST /lab/expire), then asks for a new verdict.
//   - Revoke access ends the whole grant with google.accounts.oauth2.revoke,
//     then tells the server (POST /grants/events event=revoked).
//   - Export JSON downloads the timeline.
//   - "call the API from the browser (REST + CORS)": after each verdict the
//     page also calls the APIs itself with fetch and the token, as Google's
//     "Using REST and CORS" does; each call and answer goes into the timeline
//     beside the server's postback. "… with gapi.client" does the same through
//     Google's API client library for JavaScript (api.js, loaded on first
//     use), and "all three" runs the postback, fetch and gapi.client side by
//     side.
//
// The export and the browser-side calls are in lab-extras.js, loaded on
// first use: when the switch is turned on, or Export JSON pressed.
//
// The newest token lives in this module's memory only. The timeline, the
// page and the export show it redacted: never its value.
import {
  addAlertTexts,
  alertText,
  clockOffset,
  gis,
  importOnce,
  initTokenClient,
  loadTrace,
  outcome,
  postForm,
  postToken,
  recordOutcome,
  redact,
  reveal,
  showAlert,
  trace,
} from 'scopewise/token-client';

addAlertTexts(ALERT_TEXTS); // this module's, from views/alerts.go

/** The page clock's now, as a Date: the emulator's clock in emulator mode. */
function pageNow() {
  return new Date(Date.now() + clockOffset());
}

const root = document.querySelector('[data-lab]');
const retry = 'Request access';

/** lab-extras.js, imported once, on first use. */
const loadExtras = importOnce(root.dataset.extras);

function scopesOf(resp) {
  return String(resp.scope ?? '').split(' ').filter(Boolean);
}

/** A scope without Google's common prefix, for short lists. */
function short(scope) {
  return scope.replace(/^https:\/\/www\.googleapis\.com\/auth\//, '');
}

function countdown(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

class Lab {
  constructor(oauth2) {
    this.oauth2 = oauth2;
    this.root = root; // for lab-extras.js
    this.redact = redact;
    this.form = root.querySelector('[data-lab-form]');
    this.timelineList = root.querySelector('[data-timeline]');
    this.tokenList = root.querySelector('[data-tokens]');
    this.tokensEmpty = root.querySelector('[data-tokens-empty]');
    this.statusEl = root.querySelector('[data-status]');
    this.timeline = []; // the entries, as exported: never a token
    this.tokens = []; // {n, scopes, expiresAt, state, token (newest only), countdown}
    this.pending = null; // the request waiting for its answer
    this.rendered = Promise.resolve(); // the timeline's entries, drawn in order
    // initTokenClient needs a scope; every request overrides it.
    this.client = initTokenClient(
      oauth2,
      {
        client_id: root.dataset.clientId,
        scope: 'openid',
        callback: (resp) => this.onResponse(resp),
        error_callback: (err) => this.onError(err),
      },
      { requests: [{ label: retry, overrides: () => this.overrides(), scopes: () => this.requested(), postback: '/lab/verify' }] },
    );
    // The form's settings are the URL's query (pages/labpreset.go reads it).
    this.form.addEventListener('change', () => this.share());
    this.form.addEventListener('input', () => this.share());
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.request();
    });
    // Turning the switch on is the first use of the browser-side calls.
    // (A failure shows when the calls run: callFromBrowser says so.)
    this.form.addEventListener('change', () => (this.browserCalls || this.gapiCalls) && loadExtras().catch(() => {}));
    root.addEventListener('click', (ev) => {
      const button = ev.target instanceof Element ? ev.target.closest('button[data-action]') : null;
      switch (button?.dataset.action) {
        case 'revoke':
          this.revoke();
          break;
        case 'expire':
          this.expireNow();
          break;
        case 'export':
          loadExtras().then(
            (m) => m.exportJSON(this),
            () => this.alert(alertText('unreachable')),
          );
          break;
      }
    });
    setInterval(() => this.tick(), 1000);
    for (const b of root.querySelectorAll('button[disabled]')) b.disabled = false;
    this.updateRevoke();
  }

  /** Revoke access needs a live token: without one it is disabled, and its note says why. */
  updateRevoke() {
    const live = !!this.current;
    const revoke = root.querySelector('[data-action="revoke"]');
    const note = root.querySelector('[data-revoke-note]');
    if (revoke) revoke.disabled = !live;
    if (!note) return;
    note.hidden = live;
    if (!live) alertText('lab_revoke_note').then((text) => (note.textContent = text.join(' ')));
  }

  /** The newest token, when it is still live: the one revoke and verify use. */
  get current() {
    const t = this.tokens.at(-1);
    return t && t.state === 'live' ? t : null;
  }

  status(text) {
    this.statusEl.textContent = text;
  }

  alert(text, next) {
    showAlert(root, text, next);
  }

  clearAlerts() {
    root.querySelector('[data-alerts]')?.replaceChildren();
    this.status('');
  }

  // ------------------------------------------------------------- timeline

  /**
   * Adds an entry: a heading line, plain-language lines, and the details as
   * JSON, collapsed. trace.js draws it (as it draws "What just happened",
   * where the entry goes too: the request itself is traced by
   * initTokenClient). Its time is on the page clock (the emulator's, in
   * emulator mode), labelled when that clock was moved.
   */
  log(kind, title, details = {}, lines = []) {
    const now = pageNow();
    const entry = { n: this.timeline.length + 1, at: now.toISOString(), kind, title, ...details };
    this.timeline.push(entry);
    const moved = clockOffset() > 0;
    this.shown = this.rendered = this.rendered
      .then(loadTrace)
      .then(
        (m) => this.timelineList.appendChild(m.entryElement(entry, lines, details, { collapse: true, moved })),
        () => this.timelineList.appendChild(el('li', title)),
      );
    const begin = kind === 'expire' || title.startsWith('google.accounts.oauth2.revoke');
    // The request, the popup's answer and the check are traced as on every page.
    if (!['request', 'response', 'oauth-error', 'error_callback'].includes(kind)) trace('entry', { entry, lines, details, begin });
    return entry;
  }

  // ------------------------------------------------------------- tokens

  addToken(resp) {
    for (const t of this.tokens) t.token = null; // only the newest is kept
    const t = {
      n: this.tokens.length + 1,
      scopes: scopesOf(resp),
      expiresAt: Date.now() + Number(resp.expires_in) * 1000,
      state: 'live',
      token: resp.access_token,
    };
    const li = el('li');
    li.append(el('strong', `Token ${t.n}`), ` — ${t.scopes.map(short).join(', ')} — `);
    t.countdown = el('span', '', 'countdown');
    li.append(t.countdown);
    this.tokenList.append(li);
    this.tokensEmpty.hidden = true;
    this.tokens.push(t);
    this.show(t);
    this.updateRevoke();
    return t;
  }

  setState(t, state) {
    t.state = state;
    this.show(t);
    this.updateRevoke();
  }

  show(t) {
    if (t.state === 'live') t.countdown.textContent = `expires in ${countdown(t.expiresAt - Date.now())}`;
    else t.countdown.textContent = t.state; // "expired", "revoked"
  }

  tick() {
    for (const t of this.tokens) {
      if (t.state !== 'live') continue;
      if (Date.now() >= t.expiresAt) this.setState(t, 'expired');
      else this.show(t);
    }
  }

  // ------------------------------------------------------------- requests

  /** Runs inside the submit (a user gesture), or the browser blocks the popup. */
  request() {
    this.clearAlerts();
    const requested = this.requested();
    if (requested.length === 0) {
      this.alert(alertText('lab_no_scope'));
      return;
    }
    const overrides = this.overrides();
    this.pending = { requested };
    this.log('request', 'requestAccessToken(overrides)', { overrides });
    this.status('Waiting for the consent window…');
    this.client.requestAccessToken(overrides);
  }

  /** Writes the form's settings into the address: a URL to share, as /lab reads it. */
  share() {
    const data = new FormData(this.form);
    const q = new URLSearchParams();
    for (const s of this.requested()) q.append('scope', short(s));
    if (data.get('prompt')) q.set('prompt', String(data.get('prompt')));
    if (!data.has('include_granted_scopes')) q.set('include_granted_scopes', 'false');
    const hint = String(data.get('login_hint') ?? '').trim();
    if (hint) q.set('login_hint', hint);
    if (data.get('path') !== 'server') q.set('path', String(data.get('path')));
    const coop = new URLSearchParams(location.search).get('coop');
    if (coop) q.set('coop', coop);
    const query = q.toString();
    history.replaceState(history.state, '', query ? `?${query}` : location.pathname);
  }

  /** The scopes the form asks for. */
  requested() {
    return new FormData(this.form).getAll('scope').map(String);
  }

  /** requestAccessToken's overrides as the form describes them. */
  overrides() {
    const data = new FormData(this.form);
    const overrides = {
      scope: this.requested().join(' '),
      prompt: String(data.get('prompt') ?? ''),
      include_granted_scopes: data.has('include_granted_scopes'),
    };
    const hint = String(data.get('login_hint') ?? '').trim();
    if (hint) overrides.login_hint = hint;
    return overrides;
  }

  async onResponse(resp) {
    const requested = this.pending?.requested ?? [];
    this.pending = null;
    this.status('');
    const o = await outcome(this.oauth2, resp, requested, 'lab_partial');
    if (resp.error) {
      // An error answer carries no token.
      this.log('oauth-error', `callback: OAuth error “${resp.error}”`, { response: resp }, [
        resp.error_description ? `Google says: ${resp.error_description}` : `Google answered ${resp.error}.`,
      ]);
      const [title, detail] = await o.alert;
      this.alert([title, `${detail} (OAuth error: ${resp.error})`], retry);
      await recordOutcome(o, requested);
      return;
    }
    const all = this.oauth2.hasGrantedAllScopes(resp, ...requested);
    const any = this.oauth2.hasGrantedAnyScope(resp, ...requested);
    const perScope = requested.map((scope) => ({
      scope,
      hasGrantedAllScopes: this.oauth2.hasGrantedAllScopes(resp, scope),
      hasGrantedAnyScope: this.oauth2.hasGrantedAnyScope(resp, scope),
    }));
    const { missing } = o;
    const granted = requested.filter((s) => !missing.includes(s));
    const list = requested.map((s) => `'${s}'`).join(', ');
    const t = this.addToken(resp);
    this.log(
      'response',
      `callback: TokenResponse (token ${t.n})`,
      { response: { ...resp, access_token: redact(resp.access_token) }, hasGrantedAllScopes: all, hasGrantedAnyScope: any, perScope },
      [
        `Requested and granted: ${granted.join(' ') || 'none'}`,
        `Requested but not granted: ${missing.join(' ') || 'none'}`,
        `The token's scope: ${scopesOf(resp).join(' ')}`,
        `hasGrantedAllScopes(response, ${list}) → ${all}`,
        `hasGrantedAnyScope(response, ${list}) → ${any}`,
      ],
    );
    if (o.kind === 'partial') {
      // Part of a request is an outcome, not a failure.
      showAlert(root, o.alert, undefined, 'notice');
      await recordOutcome(o, requested);
    }
    const response = this.shown;
    await this.verify(t.token, 'after the grant');
    // On a phone the timeline is screens below the button: show the answer
    // there, unless an alert already took the view.
    if (o.kind !== 'partial') reveal(await response);
    await this.callFromBrowser(t.token, t.scopes);
  }

  onError(err) {
    this.pending = null;
    this.status('');
    this.log('error_callback', `error_callback: ${err.type}`, { error: { type: err.type, message: err.message } });
    this.alert(outcome(this.oauth2, err, []).then((o) => o.alert), retry);
  }

  /** Posts the token to POST /lab/verify and logs the server's verdict. */
  async verify(token, when) {
    let res;
    try {
      res = await postToken('/lab/verify', token, null);
    } catch {
      this.log('verdict', 'Server’s verdict: no answer', {}, ['The page could not reach its server.']);
      return;
    }
    const box = document.getElementById('lab-verdict');
    if (res.ok && box?.dataset.verdict) {
      const verdict = JSON.parse(box.dataset.verdict);
      this.log('verdict', `Server’s verdict ${when}: ${res.status}, valid`, { status: res.status, verdict }, [
        `Audience: ${verdict.audience_ok ? 'this site’s client ID' : 'another client'}`,
        `Scopes: ${verdict.scopes.join(' ')}`,
        `Expires in ${verdict.expires_in} s`,
        `The pages’ permissions: ${verdict.catalog.map((c) => `${c.label} ${c.verified ? 'verified' : 'not in this token'}`).join(', ')}`,
      ]);
      return;
    }
    const alert = box?.querySelector('[role="alert"]');
    const title = alert?.querySelector('strong')?.textContent ?? `HTTP ${res.status}`;
    const message = [...(alert?.querySelectorAll('p') ?? [])].map((p) => p.textContent.replace(/\s+/g, ' ').trim()).join(' ');
    this.log(
      'verdict',
      `Server’s verdict ${when}: ${res.status}, ${title}`,
      { status: res.status, www_authenticate: res.headers.get('WWW-Authenticate'), message },
      [message],
    );
  }

  // ------------------------------------------------------------- REST + CORS

  /** Whether the switch says to call the APIs from the browser with fetch too. */
  get browserCalls() {
    return ['browser', 'all'].includes(new FormData(this.form).get('path'));
  }

  /** Whether the switch says to call the APIs through gapi.client too. */
  get gapiCalls() {
    return ['gapi', 'all'].includes(new FormData(this.form).get('path'));
  }

  /**
   * With the switch on, the page also calls the APIs itself (lab-extras.js):
   * with fetch (REST + CORS), with gapi.client, or both after each other.
   */
  async callFromBrowser(token, scopes) {
    if (!this.browserCalls && !this.gapiCalls) return;
    let m;
    try {
      m = await loadExtras();
    } catch {
      this.log(this.browserCalls ? 'rest' : 'gapi', 'From the browser: no calls', {}, ['The page could not load its module for the browser-side calls.']);
      return;
    }
    if (this.browserCalls) await m.callFromBrowser(this, token, scopes);
    if (this.gapiCalls) await m.callWithGapi(this, token, scopes);
  }

  // ------------------------------------------------------------- expire, revoke

  async expireNow() {
    this.clearAlerts();
    const live = this.tokens.filter((t) => t.state === 'live');
    if (live.length === 0) {
      this.alert(alertText('lab_no_token'), retry);
      return;
    }
    const seconds = Math.max(1, Math.ceil((Math.max(...live.map((t) => t.expiresAt)) - Date.now()) / 1000) + 1);
    let res;
    try {
      res = await postForm('/lab/expire', { seconds: String(seconds) });
    } catch {
      this.alert(alertText('unreachable'));
      return;
    }
    if (!res.ok) {
      this.log('expire', `Expire now failed: ${res.status}`, { status: res.status });
      return;
    }
    const clock = document.getElementById('lab-clock');
    for (const t of live) this.setState(t, 'expired');
    this.log('expire', 'Expire now: the emulator’s clock moved forward', { advanced_seconds: seconds, emulator_now: clock?.dataset.emulatorNow ?? null }, [
      `Moved ${seconds} s forward: every token on this page has expired (the grant itself still stands). Press “Request access” for a fresh token.`,
    ]);
    this.status('Every token on this page has expired.');
    const newest = this.tokens.at(-1);
    if (newest?.token) {
      await this.verify(newest.token, 'after Expire now');
      await this.callFromBrowser(newest.token, newest.scopes);
    }
  }

  /** Ends the whole grant; Revoke access is enabled only while a live token is here. */
  revoke() {
    this.clearAlerts();
    const t = this.current;
    if (!t) return;
    const token = t.token;
    this.log('revoke', 'google.accounts.oauth2.revoke(token)', { token: redact(token) });
    this.oauth2.revoke(token, async (done) => {
      const result = { successful: !!done.successful, error: done.error, error_description: done.error_description };
      if (!done.successful) {
        this.log('revoke', 'revoke: failed', { result }, [`Google answered ${done.error ?? 'unknown'}.`]);
        this.alert(alertText('revoke_failed', { error: done.error ?? 'unknown' }));
        return;
      }
      for (const other of this.tokens) if (other.state === 'live') this.setState(other, 'revoked');
      this.log('revoke', 'revoke: the whole grant was revoked', { result }, [
        'Every scope this site held is gone, and every token on this page stops working. The next request shows the consent screen again.',
      ]);
      await postForm('/grants/events', { event: 'revoked' });
      this.status('Access revoked: every scope this site held is gone.');
      await this.verify(token, 'after the revoke');
      await this.callFromBrowser(token, t.scopes);
    });
  }
}

if (root) gis().then((oauth2) => new Lab(oauth2));
