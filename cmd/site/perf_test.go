package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/klauspost/compress/gzip"

	"github.com/scopewise/scopewise/internal/config"
)

var pagePaths = []string{"/", "/docs", "/calendar", "/photos", "/ajax", "/lab"}

// TestPagesGzipped: a browser that takes gzip gets every page gzipped, with
// Vary for caches and the length of what is sent; one that does not, gets
// the page as it is.
func TestPagesGzipped(t *testing.T) {
	a := startApp(t, nil)
	for _, path := range pagePaths {
		for _, accept := range []string{"gzip, deflate, br, zstd", "identity"} {
			req, _ := http.NewRequest(http.MethodGet, a.site+path, nil)
			req.Header.Set("Accept-Encoding", accept) // set by hand: the client does not decode
			res, err := a.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			body := raw
			if accept == "identity" {
				if res.Header.Get("Content-Encoding") != "" {
					t.Errorf("%s for identity: Content-Encoding %q", path, res.Header.Get("Content-Encoding"))
				}
			} else {
				if res.Header.Get("Content-Encoding") != "gzip" {
					t.Fatalf("%s: Content-Encoding %q, want gzip", path, res.Header.Get("Content-Encoding"))
				}
				zr, err := gzip.NewReader(strings.NewReader(string(raw)))
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				body, _ = io.ReadAll(zr)
				if len(raw) > len(body)/2 {
					t.Errorf("%s: %d bytes gzipped of %d", path, len(raw), len(body))
				}
			}
			if res.StatusCode != 200 || !strings.HasSuffix(strings.TrimSpace(string(body)), "</html>") {
				t.Errorf("%s (%s): status %d, body ends %q", path, accept, res.StatusCode, string(body[max(0, len(body)-20):]))
			}
			if res.Header.Get("Vary") != "Accept-Encoding" || res.ContentLength != int64(len(raw)) {
				t.Errorf("%s (%s): Vary %q, Content-Length %d for %d bytes", path, accept, res.Header.Get("Vary"), res.ContentLength, len(raw))
			}
		}
	}
}

// TestPagesReflectNoRequestInput is what makes compressing pages safe from
// BREACH: a page holds the CSRF token, so it must hold nothing an attacker
// chose (query, path, headers) that compression could measure it against.
func TestPagesReflectNoRequestInput(t *testing.T) {
	a := startApp(t, nil)
	const mark = "zqxjmarkzqxj"
	for _, path := range append(pagePaths, "/no-such-page-"+mark) {
		req, _ := http.NewRequest(http.MethodGet, a.site+path+"?q="+mark+"&document="+mark+"#"+mark, nil)
		req.Header.Set("Referer", "http://evil.example/"+mark)
		req.Header.Set("X-Requested-With", mark)
		res := a.do(req)
		if strings.Contains(res.Body, mark) {
			t.Errorf("GET %s reflects request input: %.300s", path, res.Body[strings.Index(res.Body, mark)-min(200, strings.Index(res.Body, mark)):])
		}
	}
}

// TestRepeatedPostbackKeepsCookie: verifying the same token again leaves the
// ledger as it was, so the answer sets no new cookie.
func TestRepeatedPostbackKeepsCookie(t *testing.T) {
	a := startApp(t, nil)
	a.page("/calendar")
	tok := a.mint(config.EmulatorClientID, calendarScope)
	if res := a.postback("/calendar", tok); res.StatusCode != 200 || res.Header.Get("Set-Cookie") == "" {
		t.Fatalf("first postback: %d, Set-Cookie %q: want 200 and the new grant saved", res.StatusCode, res.Header.Get("Set-Cookie"))
	}
	if res := a.postback("/calendar", tok); res.StatusCode != 200 || res.Header.Get("Set-Cookie") != "" {
		t.Fatalf("second postback: %d, Set-Cookie %q: want 200 and no cookie", res.StatusCode, res.Header.Get("Set-Cookie"))
	}
	if res := a.get("/calendar"); res.Header.Get("Set-Cookie") != "" {
		t.Errorf("page view of an unchanged session sets a cookie")
	}
}

// TestClientGoneIsNot5xx: a browser that leaves while the upstream call is
// under way is logged as 499, not as a 502 that no one saw: load runs end
// with requests in flight, and 5xx counts must mean server failures.
func TestClientGoneIsNot5xx(t *testing.T) {
	a := startApp(t, nil)
	a.page("/calendar")
	tok := a.mint(config.EmulatorClientID, calendarScope)
	a.postback("/calendar", tok) // verified: the next postback goes straight to events.list
	a.emu("/_emu/faults", map[string]any{"path": "/calendar/v3/calendars/primary/events", "delay": "3s", "count": 1}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, a.site+"/calendar", nil)
	req.Header.Set("X-CSRF-Token", a.csrf)
	req.Header.Set("Authorization", "Bearer "+tok)
	if _, err := a.client.Do(req); err == nil {
		t.Fatal("the postback answered before the delayed upstream call")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(a.out.String(), "status=499") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	log := a.out.String()
	if !strings.Contains(log, "path=/calendar status=499") || strings.Contains(log, "status=502") {
		t.Errorf("want the abandoned postback logged as 499 and no 502; log:\n%s", log)
	}
}

// TestPageModules checks which of the site's modules each page loads: the
// section binder (token-sections.js) only where there are [data-token-client]
// sections of its own, so /ajax and /lab, which run their own token clients,
// do not carry it; and the shared module wherever a page module imports it.
func TestPageModules(t *testing.T) {
	a := startApp(t, nil)
	want := map[string]string{
		"/":         "",
		"/docs":     "token-client token-sections",
		"/calendar": "token-client token-sections",
		"/photos":   "token-client token-sections photos",
		"/ajax":     "token-client ajax",
		"/lab":      "token-client lab",
	}
	for _, path := range pagePaths {
		doc := mustParse(t, a.page(path).Body)
		var modules []string
		doc.Find(`script[type="module"]`).Each(func(_ int, s *goquery.Selection) {
			name, _, _ := strings.Cut(strings.TrimPrefix(s.AttrOr("src", ""), "/assets/js/"), ".")
			modules = append(modules, name)
		})
		if got := strings.Join(modules, " "); got != want[path] {
			t.Errorf("%s loads modules %q, want %q", path, got, want[path])
		}
		if importMap := doc.Find(`script[type="importmap"]`).Text(); len(modules) > 0 && !strings.Contains(importMap, `"scopewise/token-client":"/assets/js/token-client.`) {
			t.Errorf("%s: import map %q does not name the shared module", path, importMap)
		}
	}
}
