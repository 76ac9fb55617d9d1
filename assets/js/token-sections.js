// The page script of the pages with token sections (Docs, Calendar, Photos).
// Every section marked data-token-client runs its own GIS token client with
// the one scope in data-scope. The button press is the user gesture that
// calls requestAccessToken(); the callback checks what was granted, then posts
// the token to the page's own server route, which answers with HTML fragments
// that replace elements of the same id. The Ajax page and the lab run their
// own token clients and do not load this module.
//
// The token lives in this module's memory only: never in storage, the URL,
// a cookie or the DOM.
import {
  addAlertTexts,
  alertText,
  clearMessages,
  gis,
  initTokenClient,
  outcome,
  postForm,
  postToken,
  recordOutcome,
  redact,
  sections,
  showAlert,
  showStatus,
  trace,
} from 'scopewise/token-client';

addAlertTexts(ALERT_TEXTS); // this module's, from views/alerts.go

/**
 * One page section with its own token client and its one scope.
 *
 * Bindings, all inside the section:
 *   button[data-action=authorize]  request a token, then post to data-postback
 *   form[data-token-form]          post the form's fields with the token to its action
 *                                  (requesting a token first when there is none)
 *   button[data-action=refresh]    post the last postback again with the same token
 *   button[data-action=revoke]     revoke the whole grant
 */
export class TokenSection {
  constructor(section, oauth2) {
    this.section = section;
    this.oauth2 = oauth2;
    this.scope = section.dataset.scope;
    this.postback = section.dataset.postback;
    this.label = section.dataset.label;
    this.token = null; // in memory only
    this.revoked = false; // the token was revoked: Refresh may send it, Revoke not
    this.last = { url: this.postback, fields: null }; // what Refresh repeats
    this.pending = this.last; // what to post once a token arrives
    this.client = initTokenClient(
      oauth2,
      {
        client_id: section.dataset.clientId,
        scope: this.scope,
        callback: (resp) => this.onAnswer(resp),
        error_callback: (err) => this.onAnswer(err),
      },
      { requests: [{ label: this.label, scopes: [this.scope], postback: this.postback }] },
    );
    section.addEventListener('click', (ev) => this.onClick(ev));
    section.addEventListener('submit', (ev) => this.onSubmit(ev));
    sections.set(section, this);
    for (const b of section.querySelectorAll('[data-action="authorize"]')) b.disabled = false;
    this.updateRevoke();
  }

  /**
   * Revoke access needs the page's token: without one it is disabled, and
   * the note beside it (its description) says why, from the ledger's row.
   */
  updateRevoke() {
    const revoke = this.section.querySelector('[data-action="revoke"]');
    const note = this.section.querySelector('[data-revoke-note]');
    const live = !!this.token && !this.revoked;
    if (revoke) revoke.disabled = !live;
    if (!note) return;
    note.hidden = live;
    if (live) return;
    const row = document.querySelector(`#ledger tr[data-scope="${CSS.escape(this.scope)}"]`);
    const vars = { button: this.label, until: row?.dataset.until };
    const state = row?.dataset.state;
    const key = state === 'granted' ? 'revoke_granted' : !state || state === 'never asked' ? 'revoke_never' : 'revoke_none';
    alertText(key, vars).then((text) => (note.textContent = text.join(' ')));
  }

  onClick(ev) {
    const button = ev.target.closest('button[data-action]');
    if (!button) return;
    switch (button.dataset.action) {
      case 'authorize':
        this.authorize({ url: this.postback, fields: null });
        break;
      case 'refresh':
        clearMessages(this.section);
        if (this.token) this.send(this.last);
        else showAlert(this.section, alertText('no_token'), this.label);
        break;
      case 'revoke':
        this.revoke();
        break;
    }
  }

  /** Asks for a token inside the user gesture (or the browser blocks the popup), then posts next. */
  authorize(next) {
    clearMessages(this.section);
    this.pending = next;
    this.client.requestAccessToken();
  }

  onSubmit(ev) {
    const form = ev.target.closest('form[data-token-form]');
    if (!form) return;
    ev.preventDefault();
    const next = { url: form.getAttribute('action'), fields: Object.fromEntries(new FormData(form, ev.submitter)) };
    if (this.token) {
      clearMessages(this.section);
      this.send(next);
    } else {
      this.authorize(next);
    }
  }

  /** The callback's TokenResponse or error_callback's error. */
  async onAnswer(answer) {
    const o = await outcome(this.oauth2, answer, [this.scope], 'section_partial');
    if (o.kind !== 'granted') {
      // The popup's retry line says how to try again: the texts do not repeat it.
      showAlert(this.section, o.alert, this.label, o.kind === 'partial' ? 'notice' : undefined);
      recordOutcome(o, [this.scope]).then(() => this.updateRevoke());
      return;
    }
    this.token = answer.access_token;
    this.revoked = false;
    this.updateRevoke();
    this.section.dispatchEvent(new CustomEvent('scopewise:token', { detail: { scope: answer.scope } }));
    this.send(this.pending, true);
  }

  /** Posts {url, fields} with the token and swaps the answer in; fresh: right after the popup's answer. */
  async send(next, fresh = false) {
    this.last = next;
    showStatus(this.section, 'Loading…');
    // A postback with the token the page already holds is a request of its own.
    if (!fresh) trace('reuse', { url: next.url });
    try {
      // The module the answer needs (data-module), imported on first use.
      const ready = this.section.dataset.module && import(this.section.dataset.module);
      const res = await postToken(next.url, this.token, next.fields, { traced: true, ready });
      showStatus(this.section, '');
      this.section.dispatchEvent(new CustomEvent('scopewise:answer', { detail: { url: next.url, status: res.status } }));
    } catch {
      showStatus(this.section, '');
      showAlert(this.section, alertText('unreachable'), this.label);
    }
  }

  /** Ends the whole grant; Revoke access is enabled only while the page holds a token. */
  revoke() {
    clearMessages(this.section);
    if (!this.token) return;
    trace('revoke', { token: redact(this.token) });
    this.oauth2.revoke(this.token, async (done) => {
      trace('revoked', { done });
      if (!done.successful) {
        showAlert(this.section, alertText('revoke_failed', { error: done.error ?? 'unknown' }));
        return;
      }
      // What the dead token fetched goes. The token stays in memory, so
      // Refresh can show Google refusing it.
      this.revoked = true;
      const results = document.getElementById(this.section.dataset.results);
      if (results) {
        const p = document.createElement('p');
        p.textContent = 'What this page showed is cleared: the grant that read it is gone. Refresh sends the revoked token again, to see it refused.';
        const refresh = document.createElement('button');
        refresh.type = 'button';
        refresh.className = 'secondary';
        refresh.dataset.action = 'refresh';
        refresh.textContent = 'Refresh';
        results.replaceChildren(p, refresh);
      }
      await postForm('/grants/events', { event: 'revoked', scope: this.scope });
      this.updateRevoke();
      showStatus(this.section, 'Access revoked: every scope this site held is gone, and the old token no longer works.');
    });
  }
}

// A section marked data-token-client="external" gets its token from a page
// module's own client (the Ajax page's one client), which registers the
// section in `sections` itself: modules written for token sections (photos.js)
// then work there too.
const tokenSections = document.querySelectorAll('[data-token-client]:not([data-token-client="external"])');
if (tokenSections.length > 0) {
  gis().then((oauth2) => {
    for (const s of tokenSections) new TokenSection(s, oauth2);
  });
}
