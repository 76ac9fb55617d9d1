// The shared page module, imported by the other modules as
// "scopewise/token-client" (the page's import map): waiting for GIS, posting
// to the page's own server routes, swapping the HTML fragments it answers in
// place of the elements with the same id, and the alerts and status lines.
// token-sections.js binds the pages' [data-token-client] sections with it;
// the Ajax page and the lab run their own token clients with it instead.
//
// The token lives in module memory only: never in storage, the URL,
// a cookie or the DOM.

const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';

/** Waits for the GIS library (loaded async) to define google.accounts.oauth2. */
export function gis() {
  return new Promise((resolve) => {
    const check = () => {
      const oauth2 = window.google?.accounts?.oauth2;
      if (oauth2) resolve(oauth2);
      else setTimeout(check, 30);
    };
    check();
  });
}

/** Replaces each top-level element of html that has an id with the page's element of that id. */
export function swap(html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  for (const el of [...tpl.content.children]) {
    const old = el.id && document.getElementById(el.id);
    if (old) old.replaceWith(el);
  }
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
 * it). signal and keepalive go to fetch.
 */
export async function postToken(url, token, fields, { swapIn = true, signal, keepalive } = {}) {
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
  const res = await fetch(url, init);
  if (swapIn) swap(await res.text());
  return res;
}

// What error_callback types and OAuth errors mean for the user.
export const messages = {
  access_denied: ['Access was not granted', 'You cancelled the consent screen, so the page got no token.'],
  popup_closed: ['The sign-in window was closed', 'The window was closed before you answered, so nothing was granted.'],
  popup_failed_to_open: ['The sign-in window was blocked', 'The browser blocked the popup window. Allow popups for this site, then press the button again.'],
  interaction_required: ['Sign-in needed', 'Google needs you to choose an account first, which a silent request (prompt none) cannot do.'],
  consent_required: ['Consent needed', 'This permission has not been granted yet, and a silent request (prompt none) cannot ask for it.'],
};

/** The alert for a postback that got no answer at all (server down, network gone). */
export const unreachable = ['Could not reach the server', 'The page could not reach its server. Check that it is running, then try again.'];

/** Shows an alert that says what happened and what to do next. */
export function showAlert(section, title, detail, retry) {
  const box = section.querySelector('[data-alerts]');
  const alert = document.createElement('div');
  alert.className = 'alert';
  alert.setAttribute('role', 'alert');
  const t = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = title;
  t.append(strong);
  const d = document.createElement('p');
  d.textContent = detail;
  alert.append(t, d);
  if (retry) {
    const r = document.createElement('p');
    r.textContent = `Press “${retry}” to try again.`;
    alert.append(r);
  }
  box.replaceChildren(alert);
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
