package site_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// The site's benchmarks for benchstat: every page served through the whole
// middleware stack with a returning browser's session cookie, and the
// Calendar postback once its token is verified (a verifier cache hit and one
// upstream call to an in-process emulator). Run by `task bench:go`.

// benchSite is the site handler wired to an emulator, plus a returning
// browser's session: its cookie and the CSRF token its pages carry.
type benchSite struct {
	*sitetest.Site
	handler http.Handler
	cookie  string
	csrf    string
}

func newBenchSite(b *testing.B) *benchSite {
	b.Helper()
	// The site logs every request as in production, into the void.
	site := sitetest.Start(b, sitetest.WithLogOutput(io.Discard))
	s := &benchSite{Site: site, handler: site.Handler}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/calendar", nil))
	csrf := sitetest.CSRFToken(rec.Body.String())
	if rec.Code != http.StatusOK || csrf == "" || len(rec.Result().Cookies()) == 0 {
		b.Fatalf("first visit: %d, csrf %q", rec.Code, csrf)
	}
	s.cookie = rec.Result().Cookies()[0].String()
	s.csrf = csrf
	return s
}

// serve answers one request into a reused recorder and fails on a bad status.
func (s *benchSite) serve(b *testing.B, req *http.Request, want int) int {
	w := &discardWriter{h: http.Header{}}
	s.handler.ServeHTTP(w, req)
	if w.status != want {
		b.Fatalf("%s %s: status %d, want %d", req.Method, req.URL.Path, w.status, want)
	}
	return w.n
}

func (s *benchSite) get(path string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Cookie", s.cookie)
	return req
}

func (s *benchSite) postback(path, token string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, nil)
	req.Header.Set("Cookie", s.cookie)
	req.Header.Set("X-CSRF-Token", s.csrf)
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// BenchmarkPage serves each page (GET) through the full middleware: CSP
// nonce, headers, request log, session decode, render.
func BenchmarkPage(b *testing.B) {
	s := newBenchSite(b)
	for _, path := range []string{"/", "/docs", "/calendar", "/photos", "/ajax", "/lab"} {
		name := strings.TrimPrefix(path, "/")
		if name == "" {
			name = "home"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var n int
			for b.Loop() {
				n = s.serve(b, s.get(path), http.StatusOK)
			}
			b.SetBytes(int64(n))
		})
	}
}

// BenchmarkCalendarPostback is POST /calendar with a token the verifier has
// already seen: one upstream call (events.list) per postback.
func BenchmarkCalendarPostback(b *testing.B) {
	s := newBenchSite(b)
	tok := s.Mint(config.EmulatorClientID, sitetest.CalendarScope)
	// The first postback calls tokeninfo and records the grant: keep the
	// cookie it sets, as a browser does, so later ones change nothing.
	first := &discardWriter{h: http.Header{}}
	s.handler.ServeHTTP(first, s.postback("/calendar", tok))
	c := (&http.Response{Header: first.h}).Cookies()
	if first.status != http.StatusOK || len(c) != 1 {
		b.Fatalf("first postback: %d, %d cookies", first.status, len(c))
	}
	s.cookie = c[0].Name + "=" + c[0].Value
	b.ReportAllocs()
	for b.Loop() {
		s.serve(b, s.postback("/calendar", tok), http.StatusOK)
	}
}

// discardWriter is a ResponseWriter that keeps only the status and size.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(p)
	return len(p), nil
}
