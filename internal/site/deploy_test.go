package site_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/scopewise/scopewise/internal/sitetest"
)

// TestEmulatorPublicURL: behind an HTTPS proxy, the pages load GIS from the
// emulator's public https origin and the CSP names that origin, never the
// emulator's http:// listening address; such a page scores as deployed.
func TestEmulatorPublicURL(t *testing.T) {
	const public = "https://accounts.scopewise.example"
	s := sitetest.Start(t, sitetest.WithEnv(map[string]string{"EMULATOR_PUBLIC_URL": public + "/", "SECURE_COOKIES": "true"}), sitetest.WithTLS())
	for _, path := range []string{"/calendar", "/docs", "/photos", "/ajax", "/lab"} {
		res := s.Get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, public) || strings.Contains(csp, "http://") {
			t.Errorf("GET %s: CSP does not name only the public https emulator origin: %s", path, csp)
		}
		if !strings.Contains(res.Body, `src="`+public+`/gsi/client"`) {
			t.Errorf("GET %s: GIS is not loaded from %s", path, public)
		}
		if strings.Contains(res.Body, s.Emu.URL) {
			t.Errorf("GET %s names the emulator's listening address %s", path, s.Emu.URL)
		}
		// What the Observatory's scanner (scripts/observatory-test.sh)
		// charges a deployed page for besides the CSP: HSTS and the cookie.
		if hsts := res.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
			t.Errorf("GET %s: no HSTS behind the https proxy: %q", path, hsts)
		}
		for _, c := range res.Header.Values("Set-Cookie") {
			if !strings.Contains(c, "; Secure") {
				t.Errorf("GET %s sets a cookie without Secure: %s", path, c)
			}
		}
	}
}

// TestTrustedProxies: the client address (the request log's, and every
// per-address limit's) comes from X-Forwarded-For only when the peer is a
// trusted proxy; a forged header from anyone else is ignored.
func TestTrustedProxies(t *testing.T) {
	tests := []struct {
		name    string
		trusted string
		xff     string
		want    string
	}{
		{"no proxy trusted: the peer", "", "203.0.113.7", "127.0.0.1"},
		{"loopback proxy trusted", "127.0.0.1/32", "203.0.113.7", "203.0.113.7"},
		{"the right-most untrusted hop", "127.0.0.0/8, 10.0.0.0/8", "198.51.100.1, 203.0.113.7, 10.1.2.3", "203.0.113.7"},
		{"peer not among the trusted", "10.0.0.0/8", "203.0.113.7", "127.0.0.1"},
		{"trusted proxy, no header: the peer", "127.0.0.1", "", "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sitetest.Start(t, sitetest.WithEnv(map[string]string{"TRUSTED_PROXIES": tt.trusted}))
			req := s.NewRequest(context.Background(), http.MethodGet, "/healthz", nil)
			if tt.xff != "" {
				req.Header.Set("X-Forwarded-For", tt.xff)
			}
			if res := s.Do(req); res.StatusCode != http.StatusOK {
				t.Fatalf("GET /healthz: %d", res.StatusCode)
			}
			if logs := s.Logs.String(); !strings.Contains(logs, "path=/healthz") || !strings.Contains(logs, "client="+tt.want+"\n") {
				t.Errorf("want client=%s in the request log:\n%s", tt.want, logs)
			}
		})
	}
}
