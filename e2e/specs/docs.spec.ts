// The Docs page against the offline Google.
import type { Page, Response } from '@playwright/test';
import crypto from 'node:crypto';
import { expectNoSeriousA11yViolations } from '../a11y';
import { calendarScope, docsScope, emulatorURL } from '../env';
import {
  alertSaying,
  consent,
  expect,
  expectPopupClosesByItself,
  ledgerRow,
  test,
  type Emulator,
} from '../fixtures';

const button = 'Show recent documents';

const welcome = 'Getting started with Scopewise';
const plan = 'Project plan';

/** The next answer from a Docs postback (POST /docs or /docs/open). */
function nextPostback(page: Page, path: '/docs' | '/docs/open'): Promise<Response> {
  return page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path);
}

function recent(page: Page) {
  return page.getByRole('region', { name: 'Recent documents', exact: true }).getByRole('listitem');
}

function samples(page: Page) {
  return page.getByRole('region', { name: 'Sample documents' });
}

/** The opened document: an article named by its title. */
function opened(page: Page, title: string | RegExp) {
  return page.getByRole('article', { name: title });
}

/** A sample's ID, as the emulator-mode hint shows it next to its title. */
async function sampleID(page: Page, title: string): Promise<string> {
  const item = samples(page).getByRole('listitem').filter({ hasText: title });
  const id = (await item.locator('code').textContent())?.trim() ?? '';
  expect(id, `the hint shows ${title}'s ID`).toMatch(/^[A-Za-z0-9_-]{44}$/);
  return id;
}

async function openByRef(page: Page, ref: string): Promise<Response> {
  const answer = nextPostback(page, '/docs/open');
  await page.getByLabel('Document URL or ID').fill(ref);
  await page.getByRole('button', { name: 'Open document', exact: true }).click();
  return answer;
}

/**
 * Bob's private journal, which alice cannot read. The Docs API cannot list,
 * and the page's hint lists alice's documents only, so the ID is derived as
 * the emulator's seed derives it — and checked against the emulator as bob.
 */
async function bobsPrivateJournal(emu: Emulator, page: Page): Promise<string> {
  const hash = crypto.createHash('sha256').update(['doc', 'bob@example.com', 'private', '0'].join('\x00')).digest('base64url');
  const id = '1' + hash.slice(0, 43);
  const { access_token } = await emu.mint({ account: 'bob@example.com', scopes: [docsScope] });
  const res = await page.request.get(`${emulatorURL}/v1/documents/${id}`, { headers: { Authorization: `Bearer ${access_token}` } });
  expect(res.status(), 'bob reads his own journal').toBe(200);
  expect(((await res.json()) as { title: string }).title).toBe("Bob's private journal");
  return id;
}

test.describe('Docs page', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/docs');
    await expect(page.getByRole('heading', { level: 1, name: 'Docs to read' })).toBeVisible();
  });

  test('step 1: consent asks for Docs only; the list says there is nothing yet', async ({ page }) => {
    const postback = nextPostback(page, '/docs');
    const openedWith = await consent(page, {
      button,
      onConsentScreen: async (popup) => {
        await expect(popup.getByRole('checkbox')).toHaveCount(0);
      },
    });
    expect(openedWith.searchParams.get('scope')?.split(' ')).toEqual([docsScope]);
    const res = await postback;
    expect(res.status()).toBe(200);
    expect(await res.request().headerValue('authorization')).toMatch(/^Bearer \S+$/);

    await expect(page.getByRole('region', { name: 'Recent documents', exact: true })).toContainText('No documents yet');
    await expect(recent(page)).toHaveCount(0);
    await expect(ledgerRow(page, /docs/i)).toContainText(/(?<!not )granted/i);
  });

  test('step 2: open by full URL (consent on the way) and by bare ID; the list is newest first', async ({ page }) => {
    const welcomeID = await sampleID(page, welcome);
    const planID = await sampleID(page, plan);

    // No token yet: the form asks for one first, inside the click.
    await page.getByLabel('Document URL or ID').fill(`https://docs.google.com/document/d/${welcomeID}/edit?usp=sharing`);
    const first = nextPostback(page, '/docs/open');
    await consent(page, { button: 'Open document' });
    expect((await first).status()).toBe(200);

    const doc = opened(page, welcome);
    await expect(doc).toBeVisible();
    await expect(doc).toContainText(/\d+ words/);
    await expect(doc).toContainText('Hello Alice. This document lives in the emulator');
    const outline = doc.getByRole('listitem');
    await expect(outline.first()).toContainText(welcome);
    await expect(doc.getByRole('listitem').filter({ hasText: /^Why incremental authorization/ })).toHaveCount(1);
    await expect(recent(page)).toHaveText([new RegExp(welcome)]);

    // The token is in memory now: no popup for the next one.
    let popups = 0;
    page.on('popup', () => popups++);
    const res = await openByRef(page, planID);
    expect(res.status()).toBe(200);
    await expect(opened(page, plan)).toContainText('2 tables');
    await expect(recent(page)).toHaveText([new RegExp(plan), new RegExp(welcome)]);

    // Opening one again moves it first; the list survives a reload (session).
    await openByRef(page, `docs.google.com/document/u/0/d/${welcomeID}/edit#heading=h.x`);
    await expect(recent(page)).toHaveText([new RegExp(welcome), new RegExp(plan)]);
    expect(popups).toBe(0);

    await page.reload();
    const list = nextPostback(page, '/docs');
    await expectPopupClosesByItself(page, button);
    expect((await list).status()).toBe(200);
    await expect(recent(page)).toHaveText([new RegExp(welcome), new RegExp(plan)]);

    // A listed document opens from the list.
    await page.getByRole('region', { name: 'Recent documents', exact: true }).getByRole('button', { name: `Open ${plan}` }).click();
    await expect(opened(page, plan)).toBeVisible();
  });

  test('step 3: a sample document opens, and the long one shows its whole outline', async ({ page }) => {
    await expect(samples(page)).toContainText('alice@example.com');
    await consent(page, { button: 'Open 多言語メモ — Notes in many scripts 👩‍💻' });
    const multilingual = opened(page, /多言語メモ/);
    await expect(multilingual).toContainText('こんにちは、世界。今日は良い天気ですね。');
    await expect(multilingual.getByRole('listitem').filter({ hasText: /^\s*العربية\s*$/ })).toHaveCount(1);

    await samples(page).getByRole('button', { name: 'Open Field guide (long document)' }).click();
    const long = opened(page, 'Field guide (long document)');
    await expect(long).toContainText('2,121 paragraphs');
    await expect(long.getByRole('listitem')).toHaveCount(121);

    await samples(page).getByRole('button', { name: 'Open Untitled document' }).click();
    const empty = opened(page, 'Untitled document');
    await expect(empty).toContainText('0 words');
    await expect(empty).toContainText('no headings');
    await expect(recent(page)).toHaveText([/Untitled document/, /Field guide/, /多言語メモ/]);
  });

  test('a document with tabs shows every tab, its title and outline, nested as in the document', async ({ page }) => {
    await consent(page, { button: 'Open Team wiki (tabs)' });
    const wiki = opened(page, 'Team wiki (tabs)');
    await expect(wiki).toContainText('6 tabs');
    const tab = (within: ReturnType<typeof opened>, title: string) => within.getByRole('region', { name: `Tab: ${title}`, exact: true });
    // Top level: Overview, Projects, Meeting notes — each with its own outline.
    await expect(tab(wiki, 'Overview').getByRole('listitem').filter({ hasText: /^\s*Who we are\s*$/ })).toHaveCount(1);
    await expect(tab(wiki, 'Meeting notes')).toContainText('Monday');
    await expect(tab(wiki, 'Meeting notes')).not.toContainText('Who we are');
    // Nested: Roadmap is inside Scopewise, which is inside Projects.
    const projects = tab(wiki, 'Projects');
    const scopewise = tab(projects, 'Scopewise');
    await expect(scopewise).toContainText('Goals');
    await expect(tab(scopewise, 'Roadmap')).toContainText('This quarter');
    await expect(tab(projects, 'Emulator')).toContainText('Fidelity');
    await expect(tab(tab(wiki, 'Overview'), 'Roadmap')).toHaveCount(0);
    await expect(tab(scopewise, 'Roadmap')).toHaveAttribute('data-tab-level', '2');
  });

  test('step 4: input that is neither a URL nor an ID → 400 alert, and the page keeps working', async ({ page }) => {
    await consent(page, { button });
    await expect(recent(page)).toHaveCount(0);

    const res = await openByRef(page, 'my meeting notes from tuesday');
    expect(res.status()).toBe(400);
    await expect(alertSaying(page, /not a google docs link or id/i)).toBeVisible();

    const sheet = await openByRef(page, `https://docs.google.com/spreadsheets/d/${'a'.repeat(44)}/edit`);
    expect(sheet.status()).toBe(400);
    await expect(alertSaying(page, /google sheets/i)).toBeVisible();

    const ok = await openByRef(page, await sampleID(page, plan));
    expect(ok.status()).toBe(200);
    await expect(opened(page, plan)).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  test('step 4: an unknown ID → Google’s 404 as an alert; the list is untouched', async ({ page }) => {
    await consent(page, { button: `Open ${plan}` });
    await expect(opened(page, plan)).toBeVisible();

    const res = await openByRef(page, '1' + 'x'.repeat(43));
    expect(res.status()).toBe(404);
    await expect(alertSaying(page, /document not found/i)).toBeVisible();
    await expect(recent(page)).toHaveText([new RegExp(plan)]);
  });

  test('step 4: a document alice cannot read → 403 alert', async ({ page, emu }) => {
    const journal = await bobsPrivateJournal(emu, page);
    await consent(page, { button });
    const res = await openByRef(page, `https://docs.google.com/document/d/${journal}/edit`);
    expect(res.status()).toBe(403);
    expect(await res.headerValue('www-authenticate')).toBeNull();
    await expect(alertSaying(page, /no access to this document/i)).toBeVisible();
    await expect(recent(page)).toHaveCount(0);
  });

  test('step 4: a token without the Docs scope → 403 insufficient_scope, and authorizing again works', async ({
    page,
    emu,
  }) => {
    await consent(page, { button });
    await expect(recent(page)).toHaveCount(0);

    // The page's own token, swapped on the way for one with Calendar only.
    const { access_token: calendarOnly } = await emu.mint({ scopes: [calendarScope] });
    await page.route('**/docs/open', async (route) => {
      await route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${calendarOnly}` } });
    });
    const res = await openByRef(page, await sampleID(page, plan));
    expect(res.status()).toBe(403);
    expect(await res.headerValue('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="${docsScope}"`);
    await expect(alertSaying(page, /permission missing/i)).toBeVisible();
    await expect(ledgerRow(page, /docs/i)).toContainText(/not granted/i);

    await page.unroute('**/docs/open');
    const list = nextPostback(page, '/docs');
    await expectPopupClosesByItself(page, button);
    expect((await list).status()).toBe(200);
    await expect(alertSaying(page, /permission missing/i)).toHaveCount(0);
  });

  test('step 4: an expired token → 401 alert "expired", and authorizing again works', async ({ page, emu }) => {
    await consent(page, { button: `Open ${plan}` });
    await expect(opened(page, plan)).toBeVisible();

    await emu.advanceClock('3700s');
    const res = await openByRef(page, await sampleID(page, welcome));
    expect(res.status()).toBe(401);
    expect(await res.headerValue('www-authenticate')).toMatch(/^Bearer\b.*error="invalid_token"/);
    await expect(alertSaying(page, /expired/i)).toBeVisible();
    await expect(ledgerRow(page, /docs/i)).toContainText(/expired/i);

    // The grant still stands: Google hands out a new token without asking.
    const list = nextPostback(page, '/docs');
    await expectPopupClosesByItself(page, button);
    expect((await list).status()).toBe(200);
    await expect(alertSaying(page, /expired/i)).toHaveCount(0);
    await expect(recent(page)).toHaveText([new RegExp(plan)]);
    await expect(ledgerRow(page, /docs/i)).toContainText(/(?<!not )granted/i);
  });

  test('a listed document that now fails shows as unavailable, not as a page error', async ({ page, emu }) => {
    const planID = await sampleID(page, plan);
    await consent(page, { button: `Open ${plan}` });
    await samples(page).getByRole('button', { name: `Open ${welcome}` }).click();
    await expect(recent(page)).toHaveText([new RegExp(welcome), new RegExp(plan)]);

    await emu.injectFault({ path: `/v1/documents/${planID}`, status: 404, count: 1 });
    await page.reload();
    const list = nextPostback(page, '/docs');
    await expectPopupClosesByItself(page, button);
    expect((await list).status()).toBe(200);
    await expect(recent(page)).toHaveText([new RegExp(welcome), /unavailable.*no longer exists/i]);
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  test('accessibility: the page, an opened document and an alert', async ({ page }, testInfo) => {
    // Three axe scans, one of a long opened document: each takes seconds on a
    // busy 2-core machine, so the test gets three times the usual budget.
    test.slow();
    await expectNoSeriousA11yViolations(page, testInfo, '/docs');
    await consent(page, { button: `Open ${welcome}` });
    await expect(opened(page, welcome)).toBeVisible();
    await expectNoSeriousA11yViolations(page, testInfo, '/docs with a document');
    await openByRef(page, 'nope');
    await expect(alertSaying(page, /not a google docs link/i)).toBeVisible();
    await expectNoSeriousA11yViolations(page, testInfo, '/docs with an alert');
  });
});
