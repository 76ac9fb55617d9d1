package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/scopewise/scopewise/internal/config"
)

// ledgerState reads the state of one scope's row from a page or fragment.
func ledgerState(t *testing.T, html, scope string) string {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return doc.Find(`#ledger tr[data-scope="`+scope+`"]`).AttrOr("data-state", "")
}

// TestCalendarLifecycle walks one grant through the states the ledger shows:
// granted, expired after the emulator's clock moves, revoked after revoke.
func TestCalendarLifecycle(t *testing.T) {
	a := startApp(t, nil)
	a.page("/calendar")
	if got := ledgerState(t, a.get("/calendar").Body, calendarScope); got != "never asked" {
		t.Fatalf("fresh ledger state = %q", got)
	}

	tok := a.mint(config.EmulatorClientID, calendarScope)
	res := a.postback("/calendar", tok)
	if res.StatusCode != 200 {
		t.Fatalf("valid token: %d\n%s", res.StatusCode, res.Body)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(res.Body))
	items := doc.Find(`section[aria-labelledby="calendar-results-title"] li`)
	if items.Length() == 0 || items.Length() > 25 {
		t.Fatalf("events listed = %d, want 1..25", items.Length())
	}
	// A week of the seed holds every event type, each marked as what it is.
	types := map[string]bool{}
	items.Each(func(_ int, li *goquery.Selection) { types[li.AttrOr("data-event-type", "")] = true })
	for _, typ := range []string{"default", "birthday", "focusTime", "outOfOffice", "workingLocation", "fromGmail"} {
		if !types[typ] {
			t.Errorf("no %s event listed (types %v)", typ, types)
		}
	}
	if strings.TrimSpace(items.First().Find(".event-title").Text()) == "" || items.First().Find("time").Length() != 1 {
		t.Errorf("first event lacks a title or a time: %q", items.First().Text())
	}
	if got := ledgerState(t, res.Body, calendarScope); got != "granted" {
		t.Errorf("after success ledger = %q, want granted", got)
	}
	if got := ledgerState(t, a.get("/").Body, calendarScope); got != "granted" {
		t.Errorf("home page ledger = %q, want granted (read from the session)", got)
	}

	// Past expiry on the emulator's clock: the cached verification is not
	// enough, the API refuses the token and the page is told to authorize again.
	a.emu("/_emu/clock", map[string]string{"advance": "3700s"}, nil)
	res = a.postback("/calendar", tok)
	if res.StatusCode != 401 || !strings.Contains(res.Body, "Access expired") {
		t.Fatalf("expired token: %d\n%.500s", res.StatusCode, res.Body)
	}
	if got := ledgerState(t, res.Body, calendarScope); got != "expired" {
		t.Errorf("after expiry ledger = %q, want expired", got)
	}

	// Revoke: the page script calls GIS revoke, then tells the server.
	tok = a.mint(config.EmulatorClientID, calendarScope)
	if res = a.postback("/calendar", tok); res.StatusCode != 200 {
		t.Fatalf("fresh token: %d", res.StatusCode)
	}
	revoke, _ := http.PostForm(a.emulator+"/revoke", map[string][]string{"token": {tok}})
	if revoke.StatusCode != 200 {
		t.Fatalf("emulator revoke: %d", revoke.StatusCode)
	}
	res = a.postback("/grants/events", "", formBody("event=revoked&scope="+calendarScope))
	if res.StatusCode != 200 || ledgerState(t, res.Body, calendarScope) != "revoked" {
		t.Fatalf("revoke event: %d, ledger %q", res.StatusCode, ledgerState(t, res.Body, calendarScope))
	}
	res = a.postback("/calendar", tok)
	if res.StatusCode != 401 {
		t.Fatalf("revoked token: %d, want 401", res.StatusCode)
	}
	if got := ledgerState(t, res.Body, calendarScope); got != "revoked" {
		t.Errorf("a 401 after revoke keeps the ledger at revoked, got %q", got)
	}
}

func formBody(body string) func(*http.Request) {
	return func(r *http.Request) {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Body = http.NoBody
		if body != "" {
			r.Body = nopCloser{strings.NewReader(body)}
			r.ContentLength = int64(len(body))
		}
	}
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }

var scriptTag = regexp.MustCompile(`<script[^>]*>`)

// TestSecurityHeaders: every page has a nonce CSP without unsafe-inline, every
// script tag carries that nonce, and COOP lets the GIS popup answer.
func TestSecurityHeaders(t *testing.T) {
	a := startApp(t, nil)
	for _, path := range []string{"/", "/calendar", "/no-such-page"} {
		t.Run(path, func(t *testing.T) {
			res := a.get(path)
			csp := res.Header.Get("Content-Security-Policy")
			m := regexp.MustCompile(`'nonce-([^']+)'`).FindStringSubmatch(csp)
			if m == nil || strings.Contains(csp, "unsafe-inline") {
				t.Fatalf("CSP = %q", csp)
			}
			if !strings.Contains(csp, a.emulator) {
				t.Errorf("CSP does not allow the emulator's GIS: %q", csp)
			}
			// The emulator serves GIS, revoke and the APIs the lab calls from
			// the browser: its origin, once, and nothing else to connect to.
			if got, want := cspDirective(csp, "connect-src"), "connect-src 'self' "+a.emulator; got != want {
				t.Errorf("%q, want %q", got, want)
			}
			for _, tag := range scriptTag.FindAllString(res.Body, -1) {
				if !strings.Contains(tag, `nonce="`+m[1]+`"`) {
					t.Errorf("script without the nonce: %s", tag)
				}
			}
			for h, want := range map[string]string{
				"Cross-Origin-Opener-Policy": "same-origin-allow-popups",
				"X-Content-Type-Options":     "nosniff",
				"X-Frame-Options":            "DENY",
			} {
				if got := res.Header.Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
		})
	}
	if res := a.get("/no-such-page"); res.StatusCode != 404 || !strings.Contains(res.Body, "Page not found") {
		t.Errorf("404 page: %d", res.StatusCode)
	}
}

func TestGrantEventsBadInput(t *testing.T) {
	a := startApp(t, nil)
	a.page("/")
	for _, body := range []string{"", "event=bogus&scope=" + calendarScope, "event=denied&scope=https://example.com/x"} {
		if res := a.postback("/grants/events", "", formBody(body)); res.StatusCode != 400 {
			t.Errorf("POST /grants/events %q: %d, want 400", body, res.StatusCode)
		}
	}
}
