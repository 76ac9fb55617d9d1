// The Photos page's module, on top of the shared page script. After the
// token postback (POST /photos) the server answers a picker panel with the
// session's pickerUri and polling config in data-* attributes. This module:
//
//   - opens pickerUri + "/autoclose" in a new window inside the click (a
//     user gesture, or the browser blocks it);
//   - polls POST /photos/session every pollInterval until the server answers
//     the carousel (200), an alert (an error), or timeoutIn passes; it stops
//     too when the panel is replaced or the page is left (pagehide), and then
//     tells the server to delete the session;
//   - drives the carousel: Previous / Next, and the arrow keys.
//
// The token stays in the shared script's memory (the section object): it is
// sent in the Authorization header only, never put in the DOM or a URL.
import { stylesheet } from 'scopewise/answer';
import { addAlertTexts, alertText, postToken, sections, showAlert, swap } from 'scopewise/token-client';

addAlertTexts(ALERT_TEXTS); // this module's, from views/alerts.go

// The section's rules (photos.css, named in the page's import map), in
// place before this module's first answer is swapped in.
await stylesheet(import.meta.resolve('scopewise/photos.css'));


// Bounds on the server-given poll interval, whatever it says.
const minPollMs = 100;
const maxPollMs = 60_000;

/** Posts form fields with the bearer token; the caller reads the answer. */
function post(url, token, fields, { signal, keepalive } = {}) {
  return postToken(url, token, fields, { swapIn: false, signal, keepalive });
}

/** The token section around el, with its in-memory token. */
function tokenSectionOf(el) {
  const section = el.closest('[data-token-client]');
  return { section, client: section && sections.get(section) };
}

function setStatus(panel, text) {
  const status = panel.querySelector('[data-picker-status]');
  if (status) status.textContent = text;
}

/** Pollers by picker panel: at most one per panel. */
const pollers = new Map();

/** Polls one picking session through the server until it is settled. */
class Poller {
  constructor(panel) {
    this.panel = panel;
    // Kept: once the panel is replaced it is detached and finds no section.
    this.section = panel.closest('[data-token-client]');
    this.sessionId = panel.dataset.sessionId;
    this.running = false;
    this.timer = 0;
    this.abort = new AbortController();
    this.readTiming(panel);
  }

  /** Reads pollInterval and timeoutIn (ms) from an element's data-*. */
  readTiming(el) {
    const interval = Number(el.dataset.pollIntervalMs);
    const timeout = Number(el.dataset.timeoutMs);
    this.interval = Math.min(maxPollMs, Math.max(minPollMs, Number.isFinite(interval) ? interval : 5000));
    if (Number.isFinite(timeout)) this.deadline = performance.now() + timeout;
  }

  start() {
    if (this.running) return;
    this.running = true;
    setStatus(this.panel, 'Waiting for you to pick photos…');
    this.schedule();
  }

  /**
   * The picker window closed (Done closes it): ask now rather than at the
   * next interval, and say so.
   */
  pickerClosed() {
    if (!this.running) return;
    setStatus(this.panel, 'Getting your photos…');
    clearTimeout(this.timer);
    if (!this.inFlight) this.tick();
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), this.interval);
  }

  /** Stops for good: no timer, no request in flight. */
  stop() {
    this.running = false;
    clearTimeout(this.timer);
    this.abort.abort();
    pollers.delete(this.panel);
    if (this.panel.isConnected) setStatus(this.panel, '');
  }

  async tick() {
    if (!this.running) return;
    const section = this.section;
    const client = sections.get(section);
    if (!this.panel.isConnected || !client?.token) {
      // Replaced by a newer answer (a new session, an alert): this session is done.
      this.stop();
      if (client?.token) endSession(client.token, this.sessionId, false);
      return;
    }
    if (performance.now() >= this.deadline) {
      this.stop();
      endSession(client.token, this.sessionId, false);
      this.panel.closest('.results')?.replaceChildren();
      showAlert(section, alertText('picking_expired'), section.dataset.label);
      return;
    }
    let res, html;
    try {
      this.inFlight = true;
      res = await post('/photos/session', client.token, { session: this.sessionId }, { signal: this.abort.signal });
      html = await res.text();
    } catch {
      if (!this.running) return; // stopped meanwhile: nothing to say
      this.stop();
      showAlert(section, alertText('picking_unreachable'), section.dataset.label);
      return;
    } finally {
      this.inFlight = false;
    }
    if (!this.running) return;
    swap(html);
    if (res.status === 202) {
      // Closed without Done: still waiting, and the window can open again.
      if (this.panel.isConnected) setStatus(this.panel, 'Waiting for you to pick photos…');
      const timing = document.getElementById('photos-poll');
      if (timing) this.readTiming(timing);
      this.schedule();
      return;
    }
    // 200: the carousel replaced the panel; anything else: an alert did.
    this.stop();
    if (res.status === 200) focusCarousel(section);
  }
}

/** Tells the server to delete a session the page no longer needs. */
function endSession(token, sessionId, keepalive) {
  post('/photos/session/delete', token, { session: sessionId }, { keepalive }).catch(() => {});
}

function openPicker(panel) {
  const { section, client } = tokenSectionOf(panel);
  // Inside the click: a window opened later would be blocked.
  const win = window.open(`${panel.dataset.pickerUri}/autoclose`, 'scopewise-picker', 'popup,width=960,height=720');
  if (!win) {
    showAlert(section, alertText('picker_blocked'));
    return;
  }
  section.querySelector('[data-alerts]')?.replaceChildren();
  panel.querySelector('[data-action="show-picked"]')?.removeAttribute('hidden');
  if (!client?.token) return;
  let poller = pollers.get(panel);
  if (!poller) {
    poller = new Poller(panel);
    pollers.set(panel, poller);
  }
  poller.start();
  watchClose(win, poller);
}

/** Tells the poller when the picker window closes (the page keeps its handle: COOP allows popups). */
function watchClose(win, poller) {
  const timer = setInterval(() => {
    if (!poller.running) clearInterval(timer);
    else if (win.closed) {
      clearInterval(timer);
      poller.pickerClosed();
    }
  }, 250);
}

/** "Show picked photos": list now; 409 means not done yet, and polling goes on. */
async function showPicked(panel) {
  const { section, client } = tokenSectionOf(panel);
  if (!client?.token) return;
  try {
    const res = await post('/photos/items', client.token, { session: panel.dataset.sessionId });
    swap(await res.text());
    if (res.status !== 409) pollers.get(panel)?.stop();
    if (res.status === 200) focusCarousel(section);
  } catch {
    showAlert(section, alertText('unreachable'));
  }
}

/** "Pick other photos": a new session with the token the page holds. */
async function pickAgain(button) {
  const { section, client } = tokenSectionOf(button);
  section.querySelector('[data-alerts]')?.replaceChildren();
  if (!client?.token) {
    showAlert(section, alertText('no_token'), section.dataset.label);
    return;
  }
  try {
    const res = await post('/photos', client.token, {});
    swap(await res.text());
    section.querySelector('[data-action="open-picker"]')?.focus();
  } catch {
    showAlert(section, alertText('unreachable'), section.dataset.label);
  }
}

function focusCarousel(section) {
  section.querySelector('[data-carousel]')?.focus();
}

/** Shows the slide step places away, wrapping around, and says which. */
function move(carousel, step) {
  const slides = [...carousel.querySelectorAll('[data-slide]')];
  if (slides.length === 0) return;
  const current = Math.max(0, slides.findIndex((s) => !s.hidden));
  const next = (current + step + slides.length) % slides.length;
  slides[current].hidden = true;
  slides[next].hidden = false;
  const counter = carousel.querySelector('[data-counter]');
  if (counter) counter.textContent = `${next + 1} of ${slides.length}`;
}

document.addEventListener('click', (ev) => {
  const el = ev.target instanceof Element ? ev.target : null;
  const mover = el?.closest('[data-carousel-move]');
  if (mover) {
    move(mover.closest('[data-carousel]'), mover.dataset.carouselMove === 'prev' ? -1 : 1);
    return;
  }
  const button = el?.closest('button[data-action]');
  const panel = button?.closest('[data-picker]');
  switch (button?.dataset.action) {
    case 'open-picker':
      if (panel) openPicker(panel);
      break;
    case 'show-picked':
      if (panel) showPicked(panel);
      break;
    case 'pick-again':
      pickAgain(button);
      break;
  }
});

document.addEventListener('keydown', (ev) => {
  if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight') return;
  if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
  const carousel = ev.target instanceof Element ? ev.target.closest('[data-carousel]') : null;
  if (!carousel) return;
  ev.preventDefault();
  move(carousel, ev.key === 'ArrowLeft' ? -1 : 1);
});

// Leaving the page ends every session still open: polling stops (no timer,
// no request left) and the server deletes the session upstream. If the page
// comes back from the back/forward cache, its panels are stale.
window.addEventListener('pagehide', () => {
  for (const panel of document.querySelectorAll('[data-picker]')) {
    pollers.get(panel)?.stop();
    const { client } = tokenSectionOf(panel);
    if (client?.token) endSession(client.token, panel.dataset.sessionId, true);
    panel.dataset.ended = 'true';
  }
});

window.addEventListener('pageshow', (ev) => {
  if (!ev.persisted) return;
  for (const panel of document.querySelectorAll('[data-picker][data-ended]')) {
    const { section } = tokenSectionOf(panel);
    panel.closest('.results')?.replaceChildren();
    showAlert(section, alertText('picking_ended'), section.dataset.label);
  }
});
