// "What just happened": on every page with a token client, a region that
// shows each step of the last request as it happens (the request with the
// page's configuration, the popup's answer with the token redacted,
// hasGrantedAllScopes, the postback, tokeninfo's verdict, the API call, the
// render, with timings), and the page's own token client code, printed from
// the config the page passed to GIS. At a desktop and a phone size.
import type { Locator, Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from '../a11y';
import { calendarScope, siteClientID } from '../env';
import { consent, expect, test } from '../fixtures';

const docsScope = 'https://www.googleapis.com/auth/documents.readonly';

function region(page: Page): Locator {
  return page.getByRole('region', { name: 'What just happened' });
}

function steps(page: Page): Locator {
  return region(page).getByRole('listitem');
}

/** The step whose title matches, with its time since the request began. */
function step(page: Page, title: RegExp): Locator {
  return steps(page).filter({ has: page.locator('.entry-head strong', { hasText: title }) });
}

/** The titles of the steps, in order. */
async function titles(page: Page): Promise<string[]> {
  return steps(page).locator('.entry-head strong').allInnerTexts();
}

/** The code shown under "This page's code", opened. */
async function pageCode(page: Page): Promise<string> {
  await region(page).getByText("This page's code").click();
  const code = region(page).locator('pre.trace-code');
  await expect(code).toContainText('initTokenClient');
  return code.innerText();
}

type Run = {
  config: Record<string, unknown>;
  requests: unknown[];
  fetches: { url: string; init: { method: string; headers: Record<string, string> } }[];
  problems: string[];
};

/**
 * Runs the page's code as printed, with GIS and the page stubbed: every
 * button is clicked, and each request answered with a TokenResponse that
 * grants all (or, with grant false, the scopes left unticked).
 */
function runCode(code: string, grant = true): Run {
  const run: Run = { config: {}, requests: [], fetches: [], problems: [] };
  const clicks: (() => void)[] = [];
  const google = {
    accounts: {
      oauth2: {
        initTokenClient(config: Record<string, unknown>) {
          run.config = config;
          return { requestAccessToken: (o?: unknown) => run.requests.push(o) };
        },
        hasGrantedAllScopes: () => grant,
      },
    },
  };
  const button = () => ({ addEventListener: (_: string, f: () => void) => clicks.push(f) });
  const fetch = (url: string, init: Run['fetches'][0]['init']) => run.fetches.push({ url, init });
  const showProblem = (p: string) => run.problems.push(p);
  new Function('google', 'button', 'csrf', 'fetch', 'showProblem', code)(google, button, 'the-csrf', fetch, showProblem);
  for (const click of clicks) {
    click();
    (run.config.callback as (r: unknown) => void)({ access_token: 'ya29.stub', scope: 'x', expires_in: 3599 });
  }
  return run;
}

for (const size of [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
]) {
  test.describe(`What just happened (${size.name}, ${size.viewport.width}×${size.viewport.height})`, () => {
    test.use({ viewport: size.viewport });
    test.describe.configure({ timeout: 60_000 });

    test('calendar: each step of a grant, in order, timed, the token redacted', async ({ page }, testInfo) => {
      await page.goto('/calendar');
      await expect(region(page)).toContainText('Nothing yet. Press “Show calendar info”');
      await consent(page, { button: 'Show calendar info' });
      await expect(step(page, /^Rendered: #calendar-results, #ledger$/)).toBeVisible();
      expect(await titles(page)).toEqual([
        'client.requestAccessToken()',
        'callback: TokenResponse',
        `hasGrantedAllScopes(response, '${calendarScope}') → true`,
        'POST /calendar',
        'tokeninfo’s verdict: valid',
        expect.stringMatching(/^Calendar API: \d+ ms$/),
        'The server answered 200',
        'Rendered: #calendar-results, #ledger',
      ]);
      // The request with the page's configuration.
      await expect(step(page, /requestAccessToken/)).toContainText(`initTokenClient({ client_id: '${siteClientID}', scope: '${calendarScope}' })`);
      // The popup's answer, the token redacted.
      await expect(step(page, /TokenResponse/)).toContainText(/access_token: ya29…\(redacted, \d+ chars\)/);
      await expect(step(page, /TokenResponse/)).toContainText(/\d+( ms|\.\d s) in Google’s window/);
      await expect(step(page, /^POST/)).toContainText(/Authorization: Bearer ya29…\(redacted/);
      // tokeninfo's verdict, from the server's answer: audience, scope, expiry.
      const verdict = step(page, /verdict/);
      await expect(verdict).toContainText(`Audience: ${siteClientID}`);
      await expect(verdict).toContainText(`Scope: ${calendarScope}`);
      await expect(verdict).toContainText(/Expires at \d\d:\d\d:\d\d UTC, in 59 min \d+ s/);
      await expect(verdict).toContainText(/Asked tokeninfo: \d+ ms/);
      await expect(step(page, /answered 200/)).toContainText(/Round trip \d+ ms; this server’s part \d+ ms/);
      // Every step carries its time since the request began, the first +0 ms.
      const times = await steps(page).locator('.entry-head time').allInnerTexts();
      expect(times[0]).toBe('+0 ms');
      for (const t of times) expect(t).toMatch(/^\+\d+( ms|\.\d s)$/);
      // The region fits the screen: nothing in it is wider than the viewport.
      const overflow = await region(page).evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await expectNoSeriousA11yViolations(page, testInfo, `/calendar with its trace (${size.name})`);

      // Refresh posts the same token: no popup, a new trace. (Whether the
      // verifier's recent answer stands in for tokeninfo depends on its age
      // and on clock moves by other tests: pages/verdict_test.go checks it.)
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect(step(page, /^Rendered/)).toBeVisible();
      expect(await titles(page)).toEqual([
        'No popup: the page already holds a token',
        'POST /calendar',
        'tokeninfo’s verdict: valid',
        expect.stringMatching(/^Calendar API: \d+ ms$/),
        'The server answered 200',
        'Rendered: #calendar-results, #ledger',
      ]);
      await expect(step(page, /verdict/)).toContainText(/Asked tokeninfo: \d+ ms|No tokeninfo call/);
    });

    test('calendar: Cancel ends the trace at access_denied, with no postback', async ({ page }) => {
      await page.goto('/calendar');
      await consent(page, { button: 'Show calendar info', action: 'Cancel' });
      await expect(step(page, /access_denied/)).toContainText('Cancel on the consent screen reaches the callback as access_denied');
      expect(await titles(page)).toEqual(['client.requestAccessToken()', 'callback: OAuth error “access_denied”']);
    });

    test('ajax: the request carries the section’s scope as an override', async ({ page }) => {
      await page.goto('/ajax');
      await consent(page, { button: 'Show calendar info' });
      await expect(step(page, /^Rendered/)).toBeVisible();
      expect((await titles(page))[0]).toBe(`client.requestAccessToken({ scope: '${calendarScope}' })`);
      await expect(step(page, /verdict/)).toContainText(`Audience: ${siteClientID}`);
    });

    test('lab: the last request’s steps beside the timeline', async ({ page }) => {
      await page.goto('/lab');
      await page.getByRole('checkbox', { name: calendarScope }).check();
      await consent(page, { button: 'Request access' });
      await expect(step(page, /verdict after the grant: 200, valid/)).toBeVisible();
      const first = (await titles(page))[0];
      expect(first).toMatch(new RegExp(`^client\\.requestAccessToken\\(\\{ scope: '${calendarScope.replace(/\./g, '\\.')}', prompt: '', include_granted_scopes: true \\}\\)$`));
      await expect(step(page, /TokenResponse/)).toContainText(/Audience|access_token|scope/);
      // The timeline still has its own entries.
      await expect(page.getByRole('region', { name: 'Timeline' }).getByRole('listitem').filter({ hasText: 'verdict after the grant' })).toBeVisible();
    });
  });
}

test.describe('the page’s code, as configured', () => {
  test('docs: the printed code runs and makes the page’s own calls', async ({ page }, testInfo) => {
    await page.goto('/docs');
    // Before any request: opening the code loads it.
    const code = await pageCode(page);
    await expectNoSeriousA11yViolations(page, testInfo, '/docs with its code open');
    const section = page.locator('[data-token-client]');
    const configured = { client_id: await section.getAttribute('data-client-id'), scope: await section.getAttribute('data-scope') };
    expect(configured).toEqual({ client_id: siteClientID, scope: docsScope });
    const run = runCode(code);
    expect({ client_id: run.config.client_id, scope: run.config.scope }).toEqual(configured);
    expect(run.requests).toEqual([undefined]);
    expect(run.fetches).toEqual([
      { url: '/docs', init: { method: 'POST', headers: { Authorization: 'Bearer ya29.stub', 'X-CSRF-Token': 'the-csrf' } } },
    ]);
    expect(runCode(code, false).fetches).toEqual([]);
    expect(runCode(code, false).problems).toEqual(['partial']);
  });

  test('ajax: one client, a request per section, each with its scope and postback', async ({ page }) => {
    await page.goto('/ajax');
    const run = runCode(await pageCode(page));
    expect(run.config.client_id).toBe(siteClientID);
    expect(run.requests).toEqual([
      { scope: docsScope },
      { scope: calendarScope },
      { scope: 'https://www.googleapis.com/auth/photospicker.mediaitems.readonly' },
    ]);
    expect(run.fetches.map((f) => f.url)).toEqual(['/docs', '/calendar', '/photos']);
  });

  test('calendar: the code printed matches the request the page made', async ({ page }) => {
    await page.goto('/calendar');
    await consent(page, { button: 'Show calendar info' });
    await expect(step(page, /^Rendered/)).toBeVisible();
    const run = runCode(await pageCode(page));
    expect(run.config).toMatchObject({ client_id: siteClientID, scope: calendarScope });
    // The page asked with no overrides, as the code says.
    expect(run.requests).toEqual([undefined]);
    expect((await titles(page))[0]).toBe('client.requestAccessToken()');
  });
});
