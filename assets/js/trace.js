// "What just happened": each step of the page's last token request, as it
// happens, with its time, and the page's own initTokenClient /
// requestAccessToken code as configured. Loaded on first use by
// token-client.js, which records the steps (trace()) and the token clients as
// made (initTokenClient()); the consent lab draws its timeline's entries
// with entryElement too.
//
// The code is printed from the very config object the page passed to
// google.accounts.oauth2.initTokenClient, and from the overrides its
// requests pass, so it cannot drift from what the page runs. No step holds a
// token: token-client.js redacts them before they get here.

import { stylesheet } from 'scopewise/answer';
import { utc } from 'scopewise/token-client';

/** "85 ms", "2.4 s". */
function span(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "59 min 59 s". */
function lifetime(secs) {
  const m = Math.floor(secs / 60);
  return m > 0 ? `${m} min ${secs % 60} s` : `${secs} s`;
}

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

/**
 * One timeline entry as the lab shows it: the time and a title, the
 * plain-language lines, then the details as JSON (collapsed when collapse);
 * moved: the page clock (the emulator's) was moved, and the time says so.
 */
export function entryElement(entry, lines = [], details = {}, { collapse = false, elapsed, moved = false } = {}) {
  const li = el('li', undefined, `entry entry-${entry.kind}`);
  li.dataset.kind = entry.kind;
  const head = el('p', undefined, 'entry-head');
  const time = el('time', elapsed ?? utc(Date.parse(entry.at)) + (moved ? ' (emulator clock, moved)' : ''));
  time.dateTime = new Date(entry.at).toISOString();
  head.append(time, ' ', el('strong', entry.title));
  li.append(head);
  for (const line of lines) li.append(el('p', line));
  if (Object.keys(details).length > 0) {
    const pre = el('pre', JSON.stringify(details, null, 2));
    if (collapse) {
      const box = el('details');
      box.append(el('summary', 'Details (JSON)'), pre);
      li.append(box);
    } else li.append(pre);
  }
  return li;
}

// ------------------------------------------------------------- the steps

/** The postback answer's Server-Timing: [{name, dur, desc}]. */
function serverTiming(value) {
  // Metrics are comma-separated; a quoted description may hold a comma.
  return (String(value ?? '').match(/(?:[^,"]|"[^"]*")+/g) ?? [])
    .map((metric) => {
      const [name, ...params] = metric.split(';').map((s) => s.trim());
      const m = { name, dur: 0, desc: name };
      for (const p of params) {
        const [k, v = ''] = p.split('=');
        if (k === 'dur') m.dur = Number(v);
        if (k === 'desc') m.desc = v.replace(/^"|"$/g, '');
      }
      return m;
    })
    .filter((m) => m.name);
}

/** What a refused verdict means, by the check that failed. */
const refusals = {
  'invalid token': 'The token is expired, revoked or unknown: the page must ask for a new one.',
  'wrong audience': 'The token was issued to another app. Accepting it would make this site a confused deputy, acting for an app the user never chose.',
  'insufficient scope': 'The token is valid but does not carry the scope this page needs.',
};

/** The popup's answer: the callback's TokenResponse or error, or error_callback's error. */
function popup(answer) {
  if (answer.type) {
    const why = {
      popup_closed: 'The window was closed before it answered: error_callback, not callback, and no token. Nothing was refused.',
      popup_failed_to_open: 'The browser blocked the window (was the request made outside a click?). No token.',
    };
    return { title: `error_callback: ${answer.type}`, lines: [why[answer.type] ?? answer.message ?? ''], details: { error: answer } };
  }
  if (answer.error) {
    const line =
      answer.error === 'access_denied'
        ? 'Cancel on the consent screen reaches the callback as access_denied: the user said no. No token.'
        : `Google answered ${answer.error}${answer.error_description ? `: ${answer.error_description}` : ''}. No token.`;
    return { title: `callback: OAuth error “${answer.error}”`, lines: [line], details: { response: answer } };
  }
  return {
    title: 'callback: TokenResponse',
    lines: [`access_token: ${answer.access_token}`, `scope: ${answer.scope}`, `expires_in: ${answer.expires_in} s`],
    details: { response: answer },
  };
}

/** The server's answer to the postback: its verdict on the token, its API calls, the answer. */
function answered(step, sent) {
  const { res } = step;
  const h = { 'server-timing': res.headers.get('Server-Timing'), 'token-verdict': res.headers.get('Token-Verdict'), 'www-authenticate': res.headers.get('WWW-Authenticate') };
  const timings = serverTiming(h['server-timing']);
  const out = [];
  let verdict = null;
  try {
    verdict = JSON.parse(h['token-verdict'] ?? 'null');
  } catch {
    verdict = null;
  }
  const tokeninfo = timings.find((m) => m.name === 'tokeninfo');
  if (verdict) {
    const asked = tokeninfo ? `Asked tokeninfo: ${span(tokeninfo.dur)}.` : 'No tokeninfo call: the server trusted its answer of a few seconds ago for this token.';
    if (verdict.valid) {
      out.push({
        kind: 'verdict',
        title: 'tokeninfo’s verdict: valid',
        lines: [
          `Audience: ${verdict.audience} — this site’s client ID, so the token was issued to this app.`,
          `Scope: ${verdict.scopes.join(' ')} — holds ${verdict.needed}.`,
          `Expires at ${utc(Date.parse(verdict.expires_at))}, in ${lifetime(verdict.expires_in)}.`,
          asked,
        ],
        details: { verdict },
      });
    } else {
      const line = refusals[verdict.refused] ?? `tokeninfo could not check the token (${verdict.refused}): nothing is said about the grant; try again later.`;
      out.push({ kind: 'verdict', title: `tokeninfo’s verdict: refused — ${verdict.refused}`, lines: [line, asked], details: { verdict } });
    }
  }
  for (const m of timings) {
    if (m.name === 'tokeninfo' || m.name === 'app') continue;
    out.push({ kind: 'api', title: `${m.desc}: ${span(m.dur)}`, lines: ['Called by this server, with the token, after the verdict.'], details: { server_timing: m } });
  }
  const app = timings.find((m) => m.name === 'app');
  const lines = [`Round trip ${span(step.t - sent)}${app ? `; this server’s part ${span(app.dur)}` : ''}.`];
  if (h['www-authenticate']) lines.push(`WWW-Authenticate: ${h['www-authenticate']}`);
  out.push({ kind: 'answer', title: `The server answered ${res.status}`, lines, details: { status: res.status, 'server-timing': h['server-timing'] } });
  return out;
}

/** A step as entries: {kind, title, lines, details}. */
function describe(step, state) {
  switch (step.kind) {
    case 'request': {
      const { callback, error_callback, ...config } = step.config;
      return [{
        kind: 'request',
        title: `client.requestAccessToken(${step.overrides ? lit(step.overrides) : ''})`,
        lines: [`The page’s token client: initTokenClient(${lit(config)})`, 'Called inside the click: the browser lets Google’s window open.'],
        details: { config, overrides: step.overrides ?? null },
      }];
    }
    case 'reuse':
      return [{ kind: 'request', title: 'No popup: the page already holds a token', lines: [`It posts that token to ${step.url} again (the token lives in this page’s memory only).`] }];
    case 'popup': {
      const e = popup(step.answer);
      if (state.requested !== undefined) e.lines.push(`${span(step.t - state.requested)} in Google’s window.`);
      return [{ kind: 'popup', ...e }];
    }
    case 'check': {
      const ok = step.missing.length === 0;
      return [{
        kind: 'check',
        title: `hasGrantedAllScopes(response, ${step.scopes.map((s) => `'${s}'`).join(', ')}) → ${ok}`,
        lines: [ok ? 'The token carries what the page asked for: it posts the token to its server.' : `Consent is granular: ${step.missing.join(' ')} was left unticked. The page does not post the token.`],
      }];
    }
    case 'postback':
      state.sent = step.t;
      return [{
        kind: 'postback',
        title: `POST ${step.url}`,
        lines: [`Authorization: Bearer ${step.token}`, 'The token goes in this header only; the server checks it with tokeninfo.'],
        details: step.fields ? { form: step.fields } : {},
      }];
    case 'answer':
      return answered(step, state.sent ?? step.t);
    case 'render':
      return [{
        kind: 'render',
        title: `Rendered: ${step.ids.map((id) => `#${id}`).join(', ') || 'nothing to replace'}`,
        lines: [`The answer’s HTML replaced the page’s elements of the same id in ${span(step.ms)}.`],
      }];
    case 'revoke':
      return [{ kind: 'revoke', title: `google.accounts.oauth2.revoke(${step.token})`, lines: ['Revoke ends the whole grant: every scope this site holds, and every token issued under it.'] }];
    case 'revoked':
      return [{ kind: 'revoke', title: `revoke: ${step.done.successful ? 'done' : `failed (${step.done.error ?? 'unknown'})`}`, lines: [], details: { done: step.done } }];
    case 'entry':
      return [{ ...step.entry, lines: step.lines, details: step.details }];
  }
  return [];
}

const begins = new Set(['request', 'reuse', 'revoke']);

/** Loads trace.css (named in the region's data-css) once; resolves when it applies. */
function style(region) {
  return stylesheet(region.dataset.css);
}

const states = new WeakMap();

/** Shows one step in the region: a new request starts the list over. */
export async function show(region, step, traced) {
  await style(region);
  let state = states.get(region);
  if (!state) {
    state = { start: step.t };
    states.set(region, state);
  }
  if (step.kind === 'code' || step.kind === 'request') showCode(region, traced, step);
  if (step.kind === 'code') return;
  let list = region.querySelector('ol');
  if (!list) {
    list = el('ol', undefined, 'timeline');
    region.querySelector('[data-trace-summary]').after(list);
  }
  if (begins.has(step.kind) || step.begin) {
    Object.assign(state, { start: step.t, requested: undefined, sent: undefined });
    list.replaceChildren();
    region.querySelector('[data-trace-summary]').textContent = `The last request, from ${utc(step.at)}: each step as it happened, timed from its start.`;
  }
  if (step.kind === 'request') state.requested = step.t;
  for (const e of describe(step, state)) {
    const entry = { kind: e.kind, title: e.title, at: step.at };
    list.append(entryElement(entry, e.lines, e.details, { collapse: true, elapsed: `+${span(step.t - state.start)}` }));
  }
}

// ------------------------------------------------------------- the code

/** A JavaScript literal: strings in single quotes, objects with bare keys. */
export function lit(v) {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(lit).join(', ')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length ? `{ ${keys.map((k) => `${k}: ${lit(v[k])}`).join(', ')} }` : '{}';
  }
  return String(v);
}

const value = (v) => (typeof v === 'function' ? v() : v);

const fetchCall = (url) => `  fetch(${url}, {
    method: 'POST',
    headers: { Authorization: \`Bearer \${response.access_token}\`, 'X-CSRF-Token': csrf },
  });`;

/**
 * The page's code, as configured: initTokenClient with the config object
 * the page passed, and each request the page makes, with its overrides, the
 * scopes its callback checks and where it posts the token. It runs as
 * written given google, button(name), csrf, fetch and showProblem.
 */
export function pageCode(client) {
  const { callback, error_callback, ...config } = client.config;
  const requests = (client.about?.requests ?? []).map((r) => ({ ...r, overrides: value(r.overrides), scopes: value(r.scopes) }));
  const out = ['// When the page loads: its token client.', 'const client = google.accounts.oauth2.initTokenClient({'];
  for (const [k, v] of Object.entries(config)) out.push(`  ${k}: ${lit(v)},`);
  out.push('  callback: onToken,', '  error_callback: onError,', '});', '');
  const onError = ['', 'function onError(error) {', '  showProblem(error.type); // popup_closed, popup_failed_to_open', '}'];
  if (requests.length === 1) {
    const [r] = requests;
    out.push(
      `// Inside the click on “${r.label}”: a user gesture, or the browser blocks the popup.`,
      `button(${lit(r.label)}).addEventListener('click', () => {`,
      `  client.requestAccessToken(${r.overrides === undefined ? '' : lit(r.overrides)});`,
      '});',
      '',
      'function onToken(response) {',
      '  if (response.error) return showProblem(response.error); // access_denied: the user cancelled',
      `  if (!google.accounts.oauth2.hasGrantedAllScopes(response, ${r.scopes.map(lit).join(', ')})) return showProblem('partial');`,
      fetchCall(lit(r.postback)),
      '}',
      ...onError,
    );
    return out.join('\n');
  }
  out.push('// One button per request; a click (a user gesture) asks for its overrides.', 'const requests = {');
  for (const r of requests) out.push(`  ${lit(r.label)}: { overrides: ${lit(r.overrides)}, scopes: ${lit(r.scopes)}, postback: ${lit(r.postback)} },`);
  out.push(
    '};',
    'let asked;',
    'for (const [name, r] of Object.entries(requests)) {',
    "  button(name).addEventListener('click', () => {",
    '    asked = r;',
    '    client.requestAccessToken(r.overrides);',
    '  });',
    '}',
    '',
    'function onToken(response) {',
    '  if (response.error) return showProblem(response.error); // access_denied: the user cancelled',
    "  if (!google.accounts.oauth2.hasGrantedAllScopes(response, ...asked.scopes)) return showProblem('partial');",
    fetchCall('asked.postback'),
    '}',
    ...onError,
  );
  return out.join('\n');
}

/** Prints the page's code into the region's details. */
function showCode(region, traced) {
  const box = region.querySelector('[data-trace-code]');
  if (!box) return;
  let pre = box.querySelector('pre');
  if (!pre) {
    pre = el('pre', undefined, 'trace-code');
    pre.tabIndex = 0; // it may scroll sideways: keyboard users can too
    pre.setAttribute('aria-label', 'This page’s token client code');
    box.append(pre);
  }
  pre.replaceChildren(el('code', traced.clients.map(pageCode).join('\n\n')));
}
