// What the consent lab runs only when asked, loaded by lab.js on first use
// (by the URL in the lab's data-extras): the timeline's export, and the
// "call the API from the browser (REST + CORS)" switch's calls. The page's
// first load does without it.

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
