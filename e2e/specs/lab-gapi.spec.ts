// The consent lab's third way to use the token: gapi.client, Google's API
// client library for JavaScript (the emulator's api.js and discovery
// documents), beside the server's postback and fetch (REST + CORS).
import type { Locator, Page } from '@playwright/test';
import { calendarScope, docsScope, emulatorURL, siteURL } from '../env';
import { consent, expect, test } from '../fixtures';

const request = 'Request access';

test.describe.configure({ timeout: 60_000 });

function timeline(page: Page): Locator {
  return page.getByRole('region', { name: 'Timeline' }).getByRole('listitem');
}

function entry(page: Page, text: RegExp): Locator {
  return timeline(page).filter({ hasText: text }).last();
}

async function choose(page: Page, scopes: string[]): Promise<void> {
  for (const s of [docsScope, calendarScope, 'https://www.googleapis.com/auth/photospicker.mediaitems.readonly', 'openid', 'email', 'profile']) {
    const name = s.startsWith('https://') ? s : new RegExp(`^${s}\\b`);
    await page.getByRole('checkbox', { name }).setChecked(scopes.includes(s));
  }
}

/** Asks for the scopes; tick 'Select all' when two or more are new (the consent screen shows checkboxes). */
async function grant(page: Page, scopes: string[], tick?: string[]): Promise<void> {
  await choose(page, scopes);
  await consent(page, { button: request, tick });
  await expect(entry(page, /verdict after the grant: 200, valid/)).toBeVisible();
}

const gapiRadio = (page: Page) => page.getByRole('radio', { name: /^call the API from the browser with gapi\.client/ });

test.describe('Consent lab: gapi.client', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/lab');
    await expect(page.getByRole('button', { name: request, exact: true })).toBeEnabled();
  });

  test('Calendar and Docs through gapi.client: api.js on first use, generated methods, Google’s answer shapes; 401 after a revoke, 403 without the scope', async ({ page }) => {
    const loaded: string[] = [];
    page.on('request', (r) => loaded.push(r.url()));
    await grant(page, [calendarScope]);
    expect(loaded.filter((u) => u.includes('/js/api.js')), 'api.js is not loaded before gapi is used').toEqual([]);

    await gapiRadio(page).check();
    const siteOrigin = new URL(siteURL).origin;
    const calls = (path: RegExp) => page.waitForResponse((r) => r.url().startsWith(emulatorURL) && path.test(new URL(r.url()).pathname) && r.request().method() === 'GET');
    const script = calls(/^\/js\/api\.js$/);
    const calDiscovery = calls(/^\/discovery\/v1\/apis\/calendar\/v3\/rest$/);
    const docsDiscovery = calls(/^\/\$discovery\/rest$/);
    const calendarCall = calls(/^\/calendar\/v3\/calendars\/primary\/events$/);
    const docsCall = calls(/^\/v1\/documents\//);
    await grant(page, [docsScope, calendarScope]); // Calendar is granted already: Docs alone is asked
    for (const r of [await script, await calDiscovery, await docsDiscovery]) expect(r.status()).toBe(200);
    for (const call of [await calendarCall, await docsCall]) {
      expect(call.status()).toBe(200);
      expect(call.request().headers()['authorization']).toMatch(/^Bearer ya29\./);
      expect(await call.headerValue('access-control-allow-origin')).toBe(siteOrigin);
    }

    const cal = entry(page, /gapi\.client\.calendar\.events\.list → 200/);
    await expect(cal).toContainText(/\d+ upcoming events: /);
    await expect(cal).toContainText('"kind": "calendar#events"');
    await expect(cal).toContainText(/gapi\.client\.setToken\(\{access_token: ya29…\(redacted, \d+ chars\)\}\)/);
    await expect(entry(page, /gapi\.client\.docs\.documents\.get → 200/)).toContainText('Document “Getting started with Scopewise”');
    const kinds = await timeline(page).evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.kind));
    expect(kinds.slice(-5)).toEqual(['request', 'response', 'verdict', 'gapi', 'gapi']);

    // Google's shapes, read on the page: a fulfilled call and a rejection
    // both carry {result, body, headers, status, statusText}.
    const shapes = await page.evaluate(async () => {
      const g = (window as unknown as { gapi: any }).gapi; // eslint-disable-line @typescript-eslint/no-explicit-any
      const ok = await g.client.calendar.events.list({ calendarId: 'primary', maxResults: 2 });
      const calendarOnly = g.client.getToken();
      let denied: any; // eslint-disable-line @typescript-eslint/no-explicit-any
      try {
        // The lab's newest token has both scopes; a calendar-only one is refused by Docs.
        g.client.setToken({ access_token: 'ya29.not-a-real-token' });
        await g.client.docs.documents.get({ documentId: 'x' });
      } catch (e) {
        denied = e;
      }
      g.client.setToken(calendarOnly);
      const pick = (r: any) => ({ keys: Object.keys(r).sort(), status: r.status, statusText: r.statusText, type: typeof r.body, contentType: r.headers?.['content-type'] }); // eslint-disable-line @typescript-eslint/no-explicit-any
      return { ok: { ...pick(ok), kind: ok.result.kind, items: ok.result.items.length }, denied: { ...pick(denied), error: denied.result.error.status } };
    });
    const keys = ['body', 'headers', 'result', 'status', 'statusText'];
    expect(shapes.ok).toMatchObject({ keys, status: 200, statusText: 'OK', type: 'string', kind: 'calendar#events', items: 2 });
    expect(shapes.ok.contentType).toMatch(/^application\/json/);
    expect(shapes.denied).toMatchObject({ keys, status: 401, type: 'string', error: 'UNAUTHENTICATED' });

    // A revoke: the lab calls again with the old token, and gapi.client rejects with 401.
    await page.getByRole('button', { name: 'Revoke access', exact: true }).click();
    const refused = entry(page, /gapi\.client\.calendar\.events\.list → rejected 401/);
    await expect(refused).toContainText('UNAUTHENTICATED');
    await expect(refused).toContainText('invalid_token'); // WWW-Authenticate is exposed to gapi.client's headers

    // A token without the Docs scope: 403 PERMISSION_DENIED, insufficient_scope.
    await grant(page, [calendarScope]);
    const forbidden = await page.evaluate(async () => {
      const g = (window as unknown as { gapi: any }).gapi; // eslint-disable-line @typescript-eslint/no-explicit-any
      try {
        await g.client.docs.documents.get({ documentId: (document.getElementById('lab-doc-id') as HTMLInputElement).value });
        return null;
      } catch (e: any) { // eslint-disable-line @typescript-eslint/no-explicit-any
        return { status: e.status, error: e.result.error.status, challenge: e.headers['www-authenticate'] };
      }
    });
    expect(forbidden).toMatchObject({ status: 403, error: 'PERMISSION_DENIED' });
    expect(forbidden?.challenge).toContain('insufficient_scope');
  });

  test('all three side by side; an unknown document is a 404 rejection', async ({ page }) => {
    await page.getByRole('radio', { name: /^all three side by side/ }).check();
    await page.getByRole('textbox', { name: "Document ID for the browser's Docs call" }).fill('no-such-document');
    await grant(page, [docsScope, calendarScope], ['Select all']);
    await expect(entry(page, /gapi\.client\.docs\.documents\.get → rejected 404/)).toContainText('NOT_FOUND');
    await expect(entry(page, /From the browser: GET \/v1\/documents\/no-such-document → 404/)).toBeVisible();
    const kinds = await timeline(page).evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.kind));
    expect(kinds).toEqual(['request', 'response', 'verdict', 'rest', 'rest', 'gapi', 'gapi']);
  });

  test('a batch: every request answered in the map by its id, a failed one with its rejection; per-request callbacks and execute', async ({ page }) => {
    await gapiRadio(page).check();
    await grant(page, [docsScope, calendarScope], ['Select all']);
    await expect(entry(page, /gapi\.client\.docs\.documents\.get → 200/)).toBeVisible();
    const out = await page.evaluate(async () => {
      const g = (window as unknown as { gapi: any }).gapi; // eslint-disable-line @typescript-eslint/no-explicit-any
      const seen: string[] = [];
      const batch = g.client.newBatch();
      batch.add(g.client.calendar.events.list({ calendarId: 'primary', maxResults: 1 }), { id: 'events', callback: (r: any) => seen.push('events ' + r.status) }); // eslint-disable-line @typescript-eslint/no-explicit-any
      batch.add(g.client.docs.documents.get({ documentId: 'no-such-document' }), { id: 'missing' });
      const generated = batch.add(g.client.calendar.events.list({ calendarId: 'primary', maxResults: 1 }));
      let duplicate = '';
      try {
        batch.add(g.client.calendar.events.list({ calendarId: 'primary' }), { id: 'events' });
      } catch (e: any) { // eslint-disable-line @typescript-eslint/no-explicit-any
        duplicate = e.message;
      }
      const res = await batch;
      const viaExecute = await new Promise<string[]>((resolve) => batch.execute((map: Record<string, unknown>) => resolve(Object.keys(map).sort())));
      return {
        status: res.status,
        ids: Object.keys(res.result).sort(),
        generated: typeof generated === 'string' && generated.length > 0 && generated in res.result,
        events: { status: res.result.events.status, kind: res.result.events.result.kind },
        missing: { status: res.result.missing.status, error: res.result.missing.result.error.status },
        seen,
        duplicate,
        viaExecute,
      };
    });
    expect(out.status).toBe(200);
    expect(out.ids).toHaveLength(3);
    expect(out.generated).toBe(true);
    expect(out.events).toEqual({ status: 200, kind: 'calendar#events' });
    expect(out.missing).toEqual({ status: 404, error: 'NOT_FOUND' });
    expect(out.seen).toEqual(['events 200']);
    expect(out.duplicate).toContain('already has a request with id events');
    expect(out.viaExecute).toEqual(out.ids);
  });

  test('an injected 503 reaches gapi.client as a rejection with Google’s envelope', async ({ page, emu }) => {
    await gapiRadio(page).check();
    await emu.injectFault({ path: '/calendar/v3/calendars/primary/events', status: 503 });
    await grant(page, [calendarScope]);
    const failed = entry(page, /gapi\.client\.calendar\.events\.list → rejected 503/);
    await expect(failed).toContainText('UNAVAILABLE');
    await page.getByRole('button', { name: request, exact: true }).click(); // the fault is used up: the next call works
    await expect(entry(page, /gapi\.client\.calendar\.events\.list → 200/)).toBeVisible();
  });
});
