// The shared page module, imported by the other modules as
// "scopewise/token-client" (the page's import map): waiting for GIS, posting
// to the page's own server routes, swapping the HTML fragments it answers in
// place of the elements with the same id, the outcome of a token request, and
// the alerts and status lines.
// token-sections.js binds the pages' [data-token-client] sections with it;
// the Ajax page and the lab run their own token clients with it instead.
//
// The token lives in module memory only: never in storage, the URL,
// a cookie or the DOM.

const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';

// How long the page waits for the GIS library before it says so.
const gisPatienceMs = 3000;
let gisLoaded;

/**
 * Waits for the GIS library (loaded async) to define google.accounts.oauth2.
 * If its script fails to load (an ad blocker, offline, Google down), or has
 * not run after a few seconds, an alert says why and what to try; it goes
 * away if the library arrives after all.
 */
export function gis() {
  gisLoaded ??= new Promise((resolve) => {
    const script = document.querySelector('script[data-gis]');
    const host = script ? new URL(script.src, location.href).host : 'accounts.google.com';
    let alert = null;
    // Under the page's heading: where a reader starts, and shown on every
    // page (a section's own alert box may be collapsed).
    const warn = ([title, detail]) => {
      if (alert) return;
      const box = document.createElement('div');
      box.className = 'alerts';
      box.dataset.alerts = '';
      const h1 = document.querySelector('main h1');
      if (h1) h1.after(box);
      else (document.querySelector('main') ?? document.body).prepend(box);
      alert = showAlert(box, title, detail);
    };
    script?.addEventListener('error', () => warn(alertText('gis_failed', { host })));
    const timer = setTimeout(() => warn(alertText('gis_slow', { host })), gisPatienceMs);
    const check = () => {
      const oauth2 = window.google?.accounts?.oauth2;
      if (!oauth2) {
        setTimeout(check, 30);
        return;
      }
      clearTimeout(timer);
      alert?.parentElement.remove();
      resolve(oauth2);
    };
    check();
  });
  return gisLoaded;
}

/** Milliseconds the page clock is ahead of this browser's: the emulator's clock may have been moved (the ledger says). */
export function clockOffset() {
  return Number(document.getElementById('ledger')?.dataset.clockOffsetMs) || 0;
}

/** The page clock's now, as a Date: the emulator's clock in emulator mode. */
export function pageNow() {
  return new Date(Date.now() + clockOffset());
}

/**
 * Brings el into view when it is not (on a phone, a result or alert can land
 * a screen or more below the button that caused it).
 */
export function reveal(el) {
  if (!el?.isConnected) return;
  const r = el.getBoundingClientRect();
  if (r.top >= 0 && r.top < innerHeight - Math.min(r.height, innerHeight / 3)) return;
  const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
  el.scrollIntoView({ block: r.height > innerHeight ? 'start' : 'nearest', behavior: smooth ? 'smooth' : 'auto' });
}

/**
 * Replaces each top-level element of html that has an id with the page's
 * element of that id; returns the elements swapped in.
 */
export function swap(html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const swapped = [];
  for (const el of [...tpl.content.children]) {
    const old = el.id && document.getElementById(el.id);
    if (old) {
      old.replaceWith(el);
      swapped.push(el);
    }
  }
  return swapped;
}

/** Brings a postback's answer into view (its alert, else its first result), from what swap returned. */
export function revealAnswer(swapped) {
  const shown = swapped.filter((el) => el.id !== 'ledger' && el.childElementCount > 0);
  reveal(shown.map((el) => el.querySelector('[role="alert"]')).find(Boolean) ?? shown[0]);
}

/** Sends a form-encoded postback that carries no token (ledger events). */
export async function postForm(url, fields) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    credentials: 'same-origin',
  });
  swap(await res.text());
  return res;
}

/**
 * Posts the token to a page route, with optional form fields; the answer is
 * HTML fragments, swapped in unless swapIn is false (then the caller reads
 * it). signal and keepalive go to fetch. traced: the postback, its answer
 * (the server's verdict and timings) and the swap are steps of "What just
 * happened".
 */
export async function postToken(url, token, fields, { swapIn = true, signal, keepalive, traced = false } = {}) {
  const init = {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'X-CSRF-Token': csrf, Accept: 'text/html' },
    credentials: 'same-origin',
    signal,
    keepalive,
  };
  if (fields) {
    init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(fields);
  }
  if (traced) trace('postback', { url, token: redact(token), fields });
  const res = await fetch(url, init);
  if (traced) trace('answer', { res });
  if (swapIn) {
    const html = await res.text();
    const t = performance.now();
    const swapped = swap(html);
    if (traced) trace('render', { ids: swapped.map((el) => el.id), ms: performance.now() - t });
    // Where the answer landed: on a phone, often a screen below the button.
    revealAnswer(swapped);
  }
  return res;
}

/** "ya29…(redacted, 212 chars)": what a token looks like anywhere but memory. */
export function redact(token) {
  const prefix = String(token).startsWith('ya29.') ? 'ya29' : '';
  return `${prefix}…(redacted, ${String(token).length} chars)`;
}

// ------------------------------------------------------------- the trace
// "What just happened" ([data-trace]): each step of the page's last token
// request, recorded here as it happens with its time; trace.js shows the
// steps and the page's own code, and is loaded on first use (the first
// step, or opening the code). A step holds no token: redact() first.

const traceRegion = document.querySelector('[data-trace]');
/** The page's token clients as made: {config, about}; the steps so far. */
const traced = { clients: [] };
let traceModule;
let shown = Promise.resolve();

/** trace.js, imported once; a failed load is tried again next time. */
export function loadTrace() {
  return (traceModule ??= import('scopewise/trace').catch((err) => {
    traceModule = undefined;
    throw err;
  }));
}

/** Records a step of the request; kind 'request' (or begin: true) starts a new one. */
export function trace(kind, data = {}) {
  if (!traceRegion) return;
  const step = { kind, t: performance.now(), at: Date.now(), ...data };
  shown = shown.then(loadTrace).then((m) => m.show(traceRegion, step, traced), () => {});
}

traceRegion?.querySelector('details')?.addEventListener('toggle', () => trace('code'), { once: true });

/**
 * google.accounts.oauth2.initTokenClient(config), remembering config as
 * passed (the page's code is printed from it) and tracing each
 * requestAccessToken call with its overrides. about tells the code what
 * the page does around it: {requests: [{label, overrides, scopes, postback}]},
 * overrides as an object, or a function that gives them.
 */
export function initTokenClient(oauth2, config, about) {
  const client = oauth2.initTokenClient(config);
  traced.clients.push({ config, about });
  return {
    requestAccessToken(overrides) {
      trace('request', { config, overrides });
      client.requestAccessToken(overrides);
    },
  };
}

// The alert texts of the page's modules, key → [title, detail]. They are
// spelled in views/alerts.go: each module's own replace its ALERT_TEXTS when
// the site builds its assets, and the module adds them here.
const alertTexts = ALERT_TEXTS;

/** Adds a page module's alert texts (its ALERT_TEXTS) to the ones alertText finds. */
export function addAlertTexts(texts) {
  Object.assign(alertTexts, texts);
}

/** An alert's [title, detail] by key, each {name} filled in from vars. */
export function alertText(key, vars = {}) {
  return (alertTexts[key] ?? [key, '']).map((s) => s.replace(/\{(\w+)\}/g, (m, name) => vars[name] ?? m));
}

// The error codes with an outcome of their own; any other is kind 'error'.
const errorKinds = { access_denied: 'denied', popup_closed: 'closed', popup_failed_to_open: 'blocked' };

/**
 * What a token request came to, from the callback's TokenResponse or
 * error_callback's error: {kind, code, missing, alert}.
 *   kind     'granted'; 'partial' (missing: the asked scopes not granted);
 *            'denied' (access_denied); 'closed' (popup_closed); 'blocked'
 *            (popup_failed_to_open); 'error' (any other: code says which)
 *   code     the OAuth error or error_callback type, when there is one
 *   alert    [title, detail] to show; null when everything asked was granted
 * partialKey names the page's own alert for a partial grant; its {missing}
 * lists the scopes not granted. The answer (redacted) and the check are
 * steps of "What just happened".
 */
export function outcome(oauth2, answer, asked, partialKey) {
  const code = answer.error ?? answer.type;
  const missing = code ? [] : asked.filter((s) => !oauth2.hasGrantedAllScopes(answer, s));
  const kind = code ? (errorKinds[code] ?? 'error') : missing.length ? 'partial' : 'granted';
  trace('popup', { answer: { ...answer, access_token: answer.access_token && redact(answer.access_token) } });
  if (!code) trace('check', { scopes: asked, missing });
  // An unknown OAuth error is Google's answer; an unknown type, the window's.
  const key = !code ? partialKey : alertTexts[code] ? code : answer.error ? 'error_response' : 'error_window';
  return { kind, code, missing, alert: kind === 'granted' ? null : alertText(key, { code, missing: missing.join(', ') }) };
}

/**
 * Tells the grant ledger (POST /grants/events) of a denial (every scope
 * asked) or a partial grant (the scopes missing); scopes the ledger has no
 * row for are left out. Other outcomes change nothing there.
 */
export async function recordOutcome(o, asked) {
  for (const scope of o.kind === 'denied' ? asked : o.missing) {
    if (document.querySelector(`#ledger tr[data-scope="${CSS.escape(scope)}"]`)) await postForm('/grants/events', { event: o.kind, scope });
  }
}

/**
 * Shows an alert that says what happened and what to do next, and brings it
 * into view. tone 'notice' is for an outcome that is no failure (a partial
 * grant): the same role=alert, not styled as an error. Returns the alert.
 */
export function showAlert(section, title, detail, retry, tone) {
  const box = section.matches('[data-alerts]') ? section : section.querySelector('[data-alerts]');
  const alert = document.createElement('div');
  alert.className = tone === 'notice' ? 'alert notice' : 'alert';
  alert.setAttribute('role', 'alert');
  const t = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = title;
  t.append(strong);
  const d = document.createElement('p');
  d.textContent = detail;
  alert.append(t, d);
  if (retry) {
    // As views.Alert renders it.
    const r = document.createElement('p');
    r.textContent = `Press “${retry}” to try again.`;
    alert.append(r);
  }
  box.replaceChildren(alert);
  reveal(alert);
  return alert;
}

/** Sets the section's role=status line ('' hides it). */
export function showStatus(section, text) {
  const status = section.querySelector('[data-status]');
  if (status) status.textContent = text;
}

/** Clears the section's alerts and status line. */
export function clearMessages(section) {
  section.querySelector('[data-alerts]')?.replaceChildren();
  showStatus(section, '');
}

/** Every token section on the page, by its element; page modules look theirs up here. */
export const sections = new Map();

/** Resolves with the section object bound to el once GIS has loaded. */
export function sectionFor(el) {
  return new Promise((resolve) => {
    const check = () => (sections.has(el) ? resolve(sections.get(el)) : setTimeout(check, 30));
    check();
  });
}
