// @scopewise/gis-emulator: Playwright fixtures for testing any page that uses
// Google Identity Services' token model (google.accounts.oauth2.initTokenClient)
// against Scopewise's offline emulator of Google, cmd/emulator. It needs only
// @playwright/test. Google blocks sign-in from automated browsers, so a page
// test cannot use the real popup; the emulator's popup behaves as Google's
// (account chooser, granular consent checkboxes, errors), offline.
//
// 1. Start the emulator with your page's origin registered for your client ID:
//      go run github.com/scopewise/scopewise/cmd/emulator@latest \
//        -client 'YOUR_CLIENT_ID=http://localhost:5173;name=Your app'
//    It prints "emulator: http://localhost:8081". Set GIS_EMULATOR_URL when
//    it listens elsewhere.
// 2. In a spec:  import { test, expect } from '@scopewise/gis-emulator';
//      test('grant', async ({ page, gis }) => {
//        await page.goto('/');
//        await gis.grant(page.getByRole('button', { name: 'Connect calendar' }));
//        …
//      });
//
// How the page reaches the emulator: it keeps loading Google's own URLs
// (https://accounts.google.com/gsi/client, https://apis.google.com/js/api.js
// and the discovery documents, the API hosts) and the fixture routes those
// requests to the emulator; the popup itself opens on the emulator's origin.
// Under a route Playwright answers CORS preflights itself, so the emulator's
// own CORS answers are exercised only when the page calls the emulator's
// origin directly: load <emulator>/gsi/client and call <emulator>/calendar/…
// yourself, with `test.use({ rerouteGoogle: false })`.
//
// Every test starts in its own world on the emulator (POST /_emu/worlds; the
// browser context carries the EMU_WORLD cookie, control calls the
// X-Emulator-World header): no grants, no tokens, nobody signed in, no
// faults, its own clock, and no other test's changes, so tests can run in
// parallel against one emulator. The world is deleted after the test.
import { test as base, expect, type APIRequestContext, type BrowserContext, type Locator, type Page } from '@playwright/test';

export { expect };

/** What the popup's Continue or Cancel gives: see grant, deny, grantPartially. */
export type PopupOptions = {
  /** The account picked in the chooser, when it shows. Default alice@example.com. */
  account?: string;
  /**
   * Consent checkboxes to tick (two or more non-sign-in scopes show one per
   * scope, named by the scope's description, plus "Select all"): each one
   * by its description as the screen shows it, or by its scope
   * ("https://www.googleapis.com/auth/calendar.readonly"). grant() ticks
   * "Select all" when there are checkboxes and you name none.
   */
  tick?: string[];
};

/** A fault for POST /_emu/faults: the next `count` calls of `path` fail so. */
export type Fault = {
  /** A Google path, matched exactly, e.g. "/calendar/v3/calendars/primary/events". */
  path: string;
  /** Answer with Google's error envelope for this status (503 UNAVAILABLE, 429 …). */
  status?: number;
  /** Default 1. */
  count?: number;
  /** A Go duration waited first, e.g. "5s". */
  delay?: string;
  /** A literal body instead of the envelope (status 200 unless given). */
  body?: string;
  /** The envelope's details reason, e.g. "SERVICE_DISABLED". */
  reason?: string;
  /** Extra answer headers, e.g. { 'Retry-After': '1' }. */
  headers?: Record<string, string>;
  /** A streamed JSON body of this many bytes. */
  size?: number;
  /** Send the body a byte per this Go duration, e.g. "1s". */
  drip?: string;
};

/** Something that opens the popup: a locator to click, or a function doing the click. */
export type Trigger = Locator | (() => Promise<unknown>);

/** How answer() goes through the popup: PopupOptions and the general knobs. */
export type AnswerOptions = PopupOptions & {
  /** The consent screen's button. Default Continue. */
  button?: 'Continue' | 'Cancel';
  /** Tick "Select all" when there are checkboxes and `tick` names none. */
  selectAll?: boolean;
  /**
   * Fail when the popup answers by itself instead of asking (everything asked
   * already granted): for tests that the consent screen is shown.
   */
  mustAsk?: boolean;
  /** Runs once the consent screen shows, before anything is ticked or pressed. */
  onConsentScreen?: (popup: Page) => Promise<void>;
};

/** What POST /_emu/tokens takes. */
export type MintRequest = { client_id: string; account?: string; scopes: string[]; ttl?: string };

const defaultAccount = 'alice@example.com';
// Playwright may report a click as failed when the page closes under it (the
// popup closes itself on Continue): exactly that error is expected.
const closedTarget = 'Target page, context or browser has been closed';

/**
 * Clicks something that makes a window close itself (the popup's Continue, the
 * picker's Done), and waits for the close.
 */
export async function clickAndWaitForClose(win: Page, target: Locator): Promise<void> {
  const closed = win.waitForEvent('close');
  closed.catch(() => undefined); // awaited below; keeps an early failure handled
  try {
    await target.click();
  } catch (err) {
    if (!String(err).includes(closedTarget)) throw err;
  }
  await closed;
}

/** The consent popup, as a user drives it from a page. */
export class GISPopup {
  constructor(protected readonly page: Page) {}

  /** Clicks the trigger and returns the popup it opens (inside the user gesture, as GIS requires). */
  async openPopup(trigger: Trigger): Promise<Page> {
    const popup = this.page.waitForEvent('popup');
    await (typeof trigger === 'function' ? trigger() : trigger.click());
    return popup;
  }

  /**
   * Grants everything asked: picks the account when the chooser shows, ticks
   * "Select all" when there are checkboxes (or the boxes you name), presses
   * Continue. When everything asked is already granted the popup answers and
   * closes by itself, as Google's does; that is fine too.
   */
  async grant(trigger: Trigger, opts: PopupOptions = {}): Promise<void> {
    await this.answer(await this.openPopup(trigger), { ...opts, selectAll: true });
  }

  /** A partial grant: ticks only these consent checkboxes (descriptions or scopes), then Continue. */
  async grantPartially(trigger: Trigger, tick: string[], opts: Omit<PopupOptions, 'tick'> = {}): Promise<void> {
    await this.answer(await this.openPopup(trigger), { ...opts, tick });
  }

  /** Presses Cancel: the page's callback gets {error: 'access_denied'}. */
  async deny(trigger: Trigger, opts: Omit<PopupOptions, 'tick'> = {}): Promise<void> {
    await this.answer(await this.openPopup(trigger), { ...opts, button: 'Cancel' });
  }

  /** Closes the popup unanswered: the page's error_callback gets {type: 'popup_closed'}. */
  async closePopup(trigger: Trigger): Promise<void> {
    const popup = await this.openPopup(trigger);
    await popup.waitForLoadState('domcontentloaded').catch(() => undefined);
    if (!popup.isClosed()) await popup.close();
  }

  /**
   * Expects the popup to answer and close by itself, as Google's does when
   * everything asked is already granted (prompt ''): a popup that waits for a
   * click (chooser or consent) fails this.
   */
  async expectAnsweredByItself(trigger: Trigger): Promise<void> {
    const popup = await this.openPopup(trigger);
    if (!popup.isClosed()) await popup.waitForEvent('close', { timeout: 10_000 });
  }

  /**
   * Goes through an open popup: picks the account when the chooser shows,
   * ticks boxes, presses the button, and waits for the popup to close itself.
   */
  async answer(popup: Page, opts: AnswerOptions = {}): Promise<void> {
    const button = opts.button ?? 'Continue';
    // A popup with nothing to ask may have closed itself already.
    const closed = popup.isClosed() ? Promise.resolve(popup) : popup.waitForEvent('close', { timeout: 15_000 });
    closed.catch(() => undefined); // awaited below
    const chooser = popup.getByRole('heading', { name: 'Choose an account' });
    const action = popup.getByRole('button', { name: button, exact: true });
    const blocked = popup.getByRole('heading', { name: /^Access blocked/ });
    const shown = chooser.or(action).or(blocked).first();
    const first = await Promise.race([
      shown.waitFor().then(
        () => 'ui' as const,
        // The popup may close itself while the wait is still looking.
        (err) => {
          if (popup.isClosed() || String(err).includes(closedTarget)) return 'closed' as const;
          throw err;
        },
      ),
      closed.then(() => 'closed' as const),
    ]);
    if (first === 'closed') {
      await closed;
      if (button === 'Cancel' || opts.mustAsk) {
        throw new Error('the popup answered by itself: it asked nothing (everything asked was already granted)');
      }
      return; // answered at once: everything asked was already granted
    }
    if (await blocked.isVisible()) {
      // Google's error page: unknown client_id (invalid_client) or an origin
      // not registered for it (origin_mismatch).
      throw new Error(`the popup shows Google's error page: ${(await popup.locator('main, body').first().innerText()).replace(/\s+/g, ' ')}`);
    }
    if (await chooser.isVisible()) {
      await popup.getByRole('button', { name: opts.account ?? defaultAccount }).click();
      await expect(chooser).toBeHidden();
    }
    await expect(action).toBeVisible();
    if (opts.onConsentScreen) await opts.onConsentScreen(popup);
    const boxes = popup.getByRole('checkbox');
    const tick = opts.tick ?? (opts.selectAll && (await boxes.count()) > 0 ? ['Select all'] : []);
    for (const name of tick) {
      // A scope names its box by value; anything else is the box's label.
      const box = /^https?:\/\//.test(name)
        ? popup.locator(`input[type="checkbox"][value=${JSON.stringify(name)}]`)
        : popup.getByRole('checkbox', { name, exact: true });
      if ((await box.count()) === 0) {
        const shown = await popup.locator('input[type="checkbox"][value]').evaluateAll((els) =>
          els.map((el) => `${(el as HTMLInputElement).labels?.[0]?.textContent?.trim()} (${(el as HTMLInputElement).value})`),
        );
        throw new Error(
          `no consent checkbox ${JSON.stringify(name)}: the consent screen shows ${shown.length ? shown.join('; ') : 'no checkboxes (one scope asked: nothing to tick)'}`,
        );
      }
      await box.check();
    }
    await clickAndWaitForClose(popup, action);
    await closed;
  }
}

/** The emulator: its control API (/_emu/), and the popup (GISPopup) on the test's page. */
export class GISEmulator extends GISPopup {
  constructor(
    /** The emulator's origin, e.g. http://localhost:8081. */
    readonly url: string,
    protected readonly api: APIRequestContext,
    page: Page,
  ) {
    super(page);
  }

  /** Forgets grants, tokens, sign-ins, picker sessions and faults; restores the clock. */
  async reset(): Promise<void> {
    await this.post('/_emu/reset', {});
  }

  /** Accounts, clients, grants and tokens (hashes only: never token values). */
  async state(): Promise<Record<string, unknown>> {
    return (await this.get('/_emu/state')) as Record<string, unknown>;
  }

  /**
   * Sets the world's switches (POST /_emu/options; a switch left out is off).
   * strictPopupGestures: a token request made without a fresh user
   * activation (after an await in the click handler) fails with
   * popup_failed_to_open, as Safari's does.
   */
  async setOptions(opts: { strictPopupGestures?: boolean }): Promise<void> {
    await this.post('/_emu/options', { strict_popup_gestures: !!opts.strictPopupGestures });
  }

  /** Moves the emulator's clock forward by a Go duration ("3600s"): tokens expire without waiting. */
  async advanceClock(by: string): Promise<void> {
    await this.post('/_emu/clock', { advance: by });
  }

  /** Makes the next calls of a path fail (see Fault). */
  async injectFault(fault: Fault): Promise<void> {
    await this.post('/_emu/faults', fault);
  }

  /** A token minted without the popup (no grant is recorded), for tests of a backend: POST /_emu/tokens's answer. */
  async mint(req: MintRequest): Promise<{ access_token: string; expires_in: number }> {
    const minted = (await this.post('/_emu/tokens', { account: defaultAccount, ...req })) as { access_token: string; expires_in: number };
    expect(minted.access_token, 'POST /_emu/tokens answers an access_token').toBeTruthy();
    return minted;
  }

  /** mint's token alone. */
  async mintToken(req: MintRequest): Promise<string> {
    return (await this.mint(req)).access_token;
  }

  protected async get(path: string): Promise<unknown> {
    const res = await this.api.get(path);
    const text = await res.text();
    expect(res.ok(), `GET ${path} answered ${res.status()}: ${text}`).toBe(true);
    return JSON.parse(text);
  }

  protected async post(path: string, data: unknown): Promise<unknown> {
    const res = await this.api.post(path, { data });
    const text = await res.text();
    expect(res.ok(), `POST ${path} answered ${res.status()}: ${text}`).toBe(true);
    return text ? JSON.parse(text) : undefined;
  }
}

// Google's URLs a page uses, and where they live on the emulator.
const googleToEmulator: Array<[prefix: string, path: string]> = [
  ['https://accounts.google.com/gsi/client', '/gsi/client'],
  // The API client library for JavaScript (gapi) and the discovery
  // documents it generates its methods from.
  ['https://apis.google.com/js/api.js', '/js/api.js'],
  ['https://www.googleapis.com/discovery/v1/', '/discovery/v1/'],
  ['https://docs.googleapis.com/$discovery/', '/$discovery/'],
  ['https://oauth2.googleapis.com/', '/'],
  ['https://www.googleapis.com/calendar/v3/', '/calendar/v3/'],
  ['https://docs.googleapis.com/v1/', '/v1/'],
  ['https://photospicker.googleapis.com/v1/', '/v1/'],
];

/** Routes the context's requests for Google's GIS script and APIs to the emulator. */
export async function rerouteGoogleToEmulator(context: BrowserContext, emulatorURL: string): Promise<void> {
  const target = (url: string): string | undefined => {
    for (const [prefix, path] of googleToEmulator) {
      if (url.startsWith(prefix)) return emulatorURL + path + url.slice(prefix.length);
    }
    return undefined;
  };
  await context.route(
    (url) => target(url.href) !== undefined,
    async (route) => {
      // The emulator sees the browser's method, headers (Origin included) and
      // body, and its answer (CORS headers included) goes back as is.
      try {
        const response = await route.fetch({ url: target(route.request().url()) });
        await route.fulfill({ response });
      } catch (err) {
        // The page navigated or closed while the emulator answered: the
        // request is gone, and Playwright disposed of the answer.
        if (/disposed|has been closed/.test(String(err))) return;
        throw err;
      }
    },
  );
}

/** The header that puts a control call in a world, and the cookie that puts a browser in one. */
export const worldHeader = 'X-Emulator-World';
export const worldCookie = 'EMU_WORLD';

/** Creates a world on the emulator (POST /_emu/worlds) and returns its id; says how to start the emulator when none answers. */
export async function newWorld(api: APIRequestContext, emulatorURL: string): Promise<string> {
  let res;
  try {
    res = await api.post(`${emulatorURL}/_emu/worlds`, { data: {} });
  } catch (err) {
    throw new Error(
      `no emulator answers at ${emulatorURL} (${(err as Error).message.split('\n')[0]}). Start one first, e.g. ` +
        `\`go run github.com/scopewise/scopewise/cmd/emulator@latest -client '<client id>=<your page origin>' -addr ${new URL(emulatorURL).host}\`, ` +
        'or set GIS_EMULATOR_URL to where yours listens.',
    );
  }
  const text = await res.text();
  expect(res.status(), `POST /_emu/worlds answered ${res.status()}: ${text}`).toBe(201);
  return (JSON.parse(text) as { id: string }).id;
}

type Options = {
  /** The emulator's origin. Default: $GIS_EMULATOR_URL, else http://localhost:8081. */
  gisEmulatorURL: string;
  /** Route Google's GIS script and API hosts to the emulator (default true). */
  rerouteGoogle: boolean;
  /**
   * Give each test its own world on the emulator (default true): tests can
   * run in parallel against one emulator. false: the default world, reset
   * before each test (tests must then run one at a time).
   */
  gisOwnWorld: boolean;
};

type Fixtures = {
  /** The test's world id ('default' when gisOwnWorld is false); deleted after the test. */
  gisWorld: string;
  /** The request context gis talks to /_emu/ with, in the test's world (disposed after the test). */
  gisControl: APIRequestContext;
  /** The emulator, in a fresh world (or reset) before the test. */
  gis: GISEmulator;
};

export const test = base.extend<Options & Fixtures>({
  gisEmulatorURL: [(process.env.GIS_EMULATOR_URL || 'http://localhost:8081').replace(/\/+$/, ''), { option: true }],
  rerouteGoogle: [true, { option: true }],
  gisOwnWorld: [true, { option: true }],

  gisWorld: async ({ playwright, gisEmulatorURL, gisOwnWorld, context }, use) => {
    if (!gisOwnWorld) {
      await use('default');
      return;
    }
    const api = await playwright.request.newContext();
    const id = await newWorld(api, gisEmulatorURL);
    // The browser is in the world: the GIS shim and the popup act in it.
    await context.addCookies([{ name: worldCookie, value: id, url: gisEmulatorURL }]);
    await use(id);
    await api.delete(`${gisEmulatorURL}/_emu/worlds/${id}`);
    await api.dispose();
  },

  gisControl: async ({ playwright, gisEmulatorURL, gisWorld }, use) => {
    const api = await playwright.request.newContext({ baseURL: gisEmulatorURL, extraHTTPHeaders: { [worldHeader]: gisWorld } });
    await use(api);
    await api.dispose();
  },

  gis: [
    async ({ gisControl, page, context, gisEmulatorURL, rerouteGoogle, gisOwnWorld }, use) => {
      const gis = new GISEmulator(gisEmulatorURL, gisControl, page);
      if (!gisOwnWorld) await gis.reset();
      if (rerouteGoogle) await rerouteGoogleToEmulator(context, gisEmulatorURL);
      await use(gis);
      // Requests still in flight as the test ends are not its failures.
      if (rerouteGoogle) await context.unrouteAll({ behavior: 'ignoreErrors' });
    },
    { auto: true },
  ],
});
