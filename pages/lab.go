package pages

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/internal/grants"
	"github.com/scopewise/scopewise/internal/web"
	"github.com/scopewise/scopewise/views"
)

// The consent lab: one token client and every knob of requestAccessToken
// (scopes, prompt, include_granted_scopes, login_hint), with a timeline of
// each request and answer (assets/js/lab.js). A switch makes the page also
// call the APIs itself with the token (REST + CORS), beside the server's
// postback; the CSP's connect-src allows the API origins (internal/site/routes.go).
// The server's part:
//
//	GET  /lab          the page
//	POST /lab/verify   the server's verdict on the page's token (tokeninfo,
//	                   checked for every catalog scope); never echoes the token
//	POST /lab/expire   emulator mode only: moves the emulator's clock past the
//	                   page's tokens, so expiry can be shown in seconds

const (
	labVerdictID = "lab-verdict" // the element the verdict replaces
	labClockID   = "lab-clock"   // the element Expire now's answer replaces
	labRetry     = "Request access"
	// maxLabAdvance bounds how far Expire now moves the emulator's clock:
	// past any token (they live an hour), not into next year.
	maxLabAdvance = 24 * time.Hour
)

// LabScope is a scope the lab can ask for.
type LabScope struct {
	ID     string
	Label  string // "Docs", or the sign-in scope's short name
	About  string // what it lets the site do
	SignIn bool   // consented as one bundle, never a checkbox of its own
}

// labScopes are the pages' scopes, then the sign-in scopes.
func labScopes() []LabScope {
	scopes := make([]LabScope, 0, len(grants.Catalog)+3)
	for _, s := range grants.Catalog {
		scopes = append(scopes, LabScope{ID: s.ID, Label: s.Label, About: s.Permission})
	}
	return append(scopes,
		LabScope{ID: "openid", Label: "sign-in", About: "know who you are on Google", SignIn: true},
		LabScope{ID: "email", Label: "sign-in", About: "see your email address", SignIn: true},
		LabScope{ID: "profile", Label: "sign-in", About: "see your name and picture", SignIn: true},
	)
}

// LabPrompt is one value of the prompt parameter.
type LabPrompt struct {
	Value string
	Code  string // how it is written
	About string
}

var labPrompts = []LabPrompt{
	{Value: "", Code: "''", About: "ask only for what is not granted yet"},
	{Value: "none", Code: "none", About: "never show anything; an error if consent or sign-in is needed"},
	{Value: "consent", Code: "consent", About: "show the consent screen every time"},
	{Value: "select_account", Code: "select_account", About: "show the account chooser every time"},
}

// LabView is the lab's view model.
type LabView struct {
	Page     views.Page
	ClientID string
	Scopes   []LabScope
	Prompts  []LabPrompt
	// Emulator enables Expire now, and names an account for login_hint.
	Emulator bool
	// REST is what the browser-side switch calls ("Using REST and CORS").
	REST LabREST
	// GAPI is what its gapi.client choice loads.
	GAPI LabGAPI
	// Extras is the URL of lab-extras.js, which the page imports on first
	// use: the export and the browser-side calls.
	Extras string
	// COOPSameOrigin: the page was asked for with ?coop=same-origin and is
	// served with Cross-Origin-Opener-Policy: same-origin, to show what
	// such a page gets from the token model (popup_closed).
	COOPSameOrigin bool
	// Preset is the form's state, from the URL's query (labpreset.go).
	Preset LabPreset
}

// LabREST are the API base URLs the page calls from the browser (Google's,
// or the emulator's), and the document its Docs call reads.
type LabREST struct {
	Calendar string // …/calendar/v3
	Docs     string // …/v1
	Picker   string // …/v1
	DocID    string // the emulator's first sample document; empty with Google
}

// LabGAPI is the API client library for JavaScript (Google's api.js, or the
// emulator's) and the discovery documents the lab's gapi.client loads.
type LabGAPI struct {
	Script            string
	CalendarDiscovery string
	DocsDiscovery     string
}

// Lab renders the consent lab: GET /lab.
func (p *Pages) Lab(c echo.Context) error {
	page := p.withGIS(c, "Consent lab")
	page.Assets = p.assets.lab
	ep := p.Config.Endpoints
	rest := LabREST{Calendar: ep.Calendar, Docs: ep.Docs, Picker: ep.Picker}
	if len(p.DocSamples.Docs) > 0 {
		rest.DocID = p.DocSamples.Docs[0].ID
	}
	// The site's pages send COOP same-origin-allow-popups, which keeps the
	// popup's link to its opener. A page with same-origin loses it: the
	// popup opens in another browsing context group, GIS sees it closed at
	// once and calls error_callback with popup_closed. The lab shows that on
	// demand; only this exact value changes the header.
	coop := c.QueryParam("coop") == "same-origin"
	if coop {
		c.Response().Header().Set("Cross-Origin-Opener-Policy", "same-origin")
	}
	scopes := labScopes()
	return web.Render(c, http.StatusOK, LabPage(LabView{
		Preset:         parseLabPreset(c.QueryParams(), scopes),
		COOPSameOrigin: coop,
		Page:           page,
		ClientID:       p.Config.ClientID(),
		Scopes:         scopes,
		Prompts:        labPrompts,
		Emulator:       p.Config.EmulatorMode(),
		REST:           rest,
		GAPI:           LabGAPI{Script: ep.GAPIScript, CalendarDiscovery: ep.CalendarDiscovery, DocsDiscovery: ep.DocsDiscovery},
		Extras:         p.Assets.URL("js/lab-extras.js"),
	}))
}

// LabVerdict is what the server makes of the lab's token: tokeninfo's answer,
// checked as the postbacks check it. It never holds the token.
type LabVerdict struct {
	Verdict    string            `json:"verdict"` // "valid"
	AudienceOK bool              `json:"audience_ok"`
	Scopes     []string          `json:"scopes"`
	ExpiresIn  int64             `json:"expires_in"` // seconds, as of the check
	ExpiresAt  time.Time         `json:"expires_at"`
	Account    string            `json:"account,omitempty"` // only with the email scope
	Catalog    []LabScopeVerdict `json:"catalog"`
}

// LabScopeVerdict says whether the token carries one of the pages' scopes.
type LabScopeVerdict struct {
	Label    string `json:"label"`
	Scope    string `json:"scope"`
	Verified bool   `json:"verified"`
}

// LabVerify checks the lab's token with tokeninfo for every catalog scope:
// POST /lab/verify with Authorization: Bearer. 200 with the verdict; 400 with
// no usable token; 401 for an invalid, expired, revoked or other client's
// token; upstream failures as the postbacks map them. Verified scopes go into
// the ledger, as a page postback records them.
func (p *Pages) LabVerify(c echo.Context) error {
	token, err := bearerToken(c, labVerdictID, labRetry)
	if err != nil {
		return err
	}
	// The lab shows what tokeninfo says now, not a cached answer: the
	// emulator's clock may have moved or the grant been revoked since.
	p.Verifier.Forget(token)
	ctx := c.Request().Context()
	v := LabVerdict{Verdict: "valid", AudienceOK: true}
	var info apis.TokenInfo
	for _, s := range grants.Catalog {
		i, err := p.Verifier.Verify(ctx, token, s.ID)
		if err != nil && apis.KindOf(err) != apis.KindInsufficientScope {
			return p.labProblem(c, err, token)
		}
		info = i
		v.Catalog = append(v.Catalog, LabScopeVerdict{Label: s.Label, Scope: s.ID, Verified: err == nil})
	}
	clk := p.clock(c)
	v.Scopes, v.Account = info.Scopes, info.Email
	v.ExpiresAt, v.ExpiresIn = p.tokenExpiry(c, info)
	web.SessionOf(c).SwitchAccount(info.Subject)
	web.SessionOf(c).UpdateLedger(func(l grants.Ledger) {
		for _, s := range v.Catalog {
			if s.Verified {
				l.Grant(s.Scope, clk.Of(info.Expiry), clk.Now)
			}
		}
	})
	return web.Render(c, http.StatusOK, LabVerdictAnswer(v, p.LedgerRows(c)))
}

// labProblem is the verdict on a token tokeninfo refuses; upstream failures
// are mapped as every postback maps them.
func (p *Pages) labProblem(c echo.Context, err error, token string) error {
	prob := &web.Problem{Target: labVerdictID, Err: err, Status: http.StatusUnauthorized, Challenge: `Bearer error="invalid_token"`}
	switch apis.KindOf(err) {
	case apis.KindInvalidToken:
		p.Verifier.Forget(token)
		prob.Alert = views.AlertTokenRefused.Problem(labRetry)
	case apis.KindWrongAudience:
		prob.Alert = views.AlertOtherAppsToken.Problem(labRetry)
	default:
		// Outages and timeouts: no scope is at stake (the empty one), so
		// apiProblem only names the failing service and the status.
		return p.apiProblem(c, err, token, postback{Target: labVerdictID, Button: labRetry})
	}
	return prob
}

// LabClock is Expire now's answer: how far the emulator's clock moved.
type LabClock struct {
	Advanced    time.Duration
	EmulatorNow time.Time
}

// LabExpire moves the emulator's clock forward, past the lab's tokens:
// POST /lab/expire, form seconds=<1…86400>. Emulator mode only (404 with
// Google). Ledger grants that end within the jump read as expired (the
// ledger is on the emulator's clock).
func (p *Pages) LabExpire(c echo.Context) error {
	if p.EmulatorClock == nil { // Google mode: there is no clock to move
		return echo.ErrNotFound
	}
	secs, err := strconv.Atoi(c.FormValue("seconds"))
	advance := time.Duration(secs) * time.Second
	if err != nil || secs < 1 || advance > maxLabAdvance {
		return &web.Problem{
			Status: http.StatusBadRequest,
			Target: labClockID,
			Alert:  views.AlertBadExpire.Problem("", "max", strconv.Itoa(int(maxLabAdvance/time.Second))),
			Err:    err,
		}
	}
	// A browser in one of the emulator's worlds (parallel tests) moves that
	// world's clock, where its tokens live.
	emuNow, err := p.EmulatorClock.AdvanceClock(worldContext(c), advance)
	if err != nil {
		return &web.Problem{
			Status: http.StatusBadGateway,
			Target: labClockID,
			Alert:  views.AlertClockDidNotMove.Problem(""),
			Err:    err,
		}
	}
	// The ledger's times are on the emulator's clock, so grants that ended
	// within the jump now read as expired, since their expiry. Read the
	// clock again for the answer.
	c.Set(clockKey, nil)
	return web.Render(c, http.StatusOK, LabClockAnswer(LabClock{Advanced: advance, EmulatorNow: emuNow}, p.LedgerRows(c)))
}

// breakable writes s with a line-break opportunity (<wbr>) after each
// slash and dot: a scope URL may wrap there on a phone, never inside a word.
func breakable(s string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		for i, part := range breakPoints(s) {
			if i > 0 {
				if _, err := io.WriteString(w, "<wbr>"); err != nil {
					return err
				}
			}
			if _, err := io.WriteString(w, templ.EscapeString(part)); err != nil {
				return err
			}
		}
		return nil
	})
}

// breakPoints splits s after each slash and dot ("https:/", "/",
// "www.", …); a run of them stays together.
func breakPoints(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if (s[i] == '/' || s[i] == '.') && (i+1 == len(s) || (s[i+1] != '/' && s[i+1] != '.')) {
			parts = append(parts, s[start:i+1])
			start = i + 1
		}
	}
	if start < len(s) {
		parts = append(parts, s[start:])
	}
	return parts
}

// labSeconds says "3601 s".
func labSeconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) + " s" }
