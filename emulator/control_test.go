package emulator

import (
	"context"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// Reset forgets grants, tokens, sign-ins and faults, and restores the clock.
func TestReset(t *testing.T) {
	s := newBrowserEmu(t)
	b := newPopupBrowser(t, s)
	b.signIn("alice@example.com")
	s.addGrant(s.def, "alice@example.com", siteClientID, []string{tscope.Cal})
	value, _ := s.mintToken(s.def, siteClientID, "alice@example.com", []string{tscope.Cal}, tokenTTL)
	addTestFault(t, s, `{"path":"/tokeninfo","status":503}`)
	serveEmu(s, controlRequest(http.MethodPost, "/_emu/clock", `{"advance":"1h"}`))

	rec := serveEmu(s, controlRequest(http.MethodPost, "/_emu/reset", ""))
	if rec.Code != http.StatusOK {
		t.Fatalf("reset: %d %s", rec.Code, rec.Body)
	}
	st := s.snapshot(s.def)
	if len(st.Grants)+len(st.Tokens)+len(st.Faults)+len(st.SignedIn) != 0 {
		t.Errorf("state after reset: %+v", st)
	}
	if !st.Now.Equal(browserTestNow) || st.ClockOffset != 0 {
		t.Errorf("clock after reset: %s (offset %s)", st.Now, st.ClockOffset)
	}
	if _, status := s.lookupToken(value); status != tokenUnknown {
		t.Errorf("token status %d after reset", status)
	}
}

// /_emu/state shows accounts, clients, grants and tokens, never a token.
func TestState(t *testing.T) {
	s := newBrowserEmu(t)
	s.addGrant(s.def, "alice@example.com", siteClientID, []string{tscope.Docs, tscope.Cal})
	value, tok := s.mintToken(s.def, siteClientID, "alice@example.com", []string{tscope.Cal}, time.Hour)
	revoked, _ := s.mintToken(s.def, siteClientID, "bob@example.com", []string{tscope.Docs}, 2*time.Hour)
	serveEmu(s, revokeRequest(revoked, ""))
	serveEmu(s, controlRequest(http.MethodPost, "/_emu/clock", `{"advance":"90m"}`))

	rec := serveEmu(s, httptest.NewRequest(http.MethodGet, "/_emu/state", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if strings.Contains(rec.Body.String(), value) || strings.Contains(rec.Body.String(), revoked) {
		t.Fatal("/_emu/state shows a token value")
	}
	st := decodeJSONBody[State](t, rec)
	if !strings.Contains(rec.Body.String(), `"clock_offset": "1h30m0s"`) {
		t.Errorf("the wire's clock_offset is not a Go duration string: %s", rec.Body)
	}
	if !st.Now.Equal(browserTestNow.Add(90*time.Minute)) || st.ClockOffset != 90*time.Minute {
		t.Errorf("now %s offset %s", st.Now, st.ClockOffset)
	}
	if len(st.Accounts) != 3 || len(st.Clients) != 2 || st.Clients[0].ID != siteClientID {
		t.Errorf("accounts %v clients %v", st.Accounts, st.Clients)
	}
	if len(st.Grants) != 1 || st.Grants[0].Account != "alice@example.com" || strings.Join(st.Grants[0].Scopes, " ") != spaced(tscope.Cal, tscope.Docs) {
		t.Errorf("grants %+v", st.Grants)
	}
	if len(st.Tokens) != 2 {
		t.Fatalf("tokens %+v", st.Tokens)
	}
	for _, tj := range st.Tokens {
		if _, err := hex.DecodeString(tj.Hash); err != nil || len(tj.Hash) != 12 {
			t.Errorf("hash %q is not 12 hex characters", tj.Hash)
		}
	}
	first, second := st.Tokens[0], st.Tokens[1]
	if first.Hash != tok.Hash[:12] || first.Account != "alice@example.com" || !first.Expired || first.Revoked {
		t.Errorf("alice's token %+v: want expired, not revoked", first)
	}
	if second.Account != "bob@example.com" || second.Expired || !second.Revoked {
		t.Errorf("bob's token %+v: want revoked, not expired", second)
	}
}

func TestClock(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantNow    time.Time
	}{
		{"an hour", `{"advance":"3600s"}`, 200, browserTestNow.Add(time.Hour)},
		{"zero", `{"advance":"0s"}`, 200, browserTestNow},
		{"negative", `{"advance":"-1s"}`, 400, browserTestNow},
		{"garbage duration", `{"advance":"tomorrow"}`, 400, browserTestNow},
		{"a number, not a duration", `{"advance":3600}`, 400, browserTestNow},
		{"missing advance", `{}`, 400, browserTestNow},
		{"unknown field", `{"advance":"1s","set":"2030-01-01T00:00:00Z"}`, 400, browserTestNow},
		{"beyond ten years", `{"advance":"100000h"}`, 400, browserTestNow},
		{"not JSON", `advance=1h`, 400, browserTestNow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBrowserEmu(t)
			rec := serveEmu(s, controlRequest(http.MethodPost, "/_emu/clock", tt.body))
			if rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantStatus == http.StatusOK {
				got := decodeJSONBody[struct {
					Now time.Time `json:"now"`
				}](t, rec)
				if !got.Now.Equal(tt.wantNow) {
					t.Errorf("answered now %s, want %s", got.Now, tt.wantNow)
				}
			} else if decodeJSONBody[map[string]string](t, rec)["error"] == "" {
				t.Error("400 without an error message")
			}
			if !s.now(context.Background()).Equal(tt.wantNow) {
				t.Errorf("clock %s, want %s", s.now(context.Background()), tt.wantNow)
			}
		})
	}
}

// /_emu/tokens mints without the popup, for any registered client, and
// records no grant.
func TestMintToken(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		wantStatus  int
		wantExpires int
		wantScope   string
		wantClient  string
	}{
		{"default ttl", `{"client_id":"test-client.apps.googleusercontent.com","account":"alice@example.com","scopes":["https://www.googleapis.com/auth/calendar.readonly"]}`,
			200, 3599, tscope.Cal, siteClientID},
		{"ttl and two scopes, by sub", `{"client_id":"test-client.apps.googleusercontent.com","account":"104271843210000000002","scopes":["https://www.googleapis.com/auth/documents.readonly","openid","openid"],"ttl":"60s"}`,
			200, 60, spaced(tscope.Docs, tscope.OpenID), siteClientID},
		{"another registered client (the audience check's test)", `{"client_id":"other-client.apps.googleusercontent.com","account":"alice@example.com","scopes":["https://www.googleapis.com/auth/calendar.readonly"]}`,
			200, 3599, tscope.Cal, otherClientID},
		{"unknown client", `{"client_id":"nobody","account":"alice@example.com","scopes":["openid"]}`, 400, 0, "", ""},
		{"unknown account", `{"client_id":"test-client.apps.googleusercontent.com","account":"zed@example.com","scopes":["openid"]}`, 400, 0, "", ""},
		{"no scopes", `{"client_id":"test-client.apps.googleusercontent.com","account":"alice@example.com","scopes":[]}`, 400, 0, "", ""},
		{"blank scope", `{"client_id":"test-client.apps.googleusercontent.com","account":"alice@example.com","scopes":[" "]}`, 400, 0, "", ""},
		{"scope with a quote", `{"client_id":"test-client.apps.googleusercontent.com","account":"alice@example.com","scopes":["a\"b"]}`, 400, 0, "", ""},
		{"scopes as a string", `{"client_id":"test-client.apps.googleusercontent.com","account":"alice@example.com","scopes":"openid"}`, 400, 0, "", ""},
		{"negative ttl", `{"client_id":"test-client.apps.googleusercontent.com","account":"alice@example.com","scopes":["openid"],"ttl":"-1s"}`, 400, 0, "", ""},
		{"bad ttl", `{"client_id":"test-client.apps.googleusercontent.com","account":"alice@example.com","scopes":["openid"],"ttl":"an hour"}`, 400, 0, "", ""},
		{"unknown field", `{"client_id":"test-client.apps.googleusercontent.com","account":"alice@example.com","scopes":["openid"],"user":"x"}`, 400, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBrowserEmu(t)
			rec := serveEmu(s, controlRequest(http.MethodPost, "/_emu/tokens", tt.body))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantStatus != http.StatusOK {
				if decodeJSONBody[map[string]string](t, rec)["error"] == "" {
					t.Error("400 without an error message")
				}
				return
			}
			got := decodeJSONBody[map[string]any](t, rec)
			if got["expires_in"] != float64(tt.wantExpires) || got["scope"] != tt.wantScope || got["token_type"] != "Bearer" {
				t.Errorf("response %v", got)
			}
			value, _ := got["access_token"].(string)
			info := decodeJSONBody[map[string]string](t, serveEmu(s, tokenInfoRequest(http.MethodGet, value)))
			if info["aud"] != tt.wantClient || info["scope"] != tt.wantScope {
				t.Errorf("tokeninfo %v", info)
			}
			if g := s.snapshot(s.def).Grants; len(g) != 0 {
				t.Errorf("minting recorded grants %+v", g)
			}
		})
	}
}

// Bodies are limited everywhere; too large is a 400, not a 500.
func TestControlBodyLimit(t *testing.T) {
	big := `{"advance":"1s","pad":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	rec := serveEmu(newBrowserEmu(t), controlRequest(http.MethodPost, "/_emu/clock", big))
	if rec.Code != http.StatusBadRequest || !strings.Contains(decodeJSONBody[map[string]string](t, rec)["error"], "larger than") {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
	form := url.Values{"action": {"choose"}, "pad": {strings.Repeat("x", maxBodyBytes)}}
	if p := newPopupBrowser(t, newBrowserEmu(t)).post(form); p.rec.Code != http.StatusBadRequest {
		t.Errorf("popup POST of %d bytes: %d", len(form.Encode()), p.rec.Code)
	}
}

// GET /_emu/ shows the state as HTML.
func TestControlPage(t *testing.T) {
	s := newBrowserEmu(t)
	s.addGrant(s.def, "carol@scopewise.test", siteClientID, []string{tscope.Photos})
	value, _ := s.mintToken(s.def, siteClientID, "carol@scopewise.test", []string{tscope.Photos}, tokenTTL)
	rec := serveEmu(s, httptest.NewRequest(http.MethodGet, "/_emu/", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if strings.Contains(rec.Body.String(), value) {
		t.Fatal("the page shows a token value")
	}
	doc, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	for section, want := range map[string]string{
		"accounts": "alice@example.com",
		"clients":  siteClientID,
		"grants":   tscope.Photos,
		"tokens":   "valid",
	} {
		text := collapse(doc.Find(`section[aria-labelledby="` + section + `"]`).Text())
		if !strings.Contains(text, want) {
			t.Errorf("section %s lacks %q: %s", section, want, text)
		}
	}
}

// The control page helps a demo: the way back to the site, Reset and a
// clock button that the control guard lets through (same-origin JSON with
// the page's world), a status after each, the request log, and the world of
// the browser's EMU_WORLD cookie.
func TestControlPageDemo(t *testing.T) {
	s := newBrowserEmu(t)
	world := newWorldHTTP(t, s)
	page := func(target string, opts ...func(*http.Request)) (*httptest.ResponseRecorder, *goquery.Document) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, target, nil)
		for _, o := range opts {
			o(req)
		}
		rec := serveEmu(s, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
		if err != nil {
			t.Fatal(err)
		}
		return rec, doc
	}
	inBrowserWorld := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: WorldCookie, Value: world}) }

	// A browser in the world: a popup request and a clock move there.
	b := newPopupBrowser(t, s)
	b.cookies[WorldCookie] = &http.Cookie{Name: WorldCookie, Value: world}
	b.open(authQuery(tscope.Cal)).mustBe("chooser")
	rec, doc := page("/_emu/", inBrowserWorld)
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self'") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q: the buttons' fetch needs connect-src 'self', nothing more", csp)
	}
	if got := strings.TrimSpace(doc.Find("script#control-world").Text()); got != `"`+world+`"` {
		t.Errorf("page world %s, want the cookie's %q", got, world)
	}
	if log := collapse(doc.Find(`section[aria-labelledby="log"]`).Text()); !strings.Contains(log, "GET /o/oauth2/v2/auth?") || !strings.Contains(log, "account chooser") {
		t.Errorf("the log lacks the popup request: %s", log)
	}
	for _, label := range []string{"Reset", "Advance clock 1 hour"} {
		if doc.Find(`button[data-control]`).FilterFunction(func(_ int, b *goquery.Selection) bool { return b.Text() == label }).Length() != 1 {
			t.Errorf("no %q button", label)
		}
	}
	if links := doc.Find(`nav a`); links.Length() != 2 || links.First().AttrOr("href", "") != siteOrigin {
		t.Errorf("site links: %d, first %q; want each client's origin", links.Length(), links.First().AttrOr("href", ""))
	}

	// What the buttons send, as a browser sends it from the page, passes the guard.
	for path, body := range map[string]string{"/_emu/clock": `{"advance":"3600s"}`, "/_emu/reset": `{}`} {
		req := controlRequest(http.MethodPost, path, body)
		req.Header.Set("Origin", emuOrigin)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set(WorldHeader, world)
		if rec := serveEmu(s, req); rec.Code != http.StatusOK {
			t.Errorf("the page's %s: %d %s", path, rec.Code, rec.Body)
		}
	}
	_, doc = page("/_emu/?done=reset", inBrowserWorld)
	if st := collapse(doc.Find(`[role="status"]`).Text()); !strings.HasPrefix(st, "Reset:") {
		t.Errorf("status after reset %q", st)
	}
	if log := collapse(doc.Find(`section[aria-labelledby="log"] tbody`).Text()); !strings.Contains(log, "POST /_emu/reset") || strings.Contains(log, "oauth2") {
		t.Errorf("the log after reset: %s", log)
	}
	_, doc = page("/_emu/?done=<script>", inBrowserWorld)
	if st := collapse(doc.Find(`[role="status"]`).Text()); st != "" {
		t.Errorf("status for an unknown done= %q", st)
	}
	_, doc = page("/_emu/")
	if got := strings.TrimSpace(doc.Find("script#control-world").Text()); got != `"default"` {
		t.Errorf("without the cookie the page shows world %s", got)
	}

	// Inside the site: one link back to it.
	site := New(Options{Clients: s.opts.Clients, SiteURL: siteOrigin, PublicURL: emuOrigin})
	rec = serveEmu(site, httptest.NewRequest(http.MethodGet, "/_emu/", nil))
	doc, _ = goquery.NewDocumentFromReader(rec.Body)
	if links := doc.Find(`nav a`); links.Length() != 1 || links.AttrOr("href", "") != siteOrigin || !strings.Contains(links.Text(), "Back to the site") {
		t.Errorf("site link: %d %q", links.Length(), links.Text())
	}
}
