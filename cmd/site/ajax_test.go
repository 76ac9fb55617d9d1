package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/pages"
)

const photosScope = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly"

func mustParse(t *testing.T, html string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// buttonsNamed counts the buttons whose text is name, as getByRole would.
func buttonsNamed(doc *goquery.Document, name string) int {
	return doc.Find("button").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.TrimSpace(s.Text()) == name || s.AttrOr("aria-label", "") == name
	}).Length()
}

// TestAjaxPage checks what page tests rely on: three collapsed sections, each
// with its heading and the page button's stable name as a disclosure,
// and the elements the pages' postback fragments replace.
func TestAjaxPage(t *testing.T) {
	a := startApp(t, nil)
	res := a.page("/ajax")
	if res.StatusCode != 200 {
		t.Fatalf("GET /ajax: %d", res.StatusCode)
	}
	doc := mustParse(t, res.Body)
	if got := doc.Find("h1").Text(); got != "All three on one page" {
		t.Errorf("h1 = %q", got)
	}
	want := []struct{ title, button, scope, postback, results string }{
		{"Docs to read", "Show recent documents", docsScope, "/docs", "docs-results"},
		{"Upcoming events", "Show calendar info", calendarScope, "/calendar", "calendar-results"},
		{"Display photos", "Display photos", photosScope, "/photos", "photos-results"},
	}
	sections := doc.Find("section[data-ajax-section]")
	if sections.Length() != len(want) {
		t.Fatalf("%d sections, want %d", sections.Length(), len(want))
	}
	sections.Each(func(i int, s *goquery.Selection) {
		w := want[i]
		t.Run(w.title, func(t *testing.T) {
			if title := s.Find("h2").First(); title.Text() != w.title {
				t.Errorf("section heading %q, want %q", title.Text(), w.title)
			}
			// Unnamed, so not a region: the results regions keep their names to themselves.
			if _, named := s.Attr("aria-labelledby"); named {
				t.Errorf("the section is a named region")
			}
			if s.AttrOr("data-scope", "") != w.scope || s.AttrOr("data-postback", "") != w.postback {
				t.Errorf("scope %q postback %q", s.AttrOr("data-scope", ""), s.AttrOr("data-postback", ""))
			}
			// Its token comes from the page's one client, not a client of its own.
			if got := s.AttrOr("data-token-client", ""); got != "external" {
				t.Errorf(`data-token-client = %q, want "external"`, got)
			}
			toggle := s.Find(`button[data-action="toggle"]`)
			if toggle.Length() != 1 || strings.TrimSpace(toggle.Text()) != w.button {
				t.Fatalf("disclosure button = %q", toggle.Text())
			}
			if buttonsNamed(doc, w.button) != 1 {
				t.Errorf("%d buttons named %q on the page, want 1", buttonsNamed(doc, w.button), w.button)
			}
			if toggle.AttrOr("aria-expanded", "") != "false" || toggle.AttrOr("type", "") != "button" {
				t.Errorf("disclosure is not a collapsed button: %v", toggle.Nodes[0].Attr)
			}
			panel := doc.Find("#" + toggle.AttrOr("aria-controls", "none"))
			if panel.Length() != 1 || !panel.Is("[hidden]") {
				t.Errorf("the disclosure controls no hidden panel")
			}
			if panel.Find("#"+w.results).Length() != 1 || doc.Find("#"+w.results).Length() != 1 {
				t.Errorf("panel lacks the one #%s the postback replaces", w.results)
			}
			if panel.Find("[data-alerts]").Length() != 1 || panel.Find(`[role="status"]`).Length() != 1 {
				t.Errorf("panel lacks its alerts or status")
			}
		})
	})
	if doc.Find("#docs-document").Length() != 1 {
		t.Errorf("no #docs-document for POST /docs/open's answer")
	}
	if n := doc.Find(`form[data-token-form][action="/docs/open"] input[name="document"]`).Length(); n < 1 {
		t.Errorf("no form to open a document")
	}
	if n := doc.Find(`[data-token-client]:not([data-token-client="external"])`).Length(); n != 0 {
		t.Errorf("%d sections would get token clients of their own", n)
	}
	if doc.Find("[data-ajax][data-client-id]").AttrOr("data-client-id", "") != config.EmulatorClientID {
		t.Errorf("the page's one client has no client ID")
	}
	if !strings.Contains(doc.Find(`script[type="importmap"]`).Text(), `"github.com/scopewise/scopewise/photos"`) {
		t.Errorf("import map lacks the Photos module")
	}
	if doc.Find(`#ledger`).Length() != 1 {
		t.Errorf("no grant ledger")
	}
}

func TestLabPage(t *testing.T) {
	a := startApp(t, nil)
	res := a.page("/lab")
	if res.StatusCode != 200 {
		t.Fatalf("GET /lab: %d", res.StatusCode)
	}
	doc := mustParse(t, res.Body)
	if got := doc.Find("h1").Text(); got != "Consent lab" {
		t.Errorf("h1 = %q", got)
	}
	// The lab's own rules come after the site's; no other page loads them.
	var sheets []string
	doc.Find(`link[rel="stylesheet"]`).Each(func(_ int, s *goquery.Selection) { sheets = append(sheets, s.AttrOr("href", "")) })
	if len(sheets) != 2 || !strings.HasPrefix(sheets[0], "/assets/css/site.") || !strings.HasPrefix(sheets[1], "/assets/css/lab.") {
		t.Errorf("stylesheets %q, want site.css then lab.css", sheets)
	}
	for _, path := range []string{"/", "/docs", "/calendar", "/photos", "/ajax"} {
		if n := mustParse(t, a.page(path).Body).Find(`link[href^="/assets/css/lab."]`).Length(); n != 0 {
			t.Errorf("%s links the lab's stylesheet", path)
		}
	}
	form := doc.Find("form[data-lab-form]")
	var scopes []string
	form.Find(`input[type="checkbox"][name="scope"]`).Each(func(_ int, s *goquery.Selection) {
		scopes = append(scopes, s.AttrOr("value", ""))
		if doc.Find(`label[for="`+s.AttrOr("id", "")+`"]`).Length() != 1 {
			t.Errorf("scope %s has no label", s.AttrOr("value", ""))
		}
	})
	if got, want := strings.Join(scopes, " "), docsScope+" "+calendarScope+" "+photosScope+" openid email profile"; got != want {
		t.Errorf("scopes = %q, want %q", got, want)
	}
	var prompts []string
	form.Find(`input[type="radio"][name="prompt"]`).Each(func(_ int, s *goquery.Selection) { prompts = append(prompts, s.AttrOr("value", "?")) })
	if got := strings.Join(prompts, ","); got != ",none,consent,select_account" {
		t.Errorf("prompt values = %q", got)
	}
	if !form.Find(`input[type="radio"][name="prompt"][value=""]`).Is("[checked]") {
		t.Errorf("prompt '' is not the default")
	}
	if !form.Find(`input[type="checkbox"][name="include_granted_scopes"]`).Is("[checked]") {
		t.Errorf("include_granted_scopes is not on by default")
	}
	if form.Find(`input[type="text"][name="login_hint"]`).Length() != 1 {
		t.Errorf("no login_hint field")
	}
	for _, name := range []string{"Request access", "Revoke access", "Expire now", "Export JSON"} {
		if n := buttonsNamed(doc, name); n != 1 {
			t.Errorf("%d buttons named %q, want 1", n, name)
		}
	}
	for _, id := range []string{"lab-verdict", "lab-clock"} {
		if doc.Find("#"+id).Length() != 1 {
			t.Errorf("no #%s", id)
		}
	}
	if doc.Find(`nav a[href="/lab"]`).Length() != 1 || mustParse(t, a.get("/").Body).Find(`main a[href="/lab"]`).Length() != 1 {
		t.Errorf("the lab is not linked from the nav and the home page")
	}
}

// labVerdict reads POST /lab/verify's answer.
type labVerdict struct {
	Verdict    string   `json:"verdict"`
	AudienceOK bool     `json:"audience_ok"`
	Scopes     []string `json:"scopes"`
	ExpiresIn  int64    `json:"expires_in"`
	Account    string   `json:"account"`
	Catalog    []struct {
		Scope    string `json:"scope"`
		Verified bool   `json:"verified"`
	} `json:"catalog"`
}

func verdictOf(t *testing.T, html string) labVerdict {
	t.Helper()
	raw, ok := mustParse(t, html).Find("#lab-verdict").Attr("data-verdict")
	if !ok {
		t.Fatalf("no data-verdict in:\n%.500s", html)
	}
	var v labVerdict
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("data-verdict: %v", err)
	}
	return v
}

func (v labVerdict) verified() map[string]bool {
	m := map[string]bool{}
	for _, c := range v.Catalog {
		m[c.Scope] = c.Verified
	}
	return m
}

func TestLabVerify(t *testing.T) {
	a := startApp(t, nil)
	a.page("/lab")
	two := a.mint(config.EmulatorClientID, docsScope, calendarScope)
	signIn := a.mint(config.EmulatorClientID, "openid", "email")
	other := a.mint(config.OtherClientID, docsScope, calendarScope)
	// Revoke ends the whole grant of a user: bob's, so alice's tokens live on.
	revoked := a.mintFor("bob@example.com", config.EmulatorClientID, photosScope)
	if res, _ := http.PostForm(a.emulator+"/revoke", url.Values{"token": {revoked}}); res.StatusCode != 200 {
		t.Fatalf("emulator revoke: %d", res.StatusCode)
	}

	t.Run("valid token with two of the pages' scopes", func(t *testing.T) {
		res := a.postback("/lab/verify", two)
		if res.StatusCode != 200 {
			t.Fatalf("status %d:\n%.500s", res.StatusCode, res.Body)
		}
		v := verdictOf(t, res.Body)
		if v.Verdict != "valid" || !v.AudienceOK || v.ExpiresIn < 3500 || v.ExpiresIn > 3600 {
			t.Errorf("verdict = %+v", v)
		}
		if got := v.verified(); !got[docsScope] || !got[calendarScope] || got[photosScope] || len(got) != 3 {
			t.Errorf("catalog verdicts = %v", got)
		}
		if strings.Join(v.Scopes, " ") != calendarScope+" "+docsScope {
			t.Errorf("scopes = %v", v.Scopes)
		}
		for scope, want := range map[string]string{docsScope: "granted", calendarScope: "granted", photosScope: "never asked"} {
			if got := ledgerState(t, res.Body, scope); got != want {
				t.Errorf("ledger %s = %q, want %q", scope, got, want)
			}
		}
	})

	t.Run("a sign-in token names the account and carries none of the pages' scopes", func(t *testing.T) {
		res := a.postback("/lab/verify", signIn)
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
		v := verdictOf(t, res.Body)
		if v.Account != "alice@example.com" {
			t.Errorf("account = %q", v.Account)
		}
		for scope, ok := range v.verified() {
			if ok {
				t.Errorf("%s verified for a sign-in token", scope)
			}
		}
	})

	refusals := []struct {
		name      string
		token     string
		mutate    func(*http.Request)
		status    int
		challenge string
		text      string
	}{
		{name: "other client's token", token: other, status: 401, challenge: `Bearer error="invalid_token"`, text: "another app"},
		{name: "revoked token", token: revoked, status: 401, challenge: `Bearer error="invalid_token"`, text: "Token refused"},
		{name: "garbage token", token: "ya29.garbage", status: 401, challenge: `Bearer error="invalid_token"`, text: "Token refused"},
		{name: "no token", status: 400, challenge: `Bearer error="invalid_request"`, text: "No usable access token"},
		{name: "malformed token", token: "ya29.bad token!", status: 400, challenge: `Bearer error="invalid_request"`},
		{name: "token in the query", token: two, mutate: func(r *http.Request) { r.URL.RawQuery = "access_token=" + two }, status: 400, challenge: `Bearer error="invalid_request"`},
		{name: "no CSRF token", token: two, mutate: func(r *http.Request) { r.Header.Del("X-CSRF-Token") }, status: 403},
		{name: "cross-site", token: two, mutate: func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") }, status: 403},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			var mutate []func(*http.Request)
			if tt.mutate != nil {
				mutate = append(mutate, tt.mutate)
			}
			res := a.postback("/lab/verify", tt.token, mutate...)
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d:\n%.500s", res.StatusCode, tt.status, res.Body)
			}
			if got := res.Header.Get("WWW-Authenticate"); got != tt.challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.challenge)
			}
			if tt.text != "" {
				doc := mustParse(t, res.Body)
				if alert := doc.Find(`#lab-verdict [role="alert"]`); !strings.Contains(alert.Text(), tt.text) {
					t.Errorf("alert %q lacks %q", alert.Text(), tt.text)
				}
				if doc.Find("[data-verdict]").Length() != 0 {
					t.Errorf("a refused token got a verdict")
				}
			}
		})
	}

	// A verdict is fresh: a token the server checked a moment ago is refused
	// once the emulator's clock passes its expiry (the postbacks' cache aside).
	t.Run("expired token", func(t *testing.T) {
		if res := a.postback("/lab/verify", two); res.StatusCode != 200 {
			t.Fatalf("before expiry: %d", res.StatusCode)
		}
		a.emu("/_emu/clock", map[string]string{"advance": "3700s"}, nil)
		res := a.postback("/lab/verify", two)
		if res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") != `Bearer error="invalid_token"` {
			t.Fatalf("after expiry: %d %q", res.StatusCode, res.Header.Get("WWW-Authenticate"))
		}
	})
}

// mintFor is mint for another account.
func (a *app) mintFor(account, client string, scopes ...string) string {
	a.t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	a.emu("/_emu/tokens", map[string]any{"client_id": client, "account": account, "scopes": scopes, "ttl": "3600s"}, &tok)
	if tok.AccessToken == "" {
		a.t.Fatal("emulator minted no token")
	}
	a.mu.Lock()
	a.tokens = append(a.tokens, tok.AccessToken)
	a.mu.Unlock()
	return tok.AccessToken
}

func TestLabExpire(t *testing.T) {
	a := startApp(t, nil)
	a.page("/lab")
	tok := a.mint(config.EmulatorClientID, calendarScope)
	if res := a.postback("/lab/verify", tok); res.StatusCode != 200 || ledgerState(t, res.Body, calendarScope) != "granted" {
		t.Fatalf("verify: %d", res.StatusCode)
	}

	for _, secs := range []string{"", "0", "-5", "abc", "1.5", "86401"} {
		t.Run("refuses seconds="+secs, func(t *testing.T) {
			res := a.postback("/lab/expire", "", formBody("seconds="+url.QueryEscape(secs)))
			if res.StatusCode != 400 || !strings.Contains(res.Body, `id="lab-clock"`) || !strings.Contains(res.Body, `role="alert"`) {
				t.Errorf("status %d:\n%.400s", res.StatusCode, res.Body)
			}
		})
	}
	t.Run("refuses a cross-site request", func(t *testing.T) {
		res := a.postback("/lab/expire", "", formBody("seconds=3700"), func(r *http.Request) { r.Header.Del("X-CSRF-Token") })
		if res.StatusCode != 403 {
			t.Errorf("status %d", res.StatusCode)
		}
	})

	res := a.postback("/lab/expire", "", formBody("seconds=3700"))
	if res.StatusCode != 200 {
		t.Fatalf("expire: %d\n%.500s", res.StatusCode, res.Body)
	}
	clock := mustParse(t, res.Body).Find("#lab-clock")
	if clock.AttrOr("data-advanced", "") != "3700" || clock.AttrOr("data-emulator-now", "") == "" {
		t.Errorf("answer = %q %v", clock.Text(), clock.Nodes)
	}
	if got := ledgerState(t, res.Body, calendarScope); got != "expired" {
		t.Errorf("ledger after Expire now = %q, want expired", got)
	}
	var state struct {
		ClockOffset string `json:"clock_offset"`
	}
	stateRes, err := http.Get(a.emulator + "/_emu/state")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(stateRes.Body).Decode(&state)
	stateRes.Body.Close()
	if state.ClockOffset != "1h1m40s" {
		t.Errorf("emulator clock offset = %q, want 1h1m40s", state.ClockOffset)
	}
	if res := a.postback("/lab/verify", tok); res.StatusCode != 401 {
		t.Errorf("the token still verifies after Expire now: %d", res.StatusCode)
	}
}

// TestLabExpireGoogleMode: there is no clock to move at Google.
func TestLabExpireGoogleMode(t *testing.T) {
	site, err := newSite(googleConfig(t), slog.New(slog.DiscardHandler), pages.DocSamples{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}

	res, err := client.Get(srv.URL + "/lab")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	doc := mustParse(t, string(body))
	if buttonsNamed(doc, "Expire now") != 0 || doc.Find("#lab-clock").Length() != 0 {
		t.Errorf("Google mode offers Expire now")
	}
	csrf := doc.Find(`meta[name="csrf-token"]`).AttrOr("content", "")

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/lab/expire", strings.NewReader("seconds=3700"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", csrf)
	req.Header.Set("Origin", srv.URL)
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Errorf("POST /lab/expire in Google mode: %d, want 404", res.StatusCode)
	}
}
