package site_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/klauspost/compress/gzip"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

var pagePaths = []string{"/", "/docs", "/calendar", "/photos", "/ajax", "/lab"}

// TestPagesGzipped: a browser that takes gzip gets every page gzipped, with
// Vary for caches and the length of what is sent; one that does not, gets
// the page as it is.
func TestPagesGzipped(t *testing.T) {
	s := sitetest.Start(t)
	for _, path := range pagePaths {
		for _, accept := range []string{"gzip, deflate, br, zstd", "identity"} {
			req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
			req.Header.Set("Accept-Encoding", accept) // set by hand: the client does not decode
			res, err := s.Client.Do(req)
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
	s := sitetest.Start(t)
	const mark = "zqxjmarkzqxj"
	for _, path := range append(pagePaths, "/no-such-page-"+mark) {
		req, _ := http.NewRequest(http.MethodGet, s.URL+path+"?q="+mark+"&document="+mark+"#"+mark, nil)
		req.Header.Set("Referer", "http://evil.example/"+mark)
		req.Header.Set("X-Requested-With", mark)
		res := s.Do(req)
		if strings.Contains(res.Body, mark) {
			t.Errorf("GET %s reflects request input: %.300s", path, res.Body[strings.Index(res.Body, mark)-min(200, strings.Index(res.Body, mark)):])
		}
	}
}

// TestRepeatedPostbackKeepsCookie: verifying the same token again leaves the
// ledger as it was, so the answer sets no new cookie.
func TestRepeatedPostbackKeepsCookie(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/calendar")
	tok := s.Mint(config.EmulatorClientID, sitetest.CalendarScope)
	if res := s.Postback("/calendar", tok); res.StatusCode != 200 || res.Header.Get("Set-Cookie") == "" {
		t.Fatalf("first postback: %d, Set-Cookie %q: want 200 and the new grant saved", res.StatusCode, res.Header.Get("Set-Cookie"))
	}
	if res := s.Postback("/calendar", tok); res.StatusCode != 200 || res.Header.Get("Set-Cookie") != "" {
		t.Fatalf("second postback: %d, Set-Cookie %q: want 200 and no cookie", res.StatusCode, res.Header.Get("Set-Cookie"))
	}
	if res := s.Get("/calendar"); res.Header.Get("Set-Cookie") != "" {
		t.Errorf("page view of an unchanged session sets a cookie")
	}
}

// TestClientGoneIsNot5xx: a browser that leaves while the upstream call is
// under way is logged as 499, not as a 502 that no one saw: load runs end
// with requests in flight, and 5xx counts must mean server failures.
func TestClientGoneIsNot5xx(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/calendar")
	tok := s.Mint(config.EmulatorClientID, sitetest.CalendarScope)
	s.Postback("/calendar", tok) // verified: the next postback goes straight to events.list
	s.Emu.Fault(t, emulator.Fault{Path: "/calendar/v3/calendars/primary/events", Delay: 3 * time.Second, Count: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/calendar", nil)
	req.Header.Set("X-CSRF-Token", s.CSRF)
	req.Header.Set("Authorization", "Bearer "+tok)
	if _, err := s.Client.Do(req); err == nil {
		t.Fatal("the postback answered before the delayed upstream call")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(s.Logs.String(), "status=499") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	log := s.Logs.String()
	if !strings.Contains(log, "path=/calendar status=499") || strings.Contains(log, "status=502") {
		t.Errorf("want the abandoned postback logged as 499 and no 502; log:\n%s", log)
	}
}

// TestPageModules checks which of the site's modules each page loads: the
// section binder (token-sections.js) only where there are [data-token-client]
// sections of its own, so /ajax and /lab, which run their own token clients,
// do not carry it; and the shared module wherever a page module imports it.
// photos.js is imported with the Photos section's first postback, so /photos
// loads no more than /docs: its import map names it.
func TestPageModules(t *testing.T) {
	s := sitetest.Start(t)
	want := map[string]string{
		"/":         "",
		"/docs":     "token-client token-sections",
		"/calendar": "token-client token-sections",
		"/photos":   "token-client token-sections",
		"/ajax":     "token-client ajax",
		"/lab":      "token-client lab",
	}
	for _, path := range pagePaths {
		doc := sitetest.Parse(t, s.Page(path).Body)
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
		if importMap := doc.Find(`script[type="importmap"]`).Text(); (path == "/photos" || path == "/ajax") && !strings.Contains(importMap, `"scopewise/photos":"/assets/js/photos.`) {
			t.Errorf("%s: import map %q does not name photos.js, imported on first use", path, importMap)
		}
	}
}

var bareImport = regexp.MustCompile(`(?:\bfrom\s*|\bimport\s*\(\s*)["']([^"'./][^"']*)["']`)

// TestBareImportsResolve: every bare specifier a page's modules import
// ("scopewise/token-client"), statically or on first use, is a name in that
// page's import map; a name the map lacks stops the page's scripts (the
// browser refuses the whole module graph and every button stays disabled).
func TestBareImportsResolve(t *testing.T) {
	s := sitetest.Start(t)
	for _, path := range pagePaths {
		doc := sitetest.Parse(t, s.Page(path).Body)
		var importMap struct {
			Imports map[string]string `json:"imports"`
		}
		if raw := doc.Find(`script[type="importmap"]`).Text(); raw != "" {
			if err := json.Unmarshal([]byte(raw), &importMap); err != nil {
				t.Fatalf("%s: import map %q: %v", path, raw, err)
			}
		}
		var queue []string
		doc.Find(`script[type="module"]`).Each(func(_ int, m *goquery.Selection) { queue = append(queue, m.AttrOr("src", "")) })
		seen := map[string]bool{}
		imports := 0
		for len(queue) > 0 {
			src := queue[0]
			queue = queue[1:]
			if seen[src] {
				continue
			}
			seen[src] = true
			res := s.Get(src)
			if res.StatusCode != 200 {
				t.Fatalf("%s: GET %s: %d", path, src, res.StatusCode)
			}
			for _, m := range bareImport.FindAllStringSubmatch(res.Body, -1) {
				imports++
				target, ok := importMap.Imports[m[1]]
				if !ok {
					t.Errorf("%s: %s imports %q, which the page's import map %v does not name", path, src, m[1], importMap.Imports)
					continue
				}
				queue = append(queue, target)
			}
		}
		if len(seen) > 0 && imports == 0 {
			t.Errorf("%s: its modules import nothing by a bare name: the check found no import to check", path)
		}
	}
}
