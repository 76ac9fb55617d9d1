// The Ajax page's module: ONE token client for three sections. Opening a
// section (its disclosure button) is the user gesture that calls
// requestAccessToken({scope: <the section's scope>}); once the answer carries
// that scope, the token is posted to the section's own page route (POST /docs,
// /calendar, /photos) and the answer's fragments replace elements of the same
// id. With include_granted_scopes (GIS's default) each new token also carries
// the scopes granted before, so the one token grows section by section, and a
// section whose scope the token already carries opens with no popup at all.
//
// Each section is registered in the shared `sections` map with a `token`
// getter, so the Photos page's module (photos.js: picker window, polling,
// carousel) works inside the Photos section unchanged. It is loaded on first
// use: the Photos section's first postback imports it alongside the fetch,
// and the answer (the picker panel) is swapped in only once it has loaded,
// so its buttons work on the first click.
//
// The token lives in this module's memory only: never in storage, the URL,
// a cookie or the DOM.
import {
  alertText,
  clearMessages,
  clockOffset,
  gis,
  initTokenClient,
  outcome,
  postToken,
  recordOutcome,
  revealAnswer,
  sections,
  showAlert,
  showStatus,
  swap,
  trace,
  utc,
} from 'scopewise/token-client';


// A token this close to its expiry counts as expired: better a popup now than
// a 401 halfway through a postback.
const expiryMarginMs = 10_000;

const root = document.querySelector('[data-ajax]');

/** The page's one token, as the latest TokenResponse gave it. */
const held = {
  response: null, // the TokenResponse (memory only)
  expiresAt: 0, // ms since the epoch
};

function tokenIsLive() {
  return held.response !== null && Date.now() < held.expiresAt - expiryMarginMs;
}

/** What opening a section asks for: its scope only (the token grows by it). */
const overridesFor = (section) => ({ scope: section.scope });

/** One collapsed section with its scope and its page's postback. */
class AjaxSection {
  constructor(el, page) {
    this.el = el;
    this.page = page;
    this.scope = el.dataset.scope;
    this.label = el.dataset.label;
    this.toggle = el.querySelector('[data-action="toggle"]');
    this.panel = document.getElementById(this.toggle.getAttribute('aria-controls'));
    this.loaded = false; // the postback answered with data at least once
    this.last = { url: el.dataset.postback, fields: null }; // what Refresh repeats
    el.addEventListener('click', (ev) => this.onClick(ev));
    el.addEventListener('submit', (ev) => this.onSubmit(ev));
    this.toggle.disabled = false;
  }

  /** For page modules (photos.js): the token, when it carries this section's scope. */
  get token() {
    return this.page.carries(this.scope) ? held.response.access_token : null;
  }

  get open() {
    return this.toggle.getAttribute('aria-expanded') === 'true';
  }

  setOpen(open) {
    this.toggle.setAttribute('aria-expanded', String(open));
    this.panel.hidden = !open;
  }

  onClick(ev) {
    const button = ev.target instanceof Element ? ev.target.closest('button[data-action]') : null;
    if (!button) return;
    switch (button.dataset.action) {
      case 'toggle':
        if (this.open) this.setOpen(false);
        else this.openSection();
        break;
      case 'refresh':
        clearMessages(this.el);
        this.withToken(this.last);
        break;
    }
  }

  onSubmit(ev) {
    const form = ev.target instanceof Element ? ev.target.closest('form[data-token-form]') : null;
    if (!form) return;
    ev.preventDefault();
    clearMessages(this.el);
    this.withToken({ url: form.getAttribute('action'), fields: Object.fromEntries(new FormData(form, ev.submitter)) });
  }

  /** Opening is the gesture that asks for the scope, unless the token already carries it. */
  openSection() {
    this.setOpen(true);
    if (this.token) {
      if (!this.loaded) this.withToken(this.last);
      return;
    }
    clearMessages(this.el);
    this.page.request(this, this.last);
  }

  /** Posts next now when the token carries the scope; else asks for it first (inside the gesture). */
  withToken(next) {
    if (this.token) {
      trace('reuse', { url: next.url });
      this.send(next);
    } else this.page.request(this, next);
  }

  /** Posts {url, fields} with the token and swaps the answer in. */
  async send(next) {
    const token = this.token;
    if (!token) return;
    this.last = next;
    showStatus(this.el, 'Loading…');
    try {
      // The Photos section needs the Photos page's module before its answer.
      const module = this.el.dataset.module && import(this.el.dataset.module);
      const res = await postToken(next.url, token, next.fields, { swapIn: false, traced: true });
      const html = await res.text();
      await module;
      const t = performance.now();
      const swapped = swap(html);
      trace('render', { ids: swapped.map((el) => el.id), ms: performance.now() - t });
      showStatus(this.el, '');
      // Where the answer landed: on a phone, often a screen below the button.
      revealAnswer(swapped).catch(() => {});
      if (res.ok) this.loaded = true;
      // Refused as expired or revoked: the next opening asks again.
      if (res.status === 401) this.page.forget(token);
    } catch {
      showStatus(this.el, '');
      showAlert(this.el, alertText('unreachable'), this.label);
    }
  }
}

/** The page: its one token client and its sections. */
class AjaxPage {
  constructor(oauth2) {
    this.oauth2 = oauth2;
    this.pending = null; // {section, next} waiting for the popup's answer
    this.summary = root.querySelector('[data-token-summary]');
    this.scopeList = root.querySelector('[data-token-scopes]');
    this.sections = [...root.querySelectorAll('[data-ajax-section]')].map((el) => new AjaxSection(el, this));
    // initTokenClient needs a scope; every request overrides it with its section's.
    this.client = initTokenClient(
      oauth2,
      {
        client_id: root.dataset.clientId,
        scope: this.sections[0].scope,
        callback: (resp) => this.onAnswer(resp),
        error_callback: (err) => this.onAnswer(err),
      },
      { requests: this.sections.map((s) => ({ label: s.label, overrides: overridesFor(s), scopes: [s.scope], postback: s.last.url })) },
    );
    for (const s of this.sections) sections.set(s.el, s);
  }

  /** Whether the page's token carries scope and is still live. */
  carries(scope) {
    return tokenIsLive() && this.oauth2.hasGrantedAllScopes(held.response, scope);
  }

  /** Must run inside the user gesture, or the browser blocks the popup. */
  request(section, next) {
    // GIS abandons a request still waiting when a new one starts.
    if (this.pending && this.pending.section !== section) showStatus(this.pending.section.el, '');
    this.pending = { section, next };
    showStatus(section.el, 'Asking Google for permission…');
    this.client.requestAccessToken(overridesFor(section));
  }

  /** The callback's TokenResponse or error_callback's error, for the section that asked. */
  async onAnswer(answer) {
    const pending = this.pending;
    this.pending = null;
    if (!pending) return;
    const { section, next } = pending;
    const o = await outcome(this.oauth2, answer, [section.scope], 'ajax_partial');
    if (o.kind !== 'granted') {
      showStatus(section.el, '');
      showAlert(section.el, o.alert, section.label, o.kind === 'partial' ? 'notice' : undefined);
      recordOutcome(o, [section.scope]);
      return;
    }
    held.response = answer;
    held.expiresAt = Date.now() + Number(answer.expires_in) * 1000;
    this.showToken();
    section.send(next);
  }

  /** Drops a token the server refused; the sections ask again when next opened. */
  forget(token) {
    if (held.response?.access_token !== token) return;
    held.response = null;
    held.expiresAt = 0;
    this.showToken();
  }

  /** Shows the token's scope list (the TokenResponse's scope field): never the token. */
  showToken() {
    const resp = held.response;
    if (!resp) {
      this.summary.textContent = 'No token: the last one was refused. Open a section to ask again.';
      this.scopeList.replaceChildren();
      return;
    }
    const scopes = String(resp.scope ?? '').split(' ').filter(Boolean);
    const until = utc(held.expiresAt + clockOffset()); // on the page clock
    this.summary.textContent = `The token carries ${scopes.length} scope${scopes.length === 1 ? '' : 's'}, until about ${until}.`;
    this.scopeList.replaceChildren(
      ...scopes.map((s) => {
        const li = document.createElement('li');
        const code = document.createElement('code');
        code.textContent = s;
        li.append(code);
        return li;
      }),
    );
  }
}

if (root) gis().then((oauth2) => new AjaxPage(oauth2));
