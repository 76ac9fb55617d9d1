// What the consent lab runs only when asked, loaded by lab.js on first use
// (by the URL in the lab's data-extras): the timeline's export, and the
// browser-side switch's calls, with fetch (REST + CORS) or with gapi.client
// (Google's api.js, itself loaded only on the first gapi call). The page's
// first load does without either.

const docsScope = 'https://www.googleapis.com/auth/documents.readonly';
const calendarScope = 'https://www.googleapis.com/auth/calendar.readonly';
const photosScope = 'https://www.googleapis.com/auth/photospicker.mediaitems.readonly';

/** Export JSON: downloads the timeline (its entries never hold a token). */
export function exportJSON(lab) {
  const doc = { exported_at: new Date().toISOString(), client_id: lab.root.dataset.clientId, timeline: lab.timeline };
  const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'scopewise-lab-timeline.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Calls each API the token's scopes allow straight from the page, as
 * Google's "Using REST and CORS" does. The token goes only in the
 * Authorization header, to the API; the timeline shows it redacted.
 */
export async function callFromBrowser(lab, token, scopes) {
  const api = lab.root.dataset;
  const call = (...args) => fetchAPI(lab, token, ...args);
  if (scopes.includes(calendarScope)) {
    const q = new URLSearchParams({ maxResults: '5', singleEvents: 'true', orderBy: 'startTime', timeMin: new Date().toISOString() });
    await call('Calendar', 'GET', `${api.calendarApi}/calendars/primary/events?${q}`, (b) => {
      const summaries = (Array.isArray(b?.items) ? b.items : []).map((e) => e.summary);
      return [{ events: summaries.length, summaries }, [`${summaries.length} upcoming events: ${summaries.join(' · ') || 'none'}`]];
    });
  }
  if (scopes.includes(docsScope)) {
    const id = String(new FormData(lab.form).get('doc_id') ?? '').trim();
    if (!id) {
      lab.log('rest', 'From the browser: Docs call skipped', {}, ['Give a document ID: the Docs API cannot list documents.']);
    } else {
      await call('Docs', 'GET', `${api.docsApi}/documents/${encodeURIComponent(id)}`, (b) => {
        const n = Array.isArray(b?.body?.content) ? b.body.content.length : 0;
        return [{ title: b?.title, structural_elements: n }, [`Document “${b?.title}”: ${n} structural elements`]];
      });
    }
  }
  if (scopes.includes(photosScope)) {
    const picker = 'Photos Picker';
    const session = await call(picker, 'POST', `${api.pickerApi}/sessions`, (b) => [
      { id: b?.id, mediaItemsSet: b?.mediaItemsSet, pollingConfig: b?.pollingConfig },
      [`Picking session ${b?.id} created (${b?.pickerUri ? 'a pickerUri to open' : 'no pickerUri'})`],
    ], '{}');
    if (session?.id) {
      await call(picker, 'DELETE', `${api.pickerApi}/sessions/${encodeURIComponent(session.id)}`, () => [{}, ['The session was deleted again: the lab only shows the call.']]);
    }
  }
}

/**
 * One cross-origin call with the token. summarize(body) gives the details
 * and lines the timeline shows (never the whole answer). Returns the parsed
 * body of a 2xx answer, else null.
 */
async function fetchAPI(lab, token, name, method, url, summarize, body) {
  const title = `From the browser: ${method} ${new URL(url).pathname} →`;
  const type = body === undefined ? {} : { 'Content-Type': 'application/json' };
  const request = { method, url, headers: { Authorization: `Bearer ${lab.redact(token)}`, ...type }, mode: 'cors' };
  let res;
  let json = null;
  try {
    res = await fetch(url, { method, headers: { Authorization: `Bearer ${token}`, ...type }, body, mode: 'cors', credentials: 'omit', cache: 'no-store' });
    json = await res.json().catch(() => null);
  } catch (err) {
    lab.log('rest', `${title} refused`, { request, error: String(err) }, [
      `The browser could not read the ${name} API's answer: no CORS grant for this origin (is it registered for the client?), or the API is unreachable.`,
    ]);
    return null;
  }
  // A readable answer means the API granted this origin CORS (the grant
  // header itself is not exposed to scripts).
  const response = { status: res.status, cors: `granted to ${location.origin}` };
  const challenge = res.headers.get('WWW-Authenticate');
  if (challenge) response['www-authenticate'] = challenge;
  if (res.ok) {
    const [summary, lines] = summarize(json);
    lab.log('rest', `${title} ${res.status}`, { request, response: { ...response, body: summary } }, [
      `${name} API, called from the page with the token (REST + CORS).`,
      ...lines,
    ]);
    return json ?? {};
  }
  const e = json?.error ?? {};
  lab.log('rest', `${title} ${res.status}`, { request, response: { ...response, error: { status: e.status, message: e.message } } }, [
    `${name} API answered ${res.status}${e.status ? ` ${e.status}` : ''}: ${e.message ?? 'no message'}`,
  ]);
  return null;
}

// ------------------------------------------------------------- gapi.client

/** api.js loaded, gapi.client loaded and initialized; a failure is tried again next time. */
let gapiReady;

function loadGapi(lab) {
  const api = lab.root.dataset;
  gapiReady ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = api.gapiScript;
    script.async = true;
    script.onload = () =>
      window.gapi.load('client', {
        callback: resolve,
        onerror: () => reject(new Error('gapi.load could not load the client library')),
        timeout: 10_000,
        ontimeout: () => reject(new Error('gapi.load timed out')),
      });
    script.onerror = () => reject(new Error(`could not load ${api.gapiScript}`));
    document.head.append(script);
  })
    .then(() => window.gapi.client.init({ discoveryDocs: [api.calendarDiscovery, api.docsDiscovery] }))
    .catch((err) => {
      gapiReady = undefined;
      throw err;
    });
  return gapiReady;
}

/**
 * Calls Calendar and Docs through gapi.client, with the methods it generates
 * from their discovery documents, and the Picker with gapi.client.request
 * (it has no discovery document). gapi.client holds the token (GIS hands it
 * over too; the lab sets the one it checks); the timeline shows it redacted.
 */
export async function callWithGapi(lab, token, scopes) {
  const api = lab.root.dataset;
  try {
    await loadGapi(lab);
  } catch (err) {
    lab.log('gapi', 'gapi.client: not loaded', { script: api.gapiScript, error: String(err?.message ?? err?.error?.message ?? JSON.stringify(err)) }, [
      'The page could not load Google’s API client library (api.js) or the discovery documents.',
    ]);
    return;
  }
  window.gapi.client.setToken({ access_token: token });
  const call = (...args) => gapiCall(lab, token, ...args);
  if (scopes.includes(calendarScope)) {
    const params = { calendarId: 'primary', maxResults: 5, singleEvents: true, orderBy: 'startTime', timeMin: new Date().toISOString() };
    await call('Calendar', 'gapi.client.calendar.events.list', params, () => window.gapi.client.calendar.events.list(params), (r) => {
      const summaries = (Array.isArray(r?.items) ? r.items : []).map((e) => e.summary);
      return [{ kind: r?.kind, events: summaries.length, summaries }, [`${summaries.length} upcoming events: ${summaries.join(' · ') || 'none'}`]];
    });
  }
  if (scopes.includes(docsScope)) {
    const id = String(new FormData(lab.form).get('doc_id') ?? '').trim();
    if (!id) {
      lab.log('gapi', 'gapi.client: Docs call skipped', {}, ['Give a document ID: the Docs API cannot list documents.']);
    } else {
      const params = { documentId: id };
      await call('Docs', 'gapi.client.docs.documents.get', params, () => window.gapi.client.docs.documents.get(params), (r) => {
        const n = Array.isArray(r?.body?.content) ? r.body.content.length : 0;
        return [{ title: r?.title, structural_elements: n }, [`Document “${r?.title}”: ${n} structural elements`]];
      });
    }
  }
  if (scopes.includes(photosScope)) {
    const args = { path: `${api.pickerApi}/sessions`, method: 'POST', body: {} };
    const session = await call('Photos Picker', 'gapi.client.request', args, () => window.gapi.client.request(args), (r) => [
      { id: r?.id, mediaItemsSet: r?.mediaItemsSet, pollingConfig: r?.pollingConfig },
      [`Picking session ${r?.id} created (${r?.pickerUri ? 'a pickerUri to open' : 'no pickerUri'})`],
    ]);
    if (session?.id) {
      const del = { path: `${api.pickerApi}/sessions/${encodeURIComponent(session.id)}`, method: 'DELETE' };
      await call('Photos Picker', 'gapi.client.request', del, () => window.gapi.client.request(del), () => [{}, ['The session was deleted again: the lab only shows the call.']]);
    }
  }
}

/**
 * One gapi.client call. The answer and a rejection have the same shape,
 * {result, body, headers, status, statusText}; summarize(result) gives what
 * the timeline shows. Returns the result of a fulfilled call, else null.
 */
async function gapiCall(lab, token, name, method, params, send, summarize) {
  const request = { method, params, token: `gapi.client.setToken({access_token: ${lab.redact(token)}})` };
  let r;
  try {
    r = await send();
  } catch (reason) {
    if (reason instanceof Error) {
      lab.log('gapi', `${method} threw`, { request, error: reason.message }, [`gapi.client refused the call: ${reason.message}`]);
      return null;
    }
    const e = reason?.result?.error ?? {};
    const response = { status: reason?.status, statusText: reason?.statusText, error: { code: e.code, status: e.status, message: e.message } };
    const challenge = reason?.headers?.['www-authenticate'];
    if (challenge) response['www-authenticate'] = challenge;
    lab.log('gapi', `${method} → rejected ${reason?.status ?? e.code}`, { request, response }, [
      `${name} API, through gapi.client: the promise rejected with ${reason?.status ?? e.code}${e.status ? ` ${e.status}` : ''}: ${e.message ?? 'no message'}`,
    ]);
    return null;
  }
  const [summary, lines] = summarize(r.result);
  lab.log('gapi', `${method} → ${r.status}`, { request, response: { status: r.status, statusText: r.statusText, result: summary } }, [
    `${name} API, through gapi.client (the API client library for JavaScript), with the token.`,
    ...lines,
  ]);
  return r.result || {};
}
