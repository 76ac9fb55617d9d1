// Package pages holds one file per page: its handlers, view model and view,
// and the postbacks that take a page's token, verify it and fetch its data.
package pages

import (
	"context"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/emulator"
	emuclient "github.com/scopewise/scopewise/emulator/client"
	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/grants"
	"github.com/scopewise/scopewise/internal/web"
	"github.com/scopewise/scopewise/views"
)

// Verifier checks a token for one scope (apis.Verifier).
type Verifier interface {
	Verify(ctx context.Context, token, scope string) (apis.TokenInfo, error)
	// VerifySince trusts no cached answer from before since.
	VerifySince(ctx context.Context, token, scope string, since time.Time) (apis.TokenInfo, error)
	// Known reports whether the answer for token is cached (no tokeninfo call).
	Known(token string) bool
	Forget(token string)
}

// AssetURLs gives the content-hashed URL of an embedded asset (assets.Assets).
type AssetURLs interface {
	URL(name string) string
}

// EmulatorClock moves the emulator's clock: the part of emulator.Control the
// lab uses (an emulator/client.Client in the site).
type EmulatorClock interface {
	AdvanceClock(ctx context.Context, d time.Duration) (now time.Time, err error)
}

// EmulatorTime reads the emulator's clock and how far it was moved ahead of
// the wall clock (emulator/client.Client's Clock).
type EmulatorTime interface {
	Clock(ctx context.Context) (now time.Time, offset time.Duration, err error)
}

// Deps are the pages' dependencies, built once in run.
type Deps struct {
	Config      config.Config
	Log         *slog.Logger
	Verifier    Verifier
	CalendarAPI *apis.Calendar
	DocsAPI     *apis.Docs
	PickerAPI   *apis.Picker
	// EmulatorClock is set in emulator mode only (the lab's Expire now).
	EmulatorClock EmulatorClock
	// EmulatorTime is set in emulator mode only: every time the pages record
	// and show is on the emulator's clock, which decides expiry there.
	EmulatorTime EmulatorTime
	Assets       AssetURLs
	Now          func() time.Time
	// DocSamples are seed documents the Docs page offers in emulator mode.
	DocSamples DocSamples
}

// Pages serves every page. Its methods are the route table's handlers.
type Pages struct {
	Deps
	assets pageAssets
}

// pageAssets are the asset URLs and import map of each kind of page, made
// once: hashed URLs do not change while the binary runs.
type pageAssets struct {
	plain    views.Assets // no token client: the stylesheet only
	sections views.Assets // /calendar: [data-token-client] sections
	docs     views.Assets // /docs: the sections and the Docs section's rules
	photos   views.Assets // /photos: the sections and the picker + carousel
	ajax     views.Assets // /ajax runs its own token client and reuses photos.js
	lab      views.Assets // /lab: its own module and stylesheet
}

// photosModuleName is the bare name of the Photos section's module
// (photos.js), which its sections import on first use (data-module).
const photosModuleName = "scopewise/photos"

// photosModule is the Photos section's module and its stylesheet, by the
// bare names photos.js imports and resolves them by.
var photosModule = map[string]string{photosModuleName: "js/photos.js", photosModuleName + ".css": "css/photos.css"}

// New builds the pages.
func New(d Deps) *Pages {
	if d.Now == nil {
		d.Now = time.Now
	}
	p := &Pages{Deps: d}
	p.assets = pageAssets{
		plain:    views.Assets{CSS: d.Assets.URL("css/site.css")},
		sections: p.moduleAssets(nil, "js/token-sections.js"),
		docs:     p.moduleAssets(nil, "js/token-sections.js"),
		// photos.js (picker + carousel) is imported with the Photos
		// section's first postback (views.TokenClient.Module).
		photos: p.moduleAssets(photosModule, "js/token-sections.js"),
		ajax:   p.moduleAssets(photosModule, "js/ajax.js"),
		lab:    p.moduleAssets(nil, "js/lab.js"),
	}
	// Each section's rules go with the pages that show it.
	// The Photos section's are photos.js's, loaded with it (the import map).
	docsCSS := d.Assets.URL("css/docs.css")
	p.assets.docs.PageCSS = []string{docsCSS}
	p.assets.ajax.PageCSS = []string{docsCSS, d.Assets.URL("css/ajax.css")}
	p.assets.lab.PageCSS = []string{d.Assets.URL("css/lab.css")}
	return p
}

// moduleAssets are the layout's asset URLs with a page's own modules, which
// import the shared module as "scopewise/token-client" (and any of extra,
// bare name → asset path) through the import map.
func (p *Pages) moduleAssets(extra map[string]string, pageScripts ...string) views.Assets {
	shared := p.Assets.URL("js/token-client.js")
	// trace.js ("What just happened") and answer.js (what a page does once
	// a request is answered) are imported on first use only.
	modules := map[string]string{"scopewise/token-client": shared, "scopewise/trace": p.Assets.URL("js/trace.js"), "scopewise/answer": p.Assets.URL("js/answer.js")}
	for name, path := range extra {
		modules[name] = p.Assets.URL(path)
	}
	a := views.Assets{CSS: p.Assets.URL("css/site.css"), Script: shared, ImportMap: views.NewImportMap(modules), TraceCSS: p.Assets.URL("css/trace.css")}
	for _, s := range pageScripts {
		a.PageScripts = append(a.PageScripts, p.Assets.URL(s))
	}
	return a
}

// descriptions are the pages' meta descriptions (what a search result shows).
var descriptions = map[string]string{
	"/":         "Scopewise shows Google's token model of incremental authorization page by page, with an offline emulator of Google's side.",
	"/docs":     "Read a Google Docs document by URL or ID with the documents.readonly scope, asked for only when you press the button.",
	"/calendar": "List your next calendar events with the calendar.readonly scope, asked for only when you press the button.",
	"/photos":   "Pick photos with the Google Photos Picker and browse them, with the photospicker.mediaitems.readonly scope.",
	"/ajax":     "Docs, Calendar and Photos on one page: one token client that asks for each scope when its section opens.",
	"/lab":      "The consent lab: request any mix of scopes with any prompt and see each answer, the server's verdict and the token's life.",
}

// Base is the layout's view model for this request.
func (p *Pages) Base(c echo.Context, title string) views.Page {
	path := c.Request().URL.Path
	page := views.Page{
		Title:       title,
		Description: descriptions[path],
		Path:        path,
		CSRF:        web.SessionOf(c).CSRF(),
		Ledger:      p.LedgerRows(c),
		// No script: a page without a token client has nothing for a page
		// script to do (withGIS adds them).
		Assets: p.assets.plain,
	}
	if p.Config.EmulatorMode() {
		page.EmulatorURL = p.Config.Endpoints.AccountsOrigin
	}
	return page
}

// withGIS is Base for a page that runs a token client.
func (p *Pages) withGIS(c echo.Context, title string) views.Page {
	page := p.Base(c, title)
	page.Assets = p.assets.sections
	page.GIS = &views.GIS{ScriptURL: p.Config.Endpoints.GISScript, ClientID: p.Config.ClientID(), Integrity: p.Config.Endpoints.GISIntegrity}
	return page
}

// tokenClient is the view model of a page's token client for one catalog scope.
func (p *Pages) tokenClient(id, scope, postback, button string) views.TokenClient {
	s, _ := grants.Lookup(scope)
	return views.TokenClient{ID: id, Scope: scope, Postback: postback, Button: button, ClientID: p.Config.ClientID(), Permission: s.Permission}
}

// LedgerRows is the session's ledger as of now, one row per catalog scope,
// with the clock its times are on. An empty ledger shows no time, so for it
// the emulator's clock is not read unless the request already did: a page
// in a fresh session costs no call to the emulator.
func (p *Pages) LedgerRows(c echo.Context) views.LedgerView {
	ledger := web.SessionOf(c).Ledger()
	clk := views.Clock{Emulator: p.EmulatorTime != nil, Now: p.Now()}
	if _, read := c.Get(clockKey).(time.Duration); len(ledger) > 0 || read {
		clk = p.clock(c)
	}
	now := clk.Now
	rows := make([]views.LedgerRow, 0, len(grants.Catalog))
	for _, s := range grants.Catalog {
		e := ledger.Current(s.ID, now)
		row := views.LedgerRow{Label: s.Label, Scope: s.ID, Page: s.Page}
		switch e.State {
		case grants.NeverAsked:
			row.State, row.Detail = "never asked", "—"
		case grants.Granted:
			row.Until = views.ClockTime(e.Until)
			row.State, row.Detail = "granted", "until "+row.Until+", verified by the server"
		case grants.Partial:
			// A scope is granted or not; "partly" describes a request.
			row.State, row.Detail = "not granted", "left unticked on the consent screen at "+views.ClockTime(e.At)
		case grants.Denied:
			row.State, row.Detail = "denied", "consent cancelled at "+views.ClockTime(e.At)
		case grants.Expired:
			row.State, row.Detail = "expired", "since "+views.ClockTime(e.At)+"; authorize again"
		case grants.Revoked:
			row.State, row.Detail = "revoked", "the whole grant was revoked at "+views.ClockTime(e.At)
		}
		rows = append(rows, row)
	}
	return views.LedgerView{Rows: rows, Clock: clk}
}

// clockKey caches the request's clock offset in the echo context.
const clockKey = "page-clock-offset"

// clock is the clock of this request's times: the wall clock with Google;
// in emulator mode the emulator's (the browser's world's, in parallel
// tests), read once per request. If the emulator cannot say, the wall clock.
func (p *Pages) clock(c echo.Context) views.Clock {
	if p.EmulatorTime == nil {
		return views.Clock{Now: p.Now()}
	}
	offset, ok := c.Get(clockKey).(time.Duration)
	if !ok {
		offset = p.readClock(worldContext(c))
		c.Set(clockKey, offset)
	}
	return views.Clock{Emulator: true, Moved: offset, Now: p.Now().Add(offset)}
}

// readClock asks the emulator (the world of ctx) how far its clock was
// moved; if it cannot say, not at all. Not cancelled with the request: a
// refusal's fragment is rendered by the error handler, after the handler's
// context is done.
func (p *Pages) readClock(ctx context.Context) time.Duration {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	_, offset, err := p.EmulatorTime.Clock(ctx)
	if err != nil {
		p.Log.Warn("cannot read the emulator's clock; showing the wall clock", "err", err)
	}
	return offset
}

// clockAhead starts reading the request's clock (clock) beside other work;
// the function it returns waits for the read and keeps it for the request.
// Call it before anything else uses the clock.
func (p *Pages) clockAhead(c echo.Context) (wait func()) {
	if _, read := c.Get(clockKey).(time.Duration); p.EmulatorTime == nil || read {
		return func() {}
	}
	done := make(chan time.Duration, 1)
	ctx := worldContext(c)
	go func() { done <- p.readClock(ctx) }()
	return func() { c.Set(clockKey, <-done) }
}

// now is the request's clock's now (clock).
func (p *Pages) now(c echo.Context) time.Time { return p.clock(c).Now }

// worldContext is the request's context, in the emulator world the browser
// belongs to (its emulator.WorldCookie; parallel tests each have one).
func worldContext(c echo.Context) context.Context {
	ctx := c.Request().Context()
	if ck, err := c.Cookie(emulator.WorldCookie); err == nil && ck.Value != "" {
		ctx = emuclient.WithWorld(ctx, ck.Value)
	}
	return ctx
}
