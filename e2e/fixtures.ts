// The site suite's fixtures: the published fixture (gis-emulator.ts: a world
// of its own on the emulator per test, its control API and the popup driver) with what the
// suite adds: the site's defaults (its emulator, its client ID, no rerouting:
// the site already loads the emulator's GIS), and a guard that fails the test
// when a token leaks into what the site sends or leaves in the browser.
import { expect, type Cookie, type Locator, type Page, type Request, type Response } from '@playwright/test';
import fs from 'node:fs';
import { findTokens, redact, type Output } from './canary';
import { emulatorURL, logDir, siteClientID, siteURL, tokensFile } from './env';
import { GISEmulator, GISPopup, test as gisTest, type MintRequest } from './gis-emulator';

export { expect };
export { redact, tokenLabel } from './canary';
export { clickAndWaitForClose, type Fault } from './gis-emulator';

// ---------------------------------------------------------------- emulator

/** The published fixture's emulator with the site's defaults; every token it mints is watched for leaks. */
export class Emulator extends GISEmulator {
  constructor(
    url: string,
    api: GISEmulator['api'],
    page: Page,
    private readonly seen: Set<string>,
  ) {
    super(url, api, page);
  }

  /**
   * Every token value the emulator issued since it started in any world (the
   * newest 20,000), through resets: the leak canary's list. `total` counts
   * them all.
   */
  async issued(): Promise<{ total: number; tokens: string[] }> {
    return (await this.get('/_emu/issued?all=true')) as { total: number; tokens: string[] };
  }

  /** A token minted without the popup, for the site's client unless told; the leak guard watches for it too. */
  override async mint(req: Omit<MintRequest, 'client_id'> & { client_id?: string }): Promise<{ access_token: string; expires_in: number }> {
    const minted = await super.mint({ client_id: siteClientID, ttl: '3600s', ...req });
    this.seen.add(minted.access_token);
    return minted;
  }
}

// ---------------------------------------------------------------- fixtures

type Fixtures = {
  /** Every token value this test saw (its requests, the emulator's answers, minted). */
  seenTokens: Set<string>;
  /** The emulator (the same object as `gis`), with the site's additions. */
  emu: Emulator;
  tokenLeakGuard: void;
};

export const test = gisTest.extend<Fixtures>({
  gisEmulatorURL: emulatorURL,
  rerouteGoogle: false,

  // eslint-disable-next-line no-empty-pattern
  seenTokens: async ({}, use) => {
    await use(new Set<string>());
  },

  emu: async ({ gisControl, gisEmulatorURL, page, seenTokens }, use) => {
    await use(new Emulator(gisEmulatorURL, gisControl, page, seenTokens));
  },

  // The published fixture's `gis` (automatic: each test in its own world), as the site's Emulator.
  gis: async ({ emu, gisOwnWorld }, use) => {
    if (!gisOwnWorld) await emu.reset();
    await use(emu);
  },

  tokenLeakGuard: [
    async ({ page, context, emu, seenTokens }, use, testInfo) => {
      const guard = new LeakGuard(seenTokens);
      context.on('request', guard.onRequest);
      context.on('response', guard.onResponse);

      await use();

      const unread = await guard.settle();
      context.off('request', guard.onRequest);
      context.off('response', guard.onResponse);
      await guard.recordBrowserState(await context.cookies(), context.pages());
      // Every token the emulator issued so far in the run, whether or not
      // the page ever saw it (the log canary): one issued during an earlier
      // test must not show up in this one's answers either.
      for (const t of (await emu.issued()).tokens) seenTokens.add(t);
      // The run's token list and output count, for leak.teardown.ts.
      fs.mkdirSync(logDir, { recursive: true });
      fs.appendFileSync(tokensFile, [...seenTokens].map((t) => t + '\n').join('') + `# outputs ${guard.outputs.length}\n`);
      testInfo.annotations.push({
        type: 'token-leak-guard',
        description:
          `${seenTokens.size} token(s) checked against ${guard.outputs.length} site outputs` +
          (unread.length ? `; unreadable: ${unread.map((u) => redact(u, seenTokens)).join(', ')}` : ''),
      });
      expect(guard.leaks(), 'token values in what the site sent or left in the browser').toEqual([]);
      void page; // the guard needs the page alive until it has read its DOM
    },
    { auto: true },
  ],
});

// Tokens as the emulator issues them (and as Google does): "ya29." + URL-safe.
const tokenShape = /ya29\.[A-Za-z0-9_\-]{20,}/g;

/**
 * Records every token the browser saw and everything the site origin sent:
 * URLs, request bodies, response headers (set-cookie included) and text
 * bodies, then cookies, DOM and storage at the end of the test.
 */
class LeakGuard {
  readonly outputs: Output[] = [];
  /** Reads in flight, with what they read. */
  private readonly pending = new Map<Promise<void>, string>();
  private readonly site = new URL(siteURL).origin;
  private readonly emulator = new URL(emulatorURL).origin;

  constructor(private readonly tokens: Set<string>) {}

  onRequest = (req: Request): void => {
    const origin = originOf(req.url());
    if (origin !== this.site) return;
    const what = `${req.method()} ${req.url()}`;
    this.outputs.push({ where: `URL of ${what}`, text: req.url() });
    const body = req.postData();
    if (body) this.outputs.push({ where: `body of ${what}`, text: body });
    this.noteBearer(req.headers()['authorization']);
    this.track(`headers of ${what}`, req.allHeaders().then((h) => this.noteBearer(h['authorization'])));
  };

  onResponse = (res: Response): void => {
    const origin = originOf(res.url());
    // Of Google's side only the popup's pages hand tokens to the browser.
    const popupPage = origin === this.emulator && res.request().resourceType() === 'document';
    if (origin !== this.site && !popupPage) return;
    const what = `${res.request().method()} ${res.url()} (${res.status()})`;
    this.track(
      `the response to ${what}`,
      (async () => {
        const headers = await res.headersArray();
        const headerText = headers.map((h) => `${h.name}: ${h.value}`).join('\n');
        const type = headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '';
        const redirect = res.status() >= 300 && res.status() < 400;
        const body = !redirect && /text\/|json|javascript|xml/i.test(type) ? await res.text() : '';
        if (popupPage) {
          // Learn the tokens the popup hands over, so a token the page never
          // posts is still looked for.
          for (const m of (headerText + '\n' + body).matchAll(tokenShape)) this.tokens.add(m[0]);
          return;
        }
        this.outputs.push({ where: `headers of the response to ${what}`, text: headerText });
        if (body) this.outputs.push({ where: `body of the response to ${what}`, text: body });
      })(),
    );
  };

  /**
   * Waits until every header and body read so far has finished, or a few
   * seconds: a body can stay unreadable for good (a popup that closed itself
   * mid-read), and the guard must not hang the test on it.
   */
  async settle(): Promise<string[]> {
    const deadline = Date.now() + 3_000;
    while (this.pending.size > 0 && Date.now() < deadline) {
      const wait = new Promise((resolve) => setTimeout(resolve, deadline - Date.now()));
      await Promise.race([Promise.allSettled([...this.pending.keys()]), wait]);
    }
    return [...this.pending.values()];
  }

  async recordBrowserState(jar: Cookie[], pages: Page[]): Promise<void> {
    this.outputs.push({
      where: 'cookies',
      text: jar.map((c) => `${c.name}=${c.value}; Domain=${c.domain}; Path=${c.path}`).join('\n'),
    });
    for (const p of pages) {
      if (p.isClosed() || originOf(p.url()) !== this.site) continue;
      const dom = await p.content().catch(() => '');
      this.outputs.push({ where: `DOM of ${p.url()}`, text: dom });
      const storage = await p
        .evaluate(() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)]))
        .catch(() => '');
      this.outputs.push({ where: `local/session storage of ${p.url()}`, text: storage });
    }
  }

  /** Where each token was found, with tokens shown only by a hash prefix. */
  leaks(): string[] {
    return findTokens(this.tokens, this.outputs);
  }

  private noteBearer(header: string | undefined): void {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (m) this.tokens.add(m[1]);
  }

  private track(what: string, p: Promise<void>): void {
    // A page closing under a read (a popup closing itself) is not a leak.
    const settled = p.catch(() => undefined);
    this.pending.set(settled, what);
    void settled.finally(() => this.pending.delete(settled));
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------- pages

/** The grant ledger on every page: the region named "Your grants", a stable name page tests rely on. */
export function grantsLedger(page: Page): Locator {
  return page.getByRole('region', { name: 'Your grants' });
}

/** The ledger's row for a scope, whether the ledger is a table or a list. */
export function ledgerRow(page: Page, scope: RegExp): Locator {
  const ledger = grantsLedger(page);
  return ledger.getByRole('row').or(ledger.getByRole('listitem')).filter({ hasText: scope });
}

/** An alert (role="alert") whose text matches. */
export function alertSaying(page: Page, text: RegExp): Locator {
  return page.getByRole('alert').filter({ hasText: text });
}

// ---------------------------------------------------------------- popup

/** Clicks the page's button and returns the popup it opens. */
export async function openPopup(page: Page, button: string): Promise<Page> {
  return new GISPopup(page).openPopup(pageButton(page, button));
}

export type ConsentOptions = {
  /** The page button that asks for access, e.g. "Show calendar info". */
  button: string;
  /** Picked in the account chooser when it shows. */
  account?: string;
  action?: 'Continue' | 'Cancel';
  /** Checkboxes to tick (by scope description, or "Select all"). */
  tick?: string[];
  /** Runs on the consent screen before anything is ticked or pressed. */
  onConsentScreen?: (popup: Page) => Promise<void>;
};

/**
 * Goes through the emulator's popup as a user would (GISPopup.answer): presses
 * the page button, picks the account when the chooser shows, ticks boxes, and
 * presses Continue or Cancel, after which the popup closes itself. The popup
 * must ask: one that answers by itself fails this. Returns the URL the popup
 * was opened with.
 */
export async function consent(page: Page, opts: ConsentOptions): Promise<URL> {
  const driver = new GISPopup(page);
  const popup = await driver.openPopup(pageButton(page, opts.button));
  const openedWith = new URL(popup.url());
  await driver.answer(popup, { account: opts.account, tick: opts.tick, button: opts.action, onConsentScreen: opts.onConsentScreen, mustAsk: true });
  return openedWith;
}

/**
 * Presses the page button when a grant already exists: the popup must open
 * and close by itself, as Google's does with prompt ''. A popup that waits for
 * a click (chooser or consent) fails this.
 */
export async function expectPopupClosesByItself(page: Page, button: string): Promise<void> {
  await new GISPopup(page).expectAnsweredByItself(pageButton(page, button));
}

function pageButton(page: Page, name: string): Locator {
  return page.getByRole('button', { name, exact: true });
}
