package observatory

import (
	"net/http"
	"net/url"
	"testing"
)

// TestObservatoryScorer pins the scorer to the Observatory's table on
// answers whose results are known, so a scorer that always passes fails here.
func TestObservatoryScorer(t *testing.T) {
	u, _ := url.Parse("https://example.com/")
	good := func() http.Header {
		return http.Header{
			"Content-Security-Policy":      {"default-src 'none'; script-src 'self'; object-src 'none'; frame-ancestors 'none'"},
			"Strict-Transport-Security":    {"max-age=63072000"},
			"X-Content-Type-Options":       {"nosniff"},
			"Referrer-Policy":              {"no-referrer"},
			"Cross-Origin-Resource-Policy": {"same-origin"},
			"X-Frame-Options":              {"DENY"},
			"Content-Type":                 {"text/html"},
		}
	}
	with := func(k, v string) http.Header {
		h := good()
		if v == "" {
			h.Del(k)
		} else {
			h.Set(k, v)
		}
		return h
	}
	tests := []struct {
		name   string
		header http.Header
		body   string
		route  []*url.URL
		cors   http.Header // the answer to a GET with Origin
		score  int
		grade  string
	}{
		{name: "nothing set", header: http.Header{}, score: 30, grade: "D"},
		{name: "everything", header: good(), score: 130, grade: "A+"},
		{name: "unsafe-inline scripts: no bonus under 90", header: with("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'"), score: 80, grade: "B+"},
		{name: "a nonce voids unsafe-inline", header: with("Content-Security-Policy", "default-src 'self'; script-src 'nonce-abc' 'unsafe-inline'; object-src 'none'"), score: 120, grade: "A+"},
		{name: "object-src left open", header: with("Content-Security-Policy", "script-src 'self'"), score: 80, grade: "B+"},
		{name: "http: script source on an HTTPS site", header: with("Content-Security-Policy", "default-src 'none'; script-src http://cdn.example"), score: 80, grade: "B+"},
		{name: "duplicate directive", header: with("Content-Security-Policy", "default-src 'none'; default-src 'self'"), score: 75, grade: "B"},
		{name: "short HSTS: penalty, then bonuses at 90", header: with("Strict-Transport-Security", "max-age=300"), score: 120, grade: "A+"},
		{name: "frame-ancestors missing, X-Frame-Options DENY", header: with("Content-Security-Policy", "default-src 'none'"), score: 125, grade: "A+"},
		{name: "session cookie without Secure, HSTS on", header: func() http.Header {
			h := good()
			h.Add("Set-Cookie", "sessionid=1; Path=/; HttpOnly")
			return h
		}(), score: 120, grade: "A+"},
		{name: "session cookie without Secure, no HSTS", header: func() http.Header {
			h := with("Strict-Transport-Security", "")
			h.Add("Set-Cookie", "sessionid=1; Path=/; HttpOnly; SameSite=Lax")
			return h
		}(), score: 40, grade: "D+"},
		{name: "external script without SRI", header: good(), body: `<script src="https://cdn.other.example/x.js"></script>`, score: 125, grade: "A+"},
		{name: "external script over http", header: good(), body: `<script src="http://cdn.other.example/x.js"></script>`, score: 50, grade: "C"},
		{name: "plain HTTP without a redirect", header: good(), route: []*url.URL{{Scheme: "http", Host: "example.com"}}, score: 80, grade: "B+"},
		{name: "CORS: credentials for any origin", header: good(), cors: http.Header{"Access-Control-Allow-Origin": {Origin}, "Access-Control-Allow-Credentials": {"true"}}, score: 50, grade: "C"},
		{name: "CORS: public access without credentials", header: good(), cors: http.Header{"Access-Control-Allow-Origin": {"*"}}, score: 130, grade: "A+"},
		{name: "Referrer-Policy unsafe-url", header: with("Referrer-Policy", "unsafe-url"), score: 120, grade: "A+"},
		{name: "Cross-Origin-Resource-Policy with a bad value", header: with("Cross-Origin-Resource-Policy", "cross-site"), score: 115, grade: "A+"},
		{name: "plain HTTP redirected to HTTPS on the same host", header: good(), route: []*url.URL{{Scheme: "http", Host: "example.com"}, u}, score: 130, grade: "A+"},
	}
	for _, tt := range tests {
		cors := tt.cors
		if cors == nil {
			cors = http.Header{}
		}
		score, grade, results := Score(Scan{URL: u, Verified: true, HTTPRoute: tt.route, Header: tt.header, Body: tt.body, CORSHeader: cors, CORSOrigin: Origin})
		if score != tt.score || grade != tt.grade {
			t.Errorf("%s: %d %s, want %d %s: %v", tt.name, score, grade, tt.score, tt.grade, results)
		}
	}
}
