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
    let box = null;
    // Under the page's heading: where a reader starts, and shown on every
    // page (a section's own alert box may be collapsed).
    const warn = (text) => {
      if (box) return;
      box = document.createElement('div');
      box.className = 'alerts';
      box.dataset.alerts = '';
      const h1 = document.querySelector('main h1');
      if (h1) h1.after(box);
      else (document.querySelector('main') ?? document.body).prepend(box);
      showAlert(box, text);
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
      box?.remove();
      resolve(oauth2);
    };
    check();
  });
  return gisLoaded;
}

/**
 * A loader for the module at specifier (a bare name of the import map, or a
 * URL) that imports it on its first call; a failed load is tried again on
 * the next.
 */
export function importOnce(specifier) {
  let module;
  return () =>
    (module ??= import(specifier).catch((err) => {
      module = undefined;
      throw err;
    }));
}

/** "14:05:09 UTC": a time (ms since the epoch) as the site writes times (views.TimeFormat). */
export function utc(ms) {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

/** Milliseconds the page clock is ahead of this browser's: the emulator's clock may have been moved (the ledger says). */
export function clockOffset() {
  return Number(document.getElementById('ledger')?.dataset.clockOffsetMs) || 0;
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
 * it), once ready (a promise: the module the answer needs) has settled.
 * signal and keepalive go to fetch. traced: the postback, its answer
 * (the server's verdict and timings) and the swap are steps of "What just
 * happened".
 */
export async function postToken(url, token, fields, { swapIn = true, signal, keepalive, traced = false, ready } = {}) {
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
    await ready;
    const t = performance.now();
    const swapped = swap(html);
    if (traced) trace('render', { ids: swapped.map((el) => el.id), ms: performance.now() - t });
    // Where the answer landed: on a phone, often a screen below the button.
    revealAnswer(swapped).catch(() => {});
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
let shown = Promise.resolve();

/** trace.js, imported once, on first use. */
export const loadTrace = importOnce('scopewise/trace');

/** Records a step of the request; kind 'request' (or begin: true) starts a new one. */
export function trace(kind, data = {}) {
  if (!traceRegion) return;
  // at is on the page clock, as every time the page shows.
  const step = { kind, t: performance.now(), at: Date.now() + clockOffset(), ...data };
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
      // What the page does with the answer, fetched while the user answers the popup.
      answer().catch(() => {});
    },
  };
}

// The alert texts, key → [title, detail]. They are spelled in
// views/alerts.go: each module's own replace its ALERT_TEXTS when the site
// builds its assets, and the module adds them here. The texts shown only
// after a page's first use are answer.js's.
const alertTexts = ALERT_TEXTS;

/** Adds a page module's alert texts (its ALERT_TEXTS) to the ones alertText finds. */
export function addAlertTexts(texts) {
  Object.assign(alertTexts, texts);
}

/**
 * An alert's [title, detail], each {name} filled in from vars, by key (or
 * the first of a list of keys that has a text): a promise, since the text
 * may be answer.js's, not loaded yet.
 */
export async function alertText(keys, vars = {}) {
  keys = [keys].flat();
  if (!keys.some((k) => alertTexts[k])) await answer().catch(() => {});
  // No text even then: answer.js could not load, so the server is out of reach.
  const key = keys.find((k) => alertTexts[k]) ?? 'unreachable';
  return alertTexts[key].map((s) => s.replace(/\{(\w+)\}/g, (m, name) => vars[name] ?? m));
}

// ------------------------------------------------------------ the answer
// answer.js: what a page does once a request is answered. The functions
// below are its, loaded on first use: the page's first token request
// fetches it while the user answers the popup.

/** answer.js, imported once, on first use. */
export const answer = importOnce('scopewise/answer');

/**
 * What a token request came to, from the callback's TokenResponse or
 * error_callback's error: a promise of {kind, code, missing, alert}
 * (answer.js's outcome says what each is).
 */
export async function outcome(...args) {
  return (await answer()).outcome(...args);
}

/** Tells the grant ledger of a denial or a partial grant (answer.js). */
export async function recordOutcome(...args) {
  return (await answer()).recordOutcome(...args);
}

/** Brings a postback's answer into view, from what swap returned (answer.js). */
export async function revealAnswer(swapped) {
  return (await answer()).revealAnswer(swapped);
}

/** Brings el into view when it is not (answer.js). */
export async function reveal(el) {
  return (await answer()).reveal(el);
}

/**
 * Shows an alert, [title, detail] or a promise of it, with its retry line and
 * tone, and brings it into view (answer.js). If answer.js cannot load, the
 * server is out of reach, and the section's status line says so.
 */
export async function showAlert(section, text, retry, tone) {
  let m;
  try {
    m = await answer();
  } catch {
    showStatus(section, alertTexts.unreachable.join(' '));
    return null;
  }
  return m.showAlert(section, await text, retry, tone);
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
