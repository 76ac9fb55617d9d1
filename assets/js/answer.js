// What a page does once a token request is answered, imported on first use
// (token-client.js imports it with the page's first token request, and
// re-exports each function as an async one): the outcome of the request,
// the ledger told of a denial or a partial grant, the alerts and the texts
// they show after a page's first use (views/alerts.go, group "answer.js"),
// bringing an answer into view where the user is looking, and the
// stylesheets of the modules loaded on first use (trace.js, photos.js).
import { addAlertTexts, alertText, postForm, redact, trace } from 'scopewise/token-client';

addAlertTexts(ALERT_TEXTS); // this module's, from views/alerts.go

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

/** Brings a postback's answer into view (its alert, else its first result), from what swap returned. */
export function revealAnswer(swapped) {
  const shown = swapped.filter((el) => el.id !== 'ledger' && el.childElementCount > 0);
  reveal(shown.map((el) => el.querySelector('[role="alert"]')).find(Boolean) ?? shown[0]);
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
 *   alert    a promise of [title, detail] to show (alertText); null when
 *            everything asked was granted
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
  const keys = !code ? partialKey : [code, answer.error ? 'error_response' : 'error_window'];
  return { kind, code, missing, alert: kind === 'granted' ? null : alertText(keys, { code, missing: missing.join(', ') }) };
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
 * into view. text is [title, detail]. tone
 * 'notice' is for an outcome that is no failure (a partial grant): the same
 * role=alert, not styled as an error. Returns the alert.
 */
export function showAlert(section, [title, detail], retry, tone) {
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

/** Adds the stylesheet at href to the page once; resolves when it applies (or failed to load). */
const stylesheets = new Map();
export function stylesheet(href) {
  if (!stylesheets.has(href)) {
    stylesheets.set(
      href,
      new Promise((resolve) => {
        const link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = href;
        link.onload = link.onerror = resolve;
        document.head.append(link);
      }),
    );
  }
  return stylesheets.get(href);
}
