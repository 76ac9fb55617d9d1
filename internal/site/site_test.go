package site_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/scopewise/scopewise/internal/sitetest"
)

var scriptTag = regexp.MustCompile(`<script[^>]*>`)

// TestSecurityHeaders: every page has a nonce CSP without unsafe-inline, every
// script tag carries that nonce, and COOP lets the GIS popup answer.
func TestSecurityHeaders(t *testing.T) {
	s := sitetest.Start(t)
	for _, path := range []string{"/", "/calendar", "/no-such-page"} {
		t.Run(path, func(t *testing.T) {
			res := s.Get(path)
			csp := res.Header.Get("Content-Security-Policy")
			m := regexp.MustCompile(`'nonce-([^']+)'`).FindStringSubmatch(csp)
			if m == nil || strings.Contains(csp, "unsafe-inline") {
				t.Fatalf("CSP = %q", csp)
			}
			if !strings.Contains(csp, s.Emu.URL) {
				t.Errorf("CSP does not allow the emulator's GIS: %q", csp)
			}
			// The emulator serves GIS, revoke and the APIs the lab calls from
			// the browser: its origin, once, and nothing else to connect to.
			if got, want := sitetest.CSPDirective(csp, "connect-src"), "connect-src 'self' "+s.Emu.URL; got != want {
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
	if res := s.Get("/no-such-page"); res.StatusCode != 404 || !strings.Contains(res.Body, "Page not found") {
		t.Errorf("404 page: %d", res.StatusCode)
	}
}

func TestGrantEventsBadInput(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/")
	for _, body := range []string{"", "event=bogus&scope=" + sitetest.CalendarScope, "event=denied&scope=https://example.com/x"} {
		if res := s.Postback("/grants/events", "", sitetest.Form(body)); res.StatusCode != 400 {
			t.Errorf("POST /grants/events %q: %d, want 400", body, res.StatusCode)
		}
	}
}
