package pages_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

func TestLabPage(t *testing.T) {
	s, doc := openPage(t, "/lab", "Consent lab")
	// The lab's own rules come after the site's; no other page loads them.
	var sheets []string
	doc.Find(`link[rel="stylesheet"]`).Each(func(_ int, s *goquery.Selection) { sheets = append(sheets, s.AttrOr("href", "")) })
	if len(sheets) != 2 || !strings.HasPrefix(sheets[0], "/assets/css/site.") || !strings.HasPrefix(sheets[1], "/assets/css/lab.") {
		t.Errorf("stylesheets %q, want site.css then lab.css", sheets)
	}
	for _, path := range []string{"/", "/docs", "/calendar", "/photos", "/ajax"} {
		if n := sitetest.Parse(t, s.Page(path).Body).Find(`link[href^="/assets/css/lab."]`).Length(); n != 0 {
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
	if got, want := strings.Join(scopes, " "), sitetest.DocsScope+" "+sitetest.CalendarScope+" "+sitetest.PhotosScope+" openid email profile"; got != want {
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
		if n := sitetest.ButtonsNamed(doc, name); n != 1 {
			t.Errorf("%d buttons named %q, want 1", n, name)
		}
	}
	for _, id := range []string{"lab-verdict", "lab-clock"} {
		if doc.Find("#"+id).Length() != 1 {
			t.Errorf("no #%s", id)
		}
	}
	if doc.Find(`nav a[href="/lab"]`).Length() != 1 || sitetest.Parse(t, s.Get("/").Body).Find(`main a[href="/lab"]`).Length() != 1 {
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
	raw, ok := sitetest.Parse(t, html).Find("#lab-verdict").Attr("data-verdict")
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
	s := sitetest.Start(t)
	s.Page("/lab")
	two := s.Mint(config.EmulatorClientID, sitetest.DocsScope, sitetest.CalendarScope)
	signIn := s.Mint(config.EmulatorClientID, "openid", "email")
	other := s.Mint(config.OtherClientID, sitetest.DocsScope, sitetest.CalendarScope)
	// Revoke ends the whole grant of a user: bob's, so alice's tokens live on.
	revoked := s.MintFor("bob@example.com", config.EmulatorClientID, sitetest.PhotosScope)
	s.Revoke(revoked)

	t.Run("valid token with two of the pages' scopes", func(t *testing.T) {
		res := s.Postback("/lab/verify", two)
		if res.StatusCode != 200 {
			t.Fatalf("status %d:\n%.500s", res.StatusCode, res.Body)
		}
		v := verdictOf(t, res.Body)
		if v.Verdict != "valid" || !v.AudienceOK || v.ExpiresIn < 3500 || v.ExpiresIn > 3600 {
			t.Errorf("verdict = %+v", v)
		}
		if got := v.verified(); !got[sitetest.DocsScope] || !got[sitetest.CalendarScope] || got[sitetest.PhotosScope] || len(got) != 3 {
			t.Errorf("catalog verdicts = %v", got)
		}
		if strings.Join(v.Scopes, " ") != sitetest.CalendarScope+" "+sitetest.DocsScope {
			t.Errorf("scopes = %v", v.Scopes)
		}
		for scope, want := range map[string]string{sitetest.DocsScope: "granted", sitetest.CalendarScope: "granted", sitetest.PhotosScope: "never asked"} {
			if got := sitetest.LedgerState(t, res.Body, scope); got != want {
				t.Errorf("ledger %s = %q, want %q", scope, got, want)
			}
		}
	})

	t.Run("a sign-in token names the account and carries none of the pages' scopes", func(t *testing.T) {
		res := s.Postback("/lab/verify", signIn)
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
			res := s.Postback("/lab/verify", tt.token, mutate...)
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d:\n%.500s", res.StatusCode, tt.status, res.Body)
			}
			if got := res.Header.Get("WWW-Authenticate"); got != tt.challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.challenge)
			}
			if tt.text != "" {
				doc := sitetest.Parse(t, res.Body)
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
		if res := s.Postback("/lab/verify", two); res.StatusCode != 200 {
			t.Fatalf("before expiry: %d", res.StatusCode)
		}
		s.Emu.Advance(t, 3700*time.Second)
		res := s.Postback("/lab/verify", two)
		if res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") != `Bearer error="invalid_token"` {
			t.Fatalf("after expiry: %d %q", res.StatusCode, res.Header.Get("WWW-Authenticate"))
		}
	})
}

func TestLabExpire(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/lab")
	tok := s.Mint(config.EmulatorClientID, sitetest.CalendarScope)
	if res := s.Postback("/lab/verify", tok); res.StatusCode != 200 || sitetest.LedgerState(t, res.Body, sitetest.CalendarScope) != "granted" {
		t.Fatalf("verify: %d", res.StatusCode)
	}

	for _, secs := range []string{"", "0", "-5", "abc", "1.5", "86401"} {
		t.Run("refuses seconds="+secs, func(t *testing.T) {
			res := s.Postback("/lab/expire", "", sitetest.Form("seconds="+url.QueryEscape(secs)))
			if res.StatusCode != 400 || !strings.Contains(res.Body, `id="lab-clock"`) || !strings.Contains(res.Body, `role="alert"`) {
				t.Errorf("status %d:\n%.400s", res.StatusCode, res.Body)
			}
		})
	}
	t.Run("refuses a cross-site request", func(t *testing.T) {
		res := s.Postback("/lab/expire", "", sitetest.Form("seconds=3700"), func(r *http.Request) { r.Header.Del("X-CSRF-Token") })
		if res.StatusCode != 403 {
			t.Errorf("status %d", res.StatusCode)
		}
	})

	res := s.Postback("/lab/expire", "", sitetest.Form("seconds=3700"))
	if res.StatusCode != 200 {
		t.Fatalf("expire: %d\n%.500s", res.StatusCode, res.Body)
	}
	clock := sitetest.Parse(t, res.Body).Find("#lab-clock")
	if clock.AttrOr("data-advanced", "") != "3700" || clock.AttrOr("data-emulator-now", "") == "" {
		t.Errorf("answer = %q %v", clock.Text(), clock.Nodes)
	}
	if got := sitetest.LedgerState(t, res.Body, sitetest.CalendarScope); got != "expired" {
		t.Errorf("ledger after Expire now = %q, want expired", got)
	}
	if offset := s.Emu.State(t).ClockOffset; offset != 3700*time.Second {
		t.Errorf("emulator clock offset = %s, want 1h1m40s", offset)
	}
	if res := s.Postback("/lab/verify", tok); res.StatusCode != 401 {
		t.Errorf("the token still verifies after Expire now: %d", res.StatusCode)
	}
}

// TestLabExpireGoogleMode: there is no clock to move at Google.
func TestLabExpireGoogleMode(t *testing.T) {
	s := sitetest.Start(t, sitetest.GoogleMode())
	doc := sitetest.Parse(t, s.Page("/lab").Body)
	if sitetest.ButtonsNamed(doc, "Expire now") != 0 || doc.Find("#lab-clock").Length() != 0 {
		t.Errorf("Google mode offers Expire now")
	}
	if res := s.Postback("/lab/expire", "", sitetest.Form("seconds=3700")); res.StatusCode != 404 {
		t.Errorf("POST /lab/expire in Google mode: %d, want 404", res.StatusCode)
	}
}
