package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestGoogleMode: with GOOGLE_CLIENT_ID the emulator is not started, the pages
// load Google's script with our client ID, and the CSP allows GIS's paths.
func TestGoogleMode(t *testing.T) {
	const clientID = "123456789012-abc.apps.googleusercontent.com"
	key := strings.Repeat("0f", 32)
	env := map[string]string{"GOOGLE_CLIENT_ID": clientID, "SESSION_KEYS": key + "," + key}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, out)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()

	var site string
	for deadline := time.Now().Add(5 * time.Second); site == ""; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no site address printed:\n%s", out.String())
		}
		for line := range strings.Lines(out.String()) {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "site: "); ok {
				site = v
			}
		}
	}
	time.Sleep(50 * time.Millisecond)
	if strings.Contains(out.String(), "emulator: ") {
		t.Errorf("the emulator started in Google mode:\n%s", out.String())
	}

	for _, path := range []string{"/calendar", "/docs", "/photos", "/ajax", "/lab"} {
		res, err := http.Get(site + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		html, csp := string(body), res.Header.Get("Content-Security-Policy")
		if res.StatusCode != 200 {
			t.Errorf("GET %s: %d", path, res.StatusCode)
			continue
		}
		if !strings.Contains(html, `src="https://accounts.google.com/gsi/client"`) {
			t.Errorf("%s does not load Google's GIS script", path)
		}
		if !strings.Contains(html, clientID) {
			t.Errorf("%s does not carry our client ID", path)
		}
		if strings.Contains(html, "Emulator mode") || strings.Contains(html, "/_emu/") {
			t.Errorf("%s mentions the emulator in Google mode", path)
		}
		for _, directive := range []string{"script-src", "style-src", "frame-src", "connect-src"} {
			if !strings.Contains(csp, directive) || !strings.Contains(cspDirective(csp, directive), "https://accounts.google.com/gsi/") {
				t.Errorf("%s: CSP %s does not allow GIS: %q", path, directive, csp)
			}
		}
		// connect-src: GIS, revoke, the APIs the lab calls from the browser
		// (REST + CORS, and their discovery documents for gapi.client), and
		// the host gapi.client's calls go through; nothing more. script-src
		// and frame-src: GIS, and Google's api.js and its request proxy.
		for _, want := range []string{
			"connect-src 'self' https://accounts.google.com/gsi/ https://oauth2.googleapis.com https://www.googleapis.com https://docs.googleapis.com https://photospicker.googleapis.com https://content.googleapis.com",
			"script-src 'self' 'nonce-",
			"frame-src https://accounts.google.com/gsi/ https://content.googleapis.com",
		} {
			name, _, _ := strings.Cut(want, " ")
			got := cspDirective(csp, name)
			if name == "script-src" {
				_, rest, _ := strings.Cut(got, "' ")
				_, rest, _ = strings.Cut(rest, "' ")
				got, want = rest, "https://accounts.google.com/gsi/ https://apis.google.com"
			}
			if got != want {
				t.Errorf("%s: %q, want %q", path, got, want)
			}
		}
		if path == "/lab" {
			for _, attr := range []string{
				`data-calendar-api="https://www.googleapis.com/calendar/v3"`, `data-docs-api="https://docs.googleapis.com/v1"`, `data-picker-api="https://photospicker.googleapis.com/v1"`,
				`data-gapi-script="https://apis.google.com/js/api.js"`,
				`data-calendar-discovery="https://www.googleapis.com/discovery/v1/apis/calendar/v3/rest"`,
				`data-docs-discovery="https://docs.googleapis.com/$discovery/rest?version=v1"`,
			} {
				if !strings.Contains(html, attr) {
					t.Errorf("/lab lacks %s", attr)
				}
			}
		}
	}
}

func cspDirective(csp, name string) string {
	for d := range strings.SplitSeq(csp, ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, name+" ") {
			return d
		}
	}
	return ""
}
